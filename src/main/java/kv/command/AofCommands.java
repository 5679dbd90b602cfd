package kv.command;

import kv.aof.AppendOnlyFile;
import kv.engine.Call;
import kv.engine.CommandTable;

/** BGREWRITEAOF: a new AOF base from a snapshot of the dataset, written in the background. */
final class AofCommands {
    private AofCommands() {
    }

    static void register(CommandTable t) {
        t.register("bgrewriteaof", AofCommands::bgrewriteaof);
    }

    private static void bgrewriteaof(Call c) {
        AppendOnlyFile aof = c.server().component(AppendOnlyFile.class);
        AppendOnlyFile.RewriteStart outcome = aof == null ? AppendOnlyFile.RewriteStart.FAILED
                : aof.requestRewrite();
        switch (outcome) {
            case STARTED -> c.reply().simple("Background append only file rewriting started");
            case SCHEDULED -> c.reply().simple("Background append only file rewriting scheduled");
            case ALREADY_RUNNING -> throw c.error("ERR Background append only file rewriting already in progress");
            default -> throw c.error(
                    "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
        }
    }
}
