"""Following challenges, in-site notifications, email deliveries and deadline reminders.

People follow public challenges. Other apps call ``services.notify_followers`` inside their own
transactions; it writes one ``Notification`` per follower who wants that kind on the site and
one ``EmailDelivery`` (an outbox row) per follower who wants it by email. A task sends each
email after the commit and retries it with backoff; the row says how it went.
``services.notify_users`` does the same for named people (a company's members hearing about
their own proposal).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about.

    Followers' kinds can each be turned off by email and on the site; the proposal kinds are
    transactional (see ``TRANSACTIONAL_KINDS``).
    """

    QUESTION_ANSWERED = "question_answered", _("A question is answered")
    AMENDMENT_PUBLISHED = "amendment_published", _("An amendment is published")
    DEADLINE_3_DAYS = "deadline_3_days", _("Submissions close in 3 days")
    DEADLINE_24_HOURS = "deadline_24_hours", _("Submissions close within 24 hours")
    STAGE_CHANGED = "stage_changed", _("The challenge changes stage")
    PROPOSAL_RECEIVED = "proposal_received", _("A proposal is received (receipt)")
    PROPOSAL_WITHDRAWN = "proposal_withdrawn", _("A proposal is withdrawn")
    PROPOSAL_ADMISSIBILITY = "proposal_admissibility", _("A proposal's admissibility is decided")
    PROPOSAL_RECONFIRM = "proposal_reconfirm", _("A submitted proposal must be confirmed again")
    PROPOSAL_DRAFT_AMENDED = (
        "proposal_draft_amended",
        _("The terms change while a proposal is a draft"),
    )
    BIDDERS_CANCELLED = "bidders_cancelled", _("A challenge you bid on is cancelled")
    FINALIST_SELECTED = "finalist_selected", _("Your proposal is a finalist")
    DEMO_SCHEDULED = "demo_scheduled", _("Your demo is scheduled")
    DECISION_PUBLISHED = "decision_published", _("The decision on a challenge you bid on")
    COMPLAINT_UPDATED = "complaint_updated", _("A complaint is filed or changes state")
    CONTRACT_UPDATED = "contract_updated", _("A milestone, payment or delivery changes")


# The reminders ``send_deadline_reminders`` sends, each at most once per challenge and deadline.
DEADLINE_KINDS = [Kind.DEADLINE_3_DAYS, Kind.DEADLINE_24_HOURS]

# About one company's proposal, sent to that company's members only. Before the opening act
# even their number is sealed: ``notify_users`` records them in the ledger on the proposal
# (whose events stay out of the admin until the act), never counted on the challenge.
PROPOSAL_KINDS = frozenset(
    {
        Kind.PROPOSAL_RECEIVED,
        Kind.PROPOSAL_WITHDRAWN,
        Kind.PROPOSAL_ADMISSIBILITY,
        Kind.PROPOSAL_RECONFIRM,
        Kind.PROPOSAL_DRAFT_AMENDED,
        # Sent to each bidder's members, possibly before the opening act (still sealed).
        Kind.BIDDERS_CANCELLED,
    }
)
# After the opening act: to the people a step concerns (finalists, bidders, complainants, the
# supplier and the agency). Required reading, so transactional too.
EVALUATION_KINDS = frozenset(
    {
        Kind.FINALIST_SELECTED,
        Kind.DEMO_SCHEDULED,
        Kind.DECISION_PUBLISHED,
        Kind.COMPLAINT_UPDATED,
        Kind.CONTRACT_UPDATED,
    }
)
# Always sent on the site and by email: a receipt or a required action is not an opinion one
# can turn off. They are not offered on the preferences page, and no preference row names them.
TRANSACTIONAL_KINDS = PROPOSAL_KINDS | EVALUATION_KINDS
# What the preferences page offers, in the order of ``Kind``.
PREFERENCE_KINDS = [kind for kind in Kind if kind not in TRANSACTIONAL_KINDS]


class Follow(models.Model):
    """A person follows a public challenge, to hear about answers, amendments and deadlines."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "challenge"], name="follow_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.challenge_id}"


class NotificationPreference(models.Model):
    """A person's choice for one kind. No row means both channels are on (the default).

    Only ``PREFERENCE_KINDS``: transactional kinds have no choice to record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(
        _("kind"),
        max_length=32,
        choices=[(kind.value, kind.label) for kind in PREFERENCE_KINDS],
    )
    email = models.BooleanField(_("by email"), default=True)
    site = models.BooleanField(_("on the site"), default=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=[kind.value for kind in PREFERENCE_KINDS]),
                name="notification_pref_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message on a person's notifications page, written in their preferred language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    challenge = models.ForeignKey(
        "challenges.Challenge",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    # A path on this site (with the language prefix of the recipient), e.g. /en/retos/x/.
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_recent"),
            # The unread count in the header of every page reads only this.
            models.Index(
                fields=["user"],
                condition=Q(read_at__isnull=True),
                name="notification_user_unread",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="notification_has_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class EmailDelivery(models.Model):
    """One notification email to one person: its content, attempts and outcome.

    The email task loads this row, sends it, and records the result. A failed attempt is retried
    after 2, 4, 8 and 16 minutes; after the fifth failure the row is ``failed`` and keeps the
    last error. Nothing here names anyone but the recipient.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_deliveries"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    challenge = models.ForeignKey(
        "challenges.Challenge",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        indexes = [models.Index(fields=["status", "created_at"], name="email_delivery_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="email_delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="email_delivery_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.SENT, sent_at__isnull=False)
                | (~Q(status=DeliveryStatus.SENT) & Q(sent_at__isnull=True)),
                name="email_delivery_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.FAILED) | ~Q(last_error=""),
                name="email_delivery_failed_has_error",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"


class DeadlineReminder(models.Model):
    """A deadline reminder that was sent, so running the command again sends it only once.

    Keyed on the deadline too: when an amendment moves the deadline, the reminders for the new
    date are sent when it approaches.
    """

    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    deadline = models.DateTimeField(_("deadline"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "kind", "deadline"], name="deadline_reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DEADLINE_KINDS), name="deadline_reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} · {self.kind} · {self.deadline:%Y-%m-%d %H:%M}"
