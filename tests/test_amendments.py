"""Amendments: reasons, visible diffs, versions, and the late window."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from retos.challenges.amendments import (
    challenge_amend,
    challenge_extend_deadline,
    word_diff,
)
from retos.challenges.models import Amendment
from retos.challenges.stages import Stage
from retos.core.errors import DomainError
from retos.ledger.models import Event
from tests.factories import ChallengeFactory, GovernmentBodyFactory, MembershipFactory
from tests.lifecycle import ROLES, challenge_in, person

pytestmark = pytest.mark.django_db

# Wednesday 4 March 2026, noon in Mexico City.
NOW = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def published(deadline, body=None):
    body = body or GovernmentBodyFactory()
    return ChallengeFactory(
        body=body,
        published_at=NOW - timedelta(days=20),
        questions_close_at=NOW - timedelta(days=5),
        submissions_close_at=deadline,
        evaluation_ends_at=deadline + timedelta(days=30),
        demo_day_at=deadline + timedelta(days=40),
        decision_at=deadline + timedelta(days=50),
        delivery_at=deadline + timedelta(days=200),
    )


def official_of(challenge):
    return MembershipFactory(organization=challenge.body, role="official").user


def test_an_amendment_records_reason_diff_and_version(frozen):
    challenge = published(NOW + timedelta(days=30))
    official = official_of(challenge)
    amendment = challenge_amend(
        challenge=challenge,
        actor=official,
        reason="Se aclara el alcance.",
        changes={
            "problem_statement": "El problema, descrito con más detalle.",
            "amount": Decimal("1500000.00"),
        },
    )
    challenge.refresh_from_db()
    assert challenge.amount == Decimal("1500000.00")
    assert amendment.number == 1 and amendment.terms_version == 2
    fields = {c["field"]: c for c in amendment.changes}
    assert fields["amount"] == {"field": "amount", "old": "1250000.00", "new": "1500000.00"}
    assert fields["problem_statement"]["old"] == "El problema, descrito con detalle."
    event = Event.objects.latest("sequence")
    assert event.action == "challenge.amended" and event.public
    assert event.payload["reason"] == "Se aclara el alcance."


def test_criteria_changes_are_part_of_the_record(frozen):
    challenge = published(NOW + timedelta(days=30))
    amendment = challenge_amend(
        challenge=challenge,
        actor=official_of(challenge),
        reason="Se agrega un criterio de seguridad.",
        criteria=[
            {"name": "Solución técnica", "weight": 30, "expertise_area": "technology"},
            {"name": "Seguridad", "weight": 10, "expertise_area": "security"},
            {"name": "Experiencia de usuario", "weight": 30, "expertise_area": "user_experience"},
            {"name": "Viabilidad y costo", "weight": 30, "expertise_area": "business"},
        ],
    )
    assert challenge.criteria.count() == 4
    assert "Seguridad" in amendment.changes[0]["new"]


def test_an_amendment_without_reason_or_change_is_refused(frozen):
    challenge = published(NOW + timedelta(days=30))
    official = official_of(challenge)
    with pytest.raises(DomainError) as excinfo:
        challenge_amend(challenge=challenge, actor=official, reason=" ", changes={"title": "X"})
    assert excinfo.value.code == "reason_required"
    with pytest.raises(DomainError) as excinfo:
        challenge_amend(
            challenge=challenge, actor=official, reason="Nada", changes={"title": challenge.title}
        )
    assert excinfo.value.code == "no_change"


def test_criteria_weights_must_still_add_up_to_100(frozen):
    challenge = published(NOW + timedelta(days=30))
    with pytest.raises(DomainError) as excinfo:
        challenge_amend(
            challenge=challenge,
            actor=official_of(challenge),
            reason="Ajuste",
            criteria=[{"name": "Solo uno", "weight": 50, "expertise_area": "technology"}],
        )
    assert excinfo.value.code == "incomplete"
    assert challenge.criteria.count() == 3
    assert not Amendment.objects.exists()


def test_deadlines_cannot_be_shortened(frozen):
    challenge = published(NOW + timedelta(days=30))
    with pytest.raises(DomainError) as excinfo:
        challenge_amend(
            challenge=challenge,
            actor=official_of(challenge),
            reason="Prisa",
            changes={"submissions_close_at": NOW + timedelta(days=20)},
        )
    assert excinfo.value.code == "deadline_shortened"


class TestLateWindow:
    # From Wednesday 4 March 2026: 4 business days left is Tuesday 10 March; Monday 16 March
    # is a holiday, so five business days later is Wednesday 11 March.
    def test_a_late_change_without_extension_is_refused(self, frozen):
        challenge = published(datetime(2026, 3, 10, 23, 0, tzinfo=UTC))
        with pytest.raises(DomainError) as excinfo:
            challenge_amend(
                challenge=challenge,
                actor=official_of(challenge),
                reason="Cambio tardío",
                changes={"deliverables": "Otros entregables"},
            )
        assert excinfo.value.code == "extension_required"
        challenge.refresh_from_db()
        assert challenge.deliverables == ""

    def test_a_late_change_with_enough_extension_moves_the_deadline(self, frozen):
        old = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
        new = datetime(2026, 3, 11, 23, 0, tzinfo=UTC)
        challenge = published(old)
        amendment = challenge_amend(
            challenge=challenge,
            actor=official_of(challenge),
            reason="Cambio tardío",
            changes={"deliverables": "Otros entregables", "submissions_close_at": new},
        )
        challenge.refresh_from_db()
        assert challenge.submissions_close_at == new
        assert amendment.previous_submissions_close_at == old
        assert amendment.new_submissions_close_at == new

    def test_submitted_proposals_are_flagged_for_reconfirmation_by_a_late_extended_change(
        self, frozen
    ):
        from retos.proposals.services import needs_reconfirmation, proposal_submit
        from tests.proposal_helpers import submitted_proposal

        challenge = published(datetime(2026, 3, 10, 23, 0, tzinfo=UTC))
        proposal, author, _version = submitted_proposal(challenge)
        assert not needs_reconfirmation(proposal)
        challenge_amend(
            challenge=challenge,
            actor=official_of(challenge),
            reason="Cambio tardío",
            changes={
                "deliverables": "Otros entregables",
                "submissions_close_at": datetime(2026, 3, 11, 23, 0, tzinfo=UTC),
            },
        )
        assert needs_reconfirmation(proposal)
        proposal_submit(proposal=proposal, actor=author)
        assert not needs_reconfirmation(proposal)

    def test_an_extension_that_leaves_too_few_business_days_is_refused(self, frozen):
        # One business day left; moving to Monday 9 March leaves only three.
        challenge = published(datetime(2026, 3, 5, 23, 0, tzinfo=UTC))
        with pytest.raises(DomainError) as excinfo:
            challenge_amend(
                challenge=challenge,
                actor=official_of(challenge),
                reason="Cambio tardío",
                changes={
                    "context": "Nuevo contexto",
                    "submissions_close_at": datetime(2026, 3, 9, 23, 0, tzinfo=UTC),
                },
            )
        assert excinfo.value.code == "extension_required"

    def test_an_early_change_needs_no_extension(self, frozen):
        challenge = published(NOW + timedelta(days=30))
        challenge_amend(
            challenge=challenge,
            actor=official_of(challenge),
            reason="Aclaración",
            changes={"context": "Nuevo contexto"},
        )


def test_extending_the_deadline_is_an_amendment(frozen):
    challenge = published(NOW + timedelta(days=10))
    amendment = challenge_extend_deadline(
        challenge=challenge,
        actor=official_of(challenge),
        reason="Más tiempo para todos",
        submissions_close_at=NOW + timedelta(days=17),
    )
    assert [c["field"] for c in amendment.changes] == ["submissions_close_at"]


WHEN = {
    "draft": lambda body: challenge_in(Stage.DRAFT, body=body),
    "published": lambda body: challenge_in(Stage.PUBLISHED, body=body),
    "closed": lambda body: challenge_in(Stage.PUBLISHED, body=body, deadline_passed=True),
    "evaluation": lambda body: challenge_in(Stage.EVALUATION, body=body),
}


@pytest.mark.parametrize("when", list(WHEN))
@pytest.mark.parametrize("role", ROLES)
def test_only_the_bodys_officials_amend_and_only_while_published(role, when):
    body = GovernmentBodyFactory()
    challenge = WHEN[when](body)
    actor = person(role, body)
    allowed = role in ("body_official", "body_approver") and when == "published"
    for action in (
        lambda: challenge_amend(
            challenge=challenge, actor=actor, reason="Motivo", changes={"context": "Nuevo"}
        ),
        lambda: challenge_extend_deadline(
            challenge=challenge,
            actor=actor,
            reason="Motivo",
            submissions_close_at=challenge.submissions_close_at + timedelta(days=7),
        ),
    ):
        if allowed:
            action()
        else:
            with pytest.raises(PermissionDenied):
                action()
    assert Amendment.objects.count() == (2 if allowed else 0)


def test_the_word_diff_escapes_everything():
    html = word_diff('texto <script>alert("x")</script>', "texto nuevo")
    assert "<script>" not in html
    assert "<del>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</del>" in html
    assert "<ins>nuevo</ins>" in html


class TestPages:
    def _form_data(self, challenge, **overrides):
        from django.utils import timezone as tz

        from retos.challenges.amendment_views import AmendmentForm

        form = AmendmentForm(instance=challenge)
        data = {}
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None:
                value = getattr(challenge, name, "")
            if hasattr(value, "tzinfo"):
                value = tz.localtime(value, form.zone).strftime("%Y-%m-%dT%H:%M")
            data[name] = value
        data.update(overrides)
        return data

    def test_an_official_amends_from_the_page_and_everyone_sees_the_diff(self, client):
        challenge = challenge_in(Stage.PUBLISHED)
        client.force_login(official_of(challenge))
        url = f"/retos/{challenge.slug}/enmiendas/nueva/"
        assert client.get(url).status_code == 200
        data = self._form_data(
            challenge, reason="Se precisa el contexto.", context="Contexto <b>nuevo</b> del reto."
        )
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        client.logout()
        page = client.get(f"/retos/{challenge.slug}/enmiendas/").text
        assert "Se precisa el contexto." in page
        assert "<ins>Contexto &lt;b&gt;nuevo&lt;/b&gt; del reto.</ins>" in page

    def test_an_unchanged_form_says_nothing_changed(self, client):
        challenge = challenge_in(Stage.PUBLISHED)
        client.force_login(official_of(challenge))
        response = client.post(
            f"/retos/{challenge.slug}/enmiendas/nueva/",
            self._form_data(challenge, reason="Sin cambios"),
        )
        assert response.status_code == 200
        assert 'class="error-summary"' in response.text
        assert not Amendment.objects.exists()

    @pytest.mark.parametrize(
        "role", [r for r in ROLES if r not in ("body_official", "body_approver")]
    )
    def test_the_amendment_form_is_404_for_everyone_else(self, client, role):
        challenge = challenge_in(Stage.PUBLISHED)
        actor = person(role, challenge.body)
        if actor.is_authenticated:
            client.force_login(actor)
        response = client.get(f"/retos/{challenge.slug}/enmiendas/nueva/")
        assert response.status_code in (404, 302)
        if actor.is_authenticated:
            assert response.status_code == 404
