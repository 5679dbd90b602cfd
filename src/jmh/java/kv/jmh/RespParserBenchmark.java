package kv.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import kv.protocol.ProtocolException;
import kv.protocol.RespParser;

/** Parsing a pipeline of 16 SET requests (redis-benchmark's shape) from one read buffer. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RespParserBenchmark {
    private ByteBuf pipeline;
    private RespParser parser;

    @Setup
    public void setUp() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 16; i++) {
            String key = String.format("key:%012d", i);
            b.writeBytes(("*3\r\n$3\r\nSET\r\n$16\r\n" + key + "\r\n$3\r\nxxx\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        pipeline = Unpooled.wrappedBuffer(b.toByteArray());
        parser = new RespParser(new RespParser.Limits() {
            @Override
            public long maxBulkLength() {
                return 512L * 1024 * 1024;
            }

            @Override
            public long queryBufferLimit() {
                return 1024L * 1024 * 1024;
            }

            @Override
            public boolean authenticated() {
                return true;
            }
        });
    }

    /** One operation = 16 commands. */
    @Benchmark
    public void parseSixteenSets(Blackhole hole) throws ProtocolException {
        pipeline.readerIndex(0);
        byte[][] argv;
        while ((argv = parser.next(pipeline)) != null) {
            hole.consume(argv);
        }
    }
}
