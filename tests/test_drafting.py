"""Drafting: the guided editor, the preview, "my challenges" and the review pages.

Every action here is tried by every role at every stage before publication and after: an
allowed action works, and every other attempt is a 404 (anonymous visitors are sent to sign
in), with nothing changed.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from retos.challenges import services
from retos.challenges.models import TIMELINE_FIELDS, Challenge, ReviewComment
from retos.challenges.stages import Stage
from retos.drafting.steps import STEPS, step_missing
from tests.factories import (
    ChallengeFactory,
    DraftChallengeFactory,
    GovernmentBodyFactory,
    MembershipFactory,
    UserFactory,
)
from tests.lifecycle import ROLES, challenge_in, person

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
SQL = "'; DROP TABLE challenges_challenge; --"
STAGES = [Stage.DRAFT, Stage.IN_REVIEW, Stage.PUBLISHED]
STEP_KEYS = [s.key for s in STEPS]

EDITORS = {"body_official", "body_approver"}
MEMBERS = {"body_admin", "body_official", "body_approver", "body_opening_officer"}
BEFORE_PUBLICATION = {Stage.DRAFT, Stage.IN_REVIEW}


def url(name, challenge=None, **kwargs):
    """The English address of a page (the pages' own words are asserted in English)."""
    if challenge is not None:
        kwargs["slug"] = challenge.slug
    with translation.override("es-mx"):
        return "/en" + reverse(name, kwargs=kwargs)


def public_url(challenge):
    return url("challenges:detail", challenge)


def log_in(client, role, body):
    viewer = person(role, body)
    if viewer.is_authenticated:
        client.force_login(viewer)
    return viewer


def assert_denied(response, role):
    if role == "anonymous":
        assert response.status_code == 302
        assert "/cuenta/entrar/" in response["Location"]
    else:
        assert response.status_code == 404


def local(value: datetime, zone: str) -> dict:
    """A datetime as the date and time an official types on the agency's clock."""
    wall = value.astimezone(ZoneInfo(zone))
    return {"date": wall.strftime("%Y-%m-%d"), "time": wall.strftime("%H:%M")}


def timeline_data(body, start=None, **overrides) -> dict:
    """The timeline step's form data: dates ahead, in order, on the body's clock."""
    start = start or timezone.now()
    offsets = dict(zip(TIMELINE_FIELDS, [15, 30, 60, 70, 80, 200], strict=True))
    data = {}
    for name, days in offsets.items():
        value = overrides.get(name, start + timedelta(days=days))
        if value is None:
            data[f"{name}_date"] = data[f"{name}_time"] = ""
            continue
        parts = local(value, body.time_zone)
        data[f"{name}_date"], data[f"{name}_time"] = parts["date"], parts["time"]
    return data


def criteria_data(rows, total_forms=None) -> dict:
    data = {
        "criteria-TOTAL_FORMS": str(total_forms or len(rows)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{i}-{key}"] = value
    return data


GOOD_CRITERIA = [
    {
        "name": "Solución técnica",
        "description": "Arquitectura abierta",
        "weight": "60",
        "expertise_area": "technology",
    },
    {"name": "Experiencia de uso", "description": "", "weight": "40", "expertise_area": "data"},
]


def step_post(key, challenge):
    """Valid data for each step, and a check that it was stored."""
    body = challenge.body
    return {
        "problema": (
            {
                "title": "Título nuevo",
                "summary": "Resumen nuevo",
                "problem_statement": "Problema nuevo",
                "context": "Contexto nuevo",
                "category": "health",
            },
            lambda c: c.title == "Título nuevo" and c.context == "Contexto nuevo",
        ),
        "personas": (
            {"users_affected": "Personas nuevas"},
            lambda c: c.users_affected == "Personas nuevas",
        ),
        "resultados": (
            {"expected_outcomes": "Resultados nuevos", "deliverables": ""},
            lambda c: c.expected_outcomes == "Resultados nuevos",
        ),
        "monto": (
            {"amount": "2,500,000.50", "finalists_count": "3"},
            lambda c: c.amount == Decimal("2500000.50") and c.finalists_count == 3,
        ),
        "criterios": (
            criteria_data(GOOD_CRITERIA),
            lambda c: (
                [x.name for x in c.criteria.all()] == ["Solución técnica", "Experiencia de uso"]
            ),
        ),
        "elegibilidad": (
            {"eligibility": "Requisito nuevo", "max_company_size": "small"},
            lambda c: c.eligibility == "Requisito nuevo" and c.max_company_size == "small",
        ),
        "licencias": ({"licences": ["EUPL-1.2"]}, lambda c: c.licences == ["EUPL-1.2"]),
        "calendario": (
            timeline_data(body, timezone.now() + timedelta(days=1)),
            lambda c: c.delivery_at > timezone.now() + timedelta(days=200),
        ),
        "documentos": ({}, lambda c: True),
    }[key]


def snapshot(challenge):
    challenge.refresh_from_db()
    fields = {f.name: getattr(challenge, f.name) for f in Challenge._meta.concrete_fields}
    fields["criteria"] = list(challenge.criteria.values_list("name", "weight"))
    return fields


# --- The permission matrix ------------------------------------------------------------------


@pytest.mark.parametrize("verified", [True, False], ids=["verified", "unverified"])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_start_a_challenge(client, role, verified):
    body = GovernmentBodyFactory(verified_at=timezone.now() if verified else None)
    log_in(client, role, body)
    data = {
        "body": body.pk,
        "title": "Alerta sísmica",
        "summary": "Avisar a tiempo.",
        "problem_statement": "Las alertas no llegan.",
        "category": "civil_protection",
        "amount": "1000000",
    }
    response = client.post(url("drafting:start"), data)
    created = Challenge.objects.filter(title="Alerta sísmica")
    if role in EDITORS and verified:
        assert response.status_code == 302
        challenge = created.get()
        assert challenge.body == body and challenge.stage == Stage.DRAFT
        assert response["Location"] == url("drafting:step", challenge, step="personas")
    else:
        assert_denied(response, role)
        assert not created.exists()


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", STEP_KEYS)
def test_who_may_edit_each_step(client, key, role, stage):
    body = GovernmentBodyFactory()
    challenge = challenge_in(stage, body=body)
    log_in(client, role, body)
    page = url("drafting:step", challenge, step=key)
    data, stored = step_post(key, challenge)
    before = snapshot(challenge)
    get, post = client.get(page), client.post(page, data)
    if role in EDITORS and stage == Stage.DRAFT:
        assert get.status_code == 200
        assert post.status_code == 302, post.content.decode()[-2000:]
        challenge.refresh_from_db()
        assert stored(challenge)
    else:
        assert_denied(get, role)
        assert_denied(post, role)
        assert snapshot(challenge) == before


def _expected(action, role, stage) -> bool:
    staff = role == "platform_staff"
    return {
        "overview": role in MEMBERS and stage in BEFORE_PUBLICATION,
        "preview": (role in MEMBERS and stage in BEFORE_PUBLICATION)
        or (staff and stage == Stage.IN_REVIEW),
        "review": staff and stage in BEFORE_PUBLICATION,
        "submit_for_review": role == "body_approver" and stage == Stage.DRAFT,
        "approve": staff and stage == Stage.IN_REVIEW,
        "schedule": staff and stage == Stage.IN_REVIEW,
        "request_changes": staff and stage == Stage.IN_REVIEW,
        "comment": (role in {"body_admin", "body_official", "body_approver"} or staff)
        and stage in BEFORE_PUBLICATION,
    }[action]


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["overview", "preview", "review"])
def test_who_may_see_each_page(client, page, role, stage):
    body = GovernmentBodyFactory()
    challenge = challenge_in(stage, body=body)
    log_in(client, role, body)
    response = client.get(url(f"drafting:{page}", challenge))
    if _expected(page, role, stage):
        assert response.status_code == 200
        assert challenge.title in response.text
    else:
        assert_denied(response, role)


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "action", ["submit_for_review", "approve", "schedule", "request_changes", "comment"]
)
def test_who_may_act(client, action, role, stage):
    body = GovernmentBodyFactory()
    challenge = challenge_in(stage, body=body)
    log_in(client, role, body)
    publish_at = timezone.now() + timedelta(days=2)
    data = {
        "submit_for_review": {},
        "approve": {},
        "schedule": {
            "publish-date": local(publish_at, body.time_zone)["date"],
            "publish-time": local(publish_at, body.time_zone)["time"],
        },
        "request_changes": {"changes-reason": "Aclarar el entregable."},
        "comment": {"comment-body": "¿Podemos mover la fecha?", "return_to": "overview"},
    }[action]
    before = snapshot(challenge)
    comments = ReviewComment.objects.count()
    response = client.post(url(f"drafting:{action}", challenge), data)
    if not _expected(action, role, stage):
        assert_denied(response, role)
        assert snapshot(challenge) == before
        assert ReviewComment.objects.count() == comments
        return
    assert response.status_code == 302, response.content.decode()[-2000:]
    challenge.refresh_from_db()
    if action == "submit_for_review":
        assert challenge.stage == Stage.IN_REVIEW
    elif action == "approve":
        assert challenge.stage == Stage.PUBLISHED and challenge.is_public
        assert response["Location"] == public_url(challenge)
    elif action == "schedule":
        assert challenge.stage == Stage.PUBLISHED and not challenge.is_public
        assert abs(challenge.published_at - publish_at) < timedelta(minutes=1)
    elif action == "request_changes":
        assert challenge.stage == Stage.DRAFT
        assert challenge.review_comments.get().requests_changes
    else:
        assert challenge.review_comments.get().body == "¿Podemos mover la fecha?"


@pytest.mark.parametrize("role", ROLES)
def test_only_platform_staff_see_the_review_queue(client, role):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.IN_REVIEW, body=body)
    log_in(client, role, body)
    response = client.get(url("drafting:review_queue"))
    if role == "platform_staff":
        assert response.status_code == 200
        assert challenge.title in response.text
    else:
        assert_denied(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_my_challenges_lists_only_the_bodies_of_the_person(client, role):
    body = GovernmentBodyFactory()
    mine = challenge_in(Stage.DRAFT, body=body, title="Borrador de la casa")
    challenge_in(Stage.DRAFT, title="Borrador ajeno")
    log_in(client, role, body)
    response = client.get(url("drafting:my_challenges"))
    if role == "anonymous":
        assert_denied(response, role)
        return
    assert response.status_code == 200
    assert "Borrador ajeno" not in response.text
    assert (mine.title in response.text) == (role in MEMBERS)


def test_an_unknown_step_is_404(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body)
    log_in(client, "body_official", body)
    assert client.get(url("drafting:overview", challenge) + "nada/").status_code == 404
    assert client.get("/en/retos/no-existe/borrador/problema/").status_code == 404


# --- Starting and resuming a draft ----------------------------------------------------------


def test_an_official_of_several_bodies_chooses_the_body(client):
    first, second = GovernmentBodyFactory(name="A"), GovernmentBodyFactory(name="B")
    official = MembershipFactory(organization=first, role="official").user
    MembershipFactory(organization=second, role="approver", user=official)
    client.force_login(official)
    page = client.get(url("drafting:start")).text
    assert 'type="radio" name="body"' in page and "<legend>Government body</legend>" in page
    data = {
        "title": "Reto",
        "summary": "Resumen",
        "problem_statement": "Problema",
        "category": "health",
        "amount": "1000",
    }
    refused = client.post(url("drafting:start"), data)
    assert refused.status_code == 200
    assert 'href="#id_body_0"' in refused.text
    assert "Choose the body the challenge belongs to." in refused.text
    assert client.post(url("drafting:start"), {**data, "body": second.pk}).status_code == 302
    assert Challenge.objects.get().body == second
    # A body the person may not draft for is not there to choose.
    assert client.post(url("drafting:start"), {**data, "body": "9999"}).status_code == 404


def test_an_official_of_an_unverified_body_is_told_why_they_cannot_start(client):
    body = GovernmentBodyFactory(verified_at=None, name="Secretaría en trámite")
    client.force_login(MembershipFactory(organization=body, role="official").user)
    response = client.get(url("drafting:start"))
    assert response.status_code == 200
    assert "Secretaría en trámite" in response.text
    assert "have not verified" in response.text


def test_a_draft_starts_with_just_its_title(client):
    body = GovernmentBodyFactory()
    client.force_login(MembershipFactory(organization=body, role="official").user)
    refused = client.post(url("drafting:start"), {"title": "", "action": "exit"})
    assert refused.status_code == 200
    assert 'href="#id_title"' in refused.text
    assert 'href="#id_summary"' not in refused.text and 'href="#id_amount"' not in refused.text
    assert not Challenge.objects.exists()
    response = client.post(url("drafting:start"), {"title": "Solo el título", "action": "exit"})
    assert response.status_code == 302
    draft = Challenge.objects.get()
    assert draft.title == "Solo el título" and draft.amount is None and draft.summary == ""


def test_a_saved_step_survives_a_closed_browser_and_the_draft_resumes(client):
    body = GovernmentBodyFactory()
    official = MembershipFactory(organization=body, role="official").user
    client.force_login(official)
    client.post(
        url("drafting:start"),
        {
            "title": "Alerta temprana",
            "summary": "Avisar a tiempo.",
            "problem_statement": "Las alertas no llegan.",
            "context": "Hubo un sismo.",
            "category": "civil_protection",
            "amount": "1,000,000",
            "action": "next",
        },
    )
    challenge = Challenge.objects.get()
    step2 = url("drafting:step", challenge, step="personas")
    response = client.post(
        step2, {"users_affected": "Personas en zonas sísmicas", "action": "exit"}
    )
    assert response["Location"] == url("drafting:overview", challenge)

    client.logout()  # the browser is closed; another day, another session
    client.force_login(official)
    mine = client.get(url("drafting:my_challenges")).text
    assert url("drafting:overview", challenge) in mine
    overview = client.get(url("drafting:overview", challenge)).text
    assert "Step 2: Users affected" in overview
    # The first step with something missing is offered to continue with: the start page only
    # keeps the first step's fields, so the amount is still to do.
    assert "Continue with step 4: Amount and finalists" in overview
    page = client.get(step2).text
    assert "Personas en zonas sísmicas" in page
    assert "Alerta temprana" in client.get(url("drafting:step", challenge, step="problema")).text
    assert "Hubo un sismo." in client.get(url("drafting:step", challenge, step="problema")).text


def test_partial_data_is_accepted_and_what_is_missing_is_listed(client):
    body = GovernmentBodyFactory()
    challenge = DraftChallengeFactory(
        body=body,
        licences=[],
        criteria=[],
        questions_close_at=None,
        submissions_close_at=None,
        evaluation_ends_at=None,
        demo_day_at=None,
        decision_at=None,
        delivery_at=None,
    )
    client.force_login(MembershipFactory(organization=body, role="official").user)
    page = url("drafting:step", challenge, step="resultados")
    assert (
        client.post(page, {"expected_outcomes": "", "deliverables": "El código"}).status_code == 302
    )
    only_one_date = timeline_data(body, **dict.fromkeys(TIMELINE_FIELDS[1:]))
    timeline = url("drafting:step", challenge, step="calendario")
    assert client.post(timeline, only_one_date).status_code == 302
    challenge.refresh_from_db()
    assert challenge.deliverables == "El código" and challenge.expected_outcomes == ""
    assert challenge.questions_close_at is not None and challenge.submissions_close_at is None
    with translation.override("en"):
        text = client.get(timeline).text
        assert "Set when questions close and when submissions close." in text
        overview = client.get(url("drafting:overview", challenge)).text
    assert "Add at least one evaluation criterion." in overview
    assert "Allow at least one OSI-approved open-source licence." in overview
    assert 'class="status status-todo">To do<' in overview
    assert 'class="status status-optional">Optional, not filled in yet<' in overview


def test_an_unchanged_step_writes_nothing(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body, users_affected="Personas")
    client.force_login(MembershipFactory(organization=body, role="official").user)
    from retos.ledger.models import Event

    events = Event.objects.count()
    page = url("drafting:step", challenge, step="personas")
    assert client.post(page, {"users_affected": "Personas"}).status_code == 302
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("next", "licencias"),
        ("previous", "criterios"),
        ("exit", None),
    ],
)
def test_each_button_saves_and_goes_where_it_says(client, action, expected):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(MembershipFactory(organization=body, role="official").user)
    response = client.post(
        url("drafting:step", challenge, step="elegibilidad"),
        {"eligibility": "Nada más", "max_company_size": "micro", "action": action},
    )
    target = (
        url("drafting:step", challenge, step=expected)
        if expected
        else url("drafting:overview", challenge)
    )
    assert response["Location"] == target
    challenge.refresh_from_db()
    assert challenge.eligibility == "Nada más"


def test_a_draft_may_empty_its_amount_and_the_overview_says_it_is_missing(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(MembershipFactory(organization=body, role="official").user)
    response = client.post(
        url("drafting:step", challenge, step="monto"),
        {"amount": "", "finalists_count": "4", "action": "exit"},
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.amount is None and challenge.finalists_count == 4
    overview = client.get(url("drafting:overview", challenge)).text
    assert "Continue with step 4: Amount and finalists" in overview


# --- Criteria -------------------------------------------------------------------------------


def test_weights_that_do_not_add_up_to_100_are_saved_with_the_message(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body, criteria=[])
    client.force_login(MembershipFactory(organization=body, role="official").user)
    page = url("drafting:step", challenge, step="criterios")
    rows = [dict(GOOD_CRITERIA[0]), {**GOOD_CRITERIA[1], "weight": "30 %"}]
    assert client.post(page, criteria_data(rows)).status_code == 302
    assert [c.weight for c in challenge.criteria.all()] == [Decimal(60), Decimal(30)]
    with translation.override("en"):
        text = client.get(page).text
    assert "The weights add up to 90; they must add up to 100." in text
    assert "The criteria weights add up to 90.00; they must add up to 100." in text
    # Made 100: the message says so and nothing is missing any more.
    rows[1]["weight"] = "40"
    client.post(page, criteria_data(rows))
    with translation.override("en"):
        text = client.get(page).text
    assert "The weights add up to 100." in text
    assert "Still to do in this step" not in text


def test_add_another_row_works_without_javascript(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body, criteria=[])
    client.force_login(MembershipFactory(organization=body, role="official").user)
    page = url("drafting:step", challenge, step="criterios")
    first = client.get(page).text  # two empty rows to start
    assert 'name="criteria-1-name"' in first and 'name="criteria-2-name"' not in first
    data = criteria_data([GOOD_CRITERIA[0], {}], total_forms=2)
    response = client.post(page, {**data, "action": "add_row"})
    assert response.status_code == 302
    assert response["Location"].startswith(page + "?filas=2")
    text = client.get(response["Location"]).text
    # The saved criterion and two empty rows: one more than there was.
    assert 'value="criteria-3"' not in text
    assert 'name="criteria-2-name"' in text and 'name="criteria-3-name"' not in text
    assert 'value="Solución técnica"' in text
    assert challenge.criteria.count() == 1


def test_add_another_row_keeps_what_was_typed_when_something_needs_correcting(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body, criteria=[])
    client.force_login(MembershipFactory(organization=body, role="official").user)
    page = url("drafting:step", challenge, step="criterios")
    rows = [{"name": "Sin peso", "description": "", "weight": "", "expertise_area": ""}]
    response = client.post(page, {**criteria_data(rows), "action": "add_row"})
    assert response.status_code == 200
    assert 'name="criteria-1-name"' in response.text
    assert 'value="Sin peso"' in response.text
    assert 'href="#id_criteria-0-weight"' in response.text
    assert "Criterion 1, Weight (%)" in response.text
    assert challenge.criteria.count() == 0


def test_criteria_rows_need_their_parts_and_distinct_names(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(MembershipFactory(organization=body, role="official").user)
    page = url("drafting:step", challenge, step="criterios")
    twins = [dict(GOOD_CRITERIA[0]), {**GOOD_CRITERIA[1], "name": "solución técnica"}]
    response = client.post(page, criteria_data(twins))
    assert response.status_code == 200
    assert "Another criterion has this name" in response.text
    over = [{**GOOD_CRITERIA[0], "weight": "120"}]
    assert "Enter a weight of 100 or less." in client.post(page, criteria_data(over)).text
    assert challenge.criteria.count() == 3  # untouched


def test_a_criterion_is_removed_by_ticking_its_box_or_emptying_its_row(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body, criteria=[])
    client.force_login(MembershipFactory(organization=body, role="official").user)
    page = url("drafting:step", challenge, step="criterios")
    client.post(page, criteria_data(GOOD_CRITERIA))
    rows = [dict(GOOD_CRITERIA[0]), {**GOOD_CRITERIA[1], "DELETE": "on"}]
    client.post(page, criteria_data(rows))
    assert [c.name for c in challenge.criteria.all()] == ["Solución técnica"]
    emptied = dict.fromkeys(GOOD_CRITERIA[0], "")
    assert client.post(page, criteria_data([emptied])).status_code == 302
    assert not challenge.criteria.exists()


# --- Timeline -------------------------------------------------------------------------------


@time_machine.travel(datetime(2030, 1, 7, 15, 0, tzinfo=UTC), tick=False)
@pytest.mark.parametrize(("zone", "utc_hour"), [("America/Cancun", 23), ("America/Mexico_City", 0)])
def test_the_timeline_is_typed_on_the_body_clock_and_stored_in_utc(client, zone, utc_hour):
    body = GovernmentBodyFactory(time_zone=zone)
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(MembershipFactory(organization=body, role="official").user)
    page = url("drafting:step", challenge, step="calendario")
    data = timeline_data(body, start=datetime(2030, 3, 1, tzinfo=UTC))
    data["questions_close_at_date"], data["questions_close_at_time"] = "2030-03-15", "18:00"
    assert client.post(page, data).status_code == 302
    challenge.refresh_from_db()
    stored = challenge.questions_close_at.astimezone(UTC)
    assert (stored.hour, stored.minute) == (utc_hour, 0)
    assert stored.day == (15 if utc_hour else 16)
    # Shown back as it was typed, on the same clock.
    text = client.get(page).text
    assert 'name="questions_close_at_date" value="2030-03-15"' in text
    assert 'name="questions_close_at_time" value="18:00"' in text


def test_out_of_order_dates_are_refused_with_a_clear_message(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body)
    before = snapshot(challenge)
    client.force_login(MembershipFactory(organization=body, role="official").user)
    page = url("drafting:step", challenge, step="calendario")
    soon = timezone.now() + timedelta(days=40)
    data = timeline_data(body, submissions_close_at=soon - timedelta(days=30))
    data.update({f"questions_close_at_{k}": v for k, v in local(soon, body.time_zone).items()})
    with translation.override("en"):
        response = client.post(page, data)
    assert response.status_code == 200
    assert "“Submissions close” must come after “Questions close”." in response.text
    assert 'href="#id_submissions_close_at_date"' in response.text
    assert snapshot(challenge) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"questions_close_at_time": ""}, "Enter the time as well, or leave both empty."),
        ({"questions_close_at_date": ""}, "Enter the date as well, or leave both empty."),
        ({"questions_close_at_date": "2001-01-01"}, "This date has already passed."),
        ({"questions_close_at_date": "mañana"}, "Enter a date like 2027-03-15."),
        ({"questions_close_at_time": "6pm"}, "Enter a time on the 24-hour clock"),
    ],
)
def test_a_date_that_cannot_be_read_says_what_to_do(client, change, message):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(MembershipFactory(organization=body, role="official").user)
    page = url("drafting:step", challenge, step="calendario")
    response = client.post(page, {**timeline_data(body), **change})
    assert response.status_code == 200
    assert message in response.text


def test_a_short_submission_window_is_shown_as_a_warning_with_the_business_days(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(MembershipFactory(organization=body, role="official").user)
    page = url("drafting:step", challenge, step="calendario")
    now = timezone.now()
    data = timeline_data(
        body,
        questions_close_at=now + timedelta(days=1),
        submissions_close_at=now + timedelta(days=3),
    )
    with translation.override("en"):
        response = client.post(page, data, follow=True)
        text = client.get(page).text
    assert "Submissions must stay open at least 10 business days" in response.text
    assert "this timeline gives" in text
    assert "If the challenge were published today, submissions would stay open" in text
    challenge.refresh_from_db()
    assert challenge.submissions_close_at is not None  # a warning, not a refusal


# --- Hostile input --------------------------------------------------------------------------

TEXT_STEPS = {
    "problema": ["title", "summary", "problem_statement", "context"],
    "personas": ["users_affected"],
    "resultados": ["expected_outcomes", "deliverables"],
    "elegibilidad": ["eligibility"],
}
SHOWN_ON_THE_PUBLIC_PAGE = [
    "title",
    "summary",
    "problem_statement",
    "context",
    "expected_outcomes",
    "deliverables",
]


@pytest.mark.parametrize("payload", [SCRIPT, SQL])
def test_hostile_text_in_every_field_is_stored_verbatim_and_shown_escaped(client, payload):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body)
    official = MembershipFactory(organization=body, role="official").user
    client.force_login(official)
    for key, names in TEXT_STEPS.items():
        data = dict.fromkeys(names, payload)
        if key == "problema":
            data["category"] = "health"
        if key == "elegibilidad":
            data["max_company_size"] = "medium"
        response = client.post(url("drafting:step", challenge, step=key), data)
        assert response.status_code == 302, key
    rows = [{**GOOD_CRITERIA[0], "name": payload[:120], "description": payload}]
    client.post(url("drafting:step", challenge, step="criterios"), criteria_data(rows))
    client.post(
        url("drafting:comment", challenge), {"comment-body": payload, "return_to": "overview"}
    )
    challenge.refresh_from_db()
    for names in TEXT_STEPS.values():
        for name in names:
            assert getattr(challenge, name) == payload, name
    criterion = challenge.criteria.get()
    assert (criterion.name, criterion.description) == (payload[:120], payload)
    assert challenge.review_comments.get().body == payload

    pages = [
        url("drafting:preview", challenge),
        url("drafting:overview", challenge),
        url("drafting:my_challenges"),
        *[url("drafting:step", challenge, step=key) for key in STEP_KEYS],
    ]
    for page in pages:
        text = client.get(page).text
        assert SCRIPT not in text, page
    preview = client.get(url("drafting:preview", challenge)).text
    escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&quot;").replace("'", "&#x27;")
    assert preview.count(escaped) >= len(SHOWN_ON_THE_PUBLIC_PAGE)


# --- Preview --------------------------------------------------------------------------------


def test_the_preview_is_the_public_page_as_it_will_be_with_a_banner(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body, title="Mapa de riesgos")
    client.force_login(MembershipFactory(organization=body, role="approver").user)
    with translation.override("en"):
        response = client.get(url("drafting:preview", challenge))
    assert response.templates[0].name == "challenges/detail.html"
    text = response.text
    assert "Preview — not published." in text
    # As the public will see it: published, open, no actions of the viewer, no draft notes.
    assert '<span class="badge badge-published">Published</span>' in text
    assert "The agency is writing the challenge." not in text
    assert "challenges:transition" not in text and "/acciones/" not in text
    assert "Before this draft can go to review" not in text
    assert "$1,250,000.00 MXN" in text
    assert url("drafting:overview", challenge) in text  # back to the draft
    challenge.refresh_from_db()
    assert challenge.stage == Stage.DRAFT and challenge.published_at is None


def test_the_public_page_has_no_preview_banner(client):
    challenge = ChallengeFactory()
    with translation.override("en"):
        text = client.get(public_url(challenge)).text
    assert "Preview — not published" not in text
    assert "drafting.css" not in text


def test_the_preview_of_a_scheduled_challenge_says_when(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.IN_REVIEW, body=body)
    staff = UserFactory(is_platform_staff=True)
    services.challenge_approve(
        challenge=challenge, actor=staff, publish_at=timezone.now() + timedelta(days=2)
    )
    client.force_login(MembershipFactory(organization=body, role="official").user)
    text = client.get(url("drafting:preview", challenge)).text
    assert "once it is published, on" in text


# --- Sending to review and the review ------------------------------------------------------


def test_sending_an_incomplete_draft_shows_what_it_lacks(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body, licences=[], criteria=[])
    client.force_login(MembershipFactory(organization=body, role="approver").user)
    with translation.override("en"):
        response = client.post(url("drafting:submit_for_review", challenge))
    assert response.status_code == 200
    summary = response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert "The challenge was not sent to review." in summary
    assert "Allow at least one OSI-approved open-source licence." in summary
    assert "Add at least one evaluation criterion." in summary
    challenge.refresh_from_db()
    assert challenge.stage == Stage.DRAFT


def test_an_official_is_told_that_an_approver_sends_to_review(client):
    body = GovernmentBodyFactory(name="Secretaría de Movilidad")
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(MembershipFactory(organization=body, role="official").user)
    text = client.get(url("drafting:overview", challenge)).text
    assert "An approver of Secretaría de Movilidad sends the draft to review." in text
    assert url("drafting:submit_for_review", challenge) not in text


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("unverified", "Only verified government bodies can publish."),
        ("short_window", "Submissions must stay open at least 10 business days"),
    ],
)
def test_a_refused_approval_is_shown_in_the_error_summary(client, setup, message):
    body = GovernmentBodyFactory()
    extra = {}
    if setup == "short_window":
        now = timezone.now()
        extra = {
            "questions_close_at": now + timedelta(days=1),
            "submissions_close_at": now + timedelta(days=2),
        }
    challenge = challenge_in(Stage.IN_REVIEW, body=body, **extra)
    if setup == "unverified":
        body.verified_at = None
        body.save()
    client.force_login(UserFactory(is_platform_staff=True))
    with translation.override("en"):
        page = client.get(url("drafting:review", challenge)).text
        response = client.post(url("drafting:approve", challenge))
    assert response.status_code == 200
    summary = response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert message in summary
    assert (message in page) == (setup == "short_window")  # warned before acting
    challenge.refresh_from_db()
    assert challenge.stage == Stage.IN_REVIEW


def test_approving_for_later_keeps_it_private_until_then(client):
    body = GovernmentBodyFactory(time_zone="America/Cancun")
    challenge = challenge_in(Stage.IN_REVIEW, body=body)
    client.force_login(UserFactory(is_platform_staff=True))
    when = (timezone.now() + timedelta(days=3)).astimezone(ZoneInfo("America/Cancun"))
    data = {"publish-date": when.strftime("%Y-%m-%d"), "publish-time": "09:30"}
    response = client.post(url("drafting:schedule", challenge), data)
    assert response["Location"] == url("drafting:review", challenge)
    challenge.refresh_from_db()
    expected = datetime.combine(when.date(), datetime.min.time().replace(hour=9, minute=30))
    assert challenge.published_at == expected.replace(tzinfo=ZoneInfo("America/Cancun"))
    assert challenge.published_at.astimezone(UTC).hour == 14
    assert client.get(public_url(challenge)).status_code == 200  # staff see it in review
    client.logout()
    assert client.get(public_url(challenge)).status_code == 404
    with time_machine.travel(challenge.published_at + timedelta(minutes=1)):
        assert client.get(public_url(challenge)).status_code == 200


def test_approving_for_a_time_gone_by_is_refused(client):
    challenge = challenge_in(Stage.IN_REVIEW)
    client.force_login(UserFactory(is_platform_staff=True))
    with translation.override("en"):
        response = client.post(
            url("drafting:schedule", challenge),
            {"publish-date": "2020-01-01", "publish-time": "10:00"},
        )
    assert response.status_code == 200
    assert "The publication time cannot be in the past." in response.text
    assert client.post(url("drafting:schedule", challenge), {}).status_code == 200
    challenge.refresh_from_db()
    assert challenge.stage == Stage.IN_REVIEW


def test_requesting_changes_needs_a_reason_and_the_agency_reads_it(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.IN_REVIEW, body=body)
    client.force_login(UserFactory(is_platform_staff=True))
    with translation.override("en"):
        refused = client.post(url("drafting:request_changes", challenge), {"changes-reason": " "})
    assert refused.status_code == 200
    assert 'href="#id_changes-reason"' in refused.text
    response = client.post(
        url("drafting:request_changes", challenge), {"changes-reason": "Falta el anexo técnico."}
    )
    assert response["Location"] == url("drafting:review_queue")
    challenge.refresh_from_db()
    assert challenge.stage == Stage.DRAFT

    client.force_login(MembershipFactory(organization=body, role="official").user)
    with translation.override("en"):
        text = client.get(url("drafting:overview", challenge)).text
    assert "Platform staff asked for changes" in text
    assert "Falta el anexo técnico." in text
    mine = client.get(url("drafting:my_challenges")).text
    assert "Changes requested" in mine


def test_the_conversation_is_shared_by_the_body_and_staff(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.IN_REVIEW, body=body)
    staff = UserFactory(is_platform_staff=True, full_name="Revisora Uno")
    official = MembershipFactory(organization=body, role="official").user
    client.force_login(staff)
    response = client.post(
        url("drafting:comment", challenge),
        {"comment-body": "¿Quién recibe la herramienta?", "return_to": "review"},
    )
    assert response["Location"].endswith(url("drafting:review", challenge) + "#conversation")
    client.force_login(official)
    text = client.get(url("drafting:overview", challenge)).text
    assert "¿Quién recibe la herramienta?" in text and "Revisora Uno" in text
    empty = client.post(url("drafting:comment", challenge), {"comment-body": ""})
    assert empty.status_code == 200 and 'href="#id_comment-body"' in empty.text
    # Someone else's draft conversation is nobody else's business.
    client.force_login(MembershipFactory(role="approver").user)
    assert client.get(url("drafting:overview", challenge)).status_code == 404


def test_the_queue_lists_the_longest_waiting_first(client):
    now = timezone.now()
    newer = challenge_in(Stage.IN_REVIEW, title="Recién llegado", in_review_at=now)
    older = challenge_in(
        Stage.IN_REVIEW, title="Espera desde hace días", in_review_at=now - timedelta(days=4)
    )
    challenge_in(Stage.DRAFT, title="Borrador que nadie envió")
    client.force_login(UserFactory(is_platform_staff=True))
    text = client.get(url("drafting:review_queue")).text
    assert text.index(older.title) < text.index(newer.title)
    assert "Borrador que nadie envió" not in text


def test_the_full_path_from_draft_to_public(client):
    body = GovernmentBodyFactory(time_zone="America/Cancun")
    official = MembershipFactory(organization=body, role="official").user
    approver = MembershipFactory(organization=body, role="approver").user
    staff = UserFactory(is_platform_staff=True)

    client.force_login(official)
    response = client.post(
        url("drafting:start"),
        {
            "title": "Alerta de huracanes",
            "summary": "Avisos por mensaje.",
            "problem_statement": "Los avisos no llegan a tiempo.",
            "context": "",
            "category": "civil_protection",
            "amount": "$2,000,000.00",
        },
    )
    challenge = Challenge.objects.get()
    steps = {
        "personas": {"users_affected": "Habitantes de la costa"},
        "resultados": {"expected_outcomes": "Avisos a tiempo", "deliverables": "Código"},
        "monto": {"amount": "2,000,000.00", "finalists_count": "5"},
        "criterios": criteria_data(GOOD_CRITERIA),
        "elegibilidad": {"eligibility": "", "max_company_size": "small"},
        "licencias": {"licences": ["MIT", "AGPL-3.0-or-later"]},
        "calendario": timeline_data(body),
        "documentos": {},
    }
    for key, data in steps.items():
        assert response["Location"] == url("drafting:step", challenge, step=key), key
        response = client.post(response["Location"], {**data, "action": "next"})
    assert response["Location"] == url("drafting:overview", challenge)
    with translation.override("en"):
        overview = client.get(response["Location"]).text
    assert "To do" not in overview
    assert "Everything needed is filled in." in overview

    client.force_login(approver)
    assert client.post(url("drafting:submit_for_review", challenge)).status_code == 302
    challenge.refresh_from_db()
    assert challenge.stage == Stage.IN_REVIEW

    client.force_login(staff)
    assert challenge.title in client.get(url("drafting:review_queue")).text
    assert client.get(url("drafting:review", challenge)).status_code == 200
    response = client.post(url("drafting:approve", challenge))
    assert response["Location"] == public_url(challenge)

    client.logout()
    public = client.get(f"/retos/{challenge.slug}/")
    assert public.status_code == 200
    assert "Alerta de huracanes" in public.text
    assert "Preview" not in public.text


# --- The steps agree with the service -------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"licences": []},
        {"licences": ["WTFPL"]},
        {"questions_close_at": None},
        {"criteria": []},
        {"criteria": [("Solo", Decimal(50), "data")]},
        {"licences": [], "criteria": [], "submissions_close_at": None},
    ],
)
def test_the_steps_report_exactly_what_the_service_finds_missing(changes):
    challenge = challenge_in(Stage.DRAFT, **changes)
    criteria = list(challenge.criteria.all())
    with translation.override("en"):
        from_steps = [m for s in STEPS for m in step_missing(s, challenge, criteria)]
        assert sorted(from_steps) == sorted(services.challenge_problems(challenge))


def test_out_of_order_stored_dates_are_reported_like_the_service_does():
    challenge = challenge_in(Stage.DRAFT)
    # Built in memory: the database would refuse to store it.
    challenge.demo_day_at = challenge.evaluation_ends_at - timedelta(days=1)
    criteria = list(challenge.criteria.all())
    with translation.override("en"):
        from_steps = [m for s in STEPS for m in step_missing(s, challenge, criteria)]
        assert from_steps == services.challenge_problems(challenge)


# --- Query budgets --------------------------------------------------------------------------

# Session, user, the rows themselves, the person's roles (the rules and the header's links use
# them), and the header's count of unread notifications; the overview adds the criteria and the
# review conversation.
BUDGETS = {"overview": 7, "my_challenges": 6, "review_queue": 6}


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(ctx.captured_queries)


def test_the_overview_runs_the_same_queries_with_few_and_many_criteria_and_comments(client):
    body = GovernmentBodyFactory()
    official = MembershipFactory(organization=body, role="official").user
    staff = UserFactory(is_platform_staff=True)
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(official)
    address = url("drafting:overview", challenge)
    small = count_queries(client, address)
    challenge.criteria.all().delete()
    for i in range(20):
        challenge.criteria.create(name=f"C{i}", weight=5, expertise_area="data", position=i)
        ReviewComment.objects.create(challenge=challenge, author=staff, body=f"Comentario {i}")
    for _ in range(30):
        challenge_in(Stage.DRAFT, body=body)
    large = count_queries(client, address)
    assert small == large <= BUDGETS["overview"], (small, large)


@pytest.mark.parametrize("page", ["my_challenges", "review_queue"])
def test_lists_run_the_same_queries_with_10_and_200_challenges(client, page):
    body = GovernmentBodyFactory()
    official = MembershipFactory(organization=body, role="official").user
    viewer = UserFactory(is_platform_staff=True) if page == "review_queue" else official
    client.force_login(viewer)
    stages = [Stage.DRAFT, Stage.IN_REVIEW, Stage.PUBLISHED, Stage.COMPLETED]

    def grow_to(n):
        while Challenge.objects.count() < n:
            challenge_in(stages[Challenge.objects.count() % len(stages)], body=body)

    grow_to(10)
    small = count_queries(client, url(f"drafting:{page}"))
    grow_to(200)
    large = count_queries(client, url(f"drafting:{page}"))
    assert small == large <= BUDGETS[page], (small, large)


def test_requesting_changes_to_a_scheduled_challenge_withdraws_its_publication(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.IN_REVIEW, body=body, problem_statement="Texto del problema")
    staff = UserFactory(is_platform_staff=True)
    services.challenge_approve(
        challenge=challenge, actor=staff, publish_at=timezone.now() + timedelta(days=2)
    )
    client.force_login(staff)
    with translation.override("en"):
        page = client.get(url("drafting:review", challenge)).text
    assert "Approved: it will be published on" in page
    assert url("drafting:approve", challenge) not in page  # already approved
    response = client.post(
        url("drafting:request_changes", challenge), {"changes-reason": "Cambió el monto."}
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.stage == Stage.DRAFT and challenge.published_at is None
    # Back with the agency: staff follow the conversation, not the draft itself.
    draft_page = client.get(url("drafting:review", challenge)).text
    assert "Cambió el monto." in draft_page
    assert "Texto del problema" not in draft_page
