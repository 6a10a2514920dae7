"""Pages of the social witness app:

- the public page of a challenge's witnesses and observations (``retos/<slug>/testigo-social/``);
- the witness's form to publish an observation (and its correction);
- the witness's dossier: what each stage shows the officials, read-only;
- platform staff's page to assign and revoke witnesses.

Each view parses, authorizes through a selector or a rule, calls one service and renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.core import rules
from retos.core.errors import DomainError
from retos.witness import selectors, services
from retos.witness.forms import AssignForm, ObservationForm, RevokeForm


def _revoke_form_id(witness) -> str:
    # One form per witness on the page: each with its own ids, for labels and errors.
    return f"id_{witness.public_id.hex[:12]}_%s"


@require_safe
def observations(request, slug):
    page = selectors.observations_page(request.user, slug)
    return render(
        request,
        "witness/observations.html",
        {"page": page, "challenge": page.challenge},
    )


@login_required
@require_http_methods(["GET", "POST"])
def observe(request, slug):
    """The witness publishes an observation (at once, for good), possibly correcting one of
    their own."""
    challenge = selectors.challenge_for_observing(request.user, slug)
    if not rules.can(request.user, "witness:observe", challenge):
        raise PermissionDenied("witness:observe")
    own = selectors.own_observations(request.user, challenge)
    form = ObservationForm(request.POST or None, own=own)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                observation = services.observation_publish(
                    challenge=challenge,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    corrects=form.corrected(),
                )
            except DomainError as exc:
                field = "text" if exc.code.startswith("text") else None
                if exc.code == "corrects_invalid" and "corrects" in form.fields:
                    field = "corrects"
                form.add_error(field, exc.message)
            else:
                messages.success(
                    request,
                    _("Your observation number %(number)d is published.")
                    % {"number": observation.number},
                )
                return redirect(
                    reverse("witness:observations", kwargs={"slug": challenge.slug})
                    + f"#observacion-{observation.number}"
                )
    return render(
        request,
        "witness/observe.html",
        {"challenge": challenge, "form": form, "own": own},
        status=status,
    )


@login_required
@require_safe
def dossier(request, slug):
    found = selectors.dossier(request.user, slug)
    return render(
        request,
        "witness/dossier.html",
        {"dossier": found, "challenge": found.challenge},
    )


def _render_assignment(request, page, *, form=None, bound=None, status=200):
    rows = []
    for witness in page.witnesses:
        revoke = None
        if witness.active:
            if bound is not None and bound[0] == witness.pk:
                revoke = bound[1]
            else:
                revoke = RevokeForm(auto_id=_revoke_form_id(witness))
        rows.append((witness, revoke))
    return render(
        request,
        "witness/assign.html",
        {
            "challenge": page.challenge,
            "page": page,
            "rows": rows,
            "form": form if form is not None else (AssignForm() if page.can_assign else None),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign(request, slug):
    """Platform staff assign a social witness (never the agency: the witness watches it)."""
    page = selectors.assignment_page(request.user, slug)
    if request.method == "GET":
        return _render_assignment(request, page)
    form = AssignForm(request.POST)
    if form.is_valid():
        user = (
            get_user_model()
            .objects.filter(email__iexact=form.cleaned_data["email"], is_active=True)
            .first()
        )
        try:
            witness = services.witness_assign(
                challenge=page.challenge,
                user=user,
                actor=request.user,
                name=form.cleaned_data["name"],
            )
        except PermissionDenied:
            form.add_error(None, _("A social witness cannot be assigned at this stage."))
        except DomainError as exc:
            field = {"no_account": "email", "not_independent": "email",
                     "already_assigned": "email"}.get(exc.code)  # fmt: skip
            if exc.code.startswith("name"):
                field = "name"
            form.add_error(field, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s is now a social witness of this challenge.") % {"name": witness.name},
            )
            return redirect("witness:assign", slug=page.challenge.slug)
    page = selectors.assignment_page(request.user, slug)
    return _render_assignment(request, page, form=form, status=400)


@login_required
@require_POST
def revoke(request, slug, public_id):
    witness = selectors.assignment_for_revoke(request.user, slug, public_id)
    if not rules.can(request.user, "witness:revoke", witness):
        raise PermissionDenied("witness:revoke")
    form = RevokeForm(request.POST, auto_id=_revoke_form_id(witness))
    if form.is_valid():
        try:
            services.witness_revoke(
                witness=witness, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error("reason" if exc.code.startswith("reason") else None, exc.message)
        else:
            messages.success(
                request,
                _("The assignment of %(name)s is revoked; the reason is published.")
                % {"name": witness.name},
            )
            return redirect("witness:assign", slug=witness.challenge.slug)
    page = selectors.assignment_page(request.user, slug)
    return _render_assignment(request, page, bound=(witness.pk, form), status=400)
