"""What a proposal says: its sections, how each is checked, and its canonical form.

The sections come from the issue and the challenge: free text, a work plan of milestones, a
team, a price (at most the contract amount), a licence (one the challenge allows) and links to
prior work. A draft may be incomplete; :func:`missing` says what a submission still needs.

The *canonical content* is what a receipt's digest covers: the sections, the challenge, the
company, the version of the terms and the attachments (name, size, digest), as UTF-8 JSON with
sorted keys and no spaces. Anyone holding the content can recompute the digest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retos.core.errors import DomainError
from retos.core.formatting import format_mxn


@dataclass(frozen=True)
class TextSection:
    key: str
    label: object
    max_length: int
    help_text: object = ""


TEXT_SECTIONS = [
    TextSection(
        "summary",
        gettext_lazy("Summary"),
        1000,
        gettext_lazy("Your proposal in a few sentences, for someone who reads only this."),
    ),
    TextSection(
        "understanding",
        gettext_lazy("Understanding of the problem"),
        10000,
        gettext_lazy("The problem as you understand it: who suffers it, why it matters."),
    ),
    TextSection(
        "solution",
        gettext_lazy("Proposed solution"),
        10000,
        gettext_lazy("What you will build and how it solves the problem."),
    ),
    TextSection(
        "technical_approach",
        gettext_lazy("Technical approach and stack"),
        10000,
        gettext_lazy("Architecture, languages, frameworks, hosting, security and data."),
    ),
    TextSection(
        "ux_approach",
        gettext_lazy("User-experience approach"),
        10000,
        gettext_lazy("How you will learn from the people who will use it, and test with them."),
    ),
]
TEXT_KEYS = [s.key for s in TEXT_SECTIONS]
MAX_MILESTONES = 20
MAX_TEAM = 30
MAX_LINKS = 10
MAX_SHORT = 200
MAX_MILESTONE_WEEKS = 520

EMPTY: dict = {
    **dict.fromkeys(TEXT_KEYS, ""),
    "work_plan": [],
    "team": [],
    "price": "",
    "licence": "",
    "links": [],
}
SECTION_KEYS = list(EMPTY)


def _text(value, *, label, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(_("“%(field)s” must be text.") % {"field": label}, code="not_text")
    # Kept verbatim (scripts and SQL included: they are escaped when shown), except for line
    # endings, which browsers send as CRLF, and surrounding blank space.
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in value:
        raise DomainError(
            _("“%(field)s” contains a null character; remove it.") % {"field": label},
            code="null_character",
        )
    if len(value) > max_length:
        raise DomainError(
            _("“%(field)s” is too long: %(length)d characters, at most %(max)d.")
            % {"field": label, "length": len(value), "max": max_length},
            code="too_long",
        )
    return value


def _rows(value, *, label, max_rows: int) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise DomainError(_("“%(field)s” is malformed.") % {"field": label}, code="malformed")
    if len(value) > max_rows:
        raise DomainError(
            _("“%(field)s” has at most %(max)d rows.") % {"field": label, "max": max_rows},
            code="too_many_rows",
        )
    return value


def clean_work_plan(value) -> list[dict]:
    label = _("Work plan")
    milestones = []
    for row in _rows(value, label=label, max_rows=MAX_MILESTONES):
        title = _text(row.get("title"), label=_("Milestone"), max_length=MAX_SHORT)
        deliverable = _text(row.get("deliverable"), label=_("Deliverable"), max_length=1000)
        weeks_raw = row.get("weeks")
        if not title and not deliverable and weeks_raw in (None, ""):
            continue  # an empty row of the form
        if not title:
            raise DomainError(_("Every milestone needs a name."), code="milestone_title")
        try:
            weeks = int(str(weeks_raw).strip())
        except (TypeError, ValueError):
            raise DomainError(
                _("Say in which week milestone “%(title)s” is delivered (a whole number).")
                % {"title": title},
                code="milestone_weeks",
            ) from None
        if not 1 <= weeks <= MAX_MILESTONE_WEEKS:
            raise DomainError(
                _("The week of milestone “%(title)s” must be between 1 and %(max)d.")
                % {"title": title, "max": MAX_MILESTONE_WEEKS},
                code="milestone_weeks",
            )
        milestones.append({"title": title, "weeks": weeks, "deliverable": deliverable})
    return milestones


def clean_team(value) -> list[dict]:
    team = []
    for row in _rows(value, label=_("Team"), max_rows=MAX_TEAM):
        name = _text(row.get("name"), label=_("Name"), max_length=MAX_SHORT)
        role = _text(row.get("role"), label=_("Role"), max_length=MAX_SHORT)
        if not name and not role:
            continue
        if not name or not role:
            raise DomainError(
                _("Give both the name and the role of every team member."), code="team_row"
            )
        team.append({"name": name, "role": role})
    return team


def clean_price(value, *, amount: Decimal | None) -> str:
    """The price as a plain decimal string with two decimals, or "" when not given yet."""
    raw = "" if value is None else str(value).strip().replace(",", "").replace("$", "")
    if not raw:
        return ""
    try:
        price = Decimal(raw)
    except InvalidOperation:
        raise DomainError(
            _("The price must be an amount in pesos, e.g. 1250000.00."), code="price_not_number"
        ) from None
    if not price.is_finite():
        # "NaN" and "Infinity" parse as decimals, but they are not amounts.
        raise DomainError(
            _("The price must be an amount in pesos, e.g. 1250000.00."), code="price_not_number"
        )
    if price.as_tuple().exponent < -2:
        raise DomainError(_("The price has at most two decimals."), code="price_decimals")
    if price <= 0:
        raise DomainError(_("The price must be more than zero."), code="price_not_positive")
    if amount is not None and price > amount:
        raise DomainError(
            _("The price cannot exceed the contract amount of %(amount)s.")
            % {"amount": format_mxn(amount)},
            code="price_above_amount",
        )
    return str(price.quantize(Decimal("0.01")))


def clean_licence(value, *, allowed: list[str]) -> str:
    value = "" if value is None else str(value).strip()
    if value and value not in allowed:
        raise DomainError(
            _("Choose one of the licences the challenge allows."), code="licence_not_allowed"
        )
    return value


_url = URLValidator(schemes=["http", "https"])


def clean_links(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list):
        raise DomainError(_("“%(field)s” is malformed.") % {"field": _("Links")}, code="malformed")
    links = []
    for item in value:
        link = str(item).strip()
        if not link:
            continue
        if len(link) > 500:
            raise DomainError(_("A link has at most 500 characters."), code="link_too_long")
        try:
            _url(link)
        except ValidationError:
            raise DomainError(
                _("“%(link)s” is not a web address (it must start with https:// or http://).")
                % {"link": link},
                code="link_invalid",
            ) from None
        if link not in links:
            links.append(link)
    if len(links) > MAX_LINKS:
        raise DomainError(
            _("Give at most %(max)d links to prior work.") % {"max": MAX_LINKS},
            code="too_many_links",
        )
    return links


def clean(changes: dict, *, challenge) -> dict:
    """Check the sections in ``changes`` (any subset); returns them cleaned.

    Unknown keys are refused, so a crafted form cannot smuggle fields into the sealed content.
    """
    unknown = set(changes) - set(SECTION_KEYS)
    if unknown:
        raise DomainError(_("Unknown proposal sections."), code="unknown_section")
    cleaned = {}
    for section in TEXT_SECTIONS:
        if section.key in changes:
            cleaned[section.key] = _text(
                changes[section.key], label=section.label, max_length=section.max_length
            )
    if "work_plan" in changes:
        cleaned["work_plan"] = clean_work_plan(changes["work_plan"])
    if "team" in changes:
        cleaned["team"] = clean_team(changes["team"])
    if "price" in changes:
        cleaned["price"] = clean_price(changes["price"], amount=challenge.amount)
    if "licence" in changes:
        cleaned["licence"] = clean_licence(changes["licence"], allowed=challenge.licences)
    if "links" in changes:
        cleaned["links"] = clean_links(changes["links"])
    return cleaned


def missing(sections: dict, *, challenge) -> list[str]:
    """What ``sections`` still lacks before it can be submitted, in plain words.

    Also re-checks price and licence against the challenge's *current* terms: an amendment may
    have lowered the amount or changed the licences since they were saved.
    """
    problems = []
    for section in TEXT_SECTIONS:
        if not sections.get(section.key):
            problems.append(_("Write the section “%(section)s”.") % {"section": section.label})
    if not sections.get("work_plan"):
        problems.append(_("Add at least one milestone to the work plan."))
    if not sections.get("team"):
        problems.append(_("Add at least one member of the team."))
    if not sections.get("price"):
        problems.append(_("Give the price of your proposal."))
    else:
        try:
            clean_price(sections["price"], amount=challenge.amount)
        except DomainError as exc:
            problems.append(exc.message)
    if not sections.get("licence"):
        problems.append(_("Choose the licence of the software."))
    elif sections["licence"] not in challenge.licences:
        problems.append(_("Choose one of the licences the challenge allows."))
    return problems


def canonical_bytes(
    *, sections: dict, challenge_slug: str, company: dict, terms_version: int, attachments: list
) -> bytes:
    """The exact bytes a receipt's SHA-256 covers."""
    document = {
        "format": "retos-proposal/1",
        "challenge": challenge_slug,
        "company": company,
        "terms_version": terms_version,
        "sections": {key: sections.get(key, EMPTY[key]) for key in SECTION_KEYS},
        "attachments": attachments,
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def act_document_bytes(act) -> bytes:
    """The canonical JSON of a published opening act: what its SHA-256 (``act.sha256``) covers
    and what the act's JSON download serves, so anyone can recompute the digest."""
    document = {
        "challenge": act.challenge.slug,
        "opened_at": act.opened_at.isoformat(),
        "proposals": act.entries,
        "proposals_count": act.proposals_count,
        "withdrawn_count": act.withdrawn_count,
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
