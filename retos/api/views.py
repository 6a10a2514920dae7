"""The API's endpoints. Each parses (a serializer), fetches and authorizes (a selector: the
same 404 for what is missing and for what is sealed), calls one service, and answers.

Reads are public and anonymous unless said otherwise; writes need ``Authorization: Bearer``
with a personal token, and are checked by the same named rules as the pages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from retos.api import filters, selectors
from retos.api import serializers as s
from retos.challenges import services as challenge_services
from retos.challenges.selectors import challenge_for_view
from retos.challenges.stages import TRANSITIONS_BY_PAIR, Stage, transitions_from
from retos.clarifications import selectors as clarification_selectors
from retos.clarifications import services as clarification_services
from retos.core import rules
from retos.organizations.models import Organization
from retos.organizations.selectors import roles_by_organization
from retos.proposals import selectors as proposal_selectors
from retos.proposals import services as proposal_services
from retos.proposals.opening_selectors import proposal_for_admissibility

DEDICATED = s.DEDICATED_TRANSITIONS

# Tags, in the order the documentation shows them.
T_CHALLENGES = "challenges"
T_QUESTIONS = "questions"
T_ORGANIZATIONS = "organizations"
T_PROPOSALS = "proposals"
T_RESULTS = "results"
T_DELIVERY = "delivery"
T_ACCOUNT = "account"
T_OFFICIALS = "officials"


def forbidden(message, code: str = "permission_denied") -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(detail=message, code=code)


class FilteredList(generics.ListAPIView):
    """A public list whose query parameters are checked by ``filters_class``."""

    filters_class: type[filters.Filters] | None = None

    def filter_values(self) -> dict:
        if self.filters_class is None:
            return {}
        # A plain dict: DRF reads a missing boolean in a QueryDict as "false" (an HTML form's
        # unchecked box), and a missing filter must mean "any".
        checker = self.filters_class(data=self.request.query_params.dict())
        checker.is_valid(raise_exception=True)
        return checker.values()


# --- Challenges --------------------------------------------------------------------------------


@extend_schema(
    tags=[T_CHALLENGES],
    summary=gettext_lazy("List public challenges"),
    description=gettext_lazy(
        "Public challenges, newest first: never a draft, one in review or one scheduled for "
        "later publication."
    ),
    parameters=[filters.ChallengeFilters],
)
class ChallengeList(FilteredList):
    serializer_class = s.ChallengeSerializer
    filters_class = filters.ChallengeFilters

    def get_queryset(self):
        return selectors.challenges(selectors.ChallengeQuery(**self.filter_values()))


@extend_schema(
    tags=[T_CHALLENGES],
    summary=gettext_lazy("A public challenge"),
    description=gettext_lazy(
        "Its terms, criteria, timeline, stage and counts. The number of proposals is null "
        "until the opening act is published."
    ),
)
class ChallengeDetail(generics.RetrieveAPIView):
    serializer_class = s.ChallengeDetailSerializer

    def get_object(self):
        return selectors.challenge_detail(self.kwargs["slug"])


@extend_schema(
    tags=[T_CHALLENGES],
    summary=gettext_lazy("The amendments of a challenge"),
    description=gettext_lazy("Each amendment's reason and the old and new value of each change."),
)
class AmendmentList(generics.ListAPIView):
    serializer_class = s.AmendmentSerializer

    def get_queryset(self):
        return selectors.amendments(selectors.public_challenge(self.kwargs["slug"]))


@extend_schema(
    tags=[T_PROPOSALS],
    summary=gettext_lazy("The opening act of a challenge"),
    description=gettext_lazy(
        "The bidders, RFCs, folios, times of receipt, prices and digests, as published by the "
        "two opening officers. Not found until the act is published."
    ),
)
class OpeningActDetail(generics.RetrieveAPIView):
    serializer_class = s.OpeningActSerializer

    def get_object(self):
        return selectors.opening_act(selectors.public_challenge(self.kwargs["slug"]))


# --- Questions ---------------------------------------------------------------------------------


class QuestionList(generics.ListCreateAPIView):
    serializer_class = s.QuestionSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        return selectors.questions(
            selectors.public_challenge(self.kwargs["slug"]), self.request.user
        )

    @extend_schema(
        tags=[T_QUESTIONS],
        summary=gettext_lazy("The questions of a challenge"),
        description=gettext_lazy(
            "Answered and declined questions, with their published answers; never who asked. "
            "The body's officials also see the pending ones."
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[T_QUESTIONS],
        summary=gettext_lazy("Ask a question"),
        description=gettext_lazy(
            "For members of a registered company, while the questions window is open. The "
            "answer is published to everyone at once, without the asker's name or company."
        ),
        request=s.AskSerializer,
        responses={201: s.QuestionSerializer},
    )
    def post(self, request, slug):
        challenge = selectors.public_challenge(slug)
        data = s.AskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = None
        if data.validated_data.get("company"):
            wanted = data.validated_data["company"]
            company = next(
                (
                    c
                    for c in clarification_selectors.user_companies(request.user)
                    if c.slug == wanted
                ),
                None,
            )
            if company is None:
                raise exceptions.ValidationError(
                    {"company": [_("This is not one of your companies.")]}
                )
        try:
            question = clarification_services.question_ask(
                challenge=challenge,
                actor=request.user,
                text=data.validated_data["text"],
                section=data.validated_data["section"],
                company=company,
            )
        except PermissionDenied:
            problem = clarification_services.question_ask_problem(
                challenge=challenge, actor=request.user
            )
            if problem is None:
                raise forbidden(_("You cannot ask questions about this challenge.")) from None
            raise forbidden(problem.message, problem.code) from None
        return Response(s.QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class _Resolve(APIView):
    permission_classes = [permissions.IsAuthenticated]
    input_class: type = s.AnswerSerializer
    # The service that resolves the question, and its text argument (also the input's field).
    service = staticmethod(clarification_services.question_answer)
    field = "answer"

    def post(self, request, slug, number):
        challenge = selectors.public_challenge(slug)
        question = selectors.question_of(challenge, number)
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            question = self.service(
                question=question,
                actor=request.user,
                **{self.field: data.validated_data[self.field]},
            )
        except PermissionDenied:
            raise forbidden(
                _("Only the officials and approvers of the body answer its questions.")
            ) from None
        return Response(s.QuestionSerializer(question).data)


@extend_schema(
    tags=[T_OFFICIALS],
    summary=gettext_lazy("Answer a question"),
    description=gettext_lazy(
        "For the body's officials and approvers while the challenge is published. The answer "
        "is published to everyone at once and is final."
    ),
    request=s.AnswerSerializer,
    responses={200: s.QuestionSerializer},
)
class QuestionAnswer(_Resolve):
    input_class = s.AnswerSerializer
    service = staticmethod(clarification_services.question_answer)
    field = "answer"


@extend_schema(
    tags=[T_OFFICIALS],
    summary=gettext_lazy("Decline a question as out of scope"),
    description=gettext_lazy("With a reason, which is published like an answer."),
    request=s.DeclineSerializer,
    responses={200: s.QuestionSerializer},
)
class QuestionDecline(_Resolve):
    input_class = s.DeclineSerializer
    service = staticmethod(clarification_services.question_decline)
    field = "reason"


# --- Challenge transitions (officials, platform staff) --------------------------------------------


def _allowed_transitions(user, challenge):
    current = challenge.current_stage
    candidates = transitions_from(current)
    if challenge.stage != current and current == Stage.CLOSED:
        candidates = [TRANSITIONS_BY_PAIR[(Stage.PUBLISHED, Stage.CLOSED)], *candidates]
    return [
        t
        for t in candidates
        if t.name not in DEDICATED and rules.can(user, t.permission, challenge)
    ]


class ChallengeTransitions(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=[T_OFFICIALS],
        summary=gettext_lazy("The transitions you may make now"),
        description=gettext_lazy(
            "The stage changes of this challenge that you may make at this moment. The "
            "opening, finalists, decision, award and delivery have their own pages."
        ),
        responses={200: s.TransitionsSerializer},
    )
    def get(self, request, slug):
        challenge = challenge_for_view(request.user, slug)
        allowed = [
            {
                "name": t.name,
                "label": str(t.label),
                "target": t.target.value,
                "needs_reason": t.needs_reason,
            }
            for t in _allowed_transitions(request.user, challenge)
        ]
        return Response({"stage": challenge.current_stage.value, "allowed": allowed})

    @extend_schema(
        tags=[T_OFFICIALS],
        summary=gettext_lazy("Make a transition"),
        description=gettext_lazy(
            "Move the challenge on (send to review, approve, start evaluation, start "
            "implementation, cancel, declare deserted…) through the same service as the "
            "challenge page. A reason is required where it is published."
        ),
        request=s.TransitionInputSerializer,
        responses={200: s.ChallengeStageSerializer},
    )
    def post(self, request, slug):
        challenge = challenge_for_view(request.user, slug)
        data = s.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            challenge = challenge_services.challenge_transition(
                challenge=challenge,
                actor=request.user,
                name=data.validated_data["name"],
                reason=data.validated_data.get("reason", ""),
            )
        except PermissionDenied:
            raise forbidden(_("You are not allowed to do that at this stage.")) from None
        return Response(s.ChallengeStageSerializer(challenge).data)


# --- Organizations -----------------------------------------------------------------------------


@extend_schema(
    tags=[T_ORGANIZATIONS],
    summary=gettext_lazy("List government bodies"),
    parameters=[filters.BodyFilters],
)
class BodyList(FilteredList):
    serializer_class = s.BodySerializer
    filters_class = filters.BodyFilters

    def get_queryset(self):
        return selectors.bodies(**self.filter_values())


@extend_schema(tags=[T_ORGANIZATIONS], summary=gettext_lazy("A government body"))
class BodyDetail(generics.RetrieveAPIView):
    serializer_class = s.BodySerializer

    def get_object(self):
        return selectors.body(self.kwargs["slug"])


@extend_schema(
    tags=[T_ORGANIZATIONS],
    summary=gettext_lazy("List bidding companies"),
    description=gettext_lazy(
        "Companies that bid in a published opening act. A company is listed only from its "
        "first opened proposal on."
    ),
    parameters=[filters.CompanyFilters],
)
class CompanyList(FilteredList):
    serializer_class = s.CompanySerializer
    filters_class = filters.CompanyFilters

    def get_queryset(self):
        return selectors.companies(**self.filter_values())


@extend_schema(tags=[T_ORGANIZATIONS], summary=gettext_lazy("A bidding company"))
class CompanyDetail(generics.RetrieveAPIView):
    serializer_class = s.CompanySerializer

    def get_object(self):
        return selectors.company(self.kwargs["slug"])


# --- Proposals ---------------------------------------------------------------------------------


@extend_schema(
    tags=[T_PROPOSALS],
    summary=gettext_lazy("List opened proposals"),
    description=gettext_lazy(
        "The proposals counted in published opening acts, with what the act published and "
        "their admissibility. Before a challenge's opening act nothing about its proposals "
        "is listed, not even how many there are."
    ),
    parameters=[filters.ProposalFilters],
)
class ProposalList(FilteredList):
    serializer_class = s.ProposalSerializer
    filters_class = filters.ProposalFilters

    def get_queryset(self):
        return selectors.proposals(**self.filter_values())


@extend_schema(
    tags=[T_PROPOSALS],
    summary=gettext_lazy("An opened proposal"),
    description=gettext_lazy(
        "Not found for any proposal its opening act has not published (whether or not it exists)."
    ),
)
class ProposalDetail(generics.RetrieveAPIView):
    serializer_class = s.ProposalSerializer

    def get_object(self):
        return selectors.proposal(self.kwargs["public_id"])


@extend_schema(
    tags=[T_OFFICIALS],
    summary=gettext_lazy("Decide a proposal's admissibility"),
    description=gettext_lazy(
        "For the body's officials and approvers while the challenge is opened. Not admissible "
        "needs a reason; the company is told."
    ),
    request=s.AdmissibilityInputSerializer,
    responses={200: s.ProposalSerializer},
)
class ProposalAdmissibility(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, public_id):
        proposal = proposal_for_admissibility(request.user, public_id)
        data = s.AdmissibilityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            proposal_services.proposal_admissibility_set(
                proposal=proposal,
                actor=request.user,
                admissible=data.validated_data["admissible"],
                reason=data.validated_data.get("reason", ""),
            )
        except PermissionDenied:
            raise forbidden(
                _("Admissibility is decided by the body's officials while the challenge is opened.")
            ) from None
        return Response(s.ProposalSerializer(selectors.proposal(proposal.public_id)).data)


# --- Results -----------------------------------------------------------------------------------


@extend_schema(
    tags=[T_RESULTS],
    summary=gettext_lazy("List scores"),
    description=gettext_lazy(
        "Every expert's current score of each proposal on each criterion, with its "
        "justification, experts named: only for challenges with a decision in force. A "
        "correction by the panel chair shows what it replaced and why."
    ),
    parameters=[filters.ScoreFilters],
)
class ScoreList(FilteredList):
    serializer_class = s.ScoreSerializer
    filters_class = filters.ScoreFilters

    def get_queryset(self):
        return selectors.scores(**self.filter_values())


@extend_schema(
    tags=[T_RESULTS],
    summary=gettext_lazy("List decisions"),
    description=gettext_lazy(
        "The published decisions (fallos), with the reasons for each proposal not selected. A "
        "decision voided by an upheld complaint stays listed, marked."
    ),
    parameters=[filters.DecisionFilters],
)
class DecisionList(FilteredList):
    serializer_class = s.DecisionSerializer
    filters_class = filters.DecisionFilters

    def get_queryset(self):
        return selectors.decisions(**self.filter_values())


@extend_schema(
    tags=[T_DELIVERY], summary=gettext_lazy("List awards"), parameters=[filters.ContractFilters]
)
class AwardList(FilteredList):
    serializer_class = s.AwardSerializer
    filters_class = filters.ContractFilters

    def get_queryset(self):
        return selectors.awards(**self.filter_values())


@extend_schema(
    tags=[T_DELIVERY], summary=gettext_lazy("List contracts"), parameters=[filters.ContractFilters]
)
class ContractList(FilteredList):
    serializer_class = s.ContractSerializer
    filters_class = filters.ContractFilters

    def get_queryset(self):
        return selectors.contracts(**self.filter_values())


@extend_schema(
    tags=[T_DELIVERY],
    summary=gettext_lazy("List milestones"),
    description=gettext_lazy(
        "Each milestone with the supplier's progress updates and its payment."
    ),
    parameters=[filters.MilestoneFilters],
)
class MilestoneList(FilteredList):
    serializer_class = s.MilestoneSerializer
    filters_class = filters.MilestoneFilters

    def get_queryset(self):
        return selectors.milestones(**self.filter_values())


@extend_schema(
    tags=[T_DELIVERY],
    summary=gettext_lazy("The catalog of delivered tools"),
    parameters=[filters.CatalogFilters],
)
class CatalogList(FilteredList):
    serializer_class = s.CatalogEntrySerializer
    filters_class = filters.CatalogFilters

    def get_queryset(self):
        return selectors.catalog(**self.filter_values())


@extend_schema(tags=[T_DELIVERY], summary=gettext_lazy("A tool in the catalog"))
class CatalogDetail(generics.RetrieveAPIView):
    serializer_class = s.CatalogEntrySerializer

    def get_object(self):
        return selectors.catalog_entry(self.kwargs["slug"])


# --- The token's owner -------------------------------------------------------------------------


@extend_schema(
    tags=[T_ACCOUNT],
    summary=gettext_lazy("Who the token belongs to"),
    responses={200: s.MeSerializer},
)
class Me(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request):
        roles = roles_by_organization(request.user)
        organizations = [
            {
                "slug": org.slug,
                "name": org.name,
                "kind": org.kind,
                "roles": sorted(roles.get(org.pk, ())),
            }
            for org in Organization.objects.filter(pk__in=list(roles)).order_by("name", "pk")
        ]
        user = request.user
        return Response(
            s.MeSerializer(
                {
                    "email": user.email,
                    "full_name": user.full_name,
                    "is_expert": user.is_expert,
                    "is_platform_staff": user.is_platform_staff,
                    "organizations": organizations,
                }
            ).data
        )


class MyProposals(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.OwnProposalSerializer

    def get_queryset(self):
        return proposal_selectors.dashboard_proposals(self.request.user).select_related("challenge")

    @extend_schema(
        tags=[T_PROPOSALS],
        summary=gettext_lazy("Your companies' proposals"),
        description=gettext_lazy("Drafts included: only you and your companies' members see them."),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[T_PROPOSALS],
        summary=gettext_lazy("Start a proposal"),
        description=gettext_lazy(
            "Start your company's proposal to a challenge that takes proposals, or get the one "
            "it already has (200)."
        ),
        request=s.StartProposalSerializer,
        responses={201: s.OwnProposalSerializer, 200: s.OwnProposalSerializer},
    )
    def post(self, request):
        data = s.StartProposalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        challenge = selectors.public_challenge(data.validated_data["challenge"])
        companies = proposal_selectors.user_companies(request.user)
        wanted = data.validated_data.get("company")
        if wanted:
            company = next((c for c in companies if c.slug == wanted), None)
            if company is None:
                raise exceptions.ValidationError(
                    {"company": [_("This is not one of your companies.")]}
                )
        elif len(companies) == 1:
            company = companies[0]
        elif not companies:
            raise forbidden(
                _("Only members of a registered company write proposals. Register yours first."),
                "company_required",
            )
        else:
            raise exceptions.ValidationError(
                {"company": [_("Choose the company you write the proposal for.")]}
            )
        existed = challenge.proposals.filter(company=company).exists()
        proposal = proposal_services.proposal_start(
            challenge=challenge, company=company, actor=request.user
        )
        proposal.challenge = challenge
        return Response(
            s.OwnProposalSerializer(proposal).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


def _member_proposal(request, public_id):
    return proposal_selectors.proposal_for_member(request.user, public_id)


@extend_schema(
    tags=[T_PROPOSALS],
    summary=gettext_lazy("One of your companies' proposals"),
    description=gettext_lazy("Its status and the receipt of each submitted version."),
    responses={200: s.OwnProposalDetailSerializer},
)
class MyProposalDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, public_id):
        proposal = _member_proposal(request, public_id)
        versions = proposal_selectors.versions_of(proposal)
        return Response(
            s.OwnProposalDetailSerializer(proposal, context={"versions": versions}).data
        )


class SaveResultSerializer(s.serializers.Serializer):
    proposal = s.OwnProposalSerializer(read_only=True)
    saved = s.serializers.ListField(child=s.serializers.CharField(), read_only=True)


class MyProposalDraft(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=[T_PROPOSALS],
        summary=gettext_lazy("Read the working draft"),
        description=gettext_lazy(
            "The sections and attachments of the draft, and what still stops it from being "
            "submitted. Every read is recorded in the ledger, as on the pages."
        ),
        responses={200: s.DraftOutSerializer},
    )
    def get(self, request, public_id):
        proposal = _member_proposal(request, public_id)
        try:
            draft = proposal_services.proposal_draft_read(proposal=proposal, actor=request.user)
        except PermissionDenied:
            raise exceptions.NotFound() from None
        return Response(
            s.DraftOutSerializer(
                {
                    "proposal": proposal,
                    "sections": draft.sections,
                    "attachments": [
                        {
                            "public_id": a.public_id,
                            "name": name,
                            "content_type": a.content_type,
                            "size": a.size,
                            "sha256": a.sha256,
                        }
                        for a, name in draft.attachments
                    ],
                    "problems": [
                        str(p)
                        for p in proposal_services.proposal_problems(proposal, draft.sections)
                    ],
                }
            ).data
        )

    @extend_schema(
        tags=[T_PROPOSALS],
        summary=gettext_lazy("Save sections of the draft"),
        description=gettext_lazy(
            "Any subset of the sections: those sent are replaced, the rest kept. Allowed until "
            "the opening act; after the deadline what is saved can no longer be submitted."
        ),
        request=s.DraftSerializer,
        responses={200: SaveResultSerializer},
    )
    def patch(self, request, public_id):
        proposal = _member_proposal(request, public_id)
        unknown = (
            sorted(set(request.data) - set(s.DraftSerializer().fields))
            if isinstance(request.data, dict)
            else []
        )
        if unknown:
            raise exceptions.ValidationError(
                {name: [_("This is not a section of a proposal.")] for name in unknown}
            )
        data = s.DraftSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {
            key: [dict(row) for row in value] if key in ("work_plan", "team") else value
            for key, value in data.validated_data.items()
        }
        if not changes:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Send at least one section to save.")]}
            )
        try:
            proposal = proposal_services.proposal_save(
                proposal=proposal, actor=request.user, changes=changes
            )
        except PermissionDenied:
            raise forbidden(
                _("This proposal can no longer be changed: its challenge's proposals are opened."),
                "not_editable",
            ) from None
        return Response(SaveResultSerializer({"proposal": proposal, "saved": sorted(changes)}).data)


@extend_schema(
    tags=[T_PROPOSALS],
    summary=gettext_lazy("Submit the proposal"),
    description=gettext_lazy(
        "Submit the working draft as a new version and get its receipt: a random folio, the "
        "server's time of receipt and the SHA-256 of the content and of each attachment. "
        "Refused after the deadline (the draft is kept)."
    ),
    request=None,
    responses={201: s.ReceiptSerializer},
)
class MyProposalSubmit(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, public_id):
        proposal = _member_proposal(request, public_id)
        try:
            version = proposal_services.proposal_submit(proposal=proposal, actor=request.user)
        except PermissionDenied:
            raise forbidden(
                _("This proposal can no longer be submitted: the deadline has passed."),
                "not_editable",
            ) from None
        return Response(s.ReceiptSerializer(version).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=[T_PROPOSALS],
    summary=gettext_lazy("Withdraw the proposal"),
    description=gettext_lazy(
        "Before the deadline: it will not be opened; you may submit again before the deadline."
    ),
    request=None,
    responses={200: s.OwnProposalSerializer},
)
class MyProposalWithdraw(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, public_id):
        proposal = _member_proposal(request, public_id)
        try:
            proposal = proposal_services.proposal_withdraw(proposal=proposal, actor=request.user)
        except PermissionDenied:
            raise forbidden(
                _("This proposal can no longer be withdrawn: the deadline has passed."),
                "not_editable",
            ) from None
        return Response(s.OwnProposalSerializer(proposal).data)


# --- Anything else under /api/v1/ -----------------------------------------------------------------


@extend_schema(exclude=True)
class NotFound(APIView):
    """Every other address under /api/v1/: the same JSON 404 as any missing thing (after the
    authentication and the rate limit, like any request)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()
