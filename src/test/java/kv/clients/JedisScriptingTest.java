package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import kv.server.RespServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Jedis running scripts the way popular libraries do: a token-bucket rate limiter, a BullMQ-style
 * job move that touches keys it did not declare, a Sidekiq-style scheduled-job poller, locks with
 * owner checks, and functions.
 */
@QuarkusTest
class JedisScriptingTest {
    /** Token bucket: refills by elapsed time, takes one token if there is one; state in a hash. */
    static final String TOKEN_BUCKET = """
            local key = KEYS[1]
            local rate = tonumber(ARGV[1])
            local capacity = tonumber(ARGV[2])
            local now = tonumber(ARGV[3])
            local state = redis.call('hmget', key, 'tokens', 'ts')
            local tokens = tonumber(state[1]) or capacity
            local ts = tonumber(state[2]) or now
            tokens = math.min(capacity, tokens + (now - ts) * rate)
            local allowed = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            end
            redis.call('hset', key, 'tokens', tokens, 'ts', now)
            redis.call('pexpire', key, math.ceil(capacity / rate * 1000))
            return {allowed, tostring(tokens)}
            """;

    @Inject
    RespServer server;

    private Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", server.port());
        j.select(5);
        j.flushDB();
        return j;
    }

    @Test
    @SuppressWarnings("unchecked")
    void tokenBucketRateLimiter() {
        try (Jedis j = jedis()) {
            String sha = j.scriptLoad(TOKEN_BUCKET);
            int allowed = 0;
            for (int i = 0; i < 5; i++) {
                List<Object> r = (List<Object>) j.evalsha(sha, List.of("bucket:user1"), List.of("1", "3", "1000"));
                allowed += ((Long) r.get(0)).intValue();
            }
            assertEquals(3, allowed);
            // two seconds later two tokens are back
            List<Object> later = (List<Object>) j.evalsha(sha, List.of("bucket:user1"), List.of("1", "3", "1002"));
            assertEquals(1L, later.get(0));
            assertEquals("1", later.get(1));
            assertTrue(j.pttl("bucket:user1") > 0);
        }
    }

    @Test
    void bullStyleMoveTouchesUndeclaredKeys() {
        try (Jedis j = jedis()) {
            j.rpush("bull:q:wait", "job1", "job2");
            j.hset("bull:q:job1", Map.of("data", "{}", "attempts", "0"));
            // the job hash and the active list are derived from the prefix, not passed in KEYS
            String move = """
                    local jobId = redis.call('rpoplpush', KEYS[1], ARGV[1] .. 'active')
                    if not jobId then return nil end
                    redis.call('hincrby', ARGV[1] .. jobId, 'attempts', 1)
                    redis.call('hset', ARGV[1] .. jobId, 'processedOn', ARGV[2])
                    return {jobId, redis.call('hgetall', ARGV[1] .. jobId)}
                    """;
            Object r = j.eval(move, List.of("bull:q:wait"), List.of("bull:q:", "12345"));
            assertEquals("job2", ((List<?>) r).get(0));
            assertEquals(List.of("job2"), j.lrange("bull:q:active", 0, -1));
            assertEquals("1", j.hget("bull:q:job2", "attempts"));
            assertEquals(List.of("job1"), j.lrange("bull:q:wait", 0, -1));
        }
    }

    @Test
    void sidekiqStyleScheduledPoller() {
        try (Jedis j = jedis()) {
            j.zadd("schedule", 100, "{\"jid\":\"a\"}");
            j.zadd("schedule", 200, "{\"jid\":\"b\"}");
            j.zadd("schedule", 900, "{\"jid\":\"c\"}");
            String poll = """
                    local jobs = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
                    for _, job in ipairs(jobs) do
                      redis.call('zrem', KEYS[1], job)
                      redis.call('lpush', 'queue:default', job)
                    end
                    return #jobs
                    """;
            assertEquals(2L, j.eval(poll, 1, "schedule", "500"));
            assertEquals(2L, j.llen("queue:default"));
            assertEquals(1L, j.zcard("schedule"));
        }
    }

    @Test
    void lockReleaseChecksTheOwner() {
        try (Jedis j = jedis()) {
            String release = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
            j.set("lock", "owner-1");
            assertEquals(0L, j.eval(release, 1, "lock", "owner-2"));
            assertEquals(1L, j.eval(release, 1, "lock", "owner-1"));
            assertNull(j.get("lock"));
        }
    }

    @Test
    void errorsAndNoScript() {
        try (Jedis j = jedis()) {
            j.set("s", "text");
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.eval("return redis.call('incr', KEYS[1])", 1, "s"));
            assertTrue(e.getMessage().startsWith("ERR value is not an integer or out of range script: "), e.getMessage());
            assertThrows(JedisNoScriptException.class, () -> j.evalsha("ffffffffffffffffffffffffffffffffffffffff", 0));
            assertEquals(List.of(true, false), j.scriptExists(j.scriptLoad("return 1"), "ffffffffffffffffffffffffffffffffffffffff"));
        }
    }

    @Test
    void functionsThroughJedis() {
        try (Jedis j = jedis()) {
            j.functionFlush();
            assertEquals("counters", j.functionLoad("#!lua name=counters\n"
                    + "redis.register_function('bump', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)\n"
                    + "redis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}"));
            assertEquals(5L, j.fcall("bump", List.of("c"), List.of("5")));
            assertEquals("5", j.fcallReadonly("peek", List.of("c"), List.of()));
            assertThrows(JedisDataException.class, () -> j.fcallReadonly("bump", List.of("c"), List.of("1")));
            assertEquals(1, j.functionList().size());
            j.functionFlush();
        }
    }
}
