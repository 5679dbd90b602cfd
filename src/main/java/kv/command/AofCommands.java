package kv.command;

import kv.aof.AppendOnlyFile;
import kv.engine.Call;
import kv.engine.CommandTable;

/** BGREWRITEAOF: a new AOF base from the dataset, a fresh incr file and manifest. */
final class AofCommands {
    private AofCommands() {
    }

    static void register(CommandTable t) {
        t.register("bgrewriteaof", AofCommands::bgrewriteaof);
    }

    private static void bgrewriteaof(Call c) {
        AppendOnlyFile aof = c.server().component(AppendOnlyFile.class);
        if (aof == null || !aof.rewriteNow()) {
            throw c.error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
        }
        c.reply().simple("Background append only file rewriting started");
    }
}
