package kv.command;

import java.io.IOException;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.RdbPersistence;

/** SAVE, BGSAVE [SCHEDULE] and LASTSAVE (see {@link RdbPersistence}). */
final class PersistenceCommands {
    private static final String IN_PROGRESS = "ERR Background save already in progress";

    private PersistenceCommands() {
    }

    static void register(CommandTable t) {
        t.register("save", PersistenceCommands::save);
        t.register("bgsave", PersistenceCommands::bgsave);
        t.register("lastsave", c -> c.reply().integer(c.server().rdb().lastSaveSeconds()));
    }

    private static void save(Call c) {
        RdbPersistence rdb = c.server().rdb();
        if (rdb.bgsaveInProgress()) {
            throw c.error(IN_PROGRESS);
        }
        try {
            rdb.saveNow();
        } catch (IOException e) {
            throw c.error("ERR");
        }
        c.reply().ok();
    }

    private static void bgsave(Call c) {
        boolean schedule = false;
        if (c.argc() > 1) {
            if (c.argc() == 2 && c.is(1, "schedule")) {
                schedule = true;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        RdbPersistence rdb = c.server().rdb();
        if (rdb.bgsaveInProgress()) {
            throw c.error(IN_PROGRESS);
        }
        if (c.server().runningDump() != null) {
            // an AOF rewrite runs: one background dump at a time, as Redis' one child process
            if (!schedule) {
                throw c.error("ERR Another child process is active (AOF?): can't BGSAVE right now. "
                        + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            }
            rdb.schedule();
            c.reply().simple("Background saving scheduled");
            return;
        }
        if (schedule && c.client().transaction() != null) {
            rdb.schedule();
            c.reply().simple("Background saving scheduled");
            return;
        }
        rdb.startBackgroundSave();
        if (!rdb.bgsaveInProgress()) {
            throw c.error("ERR");
        }
        c.reply().simple("Background saving started");
    }
}
