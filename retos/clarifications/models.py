"""Clarifications (junta de aclaraciones): questions from companies, answers to everyone."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    GENERAL = "general", _("General")
    PROBLEM = "problem", _("The problem")
    CONTEXT = "context", _("Context")
    OUTCOMES = "outcomes", _("Expected outcomes")
    DELIVERABLES = "deliverables", _("Deliverables")
    AMOUNT = "amount", _("Amount and payment")
    CRITERIA = "criteria", _("Evaluation criteria")
    ELIGIBILITY = "eligibility", _("Eligibility")
    LICENCES = "licences", _("Licences")
    TIMELINE = "timeline", _("Timeline")
    DOCUMENTS = "documents", _("Documents")


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Out of scope")


class QuestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=QuestionStatus.PENDING)

    def resolved(self):
        return self.exclude(status=QuestionStatus.PENDING)


class Question(models.Model):
    """A question about a published challenge.

    The asker is kept for officials and auditors; the public sees only the text. An answer (or
    a reasoned decline) is published to everyone at the same server time, ``resolved_at``.
    While any question is pending, the challenge cannot close (see ``stages.CLOSED_BY_TIME``).
    """

    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.PROTECT, related_name="questions"
    )
    number = models.PositiveIntegerField(_("number"))
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    section = models.CharField(
        _("section"), max_length=20, choices=Section.choices, default=Section.GENERAL
    )
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.PENDING
    )
    answer = models.TextField(_("answer"), blank=True)
    decline_reason = models.TextField(_("reason it is out of scope"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["challenge", "number"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["challenge", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"], name="question_unique_number"),
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="question_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    status=QuestionStatus.PENDING,
                    resolved_at__isnull=True,
                    answer="",
                    decline_reason="",
                )
                | (Q(status=QuestionStatus.ANSWERED, resolved_at__isnull=False) & ~Q(answer=""))
                | (
                    Q(status=QuestionStatus.DECLINED, resolved_at__isnull=False)
                    & ~Q(decline_reason="")
                ),
                name="question_resolution_complete",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="question_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} · {self.challenge}"
