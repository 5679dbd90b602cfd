package kv.engine;

import static kv.engine.EngineHarness.argv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import kv.protocol.Reply;

/** While a data file loads, clients get Redis' LOADING error except for commands flagged "loading"; the loader itself runs. */
class LoadingStateTest {
    private static final class SocketLike implements Client.Transport {
        @Override public void closeAfterReply() { }
        @Override public String remoteAddress() { return "127.0.0.1:1"; }
        @Override public String localAddress() { return "127.0.0.1:2"; }
        @Override public boolean isLocal() { return true; }
        @Override public long pendingOutput() { return 0; }
        @Override public void push(Consumer<Reply> message) { }
    }

    @Test
    void clientsGetLoadingWhileTheLoaderRuns() {
        EngineHarness h = new EngineHarness();
        Client client = h.server.clients().connect(new SocketLike(), System.currentTimeMillis(), true);
        h.server.readiness().loading(true);
        assertEquals("-LOADING Redis is loading the dataset in memory\r\n", h.call(client, argv("SET", "a", "1")));
        assertEquals("-LOADING Redis is loading the dataset in memory\r\n", h.call(client, argv("GET", "a")));
        // as in Redis, PING is not flagged "loading"
        assertEquals("-LOADING Redis is loading the dataset in memory\r\n", h.call(client, argv("PING")));
        assertTrue(h.call(client, argv("INFO", "persistence")).contains("loading:1"));
        // the loader has no socket
        assertEquals("+OK\r\n", h.call("SET", "a", "1"));
        h.server.readiness().loading(false);
        assertEquals("$1\r\n1\r\n", h.call(client, argv("GET", "a")));
    }

    /** While loading, INFO persistence ends with the load's progress (Redis 7.0's fields, order and formats); not after. */
    @Test
    void infoShowsTheLoadsProgressWhileLoading() {
        EngineHarness h = new EngineHarness();
        Client client = h.server.clients().connect(new SocketLike(), System.currentTimeMillis(), true);
        long start = System.currentTimeMillis() / 1000 - 10;
        h.server.loadingProgress().start(start, 1000);
        h.server.loadingProgress().rdbUsedMem(5000);
        h.server.loadingProgress().loaded(249);
        h.server.readiness().loading(true);
        String info = h.call(client, argv("INFO", "persistence"));
        assertTrue(java.util.regex.Pattern.compile("module_fork_last_cow_size:0\r\nloading_start_time:" + start
                + "\r\nloading_total_bytes:1000\r\nloading_rdb_used_mem:5000\r\nloading_loaded_bytes:249"
                + "\r\nloading_loaded_perc:24\\.90\r\nloading_eta_seconds:3[0-3]\r\n\r\n$").matcher(info).find(), info);
        h.server.readiness().loading(false);
        assertTrue(!h.call(client, argv("INFO", "persistence")).contains("loading_"));
    }
}
