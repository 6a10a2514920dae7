from django import forms
from django.utils.translation import gettext_lazy as _

from retos.api.services import MAX_NAME


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=MAX_NAME,
        help_text=_("Where you will use it, so you recognize it later (e.g. “Data analysis”)."),
    )
