"""OCDS over the demo data (``manage.py load_demo``, loaded once for the module): every file
validates against the local schemas with the extensions, every public challenge is a process,
and no process shows a bid before its opening act."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from retos.challenges.models import Challenge
from retos.ocds.build import TENDER_STATUS, ocid_for
from retos.ocds.models import Release
from retos.ocds.services import ACTIONS
from retos.proposals.models import OpeningAct
from tests.test_ocds import check_every_endpoint, fetch

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _media(tmp_path_factory):
    return tmp_path_factory.mktemp("ocds-demo-media")


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker, _media):
    """The demo, loaded once for the module in a transaction rolled back at its end (each
    test's own transaction nests inside as a savepoint)."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=_media
        ),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_loaded_once, db, settings, _media):
    settings.MEDIA_ROOT = _media


@pytest.fixture(scope="module")
def package(_loaded_once, django_db_blocker, _media):
    """Every file, fetched and validated once for the module."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=_media):
        return check_every_endpoint(Client())


def test_every_file_validates_against_the_extended_schema(demo, package):
    assert len(package["releases"]) > 10


def test_every_public_challenge_is_a_process_and_no_other(demo, package):
    public = set(Challenge.objects.public().values_list("pk", flat=True))
    assert public
    ocids = {r["ocid"] for r in package["releases"]}
    assert ocids == {ocid_for(pk) for pk in public}


def test_no_process_shows_a_bid_before_its_opening_act(demo, package):
    opened = {
        ocid_for(act.challenge_id): act
        for act in OpeningAct.objects.filter(opened_at__isnull=False)
    }
    assert opened, "the demo has opened challenges"
    for release in package["releases"]:
        act = opened.get(release["ocid"])
        has_bid_data = "bids" in release or "tenderers" in release["tender"]
        roles = {role for party in release["parties"] for role in party["roles"]}
        if act is None:
            assert not has_bid_data and "tenderer" not in roles, release["id"]
            continue
        if has_bid_data:
            assert release["date"] >= act.opened_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            names = sorted(b["tenderers"][0]["name"] for b in release["bids"]["details"])
            assert names == sorted(entry["company"] for entry in act.entries)


def test_each_process_ends_in_its_challenge_s_stage(demo, client):
    records = json.loads(fetch(client, "/ocds/records.json"))["records"]
    stages = dict(Challenge.objects.public().values_list("pk", "stage"))
    assert len(records) == len(stages)
    for record in records:
        pk = int(record["ocid"].rsplit("-", 1)[1])
        assert record["compiledRelease"]["tender"]["status"] == TENDER_STATUS[stages[pk]]


def test_every_release_is_stored_with_its_digest_and_event(demo):
    releases = list(Release.objects.select_related("event"))
    assert releases
    for release in releases:
        assert release.sha256 == hashlib.sha256(release.data.encode("utf-8")).hexdigest()
        assert release.event.public and release.event.action in ACTIONS
        assert json.loads(release.data)["id"] == release.release_id


def test_releases_dates_follow_their_sequence(demo):
    by_ocid: dict[str, list] = {}
    for release in Release.objects.order_by("ocid", "sequence"):
        by_ocid.setdefault(release.ocid, []).append(release.date)
    for dates in by_ocid.values():
        assert dates == sorted(dates)
