package kv.repl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import kv.config.ServerConfig;
import kv.engine.Client;
import kv.engine.Server;
import kv.protocol.ProtocolException;
import kv.protocol.RespEncoder;
import kv.rdb.LoadedDataset;
import kv.util.Bytes;

/**
 * One connection to the master, from the connect to its close: Redis' handshake (PING, AUTH,
 * REPLCONF listening-port / ip-address / capa, PSYNC), then either the full sync's RDB
 * ({@link RdbTransfer}) or the continuation, then the stream ({@link StreamApplier}) as the
 * master client. Runs on the data thread; a new link is made for each attempt.
 */
final class MasterLink implements RdbTransfer.Owner {
    private static final Logger LOG = Logger.getLogger(MasterLink.class);

    /** Where the link is; the replica side reports it as Redis' repl_state. */
    enum Phase { CONNECTING, HANDSHAKE, TRANSFER, STREAM, CLOSED }

    /** The replies the handshake waits for, in order. */
    private enum Expect { PING, AUTH, PORT, IP, CAPA, PSYNC, BULK }

    private final ReplicaSide side;
    private final Server server;
    private final Context context;
    private final String host;
    private final int port;
    private NetSocket socket;
    private Phase phase = Phase.CONNECTING;
    private final List<Expect> expected = new ArrayList<>();
    /** Input not yet consumed by the handshake (lines) or held while the RDB loads. */
    private byte[] inbox = new byte[0];
    private long lastIoMs = System.currentTimeMillis();
    private RdbTransfer transfer;
    private String fullSyncReplid;
    private long fullSyncOffset;
    private Client master;
    private StreamApplier applier;

    MasterLink(ReplicaSide side, Server server, Context context, String host, int port) {
        this.side = side;
        this.server = server;
        this.context = context;
        this.host = host;
        this.port = port;
    }

    Phase phase() {
        return phase;
    }

    long lastIoMs() {
        return lastIoMs;
    }

    RdbTransfer transfer() {
        return transfer;
    }

    /** Bytes received and not yet applied. */
    long unapplied() {
        return applier == null ? 0 : applier.unapplied();
    }

    void connect(NetClient client) {
        LOG.infof("Connecting to MASTER %s:%d", host, port);
        LOG.info("MASTER <-> REPLICA sync started");
        client.connect(port, host).onComplete(ar -> {
            if (phase == Phase.CLOSED) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                fail("Error condition on socket for SYNC: " + reason(ar.cause()));
                return;
            }
            socket = ar.result();
            socket.handler(this::received);
            socket.closeHandler(v -> fail("Connection with master lost."));
            socket.exceptionHandler(e -> fail("Error condition on socket for SYNC: " + reason(e)));
            LOG.info("Non blocking connect for SYNC fired the event.");
            phase = Phase.HANDSHAKE;
            lastIoMs = System.currentTimeMillis();
            send("PING");
            expected.add(Expect.PING);
        });
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        if (m != null && m.contains("Connection refused")) {
            return "Connection refused";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private void send(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        RespEncoder encoder = new RespEncoder(64);
        encoder.command(argv);
        java.nio.ByteBuffer view = encoder.view();
        socket.write(Buffer.buffer(java.util.Arrays.copyOf(view.array(), view.limit())));
    }

    /** REPLCONF ACK with the offset applied: each second, after a full sync and on GETACK. */
    void ack(long offset) {
        if (socket != null && phase != Phase.CLOSED) {
            send("REPLCONF", "ACK", Long.toString(offset));
        }
    }

    private void received(Buffer data) {
        if (phase == Phase.CLOSED) {
            return;
        }
        lastIoMs = System.currentTimeMillis();
        byte[] bytes = data.getBytes();
        server.stats().replInputBytes += bytes.length;
        try {
            if (phase == Phase.STREAM) {
                applier.feed(bytes, 0, bytes.length);
                return;
            }
            inbox = Bytes.concat(inbox, bytes);
            process();
        } catch (ProtocolException e) {
            fail("Protocol error in the master's stream: " + e.getMessage());
        }
    }

    /** Consumes the inbox: handshake lines, then payload bytes. */
    private void process() throws ProtocolException {
        while (phase != Phase.CLOSED) {
            if (transfer != null) {
                if (transfer.complete()) {
                    return; // what follows the RDB waits for the load
                }
                int used = transfer.feed(inbox, 0, inbox.length);
                inbox = java.util.Arrays.copyOfRange(inbox, used, inbox.length);
                return;
            }
            int lf = indexOf(inbox, (byte) '\n');
            if (lf < 0) {
                return;
            }
            int lineEnd = lf > 0 && inbox[lf - 1] == '\r' ? lf - 1 : lf;
            String line = new String(inbox, 0, lineEnd, StandardCharsets.ISO_8859_1);
            inbox = java.util.Arrays.copyOfRange(inbox, lf + 1, inbox.length);
            if (!expected.isEmpty()) {
                reply(expected.get(0), line);
            }
        }
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private void reply(Expect what, String line) throws ProtocolException {
        boolean error = line.startsWith("-");
        if (line.isEmpty() && (what == Expect.PSYNC || what == Expect.BULK)) {
            return; // the master's keepalive newline while it prepares its reply or the RDB
        }
        expected.remove(0);
        switch (what) {
            case PING -> {
                if (error && !line.startsWith("-NOAUTH") && !line.startsWith("-NOPERM")
                        && !line.startsWith("-ERR operation not permitted")) {
                    fail("Error reply to PING from master: '" + line + "'");
                    return;
                }
                LOG.info("Master replied to PING, replication can continue...");
                sendHandshake();
            }
            case AUTH -> {
                if (error) {
                    fail("Unable to AUTH to MASTER: " + line);
                }
            }
            case PORT -> {
                if (error) {
                    LOG.infof("(Non critical) Master does not understand REPLCONF listening-port: %s", line);
                }
            }
            case IP -> {
                if (error) {
                    LOG.infof("(Non critical) Master does not understand REPLCONF ip-address: %s", line);
                }
            }
            case CAPA -> {
                if (error) {
                    LOG.infof("(Non critical) Master does not understand REPLCONF capa: %s", line);
                }
                sendPsync();
            }
            case PSYNC -> psyncReply(line);
            case BULK -> bulkHeader(line);
            default -> throw new IllegalStateException(what.name());
        }
    }

    private void sendHandshake() {
        ServerConfig config = server.config();
        if (!config.masterAuth().isEmpty()) {
            if (config.masterUser().isEmpty()) {
                send("AUTH", config.masterAuth());
            } else {
                send("AUTH", config.masterUser(), config.masterAuth());
            }
            expected.add(Expect.AUTH);
        }
        int announcedPort = config.replicaAnnouncePort() != 0 ? config.replicaAnnouncePort() : server.tcpPort();
        send("REPLCONF", "listening-port", Integer.toString(announcedPort));
        expected.add(Expect.PORT);
        if (!config.replicaAnnounceIp().isEmpty()) {
            send("REPLCONF", "ip-address", config.replicaAnnounceIp());
            expected.add(Expect.IP);
        }
        send("REPLCONF", "capa", "eof", "capa", "psync2");
        expected.add(Expect.CAPA);
    }

    private void sendPsync() {
        String[] request = side.psyncRequest();
        if (request[0].equals("?")) {
            LOG.info("Partial resynchronization not possible (no cached master)");
        } else {
            LOG.infof("Trying a partial resynchronization (request %s:%s).", request[0], request[1]);
        }
        if (side.psyncForFailover()) {
            send("PSYNC", request[0], request[1], "FAILOVER");
        } else {
            send("PSYNC", request[0], request[1]);
        }
        expected.add(Expect.PSYNC);
    }

    private void psyncReply(String line) throws ProtocolException {
        if (line.startsWith("+FULLRESYNC")) {
            String[] parts = line.split(" ");
            if (parts.length < 3 || parts[1].length() != 40) {
                fail("Master replied with wrong +FULLRESYNC syntax.");
                return;
            }
            fullSyncReplid = parts[1];
            try {
                fullSyncOffset = Long.parseLong(parts[2]);
            } catch (NumberFormatException e) {
                fail("Master replied with wrong +FULLRESYNC syntax.");
                return;
            }
            LOG.infof("Full resync from master: %s:%d", fullSyncReplid, fullSyncOffset);
            side.psyncAccepted();
            side.fullSyncStarts();
            phase = Phase.TRANSFER;
            expected.add(Expect.BULK);
        } else if (line.startsWith("+CONTINUE")) {
            String newId = line.length() > 10 ? line.substring(10).trim() : "";
            LOG.info("Successful partial resynchronization with master.");
            side.psyncAccepted();
            side.continued(newId.length() == 40 ? newId : null);
            LOG.info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
            startStream();
        } else if (line.startsWith("-NOMASTERLINK") || line.startsWith("-LOADING")) {
            LOG.infof("Master is currently unable to PSYNC but should be in the future: %s", line);
            close(null);
        } else {
            fail("Unexpected reply to PSYNC from master: " + line);
        }
    }

    private void bulkHeader(String line) {
        if (line.startsWith("-")) {
            fail("MASTER aborted replication with an error: " + line.substring(1));
            return;
        }
        if (!line.startsWith("$")) {
            fail("Bad protocol from MASTER, the first byte is not '$' (we received '" + line
                    + "'), are you sure the host and port are right?");
            return;
        }
        ServerConfig config = server.config();
        boolean diskless = !"disabled".equals(config.replDisklessLoad());
        Path temp = diskless ? null : config.dir().resolve("temp-" + System.currentTimeMillis() + "."
                + ProcessHandle.current().pid() + ".rdb");
        String target = diskless ? "to parser" : "to disk";
        if (line.startsWith("$EOF:")) {
            byte[] mark = line.substring(5).getBytes(StandardCharsets.ISO_8859_1);
            if (mark.length != RdbTransfer.EOF_MARK_LENGTH) {
                fail("Bad EOF mark from MASTER: '" + line + "'");
                return;
            }
            LOG.infof("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF %s", target);
            transfer = new RdbTransfer(this, context, config, -1, mark, temp);
        } else {
            long size;
            try {
                size = Long.parseLong(line.substring(1));
            } catch (NumberFormatException e) {
                fail("Bad protocol from MASTER: '" + line + "'");
                return;
            }
            LOG.infof("MASTER <-> REPLICA sync: receiving %d bytes from master %s", size, target);
            transfer = new RdbTransfer(this, context, config, size, null, temp);
            if (size == 0) {
                transfer.feed(inbox, 0, 0);
            }
        }
        if (diskless) {
            side.loading(true);
        }
    }

    // ---- RdbTransfer.Owner ----

    @Override
    public void pauseInput() {
        if (socket != null) {
            socket.pause();
        }
    }

    @Override
    public void resumeInput() {
        if (socket != null && phase == Phase.TRANSFER) {
            socket.resume();
        }
    }

    @Override
    public void transferComplete() {
        if (socket != null) {
            socket.pause(); // the stream that follows waits for the load
        }
        if (!"disabled".equals(server.config().replDisklessLoad())) {
            return;
        }
        LOG.info("MASTER <-> REPLICA sync: Loading DB in memory");
        side.loading(true);
    }

    @Override
    public void loaded(LoadedDataset data) {
        if (phase == Phase.CLOSED) {
            return;
        }
        try {
            side.installFullSync(data, fullSyncReplid, fullSyncOffset);
        } catch (RuntimeException e) {
            fail("Failed trying to load the MASTER synchronization DB from socket: " + e.getMessage());
            return;
        }
        LOG.info("MASTER <-> REPLICA sync: Finished with success");
        transfer = null;
        startStream();
        // in EOF mode the master puts us online on this first ACK
        ack(server.replication().offset());
    }

    @Override
    public void loadFailed(String reason) {
        side.loading(false);
        fail("Failed trying to load the MASTER synchronization DB: " + reason);
    }

    /** The client that applies the master's stream, null before the stream starts. */
    Client masterClient() {
        return master;
    }

    /** The link carries the stream now: the master client applies what follows. */
    private void startStream() {
        phase = Phase.STREAM;
        long now = System.currentTimeMillis();
        master = server.clients().connect(new MasterTransport(), now, true);
        master.master(true);
        master.db(side.masterDb());
        applier = new StreamApplier(server, master, this::ack);
        side.linkUp(this);
        byte[] rest = inbox;
        inbox = new byte[0];
        socket.resume();
        try {
            applier.feed(rest, 0, rest.length);
        } catch (ProtocolException e) {
            fail("Protocol error in the master's stream: " + e.getMessage());
        }
    }

    /** Redis' replication cron checks, each second: the ACK, and repl-timeout without input. */
    void cron(long nowMs) {
        long timeoutMs = server.config().replTimeoutSeconds() * 1000;
        if (phase == Phase.STREAM) {
            if (nowMs - lastIoMs > timeoutMs) {
                fail("MASTER timeout: no data nor PING received...");
                return;
            }
            ack(server.replication().offset());
        } else if (phase == Phase.TRANSFER && (transfer == null || !transfer.complete()) && nowMs - lastIoMs > timeoutMs) {
            fail("Timeout receiving bulk data from MASTER... If the problem persists try to set the "
                    + "'repl-timeout' parameter in redis.conf to a larger value.");
        } else if ((phase == Phase.CONNECTING || phase == Phase.HANDSHAKE) && nowMs - lastIoMs > timeoutMs) {
            fail("Timeout connecting to the MASTER...");
        }
    }

    private void fail(String message) {
        close(message);
    }

    /** Ends the link (a log line first unless null); the replica side retries at its next tick. */
    void close(String message) {
        if (phase == Phase.CLOSED) {
            return;
        }
        boolean wasStreaming = phase == Phase.STREAM;
        phase = Phase.CLOSED;
        if (message != null) {
            LOG.warn(message);
        }
        if (transfer != null) {
            transfer.abort();
            transfer = null;
            side.loading(false);
        }
        if (applier != null) {
            applier.stop();
        }
        if (master != null) {
            // a MULTI half received is dropped: the master resends it from our offset
            side.masterDb(master.db());
            master.transaction(null);
            server.clients().disconnect(master);
        }
        if (socket != null) {
            socket.close();
        }
        side.linkClosed(this, wasStreaming);
    }

    /** The master client's transport: CLIENT KILL closes the link. */
    private final class MasterTransport implements Client.Transport {
        @Override
        public void closeAfterReply() {
            // after the current command (the stream may be applying one): the data thread's next turn
            context.runOnContext(v -> close("Connection with master lost."));
        }

        @Override
        public String remoteAddress() {
            return socket.remoteAddress().host() + ":" + socket.remoteAddress().port();
        }

        @Override
        public String localAddress() {
            return socket.localAddress().host() + ":" + socket.localAddress().port();
        }

        @Override
        public boolean isLocal() {
            return socket.remoteAddress().host().startsWith("127.");
        }

        @Override
        public long pendingOutput() {
            return 0;
        }

        @Override
        public void push(java.util.function.Consumer<kv.protocol.Reply> message) {
            // the master gets no replies
        }
    }
}
