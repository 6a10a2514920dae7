"""The deadline rush's clients: many companies submitting in the final minute (standard library).

Two commands, run by bench/run.py around the moment it sets the deadline:

    python bench/rush.py prepare --port P --clients clients.json --out forms.json
    python bench/rush.py fire --port P --forms forms.json --deadline EPOCH --window 60

``prepare`` opens each client's review page (GET /propuestas/<id>/enviar/ with its session
cookie), as a person does before pressing "submit": it keeps the CSRF cookie and the form's
token. ``fire`` gives every client its own thread and a moment to press the button — spread over
the final ``--window`` seconds, with a burst in the last ten and some in the last two, and a
few (``--late``) after the deadline — and then POSTs the form on a new connection (gunicorn's sync
workers close each one). It prints one JSON line: for each client, when it sent and got its
answer (seconds since the epoch, this machine's clock, which the server shares), the status,
the receipt's folio when the answer was the redirect to it, and whether the page it got back
was the refusal after the deadline (``--marker``, the message's first characters).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
RECEIPT = re.compile(r"/acuses/([^/]+)/")


def submit_path(proposal: str) -> str:
    return f"/propuestas/{proposal}/enviar/"


def request(port: int, method: str, path: str, headers: dict, body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def prepare_one(port: int, client: dict) -> dict:
    headers = {"Cookie": f"sessionid={client['session']}"}
    status, response_headers, body = request(port, "GET", submit_path(client["proposal"]), headers)
    if status != 200:
        raise RuntimeError(f"GET {submit_path(client['proposal'])} answered {status}")
    token = TOKEN.search(body)
    cookie = next(
        (
            match.group(1)
            for name, value in response_headers
            if name.lower() == "set-cookie" and (match := CSRF_COOKIE.search(value))
        ),
        None,
    )
    if token is None or cookie is None:
        raise RuntimeError("the review page has no submit form (is the draft complete?)")
    return {**client, "csrf_cookie": cookie, "token": token.group(1).decode()}


def schedule(count: int, deadline: float, window: float, late: float, seed: int) -> list[float]:
    """When each client presses "submit": half spread over the window, a burst in the last ten
    seconds, some in the last two, and ``late`` of them up to three seconds after the deadline."""
    rng = random.Random(seed)
    n_late = max(1, round(count * late)) if late > 0 else 0
    n_last = round(count * 0.15)
    n_burst = round(count * 0.30)
    n_spread = count - n_late - n_last - n_burst
    times = [deadline - rng.uniform(10, max(10.0, window)) for _ in range(n_spread)]
    times += [deadline - rng.uniform(2, 10) for _ in range(n_burst)]
    times += [deadline - rng.uniform(0, 2) for _ in range(n_last)]
    times += [deadline + rng.uniform(0.2, 3) for _ in range(n_late)]
    rng.shuffle(times)
    return times


def fire_one(port: int, form: dict, at: float, marker: bytes, start: threading.Event) -> dict:
    start.wait()
    pause = at - time.time()
    if pause > 0:
        time.sleep(pause)
    body = urlencode({"csrfmiddlewaretoken": form["token"]}).encode()
    headers = {
        "Cookie": f"sessionid={form['session']}; csrftoken={form['csrf_cookie']}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    result = {"proposal": form["proposal"], "planned": at, "sent": time.time()}
    try:
        status, response_headers, page = request(
            port, "POST", submit_path(form["proposal"]), headers, body
        )
    except OSError as exc:
        return {**result, "done": time.time(), "status": None, "error": repr(exc)}
    location = {k.lower(): v for k, v in response_headers}.get("location", "")
    folio = RECEIPT.search(location)
    return {
        **result,
        "done": time.time(),
        "status": status,
        "folio": folio.group(1) if status == 302 and folio else None,
        "refused_deadline": status == 200 and marker in page,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--clients", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--concurrency", type=int, default=8)
    f = commands.add_parser("fire")
    f.add_argument("--port", type=int, required=True)
    f.add_argument("--forms", type=Path, required=True)
    f.add_argument("--deadline", type=float, required=True, help="seconds since the epoch")
    f.add_argument("--window", type=float, default=60.0)
    f.add_argument("--late", type=float, default=0.05, help="share of clients after it [0.05]")
    f.add_argument("--marker", default="", help="text of the refusal after the deadline")
    f.add_argument("--seed", type=int, default=4)
    args = parser.parse_args(argv)

    if args.command == "prepare":
        clients = json.loads(args.clients.read_text())
        started = time.monotonic()
        with ThreadPoolExecutor(args.concurrency) as pool:
            forms = list(pool.map(lambda c: prepare_one(args.port, c), clients))
        args.out.write_text(json.dumps(forms))
        print(json.dumps({"forms": len(forms), "seconds": round(time.monotonic() - started, 1)}))
        return 0

    forms = json.loads(args.forms.read_text())
    times = schedule(len(forms), args.deadline, args.window, args.late, args.seed)
    marker = args.marker.encode()
    start = threading.Event()
    with ThreadPoolExecutor(len(forms)) as pool:
        futures = [
            pool.submit(fire_one, args.port, form, at, marker, start)
            for form, at in zip(forms, times, strict=True)
        ]
        start.set()
        results = [future.result() for future in futures]
    print(json.dumps({"deadline": args.deadline, "window": args.window, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
