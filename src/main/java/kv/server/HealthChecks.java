package kv.server;

import kv.observe.ReadinessState;
import kv.observe.StatsSnapshot;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

import kv.server.RespServer;

/**
 * Probes for Kubernetes, served on the management port.
 *
 * <ul>
 * <li>started: the listeners are bound and no data file is loading: a pod loading a big dataset
 * stays in its startup phase, where liveness is not asked;</li>
 * <li>live: the data thread runs a no-op task within 2 s (and, while a data file loads, live
 * without asking: the loader holds the thread);</li>
 * <li>ready: accepting, not loading, persistence writes succeed, and the data thread turned
 * recently (its statistics snapshot, taken every cron tick, is younger than
 * {@link #stallThresholdMs}).</li>
 * </ul>
 */
public final class HealthChecks {
    private static final Duration LOOP_DEADLINE = Duration.ofSeconds(2);
    /** The snapshot is taken hz times a second (1..500): three missed ticks at hz 1, at least 3 s. */
    static final long MIN_STALL_MS = 3000;

    private HealthChecks() {
    }

    /** Live while the data thread answers a no-op task within the deadline. */
    @Liveness
    @ApplicationScoped
    public static class EventLoopResponsive implements AsyncHealthCheck {
        @Inject
        RespServer server;

        @Override
        public Uni<HealthCheckResponse> call() {
            if (!server.accepting()) {
                return Uni.createFrom().item(HealthCheckResponse.up("data-thread"));
            }
            ReadinessState state = server.readiness();
            if (state != null && state.loading()) {
                // the loader holds the data thread; restarting would only start the load again
                return Uni.createFrom().item(HealthCheckResponse.named("data-thread").up().withData("loading", true).build());
            }
            long start = System.nanoTime();
            return Uni.createFrom().completionStage(() -> server.onDataThread(() -> System.nanoTime() - start).toCompletionStage())
                    .ifNoItem().after(LOOP_DEADLINE).fail()
                    .map(nanos -> HealthCheckResponse.named("data-thread").up().withData("response_micros", nanos / 1000).build())
                    .onFailure().recoverWithItem(e -> HealthCheckResponse.named("data-thread").down()
                            .withData("error", "no answer within " + LOOP_DEADLINE.toMillis() + " ms").build());
        }
    }

    /** How long the data thread may go without taking its snapshot before the server is not ready. */
    static long stallThresholdMs(int hz) {
        return Math.max(MIN_STALL_MS, 3000L / Math.max(1, hz));
    }

    /**
     * Ready while the data port accepts commands, no data file is loading, persistence writes
     * succeed ({@link ReadinessState}) and the data thread turns.
     */
    @Readiness
    @ApplicationScoped
    public static class ServingCommands implements AsyncHealthCheck {
        @Inject
        RespServer server;

        @Override
        public Uni<HealthCheckResponse> call() {
            ReadinessState state = server.readiness();
            boolean accepting = server.accepting();
            boolean loading = state != null && state.loading();
            String persistenceError = state == null ? null : state.persistenceError();
            StatsSnapshot snapshot = server.snapshot();
            long idleMs = snapshot.takenAtMs() == 0 ? 0 : Math.max(0, System.currentTimeMillis() - snapshot.takenAtMs());
            boolean turning = idleMs <= stallThresholdMs(snapshot.hz());
            HealthCheckResponseBuilder b = HealthCheckResponse.named("serving-commands")
                    .status(accepting && state != null && state.ready() && turning)
                    .withData("accepting", accepting)
                    .withData("data_thread_idle_ms", idleMs)
                    .withData("port", server.port())
                    .withData("loading", loading)
                    .withData("master_link", state == null || !state.replica() ? "none (master)"
                            : state.masterLinkUp() ? "up" : "down")
                    .withData("persistence", persistenceError == null ? "ok" : "failing: " + persistenceError);
            return Uni.createFrom().item(b.build());
        }
    }

    /** Started once the listeners are bound and the data files are loaded. */
    @Startup
    @ApplicationScoped
    public static class Listening implements AsyncHealthCheck {
        @Inject
        RespServer server;

        @Override
        public Uni<HealthCheckResponse> call() {
            ReadinessState state = server.readiness();
            boolean loading = state != null && state.loading();
            return Uni.createFrom().item(HealthCheckResponse.named("listening").status(server.port() > 0 && !loading)
                    .withData("loading", loading).build());
        }
    }
}
