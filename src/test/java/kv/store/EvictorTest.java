package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Victim choice under each maxmemory policy, with time driven by hand. */
class EvictorTest {
    private long nowMs = 1_700_000_000_000L;
    private final Keyspace keyspace = new Keyspace(2, new Clock(() -> nowMs));
    private final List<String> evicted = new ArrayList<>();

    EvictorTest() {
        keyspace.addListener(new KeyspaceListener() {
            @Override
            public void keyChanged(Db db, byte[] key, KeyEvent event) {
                if (event == KeyEvent.EVICTED) {
                    evicted.add(db.index() + ":" + new String(key, StandardCharsets.UTF_8));
                }
            }
        });
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void advance(long ms) {
        nowMs += ms;
        keyspace.clock().update();
    }

    @Test
    void noevictionNeverEvicts() {
        keyspace.db(0).put(b("k"), b("v"));
        assertFalse(keyspace.evictor().evictOne(EvictionPolicy.NOEVICTION, 5));
        assertEquals(1, keyspace.db(0).size());
    }

    @Test
    void volatilePoliciesOnlyTakeKeysWithATtl() {
        for (EvictionPolicy p : new EvictionPolicy[] {EvictionPolicy.VOLATILE_LRU, EvictionPolicy.VOLATILE_LFU,
                EvictionPolicy.VOLATILE_RANDOM, EvictionPolicy.VOLATILE_TTL}) {
            keyspace.clearAll();
            evicted.clear();
            configure(p);
            for (int i = 0; i < 50; i++) {
                keyspace.db(i % 2).put(b("plain" + i), b("v"));
                keyspace.db(i % 2).put(b("ttl" + i), b("v"), nowMs + 1_000_000 + i);
            }
            long before = keyspace.stats().evictedKeys;
            int n = 0;
            while (keyspace.evictor().evictOne(p, 5)) {
                n++;
            }
            assertEquals(50, n, p.name());
            assertEquals(before + 50, keyspace.stats().evictedKeys, p.name());
            assertEquals(100, keyspace.keyCount() + n, p.name());
            assertTrue(evicted.stream().allMatch(k -> k.contains(":ttl")), p.name() + " " + evicted);
        }
    }

    private void configure(EvictionPolicy p) {
        keyspace.access().configure(p.rank() == EvictionPolicy.Rank.LFU, 10, 1);
    }

    @Test
    void allkeysRandomEmptiesEveryDb() {
        for (int i = 0; i < 40; i++) {
            keyspace.db(i % 2).put(b("k" + i), b("v"));
        }
        int n = 0;
        while (keyspace.evictor().evictOne(EvictionPolicy.ALLKEYS_RANDOM, 5)) {
            n++;
        }
        assertEquals(40, n);
        assertEquals(0, keyspace.keyCount());
        assertEquals(40, keyspace.stats().evictedKeys);
    }

    @Test
    void volatileTtlTakesTheNearestExpiryFirst() {
        configure(EvictionPolicy.VOLATILE_TTL);
        for (int i = 0; i < 200; i++) {
            keyspace.db(0).put(b("t" + i), b("v"), nowMs + 10_000 + 1000L * i);
        }
        // with 16-entry pool and 5 samples per round the first victims are among the soonest
        for (int i = 0; i < 20; i++) {
            assertTrue(keyspace.evictor().evictOne(EvictionPolicy.VOLATILE_TTL, 10));
        }
        double mean = evicted.stream().mapToInt(k -> Integer.parseInt(k.substring(3))).average().orElseThrow();
        assertTrue(mean < 60, "mean index of the first victims " + mean + ": " + evicted);
    }

    @Test
    void lruKeepsRecentlyReadKeys() {
        configure(EvictionPolicy.ALLKEYS_LRU);
        for (int i = 0; i < 1000; i++) {
            keyspace.db(0).put(b("k" + i), b("v"));
        }
        advance(100_000);
        for (int i = 0; i < 100; i++) {
            assertEquals("v", new String((byte[]) keyspace.db(0).read(b("k" + i)), StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 800; i++) {
            assertTrue(keyspace.evictor().evictOne(EvictionPolicy.ALLKEYS_LRU, 5));
        }
        int hotLeft = 0;
        for (int i = 0; i < 100; i++) {
            hotLeft += keyspace.db(0).exists(b("k" + i)) ? 1 : 0;
        }
        // the 200 survivors: the 100 recently read ones, bar a few the approximation misses
        assertTrue(hotLeft >= 95, "hot keys left: " + hotLeft);
    }

    @Test
    void lfuKeepsFrequentlyReadKeys() {
        configure(EvictionPolicy.ALLKEYS_LFU);
        for (int i = 0; i < 1000; i++) {
            keyspace.db(0).put(b("k" + i), b("v"));
        }
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 100; i++) {
                keyspace.db(0).read(b("k" + i));
            }
        }
        for (int i = 0; i < 800; i++) {
            assertTrue(keyspace.evictor().evictOne(EvictionPolicy.ALLKEYS_LFU, 5));
        }
        int hotLeft = 0;
        for (int i = 0; i < 100; i++) {
            hotLeft += keyspace.db(0).exists(b("k" + i)) ? 1 : 0;
        }
        assertTrue(hotLeft >= 95, "hot keys left: " + hotLeft);
    }

    @Test
    void lfuCounterDecaysWithTime() {
        AccessClock clock = new AccessClock();
        clock.configure(true, 10, 1);
        int field = clock.initial(nowMs);
        assertEquals(5, clock.frequency(field, nowMs));
        assertEquals(2, clock.frequency(field, nowMs + 3 * 60_000));
        assertEquals(0, clock.frequency(field, nowMs + 60 * 60_000));
    }

    @Test
    void poolKeepsTheBestSixteenInOrder() {
        EvictionPool pool = new EvictionPool();
        for (int i = 0; i < 40; i++) {
            pool.offer((i * 7919L) % 40, b("k" + ((i * 7919) % 40)), 0);
        }
        List<String> order = new ArrayList<>();
        for (int k = pool.best(); k >= 0; k = pool.best()) {
            order.add(new String(pool.keyAt(k), StandardCharsets.UTF_8));
            pool.clearAt(k);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 39; i >= 24; i--) {
            expected.add("k" + i);
        }
        assertEquals(expected, order);
    }
}
