"""Forms of the evaluation pages. They parse and check shapes; the services decide."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retos.accounts.models import ExpertiseArea
from retos.evaluation.models import MemberRole, Method

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class SettingsForm(forms.Form):
    blind_first_round = forms.BooleanField(
        label=_("Blind first round: experts see the proposals without the company's identity"),
        required=False,
    )
    method = forms.ChoiceField(
        label=_("How the experts' scores are combined"),
        choices=Method.choices,
        widget=forms.RadioSelect,
    )
    disagreement_threshold = forms.DecimalField(
        label=_("Disagreement threshold (points, 0.1 to 10)"),
        help_text=_(
            "When the experts' scores of one criterion spread by at least this much, the "
            "proposal is flagged for discussion."
        ),
        min_value=Decimal("0.1"),
        max_value=Decimal(10),
        decimal_places=1,
        max_digits=3,
    )
    minimum_score = forms.DecimalField(
        label=_("Minimum score to be a finalist (0 to 100)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        max_digits=5,
    )
    demo_deadline = forms.DateTimeField(
        label=_("Demo deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
        input_formats=[LOCAL_FORMAT],
    )
    complaint_business_days = forms.IntegerField(
        label=_("Complaint window (business days after the decision)"),
        min_value=1,
        max_value=30,
    )

    def __init__(self, *args, challenge, settings_obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(challenge.body.time_zone)
        self.stored_deadline = settings_obj.demo_deadline
        self.fields["demo_deadline"].help_text = _(
            "In the agency's time zone (%(zone)s). Finalists submit their demos before it."
        ) % {"zone": challenge.body.get_time_zone_display()}
        if not self.is_bound:
            self.initial.update(
                {
                    "blind_first_round": settings_obj.blind_first_round,
                    "method": settings_obj.method,
                    "disagreement_threshold": settings_obj.disagreement_threshold,
                    "minimum_score": settings_obj.minimum_score,
                    "complaint_business_days": settings_obj.complaint_business_days,
                    "demo_deadline": timezone.localtime(
                        settings_obj.demo_deadline, self.zone
                    ).strftime(LOCAL_FORMAT)
                    if settings_obj.demo_deadline
                    else None,
                }
            )

    def clean_demo_deadline(self):
        value = self.cleaned_data.get("demo_deadline")
        if value is None:
            return None
        # The browser sends the agency's wall-clock time to the minute.
        local = value.replace(tzinfo=None).replace(tzinfo=self.zone)
        stored = self.stored_deadline
        if stored is not None and timezone.localtime(stored, self.zone).strftime(
            LOCAL_FORMAT
        ) == local.strftime(LOCAL_FORMAT):
            return stored  # unchanged: keep the exact stored time
        return local


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role on the panel"),
        choices=MemberRole.choices,
        initial=MemberRole.EXPERT,
        widget=forms.RadioSelect,
    )
    areas = forms.MultipleChoiceField(
        label=_("Expertise areas the person covers"),
        help_text=_("At least one for an expert. Each criterion needs an expert in its area."),
        choices=ExpertiseArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    chair = forms.BooleanField(label=_("Chair of the panel (an expert)"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == MemberRole.EXPERT and not cleaned.get("areas"):
            self.add_error("areas", _("Choose at least one expertise area the expert covers."))
        if cleaned.get("chair") and cleaned.get("role") != MemberRole.EXPERT:
            self.add_error("chair", _("The chair is one of the experts."))
        return cleaned


class RespondForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        help_text=_("Only if you decline; the agency reads it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


NONE, CONFLICT = "none", "conflict"


class ConflictsForm(forms.Form):
    """One choice (conflict or none) and one note per bidder, all required to be answered."""

    def __init__(self, *args, bidders, **kwargs):
        super().__init__(*args, **kwargs)
        self.bidders = list(bidders)
        for proposal in self.bidders:
            self.fields[f"choice_{proposal.pk}"] = forms.ChoiceField(
                label=_("Conflict of interest with %(company)s")
                % {"company": proposal.company.name},
                choices=[
                    (NONE, _("No conflict of interest")),
                    (CONFLICT, _("I have a conflict of interest")),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one of the two.")},
            )
            self.fields[f"note_{proposal.pk}"] = forms.CharField(
                label=_("Note about %(company)s") % {"company": proposal.company.name},
                help_text=_("Required for a conflict: say what it is."),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                required=False,
            )

    def rows(self):
        return [
            (proposal, self[f"choice_{proposal.pk}"], self[f"note_{proposal.pk}"])
            for proposal in self.bidders
        ]

    def clean(self):
        cleaned = super().clean()
        for proposal in self.bidders:
            if (
                cleaned.get(f"choice_{proposal.pk}") == CONFLICT
                and not (cleaned.get(f"note_{proposal.pk}") or "").strip()
            ):
                self.add_error(f"note_{proposal.pk}", _("Say what the conflict of interest is."))
        return cleaned

    def declarations(self) -> dict:
        return {
            proposal.pk: (
                self.cleaned_data[f"choice_{proposal.pk}"] == CONFLICT,
                self.cleaned_data.get(f"note_{proposal.pk}", ""),
            )
            for proposal in self.bidders
        }


class ScoreForm(forms.Form):
    """A value (0–10, one decimal) and a justification per criterion. Drafts may be partial;
    the service requires everything on submission."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"value_{criterion.pk}"] = forms.DecimalField(
                label=_("Score for “%(criterion)s” (0 to 10)") % {"criterion": criterion.name},
                min_value=Decimal(0),
                max_value=Decimal(10),
                decimal_places=1,
                max_digits=3,
                required=False,
                widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "10"}),
            )
            self.fields[f"justification_{criterion.pk}"] = forms.CharField(
                label=_("Justification for “%(criterion)s”") % {"criterion": criterion.name},
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=5000,
                required=False,
                strip=False,
            )

    def rows(self):
        return [
            (criterion, self[f"value_{criterion.pk}"], self[f"justification_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def entries(self) -> dict:
        return {
            criterion.pk: (
                self.cleaned_data.get(f"value_{criterion.pk}"),
                self.cleaned_data.get(f"justification_{criterion.pk}", ""),
            )
            for criterion in self.criteria
        }


class CorrectionForm(forms.Form):
    value = forms.DecimalField(
        label=_("Corrected score (0 to 10)"),
        min_value=Decimal(0),
        max_value=Decimal(10),
        decimal_places=1,
        max_digits=3,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "10"}),
    )
    justification = forms.CharField(
        label=_("Justification of the corrected score"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        help_text=_("Published with the decision, next to the original score."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
