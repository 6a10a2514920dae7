"""The deadline rush's rows: a challenge taking proposals and N companies with complete drafts.

Run against the database in DATABASE_URL (bench/run.py sets it). Three commands:

    python bench/rush_data.py prepare --companies 200 --out clients.json
    python bench/rush_data.py deadline --slug reto-rush-... --at 1767225600.0
    python bench/rush_data.py report --slug reto-rush-...

``prepare`` creates a verified government body and a published challenge (deadline a day
ahead, for now), then, for each company, a person, the company (``company_register``: the RFC
validated, the sworn declarations made) and its complete draft with one small PDF attached,
through the proposal services (``proposal_start``, ``proposal_save``, ``proposal_attach``), so
every draft is sealed exactly as a real one. The people have no usable password: instead of
logging in (one Argon2 hash per client, which would measure the hasher rather than the
submission) each gets a session made here with Django's ``SessionStore``, as ``force_login``
does; the clients send its cookie. It writes the clients (proposal id and session key) to
``--out`` and prints a JSON manifest.

``deadline`` moves the challenge's submission deadline to the given time (seconds since the
epoch): the rush starts once every client holds its form, and the deadline is then set a
minute ahead. It writes the row directly; on the platform only an amendment moves a deadline.

``report`` prints, as JSON, every version the server received for the challenge's proposals:
proposal id, number, folio and time of receipt, with the deadline in force.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retos.settings")

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from django.utils.html import escape  # noqa: E402
from stdnum.mx import rfc as stdnum_rfc  # noqa: E402

from retos.accounts.models import User  # noqa: E402
from retos.challenges.models import Category, Challenge  # noqa: E402
from retos.challenges.stages import Stage  # noqa: E402
from retos.demo.proposals import text_pdf  # noqa: E402
from retos.organizations.mexico import Sector  # noqa: E402
from retos.organizations.models import Kind, Level, Organization, State  # noqa: E402
from retos.organizations.services import company_register  # noqa: E402
from retos.proposals.models import ProposalVersion  # noqa: E402
from retos.proposals.services import (  # noqa: E402
    deadline_passed_message,
    proposal_attach,
    proposal_save,
    proposal_start,
)

BODY_SLUG = "bench-rush-body"
SLUG_PREFIX = "reto-rush-"
AMOUNT = Decimal("2000000")
LICENCES = ["AGPL-3.0-or-later", "MIT"]
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _rfc(run: int, i: int) -> str:
    """A valid legal-person RFC, unique per run and company: a date of incorporation from the
    company's number and a homoclave from the run's."""
    day = date(2005, 1, 1) + timedelta(days=i)
    homoclave = f"{'ABCDEFGHJKLMNPRSTUV'[run % 19]}{'123456789'[i % 9]}"
    base = f"RSH{day:%y%m%d}{homoclave}"
    return base + stdnum_rfc.calc_check_digit(base)


def _sections(i: int) -> dict:
    return {
        "summary": f"Propuesta de prueba de carga número {i}: un servicio de reportes.",
        "understanding": "Las personas no saben a quién reportar ni qué pasó con su reporte.",
        "solution": "Un sitio accesible para reportar y seguir cada caso con un folio.",
        "technical_approach": "Django, PostgreSQL, páginas servidas sin JavaScript obligatorio.",
        "ux_approach": "Pruebas con personas usuarias en cada iteración; WCAG 2.2 AA.",
        "work_plan": [
            {"title": "Prototipo", "weeks": 4, "deliverable": "Prototipo probado"},
            {"title": "Versión 1.0", "weeks": 12, "deliverable": "Código y manuales"},
        ],
        "team": [{"name": f"Persona {i}", "role": "Dirección del proyecto"}],
        "price": str(AMOUNT - 1000 * (i % 500)),
        "licence": LICENCES[i % 2],
        "links": [f"https://empresa{i}.example/proyectos"],
    }


def _challenge(run: int) -> Challenge:
    now = timezone.now()
    body, _created = Organization.objects.get_or_create(
        slug=BODY_SLUG,
        defaults={
            "kind": Kind.GOVERNMENT,
            "level": Level.FEDERAL,
            "name": "Agencia de Pruebas de Carga",
            "acronym": "APC",
            "verified_at": now,
            "description": "Dependencia generada para la prueba de carga del cierre.",
        },
    )
    deadline = now + timedelta(days=1)
    return Challenge.objects.create(
        body=body,
        slug=f"{SLUG_PREFIX}{run}",
        title=f"Prueba de carga del cierre #{run}",
        summary="Reto generado para medir la recepción de propuestas en el último minuto.",
        problem_statement="Muchas empresas envían su propuesta en el último minuto.",
        context="Prueba de rendimiento.",
        expected_outcomes="Ninguna propuesta se pierde ni se acepta tarde.",
        deliverables="Código fuente con licencia abierta.",
        category=Category.values[0],
        amount=AMOUNT,
        finalists_count=5,
        licences=LICENCES,
        stage=Stage.PUBLISHED,
        created_at=now - timedelta(days=40),
        in_review_at=now - timedelta(days=35),
        published_at=now - timedelta(days=30),
        questions_close_at=now - timedelta(days=5),
        submissions_close_at=deadline,
        evaluation_ends_at=deadline + timedelta(days=21),
        demo_day_at=deadline + timedelta(days=35),
        decision_at=deadline + timedelta(days=42),
        delivery_at=deadline + timedelta(days=240),
    )


def _session(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def prepare(companies: int, out: Path) -> dict:
    started = time.monotonic()
    run = int(time.time())
    state = State.objects.order_by("code").first()
    challenge = _challenge(run)
    pdf = text_pdf(
        ["# Propuesta técnica", "Documento de la prueba de carga."] * 20, title="Propuesta"
    )
    clients = []
    for i in range(companies):
        with transaction.atomic():
            # No usable password: the client gets a session made below instead of logging in.
            user = User.objects.create_user(
                email=f"rush{run}-{i}@empresa{i}.example", full_name=f"Persona {i}"
            )
            company = company_register(
                actor=user,
                name=f"Empresa de Carga {run}-{i}, S.A.S.",
                rfc=_rfc(run, i),
                sector=Sector.SERVICES,
                workers=5 + i % 40,
                annual_sales=Decimal(1_000_000 + 10_000 * i),
                state=state,
                legal_representative_name=f"Persona {i}",
                legal_representative_title="Dirección general",
                declares_sme=True,
                declares_no_conflict=True,
            )
            proposal = proposal_start(challenge=challenge, company=company, actor=user)
            proposal_save(proposal=proposal, actor=user, changes=_sections(i))
            proposal_attach(
                proposal=proposal,
                actor=user,
                file=SimpleUploadedFile("propuesta.pdf", pdf, content_type="application/pdf"),
                name="propuesta.pdf",
            )
        clients.append({"proposal": str(proposal.public_id), "session": _session(user)})
    out.write_text(json.dumps(clients))
    with translation.override("es-mx"):
        # How the review page words the refusal after the deadline (Spanish pages, escaped).
        refusal = escape(deadline_passed_message())[:40]
    return {
        "slug": challenge.slug,
        "deadline_marker": refusal,
        "companies": companies,
        "clients_file": str(out),
        "seconds": round(time.monotonic() - started, 1),
    }


def set_deadline(slug: str, at: float) -> dict:
    deadline = datetime.fromtimestamp(at, tz=UTC)
    updated = Challenge.objects.filter(slug=slug, stage=Stage.PUBLISHED).update(
        submissions_close_at=deadline
    )
    if updated != 1:
        raise SystemExit(f"no published challenge {slug!r}")
    return {"slug": slug, "deadline": deadline.isoformat()}


def report(slug: str) -> dict:
    challenge = Challenge.objects.get(slug=slug)
    versions = ProposalVersion.objects.filter(proposal__challenge=challenge).order_by("received_at")
    return {
        "slug": slug,
        "deadline": challenge.submissions_close_at.timestamp(),
        "versions": [
            {
                "proposal": str(public_id),
                "number": number,
                "folio": folio,
                "received_at": received_at.timestamp(),
            }
            for public_id, number, folio, received_at in versions.values_list(
                "proposal__public_id", "number", "folio", "received_at"
            )
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare")
    p.add_argument("--companies", type=int, default=200)
    p.add_argument("--out", type=Path, required=True)
    d = commands.add_parser("deadline")
    d.add_argument("--slug", required=True)
    d.add_argument("--at", type=float, required=True, help="seconds since the epoch")
    r = commands.add_parser("report")
    r.add_argument("--slug", required=True)
    args = parser.parse_args()
    if args.command == "prepare":
        result = prepare(args.companies, args.out)
    elif args.command == "deadline":
        result = set_deadline(args.slug, args.at)
    else:
        result = report(args.slug)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
