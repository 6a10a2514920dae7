"""The editor's forms. They parse what people type; the challenges services decide.

Each step's form covers that step's fields of the challenge and nothing else. A field is
required only where the database cannot store it empty (derived from the model), so a draft
may be saved half-written.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retos.accounts.models import ExpertiseArea
from retos.challenges.models import OPEN_SOURCE_LICENCES, TIMELINE_FIELDS, Challenge

HELP = {
    "title": gettext_lazy(
        "Short and concrete: what must the tool do? For example, “Earthquake alerts by text "
        "message”."
    ),
    "summary": gettext_lazy(
        "One or two sentences anyone can understand: the problem and whom it affects. It is "
        "shown in the list of challenges."
    ),
    "problem_statement": gettext_lazy(
        "The problem as it is today: what happens, how often, and what it costs people. Do not "
        "describe a solution; the companies will propose one."
    ),
    "context": gettext_lazy(
        "What has been tried before, the laws or programs involved, and any data that helps to "
        "understand the problem."
    ),
    "category": gettext_lazy("People can filter the list of challenges by category."),
    "users_affected": gettext_lazy(
        "Who lives with this problem (people, officials, businesses), how many, where, and what "
        "they need. The companies design for them."
    ),
    "expected_outcomes": gettext_lazy(
        "What will be different once the tool works, and how you will notice it. Use figures "
        "where you can."
    ),
    "deliverables": gettext_lazy(
        "What the winner hands over: for example the source code under an open-source licence, "
        "documentation, training and the tool running."
    ),
    "amount": gettext_lazy("The fixed contract amount in Mexican pesos, for example 1,250,000.00."),
    "finalists_count": gettext_lazy(
        "How many of the best-scored proposals go on to build a demo: from 1 to 20. Five is usual."
    ),
    "eligibility": gettext_lazy(
        "Any requirement beyond being a small or medium enterprise, such as experience or "
        "certifications. Keep it short: every requirement leaves some companies out."
    ),
    "max_company_size": gettext_lazy(
        "The program is for small and medium enterprises; you may reserve the challenge for "
        "smaller ones."
    ),
    "questions_close_at": gettext_lazy(
        "Until then companies may ask questions; every answer is published for everyone."
    ),
    "submissions_close_at": gettext_lazy(
        "The deadline for proposals. They stay sealed until the opening act."
    ),
    "evaluation_ends_at": gettext_lazy("When the panel of experts finishes scoring."),
    "demo_day_at": gettext_lazy("When the finalists present their demos."),
    "decision_at": gettext_lazy("When the decision (fallo) is published."),
    "delivery_at": gettext_lazy("When the winner must deliver the working tool."),
}

ROWS = {"summary": 3, "problem_statement": 8, "context": 5, "users_affected": 6}


class FirstOptionLabelled:
    """Radio buttons and checkboxes whose group is "labelled" by its first option, so that an
    error summary's link lands on the group (Django leaves the group without an id)."""

    def id_for_label(self, id_, index="0"):
        return forms.widgets.ChoiceWidget.id_for_label(self, id_, index)


class RadioSelect(FirstOptionLabelled, forms.RadioSelect):
    pass


class CheckboxSelectMultiple(FirstOptionLabelled, forms.CheckboxSelectMultiple):
    pass


class AmountField(forms.DecimalField):
    """An amount in pesos as people write it: "$1,250,000.00 MXN" is 1250000.00."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"(?i)[\s$,]|mxn", "", value)
        return super().to_python(value)


class WeightField(forms.DecimalField):
    """A weight in percent: "40 %" is 40."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("%", "").strip()
        return super().to_python(value)


def challenge_formfield(name: str) -> forms.Field:
    """The form field for a challenge field: label, limits and whether it may stay empty all
    come from the model."""
    model_field = Challenge._meta.get_field(name)
    label = capfirst(model_field.verbose_name)
    if name == "amount":
        field = AmountField(
            label=label,
            required=not model_field.blank,
            max_digits=model_field.max_digits,
            decimal_places=model_field.decimal_places,
            min_value=Decimal("0.01"),
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )
        field.error_messages["min_value"] = _("Enter an amount greater than zero.")
        field.error_messages["invalid"] = _(
            "Enter the amount in pesos using figures, for example 1,250,000.00."
        )
    else:
        field = model_field.formfield()
    field.label = label
    field.help_text = HELP.get(name, "")
    if name == "category":
        field.choices = [("", _("Choose a category")), *model_field.choices]
    if name == "summary":
        field.widget = forms.Textarea(attrs={"maxlength": model_field.max_length})
    if isinstance(field.widget, forms.Textarea):
        field.widget.attrs["rows"] = ROWS.get(name, 5)
    if field.required:
        field.error_messages["required"] = _(
            "Fill this in: a draft cannot be saved without it. You can change it later."
        )
    return field


def required_at_creation() -> list[str]:
    """The fields the database needs before a draft can exist at all (no blank, no default).

    Today: the title, summary, problem statement, category and amount. Once the model lets a
    draft keep them empty, the start page shrinks to the choice of body by itself."""
    from retos.challenges.services import EDITABLE_FIELDS

    needed = []
    for name in EDITABLE_FIELDS:
        f = Challenge._meta.get_field(name)
        if not f.blank and not f.null and not f.has_default():
            needed.append(name)
    return needed


class ChallengeFieldsForm(forms.Form):
    """Some fields of a challenge, filled from it. ``changes()`` is what to save."""

    field_names: tuple[str, ...] = ()

    def __init__(self, *args, challenge: Challenge | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        for name in self.field_names:
            self.fields[name] = challenge_formfield(name)
            if challenge is not None:
                self.initial.setdefault(name, getattr(challenge, name))

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.field_names}

    def add_service_errors(self, exc: ValidationError) -> None:
        """Errors the model found (its constraints) shown where they belong."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class ProblemForm(ChallengeFieldsForm):
    field_names = ("title", "summary", "problem_statement", "context", "category")


class UsersForm(ChallengeFieldsForm):
    field_names = ("users_affected",)


class OutcomesForm(ChallengeFieldsForm):
    field_names = ("expected_outcomes", "deliverables")


class AmountForm(ChallengeFieldsForm):
    field_names = ("amount", "finalists_count")


class EligibilityForm(ChallengeFieldsForm):
    field_names = ("eligibility", "max_company_size")


class LicencesForm(ChallengeFieldsForm):
    field_names = ("licences",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licences"] = forms.MultipleChoiceField(
            label=_("Allowed open-source licences"),
            help_text=_(
                "The winner must release the tool under one of the licences you allow. Choose "
                "at least one."
            ),
            choices=list(OPEN_SOURCE_LICENCES.items()),
            widget=CheckboxSelectMultiple,
            required=False,
        )
        if self.challenge is not None:
            self.initial["licences"] = list(self.challenge.licences)


class DocumentsForm(ChallengeFieldsForm):
    field_names = ()


class StartForm(ChallengeFieldsForm):
    """The first step of a new challenge, plus what the database needs to create it."""

    def __init__(self, *args, bodies=(), **kwargs):
        self.field_names = tuple(dict.fromkeys([*ProblemForm.field_names, *required_at_creation()]))
        super().__init__(*args, **kwargs)
        self.bodies = list(bodies)
        if len(self.bodies) > 1:
            self.fields["body"] = forms.TypedChoiceField(
                label=_("Government body"),
                help_text=_("The challenge is published in the name of this body."),
                choices=[(b.pk, b.name) for b in self.bodies],
                coerce=int,
                widget=RadioSelect,
                error_messages={"required": _("Choose the body the challenge belongs to.")},
            )
            self.order_fields(["body"])

    @property
    def extra_fields(self) -> list:
        """Fields of later steps that the database needs from the start."""
        return [self[name] for name in self.field_names if name not in ProblemForm.field_names]

    @property
    def step_fields(self) -> list:
        return [self[name] for name in ProblemForm.field_names]

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.field_names}


# --- Evaluation criteria --------------------------------------------------------------------


class CriterionForm(forms.Form):
    """One criterion. An empty row is skipped; a row with anything in it needs its name,
    weight and area (the formset lets untouched rows through unvalidated)."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=120,
        error_messages={"required": gettext_lazy("Give this criterion a name.")},
    )
    description = forms.CharField(
        label=gettext_lazy("What the experts look at"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = WeightField(
        label=gettext_lazy("Weight (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    expertise_area = forms.ChoiceField(
        label=gettext_lazy("Expertise area"),
        help_text=gettext_lazy("The kind of expert who scores this criterion."),
        choices=[("", gettext_lazy("Choose an area")), *ExpertiseArea.choices],
        error_messages={"required": gettext_lazy("Choose the expertise area of this criterion.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].error_messages.update(
            {
                "required": _("Enter the weight of this criterion, for example 40."),
                "invalid": _("Enter the weight as a number, for example 40."),
                "min_value": _("Enter a weight greater than 0."),
                "max_value": _("Enter a weight of 100 or less."),
                "max_decimal_places": _("Use at most two decimals."),
            }
        )

    def has_changed(self) -> bool:
        # A row whose every box is empty is skipped, a saved one as well: that removes it.
        if self.is_bound and not any(
            str(self.data.get(self.add_prefix(name), "")).strip()
            for name in ("name", "description", "weight", "expertise_area")
        ):
            return False
        return super().has_changed()

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) not in (None, "") for name in self.fields if name != "DELETE")


class BaseCriteriaFormSet(BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # Every row may be left empty, saved ones too: emptied, a criterion is removed.
        return super()._construct_form(i, **{**kwargs, "empty_permitted": True})

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this criterion")

    def kept_forms(self) -> list[CriterionForm]:
        return [
            f
            for f in self.forms
            if hasattr(f, "cleaned_data") and not f.cleaned_data.get("DELETE") and not f.is_blank()
        ]

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.kept_forms():
            key = form.cleaned_data["name"].strip().casefold()
            if key in seen:
                form.add_error(
                    "name", _("Another criterion has this name; give each one its own name.")
                )
            seen.add(key)

    def criteria(self) -> list[dict]:
        return [
            {
                "name": f.cleaned_data["name"],
                "description": f.cleaned_data["description"],
                "weight": f.cleaned_data["weight"],
                "expertise_area": f.cleaned_data["expertise_area"],
            }
            for f in self.kept_forms()
        ]

    def running_total(self) -> Decimal:
        total = Decimal(0)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data.get("DELETE") and data.get("weight") is not None:
                total += data["weight"]
        return total

    def empty_rows(self) -> int:
        return sum(1 for f in self.forms if hasattr(f, "cleaned_data") and f.is_blank())


CriteriaFormSet = formset_factory(
    CriterionForm, formset=BaseCriteriaFormSet, extra=0, can_delete=True, max_num=40
)
CRITERIA_PREFIX = "criteria"


def plain_number(value: Decimal) -> str:
    """40.00 as "40", 33.50 as "33.5": what people type."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def criteria_values(criteria) -> list[dict]:
    """Saved criteria as the formset's ``criteria()`` gives them, to tell if anything changed."""
    return [
        {
            "name": c.name,
            "description": c.description,
            "weight": c.weight,
            "expertise_area": c.expertise_area,
        }
        for c in criteria
    ]


def criteria_initial(criteria) -> list[dict]:
    return [{**row, "weight": plain_number(row["weight"])} for row in criteria_values(criteria)]


class ErrorSummary:
    """Errors of several forms (the rows of a formset) in the shape that
    ``includes/form_errors.html`` reads: ``errors``, ``non_field_errors`` and, for each field,
    ``label``, ``errors`` and ``id_for_label``."""

    class _Field:
        def __init__(self, label, errors, id_for_label):
            self.label, self.errors, self.id_for_label = label, errors, id_for_label

    def __init__(self, formset: BaseCriteriaFormSet, row_label):
        self.formset = formset
        self.row_label = row_label

    @property
    def errors(self) -> bool:
        return bool(self.non_field_errors() or any(f.errors for f in self))

    def non_field_errors(self):
        errors = list(self.formset.non_form_errors())
        for i, form in enumerate(self.formset.forms, start=1):
            errors += [f"{self.row_label(i)}: {e}" for e in form.non_field_errors()]
        return errors

    def __iter__(self):
        for i, form in enumerate(self.formset.forms, start=1):
            for bound in form:
                if bound.errors:
                    yield self._Field(
                        f"{self.row_label(i)}, {bound.label}", bound.errors, bound.id_for_label
                    )


# --- Timeline -------------------------------------------------------------------------------

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def date_field(label, help_text="", required=False) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2027-03-15.")},
    )


def time_field(label, help_text="", required=False) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text=help_text,
        required=required,
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time on the 24-hour clock, like 18:00.")},
    )


def local_datetime(day, time, zone: ZoneInfo) -> datetime:
    """The agency's wall-clock date and time as an aware datetime (stored in UTC)."""
    return timezone.make_aware(datetime.combine(day, time), zone)


class TimelineForm(forms.Form):
    """The six dates, each as a date and a time on the agency's clock.

    Every date that is given must lie ahead and after the one before it; any may stay empty
    in a draft. An unchanged date keeps its exact stored time."""

    def __init__(self, *args, challenge: Challenge, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        self.now = now or timezone.now()
        self.zone = ZoneInfo(challenge.body.time_zone)
        for name in TIMELINE_FIELDS:
            self.fields[f"{name}_date"] = date_field(_("Date"))
            self.fields[f"{name}_time"] = time_field(_("Time"), _("For example, 18:00."))
            value = getattr(challenge, name)
            if value is not None:
                local = timezone.localtime(value, self.zone)
                self.initial[f"{name}_date"] = local.date()
                self.initial[f"{name}_time"] = local.time().replace(second=0, microsecond=0)

    def groups(self) -> list[dict]:
        """One fieldset per date: its legend, hint and the two inputs."""
        return [
            {
                "name": name,
                "legend": capfirst(Challenge._meta.get_field(name).verbose_name),
                "hint": HELP.get(name, ""),
                "fields": (self[f"{name}_date"], self[f"{name}_time"]),
                "saved": getattr(self.challenge, name),
            }
            for name in TIMELINE_FIELDS
        ]

    def clean(self):
        cleaned = super().clean()
        values = {}
        for name in TIMELINE_FIELDS:
            day, time = cleaned.get(f"{name}_date"), cleaned.get(f"{name}_time")
            if f"{name}_date" in self.errors or f"{name}_time" in self.errors:
                continue
            if day is None and time is None:
                values[name] = None
                continue
            if time is None:
                self.add_error(f"{name}_time", _("Enter the time as well, or leave both empty."))
                continue
            if day is None:
                self.add_error(f"{name}_date", _("Enter the date as well, or leave both empty."))
                continue
            stored = getattr(self.challenge, name)
            if (
                stored is not None
                and self.initial.get(f"{name}_date") == day
                and self.initial.get(f"{name}_time") == time.replace(second=0, microsecond=0)
            ):
                value = stored  # unchanged: keep the exact stored time
            else:
                value = local_datetime(day, time, self.zone)
            if value <= self.now:
                self.add_error(
                    f"{name}_date", _("This date has already passed. Choose a date ahead.")
                )
                continue
            values[name] = value
        labels = {n: capfirst(Challenge._meta.get_field(n).verbose_name) for n in TIMELINE_FIELDS}
        given = [n for n in TIMELINE_FIELDS if values.get(n) is not None]
        for earlier, later in pairwise(given):
            if values[later] <= values[earlier]:
                self.add_error(
                    f"{later}_date",
                    _("“%(later)s” must come after “%(earlier)s”.")
                    % {"later": labels[later], "earlier": labels[earlier]},
                )
        self.values = values
        return cleaned

    def changes(self) -> dict:
        return {name: self.values.get(name) for name in TIMELINE_FIELDS}

    def add_service_errors(self, exc: ValidationError) -> None:
        self.add_error(None, exc.messages)


# --- Review ---------------------------------------------------------------------------------


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        help_text=gettext_lazy("The agency's officials and platform staff read it."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": gettext_lazy("Write the comment before sending it.")},
    )


class RequestChangesForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What must change"),
        help_text=gettext_lazy(
            "Say what to change and why. The agency reads it in the review conversation; the "
            "challenge goes back to them as a draft."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={
            "required": gettext_lazy("Say what must change; the agency needs it to go on.")
        },
    )


class ApproveNowForm(forms.Form):
    """No fields: it holds a refusal to show in the error summary."""


class PublishAtForm(forms.Form):
    """When to publish, on the agency's clock."""

    def __init__(self, *args, challenge: Challenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(challenge.body.time_zone)
        self.fields["date"] = date_field(_("Date"), required=True)
        self.fields["time"] = time_field(_("Time"), _("For example, 09:00."), required=True)
        self.fields["date"].error_messages["required"] = _("Enter the date of publication.")
        self.fields["time"].error_messages["required"] = _("Enter the time of publication.")

    def publish_at(self) -> datetime:
        return local_datetime(self.cleaned_data["date"], self.cleaned_data["time"], self.zone)
