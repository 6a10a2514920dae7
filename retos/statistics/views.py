"""The public statistics page: filters read from the query string, charts drawn on the server."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retos.core.formatting import format_mxn
from retos.organizations.models import Level
from retos.statistics import selectors
from retos.statistics.charts import Bar, Group, bar_chart, grouped_bar_chart


class FilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year of publication"), required=False, coerce=int, empty_value=None
    )
    level = forms.ChoiceField(label=gettext_lazy("Jurisdiction level"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)

    def __init__(self, data, *, years, states):
        super().__init__(data)
        self.states = {s.code: s for s in states}
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        self.fields["level"].choices = [("", _("All levels")), *Level.choices]
        self.fields["state"].choices = [("", _("All states"))] + [(s.code, s.name) for s in states]

    def filters(self) -> selectors.Filters:
        """The valid filters; an invalid value is ignored rather than refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.Filters(
            year=data.get("year") or None,
            level=data.get("level") or "",
            state=self.states.get(data.get("state") or ""),
        )


def _count(n) -> str:
    return number_format(n, force_grouping=True)


def _chart(chart_id, title, desc, pairs):
    return bar_chart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        bars=[Bar(str(label), n, _count(n)) for label, n in pairs],
    )


def statistics(request):
    now = timezone.now()
    years, states = selectors.filter_choices(now)
    form = FilterForm(request.GET or None, years=years, states=states)
    filters = form.filters() if request.GET else selectors.Filters()
    stats = selectors.public_statistics(filters, now)
    charts = {}
    if stats.total:
        charts["stage"] = _chart(
            "chart-stage",
            _("Challenges by current stage"),
            _("Number of public challenges in each stage today."),
            stats.by_stage,
        )
        charts["funnel"] = _chart(
            "chart-funnel",
            _("From publication to opening"),
            _("Public challenges, those whose deadline has passed, and those opened."),
            stats.funnel,
        )
        charts["body"] = _chart(
            "chart-body",
            _("Challenges by government body"),
            _("The ten bodies with most public challenges, and the others together."),
            stats.by_body,
        )
        charts["level"] = _chart(
            "chart-level",
            _("Challenges by jurisdiction level"),
            _("Public challenges of federal, state and municipal bodies."),
            stats.by_level,
        )
        charts["state"] = _chart(
            "chart-state",
            _("Challenges by state"),
            _("Public challenges by the state of the body; federal bodies have none."),
            stats.by_state,
        )
        charts["amounts"] = grouped_bar_chart(
            chart_id="chart-amounts",
            title=_("Amounts published and awarded, by year of publication"),
            desc=_(
                "For the challenges published each year: the sum of their contract amounts, "
                "and the sum of the amounts awarded to those already awarded, in MXN."
            ),
            series=[_("Published"), _("Awarded")],
            groups=[
                Group(
                    str(row.year),
                    [
                        Bar(_("Published"), float(row.published), format_mxn(row.published)),
                        Bar(_("Awarded"), float(row.awarded), format_mxn(row.awarded)),
                    ],
                )
                for row in stats.amounts
            ],
        )
    if stats.proposals:
        charts["proposals"] = _chart(
            "chart-proposals",
            _("Proposals per opened challenge"),
            _("Proposals counted in each published opening act."),
            [(c.title, n) for c, n in stats.proposals],
        )
        charts["sme"] = _chart(
            "chart-sme",
            _("Bidding companies by size"),
            _("Proposals counted in opening acts, by the size class of the company."),
            stats.sme,
        )
        charts["bidder_states"] = _chart(
            "chart-bidder-states",
            _("Bidding companies by state"),
            _("Proposals counted in opening acts, by the state of the company."),
            stats.bidder_states,
        )
        charts["days"] = bar_chart(
            chart_id="chart-days",
            title=_("Days from publication to opening"),
            desc=_("For each opened challenge, the days between publication and opening act."),
            bars=[Bar(c.title, d, _count(d)) for c, d in stats.days_to_opening],
        )
    if stats.proposals:
        charts["outcomes"] = _chart(
            "chart-outcomes",
            _("From proposals to reuse"),
            _(
                "Proposals counted at the opening acts, confirmed finalists, winners, tools "
                "delivered and tools another government body reports reusing."
            ),
            stats.outcomes,
        )
    if stats.days_to_award:
        charts["days_to_award"] = bar_chart(
            chart_id="chart-days-to-award",
            title=_("Days from publication to award"),
            desc=_("For each awarded challenge, the days between publication and the award date."),
            bars=[Bar(c.title, d, _count(d)) for c, d in stats.days_to_award],
        )
    return render(
        request,
        "statistics/index.html",
        {"form": form, "stats": stats, "charts": charts, "filters": filters, "now": now},
    )
