package kv.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import kv.config.ServerConfig;
import kv.store.Db;
import kv.store.KeyEvent;
import kv.store.KeyspaceListener;
import kv.util.Bytes;

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
    private final Dispatcher dispatcher;
    private final byte[][] keyspacePrefixes;
    private final byte[][] keyeventPrefixes;
    /** Names set by {@link #reportAs} for changes outside any command (the cron); a command's are in its {@link Call}. */
    private Notice[] idleOverride;
    /** The source half of a RENAME or MOVE, published with its destination half (Redis' order). */
    private Db pendingFromDb;
    private byte[] pendingFromKey;
    /** A change announced only after the next one (the source of LMOVE). */
    private Db heldDb;
    private byte[] heldKey;
    private Notice[] heldNames;
    private boolean heldEmptied;

    KeyspaceEvents(ServerConfig config, PubSub pubSub, Dispatcher dispatcher) {
        this.config = config;
        this.pubSub = pubSub;
        this.dispatcher = dispatcher;
        this.keyspacePrefixes = new byte[config.databases()][];
        this.keyeventPrefixes = new byte[config.databases()][];
    }

    /*
     * The command whose changes are being reported is the dispatcher's running Call (null outside
     * commands: the cron), read when a change is named rather than copied here per command: a
     * reference stored into this long-lived object costs a G1 write barrier (with a StoreLoad fence)
     * on every command, and a command run inside another (EXEC, scripts) would need the outer one's
     * saved and restored.
     */
    private CommandSpec spec() {
        Call running = dispatcher.running();
        return running == null ? null : running.spec();
    }

    private byte[][] argv() {
        Call running = dispatcher.running();
        return running == null ? null : running.args();
    }

    private Notice[] override() {
        Call running = dispatcher.running();
        return running == null ? idleOverride : running.eventOverride;
    }

    /** A command ends: a change it held back (see {@link #holdBack}) is published now. */
    void commandEnded() {
        releaseHeld(null, null);
    }

    /**
     * Reports the changes that follow as {@code names} (changes made outside the command's own
     * logic, such as hash fields expiring when a command meets them); returns what to restore.
     */
    public Notice[] reportAs(Notice... names) {
        Notice[] was = override();
        restore(names);
        return was;
    }

    public void restore(Notice[] was) {
        Call running = dispatcher.running();
        if (running == null) {
            idleOverride = was;
        } else {
            running.eventOverride = was;
        }
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
        if (heldKey != null && heldEmptied && heldDb == db && Arrays.equals(heldKey, key)) {
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
                publishAll(d, key, heldKey != null && EventNames.of(spec()) instanceof EventNames.PushFirst p
                        ? new Notice[] {p.pushed().name(argv(), key)} : names(key));
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
        CommandSpec spec = spec();
        if (override() == null && spec != null && heldKey == null && EventNames.of(spec) instanceof EventNames.PushFirst p
                && p.isSource(argv(), key)) {
            heldDb = db;
            heldKey = key;
            heldNames = new Notice[] {p.popped().name(argv(), key)};
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
        boolean refilled = pushedDb == heldDb && Arrays.equals(pushedKey, key);
        if (heldEmptied && !refilled) {
            publish(heldDb.index(), key, DEL);
        }
    }

    private Notice[] names(byte[] key) {
        Notice[] override = override();
        if (override != null) {
            return override;
        }
        CommandSpec spec = spec();
        if (spec == null) {
            return NOTHING;
        }
        return EventNames.of(spec).names(argv(), key);
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
            pubSub.publish(Bytes.concat(prefix(keyspacePrefixes, "__keyspace@", db), key), notice.name(), false);
        }
        if ((flags & ServerConfig.NOTIFY_KEYEVENT) != 0) {
            pubSub.publish(Bytes.concat(prefix(keyeventPrefixes, "__keyevent@", db), notice.name()), key, false);
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
}
