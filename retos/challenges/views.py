from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from retos.challenges import selectors, services
from retos.challenges.forms import ChallengeFilterForm, TransitionForm
from retos.challenges.models import TIMELINE_FIELDS, Challenge
from retos.challenges.stages import (
    MAIN_PATH,
    STAGE_DESCRIPTIONS,
    TRANSITIONS_BY_PAIR,
    Stage,
    transitions_from,
)
from retos.core import rules
from retos.core.errors import DomainError


@require_safe
def home(request):
    return render(
        request,
        "challenges/home.html",
        {
            "figures": selectors.headline_figures(),
            "open_challenges": list(selectors.open_challenges()),
        },
    )


@require_safe
def challenge_list(request):
    form = ChallengeFilterForm(request.GET or None)
    filters = form.filters()
    paginator = Paginator(selectors.challenge_list(filters), settings.RETOS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/list.html",
        {"form": form, "page": page, "filtered": any(vars(filters).values())},
    )


# The stamp of the first arrival in each stage (a return to evaluation has its own stamp).
STAMPS = {t.target: t.stamp for t in TRANSITIONS_BY_PAIR.values() if t.name != "reopen_evaluation"}


def _timeline(challenge: Challenge) -> list[dict]:
    """The steps the detail page shows, with the current one marked.

    A challenge that ended early (cancelled, deserted) shows only the stages it reached, then
    how it ended.
    """
    current = challenge.current_stage
    path = MAIN_PATH[2:]  # the public part of the path
    if current in (Stage.CANCELLED, Stage.DESERTED):
        path = [s for s in path if getattr(challenge, STAMPS[s])] + [current]
    reached = path.index(current) if current in path else -1
    dates = {
        Stage.PUBLISHED: challenge.published_at,
        Stage.CLOSED: challenge.closed_at or challenge.submissions_close_at,
        Stage.OPENED: challenge.opened_at,
        Stage.EVALUATION: challenge.evaluation_at,
        Stage.FINALISTS: challenge.finalists_at,
        Stage.DECIDED: challenge.decided_at or challenge.decision_at,
        Stage.AWARDED: challenge.awarded_at,
        Stage.IMPLEMENTATION: challenge.implementation_at,
        Stage.COMPLETED: challenge.completed_at or challenge.delivery_at,
        Stage.CANCELLED: challenge.cancelled_at,
        Stage.DESERTED: challenge.deserted_at,
    }
    return [
        {
            "stage": stage,
            "label": stage.label,
            "description": STAGE_DESCRIPTIONS[stage],
            "date": dates.get(stage),
            "state": "done" if i < reached else "current" if i == reached else "todo",
        }
        for i, stage in enumerate(path)
    ]


DEDICATED_PAGES = {"open", "confirm_finalists", "decide", "award", "complete", "reopen_evaluation"}


def _actions(user, challenge: Challenge) -> list:
    if not user.is_authenticated:
        return []
    current = challenge.current_stage
    candidates = transitions_from(current)
    if challenge.stage != current:  # closed by time, not yet recorded: offer to record it
        candidates = [TRANSITIONS_BY_PAIR[(Stage.PUBLISHED, Stage.CLOSED)], *candidates]
    # These go through their own pages, which record what the transition needs (the opening
    # act's two officers, the finalists, the decision, the award and contract, the delivery)
    # and an upheld complaint: a bare button could only be refused.
    candidates = [t for t in candidates if t.name not in DEDICATED_PAGES]
    return [t for t in candidates if rules.can(user, t.permission, challenge)]


def detail_context(request, challenge: Challenge) -> dict:
    """What ``challenges/detail.html`` shows of ``challenge``: the public detail page and the
    drafting preview build it here, so the preview is the page the public will see."""
    criteria = list(challenge.criteria.all())
    deadlines = [
        (Challenge._meta.get_field(f).verbose_name, getattr(challenge, f))
        for f in TIMELINE_FIELDS
        if getattr(challenge, f)
    ]
    from retos.challenges.amendments import amendments_shown
    from retos.clarifications.selectors import public_clarifications
    from retos.contracts.selectors import contract_summary
    from retos.decisions.selectors import decision_summary
    from retos.documents.selectors import public_documents
    from retos.evaluation.ranking import finalists_summary
    from retos.evaluation.selectors import evaluation_summary
    from retos.integrity.selectors import challenge_flags
    from retos.notifications.selectors import follow_state
    from retos.proposals.opening_selectors import opening_summary
    from retos.proposals.selectors import proposal_entry
    from retos.witness.selectors import witness_summary

    amendments = amendments_shown(challenge)
    return {
        "challenge": challenge,
        "criteria": criteria,
        "deadlines": deadlines,
        "documents": public_documents(challenge),
        "clarifications": public_clarifications(challenge),
        "amendments": amendments,
        "follow": follow_state(request.user, challenge),
        "can_amend": rules.can(request.user, "challenge:amend", challenge),
        "timeline": _timeline(challenge),
        "stage_description": STAGE_DESCRIPTIONS[challenge.current_stage],
        "actions": _actions(request.user, challenge),
        "opening": opening_summary(request.user, challenge),
        # After the opening: the panel, the ranking and finalists (evaluation), the demos, the
        # decision and complaints (decisions), the award, contract and delivery (contracts).
        # Each is None when there is nothing to show this person.
        "evaluation": evaluation_summary(request.user, challenge),
        "finalists": finalists_summary(request.user, challenge),
        "decision": decision_summary(request.user, challenge),
        "contract": contract_summary(request.user, challenge),
        "witness": witness_summary(request.user, challenge),
        # Red flags (integrity): public indicators, None before publication.
        "red_flags": challenge_flags(challenge, amendments=[a for a, _rows in amendments]),
        # "Take part": the person's own companies and proposals only (proposals app).
        "proposal_entry": proposal_entry(request.user, challenge) if challenge.is_public else None,
        "problems": services.challenge_problems(challenge)
        if challenge.stage == Stage.DRAFT and rules.can(request.user, "challenge:edit", challenge)
        else [],
    }


@require_safe
def challenge_detail(request, slug):
    challenge = selectors.challenge_for_view(request.user, slug)
    return render(request, "challenges/detail.html", detail_context(request, challenge))


@login_required
@require_POST
def challenge_transition(request, slug, name):
    challenge = selectors.challenge_for_view(request.user, slug)
    if name not in services.SERVICES:
        raise Http404
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        services.challenge_transition(
            challenge=challenge,
            actor=request.user,
            name=name,
            reason=form.cleaned_data.get("reason", ""),
        )
    except PermissionDenied:
        messages.error(request, _("You are not allowed to do that at this stage."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Done. The challenge is now in stage “%(stage)s”.")
            % {"stage": Stage(challenge.stage).label},
        )
    return redirect(challenge)
