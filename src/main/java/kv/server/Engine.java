package kv.server;

import kv.aof.AofException;
import kv.aof.AofLoader;
import kv.aof.AofStartup;
import kv.aof.AppendOnlyFile;
import kv.aof.RdbBaseFile;
import kv.engine.CommandFacts;
import kv.engine.Server;
import kv.engine.Client;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import kv.config.ServerConfig;
import kv.observe.ReadinessState;
import kv.observe.StatsSnapshot;
import kv.util.Version;

/**
 * The data thread and its listeners: one Vert.x event-loop context that owns the {@link Server}
 * and every client socket, listening on each configured bind address. Started by
 * {@link EngineLauncher} (from the main method, before Quarkus boots, or from
 * {@link RespServer}'s StartupEvent in tests); {@link RespServer} is its face for the beans.
 */
final class Engine {
    private static final Logger LOG = Logger.getLogger(Engine.class);
    private static final String DENIED = "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.";

    private final Vertx vertx;
    private final ServerConfig config;
    private final Context context;
    private Server server;
    /** The replication position recorded in the RDB file loaded at start (null: none, or the AOF was loaded). */
    private kv.rdb.ReplicationInfo loadedReplication;
    private PushFlusher pushFlusher;
    private AcceptWhileBusy acceptWhileBusy;
    private AppendOnlyFile aof;
    /** Read by the metrics thread (its figures are immutable). */
    private volatile kv.repl.MasterSide master;
    private final List<NetServer> listeners = new ArrayList<>();
    private volatile int port = -1;
    private long cronTimer = -1;
    private volatile boolean accepting;
    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    /** The command table the server takes (built meanwhile on another thread by the main method). */
    private final Supplier<kv.engine.CommandTable> commands;

    Engine(Vertx vertx, ServerConfig config, Supplier<kv.engine.CommandTable> commands) {
        this.vertx = vertx;
        this.config = config;
        this.commands = commands;
        this.context = vertx.getOrCreateContext();
    }

    /**
     * Starts the data thread and waits until the listeners are bound (at most 30 s); the data
     * files may still be loading then ({@link #awaitStarted}).
     */
    void startListening() throws Exception {
        context.runOnContext(v -> start(config).onComplete(ar -> {
            if (ar.succeeded()) {
                accepting = true;
                started.complete(null);
            } else {
                started.completeExceptionally(ar.cause());
            }
        }));
        // no deadline while a data file loads (that takes as long as the file needs); the
        // listeners themselves must be up in 30 s
        listening.get(30, TimeUnit.SECONDS);
    }

    /** Waits until the data files are loaded; throws (after logging it) what stopped the start. */
    void awaitStarted() throws Exception {
        try {
            started.get();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error(e.getCause().getMessage());
            throw e;
        }
    }

    /** Everything is up (called by the main method after Quarkus started): record the management port, say ready. */
    void started(int managementPort) {
        if (managementPort > 0) {
            server.config().managementPortBound(managementPort);
        }
        LOG.infof("KV %s ready to accept connections on port %d (management port %d)", Version.KV, port,
                managementPort);
        CommandFacts.preloadInBackground();
    }

    /**
     * SHUTDOWN and SIGTERM alike: the listeners closed, the AOF flushed, the final RDB save if
     * configured. On SIGTERM a master first gives lagging replicas their chance, as SHUTDOWN does.
     */
    void stop() {
        if (!stopping.compareAndSet(false, true)) {
            stopped.join(); // the early-exit hook and Quarkus' shutdown may both get here: one stops, the other waits
            return;
        }
        try {
            stopOnce();
        } finally {
            stopped.complete(null);
        }
    }

    private void stopOnce() {
        awaitReplicasOnSignal();
        accepting = false;
        for (NetServer s : listeners) {
            s.close();
        }
        if (aof != null) {
            // SHUTDOWN and SIGTERM alike: what was acknowledged reaches the disk before the exit
            try {
                onDataThread(() -> {
                    aof.shutdown();
                    return null;
                }).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.errorf("flushing the AOF at shutdown failed: %s", e.getMessage());
            }
        }
        saveOnExit();
    }

    /**
     * SIGTERM as Redis 7 takes it (SHUTDOWN without NOW): a master whose replicas have not
     * acknowledged the whole stream pauses writes and waits up to shutdown-timeout for them, so a
     * pod stopped for an upgrade does not leave its replicas short of acknowledged writes. Nothing
     * to do when a SHUTDOWN already decided (it waited itself, or was told NOW).
     */
    private void awaitReplicasOnSignal() {
        Server s = server;
        kv.repl.MasterSide master = this.master;
        if (s == null || master == null || s.config().signalSkipsReplicaWait()) {
            return;
        }
        try {
            long deadline = onDataThread(() -> s.rdb().shutdownDecided() ? 0L : master.beginShutdownWait(System.currentTimeMillis()))
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            if (deadline == 0) {
                return;
            }
            while (System.currentTimeMillis() < deadline
                    && !onDataThread(master::replicasCaughtUp).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)) {
                Thread.sleep(100);
            }
            onDataThread(() -> {
                master.logInSyncAtShutdown();
                return null;
            }).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("Waiting for replicas at shutdown failed: %s", e.toString());
        }
    }

    /** SIGTERM with save points (and no SHUTDOWN that already decided): the final RDB save, as Redis does. */
    private void saveOnExit() {
        Server s = server;
        if (s == null || !s.rdb().saveOnExit()) {
            return;
        }
        LOG.info("Received SIGTERM scheduling shutdown... Saving the final RDB snapshot before exiting.");
        try {
            onDataThread(() -> {
                try {
                    s.rdb().saveNow();
                    return true;
                } catch (java.io.IOException e) {
                    LOG.warnf("Error trying to save the DB: %s", e.getMessage());
                    return false;
                }
            }).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
            LOG.warnf("Error trying to save the DB on exit: %s", e.toString());
        }
    }

    private Future<Void> start(ServerConfig config) {
        LogSettings.apply(config);
        config.addListener("loglevel", v -> LogSettings.apply(config));
        logTransport();
        server = new Server(config, new VertxLifecycle(), commands);
        // the data thread's own event loop: every client socket is served by it
        pushFlusher = new PushFlusher(((ContextInternal) context).nettyEventLoop());
        acceptWhileBusy = new AcceptWhileBusy((io.netty.util.concurrent.SingleThreadEventExecutor) ((ContextInternal) context).nettyEventLoop());
        aof = new AppendOnlyFile(server, ((ContextInternal) context).nettyEventLoop());
        server.attach(AppendOnlyFile.class, aof);
        server.attach(kv.observe.AofState.class, aof);
        server.attach(kv.engine.FunctionLibraryStore.class, new kv.script.ScriptLibraryStore(server));
        master = new kv.repl.MasterSide(server, ((ContextInternal) context).nettyEventLoop());
        server.attach(kv.repl.MasterSide.class, master);
        kv.repl.ReplicaSide replicaSide = new kv.repl.ReplicaSide(server, vertx);
        server.attach(kv.repl.ReplicaSide.class, replicaSide);
        replicaSide.onHistoryChange(master::disconnectReplicas);
        server.attach(kv.repl.Failover.class, new kv.repl.Failover(server, master, replicaSide));
        config.addListener("appendonly", aof::applyAppendonly);
        List<String> addresses = config.bind().isEmpty() ? List.of("*") : config.bind();
        Future<Void> chain = Future.succeededFuture();
        for (String address : addresses) {
            boolean optional = address.startsWith("-");
            String host = optional ? address.substring(1) : address;
            chain = chain.compose(v -> listen(config, host, optional));
        }
        // a failed bind ends the wait for the listeners too: started then carries its error
        return chain.onComplete(ar -> listening.complete(null)).compose(v -> loadData(config)).onSuccess(v -> {
            kv.repl.ReplicaSide.of(server).startFromConfig(loadedReplication);
            scheduleCron(config);
            vertx.setPeriodic(1000, id -> resizeOutput());
            config.addListener("hz", value -> scheduleCron(config));
        });
    }

    /**
     * With appendonly yes: replays the AOF in slices of the data thread, clients getting LOADING
     * meanwhile, then appends follow; an RDB base (or preamble) is read on a worker thread first and
     * installed when the replay reaches it. Any damage other than a cut-off last command fails
     * start-up. Otherwise the RDB file, if there is one.
     */
    private Future<Void> loadData(ServerConfig config) {
        if (!config.appendOnly()) {
            return loadRdb(config);
        }
        Promise<Void> done = Promise.promise();
        AofStartup.Plan plan;
        java.nio.file.Path base;
        try {
            plan = AofStartup.plan(config);
            base = AofLoader.rdbBase(plan);
            startLoading(AofLoader.totalBytes(plan));
        } catch (AofException | java.io.IOException e) {
            return Future.failedFuture(new IllegalStateException(e.getMessage(), e));
        }
        long start = System.nanoTime();
        long nowMs = server.keyspace().clock().now();
        kv.rdb.RdbProgress progress = postedProgress();
        Future<RdbBaseFile> baseRead = base == null ? Future.succeededFuture(new RdbBaseFile())
                : vertx.executeBlocking(() -> new RdbBaseFile(base, RdbBaseFile.read(base, config, nowMs, progress)), false);
        baseRead.onComplete(ar -> {
            if (ar.failed()) {
                done.fail(new IllegalStateException(ar.cause().getMessage(), ar.cause()));
                return;
            }
            AofLoader loader = new AofLoader(server, plan, ar.result());
            Runnable slice = new Runnable() {
                @Override
                public void run() {
                    try {
                        boolean finished = loader.step(20_000_000L);
                        server.loadingProgress().loaded(loader.loadedBytes());
                        if (!finished) {
                            context.runOnContext(v -> run());
                            return;
                        }
                        aof.openAfterLoad(plan);
                        server.readiness().loading(false);
                        if (!plan.empty()) {
                            LOG.infof("DB loaded from append only file: %.3f seconds (%d commands)",
                                    (System.nanoTime() - start) / 1e9, loader.commands());
                        }
                        done.complete();
                    } catch (AofException | java.io.IOException | RuntimeException e) {
                        done.fail(new IllegalStateException(e.getMessage(), e));
                    }
                }
            };
            slice.run();
        });
        return done.future();
    }

    /** A load of {@code totalBytes} begins: LOADING for clients, readiness DOWN, INFO's loading_* fields. */
    private void startLoading(long totalBytes) {
        server.loadingProgress().start(System.currentTimeMillis() / 1000, totalBytes);
        server.readiness().loading(true);
    }

    /** An RDB load's progress, posted from its thread to the data thread's {@link kv.observe.LoadingProgress}. */
    private kv.rdb.RdbProgress postedProgress() {
        kv.observe.LoadingProgress shown = server.loadingProgress();
        return new kv.rdb.RdbProgress() {
            @Override
            public void read(long bytes) {
                context.runOnContext(v -> shown.loaded(bytes));
            }

            @Override
            public void usedMem(long bytes) {
                context.runOnContext(v -> shown.rdbUsedMem(bytes));
            }
        };
    }

    /**
     * With appendonly no, loads dir/dbfilename if it exists: parsed on a worker thread while clients
     * get LOADING and the readiness probe says DOWN, then installed on the data thread. A file that
     * cannot be loaded stops the server with the file, offset and reason (nothing is overwritten).
     */
    private Future<Void> loadRdb(ServerConfig config) {
        java.nio.file.Path file = server.rdb().file();
        long size;
        try {
            size = java.nio.file.Files.size(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return Future.succeededFuture();
        } catch (java.io.IOException e) {
            return Future.failedFuture(new IllegalStateException("Fatal error loading the DB from " + file + ": "
                    + e.getMessage() + ". Exiting.", e));
        }
        startLoading(size);
        long started = System.nanoTime();
        Promise<Void> done = Promise.promise();
        kv.rdb.RdbProgress progress = postedProgress();
        vertx.<kv.rdb.LoadedDataset>executeBlocking(() -> kv.engine.RdbPersistence.read(file, config, System.currentTimeMillis(), progress), false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        done.fail(new IllegalStateException("Fatal error loading the DB from " + file + ": "
                                + ar.cause().getMessage() + ". Exiting.", ar.cause()));
                        return;
                    }
                    kv.rdb.LoadedDataset data = ar.result();
                    long parsed = System.nanoTime();
                    try {
                        server.rdb().install(data);
                    } catch (kv.engine.CommandError e) {
                        // a function library of the file does not load: the file cannot be loaded
                        server.readiness().loading(false);
                        done.fail(new IllegalStateException("Fatal error loading the DB from " + file + ": " + e.getMessage()
                                + ". Exiting.", e));
                        return;
                    }
                    server.readiness().loading(false);
                    loadedReplication = kv.rdb.ReplicationInfo.from(data.aux());
                    LOG.infof("DB loaded from disk: %.3f seconds (%d keys, %d expired skipped; read %.3f s, installed %.3f s)",
                            (System.nanoTime() - started) / 1e9, data.keysLoaded(), data.keysExpired(),
                            (parsed - started) / 1e9, (System.nanoTime() - parsed) / 1e9);
                    done.complete();
                });
        return done.future();
    }

    /** Which transport serves the sockets: epoll where Netty's native library loads (Linux), else NIO. */
    private void logTransport() {
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("Network transport: epoll");
        } else {
            Throwable cause = vertx.unavailableNativeTransportCause();
            LOG.infof("Network transport: NIO%s", cause == null ? "" : " (the native transport is unavailable: " + cause + ")");
        }
    }

    /** (Re)starts the cron at hz ticks a second. */
    private void scheduleCron(ServerConfig config) {
        if (cronTimer >= 0) {
            vertx.cancelTimer(cronTimer);
        }
        long tick = 1000L / Math.max(1, Math.min(500, config.hz()));
        cronTimer = vertx.setPeriodic(tick, id -> {
            server.cron();
            aof.cron();
        });
    }

    private Future<Void> listen(ServerConfig config, String host, boolean optional) {
        String bindHost = "*".equals(host) ? "0.0.0.0" : "::*".equals(host) ? "::" : host;
        NetServerOptions options = new NetServerOptions()
                .setHost(bindHost)
                .setPort(port > 0 ? port : config.port())
                .setTcpNoDelay(true)
                .setTcpKeepAlive(config.tcpKeepalive() > 0)
                .setReuseAddress(true)
                .setAcceptBacklog(config.tcpBacklog());
        int keepalive = config.tcpKeepalive();
        if (keepalive > 0) {
            // as Redis does: first probe after the idle time, then every third of it, 3 probes
            options.setTcpKeepAliveIdleSeconds(keepalive);
            options.setTcpKeepAliveIntervalSeconds(Math.max(1, keepalive / 3));
            options.setTcpKeepAliveCount(3);
        }
        NetServer netServer = vertx.createNetServer(options);
        netServer.connectHandler(this::accept);
        Promise<Void> done = Promise.promise();
        netServer.listen().onComplete(ar -> {
            if (ar.succeeded()) {
                listeners.add(netServer);
                port = ar.result().actualPort();
                server.tcpPort(port);
                done.complete();
            } else if (optional) {
                // typically "-::*" after "*": Linux' dual-stack IPv4 wildcard already covers it
                LOG.debugf("could not bind optional address %s: %s", host, ar.cause().getMessage());
                done.complete();
            } else {
                done.fail(new IllegalStateException("could not bind " + host + ":" + options.getPort() + ": " + ar.cause().getMessage(), ar.cause()));
            }
        });
        return done.future();
    }

    private void accept(NetSocket socket) {
        NetSocketInternal internal = (NetSocketInternal) socket;
        server.stats().connectionsReceived++;
        Connection connection = new Connection(server, internal, pushFlusher, aof);
        ServerConfig config = server.config();
        if (config.protectedMode() && !server.authRequired() && !connection.isLocal()) {
            connection.refuse(DENIED);
            return;
        }
        if (server.clients().count() >= config.maxClients()) {
            server.stats().rejectedConnections++;
            connection.refuse("ERR max number of clients reached");
            return;
        }
        long now = System.currentTimeMillis();
        Client client = server.clients().connect(connection, now, !server.authRequired());
        connection.start(client);
    }


    private void resizeOutput() {
        long now = System.currentTimeMillis();
        for (Client c : server.clients().all()) {
            if (c.transport() instanceof Connection connection) {
                connection.resizeOutput(now);
            }
        }
    }

    /** The data port actually bound (useful with port 0). */
    public int port() {
        return port;
    }

    /** True once the listeners are up and until shutdown. */
    public boolean accepting() {
        return accepting;
    }

    /**
     * Runs {@code task} on the data thread and returns its result; for other threads (health
     * checks, metrics) that need a consistent view. Never call it from the data thread.
     */
    public <T> Future<T> onDataThread(Supplier<T> task) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> {
            try {
                promise.complete(task.get());
            } catch (RuntimeException e) {
                promise.fail(e);
            }
        });
        return promise.future();
    }

    ServerConfig config() {
        return config;
    }

    Server server() {
        return server;
    }

    public int databases() {
        return server.keyspace().count();
    }

    /** Full names of the implemented commands and subcommands (fixed after start-up), in snapshot order. */
    public List<String> commandNames() {
        return server.countedCommandNames();
    }

    /** Loading and persistence state behind the readiness probe; null before start-up. */
    public ReadinessState readiness() {
        Server s = server;
        return s == null ? null : s.readiness();
    }

    /** The run id INFO reports (instance_info's label). */
    public String runId() {
        return server.runId();
    }

    /** The replication id INFO reports as master_replid (instance_info's label). */
    public String replicationId() {
        return server.replicationId();
    }

    /** The replication figures the master side last published (empty before start-up). */
    public kv.repl.MasterSide.Figures replicationFigures() {
        kv.repl.MasterSide m = master;
        return m == null ? kv.repl.MasterSide.Figures.NONE : m.figures();
    }

    /** The data thread's latest statistics snapshot. */
    public StatsSnapshot snapshot() {
        Server s = server;
        return s == null ? StatsSnapshot.EMPTY : s.snapshot();
    }

    private final class VertxLifecycle implements Server.Lifecycle {
        @Override
        public long schedule(long delayMs, Runnable action) {
            return vertx.setTimer(Math.max(1, delayMs), id -> action.run());
        }

        @Override
        public void cancel(long timerId) {
            vertx.cancelTimer(timerId);
        }

        @Override
        public void afterTurn(Runnable task) {
            // the data thread's Netty loop runs queued tasks after the selected channels' reads
            ((ContextInternal) context).nettyEventLoop().execute(task);
        }

        @Override
        public void admitNewConnections() {
            acceptWhileBusy.admitNewConnections();
        }

        @Override
        public void halt(int exitCode) {
            System.err.flush();
            Runtime.getRuntime().halt(exitCode);
        }

        @Override
        public void shutdown(int exitCode) {
            accepting = false;
            if (!EngineLauncher.exitOnceStarted(Engine.this, exitCode)) {
                // let the event loop flush what it has, then stop the application
                vertx.setTimer(10, id -> io.quarkus.runtime.Quarkus.asyncExit(exitCode));
            }
        }
    }

}
