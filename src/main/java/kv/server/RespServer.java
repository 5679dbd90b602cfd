package kv.server;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Inject;

import java.util.List;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import kv.config.ServerConfig;
import kv.observe.ReadinessState;
import kv.observe.StatsSnapshot;
import kv.engine.Server;

/**
 * The engine ({@link Engine}: the data thread, its listeners, the data files) as the beans see it:
 * health checks, metrics and the main method reach it here. It adopts the engine the main method
 * started before Quarkus booted, or starts one on Quarkus' Vert.x (tests, which do not go through
 * the main method).
 */
@ApplicationScoped
public class RespServer {
    private static final Logger LOG = Logger.getLogger(RespServer.class);

    @Inject
    Vertx vertx;

    @Inject
    LaunchConfig launchConfig;

    private volatile Engine engine;

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) throws Exception {
        Engine e = EngineLauncher.early();
        if (e == null) {
            e = EngineLauncher.start(vertx, launchConfig.config());
        }
        engine = e;
        e.awaitStarted();
        if (e == EngineLauncher.early()) {
            try {
                LaunchConfig.checkEarlyProperties();
            } catch (IllegalStateException mismatch) {
                LOG.error(mismatch.getMessage());
                throw mismatch;
            }
        }
        String warning = LaunchConfig.managementWarning();
        if (warning != null) {
            LOG.warn(warning);
        }
        // "ready" is logged by started(), once the management interface is up too: a failed
        // start must not be preceded by a ready line
        LOG.debugf("listening on port %d", e.port());
    }

    /** Everything is up (called by the main method after Quarkus started): record the management port, say ready. */
    void started(int managementPort) {
        engine.started(managementPort);
    }

    void onStop(@Observes ShutdownEvent event) {
        // a start that failed after the main method's engine opened the port stops that engine too
        Engine e = engine != null ? engine : EngineLauncher.early();
        if (e != null) {
            e.stop();
        }
        EngineLauncher.closeEarlyVertx();
    }

    /** The data port actually bound (useful with port 0). */
    public int port() {
        Engine e = engine;
        return e == null ? -1 : e.port();
    }

    /** True once the listeners are up and until shutdown. */
    public boolean accepting() {
        Engine e = engine;
        return e != null && e.accepting();
    }

    /**
     * Runs {@code task} on the data thread and returns its result; for other threads (health
     * checks, metrics) that need a consistent view. Never call it from the data thread.
     */
    public <T> Future<T> onDataThread(Supplier<T> task) {
        return engine.onDataThread(task);
    }

    Server server() {
        return engine.server();
    }

    public int databases() {
        return engine.databases();
    }

    /** Full names of the implemented commands and subcommands (fixed after start-up), in snapshot order. */
    public List<String> commandNames() {
        return engine.commandNames();
    }

    /** Loading and persistence state behind the readiness probe; null before start-up. */
    public ReadinessState readiness() {
        Engine e = engine;
        return e == null ? null : e.readiness();
    }

    /** The run id INFO reports (instance_info's label). */
    public String runId() {
        return engine.runId();
    }

    /** The replication id INFO reports as master_replid (instance_info's label). */
    public String replicationId() {
        return engine.replicationId();
    }

    /** The replication figures the master side last published (empty before start-up). */
    public kv.repl.MasterSide.Figures replicationFigures() {
        Engine e = engine;
        return e == null ? kv.repl.MasterSide.Figures.NONE : e.replicationFigures();
    }

    /** The data thread's latest statistics snapshot. */
    public StatsSnapshot snapshot() {
        Engine e = engine;
        return e == null ? StatsSnapshot.EMPTY : e.snapshot();
    }
}
