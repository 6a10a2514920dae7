"""Envelope encryption of sealed proposals (AES-256-GCM).

Each proposal has its own random *data key*. Its contents (the working draft, every submitted
version, every attachment and its file name) are encrypted with that key; the key itself is
stored only *wrapped*, encrypted by the *platform key*. The platform key never enters the
database: it is read from ``RETOS_SEALING_KEY`` (base64) or from the file named by
``RETOS_SEALING_KEY_FILE``. A database dump or a copy of the storage folder therefore holds only
ciphertext.

This module does cryptography only; *who* may unwrap a key is decided by the services
(``retos.proposals.services``), which check the ``proposal:read`` rule and record every read
and every refusal in the ledger before they call :func:`open_envelope`.

Every ciphertext is bound to its proposal and purpose by the associated data (``aad``): a
blob copied from one proposal to another, or from an attachment into the draft, fails to
decrypt instead of being read in the wrong place.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
KEY_BYTES = 32


class SealBroken(Exception):
    """A ciphertext did not decrypt: it was altered, or belongs elsewhere, or the key is wrong."""


@dataclass(frozen=True)
class PlatformKey:
    key_id: str
    secret: bytes


def _decode(raw: str, origin: str) -> bytes:
    try:
        secret = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{origin} is not valid base64") from exc
    if len(secret) != KEY_BYTES:
        raise ImproperlyConfigured(f"{origin} must hold {KEY_BYTES} random bytes in base64")
    return secret


def _key_id(secret: bytes) -> str:
    # Names the key without revealing it, so a rotated key can be told apart from the old one.
    return hashlib.sha256(b"retos-sealing-key-id:" + secret).hexdigest()[:16]


def generate_key_text() -> str:
    """A new platform key, as the base64 text ``RETOS_SEALING_KEY`` or its file holds."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


@cache
def platform_key() -> PlatformKey:
    """The platform key from the environment or its file.

    Outside production a missing key file is created (readable by its owner only), so that
    ``make run`` works on a fresh machine; in production a missing key is a configuration
    error, because a key made up on the spot would seal proposals nobody could later open.
    """
    if settings.RETOS_SEALING_KEY:
        secret = _decode(settings.RETOS_SEALING_KEY, "RETOS_SEALING_KEY")
        return PlatformKey(_key_id(secret), secret)
    path = Path(settings.RETOS_SEALING_KEY_FILE)
    if not path.exists():
        if settings.DJANGO_ENV == "production":
            raise ImproperlyConfigured(
                "Set RETOS_SEALING_KEY or RETOS_SEALING_KEY_FILE: proposals cannot be sealed "
                "without the platform key"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(generate_key_text() + "\n")
    secret = _decode(path.read_text(encoding="ascii"), str(path))
    return PlatformKey(_key_id(secret), secret)


def _encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    blob = bytes(blob)
    if len(blob) < NONCE_BYTES + 16:
        raise SealBroken("ciphertext too short")
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise SealBroken("ciphertext does not decrypt") from exc


@dataclass(frozen=True)
class Envelope:
    """A proposal's unwrapped data key. Made only by :func:`new_envelope` and
    :func:`open_envelope`; seals and unseals blobs bound to the proposal."""

    owner: str
    _key: bytes

    def _aad(self, purpose: str) -> bytes:
        return f"retos:{self.owner}:{purpose}".encode()

    def seal(self, plaintext: bytes, purpose: str) -> bytes:
        return _encrypt(self._key, plaintext, self._aad(purpose))

    def unseal(self, blob: bytes, purpose: str) -> bytes:
        return _decrypt(self._key, blob, self._aad(purpose))

    def __repr__(self) -> str:  # never print a key, even in a traceback
        return f"<Envelope {self.owner}>"


def _wrap_aad(owner: str) -> bytes:
    return f"retos:{owner}:data-key".encode()


def new_envelope(owner: str) -> tuple[Envelope, str, bytes]:
    """A fresh data key for ``owner`` (a proposal's public id): the envelope, the platform
    key's id and the wrapped key to store."""
    platform = platform_key()
    data_key = secrets.token_bytes(KEY_BYTES)
    wrapped = _encrypt(platform.secret, data_key, _wrap_aad(owner))
    return Envelope(owner, data_key), platform.key_id, wrapped


def open_envelope(owner: str, key_id: str, wrapped: bytes) -> Envelope:
    """Unwrap a stored data key. Callers must have checked who is asking."""
    platform = platform_key()
    if key_id != platform.key_id:
        raise SealBroken(f"sealed with platform key {key_id}, not the configured key")
    return Envelope(owner, _decrypt(platform.secret, wrapped, _wrap_aad(owner)))
