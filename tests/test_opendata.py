"""Open data: the challenges and proposals files (CSV and JSON, streamed) and the data
dictionary page. Only public challenges; a proposal only once its opening act is published,
and before it not even the number of proposals."""

import csv
import io
import json
from datetime import UTC, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape

from retos.challenges.stages import Stage
from retos.opendata import exports
from retos.organizations.models import Role
from retos.proposals import services
from retos.proposals.models import Proposal
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, in_days
from tests.proposal_helpers import MARKER, open_challenge, past_deadline, submitted_proposal

pytestmark = pytest.mark.django_db

FILES = ["/datos/retos.csv", "/datos/retos.json", "/datos/propuestas.csv", "/datos/propuestas.json"]


def download(client, path) -> bytes:
    response = client.get(path)
    assert response.status_code == 200
    assert response.streaming is True
    return b"".join(response.streaming_content)


def rows(client, path) -> list[dict]:
    body = download(client, path).decode("utf-8")
    if path.endswith(".json"):
        return json.loads(body)
    return list(csv.DictReader(io.StringIO(body, newline="")))


def snapshot(client) -> dict[str, bytes]:
    return {path: download(client, path) for path in FILES}


def soon_closing(**kwargs):
    """A published challenge whose deadline is an hour away."""
    return ChallengeFactory(
        questions_close_at=in_days(1 / 48), submissions_close_at=in_days(1 / 24), **kwargs
    )


def test_only_public_challenges_are_listed(client):
    public = ChallengeFactory(title="Reto público")
    ChallengeFactory(title="Reto borrador", stage=Stage.DRAFT, published_at=None)
    ChallengeFactory(title="Reto en revisión", stage=Stage.IN_REVIEW, published_at=None)
    ChallengeFactory(title="Reto programado", published_at=in_days(2))
    for path in ("/datos/retos.csv", "/datos/retos.json"):
        listed = rows(client, path)
        assert [r["slug"] for r in listed] == [public.slug]
        body = download(client, path).decode()
        for hidden in ("borrador", "revisión", "programado"):
            assert hidden not in body


def test_the_challenge_row_has_the_terms_dates_and_stage(client):
    challenge = ChallengeFactory(licences=["MIT", "Apache-2.0"])
    [row] = rows(client, "/datos/retos.json")
    assert row["slug"] == challenge.slug
    assert row["amount"] == "1250000.00"
    assert row["currency"] == "MXN"
    assert row["stage"] == "published"
    assert row["licences"] == ["MIT", "Apache-2.0"]
    assert row["level"] == "federal"
    assert row["published_at"].endswith("+00:00")
    assert row["amendments"] == 0 and row["questions"] == 0
    assert row["proposals"] is None
    [csv_row] = rows(client, "/datos/retos.csv")
    assert csv_row["licences"] == "MIT;Apache-2.0"
    assert csv_row["proposals"] == ""
    assert csv_row["published_at"] == row["published_at"]


def test_a_challenge_past_its_deadline_is_closed_in_the_file(client):
    challenge = soon_closing()
    with past_deadline(challenge):
        [row] = rows(client, "/datos/retos.json")
    assert row["stage"] == "closed"


def test_the_files_reveal_nothing_about_sealed_proposals(client):
    """Proposals to an open challenge and to a closed-but-unopened one: the files do not
    change by a byte, and neither the company, the content nor the folio appears."""
    published = ChallengeFactory()
    closing = soon_closing()
    secret_company = "Empresa Secreta Coma, S.A."
    secrets = [secret_company, MARKER]
    with time_machine.travel(timezone.now(), tick=False):
        before = snapshot(client)
        _, _, v1 = submitted_proposal(published, company=CompanyFactory(name=secret_company))
        _, _, v2 = submitted_proposal(closing)
        after = snapshot(client)
    assert after == before
    secrets += [v1.folio, v2.folio]
    with past_deadline(closing):
        closed_before = snapshot(client)
        submitted_proposal(published)
        assert snapshot(client) == closed_before
        by_slug = {r["slug"]: r for r in rows(client, "/datos/retos.json")}
    assert by_slug[closing.slug]["stage"] == "closed"
    assert by_slug[closing.slug]["proposals"] is None
    assert by_slug[published.slug]["proposals"] is None
    for files in (before, after, closed_before):
        for body in files.values():
            text = body.decode("utf-8")
            for secret in secrets:
                assert secret not in text
    assert json.loads(closed_before["/datos/propuestas.json"]) == []
    assert closed_before["/datos/propuestas.csv"].decode().count("\r\n") == 1  # the header only


def test_after_the_opening_act_the_proposals_appear_with_the_acts_values(client):
    challenge = soon_closing()
    proposal, _, version = submitted_proposal(
        challenge, company=CompanyFactory(name="Código Abierto")
    )
    with past_deadline(challenge):
        act = open_challenge(challenge)
        official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
        services.proposal_admissibility_set(
            proposal=Proposal.objects.get(pk=proposal.pk), actor=official, admissible=True
        )
        [row] = rows(client, "/datos/propuestas.json")
        [csv_row] = rows(client, "/datos/propuestas.csv")
        [challenge_row] = rows(client, "/datos/retos.json")
    [entry] = act.entries
    assert row["challenge"] == challenge.slug
    assert row["proposal"] == entry["proposal"] == str(proposal.public_id)
    assert row["company"] == "Código Abierto" == entry["company"]
    assert row["rfc"] == entry["rfc"]
    assert row["folio"] == version.folio == entry["folio"]
    assert row["price"] == entry["price"] == "990000.00"
    assert row["licence"] == "MIT"
    assert row["content_sha256"] == version.content_sha256
    assert row["reconfirmed"] is True
    assert row["admissibility"] == "admissible"
    assert row["received_at"].endswith("+00:00")
    assert row["opened_at"] == act.opened_at.astimezone(UTC).isoformat()
    assert csv_row["reconfirmed"] == "true"
    assert csv_row["folio"] == version.folio
    assert challenge_row["proposals"] == 1
    assert challenge_row["stage"] == "opened"
    assert challenge_row["opened_at"] is not None


def test_csv_quotes_commas_quotes_and_line_breaks(client):
    title = 'Reto, con "comillas"\ny salto'
    ChallengeFactory(title=title)
    body = download(client, "/datos/retos.csv").decode("utf-8")
    assert '"Reto, con ""comillas""\ny salto"' in body
    assert not body.startswith("\ufeff")
    assert body.startswith("slug,title,")
    assert body.endswith("\r\n")
    [row] = list(csv.DictReader(io.StringIO(body, newline="")))
    assert row["title"] == title


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)"])
def test_cells_that_would_run_as_a_formula_start_with_an_apostrophe(client, text):
    ChallengeFactory(title=text)
    [row] = rows(client, "/datos/retos.csv")
    assert row["title"] == "'" + text
    [json_row] = rows(client, "/datos/retos.json")
    assert json_row["title"] == text


def test_csv_cell_writes_empty_booleans_and_lists():
    assert exports.csv_cell(None) == ""
    assert exports.csv_cell(True) == "true"
    assert exports.csv_cell(["MIT", "ISC"]) == "MIT;ISC"
    assert exports.csv_cell("a=b") == "a=b"


def test_json_is_one_array_and_empty_when_there_is_nothing(client):
    assert rows(client, "/datos/retos.json") == []
    assert rows(client, "/datos/propuestas.json") == []
    ChallengeFactory.create_batch(2)
    assert len(rows(client, "/datos/retos.json")) == 2


def test_files_are_downloads_with_a_dated_name(client):
    day = timezone.now().date().isoformat()
    for path, kind in zip(FILES, ["text/csv", "application/json"] * 2, strict=True):
        response = client.get(path)
        assert response["Content-Type"].startswith(kind)
        assert "charset=utf-8" in response["Content-Type"]
        name = path.rsplit("/", 1)[1].replace(".", f"-{day}.")
        assert response["Content-Disposition"] == f'attachment; filename="retos-{name}"'


def test_unknown_files_are_not_found(client):
    for path in ("/datos/retos.xml", "/datos/ofertas.csv", "/en/datos/retos.csv"):
        assert client.get(path).status_code == 404


def test_the_files_use_the_columns_of_the_dictionary(client):
    """Every file, with at least one row each (a challenge taken to a paid milestone): the CSV
    header and each JSON object's keys are the dictionary's columns, in its order."""
    from tests.test_opendata_outcomes import award_and_pay, publish, scored

    s = scored()
    award_and_pay(s, publish(s))
    for name, dataset in exports.DATASETS.items():
        names = [c.name for c in dataset.columns]
        assert len(set(names)) == len(names), name
        header = download(client, f"/datos/{name}.csv").decode().split("\r\n", 1)[0]
        assert header.split(",") == names
        items = rows(client, f"/datos/{name}.json")
        assert items, name
        assert all(list(item) == names for item in items), name


@pytest.mark.parametrize(
    ("prefix", "lang", "heading"), [("", "es", "Datos abiertos"), ("/en", "en", "Open data")]
)
def test_the_dictionary_explains_every_column_in_each_language(client, prefix, lang, heading):
    response = client.get(f"{prefix}/datos/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    with translation.override(lang):
        for dataset in exports.DATASETS.values():
            for fmt in ("csv", "json"):
                assert f'href="/datos/{dataset.name}.{fmt}"' in page
            assert f'id="columns-{dataset.name}"' in page
            assert escape(str(dataset.description)) in page
            if dataset.note:
                assert escape(str(dataset.note)) in page
            for column in dataset.columns:
                assert f"<code>{column.name}</code>" in page
                assert escape(str(column.description)) in page
                assert escape(str(column.type_label)) in page


def test_every_description_is_translated_into_spanish():
    """Each file's title, description and note, each column's description and each type are
    translated (the English source and the Spanish differ)."""

    def texts():
        for dataset in exports.DATASETS.values():
            yield dataset.name, dataset.title
            yield dataset.name, dataset.description
            if dataset.note:
                yield dataset.name, dataset.note
            for column in dataset.columns:
                yield f"{dataset.name}.{column.name}", column.description
                yield f"{dataset.name}.{column.name} (type)", column.type_label

    for where, text in texts():
        with translation.override("en"):
            english = str(text)
        with translation.override("es"):
            assert str(text) != english, where


@pytest.mark.parametrize(
    ("prefix", "heading", "words"),
    [
        ("", "Metodología del archivo de investigación", "HMAC-SHA256"),
        ("/en", "Methodology of the research file", "HMAC-SHA256"),
    ],
)
def test_the_dictionary_explains_the_research_methodology(client, prefix, heading, words):
    page = client.get(f"{prefix}/datos/").content.decode()
    assert f'<h4 id="research-methodology">{heading}</h4>' in page
    assert words in page
    methodology = page.split('id="research-methodology"', 1)[1].split("</section>", 1)[0]
    assert methodology.count("<p>") == 5


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        download(client, path)
    return len(captured)


def test_the_files_take_a_constant_number_of_queries(client):
    def opened(n):
        for _ in range(n):
            challenge = soon_closing()
            submitted_proposal(challenge, attach=False)
            submitted_proposal(challenge, attach=False)
            with past_deadline(challenge):
                open_challenge(challenge)

    counts = []
    for size in (1, 3):
        opened(size)
        ChallengeFactory.create_batch(size)
        with time_machine.travel(timezone.now() + timedelta(days=1)):
            counts.append({path: queries(client, path) for path in FILES})
    assert counts[0] == counts[1]
    assert counts[0]["/datos/retos.csv"] <= 2
    assert counts[0]["/datos/propuestas.csv"] <= 3
