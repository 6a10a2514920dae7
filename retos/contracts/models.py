"""After the decision: the award, the contract, its milestones and payments, the delivery, and
the catalog of delivered tools.

- ``Award``: supplier (the winner's company), amount (never more than the challenge's contract
  amount, checked by the service), date. Recorded once the complaint window closed with no
  open complaint.
- ``Contract``: signature date, signed document, start and end.
- ``Milestone``: deliverables and payment amount (their sum never exceeds the award).
  ``MilestoneUpdate``: the supplier's progress posts. ``MilestoneReview``: the agency accepts a
  submitted milestone or returns it with observations. ``Payment``: what the agency paid, after
  accepting the milestone.
- ``Delivery``: the final delivery (repository, licence the challenge allowed, a
  ``publiccode.yml`` valid against the local schema). Accepting it completes the challenge and
  publishes a ``CatalogEntry``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Award(models.Model):
    challenge = models.OneToOneField(
        "challenges.Challenge", on_delete=models.PROTECT, related_name="award"
    )
    decision = models.OneToOneField(
        "decisions.Decision", on_delete=models.PROTECT, related_name="award"
    )
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="awards"
    )
    supplier = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="awards"
    )
    amount = models.DecimalField(_("amount awarded (MXN)"), max_digits=14, decimal_places=2)
    awarded_on = models.DateField(_("award date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} · {self.supplier}"


class Contract(models.Model):
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract")
    number = models.CharField(_("contract number"), max_length=60, blank=True)
    signed_on = models.DateField(_("signature date"))
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("signed contract"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__gte=F("signed_on")), name="contract_starts_after_signature"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award} · {self.signed_on}"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted for acceptance")
    ACCEPTED = "accepted", _("Accepted, payment pending")
    PAID = "paid", _("Paid")


class Milestone(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="milestones")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    deliverables = models.TextField(_("deliverables"))
    due_on = models.DateField(_("due date"))
    amount = models.DecimalField(_("payment amount (MXN)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="milestone_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values), name="milestone_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[MilestoneStatus.ACCEPTED, MilestoneStatus.PAID])
                | Q(accepted_at__isnull=False),
                name="milestone_accepted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class MilestoneUpdate(models.Model):
    """The supplier's progress on a milestone (public)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="updates")
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("what was done"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["milestone", "posted_at", "id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="milestone_update_progress"
            ),
            models.CheckConstraint(condition=~Q(note=""), name="milestone_update_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.progress}%"


class ReviewOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned with observations")


class MilestoneReview(models.Model):
    """The agency's answer to a milestone submitted for acceptance (public): accepted, or
    returned with observations (the supplier works on and submits again)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="reviews")
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome.choices)
    note = models.TextField(_("observations"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["milestone", "reviewed_at", "id"]
        verbose_name = _("milestone review")
        verbose_name_plural = _("milestone reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ReviewOutcome.values), name="milestone_review_outcome"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="returned") | ~Q(note=""),
                name="milestone_review_returned_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.outcome}"


class Payment(models.Model):
    milestone = models.OneToOneField(Milestone, on_delete=models.PROTECT, related_name="payment")
    amount = models.DecimalField(_("amount paid (MXN)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("payment date"))
    reference = models.CharField(_("payment reference"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["milestone", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=~Q(reference=""), name="payment_has_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.amount}"


class DeliveryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Returned to the supplier with observations")


class Delivery(models.Model):
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.PROTECT, related_name="deliveries"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    repository_url = models.URLField(_("repository URL"), max_length=500)
    licence = models.CharField(_("licence (SPDX)"), max_length=40)
    publiccode_yml = models.TextField(_("publiccode.yml"))
    # The parsed, schema-valid publiccode.yml (for the catalog).
    publiccode = models.JSONField(default=dict)
    notes = models.TextField(_("notes"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.SUBMITTED,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("observations"), blank=True)

    class Meta:
        ordering = ["challenge", "number"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"], name="delivery_unique_number"),
            models.UniqueConstraint(
                fields=["challenge"],
                condition=Q(status="accepted"),
                name="delivery_one_accepted",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(review_note=""),
                name="delivery_rejected_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} · {self.number}"


class CatalogEntry(models.Model):
    """A delivered tool, ready for other governments to reuse."""

    challenge = models.OneToOneField(
        "challenges.Challenge", on_delete=models.PROTECT, related_name="catalog_entry"
    )
    delivery = models.OneToOneField(
        Delivery, on_delete=models.PROTECT, related_name="catalog_entry"
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    repository_url = models.URLField(_("repository URL"), max_length=500)
    licence = models.CharField(_("licence (SPDX)"), max_length=40)
    supplier = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="catalog_entries"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("catalog entry")
        verbose_name_plural = _("catalog entries")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contracts:catalog_detail", kwargs={"slug": self.slug})


class Reuse(models.Model):
    """A government body that reports reusing a catalog tool (public)."""

    entry = models.ForeignKey(CatalogEntry, on_delete=models.PROTECT, related_name="reuses")
    body = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="reuses"
    )
    note = models.TextField(_("how it is used"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry", "-reported_at"]
        verbose_name = _("reuse")
        verbose_name_plural = _("reuses")
        constraints = [
            models.UniqueConstraint(fields=["entry", "body"], name="reuse_unique_body"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.body}"
