"""The catalog of delivered tools: the list and its filters, an entry's page, reporting a reuse,
and query budgets at two data sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from retos.challenges.models import Category
from retos.challenges.stages import Stage
from retos.contracts.models import CatalogEntry, Reuse
from tests import contract_helpers as h
from tests.contract_helpers import english  # noqa: F401  (the fixture)
from tests.factories import (
    CompanyFactory,
    GovernmentBodyFactory,
    MembershipFactory,
    MunicipalBodyFactory,
)
from tests.lifecycle import challenge_in, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SCRIPT = "<script>alert('x')</script>"


def entry_for(
    *, body=None, category=Category.DIGITAL_GOVERNMENT, name="Herramienta"
) -> CatalogEntry:
    """A completed challenge with its catalog entry, written directly (fast)."""
    challenge = challenge_in(
        Stage.COMPLETED, body=body or GovernmentBodyFactory(), category=category
    )
    delivery = h.ready_for_complete(challenge)
    award = challenge.award
    return CatalogEntry.objects.create(
        challenge=challenge,
        delivery=delivery,
        slug=f"{challenge.slug}-herramienta",
        name=name,
        description=f"Descripción de {name}.",
        repository_url=h.REPOSITORY,
        licence="MIT",
        supplier=award.supplier,
    )


def names(response) -> list[str]:
    return [entry.name for entry in response.context["page"].object_list]


def test_the_catalog_lists_delivered_tools_with_their_facts(client):
    s, entry = h.completed()
    response = client.get(reverse("contracts:catalog"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Alerta Ciudadana" in text
    assert "MIT" in text
    assert s.challenge.body.name in text
    assert s.supplier.name in text
    assert s.challenge.title in text
    assert h.REPOSITORY in text
    assert entry.get_absolute_url() in text


def test_an_empty_catalog_says_how_tools_arrive(client):
    text = client.get(reverse("contracts:catalog")).content.decode()
    assert "No tool has been delivered yet" in text


def test_the_catalog_filters_by_category_level_and_state(client):
    municipal = MunicipalBodyFactory()
    health = entry_for(category=Category.HEALTH, name="Citas médicas")
    local = entry_for(body=municipal, category=Category.MOBILITY, name="Rutas de camión")
    entry_for(name="Trámites")
    url = reverse("contracts:catalog")
    assert names(client.get(url, {"category": "health"})) == [health.name]
    assert names(client.get(url, {"level": "municipal"})) == [local.name]
    assert names(client.get(url, {"state": "14"})) == [local.name]
    assert names(client.get(url, {"q": "camión"})) == [local.name]
    assert len(names(client.get(url))) == 3
    # An unknown value in the address is ignored, not an error.
    assert len(names(client.get(url, {"category": "nada", "level": "<x>"}))) == 3


def test_an_entry_shows_the_tool_its_publiccode_the_challenge_and_the_contract(client):
    s, entry = h.completed()
    response = client.get(entry.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    assert "Avisos de protección civil por SMS y web" in text
    assert "publiccodeYmlVersion" in text
    assert s.challenge.title in text
    assert "$1,000,000.00 MXN" in text
    assert "CONT-2026-001" in text
    assert reverse("contracts:contract", kwargs={"slug": s.challenge.slug}) in text
    assert client.get("/en/catalogo/no-existe/").status_code == 404


def test_a_hostile_publiccode_is_shown_escaped(client):
    s = h.implementing()
    text = h.valid_publiccode(**{"name: Alerta Ciudadana": f'name: "{SCRIPT}"'})
    from retos.contracts import services

    delivery = services.delivery_submit(
        challenge=s.challenge,
        actor=s.supplier_member,
        repository_url=h.REPOSITORY,
        licence="MIT",
        publiccode_yml=text,
    )
    services.delivery_review(delivery=delivery, actor=s.approver, accept=True)
    entry = CatalogEntry.objects.get()
    assert entry.name == SCRIPT
    for url in (reverse("contracts:catalog"), entry.get_absolute_url()):
        page = client.get(url).content.decode()
        assert SCRIPT not in page
        assert "&lt;script&gt;" in page


def test_an_official_of_another_body_reports_a_reuse(client):
    _s, entry = h.completed()
    official = MembershipFactory(role="official")
    client.force_login(official.user)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Report a reuse" in page
    url = reverse("contracts:reuse_report", kwargs={"slug": entry.slug})
    response = client.post(url, {"body": official.organization.pk, "note": SCRIPT})
    assert response.status_code == 302
    reuse = Reuse.objects.get()
    assert reuse.body == official.organization and reuse.note == SCRIPT
    page = client.get(entry.get_absolute_url()).content.decode()
    assert official.organization.name in page
    assert SCRIPT not in page and "&lt;script&gt;" in page
    # Once reported, the form is gone, and a second post is refused with a message.
    assert "Report a reuse" not in page
    response = client.post(url, {"body": official.organization.pk, "note": ""})
    assert response.status_code == 400
    assert Reuse.objects.count() == 1


def test_a_reuse_note_has_a_limit(client):
    _s, entry = h.completed()
    official = MembershipFactory(role="approver")
    client.force_login(official.user)
    url = reverse("contracts:reuse_report", kwargs={"slug": entry.slug})
    response = client.post(url, {"body": official.organization.pk, "note": "x" * 2001})
    assert response.status_code == 400
    assert not Reuse.objects.exists()


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "plain_user",
        "company_admin",
        "expert",
        "platform_staff",
        "superuser",
        "body_official",
        "body_approver",
        "body_admin",
        "supplier",
    ],
)
def test_others_cannot_report_a_reuse(client, role):
    s, entry = h.completed()
    user = s.supplier_member if role == "supplier" else person(role, s.challenge.body)
    if role != "anonymous":
        client.force_login(user)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Report a reuse" not in page
    url = reverse("contracts:reuse_report", kwargs={"slug": entry.slug})
    target = s.challenge.body if role.startswith("body") else GovernmentBodyFactory()
    response = client.post(url, {"body": target.pk, "note": ""})
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert not Reuse.objects.exists()


def test_a_body_cannot_be_chosen_on_someone_elses_behalf(client):
    _s, entry = h.completed()
    official = MembershipFactory(role="official")
    client.force_login(official.user)
    other = GovernmentBodyFactory()
    url = reverse("contracts:reuse_report", kwargs={"slug": entry.slug})
    response = client.post(url, {"body": other.pk, "note": ""})
    assert response.status_code == 400
    company = CompanyFactory()
    response = client.post(url, {"body": company.pk, "note": ""})
    assert response.status_code == 400
    assert not Reuse.objects.exists()


# --- Query budgets ---------------------------------------------------------------------------

CATALOG_BUDGET = 4  # states for the filter, the count, the page of rows (+ the session)
DETAIL_BUDGET = 6


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"category": "health", "level": "federal", "q": "de"}])
def test_the_catalog_runs_the_same_queries_with_few_and_many_tools(client, params):
    entry_for(category=Category.HEALTH)
    small = queries(client, reverse("contracts:catalog"), params)
    for i in range(12):
        entry_for(category=Category.HEALTH if i % 2 else Category.EDUCATION, name=f"x{i}")
    large = queries(client, reverse("contracts:catalog"), params)
    assert small == large <= CATALOG_BUDGET, (small, large)


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_entry_runs_the_same_queries_with_few_and_many_reuses(client, signed_in):
    entry = entry_for()
    if signed_in:
        client.force_login(MembershipFactory(role="official").user)
    small = queries(client, entry.get_absolute_url())
    for _ in range(15):
        member = MembershipFactory(role="approver")
        Reuse.objects.create(entry=entry, body=member.organization, reported_by=member.user)
    large = queries(client, entry.get_absolute_url())
    assert small == large <= DETAIL_BUDGET + (3 if signed_in else 0), (small, large)
