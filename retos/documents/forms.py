from django import forms
from django.utils.translation import gettext_lazy as _

from retos.documents.validation import DEFAULT_KINDS, accept_attribute, upload_hint


class ChallengeDocumentForm(forms.Form):
    """Parses the upload; the checks on the file itself are the service's."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_(
            "What the public will read in the list, e.g. “Technical annex”. If you leave it "
            "empty, the file name is used."
        ),
    )
    # Empty files are let through so that the service refuses them with its own message.
    file = forms.FileField(label=_("File"), allow_empty_file=True, widget=forms.FileInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_hint(DEFAULT_KINDS)
        self.fields["file"].widget.attrs["accept"] = accept_attribute(DEFAULT_KINDS)
