"""Production mode refuses insecure defaults and passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k" * 20 + "-Zq8#vR2!mW5$tY9&uI3*oP7@aS1^dF6%gH4"


def run_manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ENV"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "retos.example.gob.mx",
    # 32 bytes in base64: the platform key that seals proposals.
    "RETOS_SEALING_KEY": "c2VhbGluZy1rZXktZm9yLXRlc3RzLW9ubHktMzJieXQ=",
}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        (
            {"RETOS_SEALING_KEY": "", "RETOS_SEALING_KEY_FILE": "/nonexistent/sealing.key"},
            "RETOS_SEALING_KEY",
        ),
    ],
    ids=["debug-on", "default-secret", "short-secret", "no-hosts", "no-sealing-key"],
)
def test_production_refuses_to_start_with_insecure_settings(overrides, message):
    env = {**PRODUCTION, **overrides}
    if env.get("SECRET_KEY") == "":
        env.pop("SECRET_KEY")
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_passes_the_deployment_checklist():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout


def test_a_bad_boolean_is_an_error_not_a_guess():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
