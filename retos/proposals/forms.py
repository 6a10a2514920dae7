"""The proposal editor's forms. They only parse what people type; ``services.proposal_save``
(through ``content.clean``) decides what is acceptable, so every field here is optional and
has no length limit of its own: the limit is shown as text, and a text that is too long comes
back from the service with its message while the typed text stays in the form.
"""

from __future__ import annotations

from django import forms
from django.forms.formsets import formset_factory
from django.utils.translation import gettext_lazy as _

from retos.core.formatting import format_mxn
from retos.documents.validation import DEFAULT_KINDS, accept_attribute, upload_hint
from retos.proposals import content

TEXT_BY_KEY = {s.key: s for s in content.TEXT_SECTIONS}


def _limit_hint(section) -> str:
    return _("%(help)s At most %(max)s characters.") % {
        "help": section.help_text,
        "max": f"{section.max_length:,}",
    }


def text_field(key: str) -> forms.CharField:
    section = TEXT_BY_KEY[key]
    rows = 4 if section.max_length <= 1000 else 10
    return forms.CharField(
        label=section.label,
        required=False,
        strip=False,
        help_text=_limit_hint(section),
        widget=forms.Textarea(
            attrs={"rows": rows, "data-max-length": section.max_length, "data-counter": "true"}
        ),
    )


class SectionsForm(forms.Form):
    """A form whose fields are proposal sections of the same name."""

    keys: tuple[str, ...] = ()

    def changes(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key in self.keys}

    @classmethod
    def initial_from(cls, sections: dict, challenge) -> dict:
        return {key: sections.get(key, "") for key in cls.keys}


class SummaryForm(SectionsForm):
    keys = ("summary", "understanding")

    def __init__(self, *args, challenge=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key in self.keys:
            self.fields[key] = text_field(key)


class SolutionForm(SummaryForm):
    keys = ("solution", "technical_approach", "ux_approach")


class PriceForm(SectionsForm):
    keys = ("price", "licence", "links")

    def __init__(self, *args, challenge=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"] = forms.CharField(
            label=_("Price (MXN, VAT included)"),
            required=False,
            help_text=_("In pesos, for example 990000.00. At most the contract amount: %(amount)s.")
            % {"amount": format_mxn(challenge.amount)},
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )
        self.fields["licence"] = forms.ChoiceField(
            label=_("Licence of the software"),
            required=False,
            choices=[(spdx, f"{name} ({spdx})") for spdx, name in challenge.licence_names()],
            help_text=_("One of the open-source licences the challenge allows."),
            widget=forms.RadioSelect,
        )
        self.fields["links"] = forms.CharField(
            label=_("Links to prior work"),
            required=False,
            help_text=_(
                "One web address per line (https://…), at most %(max)d: repositories, running "
                "services, case studies."
            )
            % {"max": content.MAX_LINKS},
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "price": data.get("price", ""),
            "licence": data.get("licence", ""),
            "links": data.get("links", ""),
        }

    @classmethod
    def initial_from(cls, sections: dict, challenge) -> dict:
        return {
            "price": sections.get("price", ""),
            "licence": sections.get("licence", ""),
            "links": "\n".join(sections.get("links") or []),
        }


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), required=False, strip=False)
    # Text, not a number field: whatever was typed comes back as typed with the service's
    # message, never silently dropped.
    weeks = forms.CharField(
        label=_("Delivery week"),
        required=False,
        help_text=_("Week counted from the start of the contract, e.g. 6."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    deliverable = forms.CharField(label=_("Deliverable"), required=False, strip=False)


class TeamMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, strip=False)
    role = forms.CharField(label=_("Role in the project"), required=False, strip=False)


MilestoneFormSet = formset_factory(
    MilestoneForm, extra=0, max_num=content.MAX_MILESTONES, absolute_max=content.MAX_MILESTONES
)
TeamFormSet = formset_factory(
    TeamMemberForm, extra=0, max_num=content.MAX_TEAM, absolute_max=content.MAX_TEAM
)


def rows_of(formset) -> list[dict]:
    """The formset's rows as the service expects them (empty rows are dropped by it)."""
    return [
        {name: form.cleaned_data.get(name, "") for name in form.fields}
        for form in formset.forms
        if hasattr(form, "cleaned_data")
    ]


class AttachmentForm(forms.Form):
    # Empty files are let through so that the service refuses them with its own message.
    file = forms.FileField(label=_("File"), allow_empty_file=True, widget=forms.FileInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_hint(DEFAULT_KINDS)
        self.fields["file"].widget.attrs["accept"] = accept_attribute(DEFAULT_KINDS)
