/**
 * Configuration: redis.conf directives, redis-server flags and {@code kv.*} properties turned
 * into a {@link kv.config.ServerConfig}, plus CONFIG GET / SET / REWRITE.
 *
 * <p>Start-up: {@code ServerConfig.load(ConfigSource.concat(ConfigSource.fromProperties(props),
 * ConfigSource.fromArgs(args)))}; on {@link kv.config.ConfigException} print its message to
 * stderr and exit with status 1, as redis-server does.
 *
 * <p>Known differences from redis-server 7.0.15, on purpose:
 * <ul>
 *   <li>{@code port} and {@code bind} are immutable at run time for now (Redis 7 can rebind).</li>
 *   <li>{@code daemonize yes}, {@code supervised} other than {@code no}, and a non-empty
 *   {@code unixsocket} are refused at start-up with an explanation rather than ignored.</li>
 *   <li>Memory values that overflow 64 bits are rejected (Redis wraps them silently).</li>
 *   <li>Relative {@code include} paths resolve against the process working directory even
 *   after a {@code dir} directive (Redis has chdir'ed by then).</li>
 *   <li>rename-command targets are not checked here: the command table must check them.</li>
 *   <li>A {@code save} property is replaced (not extended) by save lines from file or flags.</li>
 * </ul>
 */
package kv.config;
