#!/usr/bin/env python3
"""Measures the round trip of one request line through a TCP service (xinetd and the listener it
starts): connect, send the line, read the reply to the server's close. Services are interleaved,
round-robin; the first is the reference for the ratio column.

usage: roundtrip.py [--runs N] [--warmup N] [--request LINE] LABEL=PORT[@PAUSE]...

PAUSE, in seconds, is waited before each of that service's round trips and not timed: long enough for a
resident listener to pass its idle exit, so that every ping of that row starts it anew.
"""
import argparse
import socket
import statistics
import sys
import time


def once(port, request):
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request.encode() + b"\n")
        reply = b""
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
    return (time.perf_counter() - start) * 1000, reply.decode("utf-8", "replace").strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--request", default="ping")
    parser.add_argument("services", nargs="+")
    args = parser.parse_args()
    services, pauses = [], {}
    for spec in args.services:
        label, target = spec.rsplit("=", 1)
        port, _, pause = target.partition("@")
        services.append((label, int(port)))
        pauses[label] = float(pause or 0)
    samples = {label: [] for label, _ in services}
    replies = {label: {} for label, _ in services}
    for _ in range(args.warmup):
        for label, port in services:
            time.sleep(pauses[label])
            once(port, args.request)
    for round_no in range(args.runs):
        for i in range(len(services)):
            label, port = services[(round_no + i) % len(services)]
            time.sleep(pauses[label])
            ms, reply = once(port, args.request)
            samples[label].append(ms)
            replies[label][reply] = replies[label].get(reply, 0) + 1
    width = max(len(label) for label, _ in services)
    ref = statistics.median(samples[services[0][0]])
    print("%-*s %9s %9s %9s %9s %7s  %s" % (width, "service", "median ms", "min ms", "p90 ms", "max ms",
                                             "x", "replies"))
    bad = False
    for label, _ in services:
        values = sorted(samples[label])
        med = statistics.median(values)
        p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
        print("%-*s %9.1f %9.1f %9.1f %9.1f %7.1f  %s" % (
            width, label, med, values[0], p90, values[-1], med / ref,
            "; ".join("%r x%d" % item for item in replies[label].items())))
        bad = bad or any(not reply.startswith("OK ") for reply in replies[label])
    print("(%d interleaved round trips each, request %r; ratios against %s)"
          % (args.runs, args.request, services[0][0]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
