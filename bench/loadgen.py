"""The load generator: a separate process that requests a URL over and over and times it.

    python bench/loadgen.py --port 8000 --path /retos/ --baseline-path /_ping --duration 10

``--concurrency`` threads each keep one http.client connection (reopened whenever the server
closes it: gunicorn's sync workers close after every response) and send one request after the
other, without pause, from the start of the warm-up to the end: the server is never left idle
between phases. What a thread requests next is decided by a schedule of phases:

    warm-up (not counted) -> measured phases -> cool-down (not counted)

Without ``--baseline-path`` there is one measured phase on ``--path``: ``--duration`` seconds,
or until ``--requests`` requests have been sent. With it, the measured time is cut into
``--slices`` slices, each running the target and the baseline for equal times (in the order
B T, T B, B T, ... so that a steady drift in the machine's load cancels out); other work on the
machine then weighs on both alike, and their ratio is the figure to compare. A request counts
for the phase in which it was sent; a phase's time runs from its first request to the next
phase's. The cool-down keeps the server busy while the last phase's requests finish.

It prints one JSON object: for the target (and the baseline) the requests, errors (responses
whose status is not ``--expect``, plus connection failures), rps and latency percentiles in ms;
the ratio of the two rps and the ratio in each slice. Only 127.0.0.1 is ever requested. It uses
only the standard library.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

HOST = "127.0.0.1"
COOLDOWN_S = 0.5


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    bytes: int = 0


@dataclass
class Phase:
    #: "target", "baseline", or "" for the warm-up and the cool-down (not counted).
    kind: str
    path: str
    headers: dict[str, str]
    #: The phase ends after this many seconds, or once this many requests have been sent.
    seconds: float | None = None
    requests: int | None = None
    #: In requests mode, the baseline phase lasts as long as the target phase before it.
    same_time_as_previous: bool = False
    started: float = 0.0
    elapsed: float = 0.0
    sent: int = 0
    tallies: list[Tally] = field(default_factory=list)


class Schedule:
    """Hands out the phase of each next request; phases follow each other back to back."""

    def __init__(self, phases: list[Phase], threads: int):
        self.phases = phases
        for phase in phases:
            phase.tallies = [Tally() for _ in range(threads)]
        self.index = 0
        self.lock = threading.Lock()

    def start(self) -> None:
        self.phases[0].started = time.perf_counter()

    def next(self) -> Phase | None:
        with self.lock:
            now = time.perf_counter()
            while self.index < len(self.phases):
                phase = self.phases[self.index]
                if phase.requests is not None and phase.sent < phase.requests:
                    phase.sent += 1
                    return phase
                if phase.requests is None and now - phase.started < phase.seconds:
                    phase.sent += 1
                    return phase
                phase.elapsed = now - phase.started
                self.index += 1
                if self.index < len(self.phases):
                    following = self.phases[self.index]
                    following.started = now
                    if following.same_time_as_previous:
                        following.seconds = phase.elapsed
            return None


class Client:
    """One connection, reused for as long as the server keeps it open."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def fetch(self, path: str, headers: dict[str, str], tally: Tally) -> None:
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            self.conn.request("GET", path, headers=headers)
            response = self.conn.getresponse()
            body = response.read()  # http.client reopens the connection if the server closed it
        except (OSError, http.client.HTTPException) as exc:
            tally.failures[type(exc).__name__] += 1
            self.close()
            return
        tally.latencies.append(time.perf_counter() - started)
        tally.statuses[response.status] += 1
        tally.bytes += len(body)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run(schedule: Schedule, port: int, concurrency: int, timeout: float) -> None:
    ready = threading.Barrier(concurrency + 1)

    def loop(number: int) -> None:
        client = Client(port, timeout)
        ready.wait()
        try:
            while (phase := schedule.next()) is not None:
                client.fetch(phase.path, phase.headers, phase.tallies[number])
        finally:
            client.close()

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    schedule.start()
    ready.wait()
    for thread in threads:
        thread.join()


def percentile(sorted_values: list[float], q: float) -> float | None:
    """The nearest-rank percentile (q in 0-100) of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return round(sorted_values[rank - 1], 3)


def rate(phase: Phase) -> float:
    """Completed requests per second in one phase."""
    done = sum(len(t.latencies) for t in phase.tallies)
    return done / phase.elapsed if phase.elapsed else 0.0


def summarize(phases: list[Phase], expect: int) -> dict:
    tallies = [t for p in phases for t in p.tallies]
    elapsed = sum(p.elapsed for p in phases)
    ms = sorted(x * 1000 for t in tallies for x in t.latencies)
    statuses = sum((t.statuses for t in tallies), Counter())
    failures = sum((t.failures for t in tallies), Counter())
    completed = len(ms)
    return {
        "path": phases[0].path,
        "requests": completed,
        "errors": completed - statuses[expect] + sum(failures.values()),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "failures": dict(failures),
        "seconds": round(elapsed, 3),
        "rps": round(completed / elapsed, 2) if elapsed else 0.0,
        "latency_ms": {
            "p50": percentile(ms, 50),
            "p90": percentile(ms, 90),
            "p99": percentile(ms, 99),
            "mean": round(sum(ms) / completed, 3) if completed else None,
            "max": percentile(ms, 100),
        },
        "bytes_per_response": round(sum(t.bytes for t in tallies) / completed) if completed else 0,
    }


def plan(args: argparse.Namespace, headers: dict[str, str]) -> list[Phase]:
    base = {"Host": f"{HOST}:{args.port}", "User-Agent": "retos-bench"}
    target = {"kind": "target", "path": args.path, "headers": {**base, **headers}}
    baseline = {"kind": "baseline", "path": args.baseline_path, "headers": base}
    phases = [Phase(**{**target, "kind": ""}, seconds=args.warmup)]
    if not args.baseline_path:
        if args.requests is not None:
            phases.append(Phase(**target, requests=args.requests))
        else:
            phases.append(Phase(**target, seconds=args.duration))
        return [*phases, Phase(**{**target, "kind": ""}, seconds=COOLDOWN_S)]

    phases.append(Phase(**{**baseline, "kind": ""}, seconds=args.warmup))
    slices = max(1, min(args.slices, args.requests or args.slices))
    for i in range(slices):
        if args.requests is not None:  # split over the slices; the baseline runs as long
            share = args.requests // slices + (i < args.requests % slices)
            phases.append(Phase(**target, requests=share))
            phases.append(Phase(**baseline, same_time_as_previous=True))
        else:
            pair = [Phase(**target, seconds=args.duration / slices)]
            pair.insert(i % 2, Phase(**baseline, seconds=args.duration / slices))
            phases += pair
    return [*phases, Phase(**{**baseline, "kind": ""}, seconds=COOLDOWN_S)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--baseline-path", help="measure this path too, interleaved")
    parser.add_argument("--slices", type=int, default=5, help="alternations with the baseline")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds to measure")
    parser.add_argument("--requests", type=int, help="measure exactly N requests instead")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds, not counted")
    parser.add_argument("--expect", type=int, default=200, help="the status of a success")
    parser.add_argument("--header", action="append", default=[], help='"Name: value" (target)')
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()

    headers = dict(h.split(":", 1) for h in args.header)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    phases = plan(args, headers)
    cpu, wall = time.process_time(), time.perf_counter()
    run(Schedule(phases, args.concurrency), args.port, args.concurrency, args.timeout)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall

    targets = [p for p in phases if p.kind == "target"]
    baselines = [p for p in phases if p.kind == "baseline"]
    result = {"target": summarize(targets, args.expect)}
    if baselines:
        result["baseline"] = summarize(baselines, 200)
        base_rps = result["baseline"]["rps"]
        result["ratio"] = round(result["target"]["rps"] / base_rps, 4) if base_rps else None
        result["slice_ratios"] = [
            round(rate(t) / rate(b), 4) for t, b in zip(targets, baselines, strict=True) if rate(b)
        ]
    result.update(concurrency=args.concurrency, warmup_s=args.warmup, slices=len(targets))
    # The share of one CPU this process used: on a small machine it competes with the server.
    result["client_cpu"] = round(cpu / wall, 3) if wall else None
    print(json.dumps(result))


if __name__ == "__main__":
    main()
