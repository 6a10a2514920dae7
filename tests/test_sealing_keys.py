"""The platform key and the envelopes it wraps (retos/proposals/sealing.py)."""

import base64
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from retos.proposals import sealing


@pytest.fixture
def fresh_key(settings, tmp_path):
    settings.RETOS_SEALING_KEY = ""
    settings.RETOS_SEALING_KEY_FILE = str(tmp_path / "keys" / "sealing.key")
    sealing.platform_key.cache_clear()
    yield settings
    sealing.platform_key.cache_clear()


def test_outside_production_a_missing_key_file_is_created_readable_by_its_owner_only(fresh_key):
    key = sealing.platform_key()
    path = fresh_key.RETOS_SEALING_KEY_FILE
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode == 0o600
    assert len(key.secret) == 32 and len(key.key_id) == 16


def test_in_production_a_missing_key_is_a_configuration_error(fresh_key):
    fresh_key.DJANGO_ENV = "production"
    with pytest.raises(ImproperlyConfigured, match="RETOS_SEALING_KEY"):
        sealing.platform_key()


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_key_is_refused(fresh_key, value):
    fresh_key.RETOS_SEALING_KEY = value
    with pytest.raises(ImproperlyConfigured):
        sealing.platform_key()


def test_an_envelope_opens_only_with_the_same_platform_key(fresh_key):
    envelope, key_id, wrapped = sealing.new_envelope("owner-1")
    blob = envelope.seal(b"contenido", "draft")
    assert sealing.open_envelope("owner-1", key_id, wrapped).unseal(blob, "draft") == b"contenido"
    fresh_key.RETOS_SEALING_KEY = sealing.generate_key_text()
    sealing.platform_key.cache_clear()
    with pytest.raises(sealing.SealBroken):
        sealing.open_envelope("owner-1", key_id, wrapped)


def test_a_wrapped_key_belongs_to_its_owner(fresh_key):
    _envelope, key_id, wrapped = sealing.new_envelope("owner-1")
    with pytest.raises(sealing.SealBroken):
        sealing.open_envelope("owner-2", key_id, wrapped)


def test_a_ciphertext_is_bound_to_its_purpose_and_detects_tampering(fresh_key):
    envelope, _key_id, _wrapped = sealing.new_envelope("owner-1")
    blob = envelope.seal(b"precio 990000", "version:1")
    with pytest.raises(sealing.SealBroken):
        envelope.unseal(blob, "draft")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(sealing.SealBroken):
        envelope.unseal(tampered, "version:1")
    assert b"990000" not in blob


def test_an_envelope_never_prints_its_key(fresh_key):
    envelope, _key_id, _wrapped = sealing.new_envelope("owner-1")
    assert repr(envelope) == "<Envelope owner-1>"
