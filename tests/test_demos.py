"""Demos and demo day: a finalist's members submit (and resubmit) the demo until the deadline,
late is refused; the officials schedule each finalist's slot, the finalist is notified with a
calendar invitation whose sequence follows each move; the demo page and the agenda."""

from datetime import UTC, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from retos.challenges.stages import Stage
from retos.core.errors import DomainError
from retos.decisions import services
from retos.decisions.models import Demo, DemoSlot
from retos.ledger.models import Event
from retos.notifications.models import Kind, Notification
from tests.decision_helpers import approver_of, finalists_stage, official_of
from tests.evaluation_helpers import in_stage, settings_for

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def situation():
    return finalists_stage(3, finalists=2)


def submit(s, proposal=None, actor=None, **fields):
    proposal = proposal or s.finalists[0]
    data = {
        "demo_url": "https://demo.example.org/",
        "repository_url": "https://git.example.org/empresa/herramienta",
        "video_url": "",
        "notes": "",
        **fields,
    }
    return services.demo_submit(proposal=proposal, actor=actor or s.members[proposal.pk], **data)


# --- Submitting -------------------------------------------------------------------------------


def test_a_finalist_member_submits_and_resubmits_the_last_one_counts(situation):
    first = submit(situation)
    second = submit(situation, demo_url="https://demo2.example.org/")
    assert (first.number, second.number) == (1, 2)
    assert Demo.objects.count() == 2  # append-only
    event = Event.objects.filter(action="demo.submitted").latest("sequence")
    assert not event.public  # published with the decision, not before


def test_a_non_finalist_bidder_cannot_submit(situation):
    other = situation.proposals[2]
    with pytest.raises(PermissionDenied):
        submit(situation, proposal=other)
    assert not Demo.objects.exists()


def test_another_finalist_member_cannot_submit_for_a_rival(situation):
    rival = situation.members[situation.finalists[1].pk]
    with pytest.raises(PermissionDenied):
        submit(situation, actor=rival)


def test_nobody_submits_outside_the_finalists_stage(situation):
    in_stage(situation.challenge, Stage.DECIDED)
    with pytest.raises(PermissionDenied):
        submit(situation)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("demo_url", "javascript:alert(1)"),
        ("demo_url", "ftp://example.org/demo"),
        ("repository_url", "not a url"),
        ("video_url", "data:text/html,<script>alert(1)</script>"),
        ("demo_url", ""),
        ("repository_url", ""),
    ],
)
def test_urls_must_be_http_or_https(situation, field, value):
    with pytest.raises(DomainError) as exc:
        submit(situation, **{field: value})
    assert exc.value.code in ("invalid_url", "url_required")
    assert not Demo.objects.exists()


def test_oversized_input_is_refused(situation):
    with pytest.raises(DomainError):
        submit(situation, demo_url="https://example.org/" + "a" * 500)
    with pytest.raises(DomainError):
        submit(situation, notes="x" * (services.NOTES_MAX + 1))
    assert not Demo.objects.exists()


# --- The deadline -----------------------------------------------------------------------------


def test_the_demo_deadline_is_inclusive_and_late_is_refused(situation):
    deadline = timezone.now() + timedelta(days=2)
    settings_for(situation.challenge, demo_deadline=deadline)
    with time_machine.travel(deadline, tick=False):
        assert submit(situation).submitted_at == deadline
    with (
        time_machine.travel(deadline + timedelta(seconds=1), tick=False),
        pytest.raises(DomainError) as exc,
    ):
        submit(situation)
    assert exc.value.code == "demo_late"
    assert "Venció el plazo de las demostraciones" in str(exc.value)
    assert Demo.objects.count() == 1


def test_without_a_demo_deadline_demo_day_closes_the_demos(situation):
    challenge = situation.challenge
    with (
        time_machine.travel(challenge.demo_day_at + timedelta(minutes=1), tick=False),
        pytest.raises(DomainError) as exc,
    ):
        submit(situation)
    assert exc.value.code == "demo_late"


def test_the_late_form_shows_the_message_and_keeps_nothing(client, situation):
    proposal = situation.finalists[0]
    settings_for(situation.challenge, demo_deadline=timezone.now() + timedelta(hours=1))
    client.force_login(situation.members[proposal.pk])
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        response = client.post(
            url("decisions:demo", public_id=proposal.public_id),
            {"demo_url": "https://demo.example.org/", "repository_url": "https://git.example.org/"},
        )
    assert response.status_code == 400
    assert "The demo deadline has passed" in response.content.decode()
    assert not Demo.objects.exists()


# --- The demo page ----------------------------------------------------------------------------


def test_the_demo_page_submits_through_the_form(client, situation):
    proposal = situation.finalists[0]
    client.force_login(situation.members[proposal.pk])
    page = url("decisions:demo", public_id=proposal.public_id)
    assert client.get(page).status_code == 200
    response = client.post(
        page,
        {
            "demo_url": "https://demo.example.org/",
            "repository_url": "https://git.example.org/x",
            "video_url": "https://video.example.org/v",
            "notes": "Usuario: prueba",
        },
    )
    assert response.status_code == 302
    demo = Demo.objects.get()
    assert demo.video_url == "https://video.example.org/v"
    assert demo.submitted_by == situation.members[proposal.pk]


def test_the_form_shows_invalid_urls_on_their_field(client, situation):
    proposal = situation.finalists[0]
    client.force_login(situation.members[proposal.pk])
    response = client.post(
        url("decisions:demo", public_id=proposal.public_id),
        {"demo_url": "javascript:alert(1)", "repository_url": "https://git.example.org/"},
    )
    assert response.status_code == 400
    assert 'href="#id_demo_url"' in response.content.decode()
    assert not Demo.objects.exists()


def test_hostile_notes_and_urls_are_shown_escaped(client, situation):
    proposal = situation.finalists[0]
    submit(
        situation,
        demo_url='https://demo.example.org/"><script>alert(1)</script>',
        notes="<script>alert('nota')</script> '; DROP TABLE decisions_demo; --",
    )
    client.force_login(situation.members[proposal.pk])
    body = client.get(url("decisions:demo", public_id=proposal.public_id)).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;nota&#x27;)&lt;/script&gt;" in body
    assert Demo.objects.count() == 1


def test_a_non_finalist_and_strangers_get_a_404_for_the_demo_page(client, situation):
    proposal = situation.finalists[0]
    page = url("decisions:demo", public_id=proposal.public_id)
    assert client.get(page).status_code == 404
    client.force_login(situation.members[situation.proposals[2].pk])
    assert client.get(page).status_code == 404
    # A non-finalist's own proposal has no demo page either.
    assert (
        client.get(url("decisions:demo", public_id=situation.proposals[2].public_id)).status_code
        == 404
    )


def test_the_officials_read_the_demo_but_not_submit(client, situation):
    proposal = situation.finalists[0]
    submit(situation)
    client.force_login(official_of(situation.challenge))
    page = url("decisions:demo", public_id=proposal.public_id)
    body = client.get(page).content.decode()
    assert "https://demo.example.org/" in body
    assert "Submit the demo" not in body
    response = client.post(
        page, {"demo_url": "https://x.example.org/", "repository_url": "https://y.example.org/"}
    )
    assert response.status_code == 400
    assert Demo.objects.count() == 1


# --- Demo-day slots ---------------------------------------------------------------------------


def slot_times(days=5, hour=10, minutes=45):
    start = (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return start, start + timedelta(minutes=minutes)


def test_an_official_schedules_a_slot_and_the_finalist_is_notified(situation):
    proposal = situation.finalists[0]
    official = official_of(situation.challenge)
    start, end = slot_times()
    slot = services.demo_slot_schedule(
        proposal=proposal, actor=official, starts_at=start, ends_at=end, location="Sala 3"
    )
    assert slot.sequence == 0
    notes = Notification.objects.filter(kind=Kind.DEMO_SCHEDULED)
    # Every member of the finalist company (its admin and the member), nobody else.
    assert situation.members[proposal.pk].pk in {n.user_id for n in notes}
    assert {n.user_id for n in notes} == set(
        proposal.company.memberships.values_list("user", flat=True)
    )
    note = notes.get(user=situation.members[proposal.pk])
    assert "Sala 3" in note.body
    assert f"/propuestas/{proposal.public_id}/demo/" in note.url
    event = Event.objects.get(action="demo.scheduled")
    assert event.public
    assert "location" not in event.payload


def test_moving_a_slot_bumps_the_invitation_sequence(client, situation):
    proposal = situation.finalists[0]
    official = official_of(situation.challenge)
    start, end = slot_times()
    services.demo_slot_schedule(
        proposal=proposal, actor=official, starts_at=start, ends_at=end, location="Sala 3"
    )
    same = services.demo_slot_schedule(
        proposal=proposal, actor=official, starts_at=start, ends_at=end, location="Sala 3"
    )
    assert same.sequence == 0  # nothing moved
    moved = services.demo_slot_schedule(
        proposal=proposal,
        actor=official,
        starts_at=start + timedelta(hours=1),
        ends_at=end + timedelta(hours=1),
        location="https://video.example.org/sala",
    )
    assert moved.sequence == 1
    assert DemoSlot.objects.count() == 1
    assert (
        Notification.objects.filter(
            kind=Kind.DEMO_SCHEDULED, user=situation.members[proposal.pk]
        ).count()
        == 2
    )
    client.force_login(situation.members[proposal.pk])
    response = client.get(url("decisions:demo_calendar", public_id=proposal.public_id))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "SEQUENCE:1\r\n" in text
    assert f"UID:demo-{proposal.public_id}@" in text
    moved_start = (start + timedelta(hours=1)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{moved_start}\r\n" in text
    assert "LOCATION:https://video.example.org/sala" in text.replace("\r\n ", "")


@pytest.mark.parametrize(
    ("shift", "length", "code"),
    [(-1, 30, "slot_past"), (5, 0, "slot_order"), (5, -10, "slot_order")],
)
def test_a_slot_must_lie_ahead_and_end_after_it_starts(situation, shift, length, code):
    start = timezone.now() + timedelta(days=shift)
    with pytest.raises(DomainError) as exc:
        services.demo_slot_schedule(
            proposal=situation.finalists[0],
            actor=official_of(situation.challenge),
            starts_at=start,
            ends_at=start + timedelta(minutes=length),
            location="Sala 3",
        )
    assert exc.value.code == code
    assert not DemoSlot.objects.exists()


def test_two_finalists_cannot_share_a_time(situation):
    official = official_of(situation.challenge)
    start, end = slot_times()
    services.demo_slot_schedule(
        proposal=situation.finalists[0], actor=official, starts_at=start, ends_at=end, location="A"
    )
    with pytest.raises(DomainError) as exc:
        services.demo_slot_schedule(
            proposal=situation.finalists[1],
            actor=official,
            starts_at=start + timedelta(minutes=30),
            ends_at=end + timedelta(minutes=30),
            location="A",
        )
    assert exc.value.code == "slot_overlap"
    # Back to back is fine.
    services.demo_slot_schedule(
        proposal=situation.finalists[1],
        actor=official,
        starts_at=end,
        ends_at=end + timedelta(minutes=45),
        location="A",
    )
    assert DemoSlot.objects.count() == 2


def test_a_non_finalist_gets_no_slot(situation):
    start, end = slot_times()
    with pytest.raises(DomainError) as exc:
        services.demo_slot_schedule(
            proposal=situation.proposals[2],
            actor=official_of(situation.challenge),
            starts_at=start,
            ends_at=end,
            location="Sala",
        )
    assert exc.value.code == "not_finalist"


def test_only_officials_schedule_and_only_in_the_finalists_stage(situation):
    start, end = slot_times()
    proposal = situation.finalists[0]
    for actor in (situation.members[proposal.pk], situation.chair.user):
        with pytest.raises(PermissionDenied):
            services.demo_slot_schedule(
                proposal=proposal, actor=actor, starts_at=start, ends_at=end, location="Sala"
            )
    in_stage(situation.challenge, Stage.DECIDED)
    with pytest.raises(PermissionDenied):
        services.demo_slot_schedule(
            proposal=proposal,
            actor=approver_of(situation.challenge),
            starts_at=start,
            ends_at=end,
            location="Sala",
        )
    assert not DemoSlot.objects.exists()


def test_the_agenda_form_schedules_on_the_agency_clock(client, situation):
    proposal = situation.finalists[0]
    challenge = situation.challenge
    client.force_login(official_of(challenge))
    day = (timezone.now() + timedelta(days=6)).date()
    response = client.post(
        url("decisions:slot", slug=challenge.slug, public_id=proposal.public_id),
        {"date": day.isoformat(), "starts": "10:00", "ends": "10:45", "location": "Sala 3"},
    )
    assert response.status_code == 302
    slot = DemoSlot.objects.get()
    from zoneinfo import ZoneInfo

    local = slot.starts_at.astimezone(ZoneInfo(challenge.body.time_zone))
    assert (local.date(), local.hour, local.minute) == (day, 10, 0)
    agenda = client.get(url("decisions:agenda", slug=challenge.slug)).content.decode()
    assert "Sala 3" in agenda and "Move the slot" in agenda


def test_the_agenda_form_refuses_an_end_before_the_start(client, situation):
    proposal = situation.finalists[0]
    client.force_login(official_of(situation.challenge))
    day = (timezone.now() + timedelta(days=6)).date()
    response = client.post(
        url("decisions:slot", slug=situation.challenge.slug, public_id=proposal.public_id),
        {"date": day.isoformat(), "starts": "11:00", "ends": "10:00", "location": "Sala 3"},
    )
    assert response.status_code == 400
    assert "The slot must end after it starts." in response.content.decode()
    assert not DemoSlot.objects.exists()


def test_a_finalist_sees_only_its_own_slot_before_the_decision(client, situation):
    official = official_of(situation.challenge)
    a, b = situation.finalists
    start, end = slot_times()
    services.demo_slot_schedule(
        proposal=a, actor=official, starts_at=start, ends_at=end, location="Sala-A-secreta"
    )
    services.demo_slot_schedule(
        proposal=b,
        actor=official,
        starts_at=end,
        ends_at=end + timedelta(hours=1),
        location="Sala-B",
    )
    client.force_login(situation.members[a.pk])
    assert client.get(url("decisions:agenda", slug=situation.challenge.slug)).status_code == 404
    assert client.get(url("decisions:demo", public_id=b.public_id)).status_code == 404
    assert client.get(url("decisions:demo_calendar", public_id=b.public_id)).status_code == 404
    own = client.get(url("decisions:demo", public_id=a.public_id)).content.decode()
    assert "Sala-A-secreta" in own and "Sala-B" not in own


def test_an_oversized_or_empty_place_is_refused(situation):
    start, end = slot_times()
    for location, code in (
        ("x" * (services.LOCATION_MAX + 1), "too_long"),
        ("  ", "location_required"),
    ):
        with pytest.raises(DomainError) as exc:
            services.demo_slot_schedule(
                proposal=situation.finalists[0],
                actor=official_of(situation.challenge),
                starts_at=start,
                ends_at=end,
                location=location,
            )
        assert exc.value.code == code
    assert not DemoSlot.objects.exists()


def test_the_demo_day_email_carries_the_calendar_invitation(situation):
    from retos.notifications.models import EmailDelivery
    from retos.notifications.services import email_message

    proposal = situation.finalists[0]
    start, end = slot_times()
    services.demo_slot_schedule(
        proposal=proposal,
        actor=official_of(situation.challenge),
        starts_at=start,
        ends_at=end,
        location="Sala 3",
    )
    delivery = EmailDelivery.objects.filter(
        kind=Kind.DEMO_SCHEDULED, user=situation.members[proposal.pk]
    ).get()
    message = email_message(delivery)
    ((name, content, mimetype),) = message.attachments
    assert name == f"demo-{situation.challenge.slug}.ics"
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content
    assert f"UID:demo-{proposal.public_id}@" in content
    assert f"DTSTART:{start.astimezone(UTC):%Y%m%dT%H%M%SZ}" in content
    assert "LOCATION:Sala 3" in content
