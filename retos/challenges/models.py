"""A challenge (reto): a problem an agency publishes with a fixed contract amount."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retos.accounts.models import ExpertiseArea
from retos.challenges.stages import (
    WINDOWS,
    Stage,
    closed_by_time_q,
    current_stage_q,
    is_public,
    pending_questions_exist,
    public_q,
    scheduled_q,
    stage_at,
)
from retos.organizations.mexico import SmeSize
from retos.organizations.models import Organization


class Category(models.TextChoices):
    CIVIL_PROTECTION = "civil_protection", _("Civil protection and disasters")
    TRANSPARENCY = "transparency", _("Transparency and anti-corruption")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    MOBILITY = "mobility", _("Mobility and transport")
    ENVIRONMENT = "environment", _("Environment and water")
    PUBLIC_SAFETY = "public_safety", _("Public safety and justice")
    ECONOMY = "economy", _("Economy and employment")
    SOCIAL = "social", _("Social programs")
    DIGITAL_GOVERNMENT = "digital_government", _("Digital government and services")


# OSI-approved licences a challenge may allow, by SPDX identifier.
OPEN_SOURCE_LICENCES = {
    "AGPL-3.0-or-later": "GNU Affero General Public License v3.0 or later",
    "Apache-2.0": "Apache License 2.0",
    "BSD-2-Clause": "BSD 2-Clause License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "EUPL-1.2": "European Union Public Licence 1.2",
    "GPL-2.0-or-later": "GNU General Public License v2.0 or later",
    "GPL-3.0-or-later": "GNU General Public License v3.0 or later",
    "ISC": "ISC License",
    "LGPL-3.0-or-later": "GNU Lesser General Public License v3.0 or later",
    "MIT": "MIT License",
    "MPL-2.0": "Mozilla Public License 2.0",
}

# The timeline, in the order the dates must hold (each strictly before the next).
TIMELINE_FIELDS = [
    "questions_close_at",
    "submissions_close_at",
    "evaluation_ends_at",
    "demo_day_at",
    "decision_at",
    "delivery_at",
]


def _ordered(earlier: str, later: str) -> Q:
    return (
        Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__lt": F(later)})
    )


class ChallengeQuerySet(models.QuerySet):
    """Reads of challenges. Time-dependent facts take ``now`` so that SQL and Python agree."""

    def public(self, now=None):
        """What anyone may see: published (a scheduled one only from its publication time),
        in any later stage. A draft cancelled before publication stays private."""
        return self.filter(public_q(now or timezone.now()))

    def with_timeline(self, now=None):
        """Annotate ``stage_now``, ``questions_open``, ``submissions_open`` and
        ``questions_pending`` as of ``now``.

        The conditions are the SQL halves of the rules in ``stages.py``; their Python halves
        are ``Challenge.current_stage_at`` and ``Challenge.window_open``.
        """
        now = now or timezone.now()
        annotations = {
            "questions_pending": pending_questions_exist(),
            "stage_now": Case(
                When(scheduled_q(now), then=Value(Stage.IN_REVIEW.value)),
                When(closed_by_time_q(now), then=Value(Stage.CLOSED.value)),
                default=F("stage"),
                output_field=models.CharField(),
            ),
        }
        for name, window in WINDOWS.items():
            annotations[f"{name}_open"] = Case(
                When(window.q(now), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        return self.annotate(**annotations)

    def in_stage(self, stage: str, now=None):
        """Challenges whose *current* stage is ``stage``: a published challenge past its
        deadline is closed, whether or not the close has been recorded yet."""
        return self.filter(current_stage_q(Stage(stage), now or timezone.now()))

    def window_open(self, name: str, now=None):
        return self.filter(WINDOWS[name].q(now or timezone.now()))


class Challenge(models.Model):
    body = models.ForeignKey(
        Organization,
        verbose_name=_("government body"),
        on_delete=models.PROTECT,
        related_name="challenges",
        limit_choices_to={"kind": "government"},
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    problem_statement = models.TextField(_("problem statement"), blank=True)
    context = models.TextField(_("context"), blank=True)
    users_affected = models.TextField(_("users affected"), blank=True)
    expected_outcomes = models.TextField(_("expected outcomes"), blank=True)
    deliverables = models.TextField(_("deliverables"), blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    # Empty while drafting; required (and positive) before review (see challenge_problems and
    # the constraints below).
    amount = models.DecimalField(
        _("contract amount (MXN)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    finalists_count = models.PositiveSmallIntegerField(
        _("number of finalists"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    licences = models.JSONField(_("allowed licences (SPDX)"), default=list, blank=True)
    eligibility = models.TextField(_("eligibility requirements"), blank=True)
    # The largest company size that may take part (the program is for SMEs; an agency may
    # reserve a challenge for micro or small enterprises).
    max_company_size = models.CharField(
        _("largest company size allowed"),
        max_length=10,
        choices=[(s.value, s.label) for s in (SmeSize.MICRO, SmeSize.SMALL, SmeSize.MEDIUM)],
        default=SmeSize.MEDIUM,
    )

    questions_close_at = models.DateTimeField(_("questions close"), null=True, blank=True)
    submissions_close_at = models.DateTimeField(_("submissions close"), null=True, blank=True)
    evaluation_ends_at = models.DateTimeField(_("evaluation ends"), null=True, blank=True)
    demo_day_at = models.DateTimeField(_("demo day"), null=True, blank=True)
    decision_at = models.DateTimeField(_("decision"), null=True, blank=True)
    delivery_at = models.DateTimeField(_("delivery"), null=True, blank=True)

    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    # One timestamp per transition, stamped by the service that makes it.
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    in_review_at = models.DateTimeField(null=True, blank=True)
    changes_requested_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    evaluation_at = models.DateTimeField(null=True, blank=True)
    finalists_at = models.DateTimeField(null=True, blank=True)
    # Set when an upheld complaint returned the decided challenge to evaluation.
    evaluation_reopened_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    implementation_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    deserted_at = models.DateTimeField(null=True, blank=True)
    # The published reason when a challenge is cancelled or declared deserted.
    outcome_reason = models.TextField(_("reason"), blank=True)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        indexes = [
            models.Index(fields=["stage", "submissions_close_at"]),
            models.Index(fields=["-published_at", "-created_at", "-id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="challenge_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="challenge_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=[Stage.DRAFT, Stage.CANCELLED])
                | (
                    Q(amount__isnull=False)
                    & ~Q(category="")
                    & ~Q(summary="")
                    & ~Q(problem_statement="")
                ),
                name="challenge_terms_complete_past_draft",
            ),
            models.CheckConstraint(
                condition=Q(max_company_size__in=["micro", "small", "medium"]),
                name="challenge_company_size_valid",
            ),
            models.CheckConstraint(
                condition=Q(finalists_count__gte=1, finalists_count__lte=20),
                name="challenge_finalists_in_range",
            ),
            *[
                models.CheckConstraint(
                    condition=_ordered(a, b), name=f"challenge_{a.removesuffix('_at')}_before_next"
                )
                for a, b in pairwise(TIMELINE_FIELDS)
            ],
            # Past the draft, a challenge always has its submission window.
            models.CheckConstraint(
                condition=Q(stage__in=[Stage.DRAFT, Stage.IN_REVIEW, Stage.CANCELLED])
                | (Q(questions_close_at__isnull=False) & Q(submissions_close_at__isnull=False)),
                name="challenge_public_has_deadlines",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[Stage.CANCELLED, Stage.DESERTED]) | ~Q(outcome_reason=""),
                name="challenge_ending_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=[Stage.DRAFT, Stage.IN_REVIEW])
                | Q(stage=Stage.CANCELLED, published_at__isnull=True)
                | Q(published_at__isnull=False),
                name="challenge_public_was_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", kwargs={"slug": self.slug})

    # Time-dependent facts, from the same rules as ChallengeQuerySet.with_timeline.
    def current_stage_at(self, now=None) -> Stage:
        return stage_at(self, now or timezone.now())

    @property
    def current_stage(self) -> Stage:
        # Prefer the value annotated by with_timeline when the row came from it.
        annotated = self.__dict__.get("stage_now")
        return Stage(annotated) if annotated else self.current_stage_at()

    def window_open(self, name: str, now=None) -> bool:
        return WINDOWS[name].holds(self, now or timezone.now())

    def is_public_at(self, now=None) -> bool:
        return is_public(self, now or timezone.now())

    @property
    def is_public(self) -> bool:
        return self.is_public_at()

    @property
    def time_zone(self) -> str:
        return self.body.time_zone

    def licence_names(self) -> list[tuple[str, str]]:
        return [(spdx, OPEN_SOURCE_LICENCES.get(spdx, spdx)) for spdx in self.licences]


class Criterion(models.Model):
    """A published, weighted evaluation criterion. The weights of a challenge sum to 100."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    expertise_area = models.CharField(
        _("expertise area"), max_length=40, choices=ExpertiseArea.choices
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=100), name="criterion_weight_in_range"
            ),
            models.CheckConstraint(
                condition=Q(expertise_area__in=ExpertiseArea.values),
                name="criterion_expertise_area_valid",
            ),
            models.UniqueConstraint(fields=["challenge", "name"], name="criterion_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class ReviewComment(models.Model):
    """The conversation between the agency and platform staff while a challenge is reviewed.

    Visible to the body's members and to platform staff only; a request for changes always
    carries one.
    """

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="review_comments"
    )
    author = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))
    requests_changes = models.BooleanField(_("requests changes"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="review_comment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} · {self.author}"


class Amendment(models.Model):
    """A published change to the terms of a published challenge (a new version of the terms).

    ``changes`` holds, for each changed field, its label and the old and new values as text, so
    the public page shows a diff that stays true whatever happens to the challenge later.
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=list)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    # Set when the amendment moved the submission deadline.
    previous_submissions_close_at = models.DateTimeField(null=True, blank=True)
    new_submissions_close_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["challenge", "number"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"], name="amendment_unique_number"),
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_has_reason"),
            models.CheckConstraint(
                condition=Q(previous_submissions_close_at__isnull=True)
                | Q(new_submissions_close_at__gt=F("previous_submissions_close_at")),
                name="amendment_only_extends_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} · {self.number}"

    @property
    def terms_version(self) -> int:
        # The original terms are version 1; each amendment makes the next version.
        return self.number + 1
