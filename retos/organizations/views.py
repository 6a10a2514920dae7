from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.challenges.models import Challenge
from retos.core.errors import DomainError
from retos.organizations import services
from retos.organizations.forms import (
    CompanyFiguresForm,
    CompanyForm,
    GovernmentBodyForm,
    InvitationForm,
)
from retos.organizations.mexico import SmeSize, classify_sme, combined_score
from retos.organizations.models import Organization
from retos.organizations.selectors import (
    government_bodies_with_counts,
    invitation_for_token,
    organization_for_admin,
)


@require_safe
def body_list(request):
    return render(
        request, "organizations/body_list.html", {"bodies": government_bodies_with_counts()}
    )


@require_safe
def body_detail(request, slug):
    body = get_object_or_404(Organization.objects.government().select_related("state"), slug=slug)
    challenges = (
        Challenge.objects.public()
        .filter(body=body)
        .with_timeline()
        .select_related("body", "body__state")
    )
    return render(
        request, "organizations/body_detail.html", {"body": body, "challenges": challenges}
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_body(request):
    form = GovernmentBodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.government_body_register(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The body is registered. Platform staff will verify it before it can publish."),
            )
            return redirect(body)
    return render(request, "organizations/register_body.html", {"form": form})


def _size_from_figures(data) -> dict | None:
    """The size the figures give, for the page to show; None until they are valid."""
    figures = CompanyFiguresForm(data)
    if not figures.is_valid():
        return None
    workers, sales = figures.cleaned_data["workers"], figures.cleaned_data["annual_sales"]
    size = classify_sme(figures.cleaned_data["sector"], workers, sales)
    return {
        "size": SmeSize(size),
        "is_sme": size != SmeSize.LARGE,
        "score": combined_score(workers, sales).quantize(Decimal("0.01")),
    }


# The field that a refusal from the service belongs to, by its code.
FIELD_BY_CODE = {
    "legal_representative_name": "legal_representative_name",
    "legal_representative_title": "legal_representative_title",
    "declares_sme": "declares_sme",
    "declares_no_conflict": "declares_no_conflict",
}


@login_required
@require_http_methods(["GET", "POST"])
def register_company(request):
    size = _size_from_figures(request.POST) if request.method == "POST" else None
    if request.POST.get("action") == "size":
        # "Check the size" only computes the size: no registration, no errors on other fields.
        form = CompanyForm(initial=request.POST.dict())
        return render(
            request,
            "organizations/register_company.html",
            {"form": form, "needs_confirmation": False, "size": size},
        )
    form = CompanyForm(request.POST or None)
    needs_confirmation = False
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_register(actor=request.user, **form.cleaned_data)
        except services.RfcNeedsConfirmation as exc:
            form.add_error("rfc", exc.message)
            needs_confirmation = True
        except DomainError as exc:
            field = "rfc" if exc.code.startswith("rfc") else FIELD_BY_CODE.get(exc.code)
            form.add_error(field, exc.message)
        else:
            if company.is_sme:
                messages.success(request, _("Your company is registered."))
            else:
                messages.warning(
                    request,
                    _(
                        "Your company is registered. It is a large company, not an SME, so it "
                        "can follow challenges but cannot take part in them."
                    ),
                )
            return redirect("accounts:dashboard")
    return render(
        request,
        "organizations/register_company.html",
        {"form": form, "needs_confirmation": needs_confirmation, "size": size},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, slug):
    organization = organization_for_admin(request.user, slug)
    form = InvitationForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        services.invitation_create(
            organization=organization, actor=request.user, **form.cleaned_data
        )
        messages.success(
            request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
        )
        return redirect("organizations:invite", slug=slug)
    return render(
        request,
        "organizations/invite.html",
        {
            "organization": organization,
            "form": form,
            "pending": organization.invitations.filter(accepted_at__isnull=True).order_by(
                "-created_at"
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    invitation = invitation_for_token(token)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("You joined %(org)s as %(role)s.")
                % {"org": membership.organization, "role": membership.get_role_display()},
            )
            return redirect("accounts:dashboard")
    return render(request, "organizations/accept_invitation.html", {"invitation": invitation})


@login_required
@require_POST
def verify(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    try:
        services.organization_verify(organization=organization, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("%(org)s is verified.") % {"org": organization})
    return redirect(organization)
