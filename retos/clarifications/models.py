"""Clarifications (junta de aclaraciones): questions from companies, answers to everyone."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
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


# ---------------------------------------------------------------------------------------------
# The minutes (acta de la junta de aclaraciones).
#
# They are due once the questions window has closed and no question waits for its answer. Like
# every time rule, the condition is written twice, side by side: as SQL (for the scheduled
# command) and in Python (for one challenge in hand); a test walks the clock to show they agree.


def minutes_due_q(now) -> Q:
    from retos.challenges.stages import pending_questions_exist, public_q

    return (
        public_q(now)
        & Q(questions_close_at__isnull=False, questions_close_at__lte=now)
        & ~Q(pending_questions_exist())
    )


def minutes_due(challenge, now, *, pending: bool | None = None) -> bool:
    """``pending``: whether a question still waits, when the caller already knows it."""
    from retos.challenges.stages import has_pending_questions, is_public

    if not is_public(challenge, now):
        return False
    if challenge.questions_close_at is None or challenge.questions_close_at > now:
        return False
    return not (has_pending_questions(challenge) if pending is None else pending)


class Minutes(models.Model):
    """The minutes of a challenge's clarifications: every question and its answer, with times,
    the askers anonymized. Generated once (see ``services.minutes_generate``) and never
    regenerated: the PDF's SHA-256 is published with it and in the ledger."""

    challenge = models.OneToOneField(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.PROTECT,
        related_name="clarification_minutes",
    )
    generated_at = models.DateTimeField(_("generated at"))
    questions_count = models.PositiveIntegerField(_("number of questions"))
    pdf = models.FileField(_("PDF"), upload_to="actas/aclaraciones/", max_length=200)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    # The exact HTML document the PDF was made from; the minutes page shows it too.
    html = models.TextField(_("HTML snapshot"))

    class Meta:
        verbose_name = _("clarification minutes")
        verbose_name_plural = _("clarification minutes")
        constraints = [
            models.CheckConstraint(condition=Exact(Length("sha256"), 64), name="minutes_sha256"),
            models.CheckConstraint(condition=~Q(html=""), name="minutes_html_not_empty"),
            models.CheckConstraint(condition=~Q(pdf=""), name="minutes_pdf_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.challenge}"

    # The part of the snapshot between these markers is the minutes themselves, without the
    # document's head; the page embeds it inside the site's layout.
    BODY_START = "<!-- minutes:start -->"
    BODY_END = "<!-- minutes:end -->"

    def html_body(self) -> str:
        start = self.html.find(self.BODY_START)
        end = self.html.find(self.BODY_END)
        if start == -1 or end == -1:
            return self.html
        return self.html[start + len(self.BODY_START) : end]
