"""The Spanish (Mexico) catalogue is complete and safe to format.

Spanish is the site's default language, so an untranslated or broken entry shows English (or
raises) on a public page. Run `make messages`, translate every new entry, and these pass again.
The catalogue is parsed here with a small reader of our own: no extra dependency, no database.
"""

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PO_PATH = Path(__file__).resolve().parent.parent / "locale" / "es_MX" / "LC_MESSAGES" / "django.po"

# %(name)s, %(n)d, %s, %d, %.2f … (a literal "%%" is removed before matching). Unnamed ones
# ("%s") are only checked in entries flagged python-format, where "%" cannot be plain text.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\(([^)]+)\))?[#0+-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
# {name}, {0}, {name!r}, {value:,.2f} (a literal "{{" or "}}" is removed before matching).
BRACE_PLACEHOLDER = re.compile(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}")

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(text: str) -> str:
    """A PO string literal ("…" with C escapes) as a Python string."""
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a PO string: {text!r}"
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"


def parse_po(text: str) -> list[Entry]:
    """Every entry of a PO file, header included; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # the field that continuation lines extend

    def current(lineno: int, *, new_if_complete: bool) -> Entry:
        nonlocal entry
        if entry is None or (new_if_complete and entry.msgstr):
            entry = Entry(line=lineno)
            entries.append(entry)
        return entry

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:  # entries are separated by blank lines
            entry, target = None, None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags = (flag.strip() for flag in line[2:].split(","))
            current(lineno, new_if_complete=True).flags.update(flag for flag in flags if flag)
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"line {lineno}: stray string"
            name, index = target
            value = _unquote(line)
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
            continue
        keyword, _, rest = line.partition(" ")
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid"):
            current(lineno, new_if_complete=True)
        assert entry is not None, f"line {lineno}: {keyword} outside an entry"
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest))
            target = (keyword, 0)
        elif keyword == "msgstr" or match:
            index = int(match.group(1)) if match else 0
            entry.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            raise AssertionError(f"line {lineno}: unknown keyword {keyword!r}")
    return entries


def percent_placeholders(text: str, *, named_only: bool = False) -> list[str]:
    found = PERCENT_PLACEHOLDER.finditer(text.replace("%%", ""))
    return sorted(m.group(0) for m in found if m.group(1) or not named_only)


def brace_placeholders(text: str) -> list[str]:
    stripped = text.replace("{{", "").replace("}}", "")
    return sorted(m.group(0) for m in BRACE_PLACEHOLDER.finditer(stripped))


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def header(catalogue) -> Entry:
    first = catalogue[0]
    assert first.msgid == "" and first.msgctxt is None, "the catalogue has no header entry"
    return first


@pytest.fixture(scope="module")
def messages(catalogue) -> list[Entry]:
    found = [entry for entry in catalogue if entry.msgid]
    assert len(found) > 100, "the catalogue looks empty; run `make messages`"
    return found


def _nplurals(header: Entry) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0])
    assert match, "the header has no Plural-Forms"
    return int(match.group(1))


def _pairs(entry: Entry, nplurals: int):
    """(source, translation) pairs: msgstr[0] renders msgid, the other forms msgid_plural."""
    if entry.msgid_plural is None:
        yield entry.msgid, entry.msgstr.get(0, "")
        return
    for index in range(nplurals):
        source = entry.msgid if index == 0 else entry.msgid_plural
        yield source, entry.msgstr.get(index, "")


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s) in {PO_PATH.name}:\n" + "\n".join(problems)


def test_parser_reads_plurals_contexts_and_continuations():
    sample = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
            "",
            "#, fuzzy, python-format",
            'msgctxt "month"',
            'msgid "May"',
            'msgstr "mayo"',
            "",
            'msgid ""',
            '"%(n)s thing "',
            '"found."',
            'msgid_plural "%(n)s things found."',
            'msgstr[0] "Se encontró %(n)s cosa."',
            'msgstr[1] ""',
            "",
            '#~ msgid "Old"',
            '#~ msgstr "Viejo"',
        ]
    )
    header, month, plural = parse_po(sample)
    assert _nplurals(header) == 2
    assert (month.msgctxt, month.msgid, month.msgstr, month.flags) == (
        "month",
        "May",
        {0: "mayo"},
        {"fuzzy", "python-format"},
    )
    assert plural.msgid == "%(n)s thing found."
    assert plural.msgstr == {0: "Se encontró %(n)s cosa.", 1: ""}
    assert percent_placeholders("%(n)s of %(total)d, 100%% and (%)") == ["%(n)s", "%(total)d"]
    assert percent_placeholders("%s and %(n)s", named_only=True) == ["%(n)s"]
    assert brace_placeholders("{date}, {time} h, {{literal}}") == ["{date}", "{time}"]


def test_header_declares_spanish_mexico(header):
    assert "fuzzy" not in header.flags, "remove the #, fuzzy flag from the header"
    text = header.msgstr[0]
    assert re.search(r"^Language: es_MX$", text, re.MULTILINE)
    assert "Content-Type: text/plain; charset=UTF-8" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text


def test_no_fuzzy_entries(messages):
    problems = [entry.label for entry in messages if "fuzzy" in entry.flags]
    assert not problems, _report(problems)


def test_every_entry_is_translated(messages, header):
    nplurals = _nplurals(header)
    problems = []
    for entry in messages:
        expected = [0] if entry.msgid_plural is None else list(range(nplurals))
        for index in expected:
            if not entry.msgstr.get(index, "").strip():
                form = f" msgstr[{index}]" if entry.msgid_plural is not None else ""
                problems.append(f"{entry.label}{form} is empty")
    assert not problems, _report(problems)


def test_placeholders_are_kept(messages, header):
    nplurals = _nplurals(header)
    problems = []
    for entry in messages:
        named_only = "python-format" not in entry.flags
        for source, translation in _pairs(entry, nplurals):
            if not translation:
                continue  # reported by test_every_entry_is_translated
            for want, got in (
                (
                    percent_placeholders(source, named_only=named_only),
                    percent_placeholders(translation, named_only=named_only),
                ),
                (brace_placeholders(source), brace_placeholders(translation)),
            ):
                if want != got:
                    problems.append(f"{entry.label}: placeholders {want} became {got}")
    assert not problems, _report(problems)


def test_leading_and_trailing_newlines_match(messages, header):
    nplurals = _nplurals(header)
    problems = []
    for entry in messages:
        for source, translation in _pairs(entry, nplurals):
            if translation and (
                source.startswith("\n") != translation.startswith("\n")
                or source.endswith("\n") != translation.endswith("\n")
            ):
                problems.append(f"{entry.label}: leading/trailing newline differs")
    assert not problems, _report(problems)


def test_month_names_are_lowercase(messages):
    # Dates read "3 de marzo de 2026", so month names are common nouns in Spanish.
    months = [entry for entry in messages if entry.msgctxt == "month"]
    assert len(months) == 12
    problems = [entry.label for entry in months if entry.msgstr[0] != entry.msgstr[0].lower()]
    assert not problems, _report(problems)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_msgfmt_accepts_the_catalogue():
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "-", str(PO_PATH)],  # noqa: S607
        capture_output=True,
        text=False,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
