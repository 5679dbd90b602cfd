package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import kv.command.Commands;
import kv.config.ConfigSource;
import kv.config.ServerConfig;

/**
 * The launcher builds the command table on its warm-up thread and the server takes it once built
 * (instead of a second table of its own): the server runs on exactly that table, asks for it once,
 * and applies rename-command to it, as it does to a table it fills itself.
 */
class PrebuiltCommandTableTest {
    private final ManualLifecycle host = new ManualLifecycle();

    @Test
    void theServerRunsOnTheTableItIsGivenWithRenamesApplied() throws Exception {
        CommandTable table = new CommandTable();
        Commands.registerAll(table);
        AtomicInteger asked = new AtomicInteger();
        ServerConfig config = ServerConfig.load(ConfigSource.fromString("rename-command KEYS listkeys\nrename-command FLUSHALL \"\""));
        Server server = new Server(config, host, () -> {
            asked.incrementAndGet();
            return table;
        });
        assertSame(table, server.commands());
        assertEquals(1, asked.get());
        assertNull(table.lookup("keys"));
        assertNull(table.lookup("flushall"));
        assertNotNull(table.lookup("listkeys"));
        assertEquals("keys", table.lookup("listkeys").fullName());
    }

    @Test
    void aTableFilledByTheFamiliesMatchesThePrebuiltOne() throws Exception {
        CommandTable table = new CommandTable();
        Commands.registerAll(table);
        Server prebuilt = new Server(ServerConfig.defaults(), host, () -> table);
        Server filled = new Server(ServerConfig.defaults(), host, Commands::registerAll);
        assertEquals(filled.commands().allWithHandlers().size(), prebuilt.commands().allWithHandlers().size());
        assertEquals(filled.countedCommandNames(), prebuilt.countedCommandNames());
    }
}
