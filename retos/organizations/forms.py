from django import forms
from django.utils.translation import gettext_lazy as _

from retos.core.timezones import MexicanTimeZone
from retos.organizations.mexico import Sector
from retos.organizations.models import ROLES_BY_KIND, Kind, Level, State


class GovernmentBodyForm(forms.Form):
    name = forms.CharField(label=_("Official name"), max_length=255)
    acronym = forms.CharField(label=_("Acronym"), max_length=20, required=False)
    level = forms.ChoiceField(label=_("Jurisdiction level"), choices=Level.choices)
    state = forms.ModelChoiceField(
        label=_("State"),
        queryset=State.objects.all(),
        required=False,
        help_text=_("Leave empty for a federal body."),
    )
    municipality_name = forms.CharField(label=_("Municipality"), max_length=120, required=False)
    municipality_code = forms.CharField(
        label=_("Municipality INEGI code"),
        max_length=5,
        required=False,
        help_text=_(
            "Five digits; the first two are the state's code (e.g. 14039 for Guadalajara)."
        ),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=MexicanTimeZone.choices, initial=MexicanTimeZone.CENTRO
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Legal name"), max_length=255)
    rfc = forms.CharField(
        label=_("RFC"),
        max_length=16,
        help_text=_("12 characters for a company (persona moral), 13 for a person."),
    )
    confirm_rfc_check_digit = forms.BooleanField(
        label=_("I confirm this RFC is exactly the one on our tax certificate"), required=False
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    workers = forms.IntegerField(label=_("Workers"), min_value=0, max_value=1_000_000)
    annual_sales = forms.DecimalField(
        label=_("Annual sales (MXN)"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("Last fiscal year, in pesos, e.g. 3500000."),
    )
    state = forms.ModelChoiceField(label=_("State"), queryset=State.objects.all())
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    legal_representative_name = forms.CharField(
        label=_("Legal representative's full name"),
        max_length=200,
        help_text=_("The person who signs for the company, as on the power of attorney."),
        error_messages={"required": _("Give the full name of the company's legal representative.")},
    )
    legal_representative_title = forms.CharField(
        label=_("Legal representative's position"),
        max_length=120,
        help_text=_("For example: Directora general, Administrador único."),
        error_messages={
            "required": _("Give the legal representative's position, e.g. Directora general.")
        },
    )
    declares_sme = forms.BooleanField(
        label=_(
            "I declare under oath to tell the truth (bajo protesta de decir verdad) that the "
            "workers and annual sales above are true, and so is the company's size computed "
            "from them."
        ),
        error_messages={
            "required": _(
                "Tick this box to make the declaration; a company cannot register without it."
            )
        },
    )
    declares_no_conflict = forms.BooleanField(
        label=_(
            "I declare under oath to tell the truth (bajo protesta de decir verdad) that no "
            "owner, partner or employee of the company is a public servant of the government "
            "bodies whose challenges it takes part in, and that it has no other conflict of "
            "interest with them."
        ),
        error_messages={
            "required": _(
                "Tick this box to make the declaration; a company cannot register without it."
            )
        },
    )

    #: Fields shown in each part of the page, in order.
    COMPANY_FIELDS = ["name", "rfc", "confirm_rfc_check_digit", "state", "website"]
    FIGURE_FIELDS = ["sector", "workers", "annual_sales"]
    REPRESENTATIVE_FIELDS = ["legal_representative_name", "legal_representative_title"]
    DECLARATION_FIELDS = ["declares_sme", "declares_no_conflict"]
    # The page's order, so the error summary lists problems in the order the fields appear.
    field_order = FIGURE_FIELDS + COMPANY_FIELDS + REPRESENTATIVE_FIELDS + DECLARATION_FIELDS

    def part(self, names):
        return [self[name] for name in names]

    def company_fields(self):
        return self.part(self.COMPANY_FIELDS)

    def figure_fields(self):
        return self.part(self.FIGURE_FIELDS)

    def representative_fields(self):
        return self.part(self.REPRESENTATIVE_FIELDS)

    def declaration_fields(self):
        return self.part(self.DECLARATION_FIELDS)


class CompanyFiguresForm(forms.Form):
    """Only the figures, to show the size before the rest of the form is filled in."""

    sector = CompanyForm.base_fields["sector"]
    workers = CompanyForm.base_fields["workers"]
    annual_sales = CompanyForm.base_fields["annual_sales"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (role.value, role.label) for role in ROLES_BY_KIND[Kind(organization.kind)]
        ]
