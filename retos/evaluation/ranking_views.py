"""The ranking page and the finalists' confirmation page.

- ``ranking``: how the proposals stand, the calculation explained with the numbers, the
  proposals flagged for discussion, who can be a finalist and what is still missing. For the
  body's officials and the panel chair during evaluation and finalists (the chair by neutral
  labels during a blind first round); public once the decision is published.
- ``confirm_finalists``: the approver confirms the ranking's proposal of finalists, or another
  choice with a published justification.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from retos.challenges.permissions import is_body_approver
from retos.challenges.selectors import challenge_for_view
from retos.core import rules
from retos.core.errors import DomainError
from retos.evaluation import finalists as finalist_services
from retos.evaluation.ranking import challenge_ranking, finalist_entries, ranking_page
from retos.evaluation.ranking_forms import FinalistsForm


@require_safe
def ranking(request, slug):
    try:
        page = ranking_page(request.user, slug)
    except PermissionDenied:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    return render(
        request,
        "evaluation/ranking.html",
        {
            "challenge": page.challenge,
            "ranking": page.ranking,
            "show_names": page.show_names,
            "can_confirm": page.can_confirm,
        },
    )


def _form(ranking, data=None):
    return FinalistsForm(
        data,
        entries=ranking.eligible_entries,
        proposed=ranking.proposed,
        finalists_count=ranking.finalists_count,
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_finalists(request, slug):
    challenge = challenge_for_view(request.user, slug)
    if challenge.evaluation_at is None:
        raise Http404
    if not rules.can(request.user, "finalists:confirm", challenge):
        if is_body_approver(request.user, challenge) and finalist_entries(challenge):
            messages.info(request, _("The finalists are already confirmed."))
            return redirect(challenge)
        raise PermissionDenied("finalists:confirm")
    ranking = challenge_ranking(challenge)
    problems = finalist_services.confirmation_problems(ranking)
    form = None if problems else _form(ranking)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and not problems:
        form = _form(ranking, request.POST)
        if form.is_valid():
            try:
                finalist_services.finalists_confirm(
                    challenge=challenge,
                    actor=request.user,
                    confirmed=form.cleaned_data["confirmed"],
                    justification=form.cleaned_data["justification"],
                )
            except DomainError as exc:
                field = (
                    "justification" if exc.code in ("justification_required", "too_long") else None
                )
                form.add_error(field, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "The finalists are confirmed and published; each finalist company is "
                        "notified."
                    ),
                )
                return redirect(challenge)
    return render(
        request,
        "evaluation/finalists_confirm.html",
        {
            "challenge": challenge,
            "ranking": ranking,
            "problems": problems,
            "form": form,
            "proposed_entries": [
                e for e in ranking.eligible_entries if e.row.proposal in ranking.proposed
            ],
            "show_names": True,
            "can_deserted": rules.can(request.user, "challenge:declare_deserted", challenge),
        },
        status=status,
    )
