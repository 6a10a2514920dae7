"""Forms of the complaint pages: they parse; every rule is the service's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from retos.decisions.complaints import EVIDENCE_KINDS, MAX_EVIDENCE, MAX_GROUNDS, MAX_RESPONSE
from retos.decisions.models import ComplaintStatus, UpheldRemedy
from retos.documents.validation import accept_attribute, upload_hint
from retos.drafting.forms import RadioSelect


def evidence_field_name(slot: int) -> str:
    return f"evidence_{slot}"


def confidential_field_name(slot: int) -> str:
    return f"confidential_{slot}"


class ComplaintForm(forms.Form):
    proposal = forms.TypedChoiceField(label=_("Company that files the complaint"), coerce=str)
    grounds = forms.CharField(
        label=_("Grounds of the complaint"),
        # Longer texts reach the service, which refuses them saying by how much.
        max_length=MAX_GROUNDS * 2,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "What in the decision is wrong and why: the facts, the rule or criterion of the "
            "challenge that was not followed, and what you ask for. The grounds are published "
            "with your company's name."
        ),
    )

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = {str(p.public_id): p for p in proposals}
        if len(self.proposals) > 1:
            self.fields["proposal"].choices = [
                (key, p.company.name) for key, p in self.proposals.items()
            ]
        else:
            # One company: it is the one, and the page says so.
            del self.fields["proposal"]
        hint = _(
            "%(kinds)s Mark it confidential if it holds private information: it is "
            "then listed by name, size and SHA-256, and only the agency and your company can "
            "download it."
        )
        for slot in range(1, MAX_EVIDENCE + 1):
            file_field = forms.FileField(
                label=_("Evidence file %(number)d") % {"number": slot},
                required=False,
                allow_empty_file=True,  # the service refuses it with its own message
                widget=forms.FileInput(attrs={"accept": accept_attribute(EVIDENCE_KINDS)}),
                help_text=hint % {"kinds": upload_hint(EVIDENCE_KINDS)} if slot == 1 else "",
            )
            self.fields[evidence_field_name(slot)] = file_field
            self.fields[confidential_field_name(slot)] = forms.BooleanField(
                label=_("Evidence file %(number)d is confidential") % {"number": slot},
                required=False,
            )

    def chosen_proposal(self):
        if "proposal" in self.fields:
            return self.proposals.get(self.cleaned_data["proposal"])
        return next(iter(self.proposals.values()), None)

    def evidence(self) -> tuple[list[tuple], list[int]]:
        """The files chosen, as ``(file, confidential)``, and the slot each came from."""
        items, slots = [], []
        for slot in range(1, MAX_EVIDENCE + 1):
            upload = self.cleaned_data.get(evidence_field_name(slot))
            if upload:
                items.append((upload, self.cleaned_data.get(confidential_field_name(slot))))
                slots.append(slot)
        return items, slots

    def evidence_slots(self):
        """(file field, confidential field) pairs for the template."""
        return [
            (self[evidence_field_name(slot)], self[confidential_field_name(slot)])
            for slot in range(1, MAX_EVIDENCE + 1)
        ]


class ComplaintMoveForm(forms.Form):
    """The approver's decision on a complaint: where it goes, the response, the remedy."""

    to_status = forms.ChoiceField(label=_("What happens to the complaint"), widget=RadioSelect)
    remedy = forms.ChoiceField(
        label=_("Remedy (only when upheld)"),
        choices=UpheldRemedy.choices,
        required=False,
        widget=RadioSelect,
        help_text=_(
            "Upholding voids the decision. Returning to evaluation also voids the finalist "
            "selection; cancelling ends the challenge. The response is the published reason."
        ),
    )
    response = forms.CharField(
        label=_("Reasoned response"),
        max_length=MAX_RESPONSE * 2,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Published with the complaint, the moment you send it. It cannot be edited."),
    )

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (ComplaintStatus(m).value, ComplaintStatus(m).label)
            for m in moves
            if m != ComplaintStatus.WITHDRAWN
        ]
        if ComplaintStatus.UPHELD not in moves:
            del self.fields["remedy"]


class ComplaintWithdrawForm(forms.Form):
    response = forms.CharField(
        label=_("Why you withdraw the complaint"),
        max_length=MAX_RESPONSE * 2,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published with the complaint. A withdrawn complaint cannot be reopened."),
    )
