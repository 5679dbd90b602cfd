package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RMapCache;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RSemaphore;
import org.redisson.api.RateIntervalUnit;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import kv.server.RespServer;

/** Redisson's Lua-based objects against KV: locks, semaphores, rate limiters, maps with per-entry TTL. */
@QuarkusTest
class RedissonScriptingTest {
    @Inject
    RespServer server;

    private RedissonClient redisson;

    @BeforeEach
    void connect() {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + server.port()).setDatabase(6)
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(1);
        redisson = Redisson.create(config);
        redisson.getKeys().flushdb();
    }

    @AfterEach
    void disconnect() {
        redisson.shutdown();
    }

    @Test
    void lockIsReentrantAndExclusive() throws Exception {
        RLock lock = redisson.getLock("orders:lock");
        assertTrue(lock.tryLock(1, 30, TimeUnit.SECONDS));
        assertTrue(lock.tryLock(1, 30, TimeUnit.SECONDS));
        assertEquals(2, lock.getHoldCount());
        Thread other = new Thread(() -> {
            try {
                assertFalse(lock.tryLock(0, 30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        other.join();
        lock.unlock();
        lock.unlock();
        assertFalse(lock.isLocked());
    }

    @Test
    void semaphoreCountsPermits() throws Exception {
        RSemaphore sem = redisson.getSemaphore("pool");
        assertTrue(sem.trySetPermits(2));
        assertTrue(sem.tryAcquire());
        assertTrue(sem.tryAcquire());
        assertFalse(sem.tryAcquire());
        sem.release();
        assertEquals(1, sem.availablePermits());
    }

    @Test
    void rateLimiterRefusesOverTheRate() {
        RRateLimiter limiter = redisson.getRateLimiter("api");
        assertTrue(limiter.trySetRate(RateType.OVERALL, 3, 1, RateIntervalUnit.MINUTES));
        int granted = 0;
        for (int i = 0; i < 5; i++) {
            if (limiter.tryAcquire()) {
                granted++;
            }
        }
        assertEquals(3, granted);
    }

    @Test
    void mapCacheKeepsEntriesWithTtl() {
        RMapCache<String, String> map = redisson.getMapCache("sessions");
        map.put("a", "1", 10, TimeUnit.MINUTES);
        map.put("b", "2");
        assertEquals("1", map.get("a"));
        assertEquals(2, map.size());
        assertEquals("2", map.remove("b"));
        assertNull(map.get("b"));
        assertTrue(map.containsKey("a"));
    }
}
