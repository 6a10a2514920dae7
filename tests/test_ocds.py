"""OCDS 1.1.5 (issue #6, item 2): one immutable release per public event, records compiled with
ocdsmerge, streamed packages that validate offline against the vendored schema with the
extensions applied, and no bid data before the opening act."""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from retos.challenges import services as challenge_services
from retos.challenges.amendments import challenge_amend
from retos.challenges.stages import Stage
from retos.clarifications.models import Question
from retos.clarifications.services import question_answer, question_decline
from retos.ledger.services import event_record
from retos.ocds import schema, selectors
from retos.ocds.build import ocid_for
from retos.ocds.models import AppendOnlyError, Release
from retos.organizations.models import Role
from tests.evaluation_helpers import opened_challenge
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    GovernmentBodyFactory,
    MembershipFactory,
    UserFactory,
)
from tests.lifecycle import ROLES, challenge_in, person
from tests.proposal_helpers import open_challenge, past_deadline, submitted_proposal

pytestmark = pytest.mark.django_db

FILES = [
    "/ocds/releases.json",
    "/ocds/releases.jsonl",
    "/ocds/releases.json.gz",
    "/ocds/releases.jsonl.gz",
    "/ocds/records.json",
    "/ocds/records.jsonl",
    "/ocds/records.json.gz",
    "/ocds/records.jsonl.gz",
]


# ---------------------------------------------------------------------------------------------
# Helpers (also used by test_ocds_demo.py and test_ocds_generated.py)


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def fetch(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, path
    data = body_of(response)
    return gzip.decompress(data) if path.endswith(".gz") else data


def valid(document, kind: str) -> dict:
    errors = schema.validate(document, kind)
    assert errors == [], errors[:10]
    return document


def release_package(client, path: str = "/ocds/releases.json") -> dict:
    return valid(json.loads(fetch(client, path)), "release-package")


def record_package(client, path: str = "/ocds/records.json") -> dict:
    return valid(json.loads(fetch(client, path)), "record-package")


def check_every_endpoint(client) -> dict:
    """Fetch every OCDS file (and each process's own files), validate each against the local
    schemas with the extensions, and check the formats agree. Returns the release package."""
    releases = release_package(client)
    records = record_package(client)
    compressed = release_package(client, "/ocds/releases.json.gz")
    assert compressed["uri"].endswith("/ocds/releases.json.gz")
    assert compressed["releases"] == releases["releases"]
    assert record_package(client, "/ocds/records.json.gz")["records"] == records["records"]
    for path, key, package in (
        ("/ocds/releases.jsonl", "releases", releases),
        ("/ocds/releases.jsonl.gz", "releases", releases),
        ("/ocds/records.jsonl", "records", records),
        ("/ocds/records.jsonl.gz", "records", records),
    ):
        items = [json.loads(line) for line in fetch(client, path).decode().splitlines()]
        assert items == package[key], path
    ocids = sorted({r["ocid"] for r in releases["releases"]})
    assert sorted(r["ocid"] for r in records["records"]) == ocids
    for ocid in ocids:
        own = release_package(client, f"/ocds/releases/{ocid}.json")
        assert own["releases"] == [r for r in releases["releases"] if r["ocid"] == ocid]
        record = record_package(client, f"/ocds/records/{ocid}.json")
        assert record["records"] == [r for r in records["records"] if r["ocid"] == ocid]
    for release in releases["releases"]:
        check_codes(release)
    return releases


def check_codes(release: dict) -> None:
    """Codes from open codelists (the schema does not enforce them) are from the vendored
    codelists."""
    for party in release.get("parties", []):
        assert set(party["roles"]) <= schema.codelist("partyRole.csv"), party["roles"]
    tender = release.get("tender", {})
    documents = list(tender.get("documents", []))
    for award in release.get("awards", []):
        documents += award.get("documents", [])
    for contract in release.get("contracts", []):
        documents += contract.get("documents", [])
        documents += contract.get("implementation", {}).get("documents", [])
        for milestone in contract.get("milestones", []):
            assert milestone["type"] in schema.codelist("milestoneType.csv")
    for document in documents:
        assert document["documentType"] in schema.codelist("documentType.csv")
    for milestone in tender.get("milestones", []):
        assert milestone["type"] in schema.codelist("milestoneType.csv")
    for lot in tender.get("lots", []):
        for criterion in lot.get("awardCriteria", {}).get("criteria", []):
            assert criterion["type"] in schema.codelist("awardCriterionType.csv")
    for statistic in release.get("bids", {}).get("statistics", []):
        assert statistic["measure"] in schema.codelist("bidStatistics.csv")


def releases_of(challenge) -> list[dict]:
    return [
        json.loads(r.data) for r in Release.objects.filter(challenge=challenge).order_by("sequence")
    ]


def staff():
    return UserFactory(is_platform_staff=True)


def approved(**fields):
    """A challenge in review, approved by platform staff through the service."""
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.IN_REVIEW, body=body, **fields)
    challenge_services.challenge_approve(challenge=challenge, actor=staff())
    challenge.refresh_from_db()
    return challenge


def ask(challenge, number: int = 1, text: str = "¿Cuál es el alcance?") -> Question:
    return Question.objects.create(
        challenge=challenge,
        number=number,
        asker=UserFactory(),
        company=CompanyFactory(),
        text=text,
    )


def official(challenge):
    return MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user


# ---------------------------------------------------------------------------------------------
# The schema: vendored, extended, offline


def test_the_extended_schema_has_every_extension_and_no_dangling_reference():
    release = schema.release_schema()
    definitions = release["definitions"]
    assert "bids" in release["properties"]
    assert {"lots", "designContest", "enquiries"} <= set(definitions["Tender"]["properties"])
    assert "awardCriteria" in definitions["Lot"]["properties"]
    text = json.dumps(release)
    refs = {part.split('"')[0] for part in text.split('"$ref": "#/definitions/')[1:]}
    assert refs <= set(definitions), refs - set(definitions)


def test_validation_refuses_what_the_extensions_forbid():
    release = {
        "ocid": "ocds-x-1",
        "id": "ocds-x-1-1",
        "date": "2026-03-01T12:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "bids": {"details": [{"id": "1", "status": "accepted"}]},
        "tender": {
            "id": "t",
            "lots": [{"id": "1", "awardCriteria": {"criteria": [{"numbers": [{"weight": "x"}]}]}}],
        },
    }
    errors = schema.validate(release, "release")
    assert any("bids/details/0/status" in e for e in errors)
    assert any("numbers/0/weight" in e for e in errors)
    release.pop("bids")
    release["tender"]["lots"][0]["awardCriteria"]["criteria"][0]["numbers"][0]["weight"] = (
        "percentageExact"
    )
    assert schema.validate(release, "release") == []
    assert any("date" in e for e in schema.validate({**release, "date": "1 March 2026"}, "release"))


def test_validation_and_merging_never_touch_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    schema.validator.cache_clear()
    schema.registry.cache_clear()
    schema.merger.cache_clear()
    package = {
        "uri": "https://retos.example/ocds/releases.json",
        "version": "1.1",
        "publisher": {"name": "Retos"},
        "publishedDate": "2026-03-01T12:00:00Z",
        "releases": [
            {
                "ocid": "ocds-x-1",
                "id": "ocds-x-1-1",
                "date": "2026-03-01T12:00:00Z",
                "tag": ["planning", "tender"],
                "initiationType": "tender",
            }
        ],
    }
    assert schema.validate(package, "release-package") == []
    compiled = schema.merger().create_compiled_release(package["releases"])
    assert compiled["tag"] == ["compiled"]
    # A reference the registry does not hold is refused, not fetched.
    from referencing.exceptions import Unresolvable

    with pytest.raises(Unresolvable):
        schema.registry().resolver().lookup("https://standard.open-contracting.org/other.json")


def test_merge_patch_follows_rfc_7386():
    target = {"a": "b", "c": {"d": "e", "f": "g"}}
    assert schema.merge_patch(target, {"a": "z", "c": {"f": None}}) == {"a": "z", "c": {"d": "e"}}
    assert target == {"a": "b", "c": {"d": "e", "f": "g"}}
    assert schema.merge_patch({"a": [1]}, {"a": [2]}) == {"a": [2]}


# ---------------------------------------------------------------------------------------------
# Releases from events


def test_approval_publishes_one_planning_and_tender_release(client):
    challenge = approved()
    (release,) = releases_of(challenge)
    assert release["ocid"] == ocid_for(challenge.pk) == f"ocds-retos01-{challenge.pk}"
    assert release["id"] == f"{release['ocid']}-1"
    assert release["tag"] == ["planning", "tender"]
    assert release["tender"]["status"] == "active"
    assert release["tender"]["value"] == {"amount": 1250000.0, "currency": "MXN"}
    criteria = release["tender"]["lots"][0]["awardCriteria"]["criteria"]
    assert [(c["name"], c["numbers"][0]["number"]) for c in criteria] == [
        ("Solución técnica", 40.0),
        ("Experiencia de usuario", 30.0),
        ("Viabilidad y costo", 30.0),
    ]
    assert {p["id"]: p["roles"] for p in release["parties"]} == {
        f"ocds-retos01-org-{challenge.body_id}": ["buyer", "procuringEntity"]
    }
    assert "bids" not in release
    stored = Release.objects.get(challenge=challenge)
    assert stored.sha256 == hashlib.sha256(stored.data.encode()).hexdigest()
    assert stored.event.action == "challenge.approve"
    check_every_endpoint(client)


def test_the_ocid_prefix_comes_from_the_setting(settings):
    settings.RETOS_OCID_PREFIX = "ocds-abc123"
    challenge = approved()
    assert releases_of(challenge)[0]["ocid"] == f"ocds-abc123-{challenge.pk}"


def test_a_scheduled_publication_is_served_only_from_its_publication_time(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.IN_REVIEW, body=body)
    publish_at = timezone.now() + timedelta(days=1)
    challenge_services.challenge_approve(challenge=challenge, actor=staff(), publish_at=publish_at)
    release = Release.objects.get(challenge=challenge)
    assert release.date == publish_at.replace(microsecond=0)
    ocid = release.ocid
    assert json.loads(fetch(client, "/ocds/releases.json"))["releases"] == []
    assert client.get(f"/ocds/releases/{ocid}.json").status_code == 404
    assert client.get(f"/ocds/records/{ocid}.json").status_code == 404
    with time_machine.travel(publish_at - timedelta(seconds=1), tick=False):
        assert not selectors.served().exists()
    with time_machine.travel(publish_at, tick=False):
        package = check_every_endpoint(client)
        assert [r["id"] for r in package["releases"]] == [release.release_id]
        assert package["releases"][0]["date"] == publish_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_challenge_withdrawn_before_its_publication_never_shows_its_first_release(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.IN_REVIEW, body=body)
    first_time = timezone.now() + timedelta(days=1)
    challenge_services.challenge_approve(challenge=challenge, actor=staff(), publish_at=first_time)
    challenge_services.challenge_request_changes(
        challenge=challenge, actor=staff(), reason="Falta el presupuesto desglosado."
    )
    challenge.refresh_from_db()
    challenge.title = "Título corregido"
    challenge.save(update_fields=["title"])
    challenge_services.challenge_submit_for_review(
        challenge=challenge, actor=MembershipFactory(organization=body, role="approver").user
    )
    # Approved again for the very same time: only the second publication is served.
    challenge_services.challenge_approve(challenge=challenge, actor=staff(), publish_at=first_time)
    assert Release.objects.filter(challenge=challenge).count() == 2
    with time_machine.travel(first_time + timedelta(minutes=1), tick=False):
        package = check_every_endpoint(client)
    (served,) = package["releases"]
    assert served["id"].endswith("-2")
    assert served["tender"]["title"] == "Título corregido"


def test_a_draft_cancelled_before_publication_publishes_nothing(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.IN_REVIEW, body=body)
    challenge_services.challenge_approve(
        challenge=challenge, actor=staff(), publish_at=timezone.now() + timedelta(days=1)
    )
    approver = MembershipFactory(organization=body, role="approver").user
    challenge_services.challenge_cancel(challenge=challenge, actor=approver, reason="Ya no aplica.")
    assert Release.objects.filter(challenge=challenge).count() == 1  # the approval's, never due
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        assert json.loads(fetch(client, "/ocds/releases.json"))["releases"] == []


def test_answers_and_declines_are_enquiries_without_the_asker(client):
    challenge = approved()
    asker_company = CompanyFactory(name="Empresa Que Pregunta S.A.")
    question = ask(challenge, 1, "¿Se puede usar <script>alert(1)</script>?")
    question.company = asker_company
    question.save(update_fields=["company"])
    other = ask(challenge, 2, "¿Hay presupuesto para hardware?")
    pending = ask(challenge, 3, "Pregunta aún sin respuesta")
    with time_machine.travel(challenge.published_at + timedelta(days=2), tick=False):
        question_answer(question=question, actor=official(challenge), answer="Sí, con licencia.")
        question_decline(question=other, actor=official(challenge), reason="No es del reto.")
    latest = releases_of(challenge)[-1]
    assert [r["tag"] for r in releases_of(challenge)] == [
        ["planning", "tender"],
        ["tenderUpdate"],
        ["tenderUpdate"],
    ]
    enquiries = latest["tender"]["enquiries"]
    assert [(e["id"], e["description"]) for e in enquiries] == [
        ("1", "¿Se puede usar <script>alert(1)</script>?"),
        ("2", "¿Hay presupuesto para hardware?"),
    ]
    assert enquiries[0]["answer"] == "Sí, con licencia."
    assert "No es del reto." in enquiries[1]["answer"]
    assert all("author" not in e for e in enquiries)
    assert latest["tender"]["hasEnquiries"] is True
    with time_machine.travel(challenge.published_at + timedelta(days=3), tick=False):
        text = fetch(client, "/ocds/releases.json").decode()
        check_every_endpoint(client)
    assert "Empresa Que Pregunta" not in text
    assert pending.text not in text
    assert "<script>alert(1)</script>" in text  # JSON, served as application/json


def test_an_amendment_is_a_tender_amendment_release():
    challenge = ChallengeFactory()
    approver = MembershipFactory(organization=challenge.body, role="approver").user
    challenge_amend(
        challenge=challenge,
        actor=approver,
        reason="Se aclara el resumen.",
        changes={"summary": "Un resumen más claro."},
    )
    releases = releases_of(challenge)
    # The first release of a challenge published before OCDS starts its process.
    assert [r["tag"] for r in releases] == [["planning", "tender"]]
    challenge_amend(
        challenge=challenge,
        actor=approver,
        reason="Otra aclaración.",
        changes={"summary": "Un resumen aún más claro."},
    )
    latest = releases_of(challenge)[-1]
    assert latest["tag"] == ["tenderAmendment"]
    assert [a["rationale"] for a in latest["tender"]["amendments"]] == [
        "Se aclara el resumen.",
        "Otra aclaración.",
    ]
    assert latest["tender"]["description"] == "Un resumen aún más claro."


def test_events_that_change_nothing_public_make_no_release():
    challenge = ChallengeFactory()
    with transaction.atomic():
        event_record(actor=None, action="challenge.followed", subject=challenge, public=True)
        event_record(actor=None, action="challenge.approve", subject=challenge, public=False)
        event_record(actor=None, action="demo.scheduled", subject=challenge, public=True)
    assert not Release.objects.exists()


def test_release_dates_never_go_back_within_a_process():
    challenge = ChallengeFactory()
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later, tick=False), transaction.atomic():
        event_record(actor=None, action="challenge.close", subject=challenge)
    with transaction.atomic():
        event_record(actor=None, action="challenge.close", subject=challenge)
    first, second = Release.objects.filter(challenge=challenge).order_by("sequence")
    assert second.date == first.date


# ---------------------------------------------------------------------------------------------
# Bids: never before the opening act


def test_no_bid_data_appears_before_the_opening_act(client):
    challenge = ChallengeFactory()
    proposal, _actor, version = submitted_proposal(challenge)
    company = proposal.company
    with transaction.atomic():
        event_record(actor=None, action="challenge.document_added", subject=challenge)
    with past_deadline(challenge):
        challenge_services.challenge_close(challenge=challenge)
        before = fetch(client, "/ocds/releases.json").decode()
        before_records = fetch(client, "/ocds/records.json").decode()
        check_every_endpoint(client)
        for text in (before, before_records):
            assert company.name not in text and company.rfc not in text
            assert str(proposal.public_id) not in text and version.folio not in text
            assert '"bids"' not in text and "numberOfTenderers" not in text
            assert "tenderer" not in text
        open_challenge(challenge)
        after = check_every_endpoint(client)
    releases = releases_of(challenge)
    act = [r for r in releases if "bids" in r]
    assert act, "the opening act's release has the bids"
    first_with_bids = releases.index(act[0])
    assert all(
        "bids" not in r and "tenderers" not in r["tender"] for r in releases[:first_with_bids]
    )
    (bid,) = act[0]["bids"]["details"]
    assert bid["id"] == str(proposal.public_id)
    assert bid["tenderers"] == [{"id": f"MX-RFC-{company.rfc}", "name": company.name}]
    assert bid["status"] == "pending"
    assert bid["value"] == {"amount": 990000.0, "currency": "MXN"}
    assert act[0]["tender"]["numberOfTenderers"] == 1
    party = next(p for p in act[0]["parties"] if p["id"] == f"MX-RFC-{company.rfc}")
    assert party["roles"] == ["tenderer"]
    assert party["identifier"] == {"scheme": "MX-RFC", "id": company.rfc, "legalName": company.name}
    assert company.name in json.dumps(after, ensure_ascii=False)


def test_admissibility_is_the_bids_status():
    challenge, proposals = opened_challenge(2, admissible=True)
    statuses = {b["id"]: b["status"] for b in releases_of(challenge)[-1]["bids"]["details"]}
    assert statuses == {str(p.public_id): "valid" for p in proposals}
    statistics = releases_of(challenge)[-1]["bids"]["statistics"]
    assert {s["measure"]: s["value"] for s in statistics} == {"bids": 2, "validBids": 2}


# ---------------------------------------------------------------------------------------------
# Immutability


def test_a_published_release_cannot_be_changed_or_removed_by_any_path():
    challenge = approved()
    release = Release.objects.get(challenge=challenge)
    original = (release.data, release.sha256, release.date)
    release.data = "{}"
    with pytest.raises(AppendOnlyError):
        release.save()
    with pytest.raises(AppendOnlyError):
        release.delete()
    with pytest.raises(AppendOnlyError):
        Release.objects.filter(pk=release.pk).update(data="{}")
    with pytest.raises(AppendOnlyError):
        Release.objects.filter(pk=release.pk).delete()
    table = Release._meta.db_table
    for sql in (
        f"UPDATE {table} SET data = '{{}}' WHERE id = %s",  # noqa: S608
        f"UPDATE {table} SET date = date WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [release.pk])
    fresh = Release.objects.get(pk=release.pk)
    assert (fresh.data, fresh.sha256, fresh.date) == original


def test_the_admin_site_cannot_change_a_release(client):
    approved()
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    release = Release.objects.get()
    assert client.get("/admin/ocds/release/").status_code == 200
    response = client.post(f"/admin/ocds/release/{release.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Release.objects.filter(pk=release.pk).exists()


def test_later_events_add_releases_and_leave_earlier_ones_as_they_were():
    challenge = approved()
    first = Release.objects.get(challenge=challenge)
    snapshot = (first.data, first.sha256)
    question = ask(challenge)
    with time_machine.travel(challenge.published_at + timedelta(days=1), tick=False):
        question_answer(question=question, actor=official(challenge), answer="Respuesta.")
    first.refresh_from_db()
    assert (first.data, first.sha256) == snapshot
    assert Release.objects.filter(challenge=challenge).count() == 2


# ---------------------------------------------------------------------------------------------
# The endpoints


def test_packages_declare_publisher_licence_policy_version_and_extensions(client):
    approved()
    for path in ("/ocds/releases.json", "/ocds/records.json"):
        package = json.loads(fetch(client, path))
        assert package["uri"] == f"http://127.0.0.1:8000{path}"
        assert package["version"] == "1.1"
        assert package["publisher"] == {"name": "Retos", "uri": "http://127.0.0.1:8000/"}
        assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
        assert package["publicationPolicy"] == "http://127.0.0.1:8000/ocds/#publication-policy"
        assert package["extensions"] == [e.url for e in schema.EXTENSIONS]
        assert len(package["extensions"]) == 5


def test_the_files_are_streamed_with_their_types(client):
    approved()
    for path in FILES:
        response = client.get(path)
        assert response.status_code == 200
        assert response.streaming is True, path
        assert response["Access-Control-Allow-Origin"] == "*"
        if path.endswith(".gz"):
            assert response["Content-Type"] == "application/gzip"
            assert response["Content-Disposition"].startswith("attachment;")
        elif path.endswith(".jsonl"):
            assert response["Content-Type"].startswith("application/jsonl")
        else:
            assert response["Content-Type"] == "application/json; charset=utf-8"


def test_the_record_compiles_every_release_with_ocdsmerge(client):
    challenge = approved()
    for n, text in enumerate(["¿Primera?", "¿Segunda?"], start=1):
        question = ask(challenge, n, text)
        with time_machine.travel(challenge.published_at + timedelta(days=n), tick=False):
            question_answer(question=question, actor=official(challenge), answer=f"Respuesta {n}")
    with time_machine.travel(challenge.published_at + timedelta(days=3), tick=False):
        (record,) = record_package(client)["records"]
    ids = [r.release_id for r in Release.objects.filter(challenge=challenge).order_by("sequence")]
    assert [r["url"].rsplit("#", 1)[1] for r in record["releases"]] == ids
    assert record["releases"][0]["url"].startswith(
        f"http://127.0.0.1:8000/ocds/releases/{record['ocid']}.json#"
    )
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert [e["answer"] for e in compiled["tender"]["enquiries"]] == ["Respuesta 1", "Respuesta 2"]
    expected = schema.merger().create_compiled_release(releases_of(challenge))
    assert compiled == expected


@pytest.mark.parametrize(
    "path",
    [
        "/ocds/releases/ocds-retos01-999999.json",
        "/ocds/records/ocds-retos01-999999.json",
        "/ocds/releases/%3Cscript%3E.json",
        "/ocds/records/ocds-retos01-1%27%20OR%201=1.json",
        "/ocds/releases.xml",
        "/ocds/records.csv",
    ],
)
def test_unknown_and_hostile_addresses_are_not_found(client, path):
    approved()
    assert client.get(path).status_code == 404


def test_the_files_only_answer_reads(client):
    approved()
    assert client.post("/ocds/releases.json").status_code == 405
    assert client.head("/ocds/releases.json").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_same_files(client, role):
    challenge = approved()
    anonymous = fetch(client, "/ocds/releases.jsonl")
    user = person(role, challenge.body)
    if role != "anonymous":
        client.force_login(user)
    assert fetch(client, "/ocds/releases.jsonl") == anonymous
    for path in ("/ocds/releases.json", "/ocds/records.json"):
        assert client.get(path).status_code == 200


def test_hostile_text_stays_valid_json_and_the_page_stays_escaped(client):
    challenge = approved(title='Reto "</script><script>alert(1)</script>" \u2028 \u2029 \x85 fin')
    package = check_every_endpoint(client)
    assert package["releases"][0]["tender"]["title"] == challenge.title
    page = client.get("/ocds/").content.decode()
    assert "<script>alert(1)" not in page


# ---------------------------------------------------------------------------------------------
# The page


def test_the_page_explains_the_files_prefix_licence_and_policy(client, settings):
    settings.RETOS_OCID_PREFIX = "ocds-zz9zz9"
    response = client.get("/ocds/")
    page = response.content.decode()
    assert response.status_code == 200
    # Outside the language prefix, the page is in the site's default language.
    assert '<html lang="es-MX">' in page
    for text in (
        'href="/ocds/releases.json"',
        'href="/ocds/records.json"',
        'href="/ocds/releases.jsonl.gz"',
        "/ocds/records/ocds-zz9zz9-123.json",
        "<code>ocds-zz9zz9</code>",
        'href="https://creativecommons.org/licenses/by/4.0/" rel="license"',
        'id="publication-policy"',
        "ocds_designContest_extension",
    ):
        assert text in page, text


def test_the_page_is_translatable(rf):
    from retos.ocds import views

    request = rf.get("/ocds/")
    with translation.override("en"):
        english = views.index(request).content.decode()
    assert '<html lang="en">' in english
    assert "<h1>Open Contracting Data (OCDS)</h1>" in english
    assert 'id="publication-policy">Publication policy</h2>' in english


def test_the_open_data_page_links_to_the_ocds_page(client):
    page = client.get("/datos/").content.decode()
    assert 'href="/ocds/"' in page


# ---------------------------------------------------------------------------------------------
# Query budgets


def _grow(n: int) -> None:
    for _ in range(n):
        challenge = approved()
        question = ask(challenge)
        question_answer(question=question, actor=official(challenge), answer="Respuesta.")


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        body_of(response)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", [*FILES, "/ocds/"])
def test_each_file_runs_the_same_queries_with_few_and_many_releases(client, path, monkeypatch):
    # Small chunks, so that the larger size reads several of them.
    monkeypatch.setattr(selectors, "CHUNK_SIZE", 5)
    _grow(2)
    small = _queries(client, path)
    _grow(12)
    assert Release.objects.count() == 28
    large = _queries(client, path)
    assert small == large, (path, small, large)
    assert large <= 3, large


def test_a_process_file_runs_the_same_queries_with_few_and_many_releases(client):
    challenge = approved()
    ocid = ocid_for(challenge.pk)
    paths = [f"/ocds/releases/{ocid}.json", f"/ocds/records/{ocid}.json"]
    small = [_queries(client, p) for p in paths]
    for n in range(2, 12):
        question = ask(challenge, n)
        with time_machine.travel(challenge.published_at + timedelta(hours=n), tick=False):
            question_answer(question=question, actor=official(challenge), answer="Respuesta.")
    with time_machine.travel(challenge.published_at + timedelta(days=1), tick=False):
        large = [_queries(client, p) for p in paths]
    assert small == large and max(large) <= 2, (small, large)


def test_the_streamed_files_read_in_chunks(client, monkeypatch):
    monkeypatch.setattr(selectors, "CHUNK_SIZE", 2)
    _grow(3)
    package = release_package(client)
    assert len(package["releases"]) == 6
    assert len(record_package(client)["records"]) == 3


def test_one_release_costs_the_event_a_bounded_number_of_queries():
    """Publishing a release reads the challenge's public record: a fixed number of queries
    for a published challenge, whatever the number of its questions."""

    def cost(questions: int) -> int:
        challenge = ChallengeFactory()
        for n in range(1, questions + 1):
            question = ask(challenge, n)
            question.status, question.answer = "answered", "R."
            question.resolved_at = timezone.now()
            question.save()
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            event_record(actor=None, action="challenge.document_added", subject=challenge)
        return len(ctx.captured_queries)

    small, large = cost(1), cost(15)
    assert small == large and large <= 14, (small, large)


@pytest.mark.django_db(transaction=True)
def test_emptying_the_database_lifts_the_release_guard_and_puts_it_back():
    from django.core.management import call_command

    approved()
    assert Release.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not Release.objects.exists()
    approved()
    release = Release.objects.get()
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Release._meta.db_table} WHERE id = %s", [release.pk])  # noqa: S608
    assert Release.objects.filter(pk=release.pk).exists()
