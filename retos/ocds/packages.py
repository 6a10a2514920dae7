"""Writers of the OCDS files, as iterators of bytes: a package (one JSON object whose releases
or records array is written as it is read), JSON Lines (one release or record per line), and
gzip of either. Output is gathered into chunks of about ``BUFFER`` bytes, so memory holds one
chunk whatever the size of the file.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator

BUFFER = 64 * 1024
LINE_BREAKS = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"})


def dumps(value) -> str:
    """Compact UTF-8 JSON text. U+0085, U+2028 and U+2029 (valid in JSON strings, but line
    breaks to many readers) are escaped, so that a JSON Lines file has one document per line."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(LINE_BREAKS)


def _buffered(parts: Iterable[str]) -> Iterator[bytes]:
    pending: list[bytes] = []
    size = 0
    for part in parts:
        data = part.encode("utf-8")
        pending.append(data)
        size += len(data)
        if size >= BUFFER:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)


def package(metadata: dict, key: str, items: Iterable[str]) -> Iterator[bytes]:
    """A package: ``metadata`` plus ``key`` (``releases`` or ``records``), an array of the JSON
    texts in ``items``, streamed."""

    def parts() -> Iterator[str]:
        head = dumps(metadata)
        yield head[:-1] + f',"{key}":['
        separator = "\n"
        for item in items:
            yield separator
            yield item
            separator = ",\n"
        yield "\n]}\n"

    return _buffered(parts())


def lines(items: Iterable[str]) -> Iterator[bytes]:
    """JSON Lines: one JSON text per line."""
    return _buffered(f"{item}\n" for item in items)


def gzipped(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The gzip file of ``chunks``, compressed as they come."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for chunk in chunks:
        data = compressor.compress(chunk)
        if data:
            yield data
    yield compressor.flush()


def texts(documents: Iterable[dict]) -> Iterator[str]:
    """Each document as compact JSON text."""
    return (dumps(document) for document in documents)
