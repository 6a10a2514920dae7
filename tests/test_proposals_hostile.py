"""Hostile input at the service level: scripts and SQL are stored verbatim (they are escaped when
shown), everything malformed is refused with a clear message and leaves nothing stored, and
uploaded files are checked by content and land, sealed, under MEDIA_ROOT/sealed/ whatever their
name says."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation

from retos.core.errors import DomainError
from retos.ledger.models import Event
from retos.proposals import content, services
from retos.proposals.models import ProposalAttachment
from tests.factories import ChallengeFactory
from tests.proposal_helpers import (
    complete_sections,
    open_challenge,
    opening_officers,
    pdf_file,
    started_proposal,
)
from tests.test_documents import docx_bytes, png_bytes, zip_bomb_docx

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
SQL = "'); DROP TABLE proposals_proposal; --"
PAYLOADS = {"script": SCRIPT, "sql": SQL, "both": f"{SCRIPT} {SQL} \" ' ` \\ %s {{ x }}"}


@pytest.fixture
def proposal_and_actor():
    challenge = ChallengeFactory()
    return started_proposal(challenge)


def draft(proposal, actor) -> dict:
    return services.proposal_draft_read(proposal=proposal, actor=actor).sections


def refused_save(proposal, actor, changes) -> DomainError:
    """Save ``changes``, expect a refusal, and check that nothing was stored."""
    before = draft(proposal, actor)
    saves = Event.objects.filter(action="proposal.draft_saved").count()
    with translation.override("en"), pytest.raises(DomainError) as excinfo:
        services.proposal_save(proposal=proposal, actor=actor, changes=changes)
    proposal.refresh_from_db()
    assert draft(proposal, actor) == before
    assert Event.objects.filter(action="proposal.draft_saved").count() == saves
    return excinfo.value


def upload(data: bytes, name: str):
    handle = io.BytesIO(data)
    handle.name = name
    handle.size = len(data)
    return handle


def refused_attach(proposal, actor, file, name=None) -> DomainError:
    with translation.override("en"), pytest.raises(DomainError) as excinfo:
        services.proposal_attach(proposal=proposal, actor=actor, file=file, name=name)
    assert not ProposalAttachment.objects.filter(proposal=proposal).exists()
    assert not stored_files(), "a refused file left something in the storage folder"
    return excinfo.value


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Text: stored verbatim -------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("section", content.TEXT_KEYS)
def test_script_and_sql_in_a_text_section_are_stored_verbatim(proposal_and_actor, section, payload):
    proposal, actor = proposal_and_actor
    services.proposal_save(proposal=proposal, actor=actor, changes={section: payload})
    assert draft(proposal, actor)[section] == payload.strip()


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_script_and_sql_in_milestone_and_team_rows_are_stored_verbatim(proposal_and_actor, payload):
    proposal, actor = proposal_and_actor
    services.proposal_save(
        proposal=proposal,
        actor=actor,
        changes={
            "work_plan": [{"title": payload[:200], "weeks": 3, "deliverable": payload}],
            "team": [{"name": payload[:200], "role": payload[:200]}],
        },
    )
    sections = draft(proposal, actor)
    assert sections["work_plan"] == [
        {"title": payload[:200].strip(), "weeks": 3, "deliverable": payload.strip()}
    ]
    assert sections["team"] == [{"name": payload[:200].strip(), "role": payload[:200].strip()}]


def test_a_submitted_version_keeps_the_payload_verbatim_and_its_digest_matches(
    proposal_and_actor,
):
    proposal, actor = proposal_and_actor
    sections = complete_sections()
    sections["summary"] = f"{SCRIPT} {SQL}"
    services.proposal_save(proposal=proposal, actor=actor, changes=sections)
    version = services.proposal_submit(proposal=proposal, actor=actor)
    document = services.proposal_version_read(version=version, actor=actor)
    assert document["sections"]["summary"] == f"{SCRIPT} {SQL}"
    assert services.version_verify(version).ok


# Text: refused -------------------------------------------------------------------------------


@pytest.mark.parametrize("section", content.TEXT_KEYS)
def test_a_null_byte_in_a_text_section_is_refused(proposal_and_actor, section):
    error = refused_save(*proposal_and_actor, {section: "antes\x00después"})
    assert error.code == "null_character"
    assert "contains a null character" in error.message


@pytest.mark.parametrize(
    "changes",
    [
        {"work_plan": [{"title": "Hito\x00", "weeks": 2, "deliverable": "x"}]},
        {"work_plan": [{"title": "Hito", "weeks": 2, "deliverable": "x\x00"}]},
        {"team": [{"name": "Ana\x00", "role": "Dirección"}]},
        {"team": [{"name": "Ana", "role": "\x00"}]},
    ],
    ids=["milestone-title", "milestone-deliverable", "team-name", "team-role"],
)
def test_a_null_byte_in_a_row_is_refused(proposal_and_actor, changes):
    error = refused_save(*proposal_and_actor, changes)
    assert error.code == "null_character"
    assert "null character" in error.message


@pytest.mark.parametrize("section", content.TEXT_SECTIONS, ids=lambda s: s.key)
def test_a_text_section_at_its_limit_is_accepted_and_one_more_character_refused(
    proposal_and_actor, section
):
    proposal, actor = proposal_and_actor
    services.proposal_save(
        proposal=proposal, actor=actor, changes={section.key: "a" * section.max_length}
    )
    error = refused_save(proposal, actor, {section.key: "b" * (section.max_length + 1)})
    assert error.code == "too_long"
    assert f"at most {section.max_length}" in error.message.replace(",", "")


@pytest.mark.parametrize(
    "changes, code, words",
    [
        (
            {"work_plan": [{"title": "x" * 201, "weeks": 1, "deliverable": ""}]},
            "too_long",
            "too long",
        ),
        ({"team": [{"name": "x" * 201, "role": "r"}]}, "too_long", "too long"),
        (
            {"work_plan": [{"title": "Hito", "weeks": "1; DROP TABLE x", "deliverable": ""}]},
            "milestone_weeks",
            "whole number",
        ),
        (
            {"work_plan": [{"title": "Hito", "weeks": 521, "deliverable": ""}]},
            "milestone_weeks",
            "between 1 and 520",
        ),
        ({"work_plan": "<script>"}, "malformed", "malformed"),
        ({"team": [["Ana", "Dirección"]]}, "malformed", "malformed"),
        ({"summary": ["not", "text"]}, "not_text", "must be text"),
    ],
    ids=[
        "long-milestone",
        "long-team-name",
        "sql-weeks",
        "weeks-too-far",
        "plan-string",
        "team-lists",
        "summary-list",
    ],
)
def test_malformed_rows_are_refused(proposal_and_actor, changes, code, words):
    error = refused_save(*proposal_and_actor, changes)
    assert error.code == code
    assert words in error.message


@pytest.mark.parametrize(
    "changes, code, words",
    [
        (
            {
                "work_plan": [
                    {"title": f"Hito {i}", "weeks": 1, "deliverable": ""}
                    for i in range(content.MAX_MILESTONES + 1)
                ]
            },
            "too_many_rows",
            f"at most {content.MAX_MILESTONES} rows",
        ),
        (
            {"team": [{"name": f"P{i}", "role": "r"} for i in range(content.MAX_TEAM + 1)]},
            "too_many_rows",
            f"at most {content.MAX_TEAM} rows",
        ),
        (
            {"links": [f"https://example.org/{i}" for i in range(content.MAX_LINKS + 1)]},
            "too_many_links",
            f"at most {content.MAX_LINKS} links",
        ),
    ],
    ids=["milestones", "team", "links"],
)
def test_too_many_rows_are_refused(proposal_and_actor, changes, code, words):
    error = refused_save(*proposal_and_actor, changes)
    assert error.code == code
    assert words in error.message


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "//example.org/sin-esquema",
        "https://",
        "https://exa mple.org/",
    ],
)
def test_a_link_that_is_not_a_web_address_is_refused(proposal_and_actor, link):
    error = refused_save(*proposal_and_actor, {"links": [link]})
    assert error.code == "link_invalid"
    assert "is not a web address" in error.message


def test_an_overlong_link_is_refused(proposal_and_actor):
    error = refused_save(*proposal_and_actor, {"links": ["https://example.org/" + "a" * 500]})
    assert error.code == "link_too_long"
    assert "at most 500 characters" in error.message


def test_a_web_address_with_a_script_in_its_path_is_stored_verbatim(proposal_and_actor):
    proposal, actor = proposal_and_actor
    link = f"https://example.org/{SCRIPT}"
    services.proposal_save(proposal=proposal, actor=actor, changes={"links": [link]})
    assert draft(proposal, actor)["links"] == [link]


def test_good_links_are_kept_once_each(proposal_and_actor):
    proposal, actor = proposal_and_actor
    services.proposal_save(
        proposal=proposal,
        actor=actor,
        changes={"links": "https://example.org/a\n\nhttps://example.org/a\nhttp://example.org/b"},
    )
    assert draft(proposal, actor)["links"] == ["https://example.org/a", "http://example.org/b"]


@pytest.mark.parametrize(
    "price, code, words",
    [
        ("1e9", "price_above_amount", "cannot exceed the contract amount"),
        ("-5", "price_not_positive", "more than zero"),
        ("0", "price_not_positive", "more than zero"),
        ("NaN", "price_not_number", "must be an amount in pesos"),
        ("sNaN", "price_not_number", "must be an amount in pesos"),
        ("Infinity", "price_not_number", "must be an amount in pesos"),
        ("-Infinity", "price_not_number", "must be an amount in pesos"),
        ("1,000.001", "price_decimals", "at most two decimals"),
        ("mil pesos", "price_not_number", "must be an amount in pesos"),
        ("1; DROP TABLE x", "price_not_number", "must be an amount in pesos"),
        (SCRIPT, "price_not_number", "must be an amount in pesos"),
        ("1250000.01", "price_above_amount", "cannot exceed the contract amount"),
    ],
)
def test_a_bad_price_is_refused(proposal_and_actor, price, code, words):
    error = refused_save(*proposal_and_actor, {"price": price})
    assert error.code == code
    assert words in error.message


@pytest.mark.parametrize(
    "price, stored",
    [(" 10 ", "10.00"), ("$1,250,000", "1250000.00"), ("999.5", "999.50"), ("1e3", "1000.00")],
)
def test_a_price_with_blanks_or_separators_is_accepted_as_a_plain_amount(
    proposal_and_actor, price, stored
):
    proposal, actor = proposal_and_actor
    services.proposal_save(proposal=proposal, actor=actor, changes={"price": price})
    assert draft(proposal, actor)["price"] == stored


@pytest.mark.parametrize("licence", ["GPL-3.0-only", "Propietaria", SCRIPT, "mit"])
def test_a_licence_the_challenge_does_not_allow_is_refused(proposal_and_actor, licence):
    error = refused_save(*proposal_and_actor, {"licence": licence})
    assert error.code == "licence_not_allowed"
    assert "licences the challenge allows" in error.message


@pytest.mark.parametrize(
    "changes",
    [
        {"is_admissible": True},
        {"summary": "ok", "status": "submitted"},
        {"__proto__": {}},
        {"company": "Otra S.A."},
    ],
)
def test_unknown_sections_are_refused(proposal_and_actor, changes):
    error = refused_save(*proposal_and_actor, changes)
    assert error.code == "unknown_section"
    assert "Unknown proposal sections" in error.message


# Attachments ---------------------------------------------------------------------------------


def test_an_oversized_attachment_is_refused(proposal_and_actor, settings):
    settings.RETOS_MAX_UPLOAD_MB = 1
    data = pdf_file().getvalue()
    data = data + b"%" + b"x" * (1024 * 1024 + 1 - len(data) - 1)
    assert len(data) == 1024 * 1024 + 1
    error = refused_attach(*proposal_and_actor, upload(data, "grande.pdf"))
    assert error.code == "too_large"
    assert "larger than the limit" in error.message


def test_an_oversized_attachment_that_lies_about_its_size_is_refused(proposal_and_actor, settings):
    settings.RETOS_MAX_UPLOAD_MB = 1
    data = pdf_file().getvalue() + b"%" + b"x" * (2 * 1024 * 1024)
    file = upload(data, "grande.pdf")
    file.size = 10
    error = refused_attach(*proposal_and_actor, file)
    assert error.code == "too_large"


def test_png_bytes_named_pdf_are_refused(proposal_and_actor):
    error = refused_attach(*proposal_and_actor, upload(png_bytes(), "propuesta.pdf"))
    assert error.code == "extension_mismatch" or "PNG" in error.message
    assert "propuesta.pdf" in error.message


def test_text_named_pdf_is_refused(proposal_and_actor):
    error = refused_attach(
        *proposal_and_actor, upload(b"Hola, esto es texto.\n" * 20, "propuesta.pdf")
    )
    assert error.code == "kind_unknown"
    assert "could not recognise the contents" in error.message


def test_an_html_file_named_pdf_is_refused(proposal_and_actor):
    error = refused_attach(
        *proposal_and_actor, upload(f"<html>{SCRIPT}</html>".encode(), "propuesta.pdf")
    )
    assert error.code in {"kind_unknown", "kind_not_allowed"}


def test_an_empty_file_is_refused(proposal_and_actor):
    error = refused_attach(*proposal_and_actor, upload(b"", "vacio.pdf"))
    assert error.code == "empty"
    assert "is empty" in error.message


@pytest.mark.parametrize(
    "name, code",
    [
        ("../../etc/passwd.pdf", "name_path"),
        ("..\\..\\x.pdf", "name_path"),
        ("/etc/passwd.pdf", "name_path"),
        ("C:\\Windows\\x.pdf", "name_path"),
        ("propuesta\x00.pdf", "name_control"),
        ("propuesta.pdf\x00.exe", "name_control"),
        ("fdp.\u202eexe.pdf", "name_control"),  # right-to-left override
        ("propuesta\u2066.pdf", "name_control"),  # left-to-right isolate
        ("", "name_missing"),
        ("sin-extension", "extension_missing"),
    ],
    ids=[
        "dotdot-slash",
        "dotdot-backslash",
        "absolute",
        "windows",
        "nul",
        "nul-exe",
        "rlo",
        "lri",
        "empty",
        "no-extension",
    ],
)
def test_a_hostile_file_name_is_refused(proposal_and_actor, name, code):
    error = refused_attach(*proposal_and_actor, pdf_file(), name=name)
    assert error.code == code
    assert "Rename" in error.message or "no name" in error.message


@pytest.mark.parametrize(
    "name",
    [
        "<img src=x onerror=alert(1)>.pdf",
        f"{SQL}.pdf",
        "propuesta final (v2) – Ñandú.pdf",
    ],
)
def test_an_accepted_file_is_sealed_under_media_root_whatever_its_name(proposal_and_actor, name):
    proposal, actor = proposal_and_actor
    attachment = services.proposal_attach(
        proposal=proposal, actor=actor, file=pdf_file(), name=name
    )
    root = Path(django_settings.MEDIA_ROOT).resolve()
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(root / "sealed")
    assert stored.relative_to(root).parts == (
        "sealed",
        str(proposal.public_id),
        f"{attachment.public_id}.bin",
    )
    assert stored_files() == [stored]
    assert name.encode() not in bytes(attachment.name_sealed)
    assert name not in attachment.file.name
    # The name and the bytes come back verbatim to a member.
    read_name, data = services.attachment_read(attachment=attachment, actor=actor)
    assert read_name == name
    assert data == pdf_file().getvalue()
    assert data not in stored.read_bytes()


def test_a_zip_bomb_docx_is_refused(proposal_and_actor):
    error = refused_attach(*proposal_and_actor, upload(zip_bomb_docx(), "anexo.docx"))
    assert error.code == "zip_bomb"


def test_a_real_docx_is_accepted(proposal_and_actor):
    proposal, actor = proposal_and_actor
    attachment = services.proposal_attach(
        proposal=proposal, actor=actor, file=upload(docx_bytes(), "anexo.docx")
    )
    assert attachment.size == len(docx_bytes())


def test_at_most_ten_attachments(proposal_and_actor):
    proposal, actor = proposal_and_actor
    for i in range(services.MAX_ATTACHMENTS):
        services.proposal_attach(
            proposal=proposal, actor=actor, file=pdf_file(f"M{i}", name=f"a{i}.pdf")
        )
    before = stored_files()
    with translation.override("en"), pytest.raises(DomainError) as excinfo:
        services.proposal_attach(proposal=proposal, actor=actor, file=pdf_file(name="once.pdf"))
    assert excinfo.value.code == "too_many_attachments"
    assert "at most 10 attachments" in excinfo.value.message
    assert stored_files() == before
    assert proposal.attachments.count() == services.MAX_ATTACHMENTS


# Shown escaped ---------------------------------------------------------------------------------


def hostile_sections() -> dict:
    sections = complete_sections()
    for key in content.TEXT_KEYS:
        sections[key] = f"{key}: {SCRIPT} {SQL}"
    sections["work_plan"] = [{"title": f"Hito {SCRIPT}", "weeks": 2, "deliverable": SCRIPT}]
    sections["team"] = [{"name": f"Ana {SCRIPT}", "role": SCRIPT}]
    sections["links"] = [f"https://example.org/?q={SCRIPT}"]
    return sections


def assert_escaped(response):
    assert response.status_code == 200
    text = response.content.decode()
    assert SCRIPT not in text, "a payload is rendered as markup"
    assert "&lt;script&gt;" in text, "control: the payload should be on the page, escaped"


@pytest.mark.parametrize("step", ["resumen", "solucion", "plan", "equipo", "precio"])
def test_payloads_are_escaped_on_every_step_of_the_editor(client, proposal_and_actor, step):
    proposal, actor = proposal_and_actor
    services.proposal_save(proposal=proposal, actor=actor, changes=hostile_sections())
    client.force_login(actor)
    url = reverse("proposals:edit", kwargs={"public_id": proposal.public_id, "step": step})
    response = client.get(url)
    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


def test_payloads_are_escaped_on_the_review_receipt_and_officials_pages(client):

    challenge = ChallengeFactory()
    proposal, actor = started_proposal(challenge)
    services.proposal_save(proposal=proposal, actor=actor, changes=hostile_sections())
    name = "<img src=x onerror=alert(1)>.pdf"
    services.proposal_attach(proposal=proposal, actor=actor, file=pdf_file(), name=name)
    client.force_login(actor)
    assert_escaped(client.get(reverse("proposals:submit", args=[proposal.public_id])))
    version = services.proposal_submit(proposal=proposal, actor=actor)
    receipt = client.get(version.get_absolute_url())
    assert receipt.status_code == 200
    assert SCRIPT not in receipt.content.decode()
    assert name not in receipt.content.decode()
    with time_machine.travel(challenge.submissions_close_at + timedelta(days=1)):
        open_challenge(challenge)
        official = opening_officers(challenge.body, 1)[0]
        client.force_login(official)
        page = client.get(reverse("proposals:detail", args=[proposal.public_id]))
        assert_escaped(page)
        assert name not in page.content.decode()
