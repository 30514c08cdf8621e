#!/usr/bin/env python3
"""The cost of one heal request per transport and launch mode: client commands run interleaved,
round-robin, against listeners under one private xinetd, and per request it records the wall time and the
client's CPU (wait4, microseconds) and the listener's CPU: what xinetd's reaped children used (a
per-connection JVM: /proc/XINETD/stat cutime+cstime, 10 ms ticks) plus what its living children used meanwhile
(a resident JVM: /proc/PID/stat utime+stime, which keeps the CPU of its connection threads that have
ended; 10 ms ticks, so a resident's figure is good to a tick).

Spec file, one command per line, fields separated by ' | ': label | stdin-file | command words (shlex).
Prints one table row per command: medians and ranges of wall, client CPU and listener CPU.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def stat_ns(pid, first):
    """Two adjacent CPU fields of /proc/PID/stat, from field number FIRST on (man 5 proc), in ns."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state)
    return (int(fields[first - 3]) + int(fields[first - 2])) * 1_000_000_000 // TICK


def living_cpu_ns(pid):
    total = 0
    for child in children(pid):
        try:
            total += stat_ns(child, 14)  # utime, stime: every thread's, ended ones too
        except FileNotFoundError:
            pass
    return total


def reaped_cpu_ns(pid):
    return stat_ns(pid, 16)  # cutime, cstime: the children xinetd has reaped


def server_ns(xinetd):
    return reaped_cpu_ns(xinetd) + living_cpu_ns(xinetd)


def settle(xinetd, resident):
    """Waits until a per-connection listener has been reaped (a resident one stays)."""
    end = time.monotonic() + 5
    while time.monotonic() < end and len(children(xinetd)) > resident:
        time.sleep(0.005)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("spec")
    parser.add_argument("--xinetd", type=int, required=True)
    parser.add_argument("--resident", type=int, default=0, help="resident listeners that stay (children)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--expect", default="OK ")
    args = parser.parse_args()
    commands = []
    with open(args.spec) as spec:
        for line in spec:
            if line.strip() and not line.startswith("#"):
                label, stdin, words = (part.strip() for part in line.split(" | ", 2))
                commands.append({"label": label, "stdin": stdin, "argv": shlex.split(words),
                                 "wall": [], "client": [], "server": [], "bad": 0, "last": ""})
    for round_no in range(args.warmup + args.runs):
        for i in range(len(commands)):
            c = commands[(round_no + i) % len(commands)]
            settle(args.xinetd, args.resident)
            before = server_ns(args.xinetd)
            with open(c["stdin"], "rb") as stdin:
                start = time.perf_counter()
                proc = subprocess.Popen(c["argv"], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                out = proc.stdout.read()
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - start
            settle(args.xinetd, args.resident)
            server = server_ns(args.xinetd) - before
            if round_no < args.warmup:
                continue
            reply = out.decode("ascii", "replace").strip().splitlines()
            c["last"] = reply[0] if reply else "(none)"
            if not c["last"].startswith(args.expect):
                c["bad"] += 1
            c["wall"].append(wall * 1000)
            c["client"].append((usage.ru_utime + usage.ru_stime) * 1000)
            c["server"].append(server / 1e6)
    width = max(len(c["label"]) for c in commands)
    print("| %-*s | wall ms: median | range | client CPU ms: median | range | listener CPU ms: median | range |"
          " not OK |" % (width, "request"))
    print("|%s|---|---|---|---|---|---|---|" % ("-" * (width + 2)))
    for c in commands:
        def fmt(values):
            return "%.0f | %.0f-%.0f" % (statistics.median(values), min(values), max(values))
        print("| %-*s | %s | %s | %s | %d |" % (width, c["label"], fmt(c["wall"]), fmt(c["client"]),
                                               fmt(c["server"]), c["bad"]))
    for c in commands:
        print("  %-*s last reply: %s" % (width, c["label"], c["last"]))
    print("(%d interleaved runs each after %d unmeasured)" % (args.runs, args.warmup))
    return 1 if any(c["bad"] for c in commands) else 0


if __name__ == "__main__":
    sys.exit(main())
