"""Following challenges, in-site notifications, preferences, emails with retries, reminders."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from retos.challenges.stages import Stage
from retos.ledger.models import Event
from retos.notifications import selectors, services
from retos.notifications.context_processors import notifications as unread_context
from retos.notifications.models import (
    PREFERENCE_KINDS,
    DeadlineReminder,
    DeliveryStatus,
    EmailDelivery,
    Follow,
    Kind,
    Notification,
    NotificationPreference,
)
from retos.notifications.tasks import send_notification_email
from tests.factories import ChallengeFactory, DraftChallengeFactory, UserFactory
from tests.lifecycle import ROLES, challenge_in, person

pytestmark = pytest.mark.django_db


def follower(challenge, *, language="es-mx", **user_fields):
    user = UserFactory(preferred_language=language, **user_fields)
    Follow.objects.create(user=user, challenge=challenge)
    return user


def prefer(user, kind, *, email=True, site=True):
    NotificationPreference.objects.create(user=user, kind=kind, email=email, site=site)


def notify(challenge, kind=Kind.STAGE_CHANGED, **kwargs):
    services.notify_followers(challenge=challenge, kind=kind, **kwargs)


# ---------------------------------------------------------------------------------------------
# Following


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_anyone_signed_in_may_follow_a_public_challenge(role):
    challenge = ChallengeFactory()
    user = person(role, challenge.body)
    services.challenge_follow(challenge=challenge, user=user)
    assert Follow.objects.filter(user=user, challenge=challenge).exists()


@pytest.mark.parametrize(
    "stage", [Stage.PUBLISHED, Stage.CLOSED, Stage.EVALUATION, Stage.COMPLETED, Stage.CANCELLED]
)
def test_every_public_stage_can_be_followed(stage):
    challenge = challenge_in(stage)
    user = UserFactory()
    services.challenge_follow(challenge=challenge, user=user)
    assert selectors.follower_count(challenge) == 1


@pytest.mark.parametrize("role", ["body_official", "body_approver", "platform_staff", "superuser"])
@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.IN_REVIEW, "scheduled"])
def test_a_challenge_that_is_not_public_cannot_be_followed_even_by_those_who_see_it(stage, role):
    if stage == "scheduled":
        challenge = ChallengeFactory(published_at=timezone.now() + timedelta(days=1))
    else:
        challenge = challenge_in(stage)
    user = person(role, challenge.body)
    with pytest.raises(PermissionDenied):
        services.challenge_follow(challenge=challenge, user=user)
    assert not Follow.objects.exists()


def test_anonymous_visitors_cannot_follow_or_unfollow():
    challenge = ChallengeFactory()
    with pytest.raises(PermissionDenied):
        services.challenge_follow(challenge=challenge, user=AnonymousUser())
    with pytest.raises(PermissionDenied):
        services.challenge_unfollow(challenge=challenge, user=AnonymousUser())


def test_an_inactive_account_cannot_follow():
    with pytest.raises(PermissionDenied):
        services.challenge_follow(challenge=ChallengeFactory(), user=UserFactory(is_active=False))


def test_following_twice_keeps_one_follow_and_one_private_ledger_event():
    challenge, user = ChallengeFactory(), UserFactory()
    services.challenge_follow(challenge=challenge, user=user)
    services.challenge_follow(challenge=challenge, user=user)
    assert Follow.objects.count() == 1
    events = list(Event.objects.for_subject(challenge).filter(action="challenge.followed"))
    assert len(events) == 1
    assert events[0].public is False


def test_unfollowing_removes_the_follow_and_is_harmless_when_not_following():
    challenge, user = ChallengeFactory(), UserFactory()
    services.challenge_follow(challenge=challenge, user=user)
    assert services.challenge_unfollow(challenge=challenge, user=user) is True
    assert services.challenge_unfollow(challenge=challenge, user=user) is False
    assert not Follow.objects.exists()
    unfollowed = Event.objects.for_subject(challenge).filter(action="challenge.unfollowed")
    assert [e.public for e in unfollowed] == [False]


def test_the_follow_form_follows_and_comes_back_to_the_challenge(client):
    challenge, user = ChallengeFactory(), UserFactory()
    client.force_login(user)
    response = client.post(f"/retos/{challenge.slug}/seguir/")
    assert response.status_code == 302
    assert response["Location"] == challenge.get_absolute_url()
    assert Follow.objects.filter(user=user, challenge=challenge).exists()
    response = client.post(f"/en/retos/{challenge.slug}/dejar-de-seguir/")
    assert response["Location"] == f"/en/retos/{challenge.slug}/"
    assert not Follow.objects.exists()


def test_the_follow_form_sends_visitors_to_sign_in_and_back(client):
    challenge = ChallengeFactory()
    response = client.post(f"/retos/{challenge.slug}/seguir/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/entrar/?next=")
    assert not Follow.objects.exists()


def test_the_follow_form_only_accepts_post(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    assert client.get(f"/retos/{challenge.slug}/seguir/").status_code == 405


def test_a_draft_gives_the_same_404_to_the_follow_form_as_a_missing_challenge(client):
    draft = DraftChallengeFactory()
    client.force_login(UserFactory())
    assert client.post(f"/retos/{draft.slug}/seguir/").status_code == 404
    assert client.post("/retos/no-existe/seguir/").status_code == 404


def test_an_official_trying_to_follow_their_draft_gets_a_message_not_a_follow(client):
    draft = DraftChallengeFactory()
    official = person("body_official", draft.body)
    client.force_login(official)
    response = client.post(f"/en/retos/{draft.slug}/seguir/", follow=True)
    assert "Only published challenges can be followed." in response.text
    assert not Follow.objects.exists()


def test_follow_state_counts_followers_and_knows_yours_in_one_query(django_assert_num_queries):
    challenge = ChallengeFactory()
    me = follower(challenge)
    for _ in range(4):
        follower(challenge)
    with django_assert_num_queries(1):
        state = selectors.follow_state(me, challenge)
    assert (state.count, state.following, state.can_follow) == (5, True, True)
    with django_assert_num_queries(1):
        state = selectors.follow_state(AnonymousUser(), challenge)
    assert (state.count, state.following, state.can_follow) == (5, False, False)


def test_the_follow_button_renders_for_each_kind_of_visitor():
    challenge = ChallengeFactory()
    me = follower(challenge)
    stranger = UserFactory()
    with translation.override("en"):
        following = render_to_string(
            "notifications/_follow_button.html",
            {"challenge": challenge, "follow": selectors.follow_state(me, challenge), "user": me},
        )
        not_yet = render_to_string(
            "notifications/_follow_button.html",
            {
                "challenge": challenge,
                "follow": selectors.follow_state(stranger, challenge),
                "user": stranger,
            },
        )
        visitor = render_to_string(
            "notifications/_follow_button.html",
            {
                "challenge": challenge,
                "follow": selectors.follow_state(AnonymousUser(), challenge),
                "user": AnonymousUser(),
            },
        )
    assert "1 person follows this challenge." in following
    assert f'action="/en/retos/{challenge.slug}/dejar-de-seguir/"' in following
    assert "Stop following" in following
    assert f'action="/en/retos/{challenge.slug}/seguir/"' in not_yet
    assert 'method="post"' in not_yet and "Follow this challenge" in not_yet
    assert "Sign in to follow this challenge" in visitor and "<form" not in visitor


# ---------------------------------------------------------------------------------------------
# notify_followers


def test_only_followers_are_notified_and_the_actor_is_left_out(django_capture_on_commit_callbacks):
    challenge = ChallengeFactory()
    fans = [follower(challenge) for _ in range(3)]
    actor = follower(challenge)
    bystander = UserFactory()
    follower(ChallengeFactory())  # follows another challenge
    with django_capture_on_commit_callbacks(execute=True):
        notify(challenge, context={"stage": Stage.CLOSED}, exclude_user=actor)
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert notified == {u.pk for u in fans}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in fans)
    assert bystander.pk not in notified


def test_inactive_followers_hear_nothing(django_capture_on_commit_callbacks):
    challenge = ChallengeFactory()
    follower(challenge, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(challenge)
    assert not Notification.objects.exists() and not mail.outbox


def test_a_challenge_the_public_cannot_see_notifies_no_one(django_capture_on_commit_callbacks):
    challenge = ChallengeFactory()
    follower(challenge)
    # Withdrawn from a scheduled publication: back in review, no longer public.
    challenge.stage = Stage.IN_REVIEW
    challenge.published_at = None
    challenge.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(challenge)
    assert not Notification.objects.exists() and not mail.outbox


def test_preferences_turn_each_channel_off_per_kind(django_capture_on_commit_callbacks):
    challenge = ChallengeFactory()
    everything = follower(challenge)
    no_email = follower(challenge)
    no_site = follower(challenge)
    nothing = follower(challenge)
    other_kind_off = follower(challenge)
    prefer(no_email, Kind.STAGE_CHANGED, email=False)
    prefer(no_site, Kind.STAGE_CHANGED, site=False)
    prefer(nothing, Kind.STAGE_CHANGED, email=False, site=False)
    prefer(other_kind_off, Kind.QUESTION_ANSWERED, email=False, site=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(challenge)
    in_site = set(Notification.objects.values_list("user_id", flat=True))
    emailed = {m.to[0] for m in mail.outbox}
    assert in_site == {everything.pk, no_email.pk, other_kind_off.pk}
    assert emailed == {everything.email, no_site.email, other_kind_off.email}


def test_emails_are_in_each_recipients_language_with_html_and_absolute_links(
    settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://retos.example.gob.mx"
    challenge = ChallengeFactory(title="Alerta sísmica")
    spanish = follower(challenge, language="es-mx")
    english = follower(challenge, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(challenge, context={"stage": Stage.CLOSED})
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2 and all(len(m.to) == 1 for m in mail.outbox)
    es, en = by_recipient[spanish.email], by_recipient[english.email]
    assert "Cerrado" in es.subject and "Closed" not in es.subject
    assert "Closed" in en.subject and "Cerrado" not in en.subject
    for message, language in ((es, "es-mx"), (en, "en")):
        with translation.override(language):
            expected = services.render_message(
                kind=Kind.STAGE_CHANGED,
                challenge=challenge,
                context={"stage": Stage.CLOSED},
                language=language,
            )
        assert message.subject == expected.title
        assert "Alerta sísmica" in message.subject
        html, mimetype = message.alternatives[0]
        assert challenge.title in html
        assert mimetype == "text/html"
        assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert f"https://retos.example.gob.mx/retos/{challenge.slug}/" in es.body
    assert f"https://retos.example.gob.mx/en/retos/{challenge.slug}/" in en.body
    assert 'lang="es-MX"' in es.alternatives[0][0] and 'lang="en"' in en.alternatives[0][0]
    assert "https://retos.example.gob.mx/en/notificaciones/preferencias/" in en.body
    # The in-site notifications are written in the recipient's language too.
    assert Notification.objects.get(user=english).url == f"/en/retos/{challenge.slug}/"
    assert Notification.objects.get(user=spanish).url == f"/retos/{challenge.slug}/"


def test_emails_never_name_other_people(django_capture_on_commit_callbacks):
    challenge = ChallengeFactory()
    actor = UserFactory(full_name="Funcionaria Reservada", email="reservada@example.mx")
    recipients = [follower(challenge, full_name=f"Seguidora {i}") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            challenge,
            kind=Kind.QUESTION_ANSWERED,
            context={"number": 7, "anchor": "pregunta-7"},
            exclude_user=actor,
        )
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        content = message.subject + message.body + message.alternatives[0][0]
        others = [u for u in recipients if u.email != message.to[0]]
        assert "Reservada" not in content and "reservada@" not in content
        for other in others:
            assert other.email not in content and other.full_name not in content
        assert message.cc == [] and message.bcc == []
        assert f"/retos/{challenge.slug}/#pregunta-7" in message.body


def test_notify_followers_runs_the_same_queries_for_3_and_30_followers(
    django_capture_on_commit_callbacks,
):
    def queries(n):
        challenge = ChallengeFactory()
        for i in range(n):
            fan = follower(challenge, language="en" if i % 2 else "es-mx")
            if i % 3 == 0:
                prefer(fan, Kind.AMENDMENT_PUBLISHED, email=False)
        with (
            django_capture_on_commit_callbacks(execute=False) as callbacks,
            CaptureQueriesContext(connection) as ctx,
        ):
            notify(challenge, kind=Kind.AMENDMENT_PUBLISHED, context={"reason": "Fechas."})
        assert len(callbacks) == 1  # one callback queues every email
        return len(ctx.captured_queries)

    small, large = queries(3), queries(30)
    assert small == large, (small, large)
    # savepoint, followers, 2 inserts, the ledger event (append lock on PostgreSQL, head,
    # insert), release (+ body)
    assert small <= 8
    assert Notification.objects.count() == 33
    assert EmailDelivery.objects.count() == 33 - 1 - 10


def test_one_email_task_per_recipient_on_the_email_queue(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "email"],
        }
    }
    challenge = ChallengeFactory()
    for _ in range(4):
        follower(challenge)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(challenge)
    backend = send_notification_email.get_backend()
    assert backend.results == []  # nothing queued before the commit
    for callback in callbacks:
        callback()
    assert len(backend.results) == 4
    assert {r.task.queue_name for r in backend.results} == {"email"}
    assert sorted(r.args[0] for r in backend.results) == sorted(
        EmailDelivery.objects.values_list("pk", flat=True)
    )
    assert not mail.outbox  # queued only: the worker sends them


def test_nothing_is_sent_when_the_callers_transaction_rolls_back():
    from django.db import transaction

    challenge = ChallengeFactory()
    follower(challenge)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        notify(challenge)
        raise Boom
    assert not Notification.objects.exists() and not EmailDelivery.objects.exists()
    assert not mail.outbox


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        notify(ChallengeFactory(), kind="gossip")


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_a_title_text_and_link_in_both_languages(kind):
    challenge = ChallengeFactory()
    for language in ("es-mx", "en"):
        message = services.render_message(
            kind=kind, challenge=challenge, context={}, language=language
        )
        assert challenge.title in message.title
        assert message.body
        assert message.url.endswith(f"/retos/{challenge.slug}/")


def test_deadline_messages_show_the_date_in_the_agencys_time_zone():
    challenge = ChallengeFactory()
    message = services.render_message(
        kind=Kind.DEADLINE_24_HOURS, challenge=challenge, context={}, language="es-mx"
    )
    assert "hora del centro" in message.body


# ---------------------------------------------------------------------------------------------
# Email delivery and retries


@pytest.fixture
def one_delivery(django_capture_on_commit_callbacks):
    """A challenge with one follower and its queued email (its task not run yet)."""
    challenge = ChallengeFactory()
    follower(challenge)
    with django_capture_on_commit_callbacks(execute=False):
        notify(challenge)
    return EmailDelivery.objects.get()


def failing_send(monkeypatch, failures: int | None):
    """Make the (locmem) connection fail ``failures`` times (None: always)."""
    original = EmailBackend.send_messages
    calls = {"n": 0}

    def send_messages(self, messages):
        calls["n"] += 1
        if failures is None or calls["n"] <= failures:
            raise ConnectionRefusedError("SMTP server unreachable")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return calls


def test_a_delivery_is_sent_once_and_marked_sent(one_delivery):
    send_notification_email.enqueue(one_delivery.pk)
    one_delivery.refresh_from_db()
    assert one_delivery.status == DeliveryStatus.SENT
    assert one_delivery.attempts == 1 and one_delivery.sent_at is not None
    # A duplicate task for the same delivery sends nothing more.
    send_notification_email.enqueue(one_delivery.pk)
    assert len(mail.outbox) == 1


def test_a_failed_send_is_retried_and_then_sent(one_delivery, monkeypatch):
    calls = failing_send(monkeypatch, failures=1)
    send_notification_email.enqueue(one_delivery.pk)
    one_delivery.refresh_from_db()
    assert calls["n"] == 2
    assert one_delivery.status == DeliveryStatus.SENT
    assert one_delivery.attempts == 2
    assert "SMTP server unreachable" in one_delivery.last_error
    assert len(mail.outbox) == 1


def test_a_send_that_always_fails_gives_up_after_five_attempts(one_delivery, monkeypatch):
    calls = failing_send(monkeypatch, failures=None)
    send_notification_email.enqueue(one_delivery.pk)
    one_delivery.refresh_from_db()
    assert calls["n"] == services.MAX_EMAIL_ATTEMPTS == 5
    assert one_delivery.status == DeliveryStatus.FAILED
    assert one_delivery.attempts == 5
    assert one_delivery.last_error == "ConnectionRefusedError: SMTP server unreachable"
    assert one_delivery.sent_at is None
    assert not mail.outbox


def test_retries_wait_2_4_8_16_minutes_on_a_backend_that_defers(
    settings, one_delivery, monkeypatch
):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "email"],
        }
    }
    failing_send(monkeypatch, failures=None)
    backend = send_notification_email.get_backend()
    start = timezone.now()
    waits = []
    with time_machine.travel(start, tick=False) as clock:
        for attempt in range(1, 6):
            assert services.email_delivery_attempt(delivery_id=one_delivery.pk) in (
                DeliveryStatus.QUEUED,
                DeliveryStatus.FAILED,
            )
            one_delivery.refresh_from_db()
            assert one_delivery.attempts == attempt
            if attempt == 5:
                break
            retry = backend.results[-1]
            assert retry.task.run_after == one_delivery.next_attempt_at
            waits.append(one_delivery.next_attempt_at - timezone.now())
            # Too early: a task that runs before its time does nothing.
            assert services.email_delivery_attempt(delivery_id=one_delivery.pk) == "not_due"
            clock.move_to(one_delivery.next_attempt_at)
    assert waits == [timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert one_delivery.status == DeliveryStatus.FAILED
    assert len(backend.results) == 4


def test_an_inactive_recipient_gets_no_email(one_delivery):
    one_delivery.user.is_active = False
    one_delivery.user.save()
    send_notification_email.enqueue(one_delivery.pk)
    one_delivery.refresh_from_db()
    assert one_delivery.status == DeliveryStatus.FAILED and not mail.outbox


def test_requeue_gives_stuck_emails_a_new_task(one_delivery):
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        call_command("requeue_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    one_delivery.refresh_from_db()
    assert one_delivery.status == DeliveryStatus.SENT and len(mail.outbox) == 1


# ---------------------------------------------------------------------------------------------
# Deadline reminders


def run_reminders() -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_deadline_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def deadline():
    return timezone.now().replace(microsecond=0) + timedelta(days=30)


def challenge_closing_at(deadline, **extra):
    fields = {
        "published_at": deadline - timedelta(days=25),
        "questions_close_at": deadline - timedelta(days=10),
        "submissions_close_at": deadline,
        "evaluation_ends_at": deadline + timedelta(days=10),
        "demo_day_at": deadline + timedelta(days=20),
        "decision_at": deadline + timedelta(days=30),
        "delivery_at": deadline + timedelta(days=120),
    }
    return ChallengeFactory(**{**fields, **extra})


def test_reminders_go_once_three_days_before_and_once_within_24_hours(
    deadline, django_capture_on_commit_callbacks
):
    challenge = challenge_closing_at(deadline)
    fan = follower(challenge)
    kinds = lambda: list(  # noqa: E731
        Notification.objects.filter(user=fan).order_by("id").values_list("kind", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(deadline - timedelta(days=4), tick=False):
            assert "0 reminder(s) sent." in run_reminders()
        with time_machine.travel(deadline - timedelta(days=3) + timedelta(minutes=5), tick=False):
            assert "1 reminder(s) sent." in run_reminders()
            assert "0 reminder(s) sent." in run_reminders()
        with time_machine.travel(deadline - timedelta(days=2), tick=False):
            assert "0 reminder(s) sent." in run_reminders()
        with time_machine.travel(deadline - timedelta(hours=23), tick=False):
            assert "1 reminder(s) sent." in run_reminders()
            assert "0 reminder(s) sent." in run_reminders()
        with time_machine.travel(deadline - timedelta(minutes=1), tick=False):
            assert "0 reminder(s) sent." in run_reminders()
        with time_machine.travel(deadline + timedelta(hours=1), tick=False):
            assert "0 reminder(s) sent." in run_reminders()
    assert kinds() == [Kind.DEADLINE_3_DAYS, Kind.DEADLINE_24_HOURS]
    assert len(mail.outbox) == 2
    assert DeadlineReminder.objects.filter(challenge=challenge).count() == 2


def test_a_moved_deadline_gets_its_own_reminders(deadline):
    challenge = challenge_closing_at(deadline)
    follower(challenge)
    with time_machine.travel(deadline - timedelta(hours=12), tick=False):
        services.deadline_reminders_send()
        challenge.submissions_close_at = deadline + timedelta(days=2)
        challenge.save(update_fields=["submissions_close_at"])
    with time_machine.travel(deadline + timedelta(days=2) - timedelta(hours=12), tick=False):
        assert services.deadline_reminders_send() == [(challenge.pk, Kind.DEADLINE_24_HOURS)]


@pytest.mark.parametrize("stage", [Stage.CLOSED, Stage.CANCELLED, Stage.DRAFT, "scheduled"])
def test_no_reminders_for_challenges_not_open_for_submissions(deadline, stage):
    extra = {}
    if stage == "scheduled":
        extra = {"published_at": deadline - timedelta(hours=1)}
    elif stage == Stage.CANCELLED:
        extra = {"stage": stage, "cancelled_at": timezone.now(), "outcome_reason": "Sin fondos."}
    elif stage == Stage.CLOSED:
        extra = {"stage": stage, "closed_at": timezone.now()}
    else:
        extra = {"stage": stage, "published_at": None}
    challenge = challenge_closing_at(deadline, **extra)
    Follow.objects.create(user=UserFactory(), challenge=challenge)
    with time_machine.travel(deadline - timedelta(hours=2), tick=False):
        assert services.deadline_reminders_send() == []
    assert not Notification.objects.exists() and not DeadlineReminder.objects.exists()


def test_reminders_respect_preferences(deadline, django_capture_on_commit_callbacks):
    challenge = challenge_closing_at(deadline)
    fan = follower(challenge)
    prefer(fan, Kind.DEADLINE_24_HOURS, email=False)
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(deadline - timedelta(hours=2), tick=False),
    ):
        services.deadline_reminders_send()
    assert Notification.objects.filter(user=fan, kind=Kind.DEADLINE_24_HOURS).exists()
    assert not mail.outbox


# ---------------------------------------------------------------------------------------------
# Pages: notifications, preferences, the header count


def make_notifications(user, n, *, read=False):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=Kind.STAGE_CHANGED,
            title=f"Aviso {i}",
            body="Texto del aviso.",
            url="/retos/",
            created_at=now - timedelta(minutes=i),
            read_at=now if read else None,
        )
        for i in range(n)
    )


def test_the_notifications_page_needs_a_signed_in_person(client):
    response = client.get("/notificaciones/")
    assert response.status_code == 302 and "/cuenta/entrar/" in response["Location"]


def test_the_notifications_page_shows_only_your_own_newest_first(client):
    me, other = UserFactory(), UserFactory()
    make_notifications(me, 3)
    Notification.objects.create(user=other, kind=Kind.STAGE_CHANGED, title="Ajeno")
    client.force_login(me)
    text = client.get("/notificaciones/").text
    assert text.index("Aviso 0") < text.index("Aviso 1") < text.index("Aviso 2")
    assert "Ajeno" not in text


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/notificaciones/", "/en/notificaciones/?page=2"])
def test_the_notifications_page_runs_the_same_queries_with_5_and_60_notifications(
    client, settings, url
):
    settings.TEMPLATES[0]["OPTIONS"]["context_processors"] = [
        *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
        "retos.notifications.context_processors.notifications",
    ]
    me = UserFactory()
    client.force_login(me)
    make_notifications(me, 5)
    small = count_queries(client, url)
    make_notifications(me, 55)
    large = count_queries(client, url)
    # session, user, unread count (once, shared with the header), page count, page rows, and
    # the person's roles (the header's "My challenges" / "My proposals" links)
    assert small == large <= 6, (small, large)


def test_marking_one_and_all_as_read(client):
    me = UserFactory()
    make_notifications(me, 3)
    client.force_login(me)
    first = Notification.objects.filter(user=me).first()
    response = client.post(f"/notificaciones/{first.pk}/leida/", {"next": "/notificaciones/"})
    assert response.status_code == 302 and response["Location"] == "/notificaciones/"
    assert selectors.unread_count(me) == 2
    response = client.post("/notificaciones/leidas/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notificaciones/"
    assert selectors.unread_count(me) == 0
    text = client.get("/en/notificaciones/").text
    assert "Mark as read" not in text and "Unread" not in text


def test_no_one_can_mark_someone_elses_notification(client):
    me, other = UserFactory(), UserFactory()
    theirs = Notification.objects.create(user=other, kind=Kind.STAGE_CHANGED, title="Suyo")
    client.force_login(me)
    assert client.post(f"/notificaciones/{theirs.pk}/leida/").status_code == 404
    assert client.post("/notificaciones/999999/leida/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(notification=theirs, user=me)


def test_the_notifications_page_lists_unread_with_a_text_label_and_post_forms(client):
    me = UserFactory()
    make_notifications(me, 2)
    client.force_login(me)
    text = client.get("/en/notificaciones/").text
    assert text.count(">Unread</span>") == 2
    assert 'action="/en/notificaciones/leidas/"' in text
    assert text.count('method="post"') >= 3


def test_the_preferences_page_starts_all_on_and_saves_choices(client):
    me = UserFactory()
    client.force_login(me)
    page = client.get("/en/notificaciones/preferencias/")
    assert page.status_code == 200
    assert page.text.count("checked") == 2 * len(PREFERENCE_KINDS)
    assert "<legend>" in page.text
    data = {
        f"{kind.value}__{channel}": "on"
        for kind in PREFERENCE_KINDS
        for channel in ("email", "site")
    }
    del data["deadline_3_days__email"]
    del data["stage_changed__site"]
    del data["stage_changed__email"]
    response = client.post("/en/notificaciones/preferencias/", data)
    assert response.status_code == 302
    assert selectors.preferences_for(me)["deadline_3_days"] == {"email": False, "site": True}
    assert selectors.preferences_for(me)["stage_changed"] == {"email": False, "site": False}
    assert selectors.preferences_for(me)["question_answered"] == {"email": True, "site": True}
    # Saving again updates the same rows.
    client.post("/en/notificaciones/preferencias/", {**data, "stage_changed__site": "on"})
    assert NotificationPreference.objects.filter(user=me).count() == len(PREFERENCE_KINDS)
    assert selectors.preferences_for(me)["stage_changed"] == {"email": False, "site": True}
    event = Event.objects.filter(action="notifications.preferences_set").last()
    assert event.public is False


def test_preferences_are_only_yours_to_set():
    me, other = UserFactory(), UserFactory()
    with pytest.raises(PermissionDenied):
        services.notification_preferences_set(user=other, actor=me, choices={})


def test_the_unread_count_is_lazy_and_free_for_visitors(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        context = unread_context(request)
        assert context["unread_notifications_count"]() == 0
    me = UserFactory()
    make_notifications(me, 3)
    make_notifications(me, 2, read=True)
    request = RequestFactory().get("/")
    request.user = me
    with django_assert_num_queries(0):
        context = unread_context(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications_count"]() == 3
        assert context["unread_notifications_count"]() == 3  # cached for the request


def test_the_header_link_shows_the_unread_count():
    me = UserFactory()
    make_notifications(me, 3)
    request = RequestFactory().get("/en/")
    request.user = me
    with translation.override("en"):
        html = render_to_string(
            "notifications/_header_link.html", {**unread_context(request), "request": request}
        )
    assert 'href="/en/notificaciones/"' in html
    assert "3 unread" in html


def test_a_published_answer_notifies_followers_without_naming_the_asker(
    django_capture_on_commit_callbacks,
):
    from retos.clarifications.services import question_answer, question_ask
    from tests.factories import CompanyFactory, MembershipFactory

    challenge = ChallengeFactory()
    asker = MembershipFactory(
        organization=CompanyFactory(name="Empresa Preguntona S.A."),
        role="member",
        user=UserFactory(full_name="Ana Preguntona"),
    ).user
    follower = UserFactory(preferred_language="en")
    services.challenge_follow(challenge=challenge, user=follower)
    question = question_ask(
        challenge=challenge, actor=asker, text="¿Cuál es el alcance?", section="general"
    )
    official = MembershipFactory(organization=challenge.body, role="official").user
    with django_capture_on_commit_callbacks(execute=True):
        question_answer(question=question, actor=official, answer="El alcance es nacional.")
    assert Notification.objects.filter(user=follower, kind=Kind.QUESTION_ANSWERED).exists()
    assert [m.to for m in mail.outbox] == [[follower.email]]
    body = mail.outbox[0].body + mail.outbox[0].alternatives[0][0]
    assert "Preguntona" not in body and asker.email not in body
