"""The red flags overview: what each indicator means, how many challenges raise it, and the
challenges with their flags, filtered like the statistics page. Public, read-only."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from retos.integrity import flags, selectors
from retos.statistics.charts import Bar, bar_chart
from retos.statistics.selectors import filter_choices
from retos.statistics.views import FilterForm


class FlagFilterForm(FilterForm):
    """The statistics page's filters (year, level, state) and the indicator to list."""

    indicator = forms.ChoiceField(label=gettext_lazy("Challenges listed"), required=False)

    def __init__(self, data, *, years, states):
        super().__init__(data, years=years, states=states)
        self.fields["indicator"].choices = [
            ("", _("With any red flag")),
            *[
                (i.code, _("With the flag “%(title)s”") % {"title": i.title})
                for i in flags.INDICATORS
            ],
            (selectors.ALL, _("All, with or without a flag")),
        ]

    def chosen_indicator(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("indicator") or ""


@require_safe
def overview(request):
    now = timezone.now()
    years, states = filter_choices(now)
    form = FlagFilterForm(request.GET or None, years=years, states=states)
    if request.GET:
        filters, indicator = form.filters(), form.chosen_indicator()
    else:
        filters, indicator = selectors.Filters(), ""
    result = selectors.overview(filters, indicator, now)
    page = Paginator(result.rows, settings.RETOS_PAGE_SIZE).get_page(request.GET.get("page"))
    chart = None
    if result.total:
        chart = bar_chart(
            chart_id="chart-flags",
            title=_("Challenges with each red flag"),
            desc=_("Number of the public challenges shown that raise each indicator."),
            bars=[
                Bar(str(c.indicator.title), c.raised, number_format(c.raised, force_grouping=True))
                for c in result.counts
            ],
        )
    return render(
        request,
        "integrity/overview.html",
        {
            "form": form,
            "result": result,
            "page": page,
            "chart": chart,
            "indicator": flags.BY_CODE.get(indicator),
            "listing_all": indicator == selectors.ALL,
            "thresholds": flags.thresholds(),
            "indicators": flags.INDICATORS,
        },
    )
