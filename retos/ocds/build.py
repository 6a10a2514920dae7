"""One OCDS release of a challenge, built from the database as it stands (reads only).

What a release may contain is decided here and only here, from what is public at that point:

- the terms (planning and tender, with the award criteria and their weights as a lot's
  ``awardCriteria``, the documents, the published amendments, the answered and declined
  questions as ``enquiries``) once the challenge is approved;
- the bids, the tenderers and their number only from the opening act (``OpeningAct.entries``
  once ``opened_at`` is set): before it, nothing about a proposal, not even how many;
- the finalists (``designContest.selectedParticipants``) once confirmed; the jury (the panel's
  accepted members, named) only once a decision is published, like their scores;
- the award (pending during the complaint window, active once recorded, cancelled when an
  upheld complaint voided the decision), the contract, its milestones, progress, payments and
  delivery.

Who asked a question, sealed proposals, conflict declarations and scores never appear.
Amounts are JSON numbers in MXN; dates are UTC, to the second, in RFC 3339 ("…Z").
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from retos.challenges.models import Amendment, Challenge, Criterion
from retos.challenges.stages import Stage
from retos.clarifications.models import Minutes, Question, QuestionStatus, Section
from retos.documents.models import ChallengeDocument

CURRENCY = "MXN"
LOT_ID = "1"

#: The tender's status for each stored stage of its challenge.
TENDER_STATUS = {
    Stage.PUBLISHED: "active",
    Stage.CLOSED: "active",
    Stage.OPENED: "active",
    Stage.EVALUATION: "active",
    Stage.FINALISTS: "active",
    Stage.DECIDED: "active",
    Stage.AWARDED: "complete",
    Stage.IMPLEMENTATION: "complete",
    Stage.COMPLETED: "complete",
    Stage.CANCELLED: "cancelled",
    Stage.DESERTED: "unsuccessful",
}
BID_STATUS = {"pending": "pending", "admissible": "valid", "inadmissible": "disqualified"}
MILESTONE_STATUS = {
    "planned": "scheduled",
    "in_progress": "scheduled",
    "submitted": "scheduled",
    "accepted": "met",
    "paid": "met",
}


def ocid_for(challenge_id: int) -> str:
    return f"{settings.RETOS_OCID_PREFIX}-{challenge_id}"


def ocds_datetime(value: datetime | None) -> str | None:
    """UTC, to the second, always the same shape (so that dates sort as text)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ocds_date(value: date | None, time_zone: str) -> str | None:
    """A calendar date (a contract's signature, a payment) as the start of that day in the
    body's time zone."""
    if value is None:
        return None
    return ocds_datetime(datetime.combine(value, time(0), tzinfo=ZoneInfo(time_zone)))


def amount(value: Decimal | str | None) -> dict | None:
    """A Value in MXN; ``None`` for a missing or unreadable amount."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    # At most 14 significant digits (max_digits=14): a float keeps every one of them.
    return {"amount": float(number), "currency": CURRENCY}


def absolute(name: str, **kwargs) -> str | None:
    """The absolute address of a page in the site's default language (``None`` when that page
    does not exist in this version)."""
    try:
        with translation.override(settings.LANGUAGE_CODE):
            path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None
    return settings.SITE_URL.rstrip("/") + path


def clean(value: Any) -> Any:
    """Drop empty values (None, "", [], {}) at every depth: OCDS omits what is unknown."""
    if isinstance(value, dict):
        out = {k: clean(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        out = [clean(v) for v in value]
        return [v for v in out if v not in (None, "", [], {})]
    return value


# ---------------------------------------------------------------------------------------------
# Parties


class Parties:
    """The parties of a release, by id, each with its roles (in the order first given)."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict] = {}

    def add(self, party: dict, *roles: str) -> dict:
        """Add (or extend) ``party``; return its OrganizationReference."""
        entry = self.by_id.setdefault(party["id"], {**party, "roles": []})
        for role in roles:
            if role not in entry["roles"]:
                entry["roles"].append(role)
        return {"id": entry["id"], "name": entry["name"]}

    def as_list(self) -> list[dict]:
        return list(self.by_id.values())


def body_party(body) -> dict:
    address = {
        "locality": body.municipality_name,
        "region": body.state.name if body.state_id else None,
        "countryName": "México",
    }
    return {
        "id": f"{settings.RETOS_OCID_PREFIX}-org-{body.pk}",
        "name": body.name,
        "address": address,
        "contactPoint": {"url": body.website},
    }


def company_party(name: str, rfc: str) -> dict:
    """A company, identified by its RFC (scheme MX-RFC)."""
    rfc = (rfc or "").strip().upper()
    return {
        "id": f"MX-RFC-{rfc}",
        "name": name,
        "identifier": {"scheme": "MX-RFC", "id": rfc, "legalName": name},
    }


# ---------------------------------------------------------------------------------------------
# The release


def build(challenge_id: int, *, ocid: str, release_id: str, date: datetime, tags: list[str]):
    """The release of challenge ``challenge_id`` as it stands now (a dict, in OCDS order)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(challenge_id, ocid=ocid, release_id=release_id, date=date, tags=tags)


def _build(challenge_id, *, ocid, release_id, date, tags):
    challenge = Challenge.objects.select_related("body", "body__state").get(pk=challenge_id)
    body = challenge.body
    parties = Parties()
    buyer = parties.add(body_party(body), "buyer", "procuringEntity")

    criteria = list(Criterion.objects.filter(challenge=challenge).order_by("position", "id"))
    tender = _tender(challenge, criteria)
    tender["procuringEntity"] = buyer
    tender["documents"] = _documents(challenge)
    tender["amendments"] = _amendments(challenge)
    tender["enquiries"] = _enquiries(challenge)
    tender["hasEnquiries"] = bool(tender["enquiries"])

    release: dict[str, Any] = {
        "ocid": ocid,
        "id": release_id,
        "date": ocds_datetime(date),
        "tag": list(tags),
        "initiationType": "tender",
        "language": "es",
        "parties": [],
        "buyer": buyer,
        "planning": {
            "rationale": challenge.problem_statement,
            "budget": {"amount": amount(challenge.amount)},
        },
        "tender": tender,
    }

    # The opening act: bids and tenderers, never before it.
    act = _opening_act(challenge)
    refs_by_proposal: dict[str, dict] = {}
    prices: dict[str, Any] = {}
    if act is not None:
        bids, refs_by_proposal, prices = _bids(challenge, act, parties)
        release["bids"] = bids
        tender["numberOfTenderers"] = len(act.entries)
        tender["tenderers"] = list({r["id"]: r for r in refs_by_proposal.values()}.values())
        tender["documents"].append(
            {
                "id": "opening-act",
                "documentType": "bidders",
                "title": str(_("Opening act")),
                "url": absolute("proposals:opening_act", slug=challenge.slug),
                "datePublished": ocds_datetime(act.opened_at),
                "format": "text/html",
                "language": "es",
            }
        )

    design_contest: dict[str, Any] = {"followUpContracts": True}
    if challenge.finalists_at is not None:
        design_contest["selectedParticipants"] = _finalists(challenge, parties)
    # A decision is published (its ledger event, and this release) before the transition
    # stamps ``decided_at``: look for one as soon as there can be one.
    decisions = _decisions(challenge) if challenge.opened_at is not None else []
    if decisions:
        design_contest["juryMembers"] = _jury(challenge)
    tender["designContest"] = design_contest

    awards, award_row = _awards(challenge, decisions, parties, refs_by_proposal, prices)
    release["awards"] = awards
    if award_row is not None:
        release["contracts"] = [_contract(challenge, award_row, parties)]

    release["parties"] = parties.as_list()
    return clean(release)


def _tender(challenge: Challenge, criteria: list[Criterion]) -> dict:
    status = TENDER_STATUS.get(Stage(challenge.stage), "active")
    weights = ", ".join(f"{c.name} ({c.weight:g} %)" for c in criteria)
    milestones = [
        ("evaluation", "assessment", _("End of the evaluation"), challenge.evaluation_ends_at),
        ("demo-day", "engagement", _("Demo day"), challenge.demo_day_at),
        ("decision", "approval", _("Decision"), challenge.decision_at),
        ("delivery", "delivery", _("Delivery"), challenge.delivery_at),
    ]
    return {
        "id": challenge.slug,
        "title": challenge.title,
        "description": challenge.summary,
        "status": status,
        "value": amount(challenge.amount),
        "procurementMethod": "open",
        "procurementMethodDetails": _("Open innovation challenge (design contest)"),
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": weights,
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": ocds_datetime(challenge.published_at),
            "endDate": ocds_datetime(challenge.submissions_close_at),
        },
        "enquiryPeriod": {
            "startDate": ocds_datetime(challenge.published_at),
            "endDate": ocds_datetime(challenge.questions_close_at),
        },
        "eligibilityCriteria": challenge.eligibility,
        "milestones": [
            {"id": key, "type": kind, "title": title, "dueDate": ocds_datetime(when)}
            for key, kind, title, when in milestones
            if when is not None
        ],
        "lots": [
            {
                "id": LOT_ID,
                "title": challenge.title,
                "status": status,
                "value": amount(challenge.amount),
                "awardCriteria": {
                    "criteria": [
                        {
                            "type": "quality",
                            "name": c.name,
                            "description": c.description,
                            "numbers": [{"number": float(c.weight), "weight": "percentageExact"}],
                        }
                        for c in criteria
                    ]
                },
            }
        ],
    }


def _documents(challenge: Challenge) -> list[dict]:
    documents = [
        {
            "id": "challenge",
            "documentType": "tenderNotice",
            "title": challenge.title,
            "url": absolute("challenges:detail", slug=challenge.slug),
            "datePublished": ocds_datetime(challenge.published_at),
            "format": "text/html",
            "language": "es",
        }
    ]
    links = ChallengeDocument.objects.filter(challenge=challenge).select_related("document")
    for link in links.order_by("position", "id"):
        doc = link.document
        documents.append(
            {
                "id": f"document-{doc.pk}",
                "documentType": "biddingDocuments",
                "title": link.title,
                "url": absolute("documents:download", pk=doc.pk, sha256=doc.sha256),
                "datePublished": ocds_datetime(link.added_at),
                "format": doc.content_type,
            }
        )
    minutes = Minutes.objects.filter(challenge=challenge).only("generated_at").first()
    if minutes is not None:
        documents.append(
            {
                "id": "clarification-minutes",
                "documentType": "clarifications",
                "title": _("Minutes of the clarifications"),
                "url": absolute("clarifications:minutes_pdf", slug=challenge.slug),
                "datePublished": ocds_datetime(minutes.generated_at),
                "format": "application/pdf",
                "language": "es",
            }
        )
    return documents


def _amendments(challenge: Challenge) -> list[dict]:
    return [
        {
            "id": str(a.number),
            "date": ocds_datetime(a.published_at),
            "rationale": a.reason,
            "description": ", ".join(str(c.get("field", "")) for c in a.changes),
        }
        for a in Amendment.objects.filter(challenge=challenge).order_by("number")
    ]


def _enquiries(challenge: Challenge) -> list[dict]:
    """Answered and declined questions: their text and answer, never who asked."""
    questions = (
        Question.objects.filter(challenge=challenge)
        .resolved()
        .order_by("number")
        .only(
            "number",
            "section",
            "text",
            "status",
            "answer",
            "decline_reason",
            "asked_at",
            "resolved_at",
        )
    )
    enquiries = []
    for q in questions:
        if q.status == QuestionStatus.DECLINED:
            answer = f"{QuestionStatus.DECLINED.label}: {q.decline_reason}"
        else:
            answer = q.answer
        enquiries.append(
            {
                "id": str(q.number),
                "date": ocds_datetime(q.asked_at),
                "title": str(Section(q.section).label) if q.section in Section.values else "",
                "description": q.text,
                "answer": answer,
                "dateAnswered": ocds_datetime(q.resolved_at),
            }
        )
    return enquiries


def _opening_act(challenge: Challenge):
    from retos.proposals.models import OpeningAct

    if challenge.opened_at is None:
        return None
    return OpeningAct.objects.filter(challenge=challenge, opened_at__isnull=False).first()


def _bids(challenge: Challenge, act, parties: Parties):
    """The bids of the opening act, with each one's admissibility as its status."""
    from retos.proposals.models import Proposal

    ids = [entry["proposal"] for entry in act.entries]
    admissibility = dict(
        Proposal.objects.filter(challenge=challenge, public_id__in=ids).values_list(
            "public_id", "admissibility"
        )
    )
    admissibility = {str(k): v for k, v in admissibility.items()}
    details, refs, prices = [], {}, {}
    for entry in act.entries:
        ref = parties.add(company_party(entry["company"], entry["rfc"]), "tenderer")
        refs[entry["proposal"]] = ref
        prices[entry["proposal"]] = entry.get("price")
        received = entry.get("received_at")
        details.append(
            {
                "id": entry["proposal"],
                "date": ocds_datetime(datetime.fromisoformat(received)) if received else None,
                "status": BID_STATUS.get(admissibility.get(entry["proposal"], "pending")),
                "tenderers": [ref],
                "value": amount(entry.get("price")),
            }
        )
    statistics = [{"id": "bids", "measure": "bids", "value": len(details)}]
    decided = [d for d in details if d["status"] in ("valid", "disqualified")]
    if decided:
        valid = sum(1 for d in details if d["status"] == "valid")
        statistics.append({"id": "validBids", "measure": "validBids", "value": valid})
    for stat in statistics:
        stat["date"] = ocds_datetime(act.opened_at)
    return {"statistics": statistics, "details": details}, refs, prices


def _finalists(challenge: Challenge, parties: Parties) -> list[dict]:
    from retos.evaluation.models import Finalist

    rows = (
        Finalist.objects.filter(selection__challenge=challenge, selection__voided_at__isnull=True)
        .select_related("proposal__company")
        .order_by("position")
    )
    return [
        parties.add(company_party(f.proposal.company.name, f.proposal.company.rfc), "tenderer")
        for f in rows
    ]


def _decisions(challenge: Challenge) -> list:
    from retos.decisions.models import Decision

    return list(
        Decision.objects.filter(challenge=challenge)
        .select_related("winner__company")
        .order_by("published_at", "id")
    )


def _jury(challenge: Challenge) -> list[dict]:
    """The panel's accepted members, named: public once the decision is published."""
    from retos.evaluation.models import MemberStatus, PanelMember

    names = (
        PanelMember.objects.filter(challenge=challenge, status=MemberStatus.ACCEPTED)
        .order_by("role", "-is_chair", "full_name", "id")
        .values_list("full_name", flat=True)
    )
    return [{"name": name} for name in dict.fromkeys(names) if name]


def _awards(challenge, decisions, parties, refs_by_proposal, prices):
    """One award per published decision with a winner: pending during the complaint window,
    active once the award is recorded, cancelled if an upheld complaint voided it. Returns the
    awards and the recorded award (for the contract), if any."""
    if not decisions:
        return [], None
    from retos.contracts.models import Award

    award_row = (
        Award.objects.filter(challenge=challenge)
        .select_related("supplier", "decision", "contract__document")
        .first()
    )
    awards = []
    for decision in decisions:
        if decision.winner_id is None:
            continue
        winner = decision.winner
        public_id = str(winner.public_id)
        supplier = parties.add(
            company_party(winner.company.name, winner.company.rfc), "tenderer", "supplier"
        )
        recorded = award_row if award_row and award_row.decision_id == decision.pk else None
        if decision.voided_at is not None:
            status = "cancelled"
        elif recorded is not None:
            status = "active"
        else:
            status = "pending"
        award = {
            "id": f"award-{decision.pk}",
            "title": _("Decision"),
            "description": decision.justification,
            "status": status,
            "date": ocds_datetime(decision.published_at),
            "value": amount(recorded.amount if recorded else prices.get(public_id)),
            "suppliers": [supplier],
            "relatedBid": public_id if public_id in refs_by_proposal else None,
            "relatedLots": [LOT_ID],
            "documents": [
                {
                    "id": f"decision-{decision.pk}",
                    "documentType": "awardNotice",
                    "title": _("Decision"),
                    "url": absolute("decisions:public", slug=challenge.slug),
                    "datePublished": ocds_datetime(decision.published_at),
                    "format": "text/html",
                    "language": "es",
                }
            ],
        }
        if recorded is not None:
            award["date"] = ocds_date(recorded.awarded_on, challenge.body.time_zone)
            contract = getattr(recorded, "contract", None)
            if contract is not None:
                award["contractPeriod"] = {
                    "startDate": ocds_date(contract.starts_on, challenge.body.time_zone),
                    "endDate": ocds_date(contract.ends_on, challenge.body.time_zone),
                }
        awards.append(award)
    return awards, award_row


def _contract(challenge, award_row, parties: Parties) -> dict:
    from retos.contracts.models import Delivery, Milestone, MilestoneUpdate, Payment

    tz = challenge.body.time_zone
    contract = getattr(award_row, "contract", None)
    parties.add(company_party(award_row.supplier.name, award_row.supplier.rfc), "supplier")
    if challenge.stage == Stage.COMPLETED:
        status = "terminated"
    else:
        status = "active" if contract is not None else "pending"
    result: dict[str, Any] = {
        "id": f"contract-{award_row.pk}",
        "awardID": f"award-{award_row.decision_id}",
        "title": challenge.title,
        "status": status,
        "value": amount(award_row.amount),
    }
    if contract is None:
        return result
    result.update(
        {
            "title": contract.number or challenge.title,
            "period": {
                "startDate": ocds_date(contract.starts_on, tz),
                "endDate": ocds_date(contract.ends_on, tz),
            },
            "dateSigned": ocds_date(contract.signed_on, tz),
            "documents": [
                {
                    "id": f"contract-{contract.pk}",
                    "documentType": "contractSigned",
                    "title": contract.number or _("Signed contract"),
                    "url": absolute("contracts:contract", slug=challenge.slug),
                    "datePublished": ocds_datetime(contract.recorded_at),
                }
            ],
        }
    )
    milestones = list(Milestone.objects.filter(contract=contract).order_by("number"))
    result["milestones"] = [
        {
            "id": f"milestone-{m.number}",
            "title": m.title,
            "type": "delivery",
            "description": m.deliverables,
            "dueDate": ocds_date(m.due_on, tz),
            "dateMet": ocds_datetime(m.accepted_at),
            "status": MILESTONE_STATUS.get(m.status, "scheduled"),
        }
        for m in milestones
    ]
    by_pk = {m.pk: m for m in milestones}
    updates = MilestoneUpdate.objects.filter(milestone__contract=contract).order_by(
        "posted_at", "id"
    )
    documents = [
        {
            "id": f"progress-{u.pk}",
            "documentType": "physicalProgressReport",
            "title": f"{by_pk[u.milestone_id].title}: {u.progress} %",
            "description": u.note,
            "url": u.link,
            "datePublished": ocds_datetime(u.posted_at),
        }
        for u in updates
        if u.milestone_id in by_pk
    ]
    deliveries = Delivery.objects.filter(challenge=challenge).order_by("number")
    for d in deliveries:
        documents.append(
            {
                "id": f"delivery-{d.number}",
                "documentType": "completionCertificate"
                if d.status == "accepted"
                else "physicalProgressReport",
                "title": f"{_('Delivery')} {d.number} ({d.licence})",
                "description": d.review_note or d.notes,
                "url": d.repository_url,
                "datePublished": ocds_datetime(d.submitted_at),
                "dateModified": ocds_datetime(d.reviewed_at),
            }
        )
    payments = Payment.objects.filter(milestone__contract=contract).order_by("paid_on", "id")
    transactions = []
    for p in payments:
        payer = parties.add(body_party(challenge.body), "payer")
        payee = parties.add(company_party(award_row.supplier.name, award_row.supplier.rfc), "payee")
        transactions.append(
            {
                "id": f"payment-{p.pk}",
                "source": absolute("contracts:contract", slug=challenge.slug),
                "date": ocds_date(p.paid_on, tz),
                "value": amount(p.amount),
                "payer": payer,
                "payee": payee,
            }
        )
    result["implementation"] = {"transactions": transactions, "documents": documents}
    return result
