from django import forms
from django.utils.translation import gettext_lazy as _

from retos.clarifications.models import Section
from retos.clarifications.services import MAX_TEXT


class QuestionForm(forms.Form):
    company = forms.TypedChoiceField(label=_("Company you ask for"), coerce=int)
    section = forms.ChoiceField(
        label=_("Part of the challenge it is about"),
        choices=Section.choices,
        initial=Section.GENERAL,
    )
    text = forms.CharField(
        label=_("Your question"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Ask one thing, in plain words. The question and its answer are published to "
            "everyone at the same time; your name and your company are never shown."
        ),
    )

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.companies = {c.pk: c for c in companies}
        if len(self.companies) > 1:
            self.fields["company"].choices = [(c.pk, c.name) for c in companies]
        else:
            # One company: it is the one, and the page says so.
            del self.fields["company"]

    def chosen_company(self):
        if "company" in self.fields:
            return self.companies.get(self.cleaned_data["company"])
        return next(iter(self.companies.values()), None)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=MAX_TEXT * 2,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Published to everyone at once, the moment you send it. It cannot be edited."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is out of scope"),
        max_length=MAX_TEXT * 2,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reason is published instead of an answer. It cannot be edited."),
    )
