package kv.repl;

import java.util.Arrays;
import java.util.function.LongConsumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import kv.engine.Client;
import kv.engine.Dispatcher;
import kv.engine.ReplicationLog;
import kv.engine.Server;
import kv.protocol.DiscardingReply;
import kv.protocol.ProtocolException;
import kv.protocol.RespParser;
import kv.store.Keyspace;

/**
 * Applies the master's replication stream: each complete command runs through the dispatcher as
 * the master client (no replies), then its exact bytes are relayed into the replication log, so
 * this server's offset is the count of bytes applied, byte for byte the master's (sub-replicas
 * and PSYNC after a failover rely on it). A MULTI block is relayed when its EXEC has run, as Redis
 * advances a master client's offset only outside transactions. REPLCONF GETACK is answered with
 * the offset before it.
 */
final class StreamApplier {
    private final Server server;
    private final Client master;
    private final ReplicationLog log;
    private final LongConsumer ack;
    private final RespParser parser;
    private final DiscardingReply noReply = new DiscardingReply(2);
    /** Bytes from the first one not yet relayed ({@code start}) to the last received ({@code end}). */
    private byte[] buf = new byte[16 * 1024];
    private int start;
    private int end;
    /** A command that must wait for CLIENT PAUSE to end, and where its bytes end. */
    private byte[][] waiting;
    private int waitingEnd;
    private boolean stopped;

    /** @param ack sends REPLCONF ACK with the given offset to the master */
    StreamApplier(Server server, Client master, LongConsumer ack) {
        this.server = server;
        this.master = master;
        this.log = server.replication();
        this.ack = ack;
        this.parser = new RespParser(new RespParser.Limits() {
            @Override
            public long maxBulkLength() {
                return server.config().protoMaxBulkLen();
            }

            @Override
            public long queryBufferLimit() {
                return Long.MAX_VALUE; // the master is obeyed, whatever it sends
            }

            @Override
            public boolean authenticated() {
                return true;
            }
        });
    }

    /** Bytes received but not yet applied (slave_read_repl_offset - slave_repl_offset). */
    long unapplied() {
        return end - start;
    }

    /** Takes stream bytes and applies every complete command among them. */
    void feed(byte[] data, int off, int len) throws ProtocolException {
        if (len == 0) {
            return;
        }
        if (end + len > buf.length) {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                waitingEnd -= start;
                start = 0;
            }
            if (end + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + len));
            }
        }
        int parsedFrom = end;
        System.arraycopy(data, off, buf, end, len);
        end += len;
        if (waiting == null && !stopped) {
            apply(parsedFrom);
        }
    }

    /** Runs the commands parsed from the bytes at {@code from} onwards (the parser holds what came before). */
    private void apply(int from) throws ProtocolException {
        ByteBuf view = Unpooled.wrappedBuffer(buf, from, end - from);
        while (true) {
            byte[][] argv = parser.next(view);
            if (argv == null) {
                return;
            }
            int commandEnd = from + view.readerIndex();
            if (!run(argv, commandEnd)) {
                return;
            }
        }
    }

    /** Runs one command; false if it has to wait for CLIENT PAUSE to end. */
    private boolean run(byte[][] argv, int commandEnd) throws ProtocolException {
        if (isGetAck(argv)) {
            ack.accept(log.offset());
        } else {
            Keyspace keyspace = server.keyspace();
            keyspace.applyingMasterStream(true);
            Dispatcher.Outcome outcome;
            try {
                outcome = server.dispatcher().execute(master, argv, noReply);
            } finally {
                keyspace.applyingMasterStream(false);
            }
            if (outcome == Dispatcher.Outcome.PAUSED) {
                waiting = argv;
                waitingEnd = commandEnd;
                server.clients().whenUnpaused(this::resume);
                return false;
            }
        }
        if (master.transaction() == null) {
            log.feedRaw(buf, start, commandEnd - start);
            start = commandEnd;
        }
        return true;
    }

    private void resume() {
        byte[][] argv = waiting;
        if (argv == null || stopped) {
            return;
        }
        waiting = null;
        try {
            if (run(argv, waitingEnd)) {
                apply(waitingEnd);
            }
        } catch (ProtocolException e) {
            master.transport().closeAfterReply();
        }
    }

    /** The link closed: nothing more is applied (a half-received MULTI is dropped by the caller). */
    void stop() {
        stopped = true;
        waiting = null;
    }

    private static boolean isGetAck(byte[][] argv) {
        return argv.length >= 2 && ascii(argv[0], "replconf") && ascii(argv[1], "getack");
    }

    private static boolean ascii(byte[] arg, String lower) {
        if (arg.length != lower.length()) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            if (Character.toLowerCase((char) (arg[i] & 0xff)) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
