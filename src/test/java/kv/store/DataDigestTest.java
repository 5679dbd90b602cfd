package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The digest rules against DEBUG DIGEST-VALUE / DIGEST replies recorded from redis-server 7.0.15.
 * Strings go through the public entry points; the aggregate rules (no such values exist yet) are
 * checked through the element methods their types will call, so the documented rules are proven.
 */
class DataDigestTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(DataDigest d) {
        return DataDigest.hex(d.bytes());
    }

    /** A value digest's first step: the Redis type code as 4 big-endian bytes. */
    private static DataDigest value(int typeCode) {
        DataDigest d = DataDigest.start();
        d.mix(new byte[] {0, 0, 0, (byte) typeCode}, 0, 4);
        return d;
    }

    @Test
    void stringsInEveryEncodingDigestTheirBytes() {
        // SET embstr hello; SET int 12345; SET appended abc + APPEND def (raw)
        assertEquals("36b23a1456b2dce2c3ed252c456761301dba8060", DataDigest.hex(DataDigest.ofValue(b("hello"), false)));
        assertEquals("e1cf90774e995ae03de66e8109dc5cb9d9c2dc83", DataDigest.hex(DataDigest.ofValue(12345L, false)));
        MutableString appended = new MutableString(b("abc"), 0);
        appended.append(b("def"));
        assertEquals("86da10851cbd5c1e5bc88af675446b31ddbc6abe", DataDigest.hex(DataDigest.ofValue(appended, false)));
        assertEquals(DataDigest.hex(DataDigest.ofValue(b("abcdef"), false)), DataDigest.hex(DataDigest.ofValue(appended, false)));
        // the same text as an int and as bytes digests the same: the int's decimal form is what is mixed
        assertEquals(DataDigest.hex(DataDigest.ofValue(b("12345"), false)), DataDigest.hex(DataDigest.ofValue(12345L, false)));
    }

    @Test
    void aTtlAddsTheExpireMarkerWhateverTheTime() {
        // SET b hello EX 1000 -> DEBUG DIGEST-VALUE b
        assertEquals("d037c4eb8a8b36b602fbced4000daeab0714c1e3", DataDigest.hex(DataDigest.ofValue(b("hello"), true)));
    }

    @Test
    void datasetDigestMixesDbIndexKeysAndValues() {
        Keyspace ks = new Keyspace(16);
        assertEquals("0000000000000000000000000000000000000000", DataDigest.hex(DataDigest.of(ks)));
        ks.db(0).put(b("a"), 1L);
        ks.db(0).put(b("b"), b("hello"));
        long far = System.currentTimeMillis() + 1_000_000;
        ks.db(0).expireAt(b("b"), far);
        // SET a 1; SET b hello EX 1000 -> DEBUG DIGEST
        assertEquals("669dc7955c0119edb82e7cfeb40ea4a28f89f902", DataDigest.hex(DataDigest.of(ks)));
        ks.db(0).persist(b("b"));
        assertEquals("2539797405e828ad7a3aa48c536b3eaf2803a421", DataDigest.hex(DataDigest.of(ks)));
        ks.db(3).put(b("a"), 1L);
        assertEquals("0111b681706c5da52a6be7bef3f3a02621270a5c", DataDigest.hex(DataDigest.of(ks)));
        ks.db(3).expireAt(b("a"), far);
        assertEquals("99448d4d5242082f47b05cd866750c4e0a4c8132", DataDigest.hex(DataDigest.of(ks)));
        ks.db(3).moveTo(b("a"), ks.db(4));
        assertEquals("65d90db45967efedfc0a5316d75ad36e362b866d", DataDigest.hex(DataDigest.of(ks)));
    }

    @Test
    void listElementsAreMixedInOrder() {
        DataDigest abc = value(1);
        DataDigest cba = value(1);
        for (String e : new String[] {"a", "b", "c"}) {
            abc.listElement(b(e), 0, 1);
        }
        for (String e : new String[] {"c", "b", "a"}) {
            cba.listElement(b(e), 0, 1);
        }
        // RPUSH l a b c; RPUSH l2 c b a
        assertEquals("8bf72d812571eea9b927f3c11beb0c4165a6ff89", hex(abc));
        assertEquals("ab68e07de85d09ef55234146f46ee46a318beead", hex(cba));
    }

    @Test
    void setMembersAreXoredInAnyOrderIntsetMembersAsText() {
        DataDigest s = value(2);
        for (String m : new String[] {"1", "b", "a"}) {
            s.setMember(b(m), 0, m.length());
        }
        DataDigest ints = value(2);
        for (String m : new String[] {"3", "1", "2"}) {
            ints.setMember(b(m), 0, 1);
        }
        // SADD s a b 1 (hashtable); SADD si 1 2 3 (intset)
        assertEquals("e8f32bbb1ad9bf537c8867de4f19fec9e001296d", hex(s));
        assertEquals("2a462a3f51a1db89738ebbeef0c47ce1bbc85246", hex(ints));
    }

    @Test
    void hashEntriesAreXoredPairDigests() {
        DataDigest h = value(4);
        h.hashEntry(b("f2"), 0, 2, b("v2"), 0, 2);
        h.hashEntry(b("f"), 0, 1, b("v"), 0, 1);
        // HSET h f v f2 v2
        assertEquals("e10e1521ae1a86ad572969ec981152f56b33afcf", hex(h));
    }

    @Test
    void sortedSetEntriesPairMemberWithScoreText() {
        DataDigest z = value(3);
        z.zsetEntry(b("c"), 0, 1, -3.25);
        z.zsetEntry(b("a"), 0, 1, 1.5);
        z.zsetEntry(b("b"), 0, 1, 2);
        // ZADD z 1.5 a 2 b -3.25 c (scores whose text is the same in 7.0's %.17g and 7.2's shortest form)
        assertEquals("5660acd5bc9a7f36d5a33e7bdb658839f74cabf9", hex(z));
    }

    @Test
    void streamEntriesMixIdThenFieldsAndValues() {
        DataDigest x = value(6);
        x.streamEntry(1, 1);
        for (String s : new String[] {"f", "v", "g", "w"}) {
            x.listElement(b(s), 0, 1);
        }
        x.streamEntry(2, 5);
        x.listElement(b("f"), 0, 1);
        x.listElement(b("v2"), 0, 2);
        // XADD x 1-1 f v g w; XADD x 2-5 f v2
        assertEquals("6333662e9a6bf68f222c7ae64848e53e46a07ccd", hex(x));
    }

    @Test
    void mixIsOrderSensitiveAndBoundaryAware() {
        DataDigest foobar = DataDigest.start();
        foobar.mix(b("foo"), 0, 3);
        foobar.mix(b("bar"), 0, 3);
        DataDigest split = DataDigest.start();
        split.mix(b("fo"), 0, 2);
        split.mix(b("obar"), 0, 4);
        assertNotEquals(hex(foobar), hex(split));
    }
}
