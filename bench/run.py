"""``make bench``: serve Retos with gunicorn on PostgreSQL and measure its pages under load.

For each data size (100, then 2,000 public challenges) it tops the dedicated database up with
bench/generate.py, starts gunicorn, and runs every registered scenario (bench/scenarios/) with
the load generator (bench/loadgen.py, a separate process). It prints a table of requests per
second, p50/p99 latency, errors and each page's throughput relative to the trivial view in the
same run, and writes the figures to bench/results/<timestamp>.json. See bench/README.md.

Then the deadline rush (bench/rush_data.py, bench/rush.py): N companies (200) with complete
drafts submit over the challenge's final minute, a burst at the end and a few after the
deadline; it reports accepted, lost, late accepted, refused, throughput and latency.

    python bench/run.py [--quick] [--requests N] [--concurrency C] [--sizes 100,2000] ...
    python bench/run.py --only rush --rush-companies 500 --rush-window 90

Last, the open-data benchmark (bench/ocds.py): /ocds/releases.json over 10,000 generated
challenges, streamed by the view and serialized in memory: time and peak memory of each.

    python bench/run.py --only ocds --ocds-challenges 10000
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.scenarios import BASELINE, Context, Scenario, load_all  # noqa: E402

RESULTS = REPO / "bench" / "results"
PYTHON = sys.executable


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark Retos under gunicorn + PostgreSQL (see bench/README.md)."
    )
    parser.add_argument(
        "--sizes", default="100,2000", help="public challenges per round, ascending [100,2000]"
    )
    parser.add_argument("--duration", type=float, help="seconds per target [10; quick: 3]")
    parser.add_argument("--requests", type=int, help="measure exactly N requests per target")
    parser.add_argument("--warmup", type=float, help="seconds per target [2; quick: 1]")
    parser.add_argument("--concurrency", type=int, default=4, help="client connections [4]")
    parser.add_argument(
        "--slices", type=int, default=5, help="alternations of each page with the baseline [5]"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 3 s per target, 1 s warm-up"
    )
    parser.add_argument("--only", default="", help="comma-separated scenarios (ping is kept)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers [2]")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class [sync]")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker [1]")
    parser.add_argument(
        "--admin-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL database to connect to while (re)creating the benchmark one",
    )
    parser.add_argument("--db", default="retos_bench", help="the benchmark database [retos_bench]")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port [a free one]")
    parser.add_argument(
        "--rush-companies", type=int, help="deadline rush: companies submitting [200; quick: 50]"
    )
    parser.add_argument(
        "--rush-window", type=float, help="deadline rush: the final seconds [60; quick: 20]"
    )
    parser.add_argument(
        "--rush-late", type=float, default=0.05, help="deadline rush: share sent late [0.05]"
    )
    parser.add_argument(
        "--ocds-challenges", type=int, default=10_000, help="open data: challenges [10000]"
    )
    args = parser.parse_args(argv)
    quick = {"duration": 3.0, "warmup": 1.0} if args.quick else {"duration": 10.0, "warmup": 2.0}
    if args.quick:
        quick.update(rush_companies=50, rush_window=20.0)
    else:
        quick.update(rush_companies=200, rush_window=60.0)
    for name, value in quick.items():  # an explicit --duration or --warmup wins over --quick
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    args.only = {s.strip() for s in args.only.split(",") if s.strip()}
    return args


def say(message: str) -> None:
    print(message, flush=True)


# --- The database -------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(admin_url: str, name: str) -> str:
    """Drop and create the benchmark database; return PostgreSQL's version string."""
    import psycopg
    from psycopg import sql

    if not name.replace("_", "").isalnum() or "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database name has 'bench'")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        ident = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
        return conn.execute("SHOW server_version").fetchone()[0]


def django_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "retos.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
        # The rush's sealed attachments: next to the results, not in the project's media/.
        "MEDIA_ROOT": str(RESULTS / "media"),
    }


def run_json(args: list[str], env: dict[str, str], timeout: float | None = None) -> dict:
    """Run a helper (generate.py, loadgen.py); return the JSON object on its last line."""
    proc = subprocess.run(
        [PYTHON, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Gunicorn:
    """gunicorn serving retos.wsgi in its own session; ``stop`` ends it and its workers."""

    def __init__(self, args: argparse.Namespace, env: dict[str, str], log: Path):
        self.args, self.env, self.log = args, env, log
        self.port = args.port or free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "retos.wsgi",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.args.workers}",
            f"--worker-class={self.args.worker_class}",
            f"--threads={self.args.threads}",
            "--log-level=warning",
            "--error-logfile=-",
        ]
        with self.log.open("a") as log:
            log.write(f"\n$ {' '.join(command)}\n")
            log.flush()
            self.proc = subprocess.Popen(
                command,
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us, and we stop it in order
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            with contextlib.suppress(OSError):
                if get(self.port, "/_ping")[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /_ping within 30 s; see {self.log}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only gunicorn
            self.proc.wait()


# --- One round ----------------------------------------------------------------------------------


def measure(
    scenario: Scenario,
    ctx: Context,
    args: argparse.Namespace,
    port: int,
    path: str,
    baseline_path: str | None,
) -> dict:
    """Run the load generator on ``path`` (interleaved with ``baseline_path`` if given)."""
    command = [
        "bench/loadgen.py",
        f"--port={port}",
        f"--path={path}",
        f"--concurrency={args.concurrency}",
        f"--warmup={args.warmup}",
        f"--expect={scenario.expect_status}",
    ]
    if baseline_path:
        command += [f"--baseline-path={baseline_path}", f"--slices={args.slices}"]
    if args.requests:
        command.append(f"--requests={args.requests}")
    else:
        command.append(f"--duration={args.duration}")
    for name, value in (scenario.headers(ctx) if scenario.headers else {}).items():
        command.append(f"--header={name}: {value}")
    out = run_json(command, ctx.env, timeout=900)
    result = {
        **out["target"],
        "name": scenario.name,
        "description": scenario.description,
        "client_cpu": out["client_cpu"],
    }
    if baseline_path:
        result.update(
            baseline=out["baseline"],
            ratio_to_baseline=out["ratio"],
            slice_ratios=out["slice_ratios"],
        )
    else:
        result.update(ratio_to_baseline=1.0)
    return result


def run_round(
    size: int, scenarios: list[Scenario], args: argparse.Namespace, env: dict, log: Path
) -> dict:
    """Measure every scenario at one data size.

    The baseline (the trivial view) is measured alone first, for its own row. Every other page
    is then measured interleaved with the baseline (see bench/loadgen.py), and compared with
    the baseline runs of its own slices: other work on the machine weighs on both alike, so the
    ratio stays comparable between runs and commits.
    """
    say(f"\n== {size:,} public challenges ==")
    data = run_json(["bench/generate.py", f"--challenges={size}"], env)
    say(
        f"   data: {data['public_challenges']:,} public + {data['non_public_challenges']:,} "
        f"non-public challenges, {data['bodies']} bodies, {data['criteria']:,} criteria "
        f"(+{data['created']:,} rows in {data['seconds']} s)"
    )
    ctx = Context(size=size, data=data, env=env)
    for s in scenarios:
        if s.setup:
            s.setup(ctx)
    server = Gunicorn(args, env, log)
    results: list[dict] = []
    try:
        server.start()
        paths = {s.name: s.path(ctx) for s in scenarios}
        for s in scenarios:  # one request each: fail early on a wrong path rather than measure it
            status, body = get(server.port, paths[s.name], s.headers(ctx) if s.headers else None)
            if status != s.expect_status:
                raise RuntimeError(
                    f"{s.name}: GET {paths[s.name]} answered {status}, not {s.expect_status}:\n"
                    f"{body[:500].decode(errors='replace')}"
                )
        for s in scenarios:
            against = None if s.name == BASELINE else paths[BASELINE]
            r = measure(s, ctx, args, server.port, paths[s.name], against)
            results.append(r)
            lat = r["latency_ms"]
            line = (
                f"   {s.name:<10} {paths[s.name]:<28} {r['rps']:>9.1f} rps  "
                f"p50 {lat['p50']:.1f} ms  p99 {lat['p99']:.1f} ms  errors {r['errors']}"
            )
            if against:
                line += f"  ({BASELINE} alongside: {r['baseline']['rps']:.1f} rps)"
            say(f"{line}  client CPU {r['client_cpu']:.0%}")
    finally:
        server.stop()
    return {"size": size, "data": data, "results": results}


# --- The deadline rush ----------------------------------------------------------------------------

RUSH = "rush"
OCDS = "ocds"  # the open-data benchmark, bench/ocds.py


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def rush_figures(fired: dict, received: dict) -> dict:
    """Compare what the clients were told with what the server stored."""
    deadline = received["deadline"]
    results = fired["results"]
    versions = received["versions"]
    stored = {v["folio"] for v in versions}
    told = {r["folio"] for r in results if r.get("folio")}
    per_proposal: dict[str, int] = {}
    for v in versions:
        per_proposal[v["proposal"]] = per_proposal.get(v["proposal"], 0) + 1
    before = [r for r in results if r["sent"] < deadline]
    after = [r for r in results if r["sent"] >= deadline]
    failed_before = [
        r
        for r in before
        if not r.get("folio") and not r.get("refused_deadline")  # an error, or another refusal
    ]
    queued = [r for r in before if r.get("refused_deadline")]
    times = sorted(v["received_at"] for v in versions)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    last_10 = [t for t in times if deadline - 10 <= t < deadline]
    # The busiest second: receipts in any one-second window (the server's pace under the burst).
    peak = max((sum(1 for u in times[i:] if u < t + 1) for i, t in enumerate(times)), default=0)
    latencies = [(r["done"] - r["sent"]) * 1000 for r in results if r["status"] is not None]
    accepted_latencies = [(r["done"] - r["sent"]) * 1000 for r in results if r.get("folio")]
    return {
        "clients": len(results),
        "sent_before_deadline": len(before),
        "sent_after_deadline": len(after),
        "accepted": len(versions),
        "acknowledged": len(told),
        "lost": len(told - stored) + len(failed_before),
        "lost_acknowledged_without_version": len(told - stored),
        "lost_failed_before_deadline": len(failed_before),
        "failures": [
            {k: r.get(k) for k in ("proposal", "sent", "status", "error")} for r in failed_before
        ],
        "stored_without_acknowledgement": len(stored - told),
        "duplicates": sum(n - 1 for n in per_proposal.values() if n > 1),
        "late_accepted": sum(1 for t in times if t >= deadline),
        "refused_after_deadline": sum(1 for r in after if r.get("refused_deadline")),
        "refused_sent_before_received_after": len(queued),
        # How long before the deadline the earliest of those was sent.
        "refused_sent_before_max_ms": round(max((deadline - r["sent"]) * 1000 for r in queued), 1)
        if queued
        else None,
        "accepted_after_deadline_sent": sum(1 for r in after if r.get("folio")),
        "throughput_rps": round(len(times) / span, 1) if span else None,
        "last_10_s_rps": round(len(last_10) / 10, 1),
        "peak_1_s": peak,
        "first_to_last_receipt_s": round(span, 2),
        "last_receipt_before_deadline_ms": round((deadline - times[-1]) * 1000, 1)
        if times
        else None,
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 1),
            "p99": round(percentile(latencies, 0.99), 1),
            "max": round(max(latencies, default=0.0), 1),
        },
        "accepted_latency_ms": {
            "p50": round(percentile(accepted_latencies, 0.50), 1),
            "p99": round(percentile(accepted_latencies, 0.99), 1),
        },
    }


def run_rush(args: argparse.Namespace, env: dict, log: Path, stamp: str) -> dict:
    """Prepare N companies with complete drafts, open their forms, set the deadline a window
    ahead, let every client submit around it, and compare the answers with the stored rows."""
    companies, window = args.rush_companies, args.rush_window
    say(f"\n== deadline rush: {companies} companies, final {window:g} s ==")
    clients_file = RESULTS / f"{stamp}.rush-clients.json"
    forms_file = RESULTS / f"{stamp}.rush-forms.json"
    setup = run_json(
        ["bench/rush_data.py", "prepare", f"--companies={companies}", f"--out={clients_file}"],
        env,
    )
    say(f"   setup: {companies} companies with complete drafts in {setup['seconds']} s")
    server = Gunicorn(args, env, log)
    try:
        server.start()
        ready = run_json(
            [
                "bench/rush.py",
                "prepare",
                f"--port={server.port}",
                f"--clients={clients_file}",
                f"--out={forms_file}",
            ],
            env,
            timeout=900,
        )
        say(f"   {ready['forms']} clients opened their review page in {ready['seconds']} s")
        start = time.time() + 3.0  # the clients start; the deadline is a window later
        deadline = start + window
        run_json(
            ["bench/rush_data.py", "deadline", f"--slug={setup['slug']}", f"--at={deadline}"], env
        )
        say(f"   deadline set {window:g} s after the clients start; submitting …")
        fired = run_json(
            [
                "bench/rush.py",
                "fire",
                f"--port={server.port}",
                f"--forms={forms_file}",
                f"--deadline={deadline}",
                f"--window={window}",
                f"--late={args.rush_late}",
                f"--marker={setup['deadline_marker']}",
            ],
            env,
            timeout=window + 900,
        )
    finally:
        server.stop()
    received = run_json(["bench/rush_data.py", "report", f"--slug={setup['slug']}"], env)
    figures = rush_figures(fired, received)
    (RESULTS / f"{stamp}.rush-results.json").write_text(json.dumps(fired))
    return {"companies": companies, "window_s": window, "slug": setup["slug"], **figures}


def rush_lines(rush: dict) -> list[str]:
    lat, acc = rush["latency_ms"], rush["accepted_latency_ms"]
    return [
        f"Deadline rush: {rush['clients']} companies submitting in the final "
        f"{rush['window_s']:g} s ({rush['sent_before_deadline']} sent before the deadline, "
        f"{rush['sent_after_deadline']} after)",
        f"  accepted (versions stored)           {rush['accepted']:>6}",
        f"  lost                                 {rush['lost']:>6}   (must be 0: acknowledged "
        f"without a version {rush['lost_acknowledged_without_version']}, failed before the "
        f"deadline {rush['lost_failed_before_deadline']})",
        f"  late accepted                        {rush['late_accepted']:>6}   (must be 0)",
        f"  duplicates                           {rush['duplicates']:>6}   (must be 0)",
        f"  refused after the deadline           {rush['refused_after_deadline']:>6}",
        f"  sent before, received after: refused "
        f"{rush['refused_sent_before_received_after']:>6}   (the server's time of receipt counts"
        + (
            f"; sent at most {rush['refused_sent_before_max_ms']} ms before the deadline)"
            if rush["refused_sent_before_max_ms"] is not None
            else ")"
        ),
        f"  stored, client saw no answer         {rush['stored_without_acknowledgement']:>6}",
        f"  throughput                           {rush['throughput_rps'] or 0:>6} submissions/s "
        f"over {rush['first_to_last_receipt_s']} s; last 10 s: {rush['last_10_s_rps']}/s; "
        f"busiest second: {rush['peak_1_s']}",
        f"  latency (every POST)                 p50 {lat['p50']} ms  p99 {lat['p99']} ms  "
        f"max {lat['max']} ms",
        f"  latency (accepted)                   p50 {acc['p50']} ms  p99 {acc['p99']} ms",
    ]


def rush_failed(rush: dict) -> bool:
    return bool(rush["lost"] or rush["late_accepted"] or rush["duplicates"])


# --- Reporting ----------------------------------------------------------------------------------


def table(rounds: list[dict], meta: dict) -> str:
    header = (
        f"{'challenges':>10}  {'target':<8} {'path':<26} {'requests':>8} {'rps':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {BASELINE + ' rps':>9}  "
        f"{'rps vs ' + BASELINE:<19} {'per slice':<11}"
    ).rstrip()
    lines = [
        f"Retos benchmark {meta['started']}  ({meta['git']})",
        f"gunicorn {meta['gunicorn']}, concurrency {meta['concurrency']}, {meta['measure']} "
        f"per target after {meta['warmup_s']:g} s warm-up; PostgreSQL {meta['postgresql']}; "
        f"{meta['cpus']} CPUs",
        "",
        header,
        "-" * len(header),
    ]
    for rnd in rounds:
        for r in rnd["results"]:
            lat = r["latency_ms"]
            if r["name"] == BASELINE:
                base_rps, ratio, spread = r["rps"], "1.000", ""
            else:
                base_rps = r["baseline"]["rps"]
                ratio = f"{r['name']}/{BASELINE} = {r['ratio_to_baseline']:.3f}"
                slices = r["slice_ratios"]
                spread = f"{min(slices):.3f}-{max(slices):.3f}" if slices else ""
            lines.append(
                f"{rnd['size']:>10,}  {r['name']:<8} {r['path']:<26} {r['requests']:>8} "
                f"{r['rps']:>8.1f} {lat['p50']:>8.2f} {lat['p99']:>8.2f} {r['errors']:>6} "
                f"{base_rps:>9.1f}  {ratio:<19} {spread}".rstrip()
            )
        lines.append("")
    lines += [
        f"{BASELINE} rps: the trivial view, measured alone on its own row, and on a page's row "
        f"interleaved with that page ({meta['slices']} slices each).",
        f"rps vs {BASELINE}: the page's rps / the {BASELINE} rps of its row. per slice: the lowest "
        "and highest ratio of its slices; a wide range means a busy machine and noisy figures.",
    ]
    return "\n".join(lines)


def describe_environment(args: argparse.Namespace, pg_version: str) -> dict:
    import django
    import gunicorn

    def git(*argv: str) -> str:
        proc = subprocess.run(["git", *argv], cwd=REPO, capture_output=True, text=True)
        return proc.stdout.strip()

    dirty = "+dirty" if git("status", "--porcelain", "--untracked-files=no") else ""
    return {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "git": f"{git('rev-parse', '--short', 'HEAD')}{dirty}",
        "gunicorn": f"{gunicorn.__version__} {args.workers}x{args.worker_class}"
        + (f"/{args.threads} threads" if args.worker_class == "gthread" else ""),
        "django": django.get_version(),
        "python": platform.python_version(),
        "postgresql": pg_version,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "concurrency": args.concurrency,
        "measure": f"{args.requests} requests" if args.requests else f"{args.duration:g} s",
        "warmup_s": args.warmup,
        "slices": args.slices,
        "sizes": args.sizes,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios = load_all()
    if args.only:
        unknown = args.only - {s.name for s in scenarios}
        unknown.discard(RUSH)
        unknown.discard(OCDS)
        if unknown:
            raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
        scenarios = [s for s in scenarios if s.name in args.only or s.name == BASELINE]
    pages = not args.only or args.only - {RUSH, OCDS}
    rush_wanted = not args.only or RUSH in args.only
    ocds_wanted = not args.only or OCDS in args.only
    # A SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so gunicorn is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log = RESULTS / f"{stamp}.gunicorn.log"
    database_url = with_database(args.admin_url, args.db)
    env = django_env(database_url)

    say(f"Recreating database {args.db} and migrating …")
    pg_version = recreate_database(args.admin_url, args.db)
    migrate = subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "--verbosity=0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if migrate.returncode != 0:
        raise SystemExit(f"migrate failed:\n{migrate.stderr[-3000:]}")
    meta = describe_environment(args, pg_version)

    rounds = []
    rush = ocds = None
    try:
        for size in args.sizes if pages else []:
            rounds.append(run_round(size, scenarios, args, env, log))
        if rush_wanted:
            rush = run_rush(args, env, log, stamp)
        if ocds_wanted:
            say(f"\n== open data: /ocds/releases.json, {args.ocds_challenges:,} challenges ==")
            ocds = run_json(["bench/ocds.py", f"--challenges={args.ocds_challenges}"], env, 3600)
    except KeyboardInterrupt:
        say("\nInterrupted; gunicorn is stopped.")
        return 130

    report = table(rounds, meta) if rounds else ""
    if rush is not None:
        report += ("\n\n" if report else "") + "\n".join(rush_lines(rush))
    if ocds is not None:
        report += ("\n\n" if report else "") + "\n".join(ocds["report"])
    say("\n" + report)
    out = RESULTS / f"{stamp}.json"
    out.write_text(
        json.dumps(
            {"meta": meta, "rounds": rounds, "rush": rush, "ocds": ocds},
            indent=2,
            ensure_ascii=False,
        )
    )
    say(f"Results: {out.relative_to(REPO)}   gunicorn log: {log.relative_to(REPO)}")
    errors = sum(r["errors"] for rnd in rounds for r in rnd["results"])
    ocds_failed = ocds is not None and not ocds["same_releases"]
    return 1 if errors or (rush is not None and rush_failed(rush)) or ocds_failed else 0


if __name__ == "__main__":
    sys.exit(main())
