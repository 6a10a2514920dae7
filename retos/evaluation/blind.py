"""The blind first round: a proposal as the experts see it, without the company's identity.

The opening act publishes each bidder's name, RFC, folio, time of receipt, digests and sizes
next to its proposal's public id, so a blind reader must see none of those either: this module
removes the company (name and RFC), the team members' names, the links, every occurrence of
those in the text (any letter case or accent, any spacing), web and email addresses, and the
attachments' names, sizes and digests ("Anexo 1", "Anexo 2"…). The folio, the digests and the
proposal's public id stay out of the page (see the views), and proposals are addressed by a
code derived from a secret (:func:`blind_code`), never by the public id the act shows.

What stays visible: the sections' text, the work plan, the team's roles, the price and the
licence. The price is needed to score viability; it is also in the public act, so an expert
who looks it up there could guess the company: blindness is a protection against bias, not
a seal.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import re
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings

MASK = "[—]"

# Legal forms a Mexican company's name usually ends with; the name without them is redacted
# too ("Soluciones Abiertas" as well as "Soluciones Abiertas S.A. de C.V.").
_LEGAL_FORMS = re.compile(
    r"[\s,]+(s\.?\s?a\.?\s?p\.?\s?i\.?|s\.?\s?a\.?\s?s\.?|s\.?\s?a\.?|s\.?\s?de\s?r\.?\s?l\.?|"
    r"s\.?\s?c\.?|a\.?\s?c\.?|s\.?\s?c\.?\s?p\.?)(\s+de\s+c\.?\s?v\.?)?\.?\s*$",
    re.IGNORECASE,
)
# Identifiers shorter than this are not searched for in the text (they would mask words).
MIN_LENGTH = 3
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_VARIANTS = {
    "a": "aáàäâã",
    "e": "eéèëê",
    "i": "iíìïî",
    "o": "oóòöôõ",
    "u": "uúùüû",
    "n": "nñ",
    "c": "cç",
}


def _fold(text: str) -> str:
    """Lower case without accents (for comparing identifiers)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _pattern(identifier: str) -> str:
    """A regular expression matching ``identifier`` in any case, with or without accents and
    with any run of spaces between its words, as a whole word."""
    parts = []
    for ch in _fold(identifier.strip()):
        if ch.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif ch in _VARIANTS:
            parts.append(f"[{_VARIANTS[ch]}]")
        else:
            parts.append(re.escape(ch))
    return r"(?<!\w)" + "".join(parts) + r"(?!\w)"


def _host(url: str) -> str:
    try:
        host = urlsplit(url if "://" in url else f"https://{url}").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def identifiers(*, company: dict, team: list[dict], links: list[str], extra=()) -> list[str]:
    """Everything that names the company in a proposal: its name (with and without the legal
    form), RFC, the team members' names, the links and their web hosts, plus ``extra`` (e.g.
    the company's acronym, website or legal representative)."""
    found: list[str] = []
    name = (company or {}).get("name") or ""
    if name:
        found.append(name)
        short = _LEGAL_FORMS.sub("", name).strip(" ,.")
        if short and short != name:
            found.append(short)
    rfc = (company or {}).get("rfc") or ""
    if rfc:
        found.append(rfc)
    for row in team or []:
        if isinstance(row, dict) and row.get("name"):
            found.append(str(row["name"]))
    for link in links or []:
        found.append(str(link))
        host = _host(str(link))
        if host:
            found.append(host)
    for item in extra:
        if item:
            found.append(str(item))
            if "://" in str(item) and _host(str(item)):
                found.append(_host(str(item)))
    seen: set[str] = set()
    result = []
    for item in found:
        key = _fold(item.strip())
        if len(key) >= MIN_LENGTH and key not in seen:
            seen.add(key)
            result.append(item.strip())
    # Longest first, so "Soluciones Abiertas S.A." is masked before "Soluciones Abiertas".
    return sorted(result, key=len, reverse=True)


class Redactor:
    """Masks a fixed list of identifiers, web addresses and email addresses in text."""

    def __init__(self, names: list[str]):
        patterns = [_pattern(name) for name in names if len(_fold(name.strip())) >= MIN_LENGTH]
        self._names = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def __call__(self, text):
        if not isinstance(text, str) or not text:
            return text
        text = _URL.sub(MASK, text)
        text = _EMAIL.sub(MASK, text)
        if self._names is not None:
            text = self._names.sub(MASK, text)
        return text

    def deep(self, value):
        """Every string inside ``value`` (lists and dicts included) masked."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, list):
            return [self.deep(item) for item in value]
        if isinstance(value, dict):
            return {key: self.deep(item) for key, item in value.items()}
        return value


def redact(document: dict, *, extra=()) -> dict:
    """A blind copy of a version's canonical content (``proposal_version_read``'s dict).

    ``company`` becomes None; every team member's name, every link and every attachment's
    name, size and digest are replaced; the company's name, RFC, the team's names, the links
    and their hosts (and ``extra``) are masked wherever they appear in the text, in any case
    or accent. The original is not changed.
    """
    sections = copy.deepcopy(document.get("sections") or {})
    names = identifiers(
        company=document.get("company") or {},
        team=sections.get("team") or [],
        links=sections.get("links") or [],
        extra=extra,
    )
    redactor = Redactor(names)
    team = [
        {"name": MASK, "role": redactor(str(row.get("role", "")))}
        for row in sections.get("team") or []
        if isinstance(row, dict)
    ]
    links = [MASK for _link in sections.get("links") or []]
    price, licence = sections.get("price"), sections.get("licence")
    masked = redactor.deep({k: v for k, v in sections.items() if k not in ("team", "links")})
    masked.update({"team": team, "links": links, "price": price, "licence": licence})
    return {
        "format": document.get("format"),
        "challenge": document.get("challenge"),
        "company": None,
        "terms_version": document.get("terms_version"),
        "sections": masked,
        "attachments": [
            {"label": attachment_label(i)}
            for i, _a in enumerate(document.get("attachments") or [], start=1)
        ],
        "blind": True,
    }


def attachment_label(number: int) -> str:
    from django.utils.translation import gettext

    return gettext("Annex %(number)d") % {"number": number}


def blind_code(proposal) -> str:
    """A short code for a proposal, stable and unguessable, unrelated to its public id (which
    the opening act publishes next to the company): the address and label of a proposal for
    its evaluators."""
    digest = hmac.new(
        settings.SECRET_KEY.encode("utf-8"),
        f"retos:blind:{proposal.public_id}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return digest[:10].upper()
