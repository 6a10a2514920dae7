"""A database dump and the storage folder, taken before the opening act, hold none of a
proposal's plaintext: not its sections, not its attachments, not their file names.

Every part of a proposal carries one unique marker; the dumps (SQLite's ``iterdump`` or
PostgreSQL's ``pg_dump``, and ``manage.py dumpdata``, which writes binary fields in base64) and
every file under MEDIA_ROOT are searched for it, raw and base64-decoded. Controls show that the
search finds what is there: a public field carrying another marker is found in the same dumps,
and the proposal's own marker is found once the service decrypts it for a member.
"""

import base64
import binascii
import io
import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from retos.organizations.models import State
from retos.proposals import services
from retos.proposals.models import ProposalAttachment
from tests.factories import ChallengeFactory
from tests.proposal_helpers import complete_sections, pdf_file, started_proposal

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _states():
    # A transactional test starts from empty tables: the factories need these states.
    State.objects.get_or_create(
        code="09", defaults={"name": "Ciudad de México", "abbreviation": "CDMX"}
    )
    State.objects.get_or_create(code="14", defaults={"name": "Jalisco", "abbreviation": "JAL"})


def marked_sections(marker: str) -> dict:
    sections = complete_sections(marker)
    for key in ("summary", "understanding", "solution", "technical_approach", "ux_approach"):
        sections[key] = f"{key} {marker}"
    sections["work_plan"] = [{"title": f"Hito {marker}", "weeks": 4, "deliverable": marker}]
    sections["team"] = [{"name": f"Persona {marker}", "role": f"Rol {marker}"}]
    sections["links"] = [f"https://example.org/{marker}"]
    return sections


@pytest.fixture
def sealed(settings):
    """Two proposals, one submitted (twice) and one a draft, every part carrying the marker;
    and, as a control, a public challenge summary carrying another marker. Tasks (the receipt
    emails) are queued in the database, as in production, so the dump holds them too."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "email"],
        }
    }
    marker = f"SELLO{uuid.uuid4().hex}"
    control = f"PUBLICO{uuid.uuid4().hex}"
    challenge = ChallengeFactory(summary=f"Resumen público {control}")
    proposals = []
    for submit in (True, False):
        proposal, actor = started_proposal(challenge)
        services.proposal_save(proposal=proposal, actor=actor, changes=marked_sections(marker))
        services.proposal_attach(
            proposal=proposal, actor=actor, file=pdf_file(marker, name=f"{marker}.pdf")
        )
        if submit:
            services.proposal_submit(proposal=proposal, actor=actor)
            services.proposal_save(
                proposal=proposal, actor=actor, changes={"summary": f"v2 {marker}"}
            )
            services.proposal_submit(proposal=proposal, actor=actor)
        proposals.append((proposal, actor))
    assert challenge.opened_at is None
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.exists(), "the receipt emails should wait in the task queue"
    return marker, control, proposals


_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/]{16,}={0,2}")
_HEX_RUN = re.compile(rb"(?:\\x|\\\\x|X')?([0-9a-fA-F]{32,})")


def decoded_views(data: bytes):
    """``data`` and whatever base64 or hex runs in it decode to (dumps write binary columns
    as base64, ``X'..'`` or ``\\x..``)."""
    yield data
    for run in _BASE64_RUN.findall(data):
        decoded = _try(base64.b64decode, run + b"=" * (-len(run) % 4))
        if decoded is not None:
            yield decoded
    for run in _HEX_RUN.findall(data):
        decoded = _try(bytes.fromhex, run.decode()[: len(run) // 2 * 2])
        if decoded is not None:
            yield decoded


def _try(decode, value):
    try:
        return decode(value)
    except (binascii.Error, ValueError):
        return None


def contains(data: bytes, marker: str) -> bool:
    needles = {marker.encode("utf-8"), marker.encode("utf-16-le")}
    return any(needle in view for view in decoded_views(data) for needle in needles)


def sql_dump() -> bytes:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump()).encode("utf-8")
    if connection.vendor == "postgresql":
        if shutil.which("pg_dump") is None:
            pytest.skip("pg_dump is not installed")
        db = connection.settings_dict
        command = [
            "pg_dump",
            "--no-owner",
            "--host",
            db.get("HOST") or "127.0.0.1",
            "--port",
            str(db.get("PORT") or 5432),
            "--username",
            db.get("USER") or "postgres",
            db["NAME"],
        ]
        env = {"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
        result = subprocess.run(command, capture_output=True, env=env, check=True, timeout=120)
        return result.stdout
    pytest.skip(f"no dump for {connection.vendor}")


def dumpdata() -> bytes:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue().encode("utf-8")


def storage_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_sql_dump_before_opening_holds_no_plaintext(sealed):
    marker, control, _proposals = sealed
    dump = sql_dump()
    assert contains(dump, control), "control: the public summary should be in the dump"
    assert not contains(dump, marker)


def test_dumpdata_before_opening_holds_no_plaintext_even_base64_decoded(sealed):
    marker, control, _proposals = sealed
    dump = dumpdata()
    assert contains(dump, control)
    assert not contains(dump, marker)
    # And field by field: every string value, raw and as base64.
    for record in json.loads(dump):
        for field, value in record["fields"].items():
            text = json.dumps(value, ensure_ascii=False)
            assert marker not in text, f"{record['model']}.{field}"
            if isinstance(value, str):
                try:
                    raw = base64.b64decode(value, validate=True)
                except (binascii.Error, ValueError):
                    continue
                assert marker.encode() not in raw, f"{record['model']}.{field} (base64)"


def test_the_storage_folder_before_opening_holds_no_plaintext(sealed):
    marker, _control, proposals = sealed
    files = storage_files()
    assert len(files) == len(proposals)  # one sealed file per attachment, nothing else
    root = Path(settings.MEDIA_ROOT)
    for path in files:
        assert marker not in str(path.relative_to(root)), "the file name leaks"
        assert path.relative_to(root).parts[0] == "sealed"
        assert path.suffix == ".bin"
        data = path.read_bytes()
        assert not contains(data, marker)
        assert b"%PDF" not in data


def test_control_the_marker_is_found_after_decrypting_through_the_service(sealed):
    marker, _control, proposals = sealed
    (submitted, member), (draft_only, draft_member) = proposals
    draft = services.proposal_draft_read(proposal=submitted, actor=member)
    assert contains(json.dumps(draft.sections, ensure_ascii=False).encode(), marker)
    version = services.counted_version(submitted)
    document = services.proposal_version_read(version=version, actor=member)
    assert contains(json.dumps(document, ensure_ascii=False).encode(), marker)
    for proposal, actor in proposals:
        attachment = ProposalAttachment.objects.get(proposal=proposal)
        name, data = services.attachment_read(attachment=attachment, actor=actor)
        assert marker in name and contains(data, marker)
    assert draft_only.status == "draft" and draft_member != member


def test_control_the_search_finds_plaintext_however_the_dump_encodes_it():
    marker = f"SELLO{uuid.uuid4().hex}"
    assert contains(f"x {marker} y".encode(), marker)
    assert contains(base64.b64encode(f"ab{marker}".encode()), marker)
    assert contains(b"X'" + f"{marker}".encode().hex().encode() + b"'", marker)
    assert contains(b"\\x" + f"z{marker}".encode().hex().encode(), marker)
    assert not contains(b"nothing here", marker)
