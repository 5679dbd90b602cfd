package kv.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.quarkus.micrometer.runtime.binder.JVMInfoBinder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM and process meters ({@code jvm_*}, {@code process_*}, {@code system_*}): the binders
 * Quarkus' {@code quarkus.micrometer.binder.jvm/system} would register, bound here once the data
 * port listens instead of by Quarkus before it (they were a sixth of the start-up CPU time before
 * the first PONG). Both switches are off in application.properties so that nothing is bound twice.
 */
@ApplicationScoped
public class JvmMeters {
    @Inject
    MeterRegistry registry;

    private final List<AutoCloseable> open = new ArrayList<>();

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) StartupEvent event) {
        JvmGcMetrics gc = new JvmGcMetrics();
        JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
        open.add(gc);
        open.add(heapPressure);
        for (MeterBinder binder : List.of(new ClassLoaderMetrics(), heapPressure, new JvmMemoryMetrics(),
                new JvmThreadMetrics(), new JVMInfoBinder(), gc, new UptimeMetrics(), new ProcessorMetrics(),
                new FileDescriptorMetrics())) {
            binder.bindTo(registry);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // shutting down: nothing left to do with a binder that cannot stop its listener
            }
        }
        open.clear();
    }
}
