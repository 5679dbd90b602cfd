package kv.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import kv.conformance.Escapes;

/**
 * The parser without a server, over the fuzzer's streams: however a stream is cut into reads,
 * the commands and the protocol error that come out are the ones it gives read at once; and a
 * stream the generator calls valid parses without an error.
 */
class RespParserChunkingTest {
    private static final int STREAMS = 5_000;

    private static final RespParser.Limits LIMITS = new RespParser.Limits() {
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
    };

    /** Tight limits, so that streams hit each of them: an unauthenticated client, small bulks and requests. */
    private static final RespParser.Limits TIGHT = new RespParser.Limits() {
        @Override
        public long maxBulkLength() {
            return 40;
        }

        @Override
        public long queryBufferLimit() {
            return 100;
        }

        @Override
        public boolean authenticated() {
            return false;
        }
    };

    private static List<String> parse(List<byte[]> reads) {
        return parse(reads, LIMITS);
    }

    /** The commands parsed, each as escaped arguments, then the protocol error if one ended the stream. */
    private static List<String> parse(List<byte[]> reads, RespParser.Limits limits) {
        RespParser parser = new RespParser(limits);
        List<String> out = new ArrayList<>();
        for (byte[] read : reads) {
            ByteBuf in = Unpooled.wrappedBuffer(read);
            try {
                byte[][] argv;
                while ((argv = parser.next(in)) != null) {
                    StringBuilder sb = new StringBuilder();
                    for (byte[] a : argv) {
                        sb.append('[').append(Escapes.escape(a)).append(']');
                    }
                    out.add(sb.toString());
                }
                assertEquals(0, in.readableBytes(), "null from next() leaves no bytes behind");
            } catch (ProtocolException e) {
                out.add("error: " + e.getMessage());
                return out;
            } finally {
                in.release();
            }
        }
        return out;
    }

    @Test
    void cuttingAStreamIntoReadsChangesNothing() {
        for (long seed = 0; seed < STREAMS; seed++) {
            FuzzStreams.Stream s = FuzzStreams.generate(seed);
            List<String> whole = parse(List.of(s.bytes()));
            List<String> chunked = parse(s.chunks());
            long at = seed;
            assertEquals(whole, chunked, () -> "seed " + at + " (" + s.recipe() + "): "
                    + Escapes.escape(s.bytes()).substring(0, Math.min(500, Escapes.escape(s.bytes()).length())));
            List<byte[]> bytewise = new ArrayList<>();
            if (s.bytes().length <= 500) {
                for (byte b : s.bytes()) {
                    bytewise.add(new byte[] {b});
                }
                assertEquals(whole, parse(bytewise), () -> "seed " + at + " read byte by byte");
            }
        }
    }

    /**
     * A request that lies whole in one read takes the parser's one-pass path, a request read byte by
     * byte never does: under tight limits both must give the same commands and the same error.
     */
    @Test
    void wholeRequestsAndByteByByteAgreeUnderLimits() {
        for (long seed = 0; seed < STREAMS; seed++) {
            FuzzStreams.Stream s = FuzzStreams.generate(seed);
            if (s.bytes().length > 500) {
                continue;
            }
            List<byte[]> bytewise = new ArrayList<>();
            for (byte b : s.bytes()) {
                bytewise.add(new byte[] {b});
            }
            long at = seed;
            assertEquals(parse(bytewise, TIGHT), parse(List.of(s.bytes()), TIGHT), () -> "seed " + at + " (" + s.recipe() + ")");
        }
    }

    @Test
    void validStreamsParseWithoutError() {
        int valid = 0;
        for (long seed = 0; seed < STREAMS; seed++) {
            FuzzStreams.Stream s = FuzzStreams.generate(seed);
            if (!s.valid()) {
                continue;
            }
            valid++;
            List<String> got = parse(List.of(s.bytes()));
            long at = seed;
            assertTrue(got.isEmpty() || !got.get(got.size() - 1).startsWith("error: "),
                    () -> "seed " + at + ": " + got.get(got.size() - 1));
            assertTrue(!got.isEmpty(), () -> "seed " + at + " gave no command");
        }
        assertTrue(valid > STREAMS / 10, "too few valid streams: " + valid);
    }

    @Test
    void sameSeedSameStream() {
        for (long seed = 0; seed < 100; seed++) {
            FuzzStreams.Stream a = FuzzStreams.generate(seed);
            FuzzStreams.Stream b = FuzzStreams.generate(seed);
            assertEquals(Escapes.escape(a.bytes()), Escapes.escape(b.bytes()));
            assertEquals(a.recipe(), b.recipe());
        }
    }
}
