"""Confirming the finalists: the ranking proposes the top N eligible proposals, the approver
confirms them or, with a published justification, a different set or order.

``finalists_confirm`` is the only way a challenge moves from evaluation to finalists: the
transition's guard (``ranking_permissions``) refuses unless a selection was recorded after the
latest start of the evaluation, which only this service writes, in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retos.challenges.models import Challenge
from retos.core import rules
from retos.core.errors import DomainError
from retos.evaluation.models import Finalist, FinalistSelection
from retos.evaluation.ranking import ChallengeRanking, challenge_ranking, evaluation_settings
from retos.ledger.services import event_record
from retos.proposals.models import Proposal

#: The longest justification accepted (it is published).
JUSTIFICATION_MAX = 5000
#: How many missing scores a refusal lists before summing up the rest.
MISSING_LISTED = 10


def finalists_in_force(challenge: Challenge) -> list[Proposal]:
    """The finalists of the selection in force, in the confirmed order (empty before)."""
    return list(
        Proposal.objects.filter(
            finalist_entries__selection__challenge=challenge,
            finalist_entries__selection__voided_at__isnull=True,
        )
        .select_related("company")
        .order_by("finalist_entries__position")
    )


def confirmation_problems(ranking: ChallengeRanking) -> list[str]:
    """Why the finalists cannot be confirmed yet (empty when they can), in plain words: the
    panel has not finished scoring (who and what is missing), or nothing is eligible."""
    progress = ranking.progress
    if progress.members == 0:
        return [_("No expert on the panel has accepted: invite the panel and let it score.")]
    if progress.missing:
        listed = [
            ngettext(
                "%(expert)s: %(proposal)s (%(n)d criterion without a submitted score)",
                "%(expert)s: %(proposal)s (%(n)d criteria without a submitted score)",
                m.criteria,
            )
            % {"expert": m.member.full_name, "proposal": m.proposal.company.name, "n": m.criteria}
            for m in progress.missing[:MISSING_LISTED]
        ]
        rest = len(progress.missing) - len(listed)
        text = _(
            "The evaluation is not complete: every expert must submit their scores for every "
            "admissible proposal they are not recused from. Missing: %(missing)s."
        ) % {"missing": "; ".join(listed)}
        if rest:
            text += " " + ngettext("And one more.", "And %(n)d more.", rest) % {"n": rest}
        return [text]
    if not ranking.eligible_rows:
        return [
            _(
                "No admissible proposal reaches the minimum score of %(minimum)s, so none can "
                "be a finalist. If that is the outcome, declare the challenge deserted with the "
                "reason."
            )
            % {"minimum": ranking.minimum_score}
        ]
    return []


def _latest_evaluation_start(challenge: Challenge):
    starts = [t for t in (challenge.evaluation_at, challenge.evaluation_reopened_at) if t]
    return max(starts) if starts else None


def selection_recorded(challenge: Challenge) -> bool:
    """A selection in force recorded since the latest start of the evaluation."""
    qs = FinalistSelection.objects.filter(challenge=challenge, voided_at__isnull=True)
    start = _latest_evaluation_start(challenge)
    if start is not None:
        qs = qs.filter(confirmed_at__gte=start)
    return qs.exists()


def _check_choice(confirmed: list[int], ranking: ChallengeRanking) -> list[int]:
    eligible = {r.proposal for r in ranking.eligible_rows}
    try:
        confirmed = [int(p) for p in confirmed]
    except (TypeError, ValueError):
        raise DomainError(_("Choose the finalists from the list."), code="not_eligible") from None
    if not confirmed:
        raise DomainError(_("Choose at least one finalist."), code="empty")
    if len(set(confirmed)) != len(confirmed):
        raise DomainError(_("Each proposal can be chosen once."), code="duplicate")
    if len(confirmed) > ranking.finalists_count:
        raise DomainError(
            ngettext(
                "This challenge has at most %(n)d finalist.",
                "This challenge has at most %(n)d finalists.",
                ranking.finalists_count,
            )
            % {"n": ranking.finalists_count},
            code="too_many",
        )
    if any(p not in eligible for p in confirmed):
        raise DomainError(
            _(
                "Only admissible proposals scored on every criterion and at or above the "
                "minimum score can be finalists."
            ),
            code="not_eligible",
        )
    return confirmed


@transaction.atomic
def finalists_confirm(
    *, challenge: Challenge, actor, confirmed: list[int], justification: str = ""
) -> FinalistSelection:
    """The approver confirms the finalists (proposal ids, in order) and the challenge moves to
    "finalists".

    The ranking proposes the top N (``challenge.finalists_count``) admissible proposals at or
    above the minimum score; confirming a different set or order needs a justification, which
    is published. Refused while the evaluation is incomplete (the refusal lists who has not
    submitted what) and when no proposal is eligible (then the challenge may be declared
    deserted). Records the selection with the ranking as it stood, the finalists, the
    transition, the public ledger event ``finalists.confirmed``, and tells each finalist
    company's members (with the demo deadline, when set).
    """
    from retos.challenges.services import challenge_confirm_finalists
    from retos.notifications.models import Kind
    from retos.notifications.services import Audience, notify_audiences
    from retos.organizations.models import Membership
    from retos.proposals.permissions import COMPANY_ROLES

    locked = Challenge.objects.select_for_update().select_related("body").get(pk=challenge.pk)
    rules.require(actor, "finalists:confirm", locked)
    ranking = challenge_ranking(locked)
    problems = confirmation_problems(ranking)
    if problems:
        code = "evaluation_incomplete" if not ranking.progress.complete else "nothing_eligible"
        raise DomainError(" ".join(problems), code=code)
    confirmed = _check_choice(list(confirmed), ranking)
    proposed = ranking.proposed
    justification = (justification or "").strip()
    deviation = confirmed != proposed
    if deviation and not justification:
        raise DomainError(
            _(
                "You chose finalists different from the ranking's proposal (or in another "
                "order): write the justification; it will be published."
            ),
            code="justification_required",
        )
    if len(justification) > JUSTIFICATION_MAX:
        raise DomainError(
            _("The justification has at most %(n)d characters.") % {"n": JUSTIFICATION_MAX},
            code="too_long",
        )
    now = timezone.now()
    # A selection still in force while the challenge is in evaluation is one an upheld
    # complaint sent back: the new one replaces it.
    FinalistSelection.objects.select_for_update().filter(
        challenge=locked, voided_at__isnull=True
    ).update(voided_at=now, void_reason="The evaluation was reopened; a new selection replaces it.")
    selection = FinalistSelection.objects.create(
        challenge=locked,
        proposed=proposed,
        confirmed=confirmed,
        justification=justification,
        ranking=ranking.record(),
        confirmed_by=actor,
        confirmed_at=now,
    )
    Finalist.objects.bulk_create(
        Finalist(selection=selection, proposal_id=pk, position=i)
        for i, pk in enumerate(confirmed, start=1)
    )
    challenge_confirm_finalists(challenge=locked, actor=actor)
    proposals = ranking.proposals
    event_record(
        actor=actor,
        action="finalists.confirmed",
        subject=selection,
        payload={
            "challenge": locked.pk,
            "finalists": [
                {"position": i, "proposal": pk, "company": proposals[pk].company.name}
                for i, pk in enumerate(confirmed, start=1)
            ],
            "proposed": [
                {"position": i, "proposal": pk, "company": proposals[pk].company.name}
                for i, pk in enumerate(proposed, start=1)
            ],
            "deviation": deviation,
            "justification": justification,
            "method": ranking.method,
            "minimum_score": str(ranking.minimum_score),
        },
        public=True,
        occurred_at=now,
    )
    demo_deadline = evaluation_settings(locked).demo_deadline
    members: dict[int, list[int]] = {}
    for company_id, user_id in Membership.objects.filter(
        organization_id__in=[proposals[pk].company_id for pk in confirmed],
        role__in=COMPANY_ROLES,
        user__is_active=True,
    ).values_list("organization_id", "user_id"):
        members.setdefault(company_id, []).append(user_id)
    context = {"demo_deadline": demo_deadline.isoformat()} if demo_deadline else {}
    notify_audiences(
        challenge=locked,
        audiences=[
            Audience(
                users=members.get(proposals[pk].company_id, []),
                kind=Kind.FINALIST_SELECTED,
                context={
                    **context,
                    "url_name": "proposals:detail",
                    "url_kwargs": {"public_id": str(proposals[pk].public_id)},
                },
                subject=proposals[pk],
            )
            for pk in confirmed
        ],
    )
    for name in ("stage", "finalists_at"):
        setattr(challenge, name, getattr(locked, name))
    challenge.__dict__.pop("stage_now", None)
    return selection
