#!/usr/bin/env python3
"""What a running JVM's resident memory is made of: /proc/PID/smaps attributed to the JVM's own
memory regions (Native Memory Tracking's virtual memory map) and to files.

Usage: rss_breakdown.py PID [JCMD]
The JVM must run with -XX:NativeMemoryTracking=detail for its regions to be named (JCMD, default
`jcmd` on the PATH, asks it for `VM.native_memory detail`); without it only files, the glibc heap
and anonymous memory are told apart. Prints one line per part, resident (Rss) and proportional
(Pss) KiB, largest first, then the totals of smaps_rollup, the process's threads by name and, with
NMT, its summary of committed memory per category.

Parts: "jvm: <NMT category>" (Java Heap, Code, Class/Metaspace, GC, Thread Stack, ...), "file:
<name>" (the CDS/AOT archive, libjvm.so, jars, ...), "malloc: [heap]" (glibc's main arena),
"malloc/other anon" (the other arenas, large mmap'd malloc chunks such as Netty's direct
memory, and anything else anonymous that NMT does not list), "[stack]" and the like.
"""
import collections
import os
import re
import subprocess
import sys

REGION = re.compile(r"^\[0x([0-9a-f]+) - 0x([0-9a-f]+)\] reserved (?:and committed )?\d+KB for (.+?) from")
MAPPING = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$")


def nmt(pid, jcmd, what):
    try:
        out = subprocess.run([jcmd, str(pid), "VM.native_memory", what], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = out.stdout
    return text if "Native Memory Tracking" in text and "not enabled" not in text else None


def nmt_regions(detail):
    regions = []
    for line in (detail or "").splitlines():
        m = REGION.match(line.strip())
        if m:
            regions.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()))
    regions.sort()
    return regions


def mappings(pid):
    """(start, end, name, {field: kB}) of every mapping in /proc/PID/smaps."""
    result, current = [], None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            m = MAPPING.match(line)
            if m:
                current = (int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip(), {})
                result.append(current)
            elif current is not None and line.endswith(" kB\n"):
                key, value = line.split(":", 1)
                current[3][key] = int(value.split()[0])
    return result


def part_of(start, end, name, regions):
    """The part a mapping belongs to: the NMT region covering most of it, else its file or kind."""
    best, overlap = None, 0
    for r_start, r_end, category in regions:
        if r_start >= end:
            break
        o = min(end, r_end) - max(start, r_start)
        if o > overlap:
            best, overlap = category, o
    if best is not None:
        return "jvm: " + best
    if name == "[heap]":
        return "malloc: [heap] (main arena)"
    if name.startswith("["):
        return name
    if name:
        base = os.path.basename(name)
        if base.endswith(".jar"):
            return "file: *.jar"
        return "file: " + base
    return "malloc/other anon (arenas, mmap'd chunks, direct buffers)"


def threads(pid):
    names = collections.Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                names[re.sub(r"[0-9]+$", "#", f.read().strip())] += 1
        except OSError:
            pass
    return names


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    pid = int(sys.argv[1])
    jcmd = sys.argv[2] if len(sys.argv) > 2 else "jcmd"
    detail = nmt(pid, jcmd, "detail")
    regions = nmt_regions(detail)
    parts = collections.defaultdict(lambda: [0, 0, 0, 0])
    for start, end, name, fields in mappings(pid):
        p = parts[part_of(start, end, name, regions)]
        p[0] += fields.get("Rss", 0)
        p[1] += fields.get("Pss", 0)
        p[2] += fields.get("AnonHugePages", 0)
        p[3] += (end - start) // 1024
    print(f"{'part':<62} {'Rss KiB':>9} {'Pss KiB':>9} {'THP KiB':>9} {'mapped KiB':>11}")
    for name, (rss, pss, thp, size) in sorted(parts.items(), key=lambda kv: -kv[1][0]):
        if rss:
            print(f"{name[:62]:<62} {rss:>9} {pss:>9} {thp:>9} {size:>11}")
    with open(f"/proc/{pid}/smaps_rollup") as f:
        rollup = {line.split(":")[0]: line.split()[1] for line in f if line.endswith(" kB\n")}
    print("smaps_rollup: " + ", ".join(f"{k} {rollup[k]}" for k in
                                       ("Rss", "Pss", "Pss_Anon", "Pss_File", "AnonHugePages") if k in rollup))
    names = threads(pid)
    print(f"threads: {sum(names.values())}: " + ", ".join(f"{n} x{c}" for n, c in sorted(names.items())))
    summary = nmt(pid, jcmd, "summary")
    if summary:
        for line in summary.splitlines():
            m = re.match(r"^-\s+(.+?) \(reserved=(\d+)KB, committed=(\d+)KB", line.strip())
            if m:
                print(f"nmt committed: {m.group(1)} {m.group(3)} KiB")
            elif line.strip().startswith("Total:"):
                print("nmt " + line.strip())


if __name__ == "__main__":
    main()
