"""Forms of the contracts app. They parse what people type (amounts, dates, files); the
services decide what is acceptable and say so per field (``services.ContractError``), and the
views put each message next to its field, with everything typed kept.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import formset_factory
from django.utils.translation import gettext_lazy as _

from retos.challenges.models import Category
from retos.contracts import publiccode
from retos.contracts.selectors import CatalogFilters
from retos.core.widgets import PlainSelect
from retos.documents.validation import accept_attribute, upload_hint
from retos.organizations.models import Level, State

#: The milestone rows the award form offers (blank rows are ignored).
MILESTONE_ROWS = 8


class MoneyField(forms.CharField):
    """An amount in pesos as people write it: “850000”, “850,000.00” or “$850,000.00 MXN”."""

    default_error_messages = {
        "invalid": _("Write an amount in pesos with digits, for example 850000.00."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "40"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > 40:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        cleaned = re.sub(r"(?i)mxn|\$|,|\s", "", value)
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class DateField(forms.DateField):
    """A date typed as year-month-day (a date picker where the browser has one)."""

    default_error_messages = {
        "invalid": _("Write the date as year-month-day, for example 2026-03-15."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)


class AwardForm(forms.Form):
    amount = MoneyField(
        label=_("Amount awarded (MXN)"),
        help_text=_("At most the challenge's contract amount."),
        error_messages={"required": _("Give the amount awarded, in pesos.")},
    )
    awarded_on = DateField(
        label=_("Award date"), error_messages={"required": _("Give the date of the award.")}
    )
    number = forms.CharField(
        label=_("Contract number"),
        max_length=60,
        error_messages={"required": _("Give the contract number.")},
    )
    signed_on = DateField(
        label=_("Signature date"),
        error_messages={"required": _("Give the date the contract was signed.")},
    )
    document = forms.FileField(
        label=_("Signed contract (PDF)"),
        allow_empty_file=True,
        widget=forms.FileInput,
        error_messages={"required": _("Choose the signed contract (PDF).")},
    )
    starts_on = DateField(
        label=_("Start of the contract"),
        error_messages={"required": _("Give the date the contract starts.")},
    )
    ends_on = DateField(
        label=_("End of the contract"),
        error_messages={"required": _("Give the date the contract ends.")},
    )

    def __init__(self, *args, challenge=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "%(hint)s It is published with the contract. If the form shows an error, choose "
            "the file again."
        ) % {"hint": upload_hint(("pdf",))}
        self.fields["document"].widget.attrs["accept"] = accept_attribute(("pdf",))
        if challenge is not None and challenge.amount is not None:
            from retos.core.formatting import format_mxn

            self.fields["amount"].help_text = _(
                "At most the challenge's contract amount: %(amount)s."
            ) % {"amount": format_mxn(challenge.amount)}


class MilestoneRowForm(forms.Form):
    """One milestone. Its fields are required once anything in the row is typed; a row left
    blank is skipped by the formset (an unchanged extra form is not validated)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the milestone a title.")},
    )
    deliverables = forms.CharField(
        label=_("Deliverables"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": _("Say what is delivered in this milestone.")},
    )
    due_on = DateField(
        label=_("Due date"), error_messages={"required": _("Give the milestone's due date.")}
    )
    amount = MoneyField(
        label=_("Payment (MXN)"),
        error_messages={"required": _("Give the payment of this milestone, in pesos.")},
    )

    def is_blank(self) -> bool:
        return not self.has_changed()

    def row(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data.get("title") or "",
            "deliverables": data.get("deliverables") or "",
            "due_on": data.get("due_on"),
            "amount": data.get("amount"),
        }


MilestoneFormSet = formset_factory(
    MilestoneRowForm,
    extra=MILESTONE_ROWS,
    max_num=MILESTONE_ROWS,
    absolute_max=MILESTONE_ROWS,
)


class ProgressForm(forms.Form):
    progress = forms.CharField(
        label=_("Progress (%)"),
        max_length=4,
        help_text=_("How much of the milestone is done, from 0 to 100."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    link = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=500,
        help_text=_("A pull request, a demo or a document (https://…)."),
        widget=forms.URLInput,
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Observations"),
        required=False,
        max_length=5000,
        help_text=_("Required to return it; published with the review."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PaymentForm(forms.Form):
    amount = MoneyField(label=_("Amount paid (MXN)"))
    paid_on = DateField(label=_("Payment date"))
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        help_text=_("The transfer's reference or the payment order number."),
    )


class DeliveryForm(forms.Form):
    repository_url = forms.CharField(
        label=_("Repository URL"),
        max_length=500,
        help_text=_("The public repository of the source code (https://…)."),
        widget=forms.URLInput,
    )
    licence = forms.ChoiceField(label=_("Licence"), widget=forms.RadioSelect)
    publiccode_yml = forms.CharField(
        label=_("publiccode.yml"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "code"}),
    )
    publiccode_file = forms.FileField(
        label=_("Or choose the publiccode.yml file"),
        required=False,
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ".yml,.yaml"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything the agency should know to review the delivery."),
    )

    def __init__(self, *args, challenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence"].choices = [
            (spdx, f"{name} ({spdx})") for spdx, name in challenge.licence_names()
        ]
        self.fields["licence"].help_text = _(
            "One of the licences the challenge allows; the publiccode.yml must say the same "
            "in legal.license."
        )
        self.fields["publiccode_yml"].help_text = _(
            "Paste the file, or choose it below. It is checked against the publiccode.yml "
            "standard (schema %(version)s); its url and legal.license must match this form. At "
            "most %(max)d KB."
        ) % {"version": "0.5", "max": publiccode.MAX_BYTES // 1024}

    def clean(self):
        data = super().clean()
        upload = data.get("publiccode_file")
        if upload:
            raw = upload.read(publiccode.MAX_BYTES + 1)
            if len(raw) > publiccode.MAX_BYTES:
                self.add_error(
                    "publiccode_file",
                    _("The file is larger than %(max)d KB; a publiccode.yml is much smaller.")
                    % {"max": publiccode.MAX_BYTES // 1024},
                )
                return data
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error(
                    "publiccode_file",
                    _("The file is not UTF-8 text. Save it as UTF-8 and choose it again."),
                )
                return data
            data["publiccode_yml"] = text
            # Shown again in the text area if anything is refused: nothing is lost.
            self.data = self.data.copy()
            self.data[self.add_prefix("publiccode_yml")] = text
        return data


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    level = forms.ChoiceField(
        label=_("Jurisdiction level"),
        required=False,
        choices=[("", _("All levels")), *Level.choices],
    )
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", _("All states")),
            *State.objects.values_list("code", "name"),
        ]
        for name in ("category", "level", "state"):
            self.fields[name].widget = PlainSelect(choices=self.fields[name].choices)

    def filters(self) -> CatalogFilters:
        if not self.is_bound:
            return CatalogFilters()
        self.is_valid()
        # An unknown value in the address is ignored rather than failing the page.
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}
        return CatalogFilters(**data)


class ReuseForm(forms.Form):
    body = forms.ChoiceField(label=_("Government body that reuses it"))
    note = forms.CharField(
        label=_("How it is used"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what for, since when, what you adapted. Published."),
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies = {str(b.pk): b for b in bodies}
        self.fields["body"].choices = [(str(b.pk), b.name) for b in bodies]

    def chosen_body(self):
        return self.bodies[self.cleaned_data["body"]]


class ErrorSummary:
    """The errors of a form and of a formset's rows, in the shape
    ``includes/form_errors.html`` reads (``errors``, ``non_field_errors``, and fields with
    ``label``, ``errors`` and ``id_for_label``)."""

    class _Field:
        def __init__(self, label, errors, id_for_label):
            self.label, self.errors, self.id_for_label = label, errors, id_for_label

    def __init__(self, form, formset=None, row_label=None):
        self.form, self.formset, self.row_label = form, formset, row_label

    @property
    def errors(self) -> bool:
        return bool(self.non_field_errors() or any(True for _f in self))

    def non_field_errors(self):
        errors = list(self.form.non_field_errors()) if self.form.is_bound else []
        if self.formset is not None and self.formset.is_bound:
            errors += list(self.formset.non_form_errors())
        return errors

    def __iter__(self):
        if self.form.is_bound:
            for bound in self.form:
                if bound.errors:
                    yield self._Field(bound.label, bound.errors, bound.id_for_label)
        if self.formset is not None and self.formset.is_bound:
            for i, row in enumerate(self.formset.forms, start=1):
                for bound in row:
                    if bound.errors:
                        label = f"{self.row_label(i)}, {bound.label}"
                        yield self._Field(label, bound.errors, bound.id_for_label)
