package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import kv.engine.Client;
import kv.engine.EngineHarness;
import kv.engine.Server;
import kv.protocol.DiscardingReply;

/** What sorted-set and geo writes hand to the AOF/replicas: Redis' rewrites, nothing for no-ops. */
class SortedSetPropagationTest {
    private final EngineHarness engine = new EngineHarness();
    private final Server server = engine.server;
    private final Client client = engine.client;
    private final List<String> propagated = new ArrayList<>();

    SortedSetPropagationTest() {
        server.addPropagationTarget((db, argv) -> {
            StringBuilder sb = new StringBuilder();
            for (byte[] a : argv) {
                sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.UTF_8));
            }
            propagated.add(sb.toString());
        });
    }

    private List<String> run(String line) {
        propagated.clear();
        String[] args = line.split(" ");
        byte[][] argv = EngineHarness.argv(args);
        server.dispatcher().execute(client, argv, new DiscardingReply(2));
        return List.copyOf(propagated);
    }

    @Test
    void writesThatChangeNothingPropagateNothing() {
        assertEquals(List.of("ZADD z 1 a 2 b"), run("ZADD z 1 a 2 b"));
        assertEquals(List.of(), run("ZADD z 1 a"));
        assertEquals(List.of(), run("ZADD z NX 5 a"));
        assertEquals(List.of(), run("ZADD z GT 0 b"));
        assertEquals(List.of("ZADD z GT 3 b"), run("ZADD z GT 3 b"));
        assertEquals(List.of(), run("ZREM z nothere"));
        assertEquals(List.of(), run("ZREMRANGEBYSCORE z 10 20"));
        assertEquals(List.of("ZINCRBY z 1 a"), run("ZINCRBY z 1 a"));
        assertEquals(List.of(), run("ZADD missing XX 1 a"));
    }

    @Test
    void zmpopPropagatesAsAPopWithCount() {
        run("ZADD b 1 x 2 y 3 z");
        assertEquals(List.of("ZPOPMIN b 2"), run("ZMPOP 2 a b MIN COUNT 2"));
        assertEquals(List.of("ZPOPMAX b 1"), run("ZMPOP 1 b MAX"));
        assertEquals(List.of(), run("ZMPOP 1 b MAX"));
        assertEquals(List.of(), run("ZPOPMIN b"));
    }

    @Test
    void geoaddPropagatesAsZadd() {
        assertEquals(List.of("ZADD g CH 3479099956230698 Palermo"), run("GEOADD g CH 13.361389 38.115556 Palermo"));
        assertEquals(List.of(), run("GEOADD g 13.361389 38.115556 Palermo"));
    }

}
