"""Government bodies, companies, and the memberships that give people their roles."""

import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from retos.core.timezones import MexicanTimeZone
from retos.organizations.mexico import Sector, SmeSize, classify_sme, is_sme


class State(models.Model):
    """One of Mexico's 32 federal entities, keyed by its INEGI two-digit code."""

    code = models.CharField(_("INEGI code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=8)

    class Meta:
        ordering = ["code"]
        verbose_name = _("state")
        verbose_name_plural = _("states")

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    GOVERNMENT = "government", _("Government body")
    COMPANY = "company", _("Company")


class Level(models.TextChoices):
    FEDERAL = "federal", pgettext_lazy("jurisdiction level", "Federal")
    STATE = "state", pgettext_lazy("jurisdiction level", "State")
    MUNICIPAL = "municipal", pgettext_lazy("jurisdiction level", "Municipal")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICIAL = "official", _("Official")
    APPROVER = "approver", _("Approver")
    OPENING_OFFICER = "opening_officer", _("Opening officer")
    MEMBER = "member", _("Member")


ROLES_BY_KIND = {
    Kind.GOVERNMENT: [Role.ADMIN, Role.OFFICIAL, Role.APPROVER, Role.OPENING_OFFICER],
    Kind.COMPANY: [Role.ADMIN, Role.MEMBER],
}


#: Companies registered from this moment on must carry a legal representative and both sworn
#: declarations (the database checks it). Companies registered before it made no declaration:
#: rather than invent sworn statements nobody made, the constraint leaves them alone and
#: ``company_eligibility`` keeps them out of every challenge until they declare.
DECLARATIONS_REQUIRED_FROM = datetime(2026, 11, 25, tzinfo=UTC)


class OrganizationQuerySet(models.QuerySet):
    def government(self):
        return self.filter(kind=Kind.GOVERNMENT)

    def companies(self):
        return self.filter(kind=Kind.COMPANY)

    def verified(self):
        return self.filter(verified_at__isnull=False)


class Organization(models.Model):
    """A government body or a company: one table, so memberships and invitations are one too.

    Fields that belong to one kind only are empty for the other; check constraints say which.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    state = models.ForeignKey(
        State, verbose_name=_("state"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Government bodies.
    level = models.CharField(
        _("jurisdiction level"), max_length=16, choices=Level.choices, blank=True
    )
    municipality_name = models.CharField(_("municipality"), max_length=120, blank=True)
    municipality_code = models.CharField(_("municipality INEGI code"), max_length=5, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=MexicanTimeZone.choices,
        default=MexicanTimeZone.CENTRO,
    )
    # Companies.
    rfc = models.CharField(_("RFC"), max_length=13, blank=True)
    rfc_check_digit_confirmed = models.BooleanField(
        _("RFC confirmed despite its check digit"), default=False
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, blank=True)
    workers = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    annual_sales = models.DecimalField(
        _("annual sales (MXN)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    legal_representative_name = models.CharField(
        _("legal representative"), max_length=200, blank=True
    )
    legal_representative_title = models.CharField(
        _("legal representative's position"), max_length=120, blank=True
    )
    # Sworn declarations (bajo protesta de decir verdad): who made each one and when.
    sme_declared_at = models.DateTimeField(_("SME size declared at"), null=True, blank=True)
    sme_declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("SME size declared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    no_conflict_declared_at = models.DateTimeField(
        _("no conflict of interest declared at"), null=True, blank=True
    )
    no_conflict_declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("no conflict of interest declared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Both.
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="org_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=Kind.COMPANY) | Q(level__in=Level.values),
                name="org_body_has_level",
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.GOVERNMENT)
                | (
                    ~Q(rfc="")
                    & Q(sector__in=Sector.values)
                    & Q(workers__isnull=False)
                    & Q(annual_sales__gte=0)
                ),
                name="org_company_has_rfc_and_size",
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.COMPANY) | Q(rfc=""), name="org_body_has_no_rfc"
            ),
            models.CheckConstraint(
                condition=~Q(level=Level.FEDERAL)
                | (Q(state__isnull=True) & Q(municipality_code="")),
                name="org_federal_has_no_state",
            ),
            models.CheckConstraint(
                condition=~Q(level=Level.STATE)
                | (Q(state__isnull=False) & Q(municipality_code="")),
                name="org_state_body_has_state",
            ),
            models.CheckConstraint(
                condition=~Q(level=Level.MUNICIPAL)
                | (
                    Q(state__isnull=False)
                    & Q(municipality_code__startswith=F("state_id"))
                    & ~Q(municipality_name="")
                ),
                name="org_municipal_body_has_municipality",
            ),
            models.UniqueConstraint(
                fields=["rfc"], condition=Q(kind=Kind.COMPANY), name="org_company_rfc_unique"
            ),
            models.CheckConstraint(
                condition=Q(sme_declared_at__isnull=True, sme_declared_by__isnull=True)
                | Q(sme_declared_at__isnull=False, sme_declared_by__isnull=False),
                name="org_sme_declaration_complete",
            ),
            models.CheckConstraint(
                condition=Q(
                    no_conflict_declared_at__isnull=True, no_conflict_declared_by__isnull=True
                )
                | Q(no_conflict_declared_at__isnull=False, no_conflict_declared_by__isnull=False),
                name="org_no_conflict_declaration_complete",
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.GOVERNMENT)
                | Q(created_at__lt=DECLARATIONS_REQUIRED_FROM)
                | (
                    ~Q(legal_representative_name="")
                    & Q(sme_declared_at__isnull=False)
                    & Q(no_conflict_declared_at__isnull=False)
                ),
                name="org_company_has_representative_and_declarations",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", kwargs={"slug": self.slug})

    @property
    def is_government(self) -> bool:
        return self.kind == Kind.GOVERNMENT

    @property
    def is_company(self) -> bool:
        return self.kind == Kind.COMPANY

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @cached_property
    def sme_size(self) -> SmeSize | None:
        if not self.is_company or self.workers is None or self.annual_sales is None:
            return None
        return classify_sme(self.sector, self.workers, self.annual_sales)

    @property
    def is_sme(self) -> bool:
        return self.sme_size is not None and is_sme(self.sme_size)

    @property
    def has_declarations(self) -> bool:
        return self.sme_declared_at is not None and self.no_conflict_declared_at is not None

    @property
    def jurisdiction_label(self) -> str:
        if self.level == Level.FEDERAL:
            return str(_("Federal government"))
        if self.level == Level.STATE:
            return str(self.state)
        if self.level == Level.MUNICIPAL:
            return f"{self.municipality_name}, {self.state}"
        return ""


class Membership(models.Model):
    """A person's role in an organization. One row per role: an official may also open."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


INVITATION_VALIDITY = timedelta(days=14)


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An invitation to join an organization with a role, accepted by following its link."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="invitation_acceptance_complete",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="invitation_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.role})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and now < self.expires_at
