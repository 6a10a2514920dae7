"""Check a ``publiccode.yml`` against the vendored JSON Schema (``schemas/``), offline.

The text is parsed with PyYAML's safe loader, with two changes that keep it a plain JSON
document: dates stay strings (the schema says ``releaseDate`` is a string; YAML 1.1 would make
``2017-04-15`` a date object), and anchors and aliases are refused (an alias bomb, “billion
laughs”, fits in a few hundred bytes and would explode when validated or stored). The schema's
own messages are returned, each with the path of the offending field, so the supplier can fix
the file without guessing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from django.utils.translation import gettext as _
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

from retos.core.errors import DomainError

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "publiccode.schema.json"
#: A real publiccode.yml is a few kilobytes; the schema's longest texts fit well below this.
MAX_BYTES = 256 * 1024
#: How many of the schema's messages are shown at once.
MAX_MESSAGES = 20
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class PubliccodeError(DomainError):
    """The file was refused; ``problems`` lists each reason (with its field's path)."""

    def __init__(self, problems: list[str], *, code: str):
        self.problems = [str(p) for p in problems]
        super().__init__(" ".join(self.problems), code=code)


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, without timestamps and without anchors or aliases."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases (*name) are not allowed in a publiccode.yml",
                event.start_mark,
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors (&name) are not allowed in a publiccode.yml",
                event.start_mark,
            )
        return super().compose_node(parent, index)


_NoAliasLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def schema() -> dict:
    with SCHEMA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _validator() -> Draft7Validator:
    return Draft7Validator(schema(), format_checker=Draft7Validator.FORMAT_CHECKER)


def error_path(error: ValidationError) -> str:
    """Where the error is, as people write it: ``description.en.shortDescription``,
    ``platforms[0]``; the whole file is ``publiccode.yml``."""
    parts: list[str] = []
    for part in error.absolute_path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "publiccode.yml"


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is not None:
        return _(
            "The publiccode.yml is not valid YAML (line %(line)d, column %(column)d: "
            "%(problem)s). Check the indentation, the colons and the quotes there."
        ) % {"line": mark.line + 1, "column": mark.column + 1, "problem": problem}
    return _(
        "The publiccode.yml is not valid YAML (%(problem)s). Check the indentation, the colons "
        "and the quotes."
    ) % {"problem": problem}


def _plain(value, path: str = "publiccode.yml") -> str | None:
    """The path of the first value JSON cannot hold (bytes, sets, NaN…), or None."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{path}.{key}"
            found = _plain(item, f"{path}.{key}" if path != "publiccode.yml" else key)
            if found:
                return found
        return None
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _plain(item, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return path
    if value is None or isinstance(value, (str, bool, int, float)):
        return None
    return path


def parse(text: str) -> dict:
    """The document as a dict, or ``PubliccodeError`` saying why it cannot be read."""
    text = text or ""
    if not text.strip():
        raise PubliccodeError(
            [_("Paste the contents of your publiccode.yml, or choose the file.")], code="empty"
        )
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise PubliccodeError(
            [
                _(
                    "The publiccode.yml has %(size)d KB; at most %(max)d KB are accepted. A "
                    "publiccode.yml describes the software: move long texts to the "
                    "repository's documentation and link them."
                )
                % {"size": math.ceil(size / 1024), "max": MAX_BYTES // 1024}
            ],
            code="too_large",
        )
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise PubliccodeError([_yaml_problem(exc)], code="yaml") from exc
    except RecursionError as exc:
        raise PubliccodeError(
            [_("The publiccode.yml is nested too deeply to be read. Simplify its structure.")],
            code="yaml",
        ) from exc
    if not isinstance(data, dict):
        raise PubliccodeError(
            [
                _(
                    "The publiccode.yml must be a mapping of keys and values (publiccodeYmlVersion:"
                    " …, name: …, url: …), not a list or a single value."
                )
            ],
            code="not_mapping",
        )
    bad = _plain(data)
    if bad:
        raise PubliccodeError(
            [
                _(
                    "%(path)s: this value cannot be stored (YAML tags such as !!binary or !!set, "
                    "non-text keys, .nan or .inf). Write it as plain text, a number or a list."
                )
                % {"path": bad}
            ],
            code="not_plain",
        )
    return data


def _shorten(message: str, limit: int = 300) -> str:
    """The schema's message, cut when it lists a long enumeration (the categories)."""
    return message if len(message) <= limit else message[: limit - 1].rstrip(", ") + "…]"


def schema_problems(data: dict) -> list[str]:
    """The schema's own messages, each prefixed with the path of the field, in file order."""
    try:
        errors = sorted(
            _validator().iter_errors(data),
            key=lambda e: ([str(p) for p in e.absolute_path], e.message),
        )
    except RecursionError:
        return [_("The publiccode.yml is nested too deeply to be checked. Simplify it.")]
    problems = [f"{error_path(e)}: {_shorten(e.message)}" for e in errors[:MAX_MESSAGES]]
    if len(errors) > MAX_MESSAGES:
        problems.append(
            _("… and %(count)d more problems. Fix these first and send it again.")
            % {"count": len(errors) - MAX_MESSAGES}
        )
    return problems


def same_repository(a: str, b: str) -> bool:
    """Two addresses of the same repository: scheme and host in any case, with or without a
    trailing slash or ``.git``."""

    def normal(url: str) -> tuple[str, str, str]:
        parts = urlsplit((url or "").strip())
        path = parts.path.rstrip("/")
        path = path.removesuffix(".git").rstrip("/")
        return parts.scheme.lower(), parts.netloc.lower(), path

    return normal(a) == normal(b)


@dataclass(frozen=True)
class Publiccode:
    data: dict

    @property
    def name(self) -> str:
        return str(self.data.get("name", "")).strip()

    def description(self, languages=("es", "en")) -> dict:
        """The description in the first language found: ``es`` (any ``es-*``), then ``en``,
        then whichever comes first."""
        descriptions = self.data.get("description") or {}
        if not isinstance(descriptions, dict) or not descriptions:
            return {}
        for wanted in languages:
            for lang, text in descriptions.items():
                if (lang == wanted or str(lang).startswith(f"{wanted}-")) and isinstance(
                    text, dict
                ):
                    return text
        first = next(iter(descriptions.values()))
        return first if isinstance(first, dict) else {}


def validate(text: str, *, licence: str | None = None, repository_url: str | None = None):
    """Parse and check ``text``; with ``licence`` and ``repository_url`` (the delivery form's),
    the file must say the same. Returns a :class:`Publiccode`; raises ``PubliccodeError``."""
    data = parse(text)
    problems = schema_problems(data)
    if problems:
        raise PubliccodeError(problems, code="schema")
    mismatches = []
    declared = (data.get("legal") or {}).get("license", "")
    if licence is not None and str(declared).strip() != licence:
        mismatches.append(
            _(
                "legal.license: the publiccode.yml says “%(declared)s” but the delivery says "
                "“%(licence)s”. Make them the same."
            )
            % {"declared": declared, "licence": licence}
        )
    url = data.get("url", "")
    if repository_url is not None and not same_repository(str(url), repository_url):
        mismatches.append(
            _(
                "url: the publiccode.yml says “%(declared)s” but the repository URL of the "
                "delivery is “%(url)s”. Make them the same."
            )
            % {"declared": url, "url": repository_url}
        )
    if mismatches:
        raise PubliccodeError(mismatches, code="mismatch")
    return Publiccode(data)
