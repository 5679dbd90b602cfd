package kv.aof;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import kv.engine.SnapshotDump;
import kv.protocol.RespEncoder;
import kv.rdb.Snapshot;
import kv.store.HashValue;
import kv.store.Keyspace;
import kv.store.ListValue;
import kv.store.SetValue;
import kv.store.SortedSet;
import kv.store.StreamGroup;
import kv.store.StreamId;
import kv.store.StreamValue;
import kv.store.StringValues;
import kv.store.Values;
import kv.util.Doubles;

/**
 * Writes a dataset as the commands that rebuild it (an AOF base without RDB preamble), the way
 * Redis' rewrite does: SELECT per non-empty db; per key SET, RPUSH, SADD, ZADD, HMSET in batches of
 * {@value #BATCH} elements, streams as XADD + XSETID + XGROUP/XCLAIM; then PEXPIREAT for a TTL and
 * HPEXPIREAT for hash fields with one. Keys already past their TTL are left out (the snapshot
 * drops them). As a dump format it encodes a snapshot's entries in slices (AOF rewrite without
 * RDB preamble).
 */
final class DatasetWriter implements SnapshotDump.Format {
    private static final int BATCH = 64;
    private static final int FLUSH_AT = 256 * 1024;

    private final OutputStream out;
    private final RespEncoder enc = new RespEncoder(FLUSH_AT + 64 * 1024);
    private final List<byte[]> args = new ArrayList<>();

    DatasetWriter(OutputStream out) {
        this.out = out;
    }

    /** The function libraries as FUNCTION LOAD commands, which Redis' rewrite puts before the keys. */
    void functions(List<byte[]> libraryCodes) throws IOException {
        try {
            for (byte[] code : libraryCodes) {
                emit(b("FUNCTION"), b("LOAD"), code);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Writes every db of {@code keyspace} as of now ({@code nowMs}: what counts as expired), all at once. */
    void write(Keyspace keyspace, long nowMs) throws IOException {
        try {
            Snapshot.take(keyspace, nowMs).advance(this, Long.MAX_VALUE);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
        end();
    }

    @Override
    public void database(int db, long size, long expiring) throws IOException {
        guarded(() -> emit(b("SELECT"), num(db)));
    }

    @Override
    public void entry(int db, byte[] key, Object value, long expireAtMs) throws IOException {
        guarded(() -> {
            writeKey(key, value);
            if (expireAtMs >= 0) {
                emit(b("PEXPIREAT"), key, num(expireAtMs));
            }
        });
    }

    @Override
    public void flush() throws IOException {
        guarded(this::drain);
    }

    @Override
    public void end() throws IOException {
        flush();
        out.flush();
    }

    /** The emitters throw UncheckedIOException from inside value visitors; callers get the IOException. */
    private static void guarded(Runnable r) throws IOException {
        try {
            r.run();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void writeKey(byte[] key, Object value) {
        switch (Values.type(value)) {
            case STRING -> emit(b("SET"), key, StringValues.bytes(value));
            case LIST -> {
                start("RPUSH", key);
                ((ListValue) value).visit(0, true, (buf, off, len) -> {
                    add(java.util.Arrays.copyOfRange(buf, off, off + len));
                    return true;
                });
                finish();
            }
            case SET -> {
                start("SADD", key);
                ((SetValue) value).forEach(m -> add(m));
                finish();
            }
            case ZSET -> {
                start("ZADD", key);
                ((SortedSet) value).forEach((m, score) -> {
                    args.add(Doubles.format(score).getBytes(StandardCharsets.US_ASCII));
                    add(m);
                });
                finish();
            }
            case HASH -> writeHash(key, (HashValue) value);
            case STREAM -> writeStream(key, (StreamValue) value);
            default -> throw new IllegalStateException("no AOF form for " + Values.type(value).typeName() + " values");
        }
    }

    private void writeHash(byte[] key, HashValue hash) {
        List<byte[][]> fieldTtls = new ArrayList<>();
        start("HMSET", key);
        hash.forEachWithTtl((f, v, when) -> {
            args.add(f);
            add(v);
            if (when > 0) {
                fieldTtls.add(new byte[][] {b("HPEXPIREAT"), key, num(when), b("FIELDS"), b("1"), f});
            }
        });
        finish();
        for (byte[][] argv : fieldTtls) {
            emit(argv);
        }
    }

    private void writeStream(byte[] key, StreamValue stream) {
        List<byte[]> entry = new ArrayList<>();
        StreamId[] current = new StreamId[1];
        stream.forEach(new StreamValue.EntryVisitor() {
            @Override
            public void entry(long ms, long seq) {
                xadd(key, current[0], entry);
                current[0] = new StreamId(ms, seq);
            }

            @Override
            public void element(byte[] buf, int off, int len) {
                entry.add(java.util.Arrays.copyOfRange(buf, off, off + len));
            }
        });
        xadd(key, current[0], entry);
        if (current[0] == null) {
            // an empty stream still exists: create it with an entry trimmed away at once
            emit(b("XADD"), key, b("MAXLEN"), b("0"), id(stream.lastId()), b("x"), b("y"));
        }
        emit(b("XSETID"), key, id(stream.lastId()), b("ENTRIESADDED"), num(stream.entriesAdded()),
                b("MAXDELETEDID"), id(stream.maxDeletedId()));
        for (StreamGroup g : stream.groups()) {
            emit(b("XGROUP"), b("CREATE"), key, g.name, id(g.lastId), b("ENTRIESREAD"), num(g.entriesRead));
            for (StreamGroup.Pending p : g.pending.values()) {
                emit(b("XCLAIM"), key, g.name, p.owner.name, b("0"), id(p.id), b("TIME"), num(p.deliveryTime),
                        b("RETRYCOUNT"), num(p.deliveryCount), b("JUSTID"), b("FORCE"));
            }
            for (StreamGroup.Consumer c : g.consumers.values()) {
                if (c.pending.isEmpty()) {
                    emit(b("XGROUP"), b("CREATECONSUMER"), key, g.name, c.name);
                }
            }
        }
    }

    private void xadd(byte[] key, StreamId id, List<byte[]> fieldsAndValues) {
        if (id == null) {
            return;
        }
        byte[][] argv = new byte[3 + fieldsAndValues.size()][];
        argv[0] = b("XADD");
        argv[1] = key;
        argv[2] = id(id);
        for (int i = 0; i < fieldsAndValues.size(); i++) {
            argv[3 + i] = fieldsAndValues.get(i);
        }
        fieldsAndValues.clear();
        emit(argv);
    }

    // ---- batching: one command per BATCH elements (an element is 1 or 2 arguments) -------------

    private byte[] command;
    private byte[] batchKey;
    private int elements;

    private void start(String name, byte[] key) {
        command = b(name);
        batchKey = key;
        elements = 0;
        args.clear();
    }

    /** Adds {@code last} (after the element's earlier arguments, already in args); a full batch goes out. */
    private void add(byte[] last) {
        args.add(last);
        if (++elements == BATCH) {
            finish();
        }
    }

    private void finish() {
        if (args.isEmpty()) {
            return;
        }
        byte[][] argv = new byte[2 + args.size()][];
        argv[0] = command;
        argv[1] = batchKey;
        for (int i = 0; i < args.size(); i++) {
            argv[2 + i] = args.get(i);
        }
        args.clear();
        elements = 0;
        emit(argv);
    }

    private void emit(byte[]... argv) {
        enc.command(argv);
        if (enc.size() >= FLUSH_AT) {
            drain();
        }
    }

    private void drain() {
        if (enc.size() == 0) {
            return;
        }
        try {
            out.write(enc.view().array(), 0, enc.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        enc.clear();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] num(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] id(StreamId id) {
        return id.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
