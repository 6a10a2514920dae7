"""Sealed proposals, their submitted versions (each with its receipt), attachments, and the
opening act.

Nothing readable about a proposal's content is stored in the clear: the working draft, every
submitted version and every attachment (file and name) are ciphertext under the proposal's own
data key (see ``sealing.py``). What stays in the clear is what the receipt and the ledger need
and reveals no content: times, folios, digests and sizes.

Who has submitted, and how many, is sealed too: no page, list, API or admin shows proposals to
anyone but the company's own members before the opening act (``permissions.py``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Admissibility(models.TextChoices):
    PENDING = "pending", _("Pending review")
    ADMISSIBLE = "admissible", _("Admissible")
    INADMISSIBLE = "inadmissible", _("Not admissible")


class ProposalQuerySet(models.QuerySet):
    def of_member(self, user):
        """Proposals of the companies ``user`` belongs to (the only list that exists before
        the opening act)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(company__memberships__user=user).distinct()

    def in_opening(self):
        """The proposals an opening act counts: submitted and not withdrawn."""
        return self.filter(status=Status.SUBMITTED)


class Proposal(models.Model):
    """One company's proposal to one challenge: the working draft and where it stands."""

    # Addresses use this random id, never the sequential key: a company must not learn how
    # many proposals exist from the number in its own address.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    company = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    # The envelope: the data key wrapped by the platform key (never stored unwrapped).
    key_id = models.CharField(max_length=32)
    wrapped_key = models.BinaryField()
    # The working draft, sealed: a JSON object of the sections (``content.SECTION_KEYS``).
    draft = models.BinaryField()
    draft_saved_at = models.DateTimeField(_("draft saved"), default=timezone.now)
    draft_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    admissibility = models.CharField(
        _("admissibility"),
        max_length=12,
        choices=Admissibility.choices,
        default=Admissibility.PENDING,
    )
    admissibility_reason = models.TextField(_("reason"), blank=True)
    admissibility_decided_at = models.DateTimeField(null=True, blank=True)
    admissibility_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "company"], name="proposal_one_per_company"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="proposal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(admissibility__in=Admissibility.values),
                name="proposal_admissibility_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SUBMITTED) | Q(submitted_at__isnull=False),
                name="proposal_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="proposal_withdrawn_has_time",
            ),
            models.CheckConstraint(
                condition=Q(admissibility=Admissibility.PENDING)
                | (Q(status=Status.SUBMITTED) & Q(admissibility_decided_at__isnull=False)),
                name="proposal_admissibility_only_when_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(admissibility=Admissibility.INADMISSIBLE)
                | ~Q(admissibility_reason=""),
                name="proposal_inadmissible_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.challenge}"

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", kwargs={"public_id": self.public_id})


class ProposalVersion(models.Model):
    """A submission: a sealed snapshot of the proposal and its receipt (*acuse de recibo*).

    The last version submitted before the deadline is the one that counts. ``received_at`` is
    the server's time when the submission was accepted, inside the transaction that stored it.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    # Random, so a receipt says nothing about how many others were issued.
    folio = models.CharField(_("folio"), max_length=32, unique=True)
    received_at = models.DateTimeField(_("received"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The version of the published terms (1 + amendments) the company confirmed.
    terms_version = models.PositiveIntegerField(_("terms version"))
    # The canonical content (``content.canonical_bytes``), sealed.
    content = models.BinaryField()
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    # [{"attachment": id, "sha256": …, "size": …}] in the order of the canonical content.
    attachments = models.JSONField(default=list)

    class Meta:
        ordering = ["proposal", "number"]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "number"], name="proposal_version_unique_number"
            ),
            models.CheckConstraint(
                condition=Exact(Length("content_sha256"), 64),
                name="proposal_version_sha256_length",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="proposal_version_from_one"),
        ]

    def __str__(self) -> str:
        return self.folio

    def get_absolute_url(self) -> str:
        return reverse(
            "proposals:receipt",
            kwargs={"public_id": self.proposal.public_id, "folio": self.folio},
        )


def _attachment_path(instance: ProposalAttachment, filename: str) -> str:
    # Never the uploader's name: it is content too, and sealed in ``name_sealed``.
    return f"sealed/{instance.proposal.public_id}/{instance.public_id}.bin"


class ProposalAttachment(models.Model):
    """A file attached to a proposal, stored encrypted. Removing it from the draft keeps the
    file (a submitted version may include it): nothing submitted is ever lost."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    name_sealed = models.BinaryField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="proposal_attachment_size"),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="proposal_attachment_sha256_length"
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class OpeningAct(models.Model):
    """The opening act (*acta de apertura*): two distinct opening officers of the body confirm,
    the second within ``RETOS_OPENING_CONFIRM_MINUTES`` of the first; only then are the sealed
    proposals opened and the act published.

    ``entries`` is the published record of each counted proposal (company, RFC, folio, time of
    receipt, price, digests), written once at opening; ``sha256`` is the digest of the act's
    canonical JSON.
    """

    challenge = models.OneToOneField(
        "challenges.Challenge", on_delete=models.PROTECT, related_name="opening_act"
    )
    first_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    first_confirmed_at = models.DateTimeField()
    second_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    entries = models.JSONField(default=list)
    proposals_count = models.PositiveIntegerField(null=True, blank=True)
    withdrawn_count = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("opening act")
        verbose_name_plural = _("opening acts")
        constraints = [
            models.CheckConstraint(
                condition=Q(second_officer__isnull=True) | ~Q(second_officer=F("first_officer")),
                name="opening_act_two_distinct_officers",
            ),
            models.CheckConstraint(
                condition=(Q(second_officer__isnull=True) & Q(opened_at__isnull=True))
                | (
                    Q(second_officer__isnull=False)
                    & Q(opened_at__isnull=False)
                    & Q(proposals_count__isnull=False)
                    & Exact(Length("sha256"), 64)
                ),
                name="opening_act_complete_when_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge}"

    def get_absolute_url(self) -> str:
        return reverse("proposals:opening_act", kwargs={"slug": self.challenge.slug})

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None
