"""Fill the benchmark database with government bodies and public challenges, fast.

Run against the database in DATABASE_URL (bench/run.py sets it)::

    python bench/generate.py --challenges 2000

It is incremental: it tops the database up to N public challenges, so run.py can measure 100
and then 2,000 without starting again. Rows are deterministic for a given --seed. Besides the
N public challenges it adds one draft or in-review challenge per 20 public ones (the list must
filter them out), and 3-5 criteria per challenge. The last line printed is a JSON manifest the
scenarios read (``ctx.data``), e.g. ``detail_slug``.

The row layout follows tests/factories.py; bulk_create makes 2,000 challenges in about a second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retos.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from retos.accounts.models import ExpertiseArea  # noqa: E402
from retos.challenges.models import (  # noqa: E402
    OPEN_SOURCE_LICENCES,
    Category,
    Challenge,
    Criterion,
)
from retos.challenges.stages import PUBLIC_STAGES, Stage  # noqa: E402
from retos.core.timezones import MexicanTimeZone  # noqa: E402
from retos.organizations.models import Kind, Level, Organization, State  # noqa: E402

BODY_PREFIX = "bench-body-"
CHALLENGE_PREFIX = "reto-bench-"
#: The challenge every data size's detail scenario requests (always published, deadlines ahead).
DETAIL_INDEX = 0

# (kind of row, weight). "open" is published with deadlines ahead; "late" is published with the
# submission deadline just passed but the close not yet recorded (closed by time).
PUBLIC_MIX = [
    ("open", 70),
    ("late", 4),
    (Stage.CLOSED, 4),
    (Stage.OPENED, 2),
    (Stage.EVALUATION, 4),
    (Stage.FINALISTS, 3),
    (Stage.DECIDED, 3),
    (Stage.AWARDED, 2),
    (Stage.IMPLEMENTATION, 3),
    (Stage.COMPLETED, 3),
    (Stage.CANCELLED, 1),
    (Stage.DESERTED, 1),
]
NON_PUBLIC_EVERY = 20

# Days since the submission deadline for a challenge in each post-deadline stage, and the
# transition stamps (days after the deadline) the stage has reached.
DAYS_SINCE_DEADLINE = {
    "late": (0.1, 5),
    Stage.CLOSED: (1, 3),
    Stage.OPENED: (2.5, 4),
    Stage.EVALUATION: (5, 20),
    Stage.FINALISTS: (22, 40),
    Stage.DECIDED: (43, 54),
    Stage.AWARDED: (56, 59),
    Stage.IMPLEMENTATION: (61, 230),
    Stage.COMPLETED: (241, 400),
    Stage.DESERTED: (10, 40),
}
STAMPS = [  # (stage reached, stamp field, days after the submission deadline)
    (Stage.CLOSED, "closed_at", 0.05),
    (Stage.OPENED, "opened_at", 2),
    (Stage.EVALUATION, "evaluation_at", 4),
    (Stage.FINALISTS, "finalists_at", 21),
    (Stage.DECIDED, "decided_at", 42),
    (Stage.AWARDED, "awarded_at", 55),
    (Stage.IMPLEMENTATION, "implementation_at", 60),
    (Stage.COMPLETED, "completed_at", 240),
]
PATH_ORDER = [s for s, _field, _days in STAMPS]

FEDERAL_BODIES = [
    ("Secretaría de Salud", "SSA"),
    ("Secretaría de Educación Pública", "SEP"),
    ("Secretaría de Infraestructura, Comunicaciones y Transportes", "SICT"),
    ("Secretaría de Medio Ambiente y Recursos Naturales", "SEMARNAT"),
    ("Secretaría de Seguridad y Protección Ciudadana", "SSPC"),
    ("Secretaría de Economía", "SE"),
    ("Secretaría de Bienestar", "BIENESTAR"),
    ("Agencia de Transformación Digital y Telecomunicaciones", "ATDT"),
    ("Coordinación Nacional de Protección Civil", "CNPC"),
    ("Comisión Nacional del Agua", "CONAGUA"),
]
MUNICIPALITIES = [
    ("14", "039", "Guadalajara"),
    ("19", "039", "Monterrey"),
    ("21", "114", "Puebla"),
    ("31", "050", "Mérida"),
    ("11", "020", "León"),
    ("02", "004", "Tijuana"),
    ("22", "014", "Querétaro"),
    ("08", "037", "Juárez"),
    ("20", "067", "Oaxaca de Juárez"),
    ("26", "030", "Hermosillo"),
]
STATE_TIME_ZONES = {
    "02": MexicanTimeZone.NOROESTE,
    "03": MexicanTimeZone.PACIFICO,
    "18": MexicanTimeZone.PACIFICO,
    "25": MexicanTimeZone.PACIFICO,
    "26": MexicanTimeZone.SONORA,
    "23": MexicanTimeZone.SURESTE,
}

PROBLEMS = [
    "Alertas tempranas de inundación",
    "Seguimiento de obra pública",
    "Citas médicas sin filas",
    "Mapa de baches reportados",
    "Padrón de beneficiarios verificable",
    "Trámite digital de licencias",
    "Rutas de transporte en tiempo real",
    "Calidad del aire por colonia",
    "Inscripción escolar en línea",
    "Denuncia ciudadana anónima",
    "Inventario de medicamentos",
    "Consulta de adeudos de agua",
]
SENTENCES = [
    "Hoy el proceso depende de hojas de cálculo que cada oficina mantiene por separado.",
    "Las personas usuarias esperan semanas para obtener una respuesta que podría ser inmediata.",
    "La información existe, pero no se publica en formatos abiertos ni se actualiza a tiempo.",
    "El personal dedica buena parte de su jornada a capturar los mismos datos varias veces.",
    "Buscamos una herramienta abierta, accesible y que funcione bien en teléfonos de gama baja.",
    "La solución debe integrarse con los sistemas existentes mediante interfaces documentadas.",
    "Se valorará que la propuesta reduzca costos de operación y sea fácil de mantener.",
    "Los datos personales deben protegerse conforme a la ley general aplicable.",
]
CRITERIA = [
    ("Solución técnica", ExpertiseArea.TECHNOLOGY),
    ("Experiencia de usuario y accesibilidad", ExpertiseArea.USER_EXPERIENCE),
    ("Seguridad de la información", ExpertiseArea.SECURITY),
    ("Datos abiertos", ExpertiseArea.DATA),
    ("Pertinencia para la política pública", ExpertiseArea.PUBLIC_POLICY),
    ("Viabilidad y costo", ExpertiseArea.BUSINESS),
    ("Comunidad y licenciamiento", ExpertiseArea.OPEN_SOURCE),
]


def days(n: float) -> timedelta:
    return timedelta(days=n)


def paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(" ".join(rng.sample(SENTENCES, 4)) for _ in range(count))


def body_count_for(challenges: int) -> int:
    """Several bodies at every size, more as the catalogue grows (9 for 100, 28 for 2,000)."""
    return 8 + challenges // 100


def make_body(i: int, states: dict[str, State], now) -> Organization:
    fields = {
        "kind": Kind.GOVERNMENT,
        "slug": f"{BODY_PREFIX}{i:03d}",
        "verified_at": now,
        "description": "Dependencia generada para las pruebas de rendimiento.",
    }
    turn, level = divmod(i, 3)
    if level == 0:
        name, acronym = FEDERAL_BODIES[turn % len(FEDERAL_BODIES)]
        fields.update(level=Level.FEDERAL, name=name, acronym=acronym)
    elif level == 1:
        code = f"{(turn * 7) % 32 + 1:02d}"
        state = states[code]
        fields.update(
            level=Level.STATE,
            state=state,
            name=f"Gobierno del Estado de {state.name}",
            acronym=f"GOB{state.abbreviation}",
            time_zone=STATE_TIME_ZONES.get(code, MexicanTimeZone.CENTRO),
        )
    else:
        code, municipality, name = MUNICIPALITIES[turn % len(MUNICIPALITIES)]
        fields.update(
            level=Level.MUNICIPAL,
            state=states[code],
            municipality_name=name,
            municipality_code=f"{code}{municipality}",
            name=f"Ayuntamiento de {name}",
            time_zone=STATE_TIME_ZONES.get(code, MexicanTimeZone.CENTRO),
        )
    if turn >= len(FEDERAL_BODIES):  # names repeat after one round; keep them distinct
        fields["name"] += f" ({turn + 1})"
    return Organization(**fields)


def pick_kind(i: int, rng: random.Random):
    if i == DETAIL_INDEX:
        return "open"
    if i % NON_PUBLIC_EVERY == NON_PUBLIC_EVERY - 1:
        return rng.choice([Stage.DRAFT, Stage.IN_REVIEW])
    kinds, weights = zip(*PUBLIC_MIX, strict=True)
    return rng.choices(kinds, weights)[0]


def make_challenge(i: int, kind, body: Organization, rng: random.Random, now) -> Challenge:
    problem = PROBLEMS[i % len(PROBLEMS)]
    c = Challenge(
        body=body,
        title=f"{problem} — {body.acronym or body.name} #{i}",
        slug=f"{CHALLENGE_PREFIX}{i:05d}",
        summary=f"{problem}: {SENTENCES[i % len(SENTENCES)]}",
        problem_statement=paragraphs(rng, 4),
        context=paragraphs(rng, 2),
        expected_outcomes=paragraphs(rng, 1),
        deliverables="Código fuente con licencia abierta, documentación y manual de operación.",
        category=rng.choice(Category.values),
        amount=Decimal(rng.randrange(200, 8_000) * 1_000),
        finalists_count=rng.randint(3, 8),
        licences=rng.sample(sorted(OPEN_SOURCE_LICENCES), rng.randint(1, 3)),
    )
    if kind in ("open", Stage.DRAFT, Stage.IN_REVIEW, Stage.CANCELLED):
        questions = now + days(rng.uniform(2, 20))
        submissions = questions + days(rng.uniform(5, 25))
    else:
        submissions = now - days(rng.uniform(*DAYS_SINCE_DEADLINE[kind]))
        questions = submissions - days(rng.uniform(10, 15))
    c.questions_close_at = questions
    c.submissions_close_at = submissions
    c.evaluation_ends_at = submissions + days(21)
    c.demo_day_at = submissions + days(35)
    c.decision_at = submissions + days(42)
    c.delivery_at = submissions + days(240)

    if kind in (Stage.DRAFT, Stage.IN_REVIEW):
        c.stage = kind
        c.created_at = now - days(rng.uniform(1, 30))
        if kind == Stage.IN_REVIEW:
            c.in_review_at = now - days(rng.uniform(0.1, 1))
        return c

    c.published_at = min(questions - days(rng.uniform(5, 45)), now - days(0.5))
    c.in_review_at = c.published_at - days(rng.uniform(1, 4))
    c.created_at = c.in_review_at - days(rng.uniform(3, 30))
    if kind in ("open", "late"):
        c.stage = Stage.PUBLISHED
    elif kind == Stage.CANCELLED:
        c.stage = Stage.CANCELLED
        c.cancelled_at = now - days(rng.uniform(0, (now - c.published_at).days))
        c.outcome_reason = "La dependencia reasignó el presupuesto a la atención de una emergencia."
    else:
        reached = Stage.EVALUATION if kind == Stage.DESERTED else kind
        for _stage, stamp, after in STAMPS[: PATH_ORDER.index(reached) + 1]:
            setattr(c, stamp, submissions + days(after))
        c.stage = kind
        if kind == Stage.DESERTED:
            c.deserted_at = submissions + days(8)
            c.outcome_reason = "Ninguna propuesta alcanzó la calificación mínima."
    return c


def make_criteria(challenge: Challenge, rng: random.Random) -> list[Criterion]:
    count = rng.randint(3, 5) if challenge.slug != slug_for(DETAIL_INDEX) else 5
    chosen = rng.sample(CRITERIA, count)
    # ``count`` integer weights of at least 5 that sum to 100.
    spare = 100 - 5 * count
    cuts = sorted(rng.choices(range(spare + 1), k=count - 1))
    weights = [5 + b - a for a, b in zip([0, *cuts], [*cuts, spare], strict=True)]
    return [
        Criterion(
            challenge=challenge,
            name=name,
            description="Cómo se califica este aspecto de la propuesta.",
            weight=Decimal(weight),
            expertise_area=area,
            position=position,
        )
        for position, ((name, area), weight) in enumerate(zip(chosen, weights, strict=True))
    ]


def slug_for(i: int) -> str:
    return f"{CHALLENGE_PREFIX}{i:05d}"


@transaction.atomic
def generate(target_public: int, seed: int) -> dict:
    now = timezone.now()
    states = {s.code: s for s in State.objects.all()}

    have_bodies = Organization.objects.filter(slug__startswith=BODY_PREFIX).count()
    Organization.objects.bulk_create(
        make_body(i, states, now) for i in range(have_bodies, body_count_for(target_public))
    )
    bodies = list(Organization.objects.filter(slug__startswith=BODY_PREFIX).order_by("slug"))

    mine = Challenge.objects.filter(slug__startswith=CHALLENGE_PREFIX)
    public = mine.public().count()
    i = mine.count()
    new: list[Challenge] = []
    rngs: list[random.Random] = []
    while public < target_public:
        rng = random.Random(f"{seed}-{i}")
        kind = pick_kind(i, rng)
        new.append(make_challenge(i, kind, bodies[rng.randrange(len(bodies))], rng, now))
        rngs.append(rng)
        public += kind not in (Stage.DRAFT, Stage.IN_REVIEW)
        i += 1
    Challenge.objects.bulk_create(new, batch_size=500)
    criteria = [c for ch, rng in zip(new, rngs, strict=True) for c in make_criteria(ch, rng)]
    Criterion.objects.bulk_create(criteria, batch_size=2_000)
    return {"created": len(new), "criteria_created": len(criteria)}


def manifest() -> dict:
    mine = Challenge.objects.filter(slug__startswith=CHALLENGE_PREFIX)
    by_stage = Counter(mine.values_list("stage", flat=True))
    return {
        "public_challenges": mine.public().count(),
        "non_public_challenges": mine.exclude(stage__in=PUBLIC_STAGES).count(),
        "bodies": Organization.objects.filter(slug__startswith=BODY_PREFIX).count(),
        "criteria": Criterion.objects.filter(challenge__in=mine).count(),
        "by_stage": dict(sorted(by_stage.items())),
        "detail_slug": slug_for(DETAIL_INDEX),
        "public_slugs_sample": list(
            mine.public().order_by("slug").values_list("slug", flat=True)[:20]
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--challenges", type=int, required=True, help="public challenges wanted")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    started = time.perf_counter()
    created = generate(args.challenges, args.seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give later
            cursor.execute("ANALYZE")
    result = {**manifest(), **created, "seconds": round(time.perf_counter() - started, 2)}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
