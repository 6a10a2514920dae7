"""The demo data: loaded through the services, complete, idempotent, and right on any day."""

import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from itertools import pairwise
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

from retos.accounts.models import Expertise, User
from retos.challenges.models import TIMELINE_FIELDS, Challenge, Criterion
from retos.challenges.stages import WINDOWS, Stage, closed_by_time
from retos.demo import data
from retos.demo.loader import DemoError, DemoLoader
from retos.demo.timeline import build_timeline
from retos.ledger.models import Event
from retos.organizations.mexico import check_rfc
from retos.organizations.models import Level, Membership, Organization, Role

MODELS = [User, Expertise, Organization, Membership, Challenge, Criterion, Event]


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    """Load the demo once for the whole module, in a transaction rolled back at its end.

    Each test's own transaction nests inside (as a savepoint), so tests stay isolated while
    the few seconds of loading are paid once.
    """
    with (
        django_db_blocker.unblock(),
        # The autouse fixture's fast hasher is function-scoped; this load happens before it.
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield load()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_loaded_once, db):
    return _loaded_once


def test_a_second_run_changes_nothing(demo):
    before = counts()
    last_event = Event.objects.last().sequence

    output = load()

    assert "Demo data already loaded" in output
    assert counts() == before
    assert Event.objects.last().sequence == last_event


def test_every_stage_has_a_challenge(demo):
    now = timezone.now()
    stages = {c.current_stage_at(now) for c in Challenge.objects.all()}
    assert stages == set(Stage)
    published = Challenge.objects.in_stage(Stage.PUBLISHED, now)
    # One still answering questions, one past its questions but still taking proposals.
    assert published.filter(WINDOWS["questions"].q(now)).exists()
    assert published.exclude(WINDOWS["questions"].q(now)).filter(WINDOWS["submissions"].q(now))
    for challenge in Challenge.objects.filter(stage__in=[Stage.CANCELLED, Stage.DESERTED]):
        assert challenge.outcome_reason


def test_the_program_s_two_famous_tools_exist(demo):
    alert = Challenge.objects.get(title__icontains="alerta temprana")
    assert alert.body.acronym == "SEGOB"
    assert alert.stage == Stage.COMPLETED
    corruption = Challenge.objects.get(title__icontains="corrupción")
    assert corruption.body.acronym == "SABG"


def test_challenges_are_complete_and_in_order(demo):
    for challenge in Challenge.objects.all():
        assert challenge.problem_statement and challenge.context and challenge.deliverables
        assert Decimal(100_000) <= challenge.amount <= Decimal(5_000_000)
        assert 1 <= challenge.finalists_count <= 5
        assert challenge.licences
        dates = [getattr(challenge, f) for f in TIMELINE_FIELDS]
        assert all(a < b for a, b in pairwise(dates)), challenge.slug
        weights = challenge.criteria.aggregate(total=Sum("weight"))["total"]
        assert weights == 100, challenge.slug
        assert not challenge.criteria.filter(expertise_area="").exists()


def test_organizations(demo):
    bodies = Organization.objects.government().verified()
    assert bodies.filter(level=Level.FEDERAL).count() >= 8
    assert bodies.filter(level=Level.STATE).count() >= 2
    assert bodies.filter(level=Level.MUNICIPAL).count() >= 2
    for body in Organization.objects.government():
        roles = set(body.memberships.values_list("role", flat=True))
        assert {Role.ADMIN, Role.OFFICIAL, Role.APPROVER} <= roles
    for body in Organization.objects.government().filter(level=Level.MUNICIPAL):
        assert body.municipality_code.startswith(body.state_id)

    companies = Organization.objects.companies()
    assert companies.count() >= 30
    for company in companies:
        checked = check_rfc(company.rfc)
        assert checked.is_legal_person and not checked.check_digit_warning, company.rfc
        assert company.is_sme, company.name
        assert company.memberships.filter(role=Role.ADMIN).exists()
    sizes = {c.sme_size for c in companies}
    assert sizes == {"micro", "small", "medium"}


def test_people_and_credentials(demo):
    assert User.objects.filter(is_expert=True, expertise__isnull=False).distinct().count() >= 12
    staff = authenticate(email=data.STAFF_EMAIL, password=data.DEMO_PASSWORD)
    assert staff is not None and staff.is_platform_staff
    for email in ["funcionario@segob.example", "direccion@cenzontle.example"]:
        assert authenticate(email=email, password=data.DEMO_PASSWORD) is not None
        assert email in demo
    assert data.DEMO_PASSWORD in demo


def test_the_ledger_tells_the_history_in_order(demo):
    events = list(Event.objects.order_by("sequence"))
    assert len(events) > 300
    assert all(a.occurred_at <= b.occurred_at for a, b in pairwise(events))
    assert events[-1].occurred_at < timezone.now()
    for challenge in Challenge.objects.all():
        actions = list(Event.objects.for_subject(challenge).values_list("action", flat=True))
        assert actions[0] == "challenge.created"
        assert Event.objects.for_subject(challenge).filter(actor__isnull=False).exists()
    completed = Challenge.objects.get(title__icontains="alerta temprana")
    assert list(Event.objects.for_subject(completed).values_list("action", flat=True)) == [
        "challenge.created",
        *(
            f"challenge.{name}"
            for name in [
                "submit_for_review",
                "approve",
                "close",
                "open",
                "start_evaluation",
                "confirm_finalists",
                "decide",
                "award",
                "start_implementation",
                "complete",
            ]
        ),
    ]


def test_without_time_machine_the_loader_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "time_machine", None)
    with pytest.raises(DemoError, match="time-machine"):
        DemoLoader().run()


# The calendar, without the database: on every day of a year, each challenge lands in its stage.


def _stage_after(spec, timeline, moment) -> Stage:
    """The stage the steps lead to, with time closing a published challenge."""
    stage = {
        "create": Stage.DRAFT,
        "submit_for_review": Stage.IN_REVIEW,
        "request_changes": Stage.DRAFT,
        "update_draft": Stage.DRAFT,
        "approve": Stage.PUBLISHED,
        "close": Stage.CLOSED,
        "open": Stage.OPENED,
        "start_evaluation": Stage.EVALUATION,
        "confirm_finalists": Stage.FINALISTS,
        "decide": Stage.DECIDED,
        "award": Stage.AWARDED,
        "start_implementation": Stage.IMPLEMENTATION,
        "complete": Stage.COMPLETED,
        "cancel": Stage.CANCELLED,
        "declare_deserted": Stage.DESERTED,
    }[timeline.steps[-1][1]]

    approved = [when for when, action in timeline.steps if action == "approve"]
    row = SimpleNamespace(
        pk=None,  # not saved: no pending questions to look up
        stage=stage,
        published_at=approved[0] if approved else None,
        submissions_close_at=timeline.dates["submissions_close_at"],
    )
    return Stage.CLOSED if closed_by_time(row, moment) else stage


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2027, 7, 1)])
def test_the_calendar_holds_on_every_day(start):
    bodies = {b.key: b for b in data.BODIES}
    for offset in range(366):
        today = start + timedelta(days=offset)
        central = ZoneInfo("America/Mexico_City")
        first_moment = datetime.combine(today, time(0, 0), tzinfo=central)
        last_moment = datetime.combine(today, time(23, 59), tzinfo=central)
        questions_open = set()
        for spec in data.CHALLENGES:
            body = bodies[spec.body]
            timeline = build_timeline(spec, today, body.time_zone)
            whens = [when for when, _action in timeline.steps]
            assert all(a < b for a, b in pairwise(whens)), (today, spec.key)
            assert whens[-1] < first_moment, (today, spec.key)
            dates = list(timeline.dates.values())
            assert all(a < b for a, b in pairwise(dates)), (today, spec.key)
            steps = {action: when for when, action in timeline.steps}
            if "approve" in steps:
                assert steps["approve"] < timeline.dates["questions_close_at"]
            for moment in (first_moment, last_moment):
                assert _stage_after(spec, timeline, moment) == spec.target, (today, spec.key)
            if spec.target == Stage.PUBLISHED:
                is_open = {
                    timeline.dates["questions_close_at"] > m for m in (first_moment, last_moment)
                }
                assert len(is_open) == 1, (today, spec.key)
                questions_open |= is_open
        # Both windows of a published challenge are on show.
        assert questions_open == {True, False}, today
