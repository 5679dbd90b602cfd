#!/usr/bin/env python3
"""Low-rate GET/SET latency probe: one connection, one command at a time, RATE commands a second
(SET and GET of one probe key, alternating), until SIGTERM or SIGINT; then prints one line
    samples=N p50_ms=.. p99_ms=.. p99.9_ms=.. max_ms=..

Usage: latency_probe.py PORT [RATE]   (RATE defaults to 1000)
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
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    samples = []
    next_send = time.monotonic()
    n = 0
    try:
        while True:
            request, reply = (SET, SET_REPLY) if n % 2 == 0 else (GET, GET_REPLY)
            start = time.monotonic_ns()
            sock.sendall(request)
            got = read_exactly(sock, len(reply))
            samples.append((time.monotonic_ns() - start) / 1e6)
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
    samples.sort()
    print("samples=%d p50_ms=%.3f p99_ms=%.3f p99.9_ms=%.3f max_ms=%.3f" % (
        len(samples), percentile(samples, 50), percentile(samples, 99), percentile(samples, 99.9),
        samples[-1] if samples else float("nan")))


if __name__ == "__main__":
    main()
