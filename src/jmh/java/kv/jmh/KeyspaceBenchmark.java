package kv.jmh;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import kv.store.Db;
import kv.store.Keyspace;
import kv.store.StringValues;

/** Lookups and overwrites in a database of {@code keys} small string keys. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class KeyspaceBenchmark {
    @Param({"100000", "1000000"})
    public int keys;

    private Db db;
    private byte[][] names;
    private final byte[] value = "xxx".getBytes(StandardCharsets.US_ASCII);
    private int next;

    @Setup
    public void setUp() {
        db = new Keyspace(1).db(0);
        names = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            names[i] = String.format("key:%012d", i).getBytes(StandardCharsets.US_ASCII);
            db.put(names[i], StringValues.of(value));
        }
    }

    private byte[] nextKey() {
        // a fixed stride visits keys in scattered order, as random clients would
        next = (next + 7919) % keys;
        // a fresh array, as every request's key is one
        return names[next].clone();
    }

    @Benchmark
    public Object get() {
        return db.read(nextKey());
    }

    @Benchmark
    public void overwrite() {
        db.put(nextKey(), StringValues.of(value));
    }

    /** A delete and a re-insert: the backward-shift delete and the insert path. */
    @Benchmark
    public void deleteInsert() {
        byte[] key = nextKey();
        db.remove(key);
        db.put(key, StringValues.of(value));
    }
}
