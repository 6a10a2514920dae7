"""The public record of a decision (fallo): what it publishes, frozen at publication.

``build_record`` gathers, in a constant number of queries, everything the issue makes public
once the agency decides: the winner (or the deserted outcome) and its justification; every
admissible proposal's per-criterion scores and rank in the first round (the experts) and in
the demo round (the decision committee), from ``retos.evaluation.ranking.challenge_ranking``;
each panel member's scores and justifications with their name, corrections with their
reasons; the conflict-of-interest declarations; the finalists (and the justification of a
deviation from the ranking's proposal); the finalists' demos and demo-day slots; the reasons
for each proposal not selected; the method and the settings of the evaluation.

The record is plain JSON: strings, integers, booleans, null, lists and objects — decimals
are strings, times ISO 8601 in UTC — so it reads back from the database exactly as written.
``canonical_bytes`` is its canonical form (sorted keys, no spaces, UTF-8): what the published
SHA-256 covers and, byte for byte, what ``fallo/datos.json`` serves.

``record_view`` turns a stored record back into what the templates show (the decision page
and its PDF are both drawn from the frozen record, never from the live tables).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from retos.challenges.models import Challenge

FORMAT = "retos-decision/1"


# ---------------------------------------------------------------------------------------------
# Canonical form


def canonical_bytes(record: dict) -> bytes:
    """The exact bytes the decision's SHA-256 covers (and ``datos.json`` serves)."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _dec(value, places: int = 2) -> str | None:
    """A number as a string with ``places`` decimals (half up), or None."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return str(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------------------------------------
# The ranking (retos.evaluation.ranking.challenge_ranking, over retos.evaluation.aggregation)


def _str(value) -> str | None:
    return None if value is None else str(value)


def ranking_data(challenge: Challenge, *, round: str, proposal_ids: dict[int, str]) -> dict:
    """The challenge's ranking in ``round`` as record data: the method, its explanation with
    the worked example and the tie rule, and one row per ranked proposal — rank, total, the
    weighted mean of the raw scores, eligibility, the criteria flagged for disagreement, and
    per criterion the experts' scores (anonymous here; named in ``scores``), the mean, the
    method's aggregate and its contribution to the total. Numbers as shown (strings)."""
    from retos.evaluation.ranking import challenge_ranking

    ranking = challenge_ranking(challenge, round=round)
    rows = [
        {
            "proposal": proposal_ids[row.proposal],
            "rank": row.rank,
            "total": _str(row.total),
            "raw_total": _str(row.raw_total),
            "eligible": row.eligible,
            "complete": row.complete,
            "flagged_criteria": list(row.flagged_criteria),
            "tie_break": row.tie_break,
            "criteria": [
                {
                    "criterion": c.criterion,
                    "scores": [str(s.value) for s in c.scores],
                    "dropped": [str(s.value) for s in c.dropped],
                    "mean": _str(c.mean),
                    "aggregate": _str(c.aggregate),
                    "contribution": _str(c.contribution),
                    "spread": _str(c.spread),
                }
                for c in row.criteria
            ],
        }
        for row in ranking.rows
        if row.proposal in proposal_ids
    ]
    return {
        "method": ranking.method,
        "minimum_score": _str(ranking.minimum_score),
        "disagreement_threshold": _str(ranking.disagreement_threshold),
        "top_criterion": ranking.top_criterion,
        "explanation": [str(line) for line in ranking.explanation],
        "tie_rule": str(ranking.tie_rule),
        "example": [str(line) for line in ranking.example],
        "rows": rows,
    }


# ---------------------------------------------------------------------------------------------
# The record


def _evaluation_settings(challenge):
    from retos.evaluation.models import EvaluationSettings

    return EvaluationSettings.objects.filter(challenge=challenge).first() or EvaluationSettings(
        challenge=challenge
    )


def demo_deadline(challenge: Challenge, settings=None) -> datetime | None:
    """When demos close: the evaluation settings' demo deadline, else demo day itself."""
    settings = settings if settings is not None else _evaluation_settings(challenge)
    return settings.demo_deadline or challenge.demo_day_at


def build_record(
    *,
    challenge: Challenge,
    outcome: str,
    winner,
    justification: str,
    reasons: dict[int, str],
    decided_by,
    published_at: datetime,
    complaints_close_at: datetime,
) -> dict:
    """The public record of the decision being published (see the module's docstring)."""
    from retos.decisions.models import Demo, DemoSlot
    from retos.evaluation.models import (
        ConflictDeclaration,
        FinalistSelection,
        PanelMember,
        Round,
        Score,
    )
    from retos.proposals.models import Admissibility, Proposal, Status

    settings = _evaluation_settings(challenge)
    criteria = list(challenge.criteria.all())
    counted = list(
        Proposal.objects.filter(challenge=challenge, status=Status.SUBMITTED)
        .select_related("company")
        .order_by("submitted_at", "id")
    )
    pid = {p.pk: str(p.public_id) for p in counted}
    admissible = [p for p in counted if p.admissibility == Admissibility.ADMISSIBLE]
    admissible_ids = {p.pk: str(p.public_id) for p in admissible}

    selection = (
        FinalistSelection.objects.filter(challenge=challenge, voided_at__isnull=True)
        .prefetch_related("finalists")
        .first()
    )
    finalist_position = (
        {f.proposal_id: f.position for f in selection.finalists.all()} if selection else {}
    )

    members = list(PanelMember.objects.filter(challenge=challenge).accepted())
    member_key = {m.pk: str(m.public_id) for m in members}
    scores = list(
        Score.objects.submitted()
        .filter(proposal__challenge=challenge, proposal_id__in=list(admissible_ids))
        .select_related("entered_by", "correction")
        .order_by("round", "member_id", "proposal_id", "criterion_id", "id")
    )
    declarations = list(
        ConflictDeclaration.objects.filter(member__challenge=challenge, proposal_id__in=list(pid))
        .select_related("member")
        .order_by("member_id", "proposal_id", "id")
    )

    deadline = demo_deadline(challenge, settings)
    finalist_ids = list(finalist_position)
    demos_qs = Demo.objects.filter(proposal_id__in=finalist_ids).order_by("proposal_id", "number")
    if deadline is not None:
        demos_qs = demos_qs.filter(submitted_at__lte=deadline)
    latest_demo = {}
    for demo in demos_qs:
        latest_demo[demo.proposal_id] = demo  # the last before the deadline counts
    slots = {s.proposal_id: s for s in DemoSlot.objects.filter(proposal_id__in=finalist_ids)}

    ranking = {
        "proposals": ranking_data(challenge, round=Round.PROPOSALS, proposal_ids=admissible_ids)
    }
    if any(s.round == Round.DEMOS for s in scores):
        ranking["demos"] = ranking_data(challenge, round=Round.DEMOS, proposal_ids=admissible_ids)
    else:
        ranking["demos"] = None

    def company(p) -> dict:
        return {"name": p.company.name, "rfc": p.company.rfc}

    proposals = [
        {
            "proposal": admissible_ids[p.pk],
            "company": company(p),
            "finalist_position": finalist_position.get(p.pk),
            "selected": winner is not None and p.pk == winner.pk,
            "reason_not_selected": (reasons.get(p.pk) or None),
        }
        for p in admissible
    ]
    by_pk = {p.pk: p for p in counted}
    return {
        "format": FORMAT,
        "challenge": {
            "slug": challenge.slug,
            "title": challenge.title,
            "body": challenge.body.name,
            "amount": _dec(challenge.amount),
        },
        "decision": {
            "outcome": outcome,
            "winner": (
                {"proposal": pid[winner.pk], "company": company(by_pk[winner.pk])}
                if winner is not None
                else None
            ),
            "justification": justification,
            "decided_by": decided_by.display_name,
            "published_at": _iso(published_at),
            "complaints_close_at": _iso(complaints_close_at),
            "complaint_business_days": settings.complaint_business_days,
        },
        "settings": {
            "method": settings.method,
            "blind_first_round": settings.blind_first_round,
            "disagreement_threshold": _dec(settings.disagreement_threshold, 1),
            "minimum_score": _dec(settings.minimum_score),
            "demo_deadline": _iso(deadline),
            "complaint_business_days": settings.complaint_business_days,
        },
        "criteria": [
            {
                "id": c.pk,
                "name": c.name,
                "weight": _dec(c.weight),
                "expertise_area": c.expertise_area,
                "position": c.position,
            }
            for c in criteria
        ],
        "proposals": proposals,
        "ranking": ranking,
        "panel": [
            {
                "member": member_key[m.pk],
                "name": m.full_name,
                "role": m.role,
                "chair": m.is_chair,
                "areas": list(m.areas or []),
            }
            for m in members
        ],
        "scores": [
            {
                "id": s.pk,
                "member": member_key.get(s.member_id),
                "proposal": admissible_ids[s.proposal_id],
                "criterion": s.criterion_id,
                "round": s.round,
                "value": _dec(s.value, 1),
                "justification": s.justification,
                "submitted_at": _iso(s.submitted_at),
                "corrects": s.corrects_id,
                "correction_reason": s.correction_reason,
                "entered_by": s.entered_by.display_name,
                "superseded": hasattr(s, "correction"),
            }
            for s in scores
        ],
        "conflicts": [
            {
                "member": member_key.get(d.member_id),
                "name": d.member.full_name,
                "proposal": pid[d.proposal_id],
                "company": company(by_pk[d.proposal_id]),
                "has_conflict": d.has_conflict,
                "note": d.note,
                "declared_at": _iso(d.declared_at),
            }
            for d in declarations
        ],
        "finalists": (
            {
                "proposed": [pid.get(i) for i in selection.proposed if i in pid],
                "confirmed": [pid.get(i) for i in selection.confirmed if i in pid],
                "justification": selection.justification,
                "confirmed_at": _iso(selection.confirmed_at),
            }
            if selection is not None
            else None
        ),
        "demos": [
            {
                "proposal": pid[pk],
                "company": company(by_pk[pk]),
                "demo": (
                    {
                        "number": latest_demo[pk].number,
                        "demo_url": latest_demo[pk].demo_url,
                        "repository_url": latest_demo[pk].repository_url,
                        "video_url": latest_demo[pk].video_url,
                        "notes": latest_demo[pk].notes,
                        "submitted_at": _iso(latest_demo[pk].submitted_at),
                    }
                    if pk in latest_demo
                    else None
                ),
                "slot": (
                    {
                        "starts_at": _iso(slots[pk].starts_at),
                        "ends_at": _iso(slots[pk].ends_at),
                        "location": slots[pk].location,
                    }
                    if pk in slots
                    else None
                ),
            }
            for pk in sorted(finalist_ids, key=lambda i: finalist_position[i])
            if pk in pid
        ],
    }


# ---------------------------------------------------------------------------------------------
# Reading a stored record back, for the page and the PDF


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _number(value: str | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


@dataclass
class ProposalView:
    id: str
    company: str
    rfc: str
    selected: bool
    finalist_position: int | None
    reason: str | None
    rank: int | None = None
    total: Decimal | None = None
    raw: Decimal | None = None
    eligible: bool = False
    disagreement: bool = False
    values: list = field(default_factory=list)  # per criterion, in the criteria's order
    demo_rank: int | None = None
    demo_total: Decimal | None = None
    demo_values: list = field(default_factory=list)


@dataclass
class ScoreView:
    proposal: ProposalView | None
    criterion: str
    criterion_order: int
    round: str
    value: Decimal | None
    justification: str
    submitted_at: datetime | None
    superseded: bool
    correction_of: Decimal | None
    correction_reason: str
    entered_by: str


@dataclass
class MemberView:
    name: str
    role: str
    chair: bool
    areas: list
    scores: list[ScoreView] = field(default_factory=list)


def _method_label(method) -> str:
    from retos.evaluation.models import Method

    try:
        return str(Method(method).label)
    except ValueError:
        return str(method or "")


def record_view(record: dict) -> dict:
    """What the templates show of a stored record: parsed times and numbers, the proposals in
    rank order with their values aligned to the criteria, each member with their scores."""
    criteria = [{**c, "weight": _number(c.get("weight"))} for c in record.get("criteria") or []]
    names = {c["id"]: c["name"] for c in criteria}
    order = {c["id"]: i for i, c in enumerate(criteria)}
    proposals: dict[str, ProposalView] = {}
    for p in record.get("proposals") or []:
        proposals[p["proposal"]] = ProposalView(
            id=p["proposal"],
            company=p["company"]["name"],
            rfc=p["company"]["rfc"],
            selected=p["selected"],
            finalist_position=p.get("finalist_position"),
            reason=p.get("reason_not_selected"),
        )

    def fill(round_data, *, demo: bool) -> None:
        for row in (round_data or {}).get("rows") or []:
            view = proposals.get(row["proposal"])
            if view is None:
                continue
            values = {v["criterion"]: v.get("aggregate") for v in row.get("criteria") or []}
            aligned = [_number(values.get(c["id"])) for c in criteria]
            if demo:
                view.demo_rank = row.get("rank")
                view.demo_total = _number(row.get("total"))
                view.demo_values = aligned
            else:
                view.rank = row.get("rank")
                view.total = _number(row.get("total"))
                view.raw = _number(row.get("raw_total"))
                view.eligible = bool(row.get("eligible"))
                view.disagreement = bool(row.get("flagged_criteria"))
                view.values = aligned

    ranking = record.get("ranking") or {}
    fill(ranking.get("proposals"), demo=False)
    fill(ranking.get("demos"), demo=True)
    ranked = sorted(
        proposals.values(),
        key=lambda v: (v.rank is None, v.rank or 0, v.company.casefold()),
    )
    demo_ranked = sorted(
        (v for v in proposals.values() if v.demo_rank is not None), key=lambda v: v.demo_rank
    )

    values_by_id = {s["id"]: s for s in record.get("scores") or []}
    members: dict[str, MemberView] = {}
    for m in record.get("panel") or []:
        members[m["member"]] = MemberView(
            name=m["name"], role=m["role"], chair=m["chair"], areas=m.get("areas") or []
        )
    for s in record.get("scores") or []:
        member = members.get(s.get("member"))
        if member is None:
            continue
        corrected = values_by_id.get(s.get("corrects")) if s.get("corrects") else None
        member.scores.append(
            ScoreView(
                proposal=proposals.get(s["proposal"]),
                criterion=names.get(s["criterion"], ""),
                criterion_order=order.get(s["criterion"], len(order)),
                round=s["round"],
                value=_number(s.get("value")),
                justification=s.get("justification", ""),
                submitted_at=_when(s.get("submitted_at")),
                superseded=s.get("superseded", False),
                correction_of=_number(corrected.get("value")) if corrected else None,
                correction_reason=s.get("correction_reason", ""),
                entered_by=s.get("entered_by", ""),
            )
        )
    for member in members.values():
        member.scores.sort(
            key=lambda s: (
                s.round != "proposals",
                s.proposal.rank if s.proposal and s.proposal.rank else 0,
                s.proposal.company.casefold() if s.proposal else "",
                s.criterion_order,
            )
        )

    decision = dict(record.get("decision") or {})
    decision["published_at"] = _when(decision.get("published_at"))
    decision["complaints_close_at"] = _when(decision.get("complaints_close_at"))
    settings = dict(record.get("settings") or {})
    settings["demo_deadline"] = _when(settings.get("demo_deadline"))
    settings["disagreement_threshold"] = _number(settings.get("disagreement_threshold"))
    settings["minimum_score"] = _number(settings.get("minimum_score"))
    settings["method_label"] = _method_label(settings.get("method"))
    finalists = dict(record.get("finalists") or {})
    if finalists:
        finalists["confirmed_at"] = _when(finalists.get("confirmed_at"))
        finalists["deviates"] = finalists.get("proposed") != finalists.get("confirmed")
        finalists["companies"] = [
            proposals[p].company for p in finalists.get("confirmed") or [] if p in proposals
        ]
    demos = []
    for d in record.get("demos") or []:
        demo = dict(d.get("demo") or {}) or None
        if demo:
            demo["submitted_at"] = _when(demo.get("submitted_at"))
        slot = dict(d.get("slot") or {}) or None
        if slot:
            slot["starts_at"] = _when(slot.get("starts_at"))
            slot["ends_at"] = _when(slot.get("ends_at"))
        demos.append({"company": d["company"]["name"], "demo": demo, "slot": slot})
    conflicts = [
        {**c, "company": c["company"]["name"], "declared_at": _when(c.get("declared_at"))}
        for c in record.get("conflicts") or []
    ]
    return {
        "decision": decision,
        "settings": settings,
        "criteria": criteria,
        "proposals": ranked,
        "demo_ranking": demo_ranked,
        "has_demo_round": bool(ranking.get("demos")),
        "explanation": list((ranking.get("proposals") or {}).get("explanation") or []),
        "example": list((ranking.get("proposals") or {}).get("example") or []),
        "demo_explanation": list((ranking.get("demos") or {}).get("explanation") or []),
        "zscore": settings.get("method") == "zscore",
        "members": [m for m in members.values() if m.role == "expert"],
        "committee": [m for m in members.values() if m.role == "committee"],
        "conflicts": conflicts,
        "reasons": [p for p in ranked if p.reason],
        "finalists": finalists or None,
        "demos": demos,
    }
