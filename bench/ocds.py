"""The open-data benchmark: ``/ocds/releases.json`` streamed, against the same releases
serialized in memory, over 10,000 generated challenges (``make bench``, or
``bench/run.py --only ocds``).

Run against the database in DATABASE_URL (bench/run.py passes the benchmark database)::

    python bench/ocds.py --challenges 10000

1. Tops the database up to N public challenges with bench/generate.py (``bulk_create``).
2. Gives every public generated challenge without releases the releases its stage calls for
   (planning and tender, then one per stage it reached, with bids from the opening on), built
   with the release builder's own pieces from the rows in memory and written with
   ``bulk_create``: not through the services, so 10,000 challenges take seconds.
3. Measures, in this process, the view that serves ``/ocds/releases.json`` (its streamed
   response read to the end, chunk by chunk, as a client would) and the in-memory way (every
   release parsed into one list, the package serialized with ``json.dumps``): the time of
   each (best of ``--repeat`` runs, without tracemalloc), then the peak of Python memory of
   each (one run under ``tracemalloc``). Both outputs must hold the same releases.

The last line printed is a JSON object with the figures (run.py reads it).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retos.settings")

from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone, translation

from bench import generate as bench_data  # (sets Django up)
from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.ocds import build, packages, selectors, views
from retos.ocds.models import Release

BATCH = 1_000

# The stamps a challenge reaches, in order, and the tags of the release each one makes.
STEPS = [
    ("closed_at", Stage.CLOSED, ["tenderUpdate"]),
    ("opened_at", Stage.OPENED, ["tenderUpdate"]),
    ("evaluation_at", Stage.EVALUATION, ["tenderUpdate"]),
    ("finalists_at", Stage.FINALISTS, ["tenderUpdate"]),
    ("decided_at", Stage.DECIDED, ["award"]),
    ("awarded_at", Stage.AWARDED, ["awardUpdate", "contract"]),
    ("implementation_at", Stage.IMPLEMENTATION, ["implementation"]),
    ("completed_at", Stage.COMPLETED, ["contractTermination"]),
    ("deserted_at", Stage.DESERTED, ["tenderUpdate"]),
    ("cancelled_at", Stage.CANCELLED, ["tenderCancellation"]),
]
COMPANIES = ["Soluciones Cívicas", "Datos Abiertos MX", "Código Público", "Tecnología Social"]


def say(message: str) -> None:
    print(message, flush=True)


def fake_rfc(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
    born = f"{rng.randint(10, 25):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return f"{letters}{born}A{rng.randint(10, 99)}"


def releases_for(challenge: Challenge, criteria: list, rng: random.Random) -> list[Release]:
    """The releases of one generated challenge, from its row: what the listener would have
    published along its life, with the builder's own pieces."""
    ocid = build.ocid_for(challenge.pk)
    buyer_party = build.body_party(challenge.body)
    bidders = [
        (f"{rng.choice(COMPANIES)} {n} S.A. de C.V.", fake_rfc(rng), rng.randint(50, 99))
        for n in range(rng.randint(2, 6))
    ]
    steps = [(challenge.published_at, Stage.PUBLISHED, ["planning", "tender"])]
    steps += [
        (getattr(challenge, stamp), stage, tags)
        for stamp, stage, tags in STEPS
        if getattr(challenge, stamp) is not None
    ]
    steps.sort(key=lambda step: step[0])
    rows, last = [], None
    opened = False
    for sequence, (when, stage, tags) in enumerate(steps, start=1):
        date = max(when.replace(microsecond=0), last or when.replace(microsecond=0))
        last = date
        parties = build.Parties()
        buyer = parties.add(buyer_party, "buyer", "procuringEntity")
        tender = build._tender(challenge, criteria)
        tender["status"] = build.TENDER_STATUS[stage]
        tender["procuringEntity"] = buyer
        release = {
            "ocid": ocid,
            "id": f"{ocid}-{sequence}",
            "date": build.ocds_datetime(date),
            "tag": tags,
            "initiationType": "tender",
            "language": "es",
            "parties": [],
            "buyer": buyer,
            "planning": {
                "rationale": challenge.problem_statement,
                "budget": {"amount": build.amount(challenge.amount)},
            },
            "tender": tender,
        }
        opened = opened or stage == Stage.OPENED
        if opened:
            details = []
            for n, (name, rfc, share) in enumerate(bidders):
                ref = parties.add(build.company_party(name, rfc), "tenderer")
                details.append(
                    {
                        "id": f"{ocid}-bid-{n}",
                        "date": build.ocds_datetime(challenge.submissions_close_at),
                        "status": "valid",
                        "tenderers": [ref],
                        "value": build.amount(challenge.amount * share / 100),
                    }
                )
            release["bids"] = {
                "statistics": [{"id": "bids", "measure": "bids", "value": len(details)}],
                "details": details,
            }
            tender["numberOfTenderers"] = len(details)
            tender["tenderers"] = [d["tenderers"][0] for d in details]
        release["parties"] = parties.as_list()
        text = packages.dumps(build.clean(release))
        rows.append(
            Release(
                challenge_id=challenge.pk,
                ocid=ocid,
                sequence=sequence,
                release_id=f"{ocid}-{sequence}",
                publication=1,
                date=date,
                tags=tags,
                data=text,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )
        )
    return rows


@transaction.atomic
def generate_releases(seed: int) -> int:
    """Releases for every public generated challenge that has none yet."""
    pending = (
        Challenge.objects.public()
        .filter(slug__startswith=bench_data.CHALLENGE_PREFIX)
        .exclude(ocds_releases__isnull=False)
        .select_related("body", "body__state")
        .prefetch_related("criteria")
        .order_by("pk")
    )
    created = 0
    batch: list[Release] = []
    with translation.override("es-mx"):
        for challenge in pending.iterator(chunk_size=BATCH):
            rng = random.Random(f"{seed}-ocds-{challenge.pk}")
            criteria = sorted(challenge.criteria.all(), key=lambda c: (c.position, c.pk))
            batch += releases_for(challenge, criteria, rng)
            if len(batch) >= BATCH:
                Release.objects.bulk_create(batch)
                created += len(batch)
                batch = []
    Release.objects.bulk_create(batch)
    return created + len(batch)


# --- The two ways of writing the package ---------------------------------------------------------


def streamed() -> tuple[int, str]:
    """The view, its response read to the end chunk by chunk: (bytes, SHA-256)."""
    request = RequestFactory().get("/ocds/releases.json")
    response = views.download(request, "releases", "json")
    digest, size = hashlib.sha256(), 0
    for chunk in response.streaming_content:
        digest.update(chunk)
        size += len(chunk)
    response.close()
    return size, digest.hexdigest()


def in_memory() -> bytes:
    """Every served release parsed into one list, the package serialized at once."""
    now = timezone.now()
    releases = selectors.served(now)
    package = selectors.package_metadata(
        uri="http://testserver/ocds/releases.json", published=selectors.last_change(releases)
    )
    package["releases"] = [
        json.loads(text) for text in releases.order_by("id").values_list("data", flat=True)
    ]
    return json.dumps(package, ensure_ascii=False).encode("utf-8")


def timed(function, repeat: int) -> float:
    """The best of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def peak(function) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        function()
        _current, top = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return top


def measure(repeat: int) -> dict:
    streamed_s = timed(streamed, repeat)
    memory_s = timed(in_memory, repeat)
    streamed_peak = peak(streamed)
    memory_peak = peak(in_memory)
    # The same releases either way.
    size, _digest = streamed()
    request = RequestFactory().get("/ocds/releases.json")
    body = b"".join(views.download(request, "releases", "json").streaming_content)
    same = json.loads(body)["releases"] == json.loads(in_memory())["releases"]
    return {
        "releases": selectors.served().count(),
        "bytes": size,
        "streamed_s": round(streamed_s, 3),
        "streamed_peak_mb": round(streamed_peak / 2**20, 2),
        "in_memory_s": round(memory_s, 3),
        "in_memory_peak_mb": round(memory_peak / 2**20, 2),
        "same_releases": same,
    }


def lines(result: dict) -> list[str]:
    mb = result["bytes"] / 2**20
    return [
        f"Open data: /ocds/releases.json over {result['public_challenges']:,} public challenges, "
        f"{result['releases']:,} releases, {mb:,.1f} MB (rows generated in {result['setup_s']} s)",
        f"  streamed (the view)        {result['streamed_s']:>8.2f} s   peak "
        f"{result['streamed_peak_mb']:>8.1f} MB",
        f"  in memory (json.dumps)     {result['in_memory_s']:>8.2f} s   peak "
        f"{result['in_memory_peak_mb']:>8.1f} MB",
        f"  same releases either way: {'yes' if result['same_releases'] else 'NO'}; time: best of "
        f"{result['repeat']}; peak: Python allocations under tracemalloc",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--challenges", type=int, default=10_000, help="public challenges")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each way [3]")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    bench_data.generate(args.challenges, args.seed)
    created = generate_releases(args.seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup_s = round(time.perf_counter() - started, 1)
    say(f"   data: +{created:,} releases in {setup_s} s")
    result = {
        "public_challenges": Challenge.objects.public()
        .filter(slug__startswith=bench_data.CHALLENGE_PREFIX)
        .count(),
        "releases_created": created,
        "setup_s": setup_s,
        "repeat": args.repeat,
        **measure(args.repeat),
    }
    result["report"] = lines(result)
    for line in result["report"]:
        say(line)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["same_releases"] else 1


if __name__ == "__main__":
    sys.exit(main())
