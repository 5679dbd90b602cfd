package kv.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import kv.config.ServerConfig;
import kv.store.Db;
import kv.store.KeyEvent;
import kv.store.KeyspaceListener;

/**
 * Redis' keyspace notifications (notify-keyspace-events) as a listener of the mutation funnel: the
 * funnel says which key changed and how, the running command's {@link EventNames} entry says what
 * Redis calls that change ("lpush", "zincr", "rename_from"...). A command cannot forget to notify,
 * and each change is published right after it happens, so a transaction's or a script's messages come
 * in execution order, as in Redis.
 *
 * <p>Messages go through {@link PubSub}: {@code __keyspace@<db>__:<key>} carries the event name,
 * {@code __keyevent@<db>__:<event>} the key.
 */
public final class KeyspaceEvents implements KeyspaceListener {
    /** An event name and the notify-keyspace-events class it belongs to. */
    public record Notice(int type, byte[] name) {
        public static Notice of(int type, String name) {
            return new Notice(type, name.getBytes(StandardCharsets.US_ASCII));
        }
    }

    static final Notice DEL = Notice.of(ServerConfig.NOTIFY_GENERIC, "del");
    static final Notice EXPIRED = Notice.of(ServerConfig.NOTIFY_EXPIRED, "expired");
    static final Notice EVICTED = Notice.of(ServerConfig.NOTIFY_EVICTED, "evicted");
    static final Notice NEW = Notice.of(ServerConfig.NOTIFY_NEW, "new");
    static final Notice KEYMISS = Notice.of(ServerConfig.NOTIFY_KEY_MISS, "keymiss");
    static final Notice RENAME_FROM = Notice.of(ServerConfig.NOTIFY_GENERIC, "rename_from");
    static final Notice RENAME_TO = Notice.of(ServerConfig.NOTIFY_GENERIC, "rename_to");
    static final Notice MOVE_FROM = Notice.of(ServerConfig.NOTIFY_GENERIC, "move_from");
    static final Notice MOVE_TO = Notice.of(ServerConfig.NOTIFY_GENERIC, "move_to");
    public static final Notice HEXPIRED = Notice.of(ServerConfig.NOTIFY_HASH, "hexpired");
    private static final Notice[] NOTHING = new Notice[0];

    private final ServerConfig config;
    private final PubSub pubSub;
    private final byte[][] keyspacePrefixes;
    private final byte[][] keyeventPrefixes;
    /** The command whose changes are being reported (null outside commands: the cron). */
    private CommandSpec spec;
    private byte[][] argv;
    /** Names set for the changes that follow by {@link #reportAs}, instead of the command's. */
    private Notice[] override;
    /** The source half of a RENAME or MOVE, published with its destination half (Redis' order). */
    private Db pendingFromDb;
    private byte[] pendingFromKey;
    /** A change announced only after the next one (the source of LMOVE). */
    private Db heldDb;
    private byte[] heldKey;
    private Notice[] heldNames;
    private boolean heldEmptied;

    KeyspaceEvents(ServerConfig config, PubSub pubSub) {
        this.config = config;
        this.pubSub = pubSub;
        this.keyspacePrefixes = new byte[config.databases()][];
        this.keyeventPrefixes = new byte[config.databases()][];
    }

    /**
     * What the commands running around the current one (EXEC, scripts) report their changes as,
     * saved while it runs: a stack of (spec, argv, override) in parallel arrays, so a nested
     * command allocates nothing.
     */
    private CommandSpec[] savedSpecs = new CommandSpec[4];
    private byte[][][] savedArgvs = new byte[4][][];
    private Notice[][] savedOverrides = new Notice[4][];
    private int nesting;

    /**
     * A command starts: its changes are named by its entry in {@link EventNames} until the
     * matching {@link #end}, which restores what a command around it (EXEC, a script) reported as.
     */
    void begin(CommandSpec spec, byte[][] argv) {
        if (nesting == savedSpecs.length) {
            savedSpecs = Arrays.copyOf(savedSpecs, nesting * 2);
            savedArgvs = Arrays.copyOf(savedArgvs, nesting * 2);
            savedOverrides = Arrays.copyOf(savedOverrides, nesting * 2);
        }
        // outside any command (spec null) there is nothing to restore but nothing
        boolean outer = this.spec != null;
        savedSpecs[nesting] = this.spec;
        savedArgvs[nesting] = outer ? this.argv : null;
        savedOverrides[nesting] = outer ? override : null;
        nesting++;
        this.spec = spec;
        this.argv = argv;
        this.override = null;
    }

    void end() {
        releaseHeld(null, null);
        nesting--;
        spec = savedSpecs[nesting];
        argv = savedArgvs[nesting];
        override = savedOverrides[nesting];
        savedSpecs[nesting] = null;
        savedArgvs[nesting] = null;
        savedOverrides[nesting] = null;
    }

    /**
     * Reports the changes that follow as {@code names} (changes made outside the command's own
     * logic, such as hash fields expiring when a command meets them); returns what to restore.
     */
    public Notice[] reportAs(Notice... names) {
        Notice[] was = override;
        override = names;
        return was;
    }

    public void restore(Notice[] was) {
        override = was;
    }

    /** Publishes {@code notice} for {@code key} now (a change the funnel does not see as one). */
    public void emit(Db db, byte[] key, Notice notice) {
        if (config.notifyKeyspaceEvents() != 0) {
            publish(db.index(), key, notice);
        }
    }

    @Override
    public void keyAdded(Db db, byte[] key) {
        // a list moved onto itself is emptied and refilled here, but Redis never deletes nor re-adds it
        if (heldKey != null && heldEmptied && heldDb == db && java.util.Arrays.equals(heldKey, key)) {
            return;
        }
        emit(db, key, NEW);
    }

    @Override
    public void keyMissed(Db db, byte[] key) {
        emit(db, key, KEYMISS);
    }

    @Override
    public void keyChanged(Db db, byte[] key, KeyEvent event) {
        if (config.notifyKeyspaceEvents() == 0) {
            return;
        }
        int d = db.index();
        switch (event) {
            case MODIFIED, EMPTIED -> {
                if (holdBack(db, key, event)) {
                    return;
                }
                publishAll(d, key, heldKey != null && EventNames.of(spec) instanceof EventNames.PushFirst p
                        ? new Notice[] {p.pushed().name(argv, key)} : names(key));
                if (event == KeyEvent.EMPTIED) {
                    publish(d, key, DEL);
                }
                releaseHeld(db, key);
            }
            case DELETED -> publish(d, key, DEL);
            case EXPIRED -> publish(d, key, EXPIRED);
            case EVICTED -> publish(d, key, EVICTED);
            case RENAMED_FROM, MOVED_FROM -> {
                pendingFromDb = db;
                pendingFromKey = key;
            }
            case RENAMED_TO, MOVED_TO -> {
                // Redis adds the destination ("new") before it deletes the source and names both
                boolean rename = event == KeyEvent.RENAMED_TO;
                publish(d, key, NEW);
                if (pendingFromKey != null) {
                    publish(pendingFromDb.index(), pendingFromKey, rename ? RENAME_FROM : MOVE_FROM);
                    pendingFromKey = null;
                    pendingFromDb = null;
                }
                publish(d, key, rename ? RENAME_TO : MOVE_TO);
            }
            default -> {
                // FLUSHED and SWAPPED are database-wide: Redis publishes nothing per key
            }
        }
    }

    /** Keeps a change back if the command announces it after a later one (see {@link EventNames.PushFirst}). */
    private boolean holdBack(Db db, byte[] key, KeyEvent event) {
        // the pop is the command's first change (also when source and destination are one key)
        if (override == null && spec != null && heldKey == null && EventNames.of(spec) instanceof EventNames.PushFirst p
                && p.isSource(argv, key)) {
            heldDb = db;
            heldKey = key;
            heldNames = new Notice[] {p.popped().name(argv, key)};
            heldEmptied = event == KeyEvent.EMPTIED;
            return true;
        }
        return false;
    }

    /** Publishes the held change after {@code pushedKey}'s; null at the end of the command. */
    private void releaseHeld(Db pushedDb, byte[] pushedKey) {
        if (heldKey == null) {
            return;
        }
        byte[] key = heldKey;
        heldKey = null;
        publishAll(heldDb.index(), key, heldNames);
        // a list moved onto itself was emptied for an instant only: Redis never deletes it
        boolean refilled = pushedDb == heldDb && java.util.Arrays.equals(pushedKey, key);
        if (heldEmptied && !refilled) {
            publish(heldDb.index(), key, DEL);
        }
    }

    private Notice[] names(byte[] key) {
        if (override != null) {
            return override;
        }
        if (spec == null) {
            return NOTHING;
        }
        return EventNames.of(spec).names(argv, key);
    }

    private void publishAll(int db, byte[] key, Notice[] notices) {
        for (Notice n : notices) {
            publish(db, key, n);
        }
    }

    private void publish(int db, byte[] key, Notice notice) {
        int flags = config.notifyKeyspaceEvents();
        // nobody subscribed to anything: no channel name needs building (nothing would be delivered)
        if ((flags & notice.type()) == 0 || (pubSub.channelCount() == 0 && pubSub.patternCount() == 0)) {
            return;
        }
        if ((flags & ServerConfig.NOTIFY_KEYSPACE) != 0) {
            pubSub.publish(concat(prefix(keyspacePrefixes, "__keyspace@", db), key), notice.name(), false);
        }
        if ((flags & ServerConfig.NOTIFY_KEYEVENT) != 0) {
            pubSub.publish(concat(prefix(keyeventPrefixes, "__keyevent@", db), notice.name()), key, false);
        }
    }

    /** "__keyspace@N__:" for database N, made once. */
    private static byte[] prefix(byte[][] cache, String head, int db) {
        byte[] p = cache[db];
        if (p == null) {
            p = (head + db + "__:").getBytes(StandardCharsets.US_ASCII);
            cache[db] = p;
        }
        return p;
    }

    private static byte[] concat(byte[] p, byte[] tail) {
        byte[] out = new byte[p.length + tail.length];
        System.arraycopy(p, 0, out, 0, p.length);
        System.arraycopy(tail, 0, out, p.length, tail.length);
        return out;
    }
}
