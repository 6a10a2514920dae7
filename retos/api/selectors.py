"""Reads of the API. The same rules as the pages, written once here for the API's lists:

- challenges: ``Challenge.objects.public()`` only (a token adds no right to read drafts);
- proposals, bidders (companies) and opening acts: only from published opening acts of public
  challenges. Before the act nothing here returns a row, a count or a 404 that differs from
  the one for a challenge with no proposal at all;
- scores: ``Score.objects.current()`` of challenges with a decision in force, and nothing
  before it, for anyone (a panel member included: the API gives no evaluator's view);
- decisions, awards, contracts, milestones, the catalog: of public challenges.

Each list is one queryset with what its rows need joined or prefetched: a constant number of
queries per page whatever the data size (see ``tests/test_api_query_budgets.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.http import Http404
from django.utils import timezone

from retos.api.models import ApiToken
from retos.challenges.models import Amendment, Challenge, Criterion
from retos.challenges.selectors import ChallengeFilters, challenge_list
from retos.clarifications.models import Question, QuestionStatus
from retos.contracts.models import CatalogEntry, Contract, Milestone, MilestoneUpdate, Reuse
from retos.core import rules
from retos.decisions.models import Decision, DecisionReason
from retos.evaluation.models import Score
from retos.organizations.models import Organization
from retos.proposals.models import OpeningAct, Proposal, Status

# --- Tokens ------------------------------------------------------------------------------------


def token_for_secret(secret: str) -> ApiToken | None:
    """The active token whose secret is ``secret``, with its (active) owner; one query."""
    from retos.api.services import TOKEN_PREFIX, secret_digest

    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return (
        ApiToken.objects.active()
        .select_related("user")
        .filter(secret_sha256=secret_digest(secret), user__is_active=True)
        .first()
    )


def tokens_of(user) -> list[ApiToken]:
    """The person's tokens, active first, newest first (one query)."""
    tokens = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))
    return sorted(tokens, key=lambda t: t.revoked_at is not None)


def token_for_owner(user, pk) -> ApiToken:
    """One of ``user``'s tokens; the same 404 for anyone else's and for a missing one."""
    try:
        return ApiToken.objects.get(pk=int(pk), user=user)
    except (ApiToken.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


# --- Challenges ----------------------------------------------------------------------------------


def _public_ids(now):
    return Challenge.objects.public(now).values("pk")


@dataclass
class ChallengeQuery:
    q: str = ""
    stage: str = ""
    body: str = ""
    level: str = ""
    state: str = ""
    category: str = ""
    year: int | None = None


def challenges(query: ChallengeQuery, now=None):
    """Public challenges matching ``query`` (the filters of the list page, and the year of
    publication), newest first. One query per page (and one for the count)."""
    now = now or timezone.now()
    qs = challenge_list(
        ChallengeFilters(
            q=query.q,
            stage=query.stage,
            body=query.body,
            level=query.level,
            state=query.state,
            category=query.category,
        ),
        now,
    )
    if query.year:
        qs = qs.filter(published_at__year=query.year)
    return qs.order_by("-published_at", "-id")


def _count(model, field: str, **filters):
    rows = (
        model.objects.filter(**{field: OuterRef("pk")}, **filters)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(rows, output_field=IntegerField())


def challenge_detail(slug: str, now=None) -> Challenge:
    """A public challenge with its criteria and counts (two queries); 404 otherwise.

    ``proposals_count`` is the opening act's count, and ``None`` before the act is published:
    before it not even the number of proposals is public.
    """
    now = now or timezone.now()
    act_count = OpeningAct.objects.filter(challenge=OuterRef("pk"), opened_at__isnull=False).values(
        "proposals_count"
    )[:1]
    challenge = (
        Challenge.objects.public(now)
        .with_timeline(now)
        .select_related("body", "body__state")
        .annotate(
            amendments_count=_count(Amendment, "challenge"),
            answered_count=_count(Question, "challenge", status=QuestionStatus.ANSWERED),
            declined_count=_count(Question, "challenge", status=QuestionStatus.DECLINED),
            pending_count=_count(Question, "challenge", status=QuestionStatus.PENDING),
            proposals_count=Subquery(act_count, output_field=IntegerField()),
        )
        .prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id"))
        )
        .filter(slug=slug)
        .first()
    )
    if challenge is None:
        raise Http404
    return challenge


def public_challenge(slug: str, now=None) -> Challenge:
    """A public challenge, for the lists nested under it; 404 otherwise (one query)."""
    challenge = (
        Challenge.objects.public(now or timezone.now())
        .select_related("body")
        .filter(slug=slug)
        .first()
    )
    if challenge is None:
        raise Http404
    return challenge


def questions(challenge: Challenge, user):
    """The questions of ``challenge``: answered and declined ones for everyone; the pending
    ones too (their text) for those who manage the questions, as on their page. Never who
    asked."""
    qs = Question.objects.filter(challenge=challenge).order_by("number")
    if not rules.can(user, "question:manage", challenge):
        qs = qs.exclude(status=QuestionStatus.PENDING)
    return qs


MAX_NUMBER = 2**31 - 1


def question_of(challenge: Challenge, number) -> Question:
    """Question ``number`` of ``challenge``; 404 otherwise. Its existence is public (the
    number of pending questions is on the challenge page), its text until answered is not:
    the caller decides what to show."""
    try:
        number = int(number)
        if not 1 <= number <= MAX_NUMBER:
            raise ValueError(number)
        question = Question.objects.get(challenge=challenge, number=number)
    except (Question.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    question.challenge = challenge
    return question


def amendments(challenge: Challenge):
    return Amendment.objects.filter(challenge=challenge).order_by("number")


def opening_act(challenge: Challenge) -> OpeningAct:
    """The published opening act; 404 before it is published, for everyone."""
    act = (
        OpeningAct.objects.select_related("first_officer", "second_officer")
        .filter(challenge=challenge, opened_at__isnull=False)
        .first()
    )
    if act is None or challenge.opened_at is None:
        raise Http404
    act.challenge = challenge
    return act


# --- Organizations -------------------------------------------------------------------------------


def bodies(*, level: str = "", state: str = "", now=None):
    """Government bodies, with their number of public challenges."""
    now = now or timezone.now()
    public = Q(challenges__in=_public_ids(now))
    qs = (
        Organization.objects.government()
        .select_related("state")
        .annotate(public_challenges=Count("challenges", filter=public, distinct=True))
        .order_by("name", "pk")
    )
    if level:
        qs = qs.filter(level=level)
    if state:
        qs = qs.filter(state_id=state)
    return qs


def body(slug: str) -> Organization:
    found = bodies().filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


def _counted_proposals(now):
    """Proposals counted by a published opening act of a public challenge (one condition,
    one join: a proposal to an unopened challenge never matches)."""
    return Proposal.objects.filter(
        status=Status.SUBMITTED,
        challenge__opened_at__isnull=False,
        challenge__opening_act__opened_at__isnull=False,
        challenge__in=_public_ids(now),
    )


def companies(*, challenge: str = "", state: str = "", now=None):
    """The companies that bid in a published opening act: bidders are public from the act on.
    A company that has only drafts, withdrawn proposals or proposals not yet opened is not
    listed (that would reveal a proposal)."""
    now = now or timezone.now()
    bids = _counted_proposals(now).filter(company=OuterRef("pk"))
    if challenge:
        bids = bids.filter(challenge__slug=challenge)
    qs = (
        Organization.objects.companies()
        .filter(Exists(bids))
        .select_related("state")
        .order_by("name", "pk")
    )
    if state:
        qs = qs.filter(state_id=state)
    return qs


def company(slug: str) -> Organization:
    found = companies().filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


# --- Proposals ------------------------------------------------------------------------------------


def proposals(*, challenge: str = "", company: str = "", admissibility: str = "", now=None):
    """The proposals counted by published opening acts, with what the act published of each
    (read from the act's entries by the serializer) and the admissibility decision."""
    qs = (
        _counted_proposals(now or timezone.now())
        .select_related("challenge", "challenge__opening_act", "company")
        .order_by("challenge__opening_act__opened_at", "challenge_id", "submitted_at", "pk")
    )
    if challenge:
        qs = qs.filter(challenge__slug=challenge)
    if company:
        qs = qs.filter(company__slug=company)
    if admissibility:
        qs = qs.filter(admissibility=admissibility)
    return qs


def proposal(public_id) -> Proposal:
    """A proposal counted by a published opening act; the same 404 for any other, whether it
    exists (sealed, a draft, withdrawn) or not."""
    found = proposals().filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


# --- After the decision ---------------------------------------------------------------------------


def _decision_in_force(field: str):
    return Exists(Decision.objects.in_force().filter(challenge=OuterRef(field)))


def scores(*, challenge: str = "", proposal: str = "", round: str = "", now=None):
    """The scores that count (``Score.objects.current()``) of public challenges with a
    decision in force, experts named, with the correction each one made, if any. Nothing
    before the decision; nothing while a voided decision waits for the next."""
    now = now or timezone.now()
    qs = (
        Score.objects.current()
        .filter(proposal__challenge__in=_public_ids(now))
        .filter(_decision_in_force("proposal__challenge"))
        .select_related(
            "member",
            "criterion",
            "proposal",
            "proposal__challenge",
            "proposal__company",
            "corrects",
        )
        .order_by("proposal__challenge_id", "proposal_id", "round", "criterion__position", "pk")
    )
    if challenge:
        qs = qs.filter(proposal__challenge__slug=challenge)
    if proposal:
        qs = qs.filter(proposal__public_id=proposal)
    if round:
        qs = qs.filter(round=round)
    return qs


def decisions(*, challenge: str = "", in_force: bool | None = None, now=None):
    """Published decisions of public challenges (voided ones too, marked), with the reasons
    for each proposal not selected."""
    now = now or timezone.now()
    qs = (
        Decision.objects.filter(challenge__in=_public_ids(now))
        .select_related("challenge", "winner", "winner__company")
        .prefetch_related(
            Prefetch(
                "reasons",
                queryset=DecisionReason.objects.select_related(
                    "proposal", "proposal__company"
                ).order_by("id"),
            )
        )
        .order_by("-published_at", "-pk")
    )
    if challenge:
        qs = qs.filter(challenge__slug=challenge)
    if in_force is True:
        qs = qs.filter(voided_at__isnull=True)
    elif in_force is False:
        qs = qs.filter(voided_at__isnull=False)
    return qs


def contracts(*, challenge: str = "", supplier: str = "", now=None):
    """Awards with their contracts and milestones, of public challenges."""
    now = now or timezone.now()
    qs = (
        Contract.objects.filter(award__challenge__in=_public_ids(now))
        .select_related(
            "award", "award__challenge", "award__supplier", "award__proposal", "document"
        )
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("number")))
        .order_by("-award__awarded_on", "-pk")
    )
    if challenge:
        qs = qs.filter(award__challenge__slug=challenge)
    if supplier:
        qs = qs.filter(award__supplier__slug=supplier)
    return qs


def awards(*, challenge: str = "", supplier: str = "", now=None):
    from retos.contracts.models import Award

    now = now or timezone.now()
    qs = (
        Award.objects.filter(challenge__in=_public_ids(now))
        .select_related("challenge", "supplier", "proposal", "contract")
        .order_by("-awarded_on", "-pk")
    )
    if challenge:
        qs = qs.filter(challenge__slug=challenge)
    if supplier:
        qs = qs.filter(supplier__slug=supplier)
    return qs


def milestones(*, challenge: str = "", status: str = "", now=None):
    """Milestones of public challenges' contracts, with their progress updates and payment."""
    now = now or timezone.now()
    qs = (
        Milestone.objects.filter(contract__award__challenge__in=_public_ids(now))
        .select_related("contract", "contract__award", "contract__award__challenge", "payment")
        .prefetch_related(
            Prefetch("updates", queryset=MilestoneUpdate.objects.order_by("posted_at", "id"))
        )
        .order_by("contract__award__challenge_id", "contract_id", "number")
    )
    if challenge:
        qs = qs.filter(contract__award__challenge__slug=challenge)
    if status:
        qs = qs.filter(status=status)
    return qs


def catalog(*, licence: str = "", q: str = "", now=None):
    now = now or timezone.now()
    qs = (
        CatalogEntry.objects.filter(challenge__in=_public_ids(now))
        .select_related("challenge", "supplier", "delivery")
        .prefetch_related(
            Prefetch(
                "reuses", queryset=Reuse.objects.select_related("body").order_by("reported_at")
            )
        )
        .order_by("-published_at", "-pk")
    )
    if licence:
        qs = qs.filter(licence=licence)
    for word in q.split()[:8]:
        qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    return qs


def catalog_entry(slug: str) -> CatalogEntry:
    found = catalog().filter(slug=slug).first()
    if found is None:
        raise Http404
    return found
