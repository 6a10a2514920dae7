from django import forms
from django.utils.translation import gettext_lazy as _

from retos.challenges.models import Category
from retos.challenges.selectors import ChallengeFilters
from retos.challenges.stages import PUBLIC_STAGES
from retos.core.widgets import PlainSelect
from retos.organizations.models import Level, Organization, State


class ChallengeFilterForm(forms.Form):
    # Rendered on every list page: plain selects keep it fast (see PlainSelect).
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages")), *[(s.value, s.label) for s in PUBLIC_STAGES]],
    )
    body = forms.ChoiceField(label=_("Government body"), required=False)
    level = forms.ChoiceField(
        label=_("Jurisdiction level"),
        required=False,
        choices=[("", _("All levels")), *Level.choices],
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("stage", "body", "level", "state", "category"):
            self.fields[name].widget = PlainSelect(choices=self.fields[name].choices)
        self.fields["body"].choices = [
            ("", _("All bodies")),
            *Organization.objects.government().order_by("name").values_list("slug", "name"),
        ]
        self.fields["state"].choices = [
            ("", _("All states")),
            *State.objects.values_list("code", "name"),
        ]

    def filters(self) -> ChallengeFilters:
        if not self.is_bound or not self.is_valid():
            # An unknown value in the address is ignored rather than failing the page.
            data = {k: v for k, v in (self.cleaned_data if self.is_bound else {}).items() if v}
            return ChallengeFilters(**data)
        return ChallengeFilters(**self.cleaned_data)


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (published)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
