package kv.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import kv.util.BulkSink;
import kv.util.Doubles;
import kv.util.Numbers;

/**
 * DEBUG DIGEST and DIGEST-VALUE: a SHA-1 based fingerprint of the data that equals Redis' for the
 * same data, so two servers (KV or Redis) can be compared.
 *
 * <p>The state is 20 bytes, all zero at the start. Two operations feed it:
 * <ul>
 *   <li><b>xor</b>(data): state ^= SHA1(data). Order does not matter: used for unordered things
 *       (keys of a db, members of a set, fields of a hash, members of a sorted set).</li>
 *   <li><b>mix</b>(data): xor(data), then state = SHA1(state). Order matters, and "ab"+"c"
 *       differs from "a"+"bc": used for sequences (a key then its value, list elements).</li>
 * </ul>
 * A value's digest (DIGEST-VALUE; all zeros for a missing key) starts from zeros: mix the type
 * code as 4 big-endian bytes (string 0, list 1, set 2, zset 3, hash 4, stream 6), then the
 * contents by the type's rule (see {@link #mixValue}), then, if the key has a TTL (its time does
 * not matter), xor("!!expire!!"). The dataset digest (DIGEST; 40 zeros when empty) starts from
 * zeros; for each db that holds keys, in index order, it mixes the db index as 4 big-endian bytes,
 * then xors in, for every key, the key's own digest: zeros, mix(key), then the value digest steps
 * above applied to that same state. Keys past their TTL that are still stored count, as in Redis.
 */
public final class DataDigest {
    /** Redis' object type codes (OBJ_STRING...), the first thing mixed into a value's digest. */
    private static final int STRING = 0;
    private static final int LIST = 1;
    private static final int SET = 2;
    private static final int ZSET = 3;
    private static final int HASH = 4;
    private static final int STREAM = 6;
    private static final byte[] EXPIRE_MARK = {'!', '!', 'e', 'x', 'p', 'i', 'r', 'e', '!', '!'};

    private final MessageDigest sha1;
    private final byte[] state = new byte[20];

    private DataDigest(MessageDigest sha1) {
        this.sha1 = sha1;
    }

    /** A zero state. */
    public static DataDigest start() {
        try {
            return new DataDigest(MessageDigest.getInstance("SHA-1"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-1", e);
        }
    }

    /** DEBUG DIGEST of every database. */
    public static byte[] of(Keyspace keyspace) {
        DataDigest all = start();
        DataDigest entry = new DataDigest(all.sha1);
        byte[] dbIndex = new byte[4];
        for (int i = 0; i < keyspace.count(); i++) {
            Db db = keyspace.db(i);
            if (db.size() == 0) {
                continue;
            }
            all.mix(bigEndian(i, dbIndex), 0, 4);
            db.forEachStored((key, value) -> {
                entry.reset();
                entry.mix(key, 0, key.length);
                entry.addValue(value, db.expireTime(key) >= 0);
                all.xor(entry.state, 0, 20);
            });
        }
        return all.bytes();
    }

    /** DEBUG DIGEST-VALUE of one stored value; {@code hasTtl} adds the expire marker. */
    public static byte[] ofValue(Object value, boolean hasTtl) {
        DataDigest d = start();
        d.addValue(value, hasTtl);
        return d.bytes();
    }

    /** Lower-case hex, as DEBUG prints digests. */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    private void addValue(Object value, boolean hasTtl) {
        mixValue(value);
        if (hasTtl) {
            xor(EXPIRE_MARK, 0, EXPIRE_MARK.length);
        }
    }

    /**
     * The type code, then the contents by the type's rule. Aggregates plug in here by iterating
     * their contents into the element methods below:
     * <ul>
     *   <li>list: {@link #listElement} for each element, head to tail;</li>
     *   <li>set: {@link #setMember} for each member (intset members as their decimal text);</li>
     *   <li>hash: {@link #hashEntry} for each field with its value;</li>
     *   <li>sorted set: {@link #zsetEntry} for each member with its score;</li>
     *   <li>stream: {@link #streamEntry} per entry id, then {@link #listElement} for each field and
     *       each value of that entry, in order.</li>
     * </ul>
     */
    private void mixValue(Object value) {
        ValueType type = Values.type(value);
        byte[] code = bigEndian(typeCode(type), new byte[4]);
        mix(code, 0, 4);
        switch (type) {
            case STRING -> StringValues.writeTo(new MixSink(), value);
            case ZSET -> ((SortedSet) value).forEach((m, score) -> zsetEntry(m, 0, m.length, score));
            case LIST -> {
                ListValue list = (ListValue) value;
                if (list.size() > 0) {
                    list.visit(0, true, (b, off, len) -> {
                        listElement(b, off, len);
                        return true;
                    });
                }
            }
            case HASH -> ((HashValue) value).forEach(this::hashEntry);
            case SET -> ((SetValue) value).forEach(m -> setMember(m, 0, m.length));
            case STREAM -> ((StreamValue) value).forEach(new StreamValue.EntryVisitor() {
                @Override
                public void entry(long ms, long seq) {
                    streamEntry(ms, seq);
                }

                @Override
                public void element(byte[] b, int offset, int length) {
                    listElement(b, offset, length);
                }
            });
            // types still to come add their branch when they land (rules above)
            default -> throw new IllegalStateException("DEBUG DIGEST has no branch for " + type.typeName() + " values yet");
        }
    }

    private static int typeCode(ValueType type) {
        return switch (type) {
            case STRING -> STRING;
            case LIST -> LIST;
            case SET -> SET;
            case ZSET -> ZSET;
            case HASH -> HASH;
            case STREAM -> STREAM;
        };
    }

    // ---- per-element rules for aggregates ----

    /** Ordered element (list element, stream field or value): mixed. */
    public void listElement(byte[] b, int offset, int length) {
        mix(b, offset, length);
    }

    /** Set member: xored, so member order does not matter. */
    public void setMember(byte[] b, int offset, int length) {
        xor(b, offset, length);
    }

    /** Hash field with its value: a fresh zero state mixes field then value; that state is xored in. */
    public void hashEntry(byte[] field, int fieldOffset, int fieldLength, byte[] value, int valueOffset, int valueLength) {
        DataDigest pair = new DataDigest(sha1);
        pair.mix(field, fieldOffset, fieldLength);
        pair.mix(value, valueOffset, valueLength);
        xor(pair.state, 0, 20);
    }

    /**
     * Sorted-set member with its score: like a hash entry whose value is the score's text in the
     * shortest round-trip form (Redis 7.2 and Valkey; 7.0 used {@code %.17g}, so 7.0 digests of
     * sorted sets with scores like 0.1 differ).
     */
    public void zsetEntry(byte[] member, int offset, int length, double score) {
        byte[] text = Doubles.format(score).getBytes(StandardCharsets.US_ASCII);
        hashEntry(member, offset, length, text, 0, text.length);
    }

    /** Stream entry id, mixed as {@code <ms>.<seq>} in unsigned decimal, before the entry's fields and values. */
    public void streamEntry(long ms, long seq) {
        byte[] id = (Long.toUnsignedString(ms) + "." + Long.toUnsignedString(seq)).getBytes(StandardCharsets.US_ASCII);
        mix(id, 0, id.length);
    }

    // ---- the two primitives ----

    /** state ^= SHA1(data). */
    void xor(byte[] b, int offset, int length) {
        sha1.update(b, offset, length);
        byte[] h = sha1.digest();
        for (int i = 0; i < 20; i++) {
            state[i] ^= h[i];
        }
    }

    /** state = SHA1(state ^ SHA1(data)). */
    void mix(byte[] b, int offset, int length) {
        xor(b, offset, length);
        sha1.update(state, 0, 20);
        byte[] h = sha1.digest();
        System.arraycopy(h, 0, state, 0, 20);
    }

    void reset() {
        Arrays.fill(state, (byte) 0);
    }

    public byte[] bytes() {
        return state.clone();
    }

    private static byte[] bigEndian(int v, byte[] out) {
        out[0] = (byte) (v >>> 24);
        out[1] = (byte) (v >>> 16);
        out[2] = (byte) (v >>> 8);
        out[3] = (byte) v;
        return out;
    }

    /** Mixes a string value's bytes in one step, whatever its encoding (an int mixes its decimal text). */
    private final class MixSink implements BulkSink {
        @Override
        public void bulk(byte[] value, int offset, int length) {
            mix(value, offset, length);
        }

        @Override
        public void bulkLong(long value) {
            byte[] text = Numbers.toBytes(value);
            mix(text, 0, text.length);
        }
    }
}
