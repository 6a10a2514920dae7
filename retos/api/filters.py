"""The query parameters of each list, checked like any other input: a value that is not one of
the allowed ones is a 400 naming the parameter, never a silently empty list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from retos.challenges.models import OPEN_SOURCE_LICENCES, Category
from retos.challenges.stages import PUBLIC_STAGES
from retos.contracts.models import MilestoneStatus
from retos.evaluation.models import Round
from retos.organizations.models import Level
from retos.proposals.models import Admissibility

#: The stages the public sees (drf-spectacular names this choice set ``PublicStageEnum``).
PUBLIC_STAGE_VALUES = [s.value for s in PUBLIC_STAGES]


def _slug(help_text):
    return serializers.SlugField(required=False, max_length=120, help_text=help_text)


def _state():
    return serializers.RegexField(
        r"^[0-9]{2}$", required=False, help_text=_("INEGI two-digit code of the state, e.g. 14.")
    )


class Filters(serializers.Serializer):
    def values(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if v not in (None, "")}


class ChallengeFilters(Filters):
    q = serializers.CharField(
        required=False, max_length=200, help_text=_("Words in the title, summary, problem or body.")
    )
    stage = serializers.ChoiceField(
        choices=PUBLIC_STAGE_VALUES,
        required=False,
        help_text=_("The current stage (a published challenge past its deadline is closed)."),
    )
    body = _slug(_("The government body's slug."))
    level = serializers.ChoiceField(choices=Level.values, required=False)
    state = _state()
    category = serializers.ChoiceField(choices=Category.values, required=False)
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text=_("Year of publication.")
    )


class BodyFilters(Filters):
    level = serializers.ChoiceField(choices=Level.values, required=False)
    state = _state()


class CompanyFilters(Filters):
    challenge = _slug(_("Only the bidders of this challenge (after its opening act)."))
    state = _state()


class ProposalFilters(Filters):
    challenge = _slug(_("The challenge's slug."))
    company = _slug(_("The company's slug."))
    admissibility = serializers.ChoiceField(choices=Admissibility.values, required=False)


class ScoreFilters(Filters):
    challenge = _slug(_("The challenge's slug."))
    proposal = serializers.UUIDField(required=False, help_text=_("The proposal's public id."))
    round = serializers.ChoiceField(choices=Round.values, required=False)

    def values(self) -> dict:
        values = super().values()
        if "proposal" in values:
            values["proposal"] = str(values["proposal"])
        return values


class DecisionFilters(Filters):
    challenge = _slug(_("The challenge's slug."))
    in_force = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: only decisions in force; false: only voided ones."),
    )

    def values(self) -> dict:
        values = super().values()
        values["in_force"] = self.validated_data.get("in_force")
        return values


class ContractFilters(Filters):
    challenge = _slug(_("The challenge's slug."))
    supplier = _slug(_("The supplier company's slug."))


class MilestoneFilters(Filters):
    challenge = _slug(_("The challenge's slug."))
    status = serializers.ChoiceField(choices=MilestoneStatus.values, required=False)


class CatalogFilters(Filters):
    licence = serializers.ChoiceField(choices=sorted(OPEN_SOURCE_LICENCES), required=False)
    q = serializers.CharField(
        required=False, max_length=200, help_text=_("Words in the name or description.")
    )
