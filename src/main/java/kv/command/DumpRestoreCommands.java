package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.RdbPersistence;
import kv.rdb.DumpPayload;
import kv.rdb.RdbException;
import kv.store.Db;
import kv.util.Numbers;

/** DUMP and RESTORE, with Redis' payload format (see {@link DumpPayload}). */
final class DumpRestoreCommands {
    private static final byte[] ABSTTL = {'A', 'B', 'S', 'T', 'T', 'L'};

    private DumpRestoreCommands() {
    }

    static void register(CommandTable t) {
        t.register("dump", DumpRestoreCommands::dump);
        t.register("restore", DumpRestoreCommands::restore);
    }

    private static void dump(Call c) {
        Object v = c.db().read(c.arg(1));
        if (v == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().bulk(DumpPayload.dump(v, c.server().config().rdbCompression()));
    }

    /** RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]. */
    private static void restore(Call c) {
        boolean replace = false;
        boolean absTtl = false;
        long idle = -1;
        long freq = -1;
        for (int j = 4; j < c.argc(); j++) {
            boolean more = j + 1 < c.argc();
            if (c.is(j, "replace")) {
                replace = true;
            } else if (c.is(j, "absttl")) {
                absTtl = true;
            } else if (c.is(j, "idletime") && more && freq == -1) {
                idle = c.longArg(++j);
                if (idle < 0) {
                    throw c.error("ERR Invalid IDLETIME value, must be >= 0");
                }
            } else if (c.is(j, "freq") && more && idle == -1) {
                freq = c.longArg(++j);
                if (freq < 0 || freq > 255) {
                    throw c.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                }
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        long ttl = c.longArg(2);
        if (ttl < 0) {
            throw c.error("ERR Invalid TTL value, must be >= 0");
        }
        byte[] key = c.arg(1);
        Db db = c.db();
        if (!replace && db.exists(key)) {
            throw c.error("BUSYKEY Target key name already exists.");
        }
        byte[] payload = c.arg(3);
        if (!DumpPayload.verify(payload, false)) {
            throw c.error("ERR DUMP payload version or checksum are wrong");
        }
        Object value;
        try {
            value = DumpPayload.restore(payload, RdbPersistence.limits(c.server().config()), c.now());
        } catch (RdbException e) {
            throw c.error("ERR Bad data format");
        }
        if (ttl > 0 && !absTtl) {
            ttl += c.now();
        }
        if (ttl > 0 && ttl <= c.now()) {
            // already expired: an existing key is deleted (and that is what replicas get), nothing is created
            if (replace && db.remove(key)) {
                byte[] del = c.server().config().lazyfreeLazyServerDel() ? "UNLINK".getBytes() : "DEL".getBytes();
                c.propagate(del, key);
            } else {
                c.propagateNothing();
            }
            c.reply().ok();
            return;
        }
        // REPLACE drops an existing key and adds the new one (Redis notifies "new")
        db.putAsNew(key, value, ttl > 0 ? ttl : Db.NO_TTL);
        if (idle >= 0 || freq >= 0) {
            db.restoreAccess(key, idle, (int) freq);
        }
        if (ttl > 0 && !absTtl) {
            // replicas and the AOF get the absolute time
            byte[][] argv = new byte[c.argc() + 1][];
            for (int i = 0; i < c.argc(); i++) {
                argv[i] = c.arg(i);
            }
            argv[2] = Numbers.toBytes(ttl);
            argv[c.argc()] = ABSTTL;
            c.propagate(argv);
        }
        c.reply().ok();
    }
}
