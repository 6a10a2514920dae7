"""The guided editor's steps, in order, and what each still lacks.

A step is one page of the editor: a few related fields of the challenge. What a step "lacks"
is the part of ``challenges.services.challenge_problems`` that concerns its fields, written
with the same messages; ``tests/test_drafting.py`` checks that the steps together report
exactly what ``challenge_problems`` reports, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retos.challenges.models import OPEN_SOURCE_LICENCES, TIMELINE_FIELDS, Challenge
from retos.challenges.services import submission_window_problem
from retos.core.business_days import business_days_between


@dataclass(frozen=True)
class Step:
    number: int
    key: str  # the step's address: /retos/<slug>/borrador/<key>/
    title: Promise
    fields: tuple[str, ...] = ()
    #: A step with nothing that blocks the review: it is "optional" until filled in.
    optional: bool = False


STEPS: list[Step] = [
    Step(
        1,
        "problema",
        gettext_lazy("Problem and context"),
        ("title", "summary", "problem_statement", "context", "category"),
    ),
    Step(2, "personas", gettext_lazy("Users affected"), ("users_affected",), optional=True),
    Step(
        3,
        "resultados",
        gettext_lazy("Expected outcomes and deliverables"),
        ("expected_outcomes", "deliverables"),
        optional=True,
    ),
    Step(4, "monto", gettext_lazy("Amount and finalists"), ("amount", "finalists_count")),
    Step(5, "criterios", gettext_lazy("Evaluation criteria and weights")),
    Step(
        6,
        "elegibilidad",
        gettext_lazy("Eligibility"),
        ("eligibility", "max_company_size"),
        optional=True,
    ),
    Step(7, "licencias", gettext_lazy("Licences"), ("licences",)),
    Step(8, "calendario", gettext_lazy("Timeline"), tuple(TIMELINE_FIELDS)),
    Step(9, "documentos", gettext_lazy("Documents"), optional=True),
]
STEPS_BY_KEY = {s.key: s for s in STEPS}
FIRST_STEP = STEPS[0]


def step_after(step: Step) -> Step | None:
    return STEPS[step.number] if step.number < len(STEPS) else None


def step_before(step: Step) -> Step | None:
    return STEPS[step.number - 2] if step.number > 1 else None


def _label(name: str) -> str:
    return Challenge._meta.get_field(name).verbose_name


def criteria_total(criteria) -> Decimal:
    return sum((c.weight for c in criteria), Decimal(0))


def step_missing(step: Step, challenge: Challenge, criteria: list) -> list[str]:
    """What ``step`` still lacks before the challenge can go to review (plain words)."""
    missing: list[str] = []
    if step.key == "problema":
        for name in ("title", "summary", "problem_statement", "category"):
            if not getattr(challenge, name):
                missing.append(_("Fill in “%(field)s”.") % {"field": _label(name)})
    elif step.key == "monto":
        if challenge.amount is None or challenge.amount <= 0:
            missing.append(_("The contract amount must be more than zero."))
    elif step.key == "criterios":
        if not criteria:
            missing.append(_("Add at least one evaluation criterion."))
        elif criteria_total(criteria) != Decimal(100):
            missing.append(
                _("The criteria weights add up to %(total)s; they must add up to 100.")
                % {"total": sum(c.weight for c in criteria)}
            )
    elif step.key == "licencias":
        if not challenge.licences:
            missing.append(_("Allow at least one OSI-approved open-source licence."))
        elif any(spdx not in OPEN_SOURCE_LICENCES for spdx in challenge.licences):
            missing.append(
                _("Every licence must be an OSI-approved SPDX identifier from the list.")
            )
    elif step.key == "calendario":
        if challenge.questions_close_at is None or challenge.submissions_close_at is None:
            missing.append(_("Set when questions close and when submissions close."))
        dates = [getattr(challenge, f) for f in TIMELINE_FIELDS]
        set_dates = [d for d in dates if d is not None]
        if any(a >= b for a, b in pairwise(set_dates)):
            missing.append(_("The timeline dates must be in order, each after the one before."))
    return missing


def step_filled(step: Step, challenge: Challenge, criteria: list) -> bool:
    if step.key == "criterios":
        return bool(criteria)
    if step.key == "documentos":
        return False
    return any(getattr(challenge, name) not in (None, "", []) for name in step.fields)


@dataclass
class StepStatus:
    step: Step
    state: str  # "done", "todo" or "optional"
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.step.key == "documentos":
            return _("Optional")
        return {
            "done": _("Done"),
            "todo": _("To do"),
            "optional": _("Optional, not filled in yet"),
        }[self.state]


def step_status(step: Step, challenge: Challenge, criteria: list, now=None) -> StepStatus:
    missing = step_missing(step, challenge, criteria)
    warnings = step_warnings(step, challenge, now) if not missing else []
    if missing:
        state = "todo"
    elif step.optional and not step_filled(step, challenge, criteria):
        state = "optional"
    else:
        state = "done"
    return StepStatus(step=step, state=state, missing=missing, warnings=warnings)


def step_statuses(challenge: Challenge, criteria: list, now=None) -> list[StepStatus]:
    return [step_status(step, challenge, criteria, now) for step in STEPS]


def step_warnings(step: Step, challenge: Challenge, now=None) -> list[str]:
    """What does not block the review but would block the publication: too short a window."""
    if step.key != "calendario":
        return []
    problem = submission_window_problem(challenge, now or timezone.now())
    return [problem] if problem else []


def submission_business_days(challenge: Challenge, publish_at=None) -> int | None:
    """Business days submissions would stay open if the challenge were published at
    ``publish_at`` (now by default), counted in the agency's time zone as the service does."""
    if challenge.submissions_close_at is None:
        return None
    zone = ZoneInfo(challenge.body.time_zone)
    start = (publish_at or timezone.now()).astimezone(zone).date()
    return business_days_between(start, challenge.submissions_close_at.astimezone(zone).date())
