"""Forms of the social witness app: they parse and check the shape of the input; the rules
(who, when, independence, limits) are the services', whose refusals the views show on the
right field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retos.witness.models import OBSERVATION_MAX_LENGTH
from retos.witness.services import NAME_MAX_LENGTH, REASON_MAX_LENGTH


class ObservationForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Observation"),
        help_text=gettext_lazy(
            "What you saw at this stage of the challenge. It is published at once with your "
            "name and the stage, and it cannot be changed or removed afterwards."
        ),
        # The service gives the message for a blank or oversized text, with the limit.
        error_messages={"required": gettext_lazy("Write the observation: it cannot be empty.")},
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    corrects = forms.TypedChoiceField(
        label=gettext_lazy("Corrects"),
        help_text=gettext_lazy(
            "If this observation corrects one of yours, choose it: both stay published, the "
            "earlier one marked as corrected."
        ),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, own=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.own = {o.number: o for o in own}
        self.fields["corrects"].choices = [("", _("It corrects none"))] + [
            (o.number, _("Observation %(number)d") % {"number": o.number}) for o in own
        ]
        if not own:
            del self.fields["corrects"]
        self.fields["text"].widget.attrs["maxlength"] = str(OBSERVATION_MAX_LENGTH)

    def corrected(self):
        number = self.cleaned_data.get("corrects")
        return self.own.get(number) if number else None


class AssignForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address of the person's account"),
        help_text=gettext_lazy("The person must already have an account on the platform."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=gettext_lazy("Name to publish"),
        help_text=gettext_lazy(
            "The witness's name is public. Leave it empty to publish the account's full name."
        ),
        required=False,
        max_length=NAME_MAX_LENGTH,
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the revocation"),
        help_text=gettext_lazy("It is published next to the witness's name."),
        error_messages={
            "required": gettext_lazy("Give the reason for the revocation: it is published.")
        },
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
