from django import forms
from django.utils.translation import gettext_lazy as _

from retos.notifications.models import PREFERENCE_KINDS

CHANNELS = [("email", _("By email")), ("site", _("On my notifications page"))]


class PreferencesForm(forms.Form):
    """Two checkboxes per kind: ``<kind>__email`` and ``<kind>__site``.

    Only the kinds one may turn off: receipts and other transactional kinds are not offered.
    """

    def __init__(self, *args, initial_choices: dict[str, dict[str, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in PREFERENCE_KINDS:
            for channel, label in CHANNELS:
                self.fields[f"{kind.value}__{channel}"] = forms.BooleanField(
                    label=label,
                    required=False,
                    initial=initial_choices.get(kind.value, {}).get(channel, True),
                )

    def groups(self):
        """(kind label, [bound fields]) for each kind, to render one fieldset per kind."""
        return [
            (kind.label, [self[f"{kind.value}__{channel}"] for channel, _label in CHANNELS])
            for kind in PREFERENCE_KINDS
        ]

    def choices(self) -> dict[str, dict[str, bool]]:
        return {
            kind.value: {
                channel: self.cleaned_data[f"{kind.value}__{channel}"]
                for channel, _label in CHANNELS
            }
            for kind in PREFERENCE_KINDS
        }
