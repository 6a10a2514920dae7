"""The scenario registry: every module in this package registers the targets it measures.

A scenario is one URL that the load generator requests over and over. Add one by creating a
module here (it is imported automatically) that calls :func:`scenario`::

    from bench.scenarios import scenario

    @scenario("home", order=5, description="the home page")
    def home(ctx):
        return "/"

The function receives a :class:`Context` (the data size, the generator's manifest, helpers to
run Django code against the benchmark database) and returns the path to request.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: The scenario every other one is compared with ("list/ping = 0.31").
BASELINE = "ping"


@dataclass
class Context:
    """What a scenario may know about the run it is part of."""

    #: The number of public challenges in the database.
    size: int
    #: The manifest the data generator printed (slugs, counts; see bench/generate.py).
    data: dict
    #: The environment gunicorn runs with (DATABASE_URL, DJANGO_ENV, ...).
    env: dict[str, str]
    #: Scratch space for setup hooks, shared by all scenarios at this data size.
    extra: dict = field(default_factory=dict)

    def run_python(self, *args: str) -> dict | None:
        """Run ``python ARGS`` against the benchmark database; return its stdout's last JSON line.

        For setup hooks that need rows of their own: write a script like bench/generate.py
        and call ``ctx.run_python("bench/my_data.py", "--n", "50")``.
        """
        out = subprocess.run(
            [sys.executable, *args], cwd=REPO, env=self.env, check=True, capture_output=True
        ).stdout.decode()
        lines = [line for line in out.splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else None

    def manage(self, *args: str) -> str:
        """Run ``manage.py ARGS`` against the benchmark database; return its output."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout


@dataclass(frozen=True)
class Scenario:
    name: str
    #: Returns the path to request (with its query string), given the context.
    path: Callable[[Context], str]
    description: str = ""
    #: Scenarios run in this order at each data size (the baseline first).
    order: int = 100
    #: Extra request headers (a session cookie, Accept-Language, ...), given the context.
    #: They are not sent with the baseline it is interleaved with.
    headers: Callable[[Context], dict[str, str]] | None = None
    #: Called once per data size, before gunicorn starts, to prepare rows or cookies.
    setup: Callable[[Context], None] | None = None
    #: The status a successful response has; any other counts as an error.
    expect_status: int = 200


REGISTRY: dict[str, Scenario] = {}


def scenario(
    name: str,
    *,
    description: str = "",
    order: int = 100,
    headers: Callable[[Context], dict[str, str]] | None = None,
    setup: Callable[[Context], None] | None = None,
    expect_status: int = 200,
):
    """Register the decorated ``path(ctx) -> str`` function as the scenario ``name``."""

    def register(path: Callable[[Context], str]) -> Callable[[Context], str]:
        if name in REGISTRY:
            raise ValueError(f"benchmark scenario {name!r} is registered twice")
        REGISTRY[name] = Scenario(
            name=name,
            path=path,
            description=description or (path.__doc__ or "").strip().split("\n")[0],
            order=order,
            headers=headers,
            setup=setup,
            expect_status=expect_status,
        )
        return path

    return register


def load_all() -> list[Scenario]:
    """Import every module of this package; return the scenarios in running order."""
    for module in pkgutil.iter_modules([os.path.dirname(__file__)]):
        importlib.import_module(f"{__name__}.{module.name}")
    if BASELINE not in REGISTRY:
        raise RuntimeError(f"the baseline scenario {BASELINE!r} is not registered")
    return sorted(REGISTRY.values(), key=lambda s: (s.order, s.name))
