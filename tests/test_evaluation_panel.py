"""The panel: evaluation settings, invitations by email (a link that works once, expires and
needs the invited address), accepting and declining, the chair, coverage, and the guard on
"start evaluation"."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from retos.accounts.models import Expertise, User
from retos.challenges import services as challenge_services
from retos.challenges.stages import Stage
from retos.core.errors import DomainError
from retos.evaluation import services
from retos.evaluation.models import EvaluationSettings, MemberRole, MemberStatus, PanelMember
from retos.evaluation.selectors import (
    coverage,
    settings_of,
    start_evaluation_problems,
)
from retos.ledger.models import Event
from tests.evaluation_helpers import member, opened_challenge
from tests.evaluation_panel_helpers import ready_for_start_evaluation
from tests.factories import MembershipFactory, UserFactory
from tests.lifecycle import challenge_in

pytestmark = pytest.mark.django_db

AREAS = ["technology", "user_experience", "business"]


def approver_of(challenge):
    return MembershipFactory(organization=challenge.body, role="approver").user


def invite(challenge, *, email="experta@example.mx", areas=AREAS, **kwargs):
    actor = kwargs.pop("actor", None) or approver_of(challenge)
    return services.panel_invite(
        challenge=challenge,
        actor=actor,
        email=email,
        full_name=kwargs.pop("full_name", "Dra. Experta Ejemplo"),
        areas=areas,
        **kwargs,
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


# --- Settings --------------------------------------------------------------------------------


def test_settings_default_to_a_blind_first_round_without_a_row():
    challenge = challenge_in(Stage.PUBLISHED)
    current = settings_of(challenge)
    assert current.pk is None
    assert current.blind_first_round is True
    assert current.method == "mean"
    assert current.complaint_business_days == 6


def test_the_approver_updates_the_settings_and_the_row_is_created_on_first_use():
    challenge = challenge_in(Stage.OPENED)
    actor = approver_of(challenge)
    services.evaluation_settings_update(
        challenge=challenge,
        actor=actor,
        blind_first_round=False,
        method="zscore",
        disagreement_threshold="3.5",
        minimum_score=Decimal("55.5"),
        complaint_business_days=8,
    )
    row = EvaluationSettings.objects.get(challenge=challenge)
    assert (row.blind_first_round, row.method, row.disagreement_threshold) == (
        False,
        "zscore",
        Decimal("3.5"),
    )
    assert row.minimum_score == Decimal("55.5") and row.complaint_business_days == 8
    event = Event.objects.latest("sequence")
    assert event.action == "evaluation.settings_updated" and not event.public


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("disagreement_threshold", "0", "out_of_range"),
        ("disagreement_threshold", "10.5", "out_of_range"),
        ("disagreement_threshold", "2.25", "decimals"),
        ("minimum_score", "-1", "out_of_range"),
        ("minimum_score", "NaN", "invalid"),
        ("complaint_business_days", 0, "days"),
        ("complaint_business_days", 31, "days"),
        ("method", "median", "method"),
        ("demo_deadline", "mañana", "date"),
    ],
)
def test_settings_out_of_range_are_refused(field, value, code):
    challenge = challenge_in(Stage.PUBLISHED)
    with pytest.raises(DomainError) as excinfo:
        services.evaluation_settings_update(
            challenge=challenge, actor=approver_of(challenge), **{field: value}
        )
    assert excinfo.value.code == code
    assert not EvaluationSettings.objects.filter(challenge=challenge).exists()


def test_an_unknown_setting_is_refused():
    challenge = challenge_in(Stage.PUBLISHED)
    with pytest.raises(DomainError):
        services.evaluation_settings_update(
            challenge=challenge, actor=approver_of(challenge), is_superuser=True
        )


def test_the_demo_deadline_must_be_in_the_future_and_before_demo_day():
    challenge = challenge_in(Stage.OPENED)
    actor = approver_of(challenge)
    with pytest.raises(DomainError) as excinfo:
        services.evaluation_settings_update(
            challenge=challenge, actor=actor, demo_deadline=timezone.now() - timedelta(hours=1)
        )
    assert excinfo.value.code == "past"
    with pytest.raises(DomainError) as excinfo:
        services.evaluation_settings_update(
            challenge=challenge,
            actor=actor,
            demo_deadline=challenge.demo_day_at + timedelta(minutes=1),
        )
    assert excinfo.value.code == "after_demo"
    services.evaluation_settings_update(
        challenge=challenge, actor=actor, demo_deadline=challenge.demo_day_at
    )
    assert settings_of(challenge).demo_deadline == challenge.demo_day_at


@pytest.mark.parametrize("stage", [Stage.EVALUATION, Stage.FINALISTS, Stage.DECIDED])
def test_settings_are_fixed_once_evaluation_starts(stage):
    challenge = challenge_in(stage)
    with pytest.raises(PermissionDenied):
        services.evaluation_settings_update(
            challenge=challenge, actor=approver_of(challenge), method="zscore"
        )


def test_the_settings_page_saves_in_the_agencys_time_zone(client):
    challenge = challenge_in(Stage.OPENED)
    actor = approver_of(challenge)
    client.force_login(actor)
    url = reverse("evaluation:settings", kwargs={"slug": challenge.slug})
    local = (challenge.demo_day_at - timedelta(days=2)).astimezone(
        ZoneInfo(challenge.body.time_zone)
    )
    response = client.post(
        url,
        {
            "method": "trimmed_mean",
            "disagreement_threshold": "4.0",
            "minimum_score": "60",
            "complaint_business_days": "6",
            "demo_deadline": local.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    row = settings_of(challenge)
    # The box was unticked: a checkbox that is not sent is "no".
    assert row.blind_first_round is False
    assert row.method == "trimmed_mean"
    assert row.demo_deadline == local.replace(second=0, microsecond=0)


def test_the_settings_page_after_evaluation_started_shows_them_fixed(client):
    challenge = challenge_in(Stage.EVALUATION)
    client.force_login(approver_of(challenge))
    url = reverse("evaluation:settings", kwargs={"slug": challenge.slug})
    page = client.get(url).content.decode()
    assert "disabled" in page
    response = client.post(url, {"method": "zscore"})
    assert response.status_code == 302
    assert settings_of(challenge).method == "mean"


# --- Invitations -----------------------------------------------------------------------------


def test_an_invitation_is_emailed_with_a_link_that_is_stored_only_as_a_digest(
    django_capture_on_commit_callbacks,
):
    challenge = challenge_in(Stage.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        member_, token = invite(challenge, email="  Experta@Example.MX ")
    assert member_.email == "experta@example.mx"
    assert member_.status == MemberStatus.INVITED
    assert token not in member_.token_sha256
    assert member_.token_sha256 == services.token_digest(token)
    assert member_.expires_at - member_.invited_at == timedelta(days=14)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["experta@example.mx"]
    assert challenge.title in message.subject
    assert link_in(message).endswith(reverse("evaluation:invitation", kwargs={"token": token}))
    event = Event.objects.latest("sequence")
    assert event.action == "panel.invited" and not event.public
    assert "experta@example.mx" not in str(event.payload)


def test_an_expert_needs_at_least_one_area_and_areas_come_from_the_list():
    challenge = challenge_in(Stage.PUBLISHED)
    with pytest.raises(DomainError) as excinfo:
        invite(challenge, areas=[])
    assert excinfo.value.code == "areas_required"
    with pytest.raises(DomainError) as excinfo:
        invite(challenge, areas=["astrology"])
    assert excinfo.value.code == "area_invalid"


def test_a_committee_member_needs_no_area_and_cannot_chair():
    challenge = challenge_in(Stage.PUBLISHED)
    member_, _token = invite(challenge, areas=[], role=MemberRole.COMMITTEE)
    assert member_.role == MemberRole.COMMITTEE
    with pytest.raises(DomainError) as excinfo:
        invite(challenge, email="otro@example.mx", role=MemberRole.COMMITTEE, chair=True)
    assert excinfo.value.code == "chair_not_expert"


@pytest.mark.parametrize("email", ["no-es-un-correo", "", "a@b", "x" * 300 + "@example.mx"])
def test_an_invalid_address_is_refused(email):
    challenge = challenge_in(Stage.PUBLISHED)
    with pytest.raises(DomainError) as excinfo:
        invite(challenge, email=email)
    assert excinfo.value.code == "email"


def test_the_same_address_cannot_be_invited_twice_while_the_invitation_is_valid():
    challenge = challenge_in(Stage.PUBLISHED)
    invite(challenge)
    with pytest.raises(DomainError) as excinfo:
        invite(challenge, email="EXPERTA@example.mx")
    assert excinfo.value.code == "already_invited"


def test_an_expired_or_declined_invitation_can_be_renewed_with_a_new_link():
    challenge = challenge_in(Stage.PUBLISHED)
    first, old_token = invite(challenge)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        second, new_token = invite(challenge)
    assert second.pk == first.pk
    assert new_token != old_token
    second.refresh_from_db()
    assert second.token_sha256 == services.token_digest(new_token)
    user = UserFactory(email="experta@example.mx")
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        services.panel_respond(member=second, actor=user, token=new_token, accept=False)
        third, _token = invite(challenge)
    assert third.status == MemberStatus.INVITED and third.responded_at is None


def test_an_accepted_member_cannot_be_invited_again():
    challenge = challenge_in(Stage.PUBLISHED)
    member_, token = invite(challenge)
    services.panel_respond(
        member=member_, actor=UserFactory(email="experta@example.mx"), token=token, accept=True
    )
    with pytest.raises(DomainError) as excinfo:
        invite(challenge)
    assert excinfo.value.code == "already_member"


def test_experts_are_not_invited_after_evaluation_but_the_committee_is_until_finalists():
    challenge = challenge_in(Stage.FINALISTS)
    with pytest.raises(DomainError) as excinfo:
        invite(challenge)
    assert excinfo.value.code == "experts_closed"
    member_, _token = invite(challenge, areas=[], role=MemberRole.COMMITTEE)
    assert member_.pk


# --- Answering -------------------------------------------------------------------------------


def test_accepting_makes_the_person_an_expert_with_the_invitations_areas():
    challenge = challenge_in(Stage.PUBLISHED)
    member_, token = invite(challenge, areas=["security", "data"])
    user = UserFactory(email="experta@example.mx")
    services.panel_respond(member=member_, actor=user, token=token, accept=True)
    member_.refresh_from_db()
    user.refresh_from_db()
    assert member_.status == MemberStatus.ACCEPTED and member_.user == user
    assert member_.responded_at is not None
    assert user.is_expert
    assert set(Expertise.objects.filter(user=user).values_list("area", flat=True)) == {
        "security",
        "data",
    }
    assert Event.objects.latest("sequence").action == "panel.accepted"


def test_a_committee_member_accepting_does_not_become_an_expert():
    challenge = challenge_in(Stage.PUBLISHED)
    member_, token = invite(challenge, areas=[], role=MemberRole.COMMITTEE)
    user = UserFactory(email="experta@example.mx")
    services.panel_respond(member=member_, actor=user, token=token, accept=True)
    user.refresh_from_db()
    assert not user.is_expert


def test_declining_keeps_the_reason_and_a_declined_chair_stops_chairing():
    challenge = challenge_in(Stage.PUBLISHED)
    member_, token = invite(challenge, chair=True)
    user = UserFactory(email="experta@example.mx")
    services.panel_respond(
        member=member_, actor=user, token=token, accept=False, reason="  Sin tiempo.  "
    )
    member_.refresh_from_db()
    assert member_.status == MemberStatus.DECLINED
    assert member_.decline_reason == "Sin tiempo."
    assert member_.user is None and not member_.is_chair


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("bad_token", "not_found"),
        ("wrong_user", "wrong_user"),
        ("expired", "expired"),
        ("twice", "used"),
        ("cancelled", "panel_closed"),
    ],
)
def test_the_link_works_once_expires_and_needs_the_invited_address(case, code):
    challenge = challenge_in(Stage.PUBLISHED)
    member_, token = invite(challenge)
    user = UserFactory(email="experta@example.mx")
    kwargs = {"member": member_, "actor": user, "token": token, "accept": True}
    travel = None
    if case == "bad_token":
        kwargs["token"] = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif case == "wrong_user":
        kwargs["actor"] = UserFactory(email="otra@example.mx")
    elif case == "expired":
        travel = time_machine.travel(member_.expires_at + timedelta(seconds=1))
    elif case == "twice":
        services.panel_respond(**kwargs)
    elif case == "cancelled":
        challenge_services.challenge_cancel(
            challenge=challenge, actor=approver_of(challenge), reason="Ya no se requiere."
        )
    if travel:
        travel.start()
    try:
        with pytest.raises(DomainError) as excinfo:
            services.panel_respond(**kwargs)
    finally:
        if travel:
            travel.stop()
    assert excinfo.value.code == code


def test_the_link_still_works_a_second_before_it_expires():
    challenge = challenge_in(Stage.PUBLISHED)
    member_, token = invite(challenge)
    user = UserFactory(email="experta@example.mx")
    with time_machine.travel(member_.expires_at - timedelta(seconds=1)):
        services.panel_respond(member=member_, actor=user, token=token, accept=True)
    member_.refresh_from_db()
    assert member_.status == MemberStatus.ACCEPTED


def test_anyone_must_be_signed_in_to_answer():
    from django.contrib.auth.models import AnonymousUser

    challenge = challenge_in(Stage.PUBLISHED)
    member_, token = invite(challenge)
    with pytest.raises(PermissionDenied):
        services.panel_respond(member=member_, actor=AnonymousUser(), token=token, accept=True)


def test_a_new_person_signs_up_with_the_invited_address_and_accepts(client):
    challenge = challenge_in(Stage.PUBLISHED)
    _member, token = invite(challenge, email="nueva@example.mx")
    url = reverse("evaluation:invitation", kwargs={"token": token})
    page = client.get(url).content.decode()
    sign_up = reverse("accounts:sign_up")
    assert f"{sign_up}?next=" in page
    response = client.post(
        f"{sign_up}?next={url}",
        {
            "full_name": "Nueva Persona",
            "email": "nueva@example.mx",
            "password": "una-contrasena-larga-9",
            "preferred_language": "es-mx",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302
    user = User.objects.get(email="nueva@example.mx")
    assert PanelMember.objects.get(challenge=challenge, user=user).status == "accepted"
    # The link works once.
    page = client.get(url).content.decode()
    assert 'value="accept"' not in page
    events = Event.objects.count()
    response = client.post(url, {"decision": "decline"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert Event.objects.count() == events
    assert PanelMember.objects.get(challenge=challenge, user=user).status == "accepted"


def test_the_invitation_page_of_a_wrong_address_says_which_address_to_use(client):
    challenge = challenge_in(Stage.PUBLISHED)
    _member, token = invite(challenge)
    client.force_login(UserFactory(email="otra@example.mx"))
    url = reverse("evaluation:invitation", kwargs={"token": token})
    page = client.get(url).content.decode()
    assert "experta@example.mx" in page
    assert 'value="accept"' not in page
    response = client.post(url, {"decision": "accept"})
    assert "experta@example.mx" in response.content.decode()
    assert PanelMember.objects.get(challenge=challenge).status == MemberStatus.INVITED


def test_a_declining_invitee_may_give_a_reason_on_the_page(client):
    challenge = challenge_in(Stage.PUBLISHED)
    _member, token = invite(challenge)
    client.force_login(UserFactory(email="experta@example.mx"))
    url = reverse("evaluation:invitation", kwargs={"token": token})
    response = client.post(url, {"decision": "decline", "reason": "<script>alert(1)</script>"})
    assert response.status_code == 302
    row = PanelMember.objects.get(challenge=challenge)
    assert row.status == MemberStatus.DECLINED
    assert row.decline_reason == "<script>alert(1)</script>"


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 500])
def test_an_unknown_link_is_a_404(client, token):
    response = client.get(reverse("evaluation:invitation", kwargs={"token": token}))
    assert response.status_code == 404


def test_an_invitation_by_a_non_approver_is_refused():
    challenge = challenge_in(Stage.PUBLISHED)
    official = MembershipFactory(organization=challenge.body, role="official").user
    with pytest.raises(PermissionDenied):
        invite(challenge, actor=official)
    assert not PanelMember.objects.exists()


# --- The chair -------------------------------------------------------------------------------


def test_one_chair_at_a_time():
    challenge = challenge_in(Stage.PUBLISHED)
    actor = approver_of(challenge)
    first, _t = invite(challenge, actor=actor, chair=True)
    second, _t = invite(challenge, actor=actor, email="otro@example.mx", chair=True)
    first.refresh_from_db()
    assert not first.is_chair and second.is_chair
    services.panel_set_chair(member=first, actor=actor)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_chair and not second.is_chair
    assert Event.objects.latest("sequence").action == "panel.chair_set"


def test_a_declined_or_committee_member_cannot_chair():
    challenge = challenge_in(Stage.PUBLISHED)
    actor = approver_of(challenge)
    committee = member(challenge, role=MemberRole.COMMITTEE)
    with pytest.raises(DomainError):
        services.panel_set_chair(member=committee, actor=actor)
    declined = member(challenge, areas=AREAS, status=MemberStatus.DECLINED)
    with pytest.raises(DomainError) as excinfo:
        services.panel_set_chair(member=declined, actor=actor)
    assert excinfo.value.code == "declined"


def test_the_chair_cannot_be_set_on_another_challenges_panel():
    challenge = challenge_in(Stage.PUBLISHED)
    other = challenge_in(Stage.PUBLISHED)
    foreign = member(other, areas=AREAS)
    with pytest.raises(PermissionDenied):
        services.panel_set_chair(member=foreign, actor=approver_of(challenge))


def test_the_panel_page_sets_the_chair(client):
    challenge = challenge_in(Stage.OPENED)
    actor = approver_of(challenge)
    expert = member(challenge, areas=AREAS)
    client.force_login(actor)
    response = client.post(
        reverse(
            "evaluation:set_chair",
            kwargs={"slug": challenge.slug, "member_id": expert.public_id},
        )
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.is_chair


# --- Coverage and the guard ------------------------------------------------------------------


def test_coverage_lists_each_criterion_with_the_experts_covering_its_area():
    challenge = challenge_in(Stage.PUBLISHED)
    member(challenge, areas=["technology"])
    member(challenge, areas=["business"], status=MemberStatus.INVITED)
    rows = {row.criterion.expertise_area: row for row in coverage(challenge)}
    assert rows["technology"].covered
    assert not rows["business"].covered and rows["business"].invited
    assert not rows["user_experience"].covered


def test_evaluation_cannot_start_without_coverage_a_chair_and_admissibility_decided():
    challenge, _proposals = opened_challenge(2, admissible=False)
    actor = approver_of(challenge)
    problems = start_evaluation_problems(challenge)
    assert len(problems) == 5  # three areas, the chair, the pending proposals
    with pytest.raises(DomainError) as excinfo:
        challenge_services.challenge_start_evaluation(challenge=challenge, actor=actor)
    assert excinfo.value.code == "start_evaluation_blocked"
    message = excinfo.value.message
    assert "Experiencia de usuario" in message or "user" in message.lower()
    challenge.refresh_from_db()
    assert challenge.stage == Stage.OPENED
    ready_for_start_evaluation(challenge)
    assert len(start_evaluation_problems(challenge)) == 1
    ready_for_start_evaluation(challenge, decide_pending=True)
    assert start_evaluation_problems(challenge) == []
    challenge_services.challenge_start_evaluation(challenge=challenge, actor=actor)
    challenge.refresh_from_db()
    assert challenge.stage == Stage.EVALUATION


def test_an_invited_chair_or_invited_experts_do_not_count_until_they_accept():
    challenge = challenge_in(Stage.OPENED)
    member(challenge, areas=AREAS, chair=True, status=MemberStatus.INVITED)
    problems = start_evaluation_problems(challenge)
    assert len(problems) == 4


def test_an_inadmissible_proposal_does_not_block_the_start():
    challenge, proposals = opened_challenge(2, admissible=False)
    official = MembershipFactory(organization=challenge.body, role="official").user
    from retos.proposals import services as proposal_services

    proposal_services.proposal_admissibility_set(
        proposal=proposals[0], actor=official, admissible=False, reason="Incompleta."
    )
    proposal_services.proposal_admissibility_set(
        proposal=proposals[1], actor=official, admissible=True
    )
    ready_for_start_evaluation(challenge)
    assert start_evaluation_problems(challenge) == []


# --- The panel page --------------------------------------------------------------------------


def test_the_panel_page_invites_and_lists_members_with_their_status(client):
    challenge = challenge_in(Stage.PUBLISHED)
    actor = approver_of(challenge)
    client.force_login(actor)
    url = reverse("evaluation:panel", kwargs={"slug": challenge.slug})
    response = client.post(
        url,
        {
            "email": "experta@example.mx",
            "full_name": "<b>Dra.</b> Experta",
            "role": "expert",
            "areas": ["technology", "business"],
            "chair": "on",
        },
    )
    assert response.status_code == 302
    row = PanelMember.objects.get(challenge=challenge)
    assert row.is_chair and row.areas == ["technology", "business"]
    page = client.get(url).content.decode()
    assert "&lt;b&gt;Dra.&lt;/b&gt; Experta" in page
    assert "<b>Dra.</b>" not in page
    assert "Invitado" in page or "Invited" in page


def test_the_panel_page_shows_form_errors_linked_to_the_fields(client):
    challenge = challenge_in(Stage.PUBLISHED)
    client.force_login(approver_of(challenge))
    url = reverse("evaluation:panel", kwargs={"slug": challenge.slug})
    response = client.post(url, {"email": "nope", "full_name": "", "role": "expert"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_email"' in page and 'href="#id_areas"' in page
    assert 'id="id_areas"' in page
    assert not PanelMember.objects.exists()


def test_the_panel_page_refuses_an_invitation_by_service_with_its_message(client):
    challenge = challenge_in(Stage.PUBLISHED)
    actor = approver_of(challenge)
    invite(challenge, actor=actor)
    client.force_login(actor)
    response = client.post(
        reverse("evaluation:panel", kwargs={"slug": challenge.slug}),
        {
            "email": "experta@example.mx",
            "full_name": "Otra vez",
            "role": "expert",
            "areas": ["technology"],
        },
    )
    assert response.status_code == 200
    assert "experta@example.mx" in response.content.decode()
    assert PanelMember.objects.count() == 1


def test_the_panel_page_is_a_404_for_anyone_but_the_approver(client):
    challenge = challenge_in(Stage.PUBLISHED)
    url = reverse("evaluation:panel", kwargs={"slug": challenge.slug})
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(MembershipFactory(organization=challenge.body, role="official").user)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 404
    missing = reverse("evaluation:panel", kwargs={"slug": "no-existe"})
    assert client.get(missing).status_code == 404


def test_oversized_input_on_the_panel_page_is_refused(client):
    challenge = challenge_in(Stage.PUBLISHED)
    client.force_login(approver_of(challenge))
    response = client.post(
        reverse("evaluation:panel", kwargs={"slug": challenge.slug}),
        {
            "email": "experta@example.mx",
            "full_name": "x" * 151,
            "role": "expert",
            "areas": ["technology"],
        },
    )
    assert response.status_code == 200
    assert not PanelMember.objects.exists()


def test_saving_the_settings_page_again_keeps_the_exact_demo_deadline(client):
    challenge = challenge_in(Stage.OPENED)
    actor = approver_of(challenge)
    exact = challenge.demo_day_at - timedelta(days=1, seconds=17)
    services.evaluation_settings_update(challenge=challenge, actor=actor, demo_deadline=exact)
    client.force_login(actor)
    url = reverse("evaluation:settings", kwargs={"slug": challenge.slug})
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["blind_first_round"] = "on"
    assert client.post(url, data).status_code == 302
    assert settings_of(challenge).demo_deadline == exact


def test_a_decline_reason_is_shown_escaped_to_the_approver(client):
    challenge = challenge_in(Stage.PUBLISHED)
    actor = approver_of(challenge)
    member_, token = invite(challenge, actor=actor)
    services.panel_respond(
        member=member_,
        actor=UserFactory(email="experta@example.mx"),
        token=token,
        accept=False,
        reason="<img src=x onerror=alert(1)>",
    )
    client.force_login(actor)
    page = client.get(reverse("evaluation:panel", kwargs={"slug": challenge.slug})).content
    assert b"&lt;img src=x onerror=alert(1)&gt;" in page
    assert b"<img src=x" not in page


def test_an_oversized_decline_reason_is_refused():
    challenge = challenge_in(Stage.PUBLISHED)
    member_, token = invite(challenge)
    with pytest.raises(DomainError) as excinfo:
        services.panel_respond(
            member=member_,
            actor=UserFactory(email="experta@example.mx"),
            token=token,
            accept=False,
            reason="x" * 2001,
        )
    assert excinfo.value.code == "too_long"
    member_.refresh_from_db()
    assert member_.status == MemberStatus.INVITED
