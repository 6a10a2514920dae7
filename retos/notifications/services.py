"""Every write about following and notifications.

The public API for other apps is :func:`notify_followers`: call it inside your service's
transaction, after your change and its ledger event::

    notify_followers(challenge=challenge, kind=Kind.QUESTION_ANSWERED,
                     context={"number": question.number}, exclude_user=actor)

It writes the in-site notifications at once (a few queries, however many followers) and, after
the commit, queues one email task per recipient. The email task never runs inside a request.

:func:`notify_users` does the same for people you name (a company's members, about their own
proposal), and :func:`notify_audiences` for several such groups at once, each with its own
message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from retos.core import rules
from retos.ledger.services import event_record
from retos.notifications.content import render_message
from retos.notifications.models import (
    PREFERENCE_KINDS,
    PROPOSAL_KINDS,
    TRANSACTIONAL_KINDS,
    DeadlineReminder,
    DeliveryStatus,
    EmailDelivery,
    Follow,
    Kind,
    Notification,
    NotificationPreference,
)

logger = logging.getLogger(__name__)

#: An email is tried this many times; the wait before try n + 1 is 2**n minutes (2, 4, 8, 16).
MAX_EMAIL_ATTEMPTS = 5

# Reminders, the nearest first: the 24-hour one covers the last day; the 3-day one the two
# days before it, so a challenge never gets both at once.
REMINDER_WINDOWS = [
    (Kind.DEADLINE_24_HOURS, timedelta(0), timedelta(hours=24)),
    (Kind.DEADLINE_3_DAYS, timedelta(hours=24), timedelta(days=3)),
]


# ---------------------------------------------------------------------------------------------
# Following


@transaction.atomic
def challenge_follow(*, challenge, user) -> Follow:
    """``user`` follows a public challenge. Following twice changes nothing."""
    rules.require(user, "challenge:follow", challenge)
    follow, created = Follow.objects.get_or_create(user=user, challenge=challenge)
    if created:
        event_record(actor=user, action="challenge.followed", subject=challenge, public=False)
    return follow


@transaction.atomic
def challenge_unfollow(*, challenge, user) -> bool:
    """``user`` stops following ``challenge``. True if they were following it."""
    rules.require(user, "challenge:unfollow", challenge)
    deleted, _ = Follow.objects.filter(user=user, challenge=challenge).delete()
    if deleted:
        event_record(actor=user, action="challenge.unfollowed", subject=challenge, public=False)
    return bool(deleted)


# ---------------------------------------------------------------------------------------------
# Preferences


@transaction.atomic
def notification_preferences_set(*, user, actor, choices: dict[str, dict[str, bool]]) -> None:
    """Set, for each kind in ``choices``, whether ``user`` gets it by email and on the site.

    ``choices`` maps a kind to ``{"email": bool, "site": bool}``; a missing channel is on.
    """
    rules.require(actor, "notification:set_preferences", user)
    offered = {kind.value for kind in PREFERENCE_KINDS}
    refused = sorted(str(kind) for kind in choices if Kind(kind).value not in offered)
    if refused:
        raise ValueError(f"transactional kinds cannot be turned off: {refused}")
    rows = [
        NotificationPreference(
            user=user,
            kind=Kind(kind),
            email=bool(channels.get("email", True)),
            site=bool(channels.get("site", True)),
        )
        for kind, channels in choices.items()
    ]
    NotificationPreference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["email", "site"],
    )
    event_record(
        actor=actor,
        action="notifications.preferences_set",
        subject=user,
        payload={
            "off": sorted(
                f"{row.kind}:{channel}"
                for row in rows
                for channel in ("email", "site")
                if not getattr(row, channel)
            )
        },
        public=False,
    )


# ---------------------------------------------------------------------------------------------
# In-site notifications


@transaction.atomic
def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of ``user``'s notifications as read (already read: nothing changes)."""
    rules.require(user, "notification:read", notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        event_record(actor=user, action="notification.read", subject=notification, public=False)
    return notification


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of ``user`` as read; returns how many there were."""
    rules.require(user, "notification:list")
    count = Notification.objects.for_user(user).unread().update(read_at=timezone.now())
    if count:
        event_record(
            actor=user,
            action="notifications.all_read",
            subject=user,
            payload={"count": count},
            public=False,
        )
    return count


def _language(code: str) -> str:
    known = {code for code, _ in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE


@transaction.atomic
def notify_followers(
    *, challenge, kind: str, context: dict[str, Any] | None = None, exclude_user=None
) -> None:
    """Tell every follower of ``challenge`` who wants ``kind``: on the site and by email.

    Call it inside your own transaction. It runs a constant number of queries (the followers
    with their preferences, one insert of notifications, one of email deliveries, one ledger
    event), however many followers there are; each email is queued as its own task once the
    transaction commits, so a failed or slow mail server never touches the request.

    ``context`` by kind (every key optional):

    - ``question_answered``: ``number`` (the question's number), ``anchor``;
    - ``amendment_published``: ``reason`` (the published reason), ``anchor``;
    - ``deadline_3_days`` / ``deadline_24_hours``: ``deadline`` (default: submissions close);
    - ``stage_changed``: ``stage`` (default: the challenge's stored stage), ``reason``.

    ``url_name`` and ``url_kwargs`` link somewhere other than the challenge page (reversed in
    each recipient's language); ``exclude_user`` is usually the person who acted.

    No permission is checked: the calling service has checked its own. A challenge the public
    cannot see notifies no one.
    """
    kind = Kind(kind)
    if kind in PROPOSAL_KINDS:
        raise ValueError(f"{kind.value} is for a company's members: use notify_users")
    now = timezone.now()
    if not challenge.is_public_at(now):
        return
    preference = NotificationPreference.objects.filter(user=OuterRef("user_id"), kind=kind)
    channels = {
        f"{channel}_on": Coalesce(
            Subquery(preference.values(channel)[:1]),
            Value(True),
            output_field=BooleanField(),
        )
        for channel in ("email", "site")
    }
    followers = (
        Follow.objects.filter(challenge=challenge, user__is_active=True)
        .annotate(**channels)
        .filter(Q(email_on=True) | Q(site_on=True))
    )
    if exclude_user is not None and exclude_user.pk is not None:
        followers = followers.exclude(user_id=exclude_user.pk)
    recipients = list(
        followers.order_by("user_id").values_list(
            "user_id", "user__preferred_language", "email_on", "site_on"
        )
    )
    if not recipients:
        return
    messages = {
        language: render_message(kind=kind, challenge=challenge, context=context, language=language)
        for language in {_language(lang) for _, lang, _, _ in recipients}
    }
    notifications = []
    deliveries = []
    for user_id, lang, email_on, site_on in recipients:
        _queue(
            notifications if site_on else None,
            deliveries if email_on else None,
            user_id=user_id,
            kind=kind,
            challenge=challenge,
            message=messages[_language(lang)],
            now=now,
        )
    Notification.objects.bulk_create(notifications)
    EmailDelivery.objects.bulk_create(deliveries)
    event_record(
        actor=None,
        action="notifications.sent",
        subject=challenge,
        # Counts only: who follows a challenge is their own business.
        payload={"kind": kind.value, "in_site": len(notifications), "emails": len(deliveries)},
        public=False,
        occurred_at=now,
    )
    delivery_ids = [delivery.pk for delivery in deliveries]
    if delivery_ids:
        transaction.on_commit(partial(_enqueue_emails, delivery_ids), robust=True)


@dataclass(frozen=True)
class Audience:
    """One group of people and what they are told: a message of ``kind`` with its ``context``.

    ``users`` are ``User`` objects or their ids. ``subject`` is what the ledger event about the
    sending is recorded on (default: the challenge); for ``PROPOSAL_KINDS`` pass the proposal
    (without it no event is recorded: never a count on the challenge).
    """

    users: Iterable[Any]
    kind: str
    context: dict[str, Any] | None = None
    subject: models.Model | None = None


@transaction.atomic
def notify_users(
    *,
    users,
    kind: str,
    challenge,
    context: dict[str, Any] | None = None,
    exclude_user=None,
    subject: models.Model | None = None,
) -> None:
    """Tell each of ``users`` (active ones) about ``challenge``: on the site and by email.

    ``users`` is a ``User`` queryset (used as a subquery, never loaded) or ``User`` objects or
    ids. Each message is written in its reader's preferred language (rendered once per
    language); ``context`` is as for :func:`notify_followers`, plus, by kind:

    - ``proposal_received`` (the receipt): ``folio``, ``received_at`` (ISO 8601),
      ``content_sha256``, ``attachments`` (``[{"name", "sha256"}]``, in the receipt's order;
      the names stay out of the stored text: they are sealed content), ``time_zone`` (default:
      the agency's);
    - ``proposal_admissibility``: ``admissible`` (bool), ``reason``;
    - ``proposal_reconfirm`` / ``proposal_draft_amended``: ``number`` (the amendment);
    - ``url_name`` / ``url_kwargs`` for the link (e.g. ``proposals:receipt``), reversed in each
      reader's language at render time.

    Unlike :func:`notify_followers` it sends about a challenge in any stage, and the
    transactional kinds (``TRANSACTIONAL_KINDS``: every proposal kind) go on both channels
    whatever the person's preferences; any other kind follows them.

    Call it inside your service's transaction. It runs a constant number of queries however
    many people there are (the recipients, the preferences if the kind has them, one insert of
    notifications, one of email deliveries, one private ledger event with counts and no names);
    the emails are queued once the transaction commits.

    ``subject`` is what that event is recorded on: by default the challenge, but for
    ``PROPOSAL_KINDS`` pass ``subject=proposal`` (the ledger admin hides a proposal's events
    until the opening act). Without it the sending of a proposal kind is not recorded at all: a
    count on the challenge would tell the admin site how many companies are bidding.
    """
    _notify(
        challenge=challenge,
        audiences=[Audience(users=(), kind=kind, context=context, subject=subject)],
        everyone=_users_filter(users),
        exclude_user=exclude_user,
    )


@transaction.atomic
def notify_audiences(*, challenge, audiences: Iterable[Audience], exclude_user=None) -> None:
    """Like :func:`notify_users` for several groups at once, each with its own message.

    For instance every proposal's members, each linked to their own proposal. The queries do
    not grow with the number of people or groups (one select of the people, one of their
    preferences if a kind has them, two inserts), except one ledger event per group that sent
    something: on the proposal, where it belongs.
    """
    audiences = list(audiences)
    for audience in audiences:
        if isinstance(audience.users, QuerySet):
            raise TypeError("an audience lists users or ids; use notify_users for a queryset")
    _notify(challenge=challenge, audiences=audiences, everyone=None, exclude_user=exclude_user)


def _ids(users: Iterable[Any]) -> set[int]:
    return {getattr(user, "pk", user) for user in users}


def _users_filter(users) -> Q:
    if isinstance(users, QuerySet):
        return Q(pk__in=users.order_by().values("pk"))
    return Q(pk__in=_ids(users))


def _notify(*, challenge, audiences: list[Audience], everyone: Q | None, exclude_user) -> None:
    """Write the notifications and deliveries for ``audiences``.

    ``everyone`` is the filter for a single audience given as a queryset (its ``users`` are
    then ignored); otherwise each audience lists its people.
    """
    now = timezone.now()
    kinds = [Kind(audience.kind) for audience in audiences]
    members = [_ids(audience.users) for audience in audiences] if everyone is None else None
    people = get_user_model().objects.filter(
        everyone if everyone is not None else Q(pk__in=set().union(*members)), is_active=True
    )
    if exclude_user is not None and exclude_user.pk is not None:
        people = people.exclude(pk=exclude_user.pk)
    languages = dict(people.order_by("pk").values_list("pk", "preferred_language"))
    if not languages:
        return
    # Preferences only for the kinds that have them (one query for all of them).
    optional = {kind for kind in kinds if kind not in TRANSACTIONAL_KINDS}
    off: dict[tuple[int, str], tuple[bool, bool]] = {}
    if optional:
        for user_id, kind, email, site in NotificationPreference.objects.filter(
            user_id__in=list(languages), kind__in=optional
        ).values_list("user_id", "kind", "email", "site"):
            off[user_id, kind] = (email, site)

    notifications: list[Notification] = []
    deliveries: list[EmailDelivery] = []
    counts = []
    for index, (kind, audience) in enumerate(zip(kinds, audiences, strict=True)):
        ids = sorted(languages if members is None else members[index] & languages.keys())
        messages = {
            language: render_message(
                kind=kind, challenge=challenge, context=audience.context, language=language
            )
            for language in {_language(languages[user_id]) for user_id in ids}
        }
        in_site = emails = 0
        for user_id in ids:
            message = messages[_language(languages[user_id])]
            email_on, site_on = off.get((user_id, kind.value), (True, True))
            in_site += site_on
            emails += email_on
            _queue(
                notifications if site_on else None,
                deliveries if email_on else None,
                user_id=user_id,
                kind=kind,
                challenge=challenge,
                message=message,
                now=now,
            )
        subject = audience.subject
        if subject is None and kind not in PROPOSAL_KINDS:
            subject = challenge
        counts.append((kind, subject, in_site, emails))
    Notification.objects.bulk_create(notifications)
    EmailDelivery.objects.bulk_create(deliveries)
    for kind, subject, in_site, emails in counts:
        if not (in_site or emails):
            continue
        if subject is None:
            # A proposal kind with no proposal to record it on: a count on the challenge would
            # tell the admin site how many companies bid before the opening act.
            logger.warning("%s sent without subject=proposal: not recorded in the ledger", kind)
            continue
        payload = {"kind": kind.value, "in_site": in_site, "emails": emails}
        if subject is not challenge:
            payload["challenge"] = challenge.pk
        # Counts only, never who.
        event_record(
            actor=None,
            action="notifications.sent",
            subject=subject,
            payload=payload,
            public=False,
            occurred_at=now,
        )
    delivery_ids = [delivery.pk for delivery in deliveries]
    if delivery_ids:
        transaction.on_commit(partial(_enqueue_emails, delivery_ids), robust=True)


def _queue(notifications, deliveries, *, user_id, kind, challenge, message, now) -> None:
    """Add one person's notification and email to the lists to insert (``None``: a channel
    they turned off)."""
    if notifications is not None:
        notifications.append(
            Notification(
                user_id=user_id,
                kind=kind,
                challenge=challenge,
                title=message.title,
                body=message.body,
                url=message.url,
                created_at=now,
            )
        )
    if deliveries is not None:
        deliveries.append(
            EmailDelivery(
                user_id=user_id,
                kind=kind,
                challenge=challenge,
                subject=message.title,
                body=message.body,
                url=message.url,
                created_at=now,
            )
        )


def _enqueue_emails(delivery_ids: list[int]) -> None:
    from retos.notifications.tasks import send_notification_email

    for delivery_id in delivery_ids:
        try:
            send_notification_email.enqueue(delivery_id)
        except Exception:
            # The row stays queued; `manage.py requeue_emails` gives it a new task.
            logger.exception("Could not queue email delivery %s", delivery_id)


# ---------------------------------------------------------------------------------------------
# Emails


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path else ""


# Files an email of a kind carries (registered by the app that owns the kind): for the demo-day
# notice, the calendar invitation. ``fn(delivery) -> [(filename, content, mimetype)]``.
EMAIL_ATTACHMENTS: dict[str, Any] = {}


def register_email_attachments(kind: str, fn) -> None:
    EMAIL_ATTACHMENTS[kind] = fn


def email_message(delivery: EmailDelivery) -> EmailMultiAlternatives:
    """The email for ``delivery``, HTML and text, in the recipient's preferred language.

    It names the challenge and links to it; it names no one but is addressed to the recipient
    alone.
    """
    user = delivery.user
    language = _language(user.preferred_language)
    with translation.override(language):
        context = {
            "subject": delivery.subject,
            "body": delivery.body,
            "link": _absolute(delivery.url),
            "challenge_title": delivery.challenge.title if delivery.challenge else "",
            "preferences_link": _absolute(reverse("notifications:preferences")),
            "notifications_link": _absolute(reverse("notifications:list")),
            "site_link": _absolute(reverse("home")),
            "html_lang": "en" if language == "en" else "es-MX",
        }
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    subject = " ".join(delivery.subject.split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    attachments = EMAIL_ATTACHMENTS.get(delivery.kind)
    if attachments is not None:
        for filename, content, mimetype in attachments(delivery):
            message.attach(filename, content, mimetype)
    return message


def email_delivery_attempt(*, delivery_id: int) -> str:
    """Try to send one queued email; on failure, queue the next try or give up.

    Run by the email task, outside any request. Returns the delivery's status afterwards
    (``"not_due"`` when a retry is not due yet, ``"missing"`` when the row is gone).
    """
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update(of=("self",))
            .select_related("user", "challenge")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "missing"
        if delivery.status != DeliveryStatus.QUEUED:
            return delivery.status  # sent or given up: a duplicate task does nothing
        now = timezone.now()
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return "not_due"
        # Count the attempt before sending: a crash mid-send still counts against the limit.
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = None
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    if not delivery.user.is_active:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = "The recipient's account is no longer active."
        delivery.save(update_fields=["status", "last_error"])
        return delivery.status
    try:
        email_message(delivery).send()
    except Exception as exc:
        return _delivery_failed(delivery, exc)
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["status", "sent_at"])
    return delivery.status


def _delivery_failed(delivery: EmailDelivery, exc: Exception) -> str:
    from retos.notifications.tasks import send_notification_email

    delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if delivery.attempts >= MAX_EMAIL_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["status", "last_error"])
        logger.error(
            "Email delivery %s failed after %s attempts: %s",
            delivery.pk,
            delivery.attempts,
            delivery.last_error,
        )
        return delivery.status
    task = send_notification_email
    run_after = None
    if task.get_backend().supports_defer:
        run_after = timezone.now() + timedelta(minutes=2**delivery.attempts)
        task = task.using(run_after=run_after)
    # A backend that cannot defer (the immediate one, in tests) retries at once.
    delivery.next_attempt_at = run_after
    delivery.save(update_fields=["last_error", "next_attempt_at"])
    logger.warning(
        "Email delivery %s failed (attempt %s), retrying: %s",
        delivery.pk,
        delivery.attempts,
        delivery.last_error,
    )
    task.enqueue(delivery.pk)
    return delivery.status


def email_deliveries_requeue(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Queue again the emails that are still queued long after they should have gone.

    A worker that died mid-send, or a queue that refused a task, leaves a row queued with no
    task behind it; this gives each one a new task. Safe to run often: a task for a row that
    is already sent does nothing.
    """
    from retos.notifications.tasks import send_notification_email

    cutoff = timezone.now() - older_than
    stale = EmailDelivery.objects.filter(status=DeliveryStatus.QUEUED).filter(
        Q(next_attempt_at__isnull=True, created_at__lt=cutoff) | Q(next_attempt_at__lt=cutoff)
    )
    ids = list(stale.values_list("pk", flat=True))
    for delivery_id in ids:
        send_notification_email.enqueue(delivery_id)
    return len(ids)


# ---------------------------------------------------------------------------------------------
# Deadline reminders


def deadline_reminders_send(*, now=None) -> list[tuple[int, str]]:
    """Remind followers when submissions close within 3 days and within 24 hours.

    Each reminder goes once per challenge, kind and deadline (recorded in
    ``DeadlineReminder``), so this can run every few minutes. Only challenges whose
    submission window is open now (published, visible, deadline ahead) are considered:
    closed, cancelled and later ones never get a reminder. Returns (challenge id, kind) pairs
    sent.
    """
    from retos.challenges.models import Challenge

    now = now or timezone.now()
    sent: list[tuple[int, str]] = []
    for kind, nearest, farthest in REMINDER_WINDOWS:
        already = DeadlineReminder.objects.filter(
            challenge=OuterRef("pk"), kind=kind, deadline=OuterRef("submissions_close_at")
        )
        due = (
            Challenge.objects.window_open("submissions", now)
            .filter(
                submissions_close_at__gt=now + nearest,
                submissions_close_at__lte=now + farthest,
            )
            .exclude(Exists(already))
            .select_related("body")
            .order_by("submissions_close_at", "pk")
        )
        for challenge in due:
            if _deadline_reminder_send(challenge=challenge, kind=kind, now=now):
                sent.append((challenge.pk, kind.value))
    return sent


@transaction.atomic
def _deadline_reminder_send(*, challenge, kind: Kind, now) -> bool:
    # The unique constraint makes a second, concurrent run find the row and send nothing.
    _, created = DeadlineReminder.objects.get_or_create(
        challenge=challenge,
        kind=kind,
        deadline=challenge.submissions_close_at,
        defaults={"sent_at": now},
    )
    if created:
        notify_followers(
            challenge=challenge, kind=kind, context={"deadline": challenge.submissions_close_at}
        )
    return created
