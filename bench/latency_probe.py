#!/usr/bin/env python3
"""Low-rate GET/SET latency probe: one connection, one command at a time, RATE commands a second
(SET and GET of one probe key, alternating), until SIGTERM or SIGINT; then prints one line
    samples=N p50_ms=.. p99_ms=.. p99.9_ms=.. max_ms=.. warm_p99.9_ms=..
(warm_: the samples after the first 10 seconds, when a JVM's JIT has compiled the hot path).

Usage: latency_probe.py PORT [RATE] [TRACE]   (RATE defaults to 1000)
TRACE, a file, gets one line per sample, "EPOCH_MS LATENCY_MS" (the send's wall-clock time), to
line the slow samples up with a GC log or a JFR recording.
Latency is measured from the send to the complete reply, on a monotonic clock. The probe runs
as a separate process at a low, fixed rate so it samples the server's stalls (GC pauses, long
commands) without adding load of its own; its own scheduling jitter is in the figures, the same
for every server it measures.
"""
import signal
import socket
import sys
import time


def encode(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


SET = encode(b"SET", b"probe:latency", b"v" * 32)
GET = encode(b"GET", b"probe:latency")
SET_REPLY = b"+OK\r\n"
GET_REPLY = b"$32\r\n" + b"v" * 32 + b"\r\n"


class Stop(Exception):
    pass


def stop(*_):
    raise Stop()


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("server closed the connection")
        data += chunk
    return data


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, int(len(sorted_values) * p / 100.0))
    return sorted_values[index]


def main():
    port = int(sys.argv[1])
    rate = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    interval = 1.0 / rate
    trace = open(sys.argv[3], "w") if len(sys.argv) > 3 else None
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    samples = []
    warm = []
    began = time.monotonic()
    next_send = began
    n = 0
    try:
        while True:
            request, reply = (SET, SET_REPLY) if n % 2 == 0 else (GET, GET_REPLY)
            start = time.monotonic_ns()
            sock.sendall(request)
            got = read_exactly(sock, len(reply))
            latency = (time.monotonic_ns() - start) / 1e6
            samples.append(latency)
            if start / 1e9 - began >= 10:
                warm.append(latency)
            if trace:
                trace.write("%.3f %.3f\n" % (time.time() * 1e3 - latency, latency))
            if got != reply:
                raise RuntimeError("unexpected reply %r" % got)
            n += 1
            next_send += interval
            delay = next_send - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                next_send = time.monotonic()
    except Stop:
        pass
    if trace:
        trace.close()
    samples.sort()
    warm.sort()
    print("samples=%d p50_ms=%.3f p99_ms=%.3f p99.9_ms=%.3f max_ms=%.3f warm_p99.9_ms=%.3f" % (
        len(samples), percentile(samples, 50), percentile(samples, 99), percentile(samples, 99.9),
        samples[-1] if samples else float("nan"), percentile(warm, 99.9)))


if __name__ == "__main__":
    main()
