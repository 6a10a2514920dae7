"""The public copy of the ledger (ledger.jsonl), the transparency page and the daily head feed:
public events in full and checkable, the others redacted to their place in the chain, and
nothing about a sealed proposal before its opening."""

import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from retos.ledger import chain
from retos.ledger.models import Event
from retos.ledger.services import event_record
from tests.factories import ChallengeFactory, UserFactory
from tests.proposal_helpers import MARKER, submitted_proposal

pytestmark = pytest.mark.django_db

JSONL = "/transparency/ledger.jsonl"
FEED = "/transparency/head.atom"
ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC_KEYS = {
    "sequence",
    "occurred_at",
    "actor",
    "actor_label",
    "action",
    "subject_type",
    "subject_id",
    "payload",
    "public",
    "prev_hash",
    "salt",
    "hash",
}
REDACTED_KEYS = {"sequence", "public", "prev_hash", "hash"}


def record(subject, *, public=True, payload=None, occurred_at=None, actor=None, action="test.x"):
    with transaction.atomic():
        return event_record(
            actor=actor,
            action=action,
            subject=subject,
            payload=payload,
            public=public,
            occurred_at=occurred_at,
        )


def mixed_events(n, subject=None):
    """``n`` events, every third one not public, some with accents and nested payloads."""
    subject = subject or UserFactory()
    for i in range(n):
        record(
            subject,
            actor=subject if i % 2 else None,
            public=i % 3 != 2,
            payload={"n": i, "texto": "Información pública ñ", "lista": [1, {"b": None}]},
        )


def body_of(response) -> str:
    assert response.status_code == 200
    assert response.streaming is True
    return b"".join(response.streaming_content).decode("utf-8")


def lines_of(response) -> list[dict]:
    body = body_of(response)
    assert body == "" or body.endswith("\n")
    return [json.loads(line) for line in body.splitlines()]


def recompute(line: dict) -> str:
    """The hash of a public line, as an outsider computes it: chain.canonical's bytes."""
    fields = {k: v for k, v in line.items() if k not in ("hash", "actor")}
    fields["occurred_at"] = datetime.fromisoformat(fields["occurred_at"])
    return hashlib.sha256(chain.canonical(actor_id=line["actor"], **fields)).hexdigest()


def outsider_hash(line: dict) -> str:
    """The same with nothing but json and hashlib, as the page's snippet does."""
    rest = {k: v for k, v in line.items() if k != "hash"}
    text = json.dumps(rest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- ledger.jsonl ---------------------------------------------------------------------------


def test_the_ledger_streams_one_json_line_per_event_in_sequence_order(client):
    mixed_events(7)
    response = client.get(JSONL)
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = lines_of(response)
    sequences = list(Event.objects.order_by("sequence").values_list("sequence", flat=True))
    assert [line["sequence"] for line in lines] == sequences
    assert len(lines) == 7


def test_public_lines_carry_every_hashed_field_and_recompute_to_their_hash(client):
    mixed_events(6)
    public = [line for line in lines_of(client.get(JSONL)) if line["public"]]
    assert len(public) == 4
    for line in public:
        assert set(line) == PUBLIC_KEYS
        assert recompute(line) == line["hash"]
        assert outsider_hash(line) == line["hash"]
        assert line["hash"] == Event.objects.get(sequence=line["sequence"]).hash
    assert public[0]["payload"]["texto"] == "Información pública ñ"


def test_private_lines_are_redacted_to_their_place_in_the_chain(client):
    user = UserFactory(full_name="Nombre Secreto")
    record(user, public=False, actor=user, payload={"secreto": "NO-DEBE-VERSE"}, action="x.hid")
    response = client.get(JSONL)
    body = body_of(response)
    (line,) = [json.loads(text) for text in body.splitlines()]
    assert set(line) == REDACTED_KEYS
    assert line["public"] is False
    event = Event.objects.get()
    assert line == {"sequence": event.sequence, "public": False, "prev_hash": chain.GENESIS,
                    "hash": event.hash}  # fmt: skip
    for leaked in ("NO-DEBE-VERSE", "secreto", "x.hid", "Secreto", "occurred_at", "payload",
                   "actor", "subject", str(event.occurred_at.year)):  # fmt: skip
        assert leaked not in body


def test_every_line_links_to_the_line_before_it(client):
    mixed_events(9)
    lines = lines_of(client.get(JSONL))
    previous = chain.GENESIS
    for line in lines:
        assert line["prev_hash"] == previous
        previous = line["hash"]
    assert previous == Event.objects.order_by("-sequence").first().hash


def test_a_proposal_submitted_before_the_opening_leaves_only_redacted_lines(client):
    challenge = ChallengeFactory()
    before = lines_of(client.get(JSONL))
    proposal, actor, version = submitted_proposal(challenge)
    response = client.get(JSONL)
    body = body_of(response)
    lines = [json.loads(text) for text in body.splitlines()]
    new = lines[len(before) :]
    assert lines[: len(before)] == before
    assert new, "submitting writes events"
    assert all(set(line) == REDACTED_KEYS and line["public"] is False for line in new)
    for secret in (
        MARKER,
        proposal.company.name,
        version.folio,
        str(proposal.public_id),
        actor.email,
        actor.display_name,
        "proposal",
        version.content_sha256,
    ):
        assert secret not in body


def test_after_resumes_from_the_next_sequence(client):
    mixed_events(5)
    sequences = list(Event.objects.order_by("sequence").values_list("sequence", flat=True))
    lines = lines_of(client.get(JSONL, {"after": sequences[1]}))
    assert [line["sequence"] for line in lines] == sequences[2:]
    assert lines[0]["prev_hash"] == Event.objects.get(sequence=sequences[1]).hash
    assert lines_of(client.get(JSONL, {"after": sequences[-1]})) == []
    assert len(lines_of(client.get(JSONL, {"after": 0}))) == 5


@pytest.mark.parametrize("after", ["-1", "abc", "1.5", "١"])
def test_after_must_be_a_whole_number(client, after):
    response = client.get(JSONL, {"after": after})
    assert response.status_code == 400


def test_the_ledger_has_one_address_whatever_the_language_and_only_answers_get(client):
    mixed_events(2)
    spanish = body_of(client.get(JSONL, HTTP_ACCEPT_LANGUAGE="es-MX"))
    assert body_of(client.get(JSONL, HTTP_ACCEPT_LANGUAGE="en")) == spanish
    assert client.get("/en" + JSONL).status_code == 404
    assert client.post(JSONL).status_code == 405


def test_an_empty_ledger_is_an_empty_file(client):
    assert body_of(client.get(JSONL)) == ""


# --- the transparency page ------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_page_shows_the_head_hash_and_the_count(client, prefix):
    mixed_events(4)
    head = Event.objects.order_by("-sequence").first()
    response = client.get(prefix + "/transparencia/")
    assert response.status_code == 200
    html = response.content.decode()
    assert head.hash in html
    assert f">{Event.objects.count()}<" in html
    assert str(head.sequence) in html
    assert 'href="/transparency/ledger.jsonl"' in html
    assert 'href="/transparency/head.atom"' in html
    assert "http://testserver/transparency/ledger.jsonl" in html  # in the snippet


def test_the_page_says_so_when_the_ledger_is_empty(client):
    with translation.override("en"):
        response = client.get("/en/transparencia/")
    assert "The ledger has no events yet." in response.content.decode()


def test_the_footer_links_to_the_transparency_page(client):
    assert reverse("ledger:transparency") == "/transparencia/"
    assert 'href="/transparencia/"' in client.get("/").content.decode()
    assert 'href="/en/transparencia/"' in client.get("/en/").content.decode()


def test_the_page_snippet_verifies_the_served_ledger(client):
    """The Python shown on the page, run against the file the site serves."""
    mixed_events(6)
    html = client.get("/en/transparencia/").content.decode()
    code = html.split("<pre><code>")[1].split("</code></pre>")[0]
    code = code.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")
    body = body_of(client.get(JSONL)).encode("utf-8")

    class FakeResponse:
        def __init__(self, url):
            assert url == "http://testserver/transparency/ledger.jsonl"

        def __enter__(self):
            return iter(body.splitlines(keepends=True))

        def __exit__(self, *exc):
            return False

    printed = []
    namespace = {"print": lambda *args: printed.append(args)}
    import urllib.request

    original = urllib.request.urlopen
    urllib.request.urlopen = FakeResponse
    try:
        exec(code, namespace)  # noqa: S102 (our own page's snippet)
    finally:
        urllib.request.urlopen = original
    assert printed == [("OK", Event.objects.order_by("-sequence").first().hash)]


# --- the daily head feed --------------------------------------------------------------------


def feed_entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == f"{ATOM}feed"
    return [
        {
            "id": entry.findtext(f"{ATOM}id"),
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def day(d, hour=12, minute=0):
    return datetime(2025, 3, d, hour, minute, tzinfo=UTC)


def test_the_feed_has_one_entry_per_utc_day_with_that_days_last_event(client):
    user = UserFactory()
    first = record(user, occurred_at=day(3, 9))
    last_on_3 = record(user, occurred_at=day(3, 23, 59), public=False)
    only_on_5 = record(user, occurred_at=day(5, 0, 1))
    # Recorded later but dated on the 3rd (like a close recorded at its deadline): the head of
    # the 3rd is defined by sequence, so it becomes this one.
    dated_back = record(user, occurred_at=day(3, 10))
    # 23:30 in Mexico City on the 5th is already the 6th in UTC.
    late = record(user, occurred_at=datetime(2025, 3, 6, 5, 30, tzinfo=UTC))
    assert first.sequence < last_on_3.sequence < only_on_5.sequence < dated_back.sequence

    entries = feed_entries(client.get(FEED))
    assert [e["id"] for e in entries] == [
        f"tag:testserver,2025-03-06:ledger-head-{late.sequence}",
        f"tag:testserver,2025-03-05:ledger-head-{only_on_5.sequence}",
        f"tag:testserver,2025-03-03:ledger-head-{dated_back.sequence}",
    ]
    assert late.hash in entries[0]["summary"]
    assert only_on_5.hash in entries[1]["summary"]
    assert dated_back.hash in entries[2]["summary"]
    assert entries[1]["link"] == f"http://testserver{JSONL}?after={only_on_5.sequence - 1}"


def test_the_feed_lists_the_last_sixty_days_with_events(client):
    user = UserFactory()
    start = datetime(2025, 1, 1, 12, tzinfo=UTC)
    for i in range(63):
        record(user, occurred_at=start + timedelta(days=i))
    entries = feed_entries(client.get(FEED))
    assert len(entries) == 60
    assert entries[0]["id"].startswith("tag:testserver,2025-03-04:")
    assert entries[-1]["id"].startswith("tag:testserver,2025-01-04:")


def test_an_empty_ledger_has_an_empty_feed(client):
    assert feed_entries(client.get(FEED)) == []


def test_feed_ids_are_stable_across_requests(client):
    mixed_events(3)
    assert feed_entries(client.get(FEED)) == feed_entries(client.get(FEED))


# --- query budgets --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 40])
def test_query_budgets_do_not_grow_with_the_ledger(client, django_assert_max_num_queries, size):
    user = UserFactory()
    start = datetime(2025, 1, 1, 12, tzinfo=UTC)
    for i in range(size):
        record(user, occurred_at=start + timedelta(days=i), public=i % 4 != 0)
    with django_assert_max_num_queries(1):
        assert len(lines_of(client.get(JSONL))) == size
    with django_assert_max_num_queries(2):
        assert len(feed_entries(client.get(FEED))) == size
    with django_assert_max_num_queries(2):
        assert client.get("/transparencia/").status_code == 200


def test_the_stream_reads_in_chunks_from_one_query(client, monkeypatch, django_assert_num_queries):
    from retos.ledger import selectors

    monkeypatch.setattr(selectors, "CHUNK_SIZE", 2)
    mixed_events(7)
    with django_assert_num_queries(1):
        assert len(lines_of(client.get(JSONL))) == 7
