"""The panel of experts, their conflict-of-interest declarations and their scores.

- ``EvaluationSettings``: per challenge, how the panel works (blind first round, aggregation
  method, disagreement threshold, minimum score, demo deadline, complaint window). The approver
  sets them before evaluation starts; they are published with the decision.
- ``PanelMember``: an invitation, then a member. Experts score proposals (first round); the
  decision committee scores the finalists' demos (demo round). One expert chairs the panel.
- ``ConflictDeclaration``: before seeing any proposal, each member declares, for each bidder,
  a conflict or none. A conflicted member is recused from that proposal for good.
- ``Score``: one member's score of one proposal on one criterion in one round. Draft scores
  change while the member works; once submitted a score never changes (the database refuses it,
  see ``triggers.py``). A correction is a new row by the chair that points at the one it corrects.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    MEAN = "mean", _("Mean")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (drop the highest and lowest with 5 or more)")
    ZSCORE = "zscore", _("Mean of each expert's standardized scores (z-scores)")


class Round(models.TextChoices):
    PROPOSALS = "proposals", _("Proposals (experts)")
    DEMOS = "demos", _("Demos (decision committee)")


class EvaluationSettings(models.Model):
    challenge = models.OneToOneField(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="evaluation_settings"
    )
    blind_first_round = models.BooleanField(
        _("blind first round"),
        default=True,
        help_text=_("Experts see the proposals without the company's identity."),
    )
    method = models.CharField(
        _("aggregation method"), max_length=20, choices=Method.choices, default=Method.MEAN
    )
    # On the 0–10 scale of a single score: when the experts' scores of one criterion of one
    # proposal spread by at least this much, the proposal is flagged for discussion.
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (points)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("4.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(10))],
    )
    # On the 0–100 scale of a weighted score (the weighted mean of the experts' raw scores).
    minimum_score = models.DecimalField(
        _("minimum score to be a finalist (0–100)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    demo_deadline = models.DateTimeField(_("demo deadline"), null=True, blank=True)
    complaint_business_days = models.PositiveSmallIntegerField(
        _("complaint window (business days)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evaluation settings")
        verbose_name_plural = _("evaluation settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="evaluation_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(disagreement_threshold__gt=0, disagreement_threshold__lte=10),
                name="evaluation_threshold_in_range",
            ),
            models.CheckConstraint(
                condition=Q(minimum_score__gte=0, minimum_score__lte=100),
                name="evaluation_minimum_in_range",
            ),
            models.CheckConstraint(
                condition=Q(complaint_business_days__gte=1, complaint_business_days__lte=30),
                name="evaluation_complaint_days_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.challenge)


class MemberRole(models.TextChoices):
    EXPERT = "expert", _("Expert evaluator")
    COMMITTEE = "committee", _("Decision committee")


class MemberStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PanelMemberQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=MemberStatus.ACCEPTED)

    def experts(self):
        return self.filter(role=MemberRole.EXPERT)

    def committee(self):
        return self.filter(role=MemberRole.COMMITTEE)


class PanelMember(models.Model):
    """An invitation to a challenge's panel and, once accepted, a member of it.

    The invitation goes to an email address (an existing user or someone who signs up with it);
    ``token_sha256`` is the digest of the link's secret, which is never stored.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.PROTECT, related_name="panel_members"
    )
    email = models.EmailField(_("email"))
    full_name = models.CharField(_("full name"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="panel_memberships",
    )
    role = models.CharField(
        _("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.EXPERT
    )
    # Expertise areas (``accounts.ExpertiseArea`` values) this member covers on this panel.
    areas = models.JSONField(_("expertise areas"), default=list, blank=True)
    is_chair = models.BooleanField(_("panel chair"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.INVITED
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("invitation expires"))
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # All conflicts declared (one ConflictDeclaration per bidder): the member may now read.
    conflicts_declared_at = models.DateTimeField(null=True, blank=True)

    objects = PanelMemberQuerySet.as_manager()

    class Meta:
        ordering = ["challenge", "role", "-is_chair", "full_name", "id"]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "email"], name="panel_member_unique_email"
            ),
            models.UniqueConstraint(
                fields=["challenge", "user"],
                condition=Q(user__isnull=False),
                name="panel_member_unique_user",
            ),
            models.UniqueConstraint(
                fields=["challenge"],
                condition=Q(is_chair=True) & ~Q(status=MemberStatus.DECLINED),
                name="panel_one_chair",
            ),
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values), name="panel_member_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MemberStatus.values), name="panel_member_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(is_chair=False) | Q(role=MemberRole.EXPERT),
                name="panel_chair_is_expert",
            ),
            models.CheckConstraint(
                condition=~Q(status=MemberStatus.ACCEPTED)
                | (Q(user__isnull=False) & Q(responded_at__isnull=False)),
                name="panel_member_accepted_has_user",
            ),
            models.CheckConstraint(
                condition=~Q(status=MemberStatus.DECLINED) | Q(responded_at__isnull=False),
                name="panel_member_declined_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.challenge}"

    @property
    def is_accepted(self) -> bool:
        return self.status == MemberStatus.ACCEPTED


class ConflictDeclaration(models.Model):
    """A member's declaration about one bidder: a conflict of interest, or none. Final once
    made; published after the decision."""

    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="declarations")
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    has_conflict = models.BooleanField(_("conflict of interest"))
    note = models.TextField(_("note"), blank=True)
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)

    class Meta:
        ordering = ["member", "id"]
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "proposal"], name="conflict_declaration_unique"
            ),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(note=""),
                name="conflict_declaration_conflict_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.proposal_id}"


class ScoreQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def current(self):
        """The scores that count: submitted, and not superseded by a later correction."""
        superseded = Score.objects.filter(corrects=models.OuterRef("pk"))
        return self.submitted().exclude(models.Exists(superseded))


class Score(models.Model):
    """A member's score (0–10) of one criterion of one proposal, with its justification.

    ``submitted_at`` is empty while the member is still working (a draft, which may change);
    once set, the row is immutable: the database refuses UPDATE and DELETE of a submitted score
    (``retos/evaluation/triggers.py``). A correction is a new, already-submitted row written by
    the chair, with ``corrects`` pointing at the score it replaces and a ``reason``; both stay.
    """

    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="scores")
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="scores"
    )
    criterion = models.ForeignKey(
        "challenges.Criterion", on_delete=models.PROTECT, related_name="scores"
    )
    round = models.CharField(
        _("round"), max_length=10, choices=Round.choices, default=Round.PROPOSALS
    )
    value = models.DecimalField(
        _("score (0–10)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(10))],
    )
    justification = models.TextField(_("justification"), blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    # Who wrote the row: the member, or the chair for a correction.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["proposal", "member", "criterion", "id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            # One original score per member, proposal, criterion and round.
            models.UniqueConstraint(
                fields=["member", "proposal", "criterion", "round"],
                condition=Q(corrects__isnull=True),
                name="score_one_original",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0, value__lte=10),
                name="score_value_in_range",
            ),
            models.CheckConstraint(condition=Q(round__in=Round.values), name="score_round_valid"),
            # A submitted score has a value and a justification.
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True)
                | (Q(value__isnull=False) & ~Q(justification="")),
                name="score_submitted_complete",
            ),
            # A correction is submitted when written, and says why.
            models.CheckConstraint(
                condition=Q(corrects__isnull=True)
                | (Q(submitted_at__isnull=False) & ~Q(correction_reason="")),
                name="score_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(corrects=F("id")),
                name="score_correction_not_itself",
            ),
        ]
        indexes = [models.Index(fields=["proposal", "round"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.criterion} · {self.value}"


class FinalistSelection(models.Model):
    """The approver's confirmation of the finalists: the ranking's proposal (``proposed``, the
    top N admissible proposals above the minimum) and what was confirmed (``confirmed``), with a
    published justification whenever they differ. ``voided_at`` is set when an upheld complaint
    returns the challenge to evaluation; a new selection follows."""

    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.PROTECT, related_name="finalist_selections"
    )
    # Lists of proposal ids, in rank order.
    proposed = models.JSONField(default=list)
    confirmed = models.JSONField(default=list)
    justification = models.TextField(_("justification for the deviation"), blank=True)
    # The ranking as it stood (``aggregation`` output, serialized), for the public record.
    ranking = models.JSONField(default=list)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["challenge", "-confirmed_at", "-id"]
        verbose_name = _("finalist selection")
        verbose_name_plural = _("finalist selections")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge"],
                condition=Q(voided_at__isnull=True),
                name="finalist_selection_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} · {self.confirmed_at:%Y-%m-%d}"

    @property
    def deviates(self) -> bool:
        return list(self.proposed) != list(self.confirmed)


class Finalist(models.Model):
    """A proposal confirmed as a finalist by a selection in force."""

    selection = models.ForeignKey(
        FinalistSelection, on_delete=models.PROTECT, related_name="finalists"
    )
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="finalist_entries"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["selection", "position"]
        verbose_name = _("finalist")
        verbose_name_plural = _("finalists")
        constraints = [
            models.UniqueConstraint(fields=["selection", "proposal"], name="finalist_unique"),
            models.UniqueConstraint(
                fields=["selection", "position"], name="finalist_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.selection} · {self.position}"
