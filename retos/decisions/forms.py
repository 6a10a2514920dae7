"""Forms of the demos and the decision: they parse and check the shape of the input; the rules
(deadline, finalists, required reasons) are the services', whose refusals the views show on
the right field."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retos.decisions import services
from retos.drafting.forms import date_field, local_datetime, time_field

_url = URLValidator(schemes=["http", "https"])


def url_field(label, help_text, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=services.URL_MAX,
        widget=forms.URLInput(attrs={"autocomplete": "url", "spellcheck": "false"}),
    )


class DemoForm(forms.Form):
    demo_url = url_field(
        gettext_lazy("Demo URL"),
        gettext_lazy("Where the committee can try the working demo, starting with https://."),
        required=True,
    )
    repository_url = url_field(
        gettext_lazy("Repository URL"),
        gettext_lazy("The public repository of the code, starting with https://."),
        required=True,
    )
    video_url = url_field(
        gettext_lazy("Video link"),
        gettext_lazy("A recorded walk-through, if you have one."),
        required=False,
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        help_text=gettext_lazy(
            "Anything the committee should know: test accounts, what to look at, known limits."
        ),
        required=False,
        max_length=services.NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def _clean_url(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value:
            try:
                _url(value)
            except ValidationError:
                raise ValidationError(
                    _("Enter a web address starting with https:// or http://."), code="invalid"
                ) from None
        return value

    def clean_demo_url(self):
        return self._clean_url("demo_url")

    def clean_repository_url(self):
        return self._clean_url("repository_url")

    def clean_video_url(self):
        return self._clean_url("video_url")


class SlotForm(forms.Form):
    """A demo-day slot on the agency's clock: the day, the start and end times, the place."""

    def __init__(self, *args, challenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(challenge.body.time_zone)
        self.fields["date"] = date_field(_("Date"), required=True)
        self.fields["starts"] = time_field(_("Starts"), _("For example, 10:00."), required=True)
        self.fields["ends"] = time_field(_("Ends"), _("For example, 10:45."), required=True)
        self.fields["location"] = forms.CharField(
            label=_("Place or video-call link"),
            help_text=_("Sent to the finalist only; published with the decision."),
            max_length=services.LOCATION_MAX,
        )
        self.fields["date"].error_messages["required"] = _("Enter the date of the demo.")
        self.fields["starts"].error_messages["required"] = _("Enter the time it starts.")
        self.fields["ends"].error_messages["required"] = _("Enter the time it ends.")
        self.fields["location"].error_messages["required"] = _(
            "Give the place or the video-call link of the demo."
        )

    @classmethod
    def initial_for(cls, slot, zone: ZoneInfo) -> dict:
        if slot is None:
            return {}
        start = timezone.localtime(slot.starts_at, zone)
        end = timezone.localtime(slot.ends_at, zone)
        return {
            "date": start.date(),
            "starts": start.time().replace(second=0, microsecond=0),
            "ends": end.time().replace(second=0, microsecond=0),
            "location": slot.location,
        }

    def clean(self):
        cleaned = super().clean()
        day, starts, ends = cleaned.get("date"), cleaned.get("starts"), cleaned.get("ends")
        if day and starts and ends:
            self.starts_at = local_datetime(day, starts, self.zone)
            self.ends_at = local_datetime(day, ends, self.zone)
            if self.ends_at <= self.starts_at:
                self.add_error("ends", _("The slot must end after it starts."))
        return cleaned


# The service's refusals, by code, shown on the field they are about.
SLOT_ERROR_FIELDS = {
    "slot_order": "ends",
    "slot_past": "date",
    "slot_overlap": "starts",
    "location_required": "location",
    "too_long": "location",
}
DEMO_ERROR_FIELDS = {"demo_late": None, "too_long": "notes"}


class DecisionForm(forms.Form):
    """The decision: a winner among the finalists or deserted, the justification, a reason
    for each admissible proposal not selected, and a confirmation."""

    WINNER = "winner"
    DESERTED = "deserted"

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.finalists = options["finalists"]
        self.admissible = options["admissible"]
        self.deserted_required = options["deserted_required"] or not self.finalists
        choices = [(self.DESERTED, _("Declare the challenge deserted"))]
        if not self.deserted_required:
            choices.insert(0, (self.WINNER, _("Select a winner among the finalists")))
        self.fields["outcome"] = forms.ChoiceField(
            label=_("Decision"),
            choices=choices,
            widget=forms.RadioSelect,
            initial=self.DESERTED if self.deserted_required else None,
            error_messages={"required": _("Choose a winner or declare the challenge deserted.")},
        )
        if not self.deserted_required:
            self.fields["winner"] = forms.ChoiceField(
                label=_("Winner"),
                choices=[(str(p.public_id), p.company.name) for p in self.finalists],
                widget=forms.RadioSelect,
                required=False,
            )
        self.fields["justification"] = forms.CharField(
            label=_("Justification"),
            help_text=_(
                "Why this decision: it is published with the scores, the justifications and "
                "the reasons below."
            ),
            max_length=services.JUSTIFICATION_MAX,
            widget=forms.Textarea(attrs={"rows": 8}),
            error_messages={
                "required": _("Write the justification of the decision; it will be published.")
            },
        )
        # Every admissible proposal but the winner needs its reason; the winner's box (the
        # page works without JavaScript, so every box is there) may stay empty.
        chosen = (
            self.data.get("winner")
            if self.is_bound and self.data.get("outcome") == self.WINNER
            else None
        )
        for proposal in self.admissible:
            message = _("Give the reason why the proposal of %(company)s was not selected.") % {
                "company": proposal.company.name
            }
            self.fields[self.reason_name(proposal)] = forms.CharField(
                label=_("Why the proposal of %(company)s was not selected")
                % {"company": proposal.company.name},
                help_text=_("Leave it empty only for the winner."),
                required=str(proposal.public_id) != chosen,
                max_length=services.REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": message},
            )
        self.fields["confirm"] = forms.BooleanField(
            label=_(
                "I understand that the decision, the record of the evaluation and its PDF are "
                "published at once and cannot be changed."
            ),
            error_messages={"required": _("Confirm that you want to publish the decision.")},
        )

    @staticmethod
    def reason_name(proposal) -> str:
        return f"reason_{proposal.public_id.hex}"

    def reason_fields(self):
        return [self[self.reason_name(p)] for p in self.admissible]

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        self.winner = None
        if outcome == self.WINNER:
            chosen = cleaned.get("winner")
            self.winner = next((p for p in self.finalists if str(p.public_id) == chosen), None)
            if self.winner is None:
                self.add_error("winner", _("Choose the winner among the finalists."))
        return cleaned

    def reasons(self) -> dict[int, str]:
        winner_pk = self.winner.pk if self.winner is not None else None
        return {
            p.pk: self.cleaned_data.get(self.reason_name(p), "").strip()
            for p in self.admissible
            if p.pk != winner_pk
        }
