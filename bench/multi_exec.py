#!/usr/bin/env python3
"""MULTI + 10 SETs + EXEC, pipelined over several connections; prints transactions per second.

Usage: multi_exec.py HOST PORT CONNECTIONS TRANSACTIONS [DEPTH]
Every connection keeps DEPTH transactions in flight (default 16). The replies of one
transaction have a fixed size (+OK, 10 x +QUEUED, *10 and 10 x +OK), so the driver only counts
bytes: its own cost stays small next to the server's, and the same driver runs against both
servers, so the ratio is what counts.
"""
import asyncio
import sys
import time


def encode(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


REPLY = b"+OK\r\n" + b"+QUEUED\r\n" * 10 + b"*10\r\n" + b"+OK\r\n" * 10


def transaction(conn, n):
    body = b"".join(encode("SET", "tx:%d:%d:%d" % (conn, n % 10000, i), "xxx") for i in range(10))
    return encode("MULTI") + body + encode("EXEC")


async def run(host, port, conn, count, depth):
    reader, writer = await asyncio.open_connection(host, port)
    batch = b"".join(transaction(conn, i) for i in range(depth))
    done = 0
    while done < count:
        k = min(depth, count - done)
        writer.write(batch if k == depth else b"".join(transaction(conn, i) for i in range(k)))
        await writer.drain()
        data = await reader.readexactly(len(REPLY) * k)
        if data != REPLY * k:
            raise SystemExit("unexpected reply: %r" % data[:200])
        done += k
    writer.close()


async def main():
    host, port, conns, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    depth = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    per = total // conns
    start = time.perf_counter()
    await asyncio.gather(*(run(host, port, c, per, depth) for c in range(conns)))
    print("%.0f" % (per * conns / (time.perf_counter() - start)))


asyncio.run(main())
