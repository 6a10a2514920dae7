"""Documents: uploads checked by content, stored by digest, attached to draft challenges by the
body, downloaded only by those who may see the challenge."""

import hashlib
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from retos.challenges.stages import Stage
from retos.core.errors import DomainError
from retos.documents import selectors, services
from retos.documents.models import ChallengeDocument, Document
from retos.documents.validation import ZipLimits, clean_file_name, validate_upload
from retos.ledger.models import Event
from tests.factories import UserFactory
from tests.lifecycle import ROLES, challenge_in, person

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
EDITORS = {"body_official", "body_approver"}
BODY_ROLES = {"body_admin", "body_official", "body_approver", "body_opening_officer"}


# Minimal real files, built by hand -----------------------------------------------------------


def pdf_bytes(padding: int = 0) -> bytes:
    return (
        b"%PDF-1.4\n"
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n" + b"%" + b"x" * padding + b"\n%%EOF\n"
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes() -> bytes:
    """A 1×1 white pixel."""
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def docx_bytes(document_xml: bytes | None = None, extra_members: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            zipfile.ZipInfo("word/document.xml"),
            document_xml
            or b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hola</w:t></w:r></w:p>'
            b"</w:body></w:document>",
            compress_type=zipfile.ZIP_DEFLATED,
            compresslevel=9,
        )
        for i in range(extra_members):
            z.writestr(f"word/media/image{i}.xml", "<x/>")
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        # The first member, stored uncompressed, names the type: that is how it is recognised.
        z.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0"><office:body><office:text/></office:body>'
            "</office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def zip_bomb_docx() -> bytes:
    """A DOCX whose document expands from a few kilobytes to 30 MiB of zeros."""
    return docx_bytes(document_xml=b"\x00" * (30 * 1024 * 1024))


def upload(content: bytes, name: str = "anexo.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refused(content, name, **kwargs) -> DomainError:
    file = content if hasattr(content, "read") else ContentFile(content, name=name)
    with pytest.raises(DomainError) as excinfo, translation.override("en"):
        validate_upload(file, name=name, **kwargs)
    return excinfo.value


def attach(challenge, content: bytes = b"", name: str = "anexo.pdf", title: str = "Anexo"):
    """A link made directly (not through the service), for challenges in any stage."""
    with transaction.atomic():
        document = services.document_create(
            file=ContentFile(content or pdf_bytes(), name=name), uploaded_by=UserFactory()
        )
    position = ChallengeDocument.objects.filter(challenge=challenge).count()
    return ChallengeDocument.objects.create(
        challenge=challenge,
        document=document,
        title=title,
        position=position,
        added_by=document.uploaded_by,
    )


# Validation: what is accepted ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "name", "content_type"),
    [
        (pdf_bytes, "Bases del reto.pdf", "application/pdf"),
        (png_bytes, "diagrama.png", "image/png"),
        (jpeg_bytes, "foto.JPG", "image/jpeg"),
        (jpeg_bytes, "foto.jpeg", "image/jpeg"),
        (
            docx_bytes,
            "anexo técnico.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (odt_bytes, "anexo.odt", "application/vnd.oasis.opendocument.text"),
    ],
)
def test_real_pdf_png_jpeg_docx_and_odt_files_are_accepted_by_their_content(
    builder, name, content_type
):
    content = builder()
    result = validate_upload(ContentFile(content, name=name))
    assert result.content_type == content_type
    assert result.name == name
    assert result.size == len(content)


def test_the_digest_is_the_sha256_of_the_bytes_computed_while_streaming_chunks():
    content = pdf_bytes(padding=300_000)  # several chunks
    assert validate_upload(io.BytesIO(content), name="a.pdf").sha256 == (
        hashlib.sha256(content).hexdigest()
    )


def test_the_kinds_accepted_are_chosen_per_call():
    error = refused(png_bytes(), "diagrama.png", kinds=["pdf"])
    assert error.code == "kind_not_allowed"
    assert "PNG" in error.message and "PDF" in error.message
    assert validate_upload(ContentFile(png_bytes(), name="d.png"), kinds=["png"]).kind.code == "png"


# Validation: what is refused, and what the message says -------------------------------------


def test_a_file_whose_content_does_not_match_its_name_is_refused_naming_both():
    error = refused(png_bytes(), "informe.pdf")
    assert error.code == "extension_mismatch"
    assert "PDF" in error.message and "PNG" in error.message
    assert "informe.png" in error.message  # what to rename it to


def test_a_known_type_we_do_not_accept_is_refused_whatever_its_name():
    gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00;"
    error = refused(gif, "informe.pdf")
    assert error.code == "kind_not_allowed"
    assert "GIF" in error.message


def test_text_renamed_to_pdf_is_not_recognised():
    error = refused(b"just some text, not a PDF", "informe.pdf")
    assert error.code == "kind_unknown"
    assert "damaged" in error.message


def test_a_generic_zip_renamed_to_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes.txt", "hola")
    error = refused(buffer.getvalue(), "anexo.docx")
    assert error.code == "kind_not_allowed"
    assert "ZIP" in error.message


def test_an_oversized_file_is_refused_with_the_limit(settings):
    settings.RETOS_MAX_UPLOAD_MB = 1
    error = refused(pdf_bytes(padding=1024 * 1024), "grande.pdf")
    assert error.code == "too_large"
    assert "limit of 1.0\xa0MB" in error.message


def test_an_oversized_stream_without_a_declared_size_is_refused_while_reading():
    error = refused(io.BytesIO(pdf_bytes(padding=5000)), "grande.pdf", max_bytes=4096)
    assert error.code == "too_large"


@pytest.mark.parametrize("name", ["", "   "])
def test_a_file_without_a_name_is_refused(name):
    assert refused(pdf_bytes(), name).code == "name_missing"


def test_an_empty_file_is_refused():
    error = refused(b"", "vacio.pdf")
    assert error.code == "empty"
    assert "vacio.pdf" in error.message


def test_an_empty_stream_without_a_declared_size_is_refused():
    assert refused(io.BytesIO(b""), "vacio.pdf").code == "empty"


@pytest.mark.parametrize(
    "name",
    [
        "../informe.pdf",
        "../../etc/passwd.pdf",
        "carpeta/informe.pdf",
        "/informe.pdf",
        "C:\\Users\\ana\\informe.pdf",
        "..\\informe.pdf",
        "informe..pdf",
        "..",
    ],
)
def test_a_name_with_path_separators_or_dot_dot_is_refused_saying_what_to_rename(name):
    error = refused(pdf_bytes(), name)
    assert error.code == "name_path"
    assert "Rename the file" in error.message


def test_the_suggested_name_is_harmless():
    error = refused(pdf_bytes(), "../../informe final.pdf")
    assert "“informe final.pdf”" in error.message


@pytest.mark.parametrize(
    "name", ["informe\x00.pdf", "informe\n.pdf", "informe\x1b.pdf", "anexo\u202efdp.exe"]
)
def test_a_name_with_nul_or_control_characters_is_refused(name):
    error = refused(pdf_bytes(), name)
    assert error.code == "name_control"
    assert "\x00" not in error.message and "\u202e" not in error.message


def test_a_name_without_extension_is_refused():
    assert refused(pdf_bytes(), "informe").code == "extension_missing"


def test_long_names_are_shortened_keeping_the_extension():
    name = clean_file_name("a" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith("a.pdf")


def test_a_zip_bomb_disguised_as_docx_is_refused():
    content = zip_bomb_docx()
    assert len(content) < 100 * 1024
    error = refused(content, "propuesta.docx")
    assert error.code == "zip_bomb"
    assert "Export it as PDF" in error.message


def test_a_docx_over_the_total_uncompressed_size_is_refused():
    limits = ZipLimits(max_uncompressed_bytes=500)
    assert refused(docx_bytes(), "anexo.docx", zip_limits=limits).code == "zip_bomb"


def test_a_docx_with_too_many_members_is_refused():
    limits = ZipLimits(max_members=10)
    error = refused(docx_bytes(extra_members=20), "anexo.docx", zip_limits=limits)
    assert error.code == "zip_members"


def test_a_docx_whose_data_is_corrupt_is_refused_as_damaged():
    content = bytearray(docx_bytes(document_xml=b"<w:document>" + b"palabra " * 2000))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + 25):
        content[i] ^= 0xFF
    assert refused(bytes(content), "anexo.docx").code == "damaged"


def test_a_docx_without_its_document_is_refused_as_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/styles.xml", "<w:styles/>")
    assert refused(buffer.getvalue(), "anexo.docx").code == "damaged"


# Storage --------------------------------------------------------------------------------------


def test_a_stored_document_is_named_by_its_digest_and_keeps_the_original_name_for_display(
    settings,
):
    content = pdf_bytes()
    with transaction.atomic():
        document = services.document_create(
            file=upload(content, "Bases del reto (versión 2).pdf"), uploaded_by=UserFactory()
        )
    digest = hashlib.sha256(content).hexdigest()
    assert document.sha256 == digest
    assert document.file.name == f"documents/{digest[:2]}/{digest}.pdf"
    assert document.original_name == "Bases del reto (versión 2).pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(content)
    stored = Path(settings.MEDIA_ROOT) / document.file.name
    assert stored.read_bytes() == content


def test_the_same_content_uploaded_twice_is_stored_once_with_two_rows(settings, user):
    with transaction.atomic():
        first = services.document_create(file=upload(png_bytes(), "a.png"), uploaded_by=user)
        second = services.document_create(file=upload(png_bytes(), "b.png"), uploaded_by=user)
    assert first.pk != second.pk
    assert first.file.name == second.file.name
    assert len(list((Path(settings.MEDIA_ROOT) / "documents").rglob("*.png"))) == 1


@pytest.mark.parametrize(
    ("field", "value"), [("size", 0), ("sha256", "abc"), ("original_name", "")]
)
def test_the_database_refuses_a_document_with_no_size_a_short_digest_or_no_name(field, value):
    values = {
        "file": "documents/x.pdf",
        "original_name": "x.pdf",
        "content_type": "application/pdf",
        "size": 10,
        "sha256": "a" * 64,
        "uploaded_by": UserFactory(),
        field: value,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(**values)


def test_the_database_refuses_the_same_document_twice_on_a_challenge():
    link = attach(challenge_in(Stage.DRAFT))
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeDocument.objects.create(
            challenge=link.challenge,
            document=link.document,
            title="Otra vez",
            position=9,
            added_by=link.added_by,
        )


# Services: add and remove --------------------------------------------------------------------


def test_an_official_adds_documents_to_a_draft_in_order_and_the_ledger_records_it(body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    official = person("body_official", body)
    content = pdf_bytes()
    first = services.challenge_document_add(
        challenge=challenge, actor=official, file=upload(content, "bases.pdf"), title=" Bases "
    )
    second = services.challenge_document_add(
        challenge=challenge, actor=official, file=upload(png_bytes(), "mapa.png"), title=""
    )
    assert (first.title, first.position) == ("Bases", 0)
    assert (second.title, second.position) == ("mapa", 1)  # the file name without extension
    event = Event.objects.get(action="challenge.document_added", payload__title="Bases")
    assert event.subject_id == str(challenge.pk)
    assert event.payload["sha256"] == hashlib.sha256(content).hexdigest()
    assert event.public is False  # a draft's documents are the agency's business


def test_a_refused_file_leaves_no_row_and_no_event(body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    with pytest.raises(DomainError) as excinfo:
        services.challenge_document_add(
            challenge=challenge,
            actor=person("body_official", body),
            file=ContentFile(png_bytes(), name="../informe.pdf"),
            title="Informe",
        )
    assert excinfo.value.code == "name_path"
    assert not Document.objects.exists()
    assert not Event.objects.filter(action__startswith="challenge.document").exists()


def test_removing_a_document_keeps_the_document_and_its_file_and_records_both_facts(body, settings):
    challenge = challenge_in(Stage.DRAFT, body=body)
    official = person("body_official", body)
    link = services.challenge_document_add(
        challenge=challenge, actor=official, file=upload(pdf_bytes()), title="Bases"
    )
    document = link.document
    services.challenge_document_remove(challenge_document=link, actor=official)
    assert not ChallengeDocument.objects.exists()
    assert Document.objects.filter(pk=document.pk).exists()
    assert (Path(settings.MEDIA_ROOT) / document.file.name).exists()
    actions = list(
        Event.objects.filter(subject_id=str(challenge.pk))
        .filter(action__startswith="challenge.document")
        .values_list("action", "payload__sha256")
    )
    assert actions == [
        ("challenge.document_added", document.sha256),
        ("challenge.document_removed", document.sha256),
    ]


def test_removing_twice_is_refused_with_a_clear_message(body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    official = person("body_official", body)
    link = attach(challenge)
    services.challenge_document_remove(challenge_document=link, actor=official)
    with pytest.raises(DomainError) as excinfo:
        services.challenge_document_remove(challenge_document=link, actor=official)
    assert excinfo.value.code == "already_removed"


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.PUBLISHED])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_body_officials_and_approvers_may_add_documents_to_a_draft(body, role, stage):
    challenge = challenge_in(stage, body=body)
    actor = person(role, body)
    allowed = role in EDITORS and stage == Stage.DRAFT
    if allowed:
        services.challenge_document_add(
            challenge=challenge, actor=actor, file=upload(pdf_bytes()), title="Bases"
        )
        assert challenge.documents.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.challenge_document_add(
                challenge=challenge, actor=actor, file=upload(pdf_bytes()), title="Bases"
            )
        assert not Document.objects.exists()


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.PUBLISHED])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_body_officials_and_approvers_may_remove_documents_from_a_draft(body, role, stage):
    challenge = challenge_in(stage, body=body)
    link = attach(challenge)
    actor = person(role, body)
    if role in EDITORS and stage == Stage.DRAFT:
        services.challenge_document_remove(challenge_document=link, actor=actor)
        assert not challenge.documents.exists()
    else:
        with pytest.raises(PermissionDenied):
            services.challenge_document_remove(challenge_document=link, actor=actor)
        assert challenge.documents.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_the_amendment_path_adds_to_a_published_challenge_for_the_body_officials_only(body, role):
    challenge = challenge_in(Stage.PUBLISHED, body=body)
    actor = person(role, body)
    if role in EDITORS:
        link = services.challenge_document_add(
            challenge=challenge,
            actor=actor,
            file=upload(pdf_bytes()),
            title="Anexo modificado",
            allow_published=True,
        )
        event = Event.objects.get(action="challenge.document_added")
        assert event.public is True
        assert event.payload["challenge_document"] == link.pk
    else:
        with pytest.raises(PermissionDenied):
            services.challenge_document_add(
                challenge=challenge,
                actor=actor,
                file=upload(pdf_bytes()),
                title="Anexo",
                allow_published=True,
            )


@pytest.mark.parametrize("stage", [Stage.IN_REVIEW, Stage.CLOSED, Stage.CANCELLED])
def test_the_amendment_path_is_closed_outside_the_published_stage(body, stage):
    challenge = challenge_in(stage, body=body)
    with pytest.raises(PermissionDenied):
        services.challenge_document_add(
            challenge=challenge,
            actor=person("body_approver", body),
            file=upload(pdf_bytes()),
            title="Anexo",
            allow_published=True,
        )


def test_the_amendment_path_still_works_on_a_draft(body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    services.challenge_document_add(
        challenge=challenge,
        actor=person("body_official", body),
        file=upload(pdf_bytes()),
        title="Bases",
        allow_published=True,
    )
    assert challenge.documents.count() == 1


# Pages ----------------------------------------------------------------------------------------


def documents_url(challenge, language=""):
    with translation.override("es-mx"):
        url = reverse("documents:challenge_documents", kwargs={"slug": challenge.slug})
    return f"/{language}{url}" if language else url


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.PUBLISHED])
@pytest.mark.parametrize("role", ROLES)
def test_the_documents_page_is_a_404_for_anyone_who_may_not_edit(client, body, role, stage):
    challenge = challenge_in(stage, body=body)
    actor = person(role, body)
    if role != "anonymous":
        client.force_login(actor)
    response = client.get(documents_url(challenge))
    if role == "anonymous":
        assert response.status_code == 302 and "/cuenta/" in response["Location"]
    elif role in EDITORS and stage == Stage.DRAFT:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_an_official_uploads_a_document_through_the_page_without_javascript(client, body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(person("body_official", body))
    page = client.get(documents_url(challenge, "en")).text
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="id_file">' in page and '<label for="id_title">' in page
    assert 'accept=".pdf,.odt,.docx,.png,.jpg,.jpeg"' in page
    response = client.post(
        documents_url(challenge, "en"),
        {"title": "Anexo técnico", "file": upload(odt_bytes(), "anexo.odt")},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == documents_url(challenge, "en")
    assert "was added to the challenge" in response.text
    assert "Anexo técnico" in response.text and "OpenDocument text (ODT)" in response.text
    assert challenge.documents.get().document.sha256 == hashlib.sha256(odt_bytes()).hexdigest()


def test_a_refused_upload_shows_the_reason_in_an_error_summary_linked_to_the_field(client, body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(person("body_official", body))
    response = client.post(
        documents_url(challenge, "en"), {"title": "Mapa", "file": upload(png_bytes(), "mapa.pdf")}
    )
    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert '<a href="#id_file">' in response.text
    assert "“mapa.pdf” is named as PDF, but its contents are PNG" in response.text
    assert not Document.objects.exists()


def test_an_empty_upload_gets_the_services_message(client, body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(person("body_official", body))
    response = client.post(
        documents_url(challenge, "en"), {"title": "", "file": upload(b"", "vacio.pdf")}
    )
    assert "“vacio.pdf” is empty" in response.text


def test_an_official_removes_a_document_through_the_page(client, body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    link = attach(challenge, title="Bases viejas")
    client.force_login(person("body_approver", body))
    url = reverse(
        "documents:challenge_document_remove", kwargs={"slug": challenge.slug, "pk": link.pk}
    )
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Bases viejas" in response.text  # in the confirmation message
    assert not challenge.documents.exists()
    assert Document.objects.filter(pk=link.document_id).exists()


def test_removing_through_the_page_is_a_404_for_outsiders_and_after_publication(client, body):
    draft = challenge_in(Stage.DRAFT, body=body)
    published = challenge_in(Stage.PUBLISHED, body=body)
    for challenge, actor in [
        (draft, person("other_body_approver", body)),
        (draft, person("body_opening_officer", body)),
        (published, person("body_approver", body)),
    ]:
        link = attach(challenge)
        client.force_login(actor)
        url = reverse(
            "documents:challenge_document_remove",
            kwargs={"slug": challenge.slug, "pk": link.pk},
        )
        assert client.post(url).status_code == 404
        assert ChallengeDocument.objects.filter(pk=link.pk).exists()


def test_script_payloads_in_titles_and_file_names_are_escaped(client, body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    official = person("body_official", body)
    services.challenge_document_add(
        challenge=challenge,
        actor=official,
        file=upload(pdf_bytes(), f"{SCRIPT}.pdf".replace("/", "")),
        title=SCRIPT,
    )
    client.force_login(official)
    page = client.get(documents_url(challenge)).text
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    # The include as the public page will render it.
    published = challenge_in(Stage.PUBLISHED, body=body)
    attach(published, title=SCRIPT)
    html = render_to_string(
        "documents/_challenge_documents.html",
        {"challenge": published, "documents": selectors.public_documents(published)},
    )
    assert SCRIPT not in html and "&lt;script&gt;" in html


def test_the_public_list_shows_title_type_size_digest_and_a_download_link(client):
    challenge = challenge_in(Stage.PUBLISHED)
    link = attach(challenge, content=png_bytes(), name="mapa.png", title="Mapa de la zona")
    with translation.override("en"):
        html = render_to_string(
            "documents/_challenge_documents.html",
            {"challenge": challenge, "documents": selectors.public_documents(challenge)},
        )
    assert "Mapa de la zona" in html
    assert "PNG image" in html
    assert f"{len(png_bytes())}\xa0bytes" in html
    assert "<wbr>".join(link.document.sha256[i : i + 16] for i in range(0, 64, 16)) in html
    assert link.document.get_absolute_url() in html


def test_public_documents_is_one_query_in_order(django_assert_num_queries):
    challenge = challenge_in(Stage.PUBLISHED)
    titles = [f"Anexo {i}" for i in range(5)]
    for title in titles:
        attach(challenge, content=pdf_bytes(padding=len(title) + len(titles)), title=title)
    with django_assert_num_queries(1):
        documents = selectors.public_documents(challenge)
        assert [d.title for d in documents] == titles
        assert all(d.document.size for d in documents)


def test_the_documents_page_runs_the_same_queries_with_2_and_20_documents(client, body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(person("body_official", body))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(documents_url(challenge)).status_code == 200
        return len(ctx.captured_queries)

    for i in range(2):
        attach(challenge, content=pdf_bytes(padding=i), title=f"Anexo {i}")
    small = count()
    for i in range(2, 20):
        attach(challenge, content=pdf_bytes(padding=i), title=f"Anexo {i}")
    assert count() == small


# Downloads ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_drafts_document_downloads_only_for_the_body(client, body, role):
    challenge = challenge_in(Stage.DRAFT, body=body)
    link = attach(challenge)
    if role != "anonymous":
        client.force_login(person(role, body))
    response = client.get(link.document.get_absolute_url())
    assert response.status_code == (200 if role in BODY_ROLES else 404)
    if response.status_code == 200:
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("role", ROLES)
def test_a_published_challenges_document_downloads_for_everyone(client, body, role):
    challenge = challenge_in(Stage.PUBLISHED, body=body)
    link = attach(challenge)
    if role != "anonymous":
        client.force_login(person(role, body))
    assert client.get(link.document.get_absolute_url()).status_code == 200


def test_a_download_is_an_attachment_with_the_original_name_type_and_nosniff(client):
    challenge = challenge_in(Stage.PUBLISHED)
    content = pdf_bytes()
    link = attach(challenge, content=content, name="Anexo técnico №1.pdf")
    response = client.get(link.document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Anexo%20t%C3%A9cnico%20%E2%84%961.pdf" in disposition
    assert 'filename="Anexo tecnico No1.pdf"' in disposition


def test_a_download_needs_the_right_digest(client):
    link = attach(challenge_in(Stage.PUBLISHED))
    document = link.document
    wrong = "0" * 64 if document.sha256 != "0" * 64 else "1" * 64
    assert client.get(f"/documentos/{document.pk}/{wrong}/").status_code == 404
    assert client.get(f"/documentos/{document.pk}/{document.sha256[:10]}/").status_code == 404


def test_a_removed_drafts_document_no_longer_downloads_but_still_exists(client, body):
    challenge = challenge_in(Stage.DRAFT, body=body)
    official = person("body_official", body)
    link = attach(challenge)
    services.challenge_document_remove(challenge_document=link, actor=official)
    client.force_login(official)
    assert client.get(link.document.get_absolute_url()).status_code == 404
    assert Document.objects.filter(pk=link.document_id).exists()


def test_a_document_linked_to_no_challenge_never_downloads(client, staff):
    with transaction.atomic():
        document = services.document_create(file=upload(pdf_bytes()), uploaded_by=staff)
    client.force_login(staff)
    assert client.get(document.get_absolute_url()).status_code == 404


def test_the_download_address_works_in_english_too(client):
    link = attach(challenge_in(Stage.PUBLISHED))
    assert client.get("/en" + link.document.get_absolute_url()).status_code == 200


def test_a_file_larger_than_the_in_memory_limit_is_streamed_from_disk_and_stored(
    client, body, settings
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # the upload goes to a temporary file
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(person("body_official", body))
    content = pdf_bytes(padding=300_000)
    response = client.post(
        documents_url(challenge), {"title": "Bases", "file": upload(content, "bases.pdf")}
    )
    assert response.status_code == 302
    document = challenge.documents.get().document
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert (Path(settings.MEDIA_ROOT) / document.file.name).read_bytes() == content


@pytest.mark.parametrize(("stage", "shown"), [(Stage.DRAFT, True), (Stage.PUBLISHED, False)])
def test_the_list_links_to_the_documents_page_only_for_those_who_may_edit(body, stage, shown):
    challenge = challenge_in(stage, body=body)
    url = documents_url(challenge)
    for role in ROLES:
        with translation.override("es-mx"):
            html = render_to_string(
                "documents/_challenge_documents.html",
                {"challenge": challenge, "documents": [], "user": person(role, body)},
            )
        assert (f'href="{url}"' in html) == (shown and role in EDITORS), role
