"""Pages for amendments: the officials' form and the public history with diffs."""

from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from retos.challenges import selectors
from retos.challenges.amendments import AMENDABLE_FIELDS, amendments_shown, challenge_amend
from retos.challenges.models import OPEN_SOURCE_LICENCES, TIMELINE_FIELDS, Challenge
from retos.core import rules
from retos.core.errors import DomainError

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class AmendmentForm(forms.ModelForm):
    """The terms as they stand, to edit; only what changes goes into the amendment."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for the amendment (published)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    licences = forms.MultipleChoiceField(
        label=gettext_lazy("Allowed open-source licences"),
        choices=[(k, f"{k} — {v}") for k, v in OPEN_SOURCE_LICENCES.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Challenge
        fields = [f for f in AMENDABLE_FIELDS if f != "licences"]
        widgets = {
            **{
                f: forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)
                for f in TIMELINE_FIELDS
            },
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(self.instance.body.time_zone)
        for name in TIMELINE_FIELDS:
            field = self.fields[name]
            field.input_formats = [LOCAL_FORMAT]
            field.help_text = _("In the agency's time zone (%(zone)s).") % {
                "zone": self.instance.body.get_time_zone_display()
            }
            value = getattr(self.instance, name)
            if value is not None:
                self.initial[name] = timezone.localtime(value, self.zone).strftime(LOCAL_FORMAT)
        self.initial["licences"] = list(self.instance.licences)
        self.order_fields(["reason"])

    def clean(self):
        cleaned = super().clean()
        for name in TIMELINE_FIELDS:
            value = cleaned.get(name)
            if value is None:
                continue
            # The browser sends wall-clock time to the minute; it is the agency's wall clock.
            local = value.replace(tzinfo=None).replace(tzinfo=self.zone)
            if local.strftime(LOCAL_FORMAT) == self.initial.get(name):
                local = getattr(self.instance, name)  # unchanged: keep the exact stored time
            cleaned[name] = local
        return cleaned

    def _post_clean(self):
        # The service validates and saves; the form must not touch the instance.
        pass


def _challenge_for_amendment(user, slug) -> Challenge:
    challenge = selectors.challenge_for_view(user, slug)
    if not rules.can(user, "challenge:amend", challenge):
        raise Http404
    return challenge


@login_required
@require_http_methods(["GET", "POST"])
def amend(request, slug):
    challenge = _challenge_for_amendment(request.user, slug)
    form = AmendmentForm(request.POST or None, instance=challenge)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in AMENDABLE_FIELDS if f in form.cleaned_data}
        try:
            amendment = challenge_amend(
                challenge=challenge,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                changes=changes,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Amendment %(n)d is published. Everyone sees it on the challenge page.")
                % {"n": amendment.number},
            )
            return redirect("challenges:amendments", slug=challenge.slug)
    return render(request, "challenges/amend.html", {"challenge": challenge, "form": form})


@require_safe
def amendment_list(request, slug):
    challenge = selectors.challenge_for_view(request.user, slug)
    return render(
        request,
        "challenges/amendments.html",
        {
            "challenge": challenge,
            "amendments": amendments_shown(challenge),
            "can_amend": rules.can(request.user, "challenge:amend", challenge),
        },
    )
