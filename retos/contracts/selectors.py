"""Reads of the contracts app for pages. Each runs a fixed number of queries, whatever the
number of milestones, progress posts, deliveries or catalog entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from retos.challenges.models import Challenge
from retos.challenges.selectors import challenge_for_view
from retos.challenges.stages import Stage
from retos.contracts.models import (
    Award,
    CatalogEntry,
    Delivery,
    DeliveryStatus,
    Milestone,
    MilestoneReview,
    MilestoneStatus,
    MilestoneUpdate,
    Reuse,
)
from retos.contracts.permissions import is_agency, is_approver, is_supplier_member_of
from retos.core import rules
from retos.organizations.models import Organization

CONTRACT_STAGES = (Stage.AWARDED, Stage.IMPLEMENTATION, Stage.COMPLETED)
DONE_STATUSES = (MilestoneStatus.ACCEPTED, MilestoneStatus.PAID)


def percent(part, whole) -> int:
    """``part`` of ``whole`` as a whole percentage (0–100), rounded down."""
    if not whole:
        return 0
    return max(0, min(100, int(Decimal(part or 0) * 100 // Decimal(whole))))


def _load_award(challenge: Challenge) -> Award | None:
    """The challenge's award with its contract, document and supplier (one query), cached on
    the challenge so that the rules read it without another."""
    award = (
        Award.objects.select_related("supplier", "contract", "contract__document")
        .filter(challenge=challenge)
        .first()
    )
    if award is not None:
        award.challenge = challenge
    challenge._state.fields_cache["award"] = award
    return award


# --- The challenge page's panel --------------------------------------------------------------


def contract_summary(user, challenge) -> dict | None:
    """What the challenge page shows of this app to ``user`` (None: nothing).

    Before the award, only the body's approver sees a panel (the link to record the award, and
    what still blocks it). From the award on, everyone sees the award and the progress, with
    the actions each side may take. A constant number of queries.
    """
    stage = challenge.current_stage_at(timezone.now())
    if stage == Stage.DECIDED:
        if not rules.can(user, "contract:award", challenge):
            return None
        from retos.contracts.services import award_blockers

        return {
            "award": None,
            "record_url": reverse("contracts:award", kwargs={"slug": challenge.slug}),
            "blockers": award_blockers(challenge),
        }
    if stage not in CONTRACT_STAGES:
        return None
    award = _load_award(challenge)
    if award is None:
        return None
    totals = Milestone.objects.filter(contract__award=award).aggregate(
        count=Count("id"),
        contracted=Sum("amount"),
        done=Count("id", filter=Q(status__in=DONE_STATUSES)),
        submitted=Count("id", filter=Q(status=MilestoneStatus.SUBMITTED)),
        to_pay=Count("id", filter=Q(status=MilestoneStatus.ACCEPTED)),
        paid=Sum("payment__amount"),
    )
    last_delivery = (
        Delivery.objects.filter(challenge=challenge)
        .order_by("-number")
        .only("number", "status")
        .first()
    )
    entry = None
    if stage == Stage.COMPLETED:
        entry = CatalogEntry.objects.filter(challenge=challenge).only("slug", "name").first()
    supplier = is_supplier_member_of(user, challenge)
    agency = is_agency(user, challenge)
    implementing = stage == Stage.IMPLEMENTATION
    actions = []
    contract_url = reverse("contracts:contract", kwargs={"slug": challenge.slug})
    delivery_url = reverse("contracts:delivery", kwargs={"slug": challenge.slug})
    pending_delivery = (
        last_delivery is not None and last_delivery.status == DeliveryStatus.SUBMITTED
    )
    accepted_delivery = (
        last_delivery is not None and last_delivery.status == DeliveryStatus.ACCEPTED
    )
    if supplier and implementing:
        actions.append(("progress", contract_url))
        if not pending_delivery and not accepted_delivery:
            actions.append(("deliver", delivery_url))
    if agency and implementing and totals["submitted"]:
        actions.append(("review_milestones", contract_url))
    if agency and totals["to_pay"] and stage in (Stage.IMPLEMENTATION, Stage.COMPLETED):
        actions.append(("record_payments", contract_url))
    if pending_delivery and implementing and is_approver(user, challenge):
        actions.append(("review_delivery", delivery_url))
    return {
        "award": award,
        "contract": award.contract,
        "totals": totals,
        "paid_percent": percent(totals["paid"], totals["contracted"]),
        "done_percent": percent(totals["done"], totals["count"]),
        "last_delivery": last_delivery,
        "entry": entry,
        "contract_url": contract_url,
        "delivery_url": delivery_url,
        "is_supplier": supplier,
        "is_agency": agency,
        "actions": actions,
        "submitted": totals["submitted"],
        "to_pay": totals["to_pay"],
    }


# --- The award page --------------------------------------------------------------------------


def challenge_for_award(user, slug: str) -> Challenge:
    """The challenge whose award ``user`` may record (404 if not visible)."""
    return challenge_for_view(user, slug)


def winner_of(challenge: Challenge):
    """The decision in force's winning proposal and company, or None."""
    from retos.decisions.models import Decision, Outcome

    decision = (
        Decision.objects.in_force()
        .filter(challenge=challenge, outcome=Outcome.WINNER)
        .select_related("winner__company")
        .first()
    )
    return decision.winner if decision is not None else None


# --- The contract page -----------------------------------------------------------------------


@dataclass
class MilestoneRow:
    milestone: Milestone
    updates: list[MilestoneUpdate]
    reviews: list[MilestoneReview]
    payment: object = None
    #: The supplier's last reported progress (0–100), or 100 once accepted.
    progress: int = 0
    forms: dict = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.milestone.status in DONE_STATUSES

    @property
    def history(self) -> list:
        """Progress posts and reviews, in the order they happened."""
        items = [("update", u.posted_at, u) for u in self.updates]
        items += [("review", r.reviewed_at, r) for r in self.reviews]
        return sorted(items, key=lambda item: item[1])


@dataclass
class ContractPage:
    challenge: Challenge
    award: Award
    rows: list[MilestoneRow]
    contracted: Decimal
    paid: Decimal
    done: int
    deliveries: list[Delivery]

    @property
    def paid_percent(self) -> int:
        return percent(self.paid, self.contracted)

    @property
    def done_percent(self) -> int:
        return percent(self.done, len(self.rows))

    @property
    def progress_percent(self) -> int:
        """The milestones' progress weighted by their payment amounts."""
        if not self.contracted:
            return 0
        weighted = sum(Decimal(row.progress) * row.milestone.amount for row in self.rows)
        return max(0, min(100, int(weighted // self.contracted)))

    @property
    def last_delivery(self):
        return self.deliveries[-1] if self.deliveries else None


def contract_page(user, slug: str) -> ContractPage:
    """The public contract page of a challenge: 404 if the challenge is not visible or has no
    award yet. Five queries, whatever the number of milestones and posts."""
    challenge = challenge_for_view(user, slug)
    award = _load_award(challenge)
    if award is None:
        raise Http404
    milestones = list(
        Milestone.objects.filter(contract=award.contract)
        .select_related("payment")
        .prefetch_related(
            Prefetch("updates", queryset=MilestoneUpdate.objects.order_by("posted_at", "id")),
            Prefetch("reviews", queryset=MilestoneReview.objects.order_by("reviewed_at", "id")),
        )
        .order_by("number")
    )
    rows = []
    for m in milestones:
        m.contract = award.contract
        award.contract.award = award
        updates = list(m.updates.all())
        payment = getattr(m, "payment", None) if hasattr(m, "payment") else None
        progress = updates[-1].progress if updates else 0
        if m.status in DONE_STATUSES:
            progress = 100
        rows.append(
            MilestoneRow(
                milestone=m,
                updates=updates,
                reviews=list(m.reviews.all()),
                payment=payment,
                progress=progress,
            )
        )
    deliveries = list(
        Delivery.objects.filter(challenge=challenge)
        .only("number", "status", "submitted_at", "reviewed_at", "challenge_id")
        .order_by("number")
    )
    return ContractPage(
        challenge=challenge,
        award=award,
        rows=rows,
        contracted=sum((r.milestone.amount for r in rows), Decimal(0)),
        paid=sum((r.payment.amount for r in rows if r.payment), Decimal(0)),
        done=sum(1 for r in rows if r.done),
        deliveries=deliveries,
    )


def milestone_for_action(page: ContractPage, number: int) -> MilestoneRow:
    for row in page.rows:
        if row.milestone.number == number:
            return row
    raise Http404


# --- The delivery page -----------------------------------------------------------------------


def delivery_page(user, slug: str) -> tuple[Challenge, Award, list[Delivery]]:
    """The challenge, its award and its deliveries (oldest first): 404 without an award."""
    challenge = challenge_for_view(user, slug)
    award = _load_award(challenge)
    if award is None:
        raise Http404
    deliveries = list(
        Delivery.objects.filter(challenge=challenge)
        .select_related("submitted_by", "reviewed_by")
        .order_by("number")
    )
    for d in deliveries:
        d.challenge = challenge
    return challenge, award, deliveries


# --- The catalog -----------------------------------------------------------------------------


@dataclass
class CatalogFilters:
    q: str = ""
    category: str = ""
    level: str = ""
    state: str = ""


def catalog_entries(filters: CatalogFilters):
    """The catalog, newest first, with what a row shows (one query per page; the count is
    another)."""
    qs = CatalogEntry.objects.select_related(
        "challenge", "challenge__body", "challenge__body__state", "supplier"
    ).annotate(reuse_count=Count("reuses"))
    if filters.category:
        qs = qs.filter(challenge__category=filters.category)
    if filters.level:
        qs = qs.filter(challenge__body__level=filters.level)
    if filters.state:
        qs = qs.filter(challenge__body__state_id=filters.state)
    if filters.q:
        for word in filters.q.split()[:8]:
            qs = qs.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(challenge__title__icontains=word)
                | Q(challenge__body__name__icontains=word)
                | Q(supplier__name__icontains=word)
            )
    return qs.order_by("-published_at", "-id")


@dataclass
class CatalogDetail:
    entry: CatalogEntry
    award: Award | None
    milestones: int
    contracted: Decimal | None
    paid: Decimal | None
    reuses: list[Reuse]


def catalog_detail(slug: str) -> CatalogDetail:
    """A catalog entry with its challenge, delivery, contract summary and reuses (4 queries)."""
    entry = (
        CatalogEntry.objects.select_related(
            "challenge", "challenge__body", "challenge__body__state", "supplier", "delivery"
        )
        .filter(slug=slug)
        .first()
    )
    if entry is None:
        raise Http404
    award = Award.objects.select_related("contract").filter(challenge_id=entry.challenge_id).first()
    totals = {"count": 0, "contracted": None, "paid": None}
    if award is not None:
        totals = Milestone.objects.filter(contract__award=award).aggregate(
            count=Count("id"), contracted=Sum("amount"), paid=Sum("payment__amount")
        )
    reuses = list(
        Reuse.objects.filter(entry=entry)
        .select_related("body", "body__state")
        .order_by("-reported_at")
    )
    return CatalogDetail(
        entry=entry,
        award=award,
        milestones=totals["count"],
        contracted=totals["contracted"],
        paid=totals["paid"],
        reuses=reuses,
    )


def reuse_bodies(user, entry: CatalogEntry, reused_by: set[int]) -> list[Organization]:
    """The government bodies in which ``user`` may still report reusing ``entry``."""
    from retos.contracts.permissions import reporting_bodies

    ids = [i for i in reporting_bodies(user, entry) if i not in reused_by]
    if not ids:
        return []
    return list(Organization.objects.government().filter(pk__in=ids).order_by("name"))
