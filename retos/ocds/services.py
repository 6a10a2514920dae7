"""Publishing OCDS releases: one per public ledger event that changes a challenge's public
record, written in the same transaction as the event (``release_for_event`` is registered with
``retos.ledger.services.register_listener`` in ``apps.py``).

Each release is the whole public record of the challenge at that moment (``build.build``),
tagged by what happened (``ACTIONS``), dated at the event — or at the publication time of a
challenge approved for later, so that it is not served before then (``ReleaseQuerySet.served``)
— and stored once with the SHA-256 of its JSON text. It is never changed afterwards.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.apps import apps
from django.db import transaction

from retos.challenges.models import Challenge
from retos.challenges.stages import PUBLIC_STAGES
from retos.ocds import build, packages
from retos.ocds.models import Release

TENDER, TENDER_UPDATE = "tender", "tenderUpdate"
AWARD = "award"
CONTRACT = "contract"
IMPLEMENTATION = "implementation"

#: The public ledger actions that make a release, and its tags. Every other action (follows,
#: notifications, demo slots, complaints, the catalog) changes nothing OCDS publishes.
ACTIONS: dict[str, tuple[str, ...]] = {
    "challenge.approve": ("planning", TENDER),
    "challenge.amended": ("tenderAmendment",),
    "challenge.document_added": (TENDER_UPDATE,),
    "challenge.document_removed": (TENDER_UPDATE,),
    "question.answered": (TENDER_UPDATE,),
    "question.declined": (TENDER_UPDATE,),
    "minutes.generated": (TENDER_UPDATE,),
    "challenge.close": (TENDER_UPDATE,),
    # challenge.open is followed, in the same transaction, by the act with its entries.
    "challenge.opening_act_published": (TENDER_UPDATE,),
    "proposal.admissibility": (TENDER_UPDATE,),
    "challenge.start_evaluation": (TENDER_UPDATE,),
    "challenge.confirm_finalists": (TENDER_UPDATE,),
    "finalists.confirmed": (TENDER_UPDATE,),
    "challenge.decide": (AWARD,),
    "decision.published": (AWARD,),
    "challenge.declare_deserted": (TENDER_UPDATE,),
    "challenge.reopen_evaluation": (TENDER_UPDATE, "awardCancellation"),
    "challenge.award": (AWARD, CONTRACT),
    "award.recorded": (AWARD, CONTRACT),
    "challenge.start_implementation": (IMPLEMENTATION,),
    "milestone.progress": (IMPLEMENTATION,),
    "milestone.submitted": (IMPLEMENTATION,),
    "milestone.accepted": (IMPLEMENTATION,),
    "milestone.returned": (IMPLEMENTATION,),
    "payment.recorded": (IMPLEMENTATION,),
    "delivery.submitted": (IMPLEMENTATION,),
    "delivery.reviewed": (IMPLEMENTATION,),
    "challenge.complete": ("contractTermination",),
    "challenge.cancel": ("tenderCancellation",),
}

#: How to find the challenge of an event's subject (``subject_type`` → a lookup to the
#: challenge's id from that model).
SUBJECTS = {
    "challenges.challenge": None,
    "proposals.proposal": "challenge_id",
    "evaluation.finalistselection": "challenge_id",
    "decisions.decision": "challenge_id",
    "contracts.award": "challenge_id",
    "contracts.milestone": "contract__award__challenge_id",
    "contracts.payment": "milestone__contract__award__challenge_id",
    "contracts.delivery": "challenge_id",
}


def release_for_event(event) -> Release | None:
    """The ledger listener: publish the release a public ``event`` calls for, if any."""
    tags = ACTIONS.get(event.action)
    if tags is None or event.subject_type not in SUBJECTS:
        return None
    challenge_id = _challenge_id(event.subject_type, event.subject_id)
    if challenge_id is None:
        return None
    return release_publish(
        challenge_id=challenge_id, tags=tags, occurred_at=event.occurred_at, event=event
    )


def _challenge_id(subject_type: str, subject_id: str) -> int | None:
    lookup = SUBJECTS[subject_type]
    if lookup is None:
        return int(subject_id)
    model = apps.get_model(subject_type)
    return model.objects.filter(pk=subject_id).values_list(lookup, flat=True).first()


@transaction.atomic(savepoint=False)
def release_publish(
    *, challenge_id: int, tags: tuple[str, ...], occurred_at: datetime, event=None
) -> Release | None:
    """Store the next release of a challenge: its whole public record now, with ``tags``.

    Nothing is published for a challenge that was never approved (a draft cancelled before
    publication stays private). The caller holds the ledger's append lock (this runs inside
    ``event_record``), so two releases of one challenge cannot take the same sequence.
    """
    row = Challenge.objects.filter(pk=challenge_id).values("stage", "published_at").first()
    if row is None or row["published_at"] is None or row["stage"] not in PUBLIC_STAGES:
        return None
    previous = list(
        Release.objects.filter(challenge_id=challenge_id)
        .order_by("sequence")
        .values("sequence", "publication", "date", "tags", "ocid")
    )
    latest = max((p["publication"] for p in previous), default=0)
    if "planning" in tags or latest == 0:
        # An approval (or the first release of a challenge published before OCDS was):
        # a new publication.
        publication = latest + 1
        earlier = []
    else:
        publication = latest
        earlier = [p for p in previous if p["publication"] == publication]
    ocid = previous[-1]["ocid"] if previous else build.ocid_for(challenge_id)
    sequence = len(previous) + 1
    release_id = f"{ocid}-{sequence}"
    date = max([_second(occurred_at), _second(row["published_at"])] + [p["date"] for p in earlier])
    final_tags = _tags(tags, [t for p in earlier for t in p["tags"]])
    data = build.build(challenge_id, ocid=ocid, release_id=release_id, date=date, tags=final_tags)
    final_tags = _refine(final_tags, data)
    data["tag"] = final_tags
    text = packages.dumps(data)
    return Release.objects.create(
        challenge_id=challenge_id,
        ocid=ocid,
        sequence=sequence,
        release_id=release_id,
        publication=publication,
        date=date,
        tags=final_tags,
        event=event,
        data=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def _second(value: datetime) -> datetime:
    return value.replace(microsecond=0)


def _tags(wanted: tuple[str, ...], before: list[str]) -> list[str]:
    """The first tender, award, contract or implementation release of a publication carries
    the plain tag, later ones the update; a publication always starts with planning and
    tender."""
    seen = set(before)
    tags = []
    if not seen & {"tender"}:
        tags += ["planning", "tender"]
    for tag in wanted:
        base = tag.removesuffix("Update")
        if tag in ("planning", TENDER, TENDER_UPDATE, "tenderAmendment") and not before:
            continue  # the first release of a publication is "planning", "tender"
        if base in (AWARD, CONTRACT, IMPLEMENTATION) and base in seen:
            tag = base + "Update"
        if tag not in tags:
            tags.append(tag)
    return tags


def _refine(tags: list[str], data: dict) -> list[str]:
    """An award tag with no award to show (a deserted decision) is a tender update; a contract
    or implementation tag with no contract is too."""
    refined = []
    for tag in tags:
        if tag.startswith(AWARD) and tag != "awardCancellation" and not data.get("awards"):
            tag = TENDER_UPDATE
        if tag.startswith((CONTRACT, IMPLEMENTATION)) and not data.get("contracts"):
            tag = TENDER_UPDATE
        if tag == TENDER_UPDATE and "tender" in tags:
            continue
        if tag not in refined:
            refined.append(tag)
    return refined
