"""Pages of the contracts app: record the award and contract (the body's approver), the public
contract page with the milestones (and, for each side, its actions), the final delivery, the
catalog and its entries.

Every view parses, authorizes through ``selectors`` and ``rules``, calls one service and
renders. A refusal comes back on the same page with each message next to its field and
everything typed kept (status 400); a missing permission is a 403 for signed-in people and the
log-in page for anonymous ones (the challenge itself is public).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.contracts import selectors, services
from retos.contracts.forms import (
    AwardForm,
    CatalogFilterForm,
    DeliveryForm,
    ErrorSummary,
    MilestoneFormSet,
    PaymentForm,
    ProgressForm,
    ReuseForm,
    ReviewForm,
)
from retos.contracts.models import DeliveryStatus, MilestoneStatus
from retos.contracts.permissions import is_supplier_member_of
from retos.core import rules
from retos.core.errors import DomainError
from retos.documents.views import content_disposition


def _signed_in(request):
    """None, or the log-in redirect for an anonymous visitor of an action page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _put_problems(exc: DomainError, form, *, fields=None, rows=None) -> None:
    """Each problem of a ``ContractError`` next to its field (``rows`` maps the service's
    milestone index to the formset row); other refusals on the form as a whole."""
    problems = getattr(exc, "problems", None) or [(None, exc.message)]
    for field, message in problems:
        if field and field.startswith("milestones-") and rows is not None:
            _prefix, index, name = field.split("-", 2)
            row = rows[int(index)]
            row.add_error(name, message)
        elif field and field in (fields or form.fields):
            form.add_error(field, message)
        else:
            form.add_error(None, message)


# --- The award and the contract --------------------------------------------------------------


def _milestone_label(i: int) -> str:
    return _("Milestone %(n)d") % {"n": i}


@require_http_methods(["GET", "POST"])
def award(request, slug):
    """Record the award and the signed contract, with its milestones (the body's approver,
    stage decided). Works without JavaScript: a fixed number of milestone rows, blank ones
    ignored."""
    challenge = selectors.challenge_for_award(request.user, slug)
    if (login := _signed_in(request)) is not None:
        return login
    if challenge.current_stage in selectors.CONTRACT_STAGES:
        return redirect("contracts:contract", slug=challenge.slug)
    if not rules.can(request.user, "contract:award", challenge):
        raise PermissionDenied
    blockers = services.award_blockers(challenge)
    bound = request.method == "POST" and not blockers
    form = AwardForm(
        request.POST if bound else None, request.FILES if bound else None, challenge=challenge
    )
    formset = MilestoneFormSet(request.POST if bound else None, prefix="milestones")
    status = 200
    if bound:
        forms_valid = form.is_valid()
        rows_valid = formset.is_valid()
        if forms_valid and rows_valid:
            filled = [row for row in formset.forms if not row.is_blank()]
            data = form.cleaned_data
            try:
                services.award_record(
                    challenge=challenge,
                    actor=request.user,
                    amount=data["amount"],
                    awarded_on=data["awarded_on"],
                    contract={
                        "number": data["number"],
                        "signed_on": data["signed_on"],
                        "document": data["document"],
                        "starts_on": data["starts_on"],
                        "ends_on": data["ends_on"],
                        "milestones": [row.row() for row in filled],
                    },
                )
            except DomainError as exc:
                _put_problems(exc, form, rows=filled)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "The award and the contract are recorded and published. The challenge "
                        "is now awarded; start the implementation when the work begins."
                    ),
                )
                return redirect("contracts:contract", slug=challenge.slug)
        else:
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "contracts/award_form.html",
        {
            "challenge": challenge,
            "form": form,
            "formset": formset,
            "summary": ErrorSummary(form, formset, _milestone_label),
            "blockers": blockers,
            "winner": selectors.winner_of(challenge),
        },
        status=status,
    )


# --- The contract page and the milestones ----------------------------------------------------


def _forms_for(user, page, row, *, bound=None) -> dict:
    """The actions ``user`` may take on a milestone, each with its (possibly bound) form."""
    m = row.milestone
    prefix = f"m{m.number}"
    forms = {}
    if m.status in (MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS):
        if rules.can(user, "milestone:post_progress", m):
            forms["progress"] = ProgressForm(prefix=f"{prefix}-progress")
        if rules.can(user, "milestone:submit", m):
            forms["submit"] = True
    if m.status == MilestoneStatus.SUBMITTED and rules.can(user, "milestone:review", m):
        forms["review"] = ReviewForm(prefix=f"{prefix}-review")
    if m.status == MilestoneStatus.ACCEPTED and rules.can(user, "payment:record", m):
        forms["payment"] = PaymentForm(prefix=f"{prefix}-payment")
    if bound is not None and bound[0] == m.number:
        forms[bound[1]] = bound[2]
    return forms


def _render_contract(request, page, *, bound=None, status=200):
    for row in page.rows:
        row.forms = _forms_for(request.user, page, row, bound=bound)
    challenge = page.challenge
    return render(
        request,
        "contracts/contract.html",
        {
            "challenge": challenge,
            "page": page,
            "award": page.award,
            "contract": page.award.contract,
            "is_supplier": is_supplier_member_of(request.user, challenge),
            "may_deliver": rules.can(request.user, "delivery:submit", challenge),
        },
        status=status,
    )


@require_safe
def contract(request, slug):
    """The public contract page: the award, the contract (signed document downloadable), each
    milestone's plan against its progress, and the totals paid against contracted."""
    page = selectors.contract_page(request.user, slug)
    return _render_contract(request, page)


@require_safe
def contract_document(request, slug, sha256):
    """The signed contract (public, as the award is)."""
    page = selectors.contract_page(request.user, slug)
    document = page.award.contract.document
    if document.sha256 != sha256:
        raise Http404
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Length"] = str(document.size)
    response["Content-Disposition"] = content_disposition(document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _milestone_action(request, slug, number, kind):
    if (login := _signed_in(request)) is not None:
        return login
    page = selectors.contract_page(request.user, slug)
    row = selectors.milestone_for_action(page, number)
    milestone = row.milestone
    prefix = f"m{number}-{kind}"
    form_class = {"progress": ProgressForm, "review": ReviewForm, "payment": PaymentForm}.get(kind)
    form = form_class(request.POST, prefix=prefix) if form_class else None
    if form is not None and not form.is_valid():
        return _render_contract(request, page, bound=(number, kind, form), status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        if kind == "progress":
            services.milestone_progress_post(
                milestone=milestone,
                actor=request.user,
                progress=data["progress"],
                note=data["note"],
                link=data.get("link", ""),
            )
            text = _("Your progress on milestone %(n)d is published.")
        elif kind == "submit":
            services.milestone_submit(milestone=milestone, actor=request.user)
            text = _("Milestone %(n)d is submitted; the agency will accept it or return it.")
        elif kind == "review" and request.POST.get("decision") == "accept":
            services.milestone_accept(milestone=milestone, actor=request.user, note=data["note"])
            text = _("Milestone %(n)d is accepted. Record its payment when it is made.")
        elif kind == "review":
            services.milestone_return(milestone=milestone, actor=request.user, note=data["note"])
            text = _("Milestone %(n)d is returned to the supplier with your observations.")
        else:
            services.payment_record(
                milestone=milestone,
                actor=request.user,
                amount=data["amount"],
                paid_on=data["paid_on"],
                reference=data["reference"],
            )
            text = _("The payment of milestone %(n)d is recorded and published.")
    except DomainError as exc:
        if form is None:
            messages.error(request, exc.message)
            return redirect("contracts:contract", slug=slug)
        _put_problems(exc, form)
        return _render_contract(request, page, bound=(number, kind, form), status=400)
    messages.success(request, text % {"n": number})
    url = reverse("contracts:contract", kwargs={"slug": page.challenge.slug})
    return redirect(f"{url}#milestone-{number}")


@require_POST
def milestone_progress(request, slug, number):
    return _milestone_action(request, slug, number, "progress")


@require_POST
def milestone_submit(request, slug, number):
    return _milestone_action(request, slug, number, "submit")


@require_POST
def milestone_review(request, slug, number):
    return _milestone_action(request, slug, number, "review")


@require_POST
def payment_record(request, slug, number):
    return _milestone_action(request, slug, number, "payment")


# --- The final delivery ----------------------------------------------------------------------


def _render_delivery(request, challenge, award, deliveries, *, form=None, review=None, status=200):
    pending = next((d for d in deliveries if d.status == DeliveryStatus.SUBMITTED), None)
    accepted = next((d for d in deliveries if d.status == DeliveryStatus.ACCEPTED), None)
    may_submit = (
        pending is None
        and accepted is None
        and rules.can(request.user, "delivery:submit", challenge)
    )
    if form is None and may_submit:
        form = DeliveryForm(challenge=challenge)
    review_form = None
    if pending is not None and rules.can(request.user, "delivery:review", pending):
        review_form = review or ReviewForm(prefix="review")
    return render(
        request,
        "contracts/delivery.html",
        {
            "challenge": challenge,
            "award": award,
            "deliveries": list(reversed(deliveries)),
            "pending": pending,
            "accepted": accepted,
            "form": form if may_submit or form is not None else None,
            "review_form": review_form,
            "is_supplier": is_supplier_member_of(request.user, challenge),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def delivery(request, slug):
    """The final delivery: the supplier submits the repository, the licence and a valid
    publiccode.yml; everyone sees the deliveries and their reviews."""
    challenge, award, deliveries = selectors.delivery_page(request.user, slug)
    if request.method == "GET":
        return _render_delivery(request, challenge, award, deliveries)
    if (login := _signed_in(request)) is not None:
        return login
    if not rules.can(request.user, "delivery:submit", challenge):
        raise PermissionDenied
    form = DeliveryForm(request.POST, request.FILES, challenge=challenge)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.delivery_submit(
                challenge=challenge,
                actor=request.user,
                repository_url=data["repository_url"],
                licence=data["licence"],
                publiccode_yml=data.get("publiccode_yml") or "",
                notes=data.get("notes", ""),
            )
        except DomainError as exc:
            _put_problems(exc, form)
        else:
            messages.success(
                request,
                _("Your delivery is submitted. The agency will accept it or return it."),
            )
            return redirect("contracts:delivery", slug=challenge.slug)
    return _render_delivery(request, challenge, award, deliveries, form=form, status=400)


@require_POST
def delivery_review(request, slug, number):
    """The approver accepts the pending delivery (the challenge is completed and the tool
    enters the catalog) or returns it with observations."""
    if (login := _signed_in(request)) is not None:
        return login
    challenge, award, deliveries = selectors.delivery_page(request.user, slug)
    target = next((d for d in deliveries if d.number == number), None)
    if target is None:
        raise Http404
    if not rules.can(request.user, "delivery:review", target):
        raise PermissionDenied
    form = ReviewForm(request.POST, prefix="review")
    if form.is_valid():
        accept = request.POST.get("decision") == "accept"
        try:
            services.delivery_review(
                delivery=target, actor=request.user, accept=accept, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            _put_problems(exc, form)
        else:
            if accept:
                messages.success(
                    request,
                    _(
                        "The delivery is accepted: the challenge is completed and the tool is "
                        "published in the catalog."
                    ),
                )
                return redirect("contracts:catalog_detail", slug=challenge.catalog_entry.slug)
            messages.success(
                request, _("The delivery is returned to the supplier with your observations.")
            )
            return redirect("contracts:delivery", slug=challenge.slug)
    return _render_delivery(request, challenge, award, deliveries, review=form, status=400)


# --- The catalog -----------------------------------------------------------------------------


@require_safe
def catalog(request):
    """The delivered tools, filterable by category, jurisdiction level and state."""
    form = CatalogFilterForm(request.GET or None)
    filters = form.filters()
    paginator = Paginator(selectors.catalog_entries(filters), settings.RETOS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/catalog.html",
        {"form": form, "page": page, "filtered": any(vars(filters).values())},
    )


def _render_catalog_detail(request, detail, *, form=None, status=200):
    reused_by = {r.body_id for r in detail.reuses}
    bodies = selectors.reuse_bodies(request.user, detail.entry, reused_by)
    if form is None and bodies:
        form = ReuseForm(bodies=bodies)
    delivery = detail.entry.delivery
    return render(
        request,
        "contracts/catalog_detail.html",
        {
            "detail": detail,
            "entry": detail.entry,
            "challenge": detail.entry.challenge,
            "publiccode": delivery.publiccode,
            "publiccode_yml": delivery.publiccode_yml,
            "form": form,
        },
        status=status,
    )


@require_safe
def catalog_detail(request, slug):
    return _render_catalog_detail(request, selectors.catalog_detail(slug))


@require_POST
def reuse_report(request, slug):
    """An official or approver of another government body reports reusing the tool."""
    if (login := _signed_in(request)) is not None:
        return login
    detail = selectors.catalog_detail(slug)
    reused_by = {r.body_id for r in detail.reuses}
    bodies = selectors.reuse_bodies(request.user, detail.entry, reused_by)
    if not bodies and not selectors.reuse_bodies(request.user, detail.entry, set()):
        raise PermissionDenied
    form = ReuseForm(request.POST, bodies=bodies)
    if form.is_valid():
        try:
            reuse = services.reuse_report(
                entry=detail.entry,
                body=form.chosen_body(),
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            _put_problems(exc, form)
        else:
            messages.success(
                request,
                _("Thank you: the reuse by %(body)s is published.") % {"body": reuse.body.name},
            )
            return redirect("contracts:catalog_detail", slug=detail.entry.slug)
    if not bodies:
        form.add_error(None, _("Every body you represent already reported reusing this tool."))
    return _render_catalog_detail(request, detail, form=form, status=400)
