"""The open-data files: one list of columns per file, used both to write the files (CSV and
JSON) and to explain them on the data dictionary page, so the two cannot disagree.

What the files may contain is decided here and only here:

- challenges: the public ones (``ChallengeQuerySet.public``), never a draft or one in review;
  the number of proposals only once the opening act is published (empty before);
- proposals: only the entries of published opening acts (``OpeningAct.entries`` once
  ``opened_at`` is set), plus the admissibility decision of each, which is public after the
  opening. Before the opening act nothing about a proposal, not even how many there are, may
  leave this module.

The files of what follows (scores and conflict declarations once a decision is in force;
awards, contracts, milestones, payments) are in ``outcomes``; the pseudonymized bidders for
research in ``research``. ``DATASETS`` gathers them all, in the order the page lists them.

Each file is read with a constant number of queries, in chunks (``iterator(chunk_size=…)``),
and streamed.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retos.challenges.models import Amendment, Challenge
from retos.clarifications.models import Question
from retos.opendata import outcomes, research
from retos.opendata.columns import (
    CHUNK_SIZE,
    NUMERIC_TYPES,
    Column,
    Dataset,
    batches,
    decimal,
    utc,
    utc_text,
)
from retos.proposals.models import OpeningAct, Proposal

#: CSV cells starting with one of these are prefixed with an apostrophe, so a spreadsheet
#: shows them as text instead of running them as a formula (CSV/formula injection). A number
#: in a numeric column (a negative z-score total) is left alone: it is a number, not a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")

# ---------------------------------------------------------------------------------------------
# Challenges


def _count(model, related: str):
    rows = (
        model.objects.filter(**{related: OuterRef("pk")})
        .order_by()
        .values(related)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def challenges(now: datetime | None = None) -> Iterator[Challenge]:
    """The public challenges with everything their row needs, in one query."""
    now = now or timezone.now()
    opened_count = OpeningAct.objects.filter(
        challenge=OuterRef("pk"), opened_at__isnull=False
    ).values("proposals_count")[:1]
    return (
        Challenge.objects.public(now)
        .with_timeline(now)
        .select_related("body", "body__state")
        .annotate(
            amendments_count=_count(Amendment, "challenge"),
            questions_count=_count(Question, "challenge"),
            opened_proposals_count=Subquery(opened_count, output_field=IntegerField()),
        )
        .order_by("published_at", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


CHALLENGE_COLUMNS: list[Column] = [
    Column("slug", "text", _("The challenge's identifier, as in its address."), lambda c: c.slug),
    Column("title", "text", _("The challenge's title."), lambda c: c.title),
    Column(
        "body",
        "text",
        _("The government body that published the challenge."),
        lambda c: c.body.name,
    ),
    Column(
        "level",
        "text",
        _("The level of government of the body (federal, state or municipal)."),
        lambda c: c.body.level,
    ),
    Column(
        "state",
        "text",
        _("The state of the body (empty for a federal body)."),
        lambda c: c.body.state.name if c.body.state else None,
    ),
    Column("category", "text", _("The category of the challenge (a code)."), lambda c: c.category),
    Column(
        "amount",
        "decimal",
        _("The fixed contract amount, in Mexican pesos."),
        lambda c: decimal(c.amount),
    ),
    Column("currency", "text", _("The currency of the amount: always MXN."), lambda c: "MXN"),
    Column(
        "stage",
        "text",
        _(
            "The current stage (a code): a published challenge past its deadline is “closed” "
            "even before anyone records it."
        ),
        lambda c: str(c.current_stage.value),
    ),
    Column(
        "published_at",
        "datetime",
        _("When the challenge was published."),
        lambda c: utc(c.published_at),
    ),
    Column(
        "questions_close_at",
        "datetime",
        _("When the questions window closes."),
        lambda c: utc(c.questions_close_at),
    ),
    Column(
        "submissions_close_at",
        "datetime",
        _("The deadline for proposals."),
        lambda c: utc(c.submissions_close_at),
    ),
    Column(
        "opened_at",
        "datetime",
        _("When the opening act was published (empty before)."),
        lambda c: utc(c.opened_at),
    ),
    Column(
        "amendments",
        "integer",
        _("The number of published amendments to the terms."),
        lambda c: c.amendments_count,
    ),
    Column(
        "questions",
        "integer",
        _("The number of questions asked about the challenge."),
        lambda c: c.questions_count,
    ),
    Column(
        "licences",
        "list",
        _("The open-source licences a proposal may use (SPDX identifiers)."),
        lambda c: list(c.licences),
    ),
    Column(
        "max_company_size",
        "text",
        _("The largest company size that may take part (micro, small or medium)."),
        lambda c: c.max_company_size,
    ),
    Column(
        "proposals",
        "integer",
        _(
            "The number of proposals counted in the opening act. Empty until the act is "
            "published: before it, not even the number of proposals is public."
        ),
        lambda c: c.opened_proposals_count,
    ),
]


# ---------------------------------------------------------------------------------------------
# Proposals


@dataclass(frozen=True)
class ProposalRow:
    challenge: Challenge
    act: OpeningAct
    entry: dict
    admissibility: str | None


def proposals(now: datetime | None = None) -> Iterator[ProposalRow]:
    """The entries of the published opening acts, in the order of the acts, each with its
    admissibility. One query for the acts and one per chunk of acts for the decisions."""
    now = now or timezone.now()
    acts = (
        OpeningAct.objects.filter(
            opened_at__isnull=False,
            challenge__in=Challenge.objects.public(now).values("pk"),
        )
        .select_related("challenge")
        .order_by("opened_at", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for batch in batches(acts, CHUNK_SIZE):
        ids = [entry["proposal"] for act in batch for entry in act.entries]
        decisions = {
            str(public_id): admissibility
            for public_id, admissibility in Proposal.objects.filter(
                challenge__in=[act.challenge_id for act in batch], public_id__in=ids
            ).values_list("public_id", "admissibility")
        }
        for act in batch:
            for entry in act.entries:
                yield ProposalRow(
                    challenge=act.challenge,
                    act=act,
                    entry=entry,
                    admissibility=decisions.get(entry["proposal"]),
                )


PROPOSAL_COLUMNS: list[Column] = [
    Column(
        "challenge",
        "text",
        _("The identifier of the challenge (the “slug” of the challenges file)."),
        lambda r: r.challenge.slug,
    ),
    Column(
        "proposal",
        "text",
        _("The proposal's public identifier, as in the opening act."),
        lambda r: r.entry["proposal"],
    ),
    Column("company", "text", _("The company's name."), lambda r: r.entry["company"]),
    Column(
        "rfc", "text", _("The company's RFC (Mexican taxpayer number)."), lambda r: r.entry["rfc"]
    ),
    Column(
        "folio",
        "text",
        _("The folio of the receipt of the counted version."),
        lambda r: r.entry["folio"],
    ),
    Column(
        "received_at",
        "datetime",
        _("When the counted version was received."),
        lambda r: utc_text(r.entry["received_at"]),
    ),
    Column(
        "price",
        "decimal",
        _("The price the company offered, in Mexican pesos, as it wrote it."),
        lambda r: r.entry["price"],
    ),
    Column(
        "licence",
        "text",
        _("The open-source licence the company chose (SPDX identifier)."),
        lambda r: r.entry["licence"],
    ),
    Column(
        "content_sha256",
        "text",
        _("The SHA-256 of the proposal's content, as its receipt and the opening act show it."),
        lambda r: r.entry["content_sha256"],
    ),
    Column(
        "reconfirmed",
        "boolean",
        _(
            "Whether the counted version was submitted under the latest terms "
            "(after every amendment)."
        ),
        lambda r: bool(r.entry["reconfirmed"]),
    ),
    Column(
        "admissibility",
        "text",
        _("The admissibility decision (a code): pending, admissible or inadmissible."),
        lambda r: r.admissibility,
    ),
    Column(
        "opened_at",
        "datetime",
        _("When the opening act was published."),
        lambda r: utc(r.act.opened_at),
    ),
]


DATASETS: dict[str, Dataset] = {
    "retos": Dataset(
        "retos",
        _("Challenges"),
        _("Every public challenge: its terms, dates, stage and counts."),
        CHALLENGE_COLUMNS,
        challenges,
    ),
    "propuestas": Dataset(
        "propuestas",
        _("Proposals"),
        _(
            "The proposals counted in each published opening act, with their admissibility. "
            "A proposal appears only once its challenge's opening act is published."
        ),
        PROPOSAL_COLUMNS,
        proposals,
    ),
    **{dataset.name: dataset for dataset in outcomes.DATASETS},
    research.DATASET.name: research.DATASET,
}

#: The files whose values are pseudonymized for research (the dictionary adds a methodology).
RESEARCH = research.DATASET.name


# ---------------------------------------------------------------------------------------------
# Writers


def csv_cell(value: Any, *, numeric: bool = False) -> str:
    """A value as a CSV cell: empty for none, true/false, lists joined by “;”, and text that
    a spreadsheet would run as a formula prefixed with an apostrophe — except, in a
    ``numeric`` column, a plain number such as ``-0.512`` (a number is not a formula)."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = ";".join(str(v) for v in value)
    else:
        text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not (numeric and _NUMBER.fullmatch(text)):
        text = "'" + text
    return text


class _Line:
    """A file-like object whose ``write`` returns what it is given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """RFC 4180: a header row, comma-separated, quoted where needed, CRLF, UTF-8 (no BOM)."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow([c.name for c in columns]).encode("utf-8")
    numeric = [c.type in NUMERIC_TYPES for c in columns]
    for row in rows:
        cells = [csv_cell(c.value(row), numeric=n) for c, n in zip(columns, numeric, strict=True)]
        yield writer.writerow(cells).encode("utf-8")


def json_chunks(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """One JSON array of objects (keys in the columns' order), written as it is read."""
    separator = "\n"
    yield b"["
    for row in rows:
        item = {c.name: c.value(row) for c in columns}
        yield (separator + json.dumps(item, ensure_ascii=False)).encode("utf-8")
        separator = ",\n"
    yield b"\n]\n"
