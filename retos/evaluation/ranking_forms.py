"""The approver's form on the finalists page: a position (or none) for each eligible proposal,
and the justification. The rules (eligibility, at most N, a justification when the choice
departs from the ranking's proposal) are the service's; the form reads the choice."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retos.evaluation.finalists import JUSTIFICATION_MAX


def field_name(proposal) -> str:
    return f"position_{proposal.public_id.hex[:12]}"


class FinalistsForm(forms.Form):
    justification = forms.CharField(
        label=gettext_lazy("Justification (published)"),
        help_text=gettext_lazy(
            "Required if your choice differs from the ranking's proposal, in the proposals or "
            "in their order: say why. It is published with the finalists."
        ),
        required=False,
        max_length=JUSTIFICATION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, entries=(), proposed=(), finalists_count=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        proposed = list(proposed)
        # "0": not a finalist (a value, so the field is required and shows no "optional").
        choices = [("0", _("Not a finalist"))] + [
            (str(n), _("Finalist no. %(n)d") % {"n": n}) for n in range(1, finalists_count + 1)
        ]
        fields = {}
        for entry in self.entries:
            pk = entry.proposal.pk
            fields[field_name(entry.proposal)] = forms.ChoiceField(
                label=_("%(company)s (rank %(rank)d)")
                % {"company": entry.company, "rank": entry.row.rank},
                choices=choices,
                initial=str(proposed.index(pk) + 1) if pk in proposed else "0",
            )
        # The positions first, in rank order; the justification last.
        justification = self.fields.pop("justification")
        self.fields.update(fields)
        self.fields["justification"] = justification

    def position_fields(self):
        return [self[field_name(e.proposal)] for e in self.entries]

    def clean(self):
        cleaned = super().clean()
        chosen = []
        for entry in self.entries:
            value = cleaned.get(field_name(entry.proposal))
            if value and value != "0":
                chosen.append((int(value), entry.proposal.pk))
        positions = [p for p, _pk in chosen]
        if len(set(positions)) != len(positions):
            raise forms.ValidationError(
                _("Two proposals have the same position: give each finalist its own."),
                code="duplicate",
            )
        if not chosen:
            raise forms.ValidationError(_("Choose at least one finalist."), code="empty")
        cleaned["confirmed"] = [pk for _p, pk in sorted(chosen)]
        return cleaned
