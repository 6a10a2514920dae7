"""Atom feeds of newly published challenges and the iCalendar file of a challenge's dates."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from retos.challenges.models import TIMELINE_FIELDS, Challenge
from retos.challenges.stages import Stage
from retos.notifications.calendar import escape_text, fold
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    DraftChallengeFactory,
    GovernmentBodyFactory,
    MunicipalBodyFactory,
    StateBodyFactory,
)
from tests.lifecycle import challenge_in, person

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == f"{ATOM}feed"
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "published": entry.findtext(f"{ATOM}published"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def feed_root(response):
    return ET.fromstring(response.content)  # noqa: S314


def days_ago(n):
    return timezone.now() - timedelta(days=n)


def test_the_feed_lists_public_challenges_newest_publication_first(client):
    older = ChallengeFactory(title="Reto antiguo", published_at=days_ago(9))
    newer = ChallengeFactory(title="Reto reciente", published_at=days_ago(1))
    finished = challenge_in(Stage.COMPLETED, title="Reto concluido")
    DraftChallengeFactory(title="Borrador secreto")
    challenge_in(Stage.IN_REVIEW, title="En revisión secreta")
    ChallengeFactory(title="Programado secreto", published_at=timezone.now() + timedelta(hours=2))
    challenge_in(Stage.CANCELLED, title="Cancelado público")
    response = client.get("/feeds/retos.atom")
    found = entries(response)
    titles = [e["title"] for e in found]
    assert "Borrador secreto" not in titles
    assert "En revisión secreta" not in titles
    assert "Programado secreto" not in titles
    assert set(titles) == {
        "Reto antiguo",
        "Reto reciente",
        "Reto concluido",
        "Cancelado público",
    }
    published = [datetime.fromisoformat(e["published"]) for e in found]
    assert published == sorted(published, reverse=True)
    assert titles.index(newer.title) < titles.index(older.title)
    for entry in found:
        assert entry["link"].startswith("http://testserver/retos/")
    by_title = {e["title"]: e for e in found}
    assert by_title[finished.title]["link"] == f"http://testserver/retos/{finished.slug}/"
    assert by_title[newer.title]["author"] == newer.body.name


def test_a_scheduled_challenge_enters_the_feed_at_its_publication_time(client):
    import time_machine

    at = timezone.now() + timedelta(hours=2)
    ChallengeFactory(title="Programado", published_at=at)
    assert entries(client.get("/feeds/retos.atom")) == []
    with time_machine.travel(at + timedelta(minutes=1)):
        assert [e["title"] for e in entries(client.get("/feeds/retos.atom"))] == ["Programado"]


def test_the_feed_has_absolute_self_and_alternate_links(client):
    ChallengeFactory()
    root = feed_root(client.get("/feeds/retos.atom"))
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == "http://testserver/feeds/retos.atom"
    assert links["alternate"] == "http://testserver/retos/"
    assert root.findtext(f"{ATOM}updated")


def test_the_english_feed_has_english_titles_and_links(client):
    challenge = ChallengeFactory()
    response = client.get("/en/feeds/retos.atom")
    root = feed_root(response)
    assert root.findtext(f"{ATOM}title") == "Retos: new challenges"
    assert entries(response)[0]["link"] == f"http://testserver/en/retos/{challenge.slug}/"


def test_the_body_feed_has_only_that_bodys_challenges(client):
    body, other = GovernmentBodyFactory(), GovernmentBodyFactory()
    mine = ChallengeFactory(body=body)
    ChallengeFactory(body=other)
    DraftChallengeFactory(body=body)
    found = entries(client.get(f"/organismos/{body.slug}/retos.atom"))
    assert [e["title"] for e in found] == [mine.title]
    root = feed_root(client.get(f"/en/organismos/{body.slug}/retos.atom"))
    assert body.name in root.findtext(f"{ATOM}title")


def test_the_body_feed_is_404_for_a_company_or_an_unknown_slug(client):
    company = CompanyFactory()
    assert client.get(f"/organismos/{company.slug}/retos.atom").status_code == 404
    assert client.get("/organismos/no-existe/retos.atom").status_code == 404


def test_the_state_feed_has_the_state_and_its_municipalities(client):
    state_challenge = ChallengeFactory(body=StateBodyFactory())  # Jalisco (14)
    municipal = ChallengeFactory(body=MunicipalBodyFactory())  # Guadalajara, Jalisco
    ChallengeFactory(body=GovernmentBodyFactory())  # federal
    titles = {e["title"] for e in entries(client.get("/estados/14/retos.atom"))}
    assert titles == {state_challenge.title, municipal.title}
    assert entries(client.get("/estados/09/retos.atom")) == []
    assert client.get("/estados/99/retos.atom").status_code == 404


def test_feed_titles_and_summaries_are_escaped(client):
    ChallengeFactory(title='Reto <script>alert("x")</script> & más', summary="a < b & c")
    response = client.get("/feeds/retos.atom")
    assert b"<script>" not in response.content
    assert entries(response)[0]["title"] == 'Reto <script>alert("x")</script> & más'


def grow(n):
    bodies = [GovernmentBodyFactory(), MunicipalBodyFactory()]
    while Challenge.objects.count() < n:
        i = Challenge.objects.count()
        ChallengeFactory(body=bodies[i % 2], published_at=days_ago(i % 30 + 1))


@pytest.mark.parametrize("url", ["/feeds/retos.atom", "/estados/14/retos.atom"])
def test_feeds_run_the_same_queries_with_10_and_80_challenges(client, url):
    grow(10)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(80)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries) <= 2
    assert len(entries(response)) <= 50


# ---------------------------------------------------------------------------------------------
# iCalendar


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_the_calendar_has_one_event_per_timeline_date_with_crlf(client):
    challenge = ChallengeFactory()
    response = client.get(f"/retos/{challenge.slug}/calendario.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="{challenge.slug}.ics"' in response["Content-Disposition"]
    raw = response.content
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # no bare LF
    assert b"\r" not in raw.replace(b"\r\n", b"")  # no bare CR
    lines = unfold(raw.decode("utf-8"))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == len(TIMELINE_FIELDS)
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == len(TIMELINE_FIELDS)
    assert sum(line.startswith("DTSTAMP:") for line in lines) == len(TIMELINE_FIELDS)
    deadline = challenge.submissions_close_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{deadline}" in lines
    for line in lines:
        if line.startswith(("DTSTART:", "DTSTAMP:")):
            assert re.fullmatch(r"DT(START|STAMP):\d{8}T\d{6}Z", line)


def test_the_calendar_leaves_out_dates_not_set(client):
    challenge = ChallengeFactory(demo_day_at=None, delivery_at=None)
    lines = unfold(client.get(f"/retos/{challenge.slug}/calendario.ics").content.decode())
    assert lines.count("BEGIN:VEVENT") == len(TIMELINE_FIELDS) - 2


def test_calendar_summaries_are_translated_and_escaped(client):
    challenge = ChallengeFactory(title="Agua, drenaje; y más")
    spanish = unfold(client.get(f"/retos/{challenge.slug}/calendario.ics").content.decode())
    english = unfold(client.get(f"/en/retos/{challenge.slug}/calendario.ics").content.decode())
    assert "SUMMARY:Cierre de propuestas: Agua\\, drenaje\\; y más" in spanish
    assert "SUMMARY:Submissions close: Agua\\, drenaje\\; y más" in english
    assert f"URL:http://testserver/en/retos/{challenge.slug}/" in english


def test_long_lines_are_folded_at_75_octets_without_splitting_characters(client):
    title = "Plataforma única de atención ciudadana, denuncias y seguimiento " * 3
    challenge = ChallengeFactory(title=title[:200].strip())
    raw = client.get(f"/retos/{challenge.slug}/calendario.ics").content
    physical = raw.split(b"\r\n")
    assert any(line.startswith(b" ") for line in physical)  # something was folded
    for line in physical:
        assert len(line) <= 75
        line.decode("utf-8")  # a multi-byte character is never cut in two
    lines = unfold(raw.decode("utf-8"))
    assert f"X-WR-CALNAME:{escape_text(challenge.title)}" in lines


def test_fold_and_escape_follow_rfc_5545():
    assert fold("SUMMARY:short") == "SUMMARY:short"
    folded = fold("DESCRIPTION:" + "ñ" * 80)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == "DESCRIPTION:" + "ñ" * 80
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.IN_REVIEW])
def test_the_calendar_of_a_challenge_not_yet_public_is_404_for_visitors(client, stage):
    challenge = challenge_in(stage)
    assert client.get(f"/retos/{challenge.slug}/calendario.ics").status_code == 404
    client.force_login(person("body_official", challenge.body))
    assert client.get(f"/retos/{challenge.slug}/calendario.ics").status_code == 200
