package kv.config;

import java.util.function.Function;

/**
 * A value computed from the configuration (thresholds objects and the like), handed out unchanged
 * until a CONFIG SET (any change that replaces the configuration's values) makes it compute the
 * value again: no allocation and no comparison of settings per call while the configuration stands.
 * Any thread may call {@link #get}.
 */
public final class Derived<T> {
    private record Computed<T>(Object[] from, T value) {
    }

    private final ServerConfig config;
    private final Function<ServerConfig, T> compute;
    private volatile Computed<T> last;

    Derived(ServerConfig config, Function<ServerConfig, T> compute) {
        this.config = config;
        this.compute = compute;
    }

    public T get() {
        Object[] now = config.valuesSnapshot();
        Computed<T> l = last;
        if (l == null || l.from != now) {
            // tagged with the values read before computing: a SET meanwhile makes the next call compute again
            l = new Computed<>(now, compute.apply(config));
            last = l;
        }
        return l.value;
    }
}
