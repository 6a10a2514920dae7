"""From the finalists to the decision (fallo), and the complaints (inconformidades) against it.

- ``Demo``: what a finalist submits for demo day (URLs and notes). Append-only: each submission
  is a new row numbered per proposal, the last before the demo deadline counts.
- ``DemoSlot``: a finalist's time on demo day, sent as a calendar invitation.
- ``Decision``: the agency's decision — a winner with a written justification, or deserted with
  the reason — with the reasons for each proposal not selected (``DecisionReason``), the public
  record frozen at publication (``record`` and its SHA-256), the PDF and its SHA-256, and the
  complaint window's end (business days in the body's time zone). An upheld complaint voids it.
- ``Complaint``: a bidder's *inconformidad*: grounds, evidence files (``ComplaintEvidence``,
  possibly confidential), and each change of state with its reasoned response
  (``ComplaintStep``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Demo(models.Model):
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="demos"
    )
    number = models.PositiveIntegerField(_("version"))
    demo_url = models.URLField(_("demo URL"), max_length=500)
    repository_url = models.URLField(_("repository URL"), max_length=500)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        ordering = ["proposal", "number"]
        verbose_name = _("demo")
        verbose_name_plural = _("demos")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="demo_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="demo_number_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.number}"


class DemoSlot(models.Model):
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.PROTECT, related_name="demo_slots"
    )
    proposal = models.OneToOneField(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="demo_slot"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place or video-call link"), max_length=300)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField(default=timezone.now)
    # Bumped each time the slot moves, so calendar clients replace the earlier invitation.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["challenge", "starts_at"]
        verbose_name = _("demo slot")
        verbose_name_plural = _("demo slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="demo_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} · {self.starts_at:%Y-%m-%d %H:%M}"


class Outcome(models.TextChoices):
    WINNER = "winner", _("Winner selected")
    DESERTED = "deserted", _("Declared deserted")


class DecisionQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(voided_at__isnull=True)


class Decision(models.Model):
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    winner = models.ForeignKey(
        "proposals.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_won",
    )
    justification = models.TextField(_("justification"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    # The end of the complaint window: ``complaint_business_days`` business days after the
    # publication, at the end of that day in the body's time zone. A fact, fixed at publication.
    complaints_close_at = models.DateTimeField(_("complaints close"), null=True, blank=True)
    # The public record (scores, ranks, justifications, declarations, demos) as published, its
    # canonical JSON's SHA-256, and the PDF made from it.
    record = models.JSONField(default=dict)
    record_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(_("PDF"), upload_to="actas/fallos/", max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["challenge", "-published_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge"],
                condition=Q(voided_at__isnull=True),
                name="decision_one_in_force",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="decision_outcome_valid"
            ),
            models.CheckConstraint(
                condition=(Q(outcome=Outcome.WINNER) & Q(winner__isnull=False))
                | (Q(outcome=Outcome.DESERTED) & Q(winner__isnull=True)),
                name="decision_winner_matches_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(justification=""), name="decision_has_justification"
            ),
            models.CheckConstraint(
                condition=Exact(Length("record_sha256"), 64), name="decision_record_sha256"
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="decision_void_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} · {self.get_outcome_display()}"


class DecisionReason(models.Model):
    """Why a proposal was not selected (published with the decision)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reasons")
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="decision_reasons"
    )
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["decision", "id"]
        verbose_name = _("reason for not selecting")
        verbose_name_plural = _("reasons for not selecting")
        constraints = [
            models.UniqueConstraint(fields=["decision", "proposal"], name="decision_reason_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="decision_reason_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} · {self.proposal_id}"


class ComplaintStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    UNDER_REVIEW = "under_review", _("Under review")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_COMPLAINT_STATUSES = [ComplaintStatus.FILED, ComplaintStatus.UNDER_REVIEW]

# The only moves of a complaint (from, to); each needs a reasoned response.
COMPLAINT_TRANSITIONS = {
    (ComplaintStatus.FILED, ComplaintStatus.UNDER_REVIEW),
    (ComplaintStatus.FILED, ComplaintStatus.WITHDRAWN),
    (ComplaintStatus.UNDER_REVIEW, ComplaintStatus.UPHELD),
    (ComplaintStatus.UNDER_REVIEW, ComplaintStatus.DISMISSED),
    (ComplaintStatus.UNDER_REVIEW, ComplaintStatus.WITHDRAWN),
}


class UpheldRemedy(models.TextChoices):
    REEVALUATE = "reevaluate", _("Return the challenge to evaluation")
    CANCEL = "cancel", _("Cancel the challenge")


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_COMPLAINT_STATUSES)


class Complaint(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.PROTECT, related_name="complaints"
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="complaints")
    # The bidder: the complaining company's proposal to this challenge.
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="complaints"
    )
    number = models.PositiveIntegerField(_("number"))
    grounds = models.TextField(_("grounds"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=14, choices=ComplaintStatus.choices, default=ComplaintStatus.FILED
    )
    remedy = models.CharField(_("remedy"), max_length=12, choices=UpheldRemedy.choices, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["challenge", "number"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"], name="complaint_unique_number"),
            models.CheckConstraint(
                condition=Q(status__in=ComplaintStatus.values), name="complaint_status_valid"
            ),
            models.CheckConstraint(condition=~Q(grounds=""), name="complaint_has_grounds"),
            models.CheckConstraint(
                condition=(Q(status=ComplaintStatus.UPHELD) & ~Q(remedy=""))
                | (~Q(status=ComplaintStatus.UPHELD) & Q(remedy="")),
                name="complaint_remedy_only_when_upheld",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_COMPLAINT_STATUSES) | Q(resolved_at__isnull=False),
                name="complaint_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} · {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COMPLAINT_STATUSES


class ComplaintStep(models.Model):
    """One change of a complaint's state, with the reasoned response (public)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="steps")
    from_status = models.CharField(max_length=14, choices=ComplaintStatus.choices)
    to_status = models.CharField(max_length=14, choices=ComplaintStatus.choices)
    response = models.TextField(_("response"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["complaint", "at", "id"]
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        constraints = [
            models.CheckConstraint(condition=~Q(response=""), name="complaint_step_has_response"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.from_status} → {self.to_status}"


class ComplaintEvidence(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="evidence")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    # Confidential evidence is listed (name, size, SHA-256) but only the body's officials, the
    # panel chair and the complaining company may download it.
    confidential = models.BooleanField(_("confidential"), default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["complaint", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.complaint} · {self.document_id}"
