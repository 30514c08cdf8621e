#!/usr/bin/env python3
"""Runs commands interleaved, round-robin, and reports per command the median wall time, CPU time
(user+sys) and peak RSS. Wall and CPU come from wait4() on the command itself (microseconds), not from
/usr/bin/time, whose 10 ms resolution cannot tell a 3 ms C plugin from a 9 ms one. Peak RSS comes from
separate runs under /usr/bin/time -f %M: a child forked from Python starts with Python's ~15 MiB mapped,
and Linux counts that in the child's ru_maxrss, whereas /usr/bin/time is a small C parent.

Spec file, one command per line, fields separated by ' | ':
    label | stdin-file-or-'-' | command words (shlex) with optional leading NAME=value env words
The first command is the reference for the ratio columns. Raw samples go to --raw as TSV.
A leading word +cpu-of:PID (before the env words) is for a client whose work a resident process does (the
check service): the CPU time that process's threads spend during each run, read from their
/proc/PID/task/*/schedstat in nanoseconds, is added to the run's CPU and shown in the "server ms" column.
"""
import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

PERF_TIME = re.compile(r"(?:^|[\s|'])'?time'?=([0-9.]+)(m?s)")


def threads_cpu_ns(pid):
    """CPU time in ns that process PID's living threads have had (schedstat's first field)."""
    total = 0
    task_dir = "/proc/%d/task" % pid
    for tid in os.listdir(task_dir):
        try:
            with open("%s/%s/schedstat" % (task_dir, tid)) as stat:
                total += int(stat.read().split()[0])
        except FileNotFoundError:
            pass  # a thread that ended while we looked
    return total


class Command:
    def __init__(self, label, stdin, words):
        env = dict(os.environ)
        self.server = None
        if words and words[0].startswith("+cpu-of:"):
            self.server = int(words.pop(0)[len("+cpu-of:"):])
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            name, value = words.pop(0).split("=", 1)
            env[name] = value
        self.label, self.stdin, self.argv, self.env = label, stdin, words, env
        self.wall, self.cpu, self.user, self.sys, self.rss, self.perf_time = [], [], [], [], [], []
        self.server_cpu = []
        self.exits = {}
        self.first_line = None
        self.stderr_runs = 0

    def run_for_rss(self, scratch):
        stdin = open(self.stdin, "rb") if self.stdin != "-" else subprocess.DEVNULL
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", scratch] + self.argv, env=self.env,
                       stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if stdin is not subprocess.DEVNULL:
            stdin.close()
        with open(scratch) as result:
            self.rss.append(int(result.read().split()[-1]) / 1024)

    def run_once(self, record):
        stdin = open(self.stdin, "rb") if self.stdin != "-" else subprocess.DEVNULL
        read_fd, write_fd = os.pipe()
        server_before = threads_cpu_ns(self.server) if self.server else 0
        start = time.perf_counter()
        err_read, err_write = os.pipe()
        proc = subprocess.Popen(self.argv, env=self.env, stdin=stdin, stdout=write_fd,
                                stderr=err_write, close_fds=True)
        os.close(write_fd)
        os.close(err_write)
        out, err = drain(read_fd), drain(err_read)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        server_ms = (threads_cpu_ns(self.server) - server_before) / 1e6 if self.server else 0.0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if stdin is not subprocess.DEVNULL:
            stdin.close()
        if not record:
            return
        self.wall.append(wall * 1000)
        self.user.append(usage.ru_utime * 1000)
        self.sys.append(usage.ru_stime * 1000)
        self.cpu.append((usage.ru_utime + usage.ru_stime) * 1000 + server_ms)
        if self.server:
            self.server_cpu.append(server_ms)
        self.exits[proc.returncode] = self.exits.get(proc.returncode, 0) + 1
        if err:
            self.stderr_runs += 1
            self.last_stderr = err.decode("utf-8", "replace").strip()
        text = out.decode("utf-8", "replace")
        if self.first_line is None:
            self.first_line = text.splitlines()[0] if text else "(no output)"
        match = PERF_TIME.search(text.splitlines()[0] if text else "")
        if match:
            value = float(match.group(1))
            self.perf_time.append(value if match.group(2) == "ms" else value * 1000)


def drain(fd):
    """Reads a pipe to its end and closes it (outputs here are one line, far below the pipe buffer)."""
    data = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            os.close(fd)
            return data
        data += chunk


def read_spec(path):
    commands = []
    with open(path) as spec:
        for line in spec:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            label, stdin, words = (part.strip() for part in line.split(" | ", 2))
            commands.append(Command(label, stdin, shlex.split(words)))
    return commands


def median(values):
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("spec")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rss-runs", type=int, default=5, help="extra runs under /usr/bin/time for peak RSS")
    parser.add_argument("--raw", help="write every sample to this TSV file")
    parser.add_argument("--title", default="")
    args = parser.parse_args()
    commands = read_spec(args.spec)
    for _ in range(args.warmup):
        for command in commands:
            command.run_once(record=False)
    # Round-robin, starting one further each round, so that load drift and ordering hit all alike.
    for round_no in range(args.runs):
        for i in range(len(commands)):
            command = commands[(round_no + i) % len(commands)]
            command.run_once(record=True)
            if round_no < args.rss_runs:
                command.run_for_rss(args.spec + ".rss")
    report(commands, args.title)
    if args.raw:
        with open(args.raw, "w") as raw:
            raw.write("label\trun\twall_ms\tuser_ms\tsys_ms\tcpu_ms\n")
            for c in commands:
                for i, sample in enumerate(zip(c.wall, c.user, c.sys, c.cpu)):
                    raw.write(c.label + "\t" + str(i) + "\t" + "\t".join("%.3f" % v for v in sample) + "\n")
    failed = [c.label for c in commands if set(c.exits) - {0} or c.stderr_runs]
    return 1 if failed else 0


def report(commands, title):
    ref = commands[0]
    ref_wall, ref_cpu = median(ref.wall), median(ref.cpu)
    width = max(len(c.label) for c in commands)
    if title:
        print(title)
    servers = any(c.server for c in commands)
    server_head = " %9s" % "server ms" if servers else ""
    print("%-*s %9s %9s %9s %9s%s %9s %7s %7s %10s %9s  %s" % (
        width, "command", "wall ms", "cpu ms", "user ms", "sys ms", server_head, "rss MiB",
        "wall x", "cpu x", "time= ms", "min wall", "exit codes"))
    for c in commands:
        perf = "%.2f" % median(c.perf_time) if c.perf_time else "-"
        exits = ",".join("%d:%d" % item for item in sorted(c.exits.items()))
        server = (" %9.1f" % median(c.server_cpu) if c.server else " %9s" % "-") if servers else ""
        print("%-*s %9.1f %9.1f %9.1f %9.1f%s %9.1f %7.1f %7.1f %10s %9.1f  %s" % (
            width, c.label, median(c.wall), median(c.cpu), median(c.user), median(c.sys), server,
            median(c.rss), median(c.wall) / ref_wall, median(c.cpu) / ref_cpu, perf, min(c.wall), exits))
    print("(medians of %d interleaved runs each, peak RSS of %d more under /usr/bin/time; ratios against %s)"
          % (len(ref.wall), len(ref.rss), ref.label))
    if servers:
        print("(server ms: the CPU the resident process spent during each run, included in cpu ms; its own RSS"
              " is not in rss MiB)")
    for c in commands:
        print("  %-*s first line: %s" % (width, c.label, c.first_line))
        if c.stderr_runs:
            print("  %-*s STDERR in %d runs, last: %s" % (width, c.label, c.stderr_runs, c.last_stderr))


if __name__ == "__main__":
    sys.exit(main())
