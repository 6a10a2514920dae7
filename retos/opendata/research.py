"""The research file: one row per challenge and bidder, pseudonymized, for the study of who
bids, who wins and who delivers (company size, state, first-time bidders).

Where each value comes from, and when it is public:

- the rows: the entries of the published opening acts (``OpeningAct.entries`` once
  ``opened_at`` is set), in the order the acts were published: before a challenge's act,
  nothing about its bidders leaves this module;
- ``bidder``: a pseudonym, ``pseudonym(company_id)``: HMAC-SHA256 of the company's internal id
  under a key derived from ``SECRET_KEY`` and the dataset's salt (``RESEARCH_SALT``), first 16
  hex digits. The same company has the same pseudonym in every row and every download; the
  pseudonym reveals neither the RFC nor the internal id, and cannot be recomputed without the
  secret. It changes only if ``SECRET_KEY`` or the salt does;
- ``size_class`` and ``state``: the company's size class (``Organization.sme_size``, from its
  sworn SME declaration: sector, workers and annual sales, which are never published) and its
  state, as its profile says today (not as at the time of the bid);
- ``first_time_bidder``: no proposal of the company was counted in an opening act published
  earlier;
- ``admissibility``: the admissibility decision (public after the opening act);
- ``score``, ``rank``, ``score_method``: the first round's total and rank as the decision's
  public record froze them (``Decision.record["ranking"]["proposals"]``), only while that
  decision is in force;
- ``finalist``: known once a finalist selection is in force (finalists are published when
  confirmed) or a decision is; ``winner`` and ``delivered``: known once a decision is in force.
  Unknown values are empty (null), never guessed.

The file is pseudonymized, not anonymous: the opening act publishes each bidder's name and RFC,
so a row can be re-identified by joining on the challenge. The methodology on the data
dictionary page says so and why it is acceptable.

One query for the acts, then four per chunk of acts (their proposals with the companies, the
decisions in force, the finalists in force, the accepted deliveries).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from retos.challenges.models import Challenge
from retos.contracts.models import Delivery, DeliveryStatus
from retos.decisions.models import Decision
from retos.evaluation.models import FinalistSelection
from retos.opendata.columns import CHUNK_SIZE, Column, Dataset, batches
from retos.proposals.models import OpeningAct, Proposal

#: The dataset's salt: with ``SECRET_KEY`` it makes the pseudonyms' key. A site may set its
#: own (``RETOS_RESEARCH_SALT``); changing it changes every pseudonym.
RESEARCH_SALT = "retos.opendata.research.bidder/v1"
PSEUDONYM_DIGITS = 16


def pseudonym(company_id: int) -> str:
    """The company's pseudonym in the research file: the first 16 hex digits of
    HMAC-SHA256(key, "company:<id>"), key = SHA-256(salt + SECRET_KEY) (``salted_hmac``)."""
    salt = getattr(settings, "RETOS_RESEARCH_SALT", RESEARCH_SALT)
    digest = salted_hmac(salt, f"company:{company_id}", algorithm="sha256").hexdigest()
    return digest[:PSEUDONYM_DIGITS]


@dataclass(frozen=True)
class BidderRow:
    challenge: Challenge
    proposal: Proposal | None
    first_time: bool
    decided: bool  # a decision is in force
    selection: bool  # a finalist selection is in force
    finalist: bool
    winner: bool
    delivered: bool
    method: str | None
    ranked: dict | None  # the proposal's row of the decision record's first-round ranking

    @property
    def company(self):
        return self.proposal.company if self.proposal is not None else None


def bidders(now: datetime | None = None) -> Iterator[BidderRow]:
    """One row per bidder counted in each published opening act, in the order of the acts."""
    now = now or timezone.now()
    acts = (
        OpeningAct.objects.filter(
            opened_at__isnull=False,
            challenge__in=Challenge.objects.public(now).values("pk"),
        )
        .select_related("challenge")
        .only("challenge", "entries", "opened_at")
        .order_by("opened_at", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    seen: set[int] = set()  # companies counted in an earlier act
    for batch in batches(acts, CHUNK_SIZE):
        challenge_ids = [act.challenge_id for act in batch]
        public_ids = [entry["proposal"] for act in batch for entry in act.entries]
        proposals = {
            str(p.public_id): p
            for p in Proposal.objects.filter(
                challenge_id__in=challenge_ids, public_id__in=public_ids
            )
            .select_related("company__state")
            .only(
                "public_id",
                "challenge_id",
                "admissibility",
                "company__id",
                "company__kind",
                "company__sector",
                "company__workers",
                "company__annual_sales",
                "company__state__name",
            )
        }
        decisions = {
            row["challenge_id"]: row
            for row in Decision.objects.in_force()
            .filter(challenge_id__in=challenge_ids, published_at__lte=now)
            .values(
                "challenge_id",
                "winner_id",
                "record__ranking__proposals__rows",
                "record__settings__method",
            )
        }
        # The finalist selections in force, each with its finalists (none: an empty set).
        finalists: dict[int, set[int]] = defaultdict(set)
        for challenge_id, proposal_id in FinalistSelection.objects.filter(
            challenge_id__in=challenge_ids, voided_at__isnull=True
        ).values_list("challenge_id", "finalists__proposal_id"):
            finalists[challenge_id].update([proposal_id] if proposal_id is not None else [])
        delivered = set(
            Delivery.objects.filter(
                challenge_id__in=challenge_ids, status=DeliveryStatus.ACCEPTED
            ).values_list("challenge_id", flat=True)
        )
        for act in batch:
            decision = decisions.get(act.challenge_id)
            ranked = {
                row.get("proposal"): row
                for row in ((decision or {}).get("record__ranking__proposals__rows") or [])
                if isinstance(row, dict)
            }
            companies = []
            for entry in act.entries:
                proposal = proposals.get(entry["proposal"])
                company_id = proposal.company_id if proposal is not None else None
                is_winner = (
                    decision is not None
                    and proposal is not None
                    and decision["winner_id"] == proposal.pk
                )
                yield BidderRow(
                    challenge=act.challenge,
                    proposal=proposal,
                    first_time=company_id not in seen,
                    decided=decision is not None,
                    selection=act.challenge_id in finalists,
                    finalist=proposal is not None
                    and proposal.pk in finalists.get(act.challenge_id, ()),
                    winner=is_winner,
                    delivered=is_winner and act.challenge_id in delivered,
                    method=(decision or {}).get("record__settings__method"),
                    ranked=ranked.get(entry["proposal"]),
                )
                companies.append(company_id)
            seen.update(c for c in companies if c is not None)


def _known(row: BidderRow, value, *, when: bool):
    return value if when else None


def _size(row: BidderRow) -> str | None:
    size = row.company.sme_size if row.company is not None else None
    return size.value if size is not None else None


RESEARCH_COLUMNS: list[Column] = [
    Column(
        "challenge",
        "text",
        _("The identifier of the challenge (the “slug” of the challenges file)."),
        lambda r: r.challenge.slug,
    ),
    Column(
        "bidder",
        "text",
        _(
            "The bidder's pseudonym: the same for the same company in every row and every "
            "download, and neither its RFC nor any internal number (see the methodology)."
        ),
        lambda r: pseudonym(r.proposal.company_id) if r.proposal is not None else None,
    ),
    Column(
        "size_class",
        "text",
        _(
            "The company's size class (a code): micro, small, medium or large, from its sworn "
            "SME declaration as it stands today; empty if it has not declared one."
        ),
        _size,
    ),
    Column(
        "state",
        "text",
        _("The company's state, as its profile says today (empty if unknown)."),
        lambda r: r.company.state.name if r.company is not None and r.company.state else None,
    ),
    Column(
        "first_time_bidder",
        "boolean",
        _(
            "True if no earlier opening act counted a proposal of this company: its first "
            "counted proposal on Retos."
        ),
        lambda r: r.first_time,
    ),
    Column(
        "admissibility",
        "text",
        _("The admissibility decision (a code): pending, admissible or inadmissible."),
        lambda r: r.proposal.admissibility if r.proposal is not None else None,
    ),
    Column(
        "score_method",
        "text",
        _(
            "How the panel's scores were aggregated (a code): mean, trimmed_mean or zscore. "
            "Empty until the decision is published."
        ),
        lambda r: _known(r, r.method, when=r.decided),
    ),
    Column(
        "score",
        "decimal",
        _(
            "The proposal's total score in the first round, as the published decision gives "
            "it: from 0 to 100 for the mean and the trimmed mean, a relative number around 0 "
            "for z-scores. Empty until the decision is published, and for a proposal not scored."
        ),
        lambda r: _known(r, (r.ranked or {}).get("total"), when=r.decided),
    ),
    Column(
        "rank",
        "integer",
        _(
            "The proposal's rank in the first round (1 is the best), as the published decision "
            "gives it. Empty until the decision is published, and for a proposal not ranked."
        ),
        lambda r: _known(r, (r.ranked or {}).get("rank"), when=r.decided),
    ),
    Column(
        "finalist",
        "boolean",
        _(
            "Whether the proposal is a confirmed finalist. Empty until finalists are confirmed "
            "or a decision is published."
        ),
        lambda r: _known(r, r.finalist, when=r.selection or r.decided),
    ),
    Column(
        "winner",
        "boolean",
        _("Whether the proposal won. Empty until the decision is published."),
        lambda r: _known(r, r.winner, when=r.decided),
    ),
    Column(
        "delivered",
        "boolean",
        _(
            "Whether the proposal won and the agency accepted its final delivery. Empty until "
            "the decision is published."
        ),
        lambda r: _known(r, r.delivered, when=r.decided),
    ),
]


DATASET = Dataset(
    "investigacion",
    _("Bidders, for research (pseudonymized)"),
    _(
        "One row per challenge and bidder counted in a published opening act: the bidder's "
        "pseudonym, size class and state, whether it bid for the first time, and how its "
        "proposal fared — admissibility, score and rank, finalist, winner, delivered. Read the "
        "methodology below before using it."
    ),
    RESEARCH_COLUMNS,
    bidders,
)
