"""The officials' admissibility form. The rule (a reason for "not admissible") is the
service's; the form only reads the decision and the text."""

from django import forms
from django.utils.translation import gettext_lazy as _

ADMISSIBLE = "admissible"
INADMISSIBLE = "inadmissible"


class AdmissibilityForm(forms.Form):
    # Set by the button pressed: "Admissible" or "Not admissible".
    decision = forms.ChoiceField(
        choices=[(ADMISSIBLE, _("Admissible")), (INADMISSIBLE, _("Not admissible"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Required if the proposal is not admissible: the missing requirement or why the "
            "company is not eligible. The company reads it."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @property
    def admissible(self) -> bool:
        return self.cleaned_data["decision"] == ADMISSIBLE
