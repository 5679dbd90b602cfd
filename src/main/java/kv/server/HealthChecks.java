package kv.server;

import kv.observe.ReadinessState;
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

/** Probes for Kubernetes, served on the management port. */
public final class HealthChecks {
    private static final Duration LOOP_DEADLINE = Duration.ofSeconds(2);

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
            long start = System.nanoTime();
            return Uni.createFrom().completionStage(() -> server.onDataThread(() -> System.nanoTime() - start).toCompletionStage())
                    .ifNoItem().after(LOOP_DEADLINE).fail()
                    .map(nanos -> HealthCheckResponse.named("data-thread").up().withData("response_micros", nanos / 1000).build())
                    .onFailure().recoverWithItem(e -> HealthCheckResponse.named("data-thread").down()
                            .withData("error", "no answer within " + LOOP_DEADLINE.toMillis() + " ms").build());
        }
    }

    /**
     * Ready while the data port accepts commands, no data file is loading and persistence writes
     * succeed ({@link ReadinessState}, set by persistence; KV has none yet, so only the first holds).
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
            HealthCheckResponseBuilder b = HealthCheckResponse.named("serving-commands")
                    .status(accepting && state != null && state.ready())
                    .withData("accepting", accepting)
                    .withData("port", server.port())
                    .withData("loading", loading)
                    .withData("persistence", persistenceError == null ? "ok" : "failing: " + persistenceError);
            return Uni.createFrom().item(b.build());
        }
    }

    /** Started once the listeners are bound. */
    @Startup
    @ApplicationScoped
    public static class Listening implements AsyncHealthCheck {
        @Inject
        RespServer server;

        @Override
        public Uni<HealthCheckResponse> call() {
            return Uni.createFrom().item(HealthCheckResponse.named("listening").status(server.port() > 0).build());
        }
    }
}
