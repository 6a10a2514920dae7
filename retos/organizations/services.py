"""Every write to organizations, memberships and invitations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from retos.core import rules
from retos.core.errors import DomainError
from retos.ledger.services import event_record
from retos.organizations.mexico import RfcError, Sector, check_rfc
from retos.organizations.models import (
    INVITATION_VALIDITY,
    ROLES_BY_KIND,
    Invitation,
    Kind,
    Level,
    Membership,
    Organization,
    Role,
    State,
)


class RfcNeedsConfirmation(DomainError):
    """The RFC's check digit is wrong: the user must confirm it is the one the SAT issued."""


def _unique_slug(name: str, acronym: str = "") -> str:
    base = slugify(acronym or name)[:70] or "organizacion"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _add_member(*, organization: Organization, user, role: str) -> Membership:
    if role not in ROLES_BY_KIND[Kind(organization.kind)]:
        raise DomainError(_("That role does not exist for this kind of organization."))
    membership, _created = Membership.objects.get_or_create(
        organization=organization, user=user, role=role
    )
    user.__dict__.pop("_retos_roles", None)
    return membership


@transaction.atomic
def government_body_register(
    *,
    actor,
    name: str,
    acronym: str,
    level: str,
    state: State | None = None,
    municipality_name: str = "",
    municipality_code: str = "",
    time_zone: str = "America/Mexico_City",
    website: str = "",
    description: str = "",
) -> Organization:
    """Register a government body; the actor becomes its admin. Platform staff verify it later."""
    rules.require(actor, "organization:register")
    if level == Level.FEDERAL:
        state, municipality_name, municipality_code = None, "", ""
    elif state is None:
        raise DomainError(_("Choose the state of a state or municipal government."))
    if level == Level.STATE:
        municipality_name, municipality_code = "", ""
    if level == Level.MUNICIPAL:
        if not municipality_name.strip():
            raise DomainError(_("Give the municipality's name."))
        if not (
            len(municipality_code) == 5
            and municipality_code.isdigit()
            and municipality_code.startswith(state.code)
        ):
            raise DomainError(
                _(
                    "The municipality's INEGI code has 5 digits and starts with its state's code "
                    "(%(code)s)."
                )
                % {"code": state.code}
            )
    body = Organization(
        kind=Kind.GOVERNMENT,
        name=name.strip(),
        acronym=acronym.strip(),
        slug=_unique_slug(name, acronym),
        level=level,
        state=state,
        municipality_name=municipality_name.strip(),
        municipality_code=municipality_code,
        time_zone=time_zone,
        website=website,
        description=description,
    )
    body.full_clean(exclude=["slug"])
    body.save()
    _add_member(organization=body, user=actor, role=Role.ADMIN)
    event_record(
        actor=actor,
        action="organization.registered",
        subject=body,
        payload={"kind": body.kind, "name": body.name, "level": body.level},
    )
    return body


@transaction.atomic
def company_register(
    *,
    actor,
    name: str,
    rfc: str,
    sector: str,
    workers: int,
    annual_sales: Decimal,
    state: State | None,
    legal_representative_name: str,
    legal_representative_title: str,
    declares_sme: bool,
    declares_no_conflict: bool,
    confirm_rfc_check_digit: bool = False,
    website: str = "",
    description: str = "",
) -> Organization:
    """Register a company; the actor becomes its admin.

    The RFC is refused when its structure or date is wrong. When only its check digit is
    wrong, ``RfcNeedsConfirmation`` is raised unless the user confirmed it.

    The actor makes two sworn declarations (bajo protesta de decir verdad), both required and
    stamped with who made them and when: the figures, and so the size computed from them, are
    true; and no owner, partner or employee is a public servant of the bodies it bids to. A
    large company may register (to follow challenges) but ``company_eligibility`` keeps it out.
    """
    rules.require(actor, "organization:register")
    if not legal_representative_name.strip():
        raise DomainError(
            _("Give the full name of the company's legal representative."),
            code="legal_representative_name",
        )
    if not legal_representative_title.strip():
        raise DomainError(
            _("Give the legal representative's position, e.g. Directora general."),
            code="legal_representative_title",
        )
    if not declares_sme:
        raise DomainError(
            _("The company cannot register without the sworn declaration of its size."),
            code="declares_sme",
        )
    if not declares_no_conflict:
        raise DomainError(
            _(
                "The company cannot register without the sworn declaration that it has no "
                "conflict of interest."
            ),
            code="declares_no_conflict",
        )
    try:
        checked = check_rfc(rfc)
    except RfcError as exc:
        raise DomainError(str(exc), code="rfc_invalid") from exc
    if checked.check_digit_warning and not confirm_rfc_check_digit:
        raise RfcNeedsConfirmation(
            _(
                "The last character of RFC %(rfc)s does not match its check digit. Some RFCs "
                "issued by the SAT are like this. Check it against your tax certificate "
                "(constancia de situación fiscal) and confirm it if it is right."
            )
            % {"rfc": checked.rfc},
            code="rfc_check_digit",
        )
    if sector not in Sector.values:
        raise DomainError(_("Choose the company's sector."))
    if workers < 0 or annual_sales < 0:
        raise DomainError(_("Workers and annual sales cannot be negative."))
    now = timezone.now()
    company = Organization(
        kind=Kind.COMPANY,
        name=name.strip(),
        slug=_unique_slug(name),
        rfc=checked.rfc,
        rfc_check_digit_confirmed=checked.check_digit_warning,
        sector=sector,
        workers=workers,
        annual_sales=annual_sales,
        state=state,
        website=website,
        description=description,
        legal_representative_name=legal_representative_name.strip(),
        legal_representative_title=legal_representative_title.strip(),
        sme_declared_at=now,
        sme_declared_by=actor,
        no_conflict_declared_at=now,
        no_conflict_declared_by=actor,
        created_at=now,
    )
    company.full_clean(exclude=["slug", "rfc"])
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as exc:
        raise DomainError(
            _("A company with RFC %(rfc)s is already registered. Ask its admin to invite you.")
            % {"rfc": checked.rfc},
            code="rfc_taken",
        ) from exc
    _add_member(organization=company, user=actor, role=Role.ADMIN)
    event_record(
        actor=actor,
        action="organization.registered",
        subject=company,
        payload={
            "kind": company.kind,
            "name": company.name,
            "rfc": company.rfc,
            "sme_size": company.sme_size,
            # The sworn declarations are stamped on the company at this event's time.
            "declarations": ["sme_size", "no_conflict_of_interest"],
        },
    )
    return company


@transaction.atomic
def organization_verify(*, organization: Organization, actor) -> Organization:
    """Platform staff confirm the organization is who it says it is."""
    rules.require(actor, "organization:verify", organization)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.verified_at is None:
        organization.verified_at = timezone.now()
        organization.save(update_fields=["verified_at"])
        event_record(actor=actor, action="organization.verified", subject=organization)
    return organization


@transaction.atomic
def invitation_create(*, organization: Organization, actor, email: str, role: str) -> Invitation:
    """An admin invites someone by email to join with a role. The email goes out on commit."""
    rules.require(actor, "organization:invite", organization)
    if role not in ROLES_BY_KIND[Kind(organization.kind)]:
        raise DomainError(_("That role does not exist for this kind of organization."))
    now = timezone.now()
    invitation = Invitation.objects.create(
        organization=organization,
        email=email.strip().lower(),
        role=role,
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    event_record(
        actor=actor,
        action="invitation.created",
        subject=invitation,
        payload={"organization": organization.slug, "role": role},
        public=False,
    )
    transaction.on_commit(lambda: _send_invitation(invitation.pk))
    return invitation


def _send_invitation(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("organization", "invited_by").get(
        pk=invitation_id
    )
    link = settings.SITE_URL.rstrip("/") + reverse(
        "organizations:accept_invitation", kwargs={"token": invitation.token}
    )
    with translation.override(invitation.invited_by.preferred_language):
        context = {"invitation": invitation, "link": link}
        send_mail(
            subject=_("Invitation to join %(org)s on Retos") % {"org": invitation.organization},
            message=render_to_string("organizations/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )


@transaction.atomic
def invitation_accept(*, token: str, actor) -> Membership:
    """The invited person, signed in with the invited email, joins the organization."""
    try:
        invitation = (
            Invitation.objects.select_for_update().select_related("organization").get(token=token)
        )
    except Invitation.DoesNotExist:
        raise DomainError(_("This invitation link is not valid."), code="not_found") from None
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used."), code="used")
    now = timezone.now()
    if now >= invitation.expires_at:
        raise DomainError(
            _("This invitation has expired. Ask the organization's admin for a new one."),
            code="expired",
        )
    if actor.email.lower() != invitation.email.lower():
        raise DomainError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email},
            code="wrong_user",
        )
    membership = _add_member(organization=invitation.organization, user=actor, role=invitation.role)
    invitation.accepted_at = now
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    event_record(
        actor=actor,
        action="membership.joined",
        subject=invitation.organization,
        payload={"role": invitation.role},
        public=False,
    )
    return membership


@transaction.atomic
def membership_grant(*, organization: Organization, actor, user, role: str) -> Membership:
    """An admin gives an existing member another role (e.g. opening officer)."""
    rules.require(actor, "organization:invite", organization)
    membership = _add_member(organization=organization, user=user, role=role)
    event_record(
        actor=actor,
        action="membership.granted",
        subject=organization,
        payload={"user": user.pk, "role": role},
        public=False,
    )
    return membership
