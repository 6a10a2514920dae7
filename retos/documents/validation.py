"""The checks every uploaded file passes before it is stored.

Reusable by any upload (challenge documents now; proposal attachments and complaint evidence
later): call :func:`validate_upload` with the kinds that place accepts. Nothing here trusts what
the browser says: the type is read from the file's own bytes with ``filetype``, the name's
extension must agree with it, the size is counted while the SHA-256 is computed, and the zip
containers behind DOCX and ODT are inspected (never extracted) for zip bombs.

Every refusal is a :class:`~retos.core.errors.DomainError` with a ``code`` (for tests and APIs)
and a message that tells the person what to do next.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from filetype.types import archive, document, image

from retos.core.errors import DomainError

CHUNK_SIZE = 64 * 1024
# filetype reads at most this many bytes from the start of a file.
HEAD_SIZE = 8192
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Kind:
    """A kind of file we accept: how to recognise it by content and what to call it."""

    code: str
    label: Promise
    content_type: str
    #: Extensions a name may end in; the first is the one files are stored with.
    extensions: tuple[str, ...]
    matcher: object
    #: A zip container (DOCX, ODT): inspected for zip bombs.
    is_zip: bool = False
    #: Members a real file of this kind always has.
    required_members: tuple[str, ...] = ()

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def short(self) -> str:
        """The name used in messages: PDF, ODT, DOCX, PNG, JPEG (the same in every language)."""
        return self.code.upper()

    def matches(self, head: bytes) -> bool:
        return bool(self.matcher.match(bytearray(head)))


PDF = Kind("pdf", gettext_lazy("PDF"), "application/pdf", ("pdf",), archive.Pdf())
ODT = Kind(
    "odt",
    gettext_lazy("OpenDocument text (ODT)"),
    document.Odt.MIME,
    ("odt",),
    document.Odt(),
    is_zip=True,
    required_members=("mimetype", "content.xml"),
)
DOCX = Kind(
    "docx",
    gettext_lazy("Word document (DOCX)"),
    document.Docx.MIME,
    ("docx",),
    document.Docx(),
    is_zip=True,
    required_members=("[Content_Types].xml", "word/document.xml"),
)
PNG = Kind("png", gettext_lazy("PNG image"), "image/png", ("png",), image.Png())
JPEG = Kind("jpeg", gettext_lazy("JPEG image"), "image/jpeg", ("jpg", "jpeg"), image.Jpeg())

KINDS: dict[str, Kind] = {k.code: k for k in (PDF, ODT, DOCX, PNG, JPEG)}
KINDS_BY_CONTENT_TYPE: dict[str, Kind] = {k.content_type: k for k in KINDS.values()}
#: What a challenge document may be. Other uploads pass their own list of codes.
DEFAULT_KINDS: tuple[str, ...] = ("pdf", "odt", "docx", "png", "jpeg")


@dataclass(frozen=True)
class ZipLimits:
    """How much a DOCX or ODT may hold once decompressed.

    Real documents stay far below these: a long report with images has a few hundred members
    and compresses a few times, not hundreds. A zip bomb declares gigabytes in kilobytes.
    """

    max_members: int = 1000
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    #: Uncompressed ÷ compressed, for the whole archive and for any member over 1 MiB.
    max_ratio: int = 100


@dataclass(frozen=True)
class ValidatedUpload:
    """What the checks learnt about an accepted file."""

    name: str
    kind: Kind
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type

    @property
    def storage_name(self) -> str:
        """Where the file is stored: chosen from its digest, never from the person's name."""
        return f"documents/{self.sha256[:2]}/{self.sha256}.{self.kind.extension}"


def max_upload_bytes() -> int:
    return settings.RETOS_MAX_UPLOAD_MB * 1024 * 1024


def resolve_kinds(kinds: Iterable[str | Kind]) -> list[Kind]:
    resolved = [k if isinstance(k, Kind) else KINDS[k] for k in kinds]
    if not resolved:
        raise ValueError("accept at least one kind of file")
    return resolved


def kinds_label(kinds: Iterable[Kind]) -> str:
    """“PDF, ODT, DOCX, PNG or JPEG”, from the extensions (the same in every language)."""
    names = [k.short for k in kinds]
    if len(names) == 1:
        return names[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def accept_attribute(kinds: Iterable[str | Kind]) -> str:
    """The ``accept`` attribute of a file input for these kinds (a hint to the browser only)."""
    return ",".join(f".{ext}" for k in resolve_kinds(kinds) for ext in k.extensions)


def upload_hint(kinds: Iterable[str | Kind] = DEFAULT_KINDS, max_bytes: int | None = None):
    """The hint under a file input: what is accepted and up to what size."""
    return format_lazy(
        gettext_lazy("{kinds}, up to {size}."),
        kinds=kinds_label(resolve_kinds(kinds)),
        size=filesizeformat(max_bytes or max_upload_bytes()),
    )


# Invisible characters that reorder text: “informe‮fdp.exe” shows as “informeexe.pdf”.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS


def _suggest_name(name: str) -> str:
    """A harmless name to propose when we refuse one."""
    last = re.split(r"[/\\]", name)[-1]
    last = "".join(c for c in last if not _is_control(c))
    last = re.sub(r"\.{2,}", ".", " ".join(last.split())).strip(" .")
    return last or "documento.pdf"


def clean_file_name(name: str | None) -> str:
    """The name as people will see it, or a refusal that says how to rename the file.

    Names are only ever shown (and offered back on download); they are never used as a path.
    Still, a name that looks like a path or hides characters is refused rather than silently
    changed, so what the uploader sees is what everyone else sees.
    """
    name = unicodedata.normalize("NFC", name or "")
    if not name.strip():
        raise DomainError(
            _("The file has no name. Give it a name such as “informe.pdf” and upload it again."),
            code="name_missing",
        )
    if "/" in name or "\\" in name or ".." in name:
        raise DomainError(
            _(
                "The file name “%(name)s” contains “/”, “\\” or “..”, which file names may not "
                "have. Rename the file (for example to “%(suggestion)s”) and upload it again."
            )
            % {
                "name": "".join(c for c in name if not _is_control(c)),
                "suggestion": _suggest_name(name),
            },
            code="name_path",
        )
    if any(_is_control(c) for c in name):
        raise DomainError(
            _(
                "The file name contains invisible control characters. Rename the file using "
                "letters, numbers, spaces, hyphens and dots (for example “%(suggestion)s”) and "
                "upload it again."
            )
            % {"suggestion": _suggest_name(name)},
            code="name_control",
        )
    name = " ".join(name.split())
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem.strip() or not extension:
        raise DomainError(
            _(
                "The file name “%(name)s” has no extension. Rename it so it ends in the type of "
                "file it is, such as “.pdf”, and upload it again."
            )
            % {"name": name},
            code="extension_missing",
        )
    if len(name) > MAX_NAME_LENGTH:
        # Long names are shortened, not refused: keep the start and the extension.
        name = f"{stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip()}.{extension}"
    return name


def _chunks(file) -> Iterator[bytes]:
    if hasattr(file, "chunks"):
        yield from file.chunks(CHUNK_SIZE)
        return
    file.seek(0)
    while chunk := file.read(CHUNK_SIZE):
        yield chunk


def _too_large(size: int, max_bytes: int) -> DomainError:
    values = {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
    if values["size"] == values["limit"]:
        message = _("The file is larger than the limit of %(limit)s.") % values
    else:
        message = _("The file is %(size)s, larger than the limit of %(limit)s.") % values
    return DomainError(
        message
        + " "
        + _(
            "Make it smaller (for example, save the PDF with compressed images, or split it in "
            "parts) and upload it again."
        ),
        code="too_large",
    )


def _empty(name: str) -> DomainError:
    return DomainError(
        _("The file “%(name)s” is empty. Check that you chose the right file and upload it again.")
        % {"name": name},
        code="empty",
    )


def _detect(head: bytes, kinds: list[Kind], name: str) -> Kind:
    for kind in kinds:
        if kind.matches(head):
            return kind
    allowed = kinds_label(kinds)
    other = next((k for k in KINDS.values() if k.matches(head)), None)
    guess = filetype.guess(bytearray(head)) if other is None else None
    if other is not None or guess is not None:
        raise DomainError(
            _(
                "The contents of “%(name)s” are %(kind)s, which is not accepted here. Save or "
                "export it as %(allowed)s and upload it again."
            )
            % {
                "name": name,
                "kind": other.short if other else f"{guess.extension.upper()} ({guess.mime})",
                "allowed": allowed,
            },
            code="kind_not_allowed",
        )
    raise DomainError(
        _(
            "We could not recognise the contents of “%(name)s” as %(allowed)s. If it is one, "
            "it may be damaged: save or export it again and upload the new file."
        )
        % {"name": name, "allowed": allowed},
        code="kind_unknown",
    )


def _check_extension(name: str, kind: Kind, kinds: list[Kind]) -> None:
    """The name must say what the contents are: a PNG called “informe.pdf” is refused."""
    stem, _dot, extension = name.rpartition(".")
    if extension.lower() in kind.extensions:
        return
    named_as = next((k for k in kinds if extension.lower() in k.extensions), None)
    values = {
        "name": name,
        "extension": extension,
        "kind": kind.short,
        "suggestion": f"{stem}.{kind.extension}",
    }
    if named_as is not None:
        message = _(
            "“%(name)s” is named as %(named_as)s, but its contents are %(kind)s. Rename it to "
            "“%(suggestion)s”, or upload the real %(named_as)s file."
        ) % {**values, "named_as": named_as.short}
    else:
        message = (
            _(
                "“%(name)s” ends in .%(extension)s, but its contents are %(kind)s. Rename it to "
                "“%(suggestion)s” and upload it again."
            )
            % values
        )
    raise DomainError(message, code="extension_mismatch")


def _damaged(name: str, kind: Kind) -> DomainError:
    return DomainError(
        _(
            "“%(name)s” looks like %(kind)s but could not be read; it may be damaged or "
            "password-protected. Open it, save it again without a password, and upload the new "
            "file."
        )
        % {"name": name, "kind": kind.short},
        code="damaged",
    )


def _check_zip(file, *, name: str, kind: Kind, size: int, limits: ZipLimits) -> None:
    """Refuse zip bombs by what the archive declares, then prove the declaration true.

    Nothing is extracted. ``testzip`` decompresses each member in memory and checks its CRC;
    ``zipfile`` never produces more than the size a member declares, so the work is bounded by
    the limits already checked, and a member that lies about its size fails its CRC.
    """
    file.seek(0)
    try:
        # The count the archive declares, read from its end record before ``ZipFile`` builds
        # an object per member: millions of empty members would otherwise cost the memory.
        end_record = zipfile._EndRecData(file)
        declared = end_record[zipfile._ECD_ENTRIES_TOTAL] if end_record else 0
        file.seek(0)
        with zipfile.ZipFile(file) as archive_:
            members = archive_.infolist()
            if max(declared, len(members)) > limits.max_members:
                raise DomainError(
                    _(
                        "“%(name)s” holds %(count)d parts; a %(kind)s file may hold at most "
                        "%(limit)d. Save it again from your word processor, or export it as "
                        "PDF, and upload the new file."
                    )
                    % {
                        "name": name,
                        "count": max(declared, len(members)),
                        "kind": kind.short,
                        "limit": limits.max_members,
                    },
                    code="zip_members",
                )
            total = sum(m.file_size for m in members)
            bomb = (
                total > limits.max_uncompressed_bytes
                or total > limits.max_ratio * max(size, 1)
                or any(
                    m.file_size > 1024 * 1024
                    and m.file_size > limits.max_ratio * max(m.compress_size, 1)
                    for m in members
                )
            )
            if bomb:
                raise DomainError(
                    _(
                        "“%(name)s” is %(size)s but says it expands to %(total)s when opened, "
                        "far more than a real document does. Export it as PDF, or save it again "
                        "from your word processor, and upload the new file."
                    )
                    % {
                        "name": name,
                        "size": filesizeformat(size),
                        "total": filesizeformat(total),
                    },
                    code="zip_bomb",
                )
            names = {m.filename for m in members}
            if any(required not in names for required in kind.required_members):
                raise _damaged(name, kind)
            if archive_.testzip() is not None:
                raise _damaged(name, kind)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        # RuntimeError: encrypted members; NotImplementedError: an unknown compression method.
        raise _damaged(name, kind) from exc
    finally:
        file.seek(0)


def validate_upload(
    file,
    *,
    name: str | None = None,
    kinds: Iterable[str | Kind] = DEFAULT_KINDS,
    max_bytes: int | None = None,
    zip_limits: ZipLimits | None = None,
) -> ValidatedUpload:
    """Check ``file`` (an uploaded or any seekable binary file) and describe it.

    ``name`` defaults to ``file.name``; ``kinds`` are codes from :data:`KINDS` (or ``Kind``
    objects); ``max_bytes`` defaults to ``RETOS_MAX_UPLOAD_MB``. The file is read once from
    the start for its digest and left at position 0.
    """
    kinds = resolve_kinds(kinds)
    max_bytes = max_bytes if max_bytes is not None else max_upload_bytes()
    zip_limits = zip_limits or ZipLimits()
    name = clean_file_name(name if name is not None else getattr(file, "name", None))

    declared = getattr(file, "size", None)
    if declared == 0:
        raise _empty(name)
    if declared is not None and declared > max_bytes:
        raise _too_large(declared, max_bytes)

    file.seek(0)
    head = file.read(HEAD_SIZE)
    if not head:
        raise _empty(name)
    kind = _detect(head, kinds, name)
    _check_extension(name, kind, kinds)

    digest = hashlib.sha256()
    size = 0
    for chunk in _chunks(file):
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        digest.update(chunk)
    file.seek(0)
    if size == 0:
        raise _empty(name)

    if kind.is_zip:
        _check_zip(file, name=name, kind=kind, size=size, limits=zip_limits)
    return ValidatedUpload(name=name, kind=kind, size=size, sha256=digest.hexdigest())
