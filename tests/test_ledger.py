"""The event ledger is append-only and written in the same transaction as the change."""

import pytest
from django.db import transaction

from retos.challenges import services
from retos.challenges.stages import Stage
from retos.ledger.models import AppendOnlyError, Event
from retos.ledger.services import event_record
from tests.factories import GovernmentBodyFactory, MembershipFactory
from tests.lifecycle import challenge_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(user):
    with transaction.atomic():
        return event_record(actor=user, action="test.happened", subject=user)


def test_an_event_cannot_be_changed(event):
    event.action = "test.rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(action="x")
    assert Event.objects.get(pk=event.pk).action == "test.happened"


@pytest.mark.django_db(transaction=True)
def test_events_are_only_written_inside_a_transaction(user):
    with pytest.raises(RuntimeError):
        event_record(actor=user, action="test.outside", subject=user)


def test_the_actor_label_is_kept_as_it_was(event, user):
    user.full_name = "Otro nombre"
    user.save()
    assert Event.objects.get(pk=event.pk).actor_label != "Otro nombre"


def test_a_failed_transition_leaves_neither_change_nor_event():
    body = GovernmentBodyFactory(verified_at=None)
    challenge = challenge_in(Stage.IN_REVIEW, body=body)
    from tests.factories import UserFactory

    before = Event.objects.count()
    with pytest.raises(services.DomainError):
        services.challenge_approve(challenge=challenge, actor=UserFactory(is_platform_staff=True))
    assert Event.objects.count() == before
    challenge.refresh_from_db()
    assert challenge.stage == Stage.IN_REVIEW


def test_the_admin_site_cannot_change_the_ledger(admin_client, event):
    assert admin_client.get(f"/admin/ledger/event/{event.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/ledger/event/add/").status_code == 403


def test_system_actions_are_recorded_as_system():
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.PUBLISHED, body=body, deadline_passed=True)
    MembershipFactory(organization=body, role="approver")
    services.challenge_close(challenge=challenge)
    event = Event.objects.latest("sequence")
    assert event.actor is None and event.actor_label == "system"
