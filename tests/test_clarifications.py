"""Clarifications (junta de aclaraciones): who may ask and answer when, answers to everyone at
once, and the asker never shown to the public."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from retos.challenges import services as challenge_services
from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.clarifications import selectors, services
from retos.clarifications.models import Question, QuestionStatus
from retos.core import rules
from retos.core.errors import DomainError
from retos.ledger.models import Event
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    GovernmentBodyFactory,
    MembershipFactory,
    UserFactory,
)
from tests.lifecycle import ROLES, person

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2026, 2, 1, 15, 0, tzinfo=UTC)
QUESTIONS_CLOSE = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 3, 17, 23, 59, 59, tzinfo=UTC)

SCRIPT = '<script>alert("x")</script>'
SQL = "'; DROP TABLE clarifications_question; --"

# Beyond tests.lifecycle.ROLES: an ordinary member of a company, and an official of the body
# who also belongs to a company (who must not question their own agency's challenge).
ALL_ROLES = [*ROLES, "company_member", "body_official_in_company"]
OFFICIALS = {"body_official", "body_approver", "body_official_in_company"}
COMPANY_PEOPLE = {"company_admin", "company_member"}

# Moments in the life of a challenge; "held" is past the submission deadline with a question
# still pending, "closed" is past it with every question answered (closed by time alone).
WINDOWS = {
    "draft": PUBLISHED + timedelta(days=5),
    "questions": PUBLISHED + timedelta(days=5),
    "after_questions": QUESTIONS_CLOSE + timedelta(days=2),
    "held": DEADLINE + timedelta(hours=2),
    "closed": DEADLINE + timedelta(hours=2),
}


def path(name, challenge, number=None):
    """The Spanish (unprefixed) address of a clarifications page."""
    kwargs = {"slug": challenge.slug, **({"number": number} if number else {})}
    with translation.override("es-mx"):
        return reverse(f"clarifications:{name}", kwargs=kwargs)


def the_person(role, body):
    if role == "company_member":
        return company_member()
    if role == "body_official_in_company":
        user = person("body_official", body)
        MembershipFactory(user=user, organization=CompanyFactory(), role="member")
        return user
    return person(role, body)


def company_member(company=None, **user_fields):
    company = company or CompanyFactory()
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=company, role="member")
    return user


def a_challenge(*, draft=False, **fields):
    dates = {
        "published_at": None if draft else PUBLISHED,
        "questions_close_at": QUESTIONS_CLOSE,
        "submissions_close_at": DEADLINE,
        "evaluation_ends_at": DEADLINE + timedelta(days=20),
        "demo_day_at": DEADLINE + timedelta(days=30),
        "decision_at": DEADLINE + timedelta(days=40),
        "delivery_at": DEADLINE + timedelta(days=200),
    }
    if draft:
        dates["stage"] = Stage.DRAFT
    return ChallengeFactory(**{**dates, **fields})


def a_question(challenge, *, number=None, asker=None, answered=False, **fields):
    asker = asker or company_member()
    company = asker.memberships.first().organization if asker.memberships.exists() else None
    number = number or (challenge.questions.count() + 1)
    if answered:
        fields = {
            "status": QuestionStatus.ANSWERED,
            "answer": "Sí, se permite.",
            "resolved_at": QUESTIONS_CLOSE - timedelta(days=1),
            **fields,
        }
    return Question.objects.create(
        challenge=challenge,
        number=number,
        asker=asker,
        company=company,
        text=fields.pop("text", f"¿Pregunta {number}?"),
        asked_at=fields.pop("asked_at", PUBLISHED + timedelta(days=1)),
        **fields,
    )


def setting(window):
    """A challenge and one question, as they stand at ``window``."""
    body = GovernmentBodyFactory()
    challenge = a_challenge(body=body, draft=window == "draft")
    question = a_question(challenge, answered=window == "closed")
    return body, challenge, question


# ---------------------------------------------------------------------------------------------
# The permission matrix: every role × every window, every denial included.

EXPECTED = {
    "question:ask": {"questions": COMPANY_PEOPLE},
    "question:answer": dict.fromkeys(["questions", "after_questions", "held"], OFFICIALS),
    "question:decline": dict.fromkeys(["questions", "after_questions", "held"], OFFICIALS),
    "question:manage": dict.fromkeys(["questions", "after_questions", "held", "closed"], OFFICIALS),
    "question:see_asker": dict.fromkeys(WINDOWS, OFFICIALS),
    # A deadline is a fact: anyone (or the system) may have the minutes written once due.
    "minutes:generate": {"closed": set(ALL_ROLES)},
}
ON_QUESTION = {"question:answer", "question:decline", "question:see_asker"}


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_permission_matrix(role, window):
    body, challenge, question = setting(window)
    actor = the_person(role, body)
    with time_machine.travel(WINDOWS[window], tick=False):
        got = {
            name: rules.can(actor, name, question if name in ON_QUESTION else challenge)
            for name in EXPECTED
        }
    want = {name: role in EXPECTED[name].get(window, set()) for name in EXPECTED}
    assert got == want


def test_the_windows_are_what_their_names_say():
    for window, moment in WINDOWS.items():
        _, challenge, _ = setting(window)
        with time_machine.travel(moment, tick=False):
            stage = challenge.current_stage_at()
            assert challenge.window_open("questions") is (window == "questions")
            assert stage == {
                "draft": Stage.DRAFT,
                "closed": Stage.CLOSED,
            }.get(window, Stage.PUBLISHED), window


@pytest.mark.parametrize("stage", [Stage.CLOSED, Stage.EVALUATION, Stage.CANCELLED])
def test_no_one_answers_once_the_challenge_has_left_the_published_stage(stage):
    body = GovernmentBodyFactory()
    extra = {"outcome_reason": "Motivo."} if stage == Stage.CANCELLED else {}
    challenge = a_challenge(body=body, stage=stage, **extra)
    question = a_question(challenge)
    with time_machine.travel(WINDOWS["after_questions"], tick=False):
        for role in ALL_ROLES:
            actor = the_person(role, body)
            assert not rules.can(actor, "question:answer", question), role
            assert not rules.can(actor, "question:decline", question), role
            with pytest.raises(DomainError) as excinfo:
                services.question_answer(question=question, actor=actor, answer="Respuesta.")
            assert excinfo.value.code == "not_published"


# ---------------------------------------------------------------------------------------------
# Asking.


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_company_members_ask_during_the_window(role):
    body = GovernmentBodyFactory()
    challenge = a_challenge(body=body)
    actor = the_person(role, body)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        if role in COMPANY_PEOPLE:
            question = services.question_ask(
                challenge=challenge, actor=actor, text="¿Se vale Python?", section="general"
            )
            assert question.number == 1 and question.asker == actor
            assert question.company.kind == "company"
            assert question.asked_at == WINDOWS["questions"]
        else:
            with pytest.raises(PermissionDenied):
                services.question_ask(
                    challenge=challenge, actor=actor, text="¿Se vale?", section="general"
                )
            assert not challenge.questions.exists()


@pytest.mark.parametrize("window", ["draft", "after_questions", "held", "closed"])
def test_asking_outside_the_window_is_refused_with_a_reason(window):
    _body, challenge, _ = setting(window)
    asker = company_member()
    before = Question.objects.count()
    with (
        time_machine.travel(WINDOWS[window], tick=False),
        translation.override("en"),
        pytest.raises(DomainError) as excinfo,
    ):
        services.question_ask(challenge=challenge, actor=asker, text="¿Y?", section="general")
    assert excinfo.value.code == "questions_closed"
    if window in ("after_questions", "held"):
        assert "closed on March 3, 2026, 12:00" in excinfo.value.message
    assert Question.objects.count() == before


def test_the_window_closes_exactly_at_its_time():
    challenge = a_challenge()
    asker = company_member()
    with time_machine.travel(QUESTIONS_CLOSE - timedelta(microseconds=1), tick=False):
        services.question_ask(
            challenge=challenge, actor=asker, text="¿A tiempo?", section="general"
        )
    with time_machine.travel(QUESTIONS_CLOSE, tick=False), pytest.raises(DomainError):
        services.question_ask(challenge=challenge, actor=asker, text="¿Tarde?", section="general")


def test_questions_are_numbered_per_challenge():
    first, second = a_challenge(), a_challenge()
    asker = company_member()
    with time_machine.travel(WINDOWS["questions"], tick=False):
        numbers = [
            services.question_ask(challenge=c, actor=asker, text="¿?", section="general").number
            for c in (first, first, second, first)
        ]
    assert numbers == [1, 2, 1, 3]


def test_a_member_of_several_companies_says_which_one_and_only_their_own():
    mine, also_mine, not_mine = CompanyFactory(), CompanyFactory(), CompanyFactory()
    asker = company_member(mine)
    MembershipFactory(user=asker, organization=also_mine, role="admin")
    challenge = a_challenge()
    with time_machine.travel(WINDOWS["questions"], tick=False):
        with pytest.raises(DomainError) as excinfo:
            services.question_ask(challenge=challenge, actor=asker, text="¿?", section="general")
        assert excinfo.value.code == "company_required"
        with pytest.raises(PermissionDenied):
            services.question_ask(
                challenge=challenge, actor=asker, text="¿?", section="general", company=not_mine
            )
        question = services.question_ask(
            challenge=challenge, actor=asker, text="¿?", section="general", company=also_mine
        )
    assert question.company == also_mine


@pytest.mark.parametrize(
    ("text", "section", "code"),
    [
        ("   ", "general", "text_required"),
        ("¿?", "nope", "section"),
        ("x" * 5001, "general", "too_long"),
    ],
)
def test_a_question_needs_text_and_a_known_section(text, section, code):
    challenge = a_challenge()
    with time_machine.travel(WINDOWS["questions"], tick=False), pytest.raises(DomainError) as exc:
        services.question_ask(
            challenge=challenge, actor=company_member(), text=text, section=section
        )
    assert exc.value.code == code


# ---------------------------------------------------------------------------------------------
# Answering.


@pytest.mark.parametrize("window", ["questions", "after_questions", "held"])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_the_bodys_officials_answer_and_even_after_the_window(role, window):
    body, _challenge, question = setting(window)
    actor = the_person(role, body)
    moment = WINDOWS[window]
    with time_machine.travel(moment, tick=False):
        if role in OFFICIALS:
            services.question_answer(question=question, actor=actor, answer="Sí.")
            question.refresh_from_db()
            assert question.status == QuestionStatus.ANSWERED
            assert question.resolved_at == moment and question.resolved_by == actor
        else:
            with pytest.raises(PermissionDenied):
                services.question_answer(question=question, actor=actor, answer="Sí.")
            with pytest.raises(PermissionDenied):
                services.question_decline(question=question, actor=actor, reason="No aplica.")
            question.refresh_from_db()
            assert question.status == QuestionStatus.PENDING and question.resolved_at is None


def test_an_answer_or_a_decline_is_final():
    body, _challenge, question = setting("after_questions")
    official = person("body_official", body)
    with time_machine.travel(WINDOWS["after_questions"], tick=False):
        services.question_answer(question=question, actor=official, answer="Primera respuesta.")
        events = Event.objects.count()
        for call in (
            lambda: services.question_answer(question=question, actor=official, answer="Otra."),
            lambda: services.question_decline(question=question, actor=official, reason="No."),
        ):
            with pytest.raises(DomainError) as excinfo:
                call()
            assert excinfo.value.code == "already_resolved"
    question.refresh_from_db()
    assert question.answer == "Primera respuesta." and question.decline_reason == ""
    assert Event.objects.count() == events


def test_declining_needs_a_published_reason_and_answering_a_text():
    body, _challenge, question = setting("questions")
    official = person("body_approver", body)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        with pytest.raises(DomainError) as excinfo:
            services.question_decline(question=question, actor=official, reason="  ")
        assert excinfo.value.code == "reason_required"
        with pytest.raises(DomainError) as excinfo:
            services.question_answer(question=question, actor=official, answer="")
        assert excinfo.value.code == "text_required"
        services.question_decline(question=question, actor=official, reason="Fuera del alcance.")
    question.refresh_from_db()
    assert question.status == QuestionStatus.DECLINED
    assert question.decline_reason == "Fuera del alcance."
    assert question.resolved_at == WINDOWS["questions"]


def test_a_pending_question_holds_the_close_and_its_answer_releases_it():
    body = GovernmentBodyFactory()
    challenge = a_challenge(body=body)
    asker = company_member()
    with time_machine.travel(QUESTIONS_CLOSE - timedelta(hours=1), tick=False):
        question = services.question_ask(
            challenge=challenge, actor=asker, text="¿Hay prórroga?", section="timeline"
        )
    with time_machine.travel(DEADLINE + timedelta(hours=2), tick=False):
        assert challenge.current_stage_at() == Stage.PUBLISHED
        assert challenge.window_open("submissions")
        with pytest.raises(DomainError):
            challenge_services.challenge_close(challenge=challenge)
    answered_at = DEADLINE + timedelta(hours=3)
    with time_machine.travel(answered_at, tick=False):
        services.question_answer(
            question=question, actor=person("body_official", body), answer="No hay prórroga."
        )
        fresh = Challenge.objects.get(pk=challenge.pk)
        assert fresh.current_stage_at() == Stage.CLOSED
        assert not fresh.window_open("submissions")
        assert Challenge.objects.in_stage(Stage.CLOSED).filter(pk=challenge.pk).exists()
        challenge_services.challenge_close(challenge=fresh)
    fresh.refresh_from_db()
    # Closed as of the moment the answer was published, not the original deadline.
    assert fresh.stage == Stage.CLOSED and fresh.closed_at == answered_at


def test_declining_releases_the_hold_too():
    body, challenge, question = setting("held")
    with time_machine.travel(WINDOWS["held"], tick=False):
        assert challenge.current_stage_at() == Stage.PUBLISHED
        services.question_decline(
            question=question, actor=person("body_approver", body), reason="No aplica."
        )
        assert Challenge.objects.get(pk=challenge.pk).current_stage_at() == Stage.CLOSED


# ---------------------------------------------------------------------------------------------
# The ledger: who asked stays private.


def test_the_ledger_keeps_the_asker_private_and_publishes_only_the_number():
    body = GovernmentBodyFactory()
    company = CompanyFactory(name="Empresa Secreta S.A. de C.V.")
    asker = company_member(company, full_name="Zacarías Preguntón", email="zacarias@secreta.mx")
    challenge = a_challenge(body=body)
    official = person("body_official", body)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        first = services.question_ask(
            challenge=challenge, actor=asker, text="¿Uno?", section="general"
        )
        second = services.question_ask(
            challenge=challenge, actor=asker, text="¿Dos?", section="amount"
        )
        services.question_answer(question=first, actor=official, answer="Uno.")
        services.question_decline(question=second, actor=official, reason="No aplica.")
    events = list(Event.objects.for_subject(challenge).order_by("sequence"))
    asked = [e for e in events if e.action == "question.asked"]
    assert len(asked) == 2 and not any(e.public for e in asked)
    assert asked[0].actor == asker and asked[0].payload["company"] == company.pk
    public = [e for e in events if e.public]
    assert [(e.action, e.payload) for e in public] == [
        ("question.answered", {"question": 1}),
        ("question.declined", {"question": 2}),
    ]
    for event in Event.objects.public():
        text = f"{event.actor_label} {event.payload}"
        for secret in ("Zacarías", "zacarias@", "Secreta", company.rfc):
            assert secret not in text


# ---------------------------------------------------------------------------------------------
# Pages.


def login(client, user):
    client.force_login(user)
    return client


def test_the_ask_form_shows_the_closing_time_and_takes_a_question(client):
    challenge = a_challenge()
    company = CompanyFactory(name="Cenzontle Software")
    asker = company_member(company)
    url = path("ask", challenge)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        page = login(client, asker).get(url)
        assert page.status_code == 200
        assert "3 de marzo de 2026, 12:00" in page.text
        assert "Cenzontle Software" in page.text  # "you ask for …", to the asker only
        assert 'name="text"' in page.text
        response = client.post(url, {"section": "eligibility", "text": "¿Puede participar?"})
        assert response.status_code == 302
        question = challenge.questions.get()
        assert (question.number, question.section, question.asker) == (1, "eligibility", asker)
        again = client.get(url)
        assert "¿Puede participar?" in again.text  # listed under "your questions"


def test_the_ask_form_says_why_when_one_cannot_ask(client):
    challenge = a_challenge()
    url = path("ask", challenge)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        anonymous = client.get(url)
        assert anonymous.status_code == 200 and 'name="text"' not in anonymous.text
        assert reverse("accounts:login") in anonymous.text
        plain = login(client, UserFactory()).get(url)
        assert reverse("organizations:register_company") in plain.text
        assert 'name="text"' not in plain.text
        refused = client.post(url, {"section": "general", "text": "¿?"})
        assert refused.status_code == 403 and not Question.objects.exists()
        official = login(client, the_person("body_official_in_company", challenge.body)).get(
            "/en" + url
        )
        assert "Members of the body that published this challenge cannot ask" in official.text
        assert reverse("organizations:register_company") not in official.text
    with time_machine.travel(WINDOWS["after_questions"], tick=False):
        closed = login(client, company_member()).get("/en" + url)
        assert "The questions window closed on March 3, 2026, 12:00" in closed.text
        assert 'name="text"' not in closed.text


def test_the_ask_form_for_someone_with_two_companies_offers_both(client):
    challenge = a_challenge()
    asker = company_member(CompanyFactory(name="Primera S.C."))
    MembershipFactory(user=asker, organization=CompanyFactory(name="Segunda S.C."), role="member")
    url = path("ask", challenge)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        page = login(client, asker).get(url)
        assert 'name="company"' in page.text and "Segunda S.C." in page.text
        missing = client.post(url, {"section": "general", "text": "¿?"})
        assert missing.status_code == 400 and 'href="#id_company"' in missing.text


def test_the_ask_page_of_a_draft_is_404_for_the_public(client):
    challenge = a_challenge(draft=True)
    url = path("ask", challenge)
    assert login(client, company_member()).get(url).status_code == 404


def test_askers_do_not_see_each_others_pending_questions(client):
    challenge = a_challenge()
    a_question(challenge, text="¿Pregunta ajena?")
    url = path("ask", challenge)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        assert "¿Pregunta ajena?" not in login(client, company_member()).get(url).text


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_management_page_is_404_for_all_but_the_bodys_officials(client, role):
    body, challenge, _ = setting("after_questions")
    actor = the_person(role, body)
    url = path("manage", challenge)
    if role != "anonymous":
        client.force_login(actor)
    with time_machine.travel(WINDOWS["after_questions"], tick=False):
        response = client.get(url)
    if role in OFFICIALS:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302  # to the log-in page
    else:
        assert response.status_code == 404


def test_officials_see_who_asked_and_pending_questions_first(client):
    body = GovernmentBodyFactory()
    challenge = a_challenge(body=body)
    company = CompanyFactory(name="Empresa Secreta S.A. de C.V.")
    asker = company_member(company, full_name="Zacarías Preguntón", email="zacarias@secreta.mx")
    a_question(challenge, asker=asker, answered=True, text="¿Ya respondida?")
    a_question(challenge, asker=asker, text="¿Todavía pendiente?")
    url = path("manage", challenge)
    with time_machine.travel(WINDOWS["after_questions"], tick=False):
        page = login(client, person("body_official", body)).get(url).text
    assert "Zacarías Preguntón" in page and "zacarias@secreta.mx" in page
    assert "Empresa Secreta S.A. de C.V." in page
    assert page.index("¿Todavía pendiente?") < page.index("¿Ya respondida?")
    assert page.count('name="answer-2-answer"') == 1 and 'name="answer-1-answer"' not in page


def test_an_official_answers_from_the_page(client):
    body, challenge, question = setting("after_questions")
    official = person("body_approver", body)
    url = path("answer", challenge, 1)
    with time_machine.travel(WINDOWS["after_questions"], tick=False):
        login(client, official)
        empty = client.post(url, {"answer-1-answer": "  "})
        assert empty.status_code == 400 and 'href="#id_answer-1-answer"' in empty.text
        done = client.post(url, {"answer-1-answer": "Sí, con licencia MIT."})
        assert done.status_code == 302
        again = client.post(url, {"answer-1-answer": "Otra cosa."})
        assert again.status_code == 400
    question.refresh_from_db()
    assert question.answer == "Sí, con licencia MIT."


def test_an_official_declines_from_the_page(client):
    body, challenge, question = setting("questions")
    url = path("decline", challenge, 1)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        response = login(client, person("body_official", body)).post(
            url, {"decline-1-reason": "No trata del reto."}
        )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.DECLINED


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r not in OFFICIALS and r != "anonymous"])
def test_answering_from_the_page_is_404_for_others(client, role):
    body, challenge, question = setting("questions")
    url = path("answer", challenge, 1)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        response = login(client, the_person(role, body)).post(url, {"answer-1-answer": "Sí."})
    assert response.status_code == 404
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING


# ---------------------------------------------------------------------------------------------
# The public list (an include for the challenge page).


def public_html(challenge, now=None):
    challenge = Challenge.objects.select_related("body").get(pk=challenge.pk)
    return render_to_string(
        "clarifications/_public_questions.html",
        {"clarifications": selectors.public_clarifications(challenge, now)},
    )


def test_the_public_list_shows_answers_not_askers_nor_pending_text():
    body = GovernmentBodyFactory()
    challenge = a_challenge(body=body)
    company = CompanyFactory(name="Empresa Secreta S.A. de C.V.")
    asker = company_member(company, full_name="Zacarías Preguntón", email="zacarias@secreta.mx")
    official = person("body_official", body)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        q1 = services.question_ask(
            challenge=challenge, actor=asker, text="¿Qué licencia?", section="licences"
        )
        q2 = services.question_ask(
            challenge=challenge, actor=asker, text="¿Pago por adelantado?", section="amount"
        )
        services.question_ask(
            challenge=challenge, actor=asker, text="¿Sin responder?", section="general"
        )
        services.question_answer(question=q1, actor=official, answer="Cualquiera aprobada por OSI.")
        services.question_decline(question=q2, actor=official, reason="Lo fija la ley.")
        with translation.override("en"):
            html = public_html(challenge)
    assert "¿Qué licencia?" in html and "Cualquiera aprobada por OSI." in html
    assert "Lo fija la ley." in html and "Question 2 · Amount and payment" in html
    assert "¿Sin responder?" not in html
    assert "One question is waiting for its answer" in html
    assert path("ask", challenge) in html
    for secret in ("Zacarías", "zacarias@", "Secreta", company.rfc, official.full_name):
        assert secret not in html


def test_the_public_list_offers_the_minutes_once_due():
    _, challenge, _ = setting("closed")
    minutes = path("minutes", challenge)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        assert minutes not in public_html(challenge)
    with time_machine.travel(WINDOWS["closed"], tick=False):
        assert minutes in public_html(challenge)


@pytest.mark.parametrize("payload", [SCRIPT, SQL])
def test_hostile_text_is_stored_verbatim_and_rendered_escaped(client, payload):
    body = GovernmentBodyFactory()
    challenge = a_challenge(body=body)
    asker = company_member(full_name=SCRIPT)
    official = person("body_official", body)
    with time_machine.travel(WINDOWS["questions"], tick=False):
        question = services.question_ask(
            challenge=challenge, actor=asker, text=payload, section="general"
        )
        services.question_answer(question=question, actor=official, answer=payload)
        question.refresh_from_db()
        assert question.text == payload and question.answer == payload
        pages = [
            public_html(challenge),
            login(client, official).get(path("manage", challenge)).text,
            login(client, asker).get(path("ask", challenge)).text,
        ]
    for html in pages:
        assert "<script>" not in html
        if payload == SCRIPT:
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        else:
            assert "&#x27;; DROP TABLE clarifications_question; --" in html
    assert Question.objects.count() == 1


@pytest.mark.parametrize("size", [3, 30])
def test_the_public_list_runs_one_query_whatever_the_number_of_questions(size):
    body = GovernmentBodyFactory()
    challenge = a_challenge(body=body)
    for n in range(1, size + 1):
        a_question(challenge, number=n, answered=n % 3 != 0)
    challenge = Challenge.objects.with_timeline().select_related("body").get(pk=challenge.pk)
    with (
        time_machine.travel(WINDOWS["questions"], tick=False),
        CaptureQueriesContext(connection) as ctx,
    ):
        html = render_to_string(
            "clarifications/_public_questions.html",
            {"clarifications": selectors.public_clarifications(challenge)},
        )
    assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]
    assert html.count('class="card question"') == size - size // 3


def test_the_management_page_runs_the_same_queries_with_3_and_30_questions(client):
    body = GovernmentBodyFactory()
    challenge = a_challenge(body=body)
    official = person("body_official", body)
    client.force_login(official)
    url = path("manage", challenge)
    counts = []
    with time_machine.travel(WINDOWS["after_questions"], tick=False):
        for size in (3, 30):
            while challenge.questions.count() < size:
                n = challenge.questions.count() + 1
                a_question(challenge, number=n, answered=n % 2 == 0)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_public_list_links_the_bodys_officials_to_their_management_page():
    body, challenge, _ = setting("after_questions")
    challenge = Challenge.objects.with_timeline().select_related("body").get(pk=challenge.pk)
    manage = path("manage", challenge)
    with time_machine.travel(WINDOWS["after_questions"], tick=False):
        for role in ALL_ROLES:
            html = render_to_string(
                "clarifications/_public_questions.html",
                {
                    "clarifications": selectors.public_clarifications(challenge),
                    "challenge": challenge,
                    "user": the_person(role, body),
                },
            )
            assert (manage in html) is (role in OFFICIALS), role
