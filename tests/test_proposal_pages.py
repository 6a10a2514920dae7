"""The company side of proposals through its pages: who sees what (404 for everyone else), the
editor saving each step, refusals that keep the typed text, the session-expiry stash, the
deadline banner, submit → receipt (page and PDF), withdraw, the dashboard, hostile input and
uploads, and query budgets."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from retos.challenges.stages import Stage
from retos.ledger.models import Event
from retos.proposals import services
from retos.proposals.models import Proposal, ProposalAttachment, Status
from retos.proposals.receipt_pdf import render_receipt_html
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, UserFactory
from tests.proposal_helpers import (
    MARKER,
    company_member,
    complete_sections,
    open_challenge,
    past_deadline,
    pdf_file,
    started_proposal,
    submitted_proposal,
)

pytestmark = pytest.mark.django_db

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_SQL = "'; DROP TABLE proposals_proposal; --"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def edit_url(proposal, step):
    return reverse("proposals:edit", kwargs={"public_id": proposal.public_id, "step": step})


def url(name, proposal, **kwargs):
    return reverse(name, kwargs={"public_id": proposal.public_id, **kwargs})


def draft_of(proposal, actor):
    proposal.refresh_from_db()
    return services.proposal_draft_read(proposal=proposal, actor=actor).sections


def upload(data: bytes, name: str):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def challenge(db):
    return ChallengeFactory()


@pytest.fixture
def started(challenge):
    proposal, member = started_proposal(challenge)
    return proposal, member


# --- Who sees what ---------------------------------------------------------------------------


def member_pages(proposal, version=None):
    pages = [
        url("proposals:detail", proposal),
        edit_url(proposal, "resumen"),
        edit_url(proposal, "adjuntos"),
        url("proposals:submit", proposal),
        url("proposals:withdraw", proposal),
    ]
    if version is not None:
        pages += [
            url("proposals:receipt", proposal, folio=version.folio),
            url("proposals:receipt_pdf", proposal, folio=version.folio),
        ]
    return pages


def test_members_see_every_page_of_their_proposal(client, challenge):
    proposal, member, version = submitted_proposal(challenge)
    client.force_login(member)
    for address in member_pages(proposal, version):
        assert client.get(address).status_code == 200, address


@pytest.mark.parametrize(
    "who", ["other_company", "plain_user", "body_official", "body_approver", "platform_staff"]
)
def test_no_one_else_learns_a_proposal_exists_before_the_opening(client, challenge, who):
    proposal, _member, version = submitted_proposal(challenge)
    people = {
        "other_company": lambda: company_member()[1],
        "plain_user": UserFactory,
        "body_official": lambda: (
            MembershipFactory(organization=challenge.body, role="official").user
        ),
        "body_approver": lambda: (
            MembershipFactory(organization=challenge.body, role="approver").user
        ),
        "platform_staff": lambda: UserFactory(is_platform_staff=True, is_superuser=True),
    }
    client.force_login(people[who]())
    for address in member_pages(proposal, version):
        assert client.get(address).status_code == 404, address
    attachment = ProposalAttachment.objects.get(proposal=proposal)
    download = url("proposals:attachment", proposal, attachment_id=attachment.public_id)
    assert client.get(download).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_and_learn_nothing(client, challenge):
    proposal, _member, version = submitted_proposal(challenge)
    for address in member_pages(proposal, version):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_missing_proposal_and_a_forbidden_one_both_give_404(client, challenge):
    proposal, _member, _version = submitted_proposal(challenge)
    client.force_login(company_member()[1])
    missing = reverse(
        "proposals:detail", kwargs={"public_id": "00000000-0000-4000-8000-000000000000"}
    )
    assert client.get(missing).status_code == 404
    assert client.get(url("proposals:detail", proposal)).status_code == 404


def test_after_the_opening_body_officials_read_the_counted_version_and_its_files(client, challenge):
    proposal, _member, _version = submitted_proposal(challenge)
    withdrawn, withdrawn_member, _ = submitted_proposal(challenge, marker="RETIRADA-123")
    services.proposal_withdraw(proposal=withdrawn, actor=withdrawn_member)
    official = MembershipFactory(organization=challenge.body, role="official").user
    with past_deadline(challenge):
        open_challenge(challenge)
        client.force_login(official)
        response = client.get(url("proposals:detail", proposal))
        assert response.status_code == 200
        assert MARKER in response.content.decode()
        attachment = ProposalAttachment.objects.get(proposal=proposal)
        download = client.get(
            url("proposals:attachment", proposal, attachment_id=attachment.public_id)
        )
        assert download.status_code == 200
        assert MARKER.encode() in download.content
        # The company's own pages stay the company's.
        assert client.get(url("proposals:submit", proposal)).status_code == 404
        # A withdrawn proposal stays sealed for good.
        assert client.get(url("proposals:detail", withdrawn)).status_code == 404
    assert Event.objects.filter(action="proposal.read", actor=official).exists()


# --- The challenge page's "take part" block ---------------------------------------------------


def test_the_challenge_page_invites_anonymous_visitors_to_sign_in_or_register(client, challenge):
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert reverse("proposals:start", kwargs={"slug": challenge.slug}) in page
    assert reverse("organizations:register_company") in page


def test_the_challenge_page_tells_each_company_whether_it_can_take_part(client, challenge):
    company, member = company_member()
    large = CompanyFactory(workers=500, annual_sales="900000000.00")
    MembershipFactory(organization=large, user=member, role="admin")
    client.force_login(member)
    with translation.override("en"):
        page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Your company can take part in this challenge." in page
    assert "Your company cannot take part in this challenge:" in page
    assert f"Start the proposal of {company.name}" in page
    assert f"Start the proposal of {large.name}" not in page


def test_the_challenge_page_never_mentions_other_companies_proposals(client, challenge):
    submitted_proposal(challenge)
    _company, member = company_member()
    client.force_login(member)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert MARKER not in page
    assert "/propuestas/" not in page.replace(reverse("proposals:dashboard"), "")


def test_a_person_without_a_company_is_offered_to_register_one(client, challenge):
    client.force_login(UserFactory())
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert reverse("organizations:register_company") in page


def test_starting_a_proposal_leads_to_the_first_step_and_twice_to_the_same_one(client, challenge):
    company, member = company_member()
    client.force_login(member)
    start = reverse("proposals:start", kwargs={"slug": challenge.slug})
    assert client.get(start).status_code == 200
    first = client.post(start, {"company": company.pk})
    proposal = Proposal.objects.get(company=company)
    assert first["Location"] == edit_url(proposal, "resumen")
    again = client.post(start, {"company": company.pk})
    assert again["Location"] == edit_url(proposal, "resumen")
    assert Proposal.objects.count() == 1


def test_one_cannot_start_a_proposal_for_someone_elses_company(client, challenge):
    other, _ = company_member()
    client.force_login(company_member()[1])
    start = reverse("proposals:start", kwargs={"slug": challenge.slug})
    assert client.post(start, {"company": other.pk}).status_code == 404
    assert not Proposal.objects.exists()


# --- The editor ------------------------------------------------------------------------------


def test_every_step_saves_what_it_holds(client, started):
    proposal, member = started
    client.force_login(member)
    posts = {
        "resumen": {"summary": "Resumen breve", "understanding": "Lo que entendemos"},
        "solucion": {
            "solution": "La solución",
            "technical_approach": "Django",
            "ux_approach": "Pruebas con usuarias",
        },
        "plan": {
            "plan-TOTAL_FORMS": "2",
            "plan-INITIAL_FORMS": "0",
            "plan-0-title": "Descubrimiento",
            "plan-0-weeks": "2",
            "plan-0-deliverable": "Informe",
            "plan-1-title": "",
            "plan-1-weeks": "",
            "plan-1-deliverable": "",
        },
        "equipo": {
            "equipo-TOTAL_FORMS": "1",
            "equipo-INITIAL_FORMS": "0",
            "equipo-0-name": "Ana López",
            "equipo-0-role": "Dirección técnica",
        },
        "precio": {
            "price": "990000",
            "licence": "MIT",
            "links": "https://example.org/a\nhttps://example.org/b",
        },
    }
    following = {
        "resumen": "solucion",
        "solucion": "plan",
        "plan": "equipo",
        "equipo": "precio",
        "precio": "adjuntos",
    }
    for step, data in posts.items():
        response = client.post(edit_url(proposal, step), {**data, "action": "next"})
        assert response.status_code == 302, (step, response.content.decode()[:2000])
        if step in following:
            assert response["Location"] == edit_url(proposal, following[step])
        else:
            assert response["Location"] == url("proposals:submit", proposal)
    sections = draft_of(proposal, member)
    assert sections["summary"] == "Resumen breve"
    assert sections["technical_approach"] == "Django"
    assert sections["work_plan"] == [
        {"title": "Descubrimiento", "weeks": 2, "deliverable": "Informe"}
    ]
    assert sections["team"] == [{"name": "Ana López", "role": "Dirección técnica"}]
    assert sections["price"] == "990000.00"
    assert sections["links"] == ["https://example.org/a", "https://example.org/b"]
    # Every step's page shows what was saved.
    for step in posts:
        assert client.get(edit_url(proposal, step)).status_code == 200


def test_save_stays_and_add_rows_offers_more_rows(client, started):
    proposal, member = started
    client.force_login(member)
    stay = client.post(
        edit_url(proposal, "resumen"), {"summary": "a", "understanding": "", "action": "save"}
    )
    assert stay["Location"] == edit_url(proposal, "resumen")
    more = client.post(
        edit_url(proposal, "equipo"),
        {
            "equipo-TOTAL_FORMS": "1",
            "equipo-INITIAL_FORMS": "0",
            "equipo-0-name": "Ana",
            "equipo-0-role": "Diseño",
            "extra_rows": "3",
            "action": "add_row",
        },
    )
    assert more["Location"].startswith(edit_url(proposal, "equipo") + "?filas=6")
    page = client.get(more["Location"]).content.decode()
    assert 'name="equipo-TOTAL_FORMS" value="7"' in page


def test_a_refusal_is_shown_next_to_its_field_and_keeps_the_typed_text(client, started):
    proposal, member = started
    client.force_login(member)
    typed = "Mi resumen muy largo " * 60  # more than 1,000 characters
    with translation.override("en"):
        response = client.post(
            edit_url(proposal, "resumen"),
            {"summary": typed, "understanding": "Texto que no se pierde", "action": "next"},
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_summary_error"' in page
    assert "is too long" in page
    assert typed.strip() in page
    assert "Texto que no se pierde" in page
    assert draft_of(proposal, member)["summary"] == ""


def test_a_refused_price_keeps_what_was_typed_next_to_the_price(client, started):
    proposal, member = started
    client.force_login(member)
    response = client.post(
        edit_url(proposal, "precio"),
        {"price": "99999999", "licence": "MIT", "links": "https://example.org", "action": "next"},
    )
    page = response.content.decode()
    assert 'id="id_price_error"' in page
    assert 'value="99999999"' in page
    assert "https://example.org" in page


def test_a_refused_milestone_keeps_every_row(client, started):
    proposal, member = started
    client.force_login(member)
    response = client.post(
        edit_url(proposal, "plan"),
        {
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "0",
            "plan-0-title": "Piloto",
            "plan-0-weeks": "pronto",
            "plan-0-deliverable": "Un piloto",
            "action": "next",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="pronto"' in page
    assert "error-summary" in page


def test_autosave_answers_json_with_the_time_or_the_error(client, started):
    proposal, member = started
    client.force_login(member)
    ok = client.post(
        edit_url(proposal, "resumen"),
        {"summary": "Guardado solo", "understanding": "", "action": "save"},
        headers={"X-Requested-With": "fetch"},
    )
    assert ok.status_code == 200
    assert len(ok.json()["saved_at"]) == 5  # "18:04"
    assert draft_of(proposal, member)["summary"] == "Guardado solo"
    refused = client.post(
        edit_url(proposal, "precio"),
        {"price": "-5", "licence": "", "links": "", "autosave": "1"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]


def test_the_step_list_shows_what_each_step_still_lacks(client, started):
    proposal, member = started
    client.force_login(member)
    with translation.override("en"):
        page = client.get(edit_url(proposal, "plan")).content.decode()
    assert "Add at least one milestone to the work plan." in page
    assert "Give the price of your proposal." in page
    assert "characters" in page  # the limits, as text


# --- Session expiry --------------------------------------------------------------------------


def test_text_typed_when_the_session_expired_comes_back_after_signing_in(client, started):
    proposal, member = started
    address = edit_url(proposal, "solucion")
    # The session expired: the POST arrives from an anonymous visitor.
    response = client.post(
        address,
        {
            "solution": "Lo que escribí durante una hora",
            "technical_approach": "Python",
            "ux_approach": "",
            "action": "next",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={address}"
    assert draft_of(proposal, member)["solution"] == ""
    # Signing in keeps the anonymous session's data (cycle_key).
    signed_in = client.post(
        reverse("accounts:login") + f"?next={address}",
        {"username": member.email, "password": "contrasena-segura-123"},
    )
    assert signed_in["Location"] == address
    with translation.override("en"):
        page = client.get(address).content.decode()
    assert "Lo que escribí durante una hora" in page
    assert "We kept what you typed when your session expired." in page or (
        "Conservamos lo que escribió" in page
    )
    # Only once: the next visit shows the saved draft.
    assert "Lo que escribí durante una hora" not in client.get(address).content.decode()


def test_a_file_chosen_when_the_session_expired_cannot_be_kept_and_the_page_says_so(
    client, started
):
    proposal, member = started
    address = edit_url(proposal, "adjuntos")
    client.post(address, {"file": pdf_file()})
    client.force_login(member)
    page = client.get(address).content.decode()
    assert "could not be kept" in page or "no se pudo conservar" in page


def test_autosave_after_the_session_expired_says_so_in_json(client, started):
    proposal, _member = started
    response = client.post(
        edit_url(proposal, "resumen"),
        {"summary": "x", "understanding": ""},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 401
    assert "login_url" in response.json()


# --- Deadline and opening --------------------------------------------------------------------


def test_after_the_deadline_the_editor_saves_but_says_submitting_is_over(client, started):
    proposal, member = started
    challenge = proposal.challenge
    with past_deadline(challenge):
        client.force_login(member)  # a fresh session: three weeks later the old one expired
        with translation.override("en"):
            page = client.get(edit_url(proposal, "resumen")).content.decode()
            assert services.deadline_passed_message() in page
        response = client.post(
            edit_url(proposal, "resumen"),
            {"summary": "Después del plazo", "understanding": "", "action": "save"},
        )
        assert response.status_code == 302
        assert draft_of(proposal, member)["summary"] == "Después del plazo"
        review = client.get(url("proposals:submit", proposal)).content.decode()
        assert "Submit proposal" not in review and "Enviar propuesta" not in review


def test_submitting_after_the_deadline_is_refused_on_the_review_page(client, started):
    proposal, member = started
    services.proposal_save(proposal=proposal, actor=member, changes=complete_sections())
    with past_deadline(proposal.challenge), translation.override("en"):
        client.force_login(member)
        response = client.post(url("proposals:submit", proposal))
    assert response.status_code == 200
    assert "deadline has passed" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.DRAFT
    assert not proposal.versions.exists()


def test_after_the_opening_the_editor_is_read_only(client, challenge):
    proposal, member, _version = submitted_proposal(challenge)
    with past_deadline(challenge):
        open_challenge(challenge)
        client.force_login(member)
        page = client.get(edit_url(proposal, "resumen")).content.decode()
        assert "disabled" in page
        assert 'value="next"' not in page
        response = client.post(
            edit_url(proposal, "resumen"), {"summary": "cambio", "understanding": ""}
        )
        assert response.status_code == 302
        assert draft_of(proposal, member)["summary"] == f"Resumen {MARKER}"


# --- Submit, receipt, withdraw ---------------------------------------------------------------


def test_an_incomplete_proposal_is_not_submitted_and_the_review_page_says_why(client, started):
    proposal, member = started
    client.force_login(member)
    with translation.override("en"):
        response = client.post(url("proposals:submit", proposal))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The proposal was not submitted. First:" in page
    assert "Give the price of your proposal." in page
    assert not proposal.versions.exists()


def test_submit_leads_to_the_receipt_with_folio_time_and_digests(client, started):
    proposal, member = started
    services.proposal_save(proposal=proposal, actor=member, changes=complete_sections())
    services.proposal_attach(proposal=proposal, actor=member, file=pdf_file())
    client.force_login(member)
    review = client.get(url("proposals:submit", proposal)).content.decode()
    assert MARKER in review and "propuesta.pdf" in review
    response = client.post(url("proposals:submit", proposal))
    version = proposal.versions.get()
    assert response["Location"] == url("proposals:receipt", proposal, folio=version.folio)
    receipt = client.get(response["Location"]).content.decode()
    assert version.folio in receipt
    assert version.content_sha256 in receipt
    assert version.attachments[0]["sha256"] in receipt
    assert Event.objects.filter(
        action="proposal.read", actor=member, payload__what="version:1"
    ).exists()


def test_the_receipt_pdf_is_a_pdf_named_after_its_folio(client, challenge):
    proposal, member, version = submitted_proposal(challenge)
    client.force_login(member)
    response = client.get(url("proposals:receipt_pdf", proposal, folio=version.folio))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert version.folio in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    document = services.proposal_version_read(version=version, actor=member)
    html = render_receipt_html(proposal=proposal, version=version, document=document)
    assert version.folio in html
    assert version.content_sha256 in html
    assert "Acuse" in html or "acuse" in html  # always in Spanish


def test_a_receipt_of_another_proposal_is_404(client, challenge):
    proposal, member, _version = submitted_proposal(challenge)
    _other, _other_member, other_version = submitted_proposal(challenge)
    client.force_login(member)
    response = client.get(url("proposals:receipt", proposal, folio=other_version.folio))
    assert response.status_code == 404


def test_withdraw_then_submit_again_makes_a_new_version_and_the_last_counts(client, challenge):
    proposal, member, first = submitted_proposal(challenge)
    client.force_login(member)
    assert client.get(url("proposals:withdraw", proposal)).status_code == 200
    response = client.post(url("proposals:withdraw", proposal))
    assert response["Location"] == url("proposals:detail", proposal)
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN
    client.post(url("proposals:submit", proposal))
    second = proposal.versions.get(number=2)
    page = client.get(url("proposals:detail", proposal)).content.decode()
    assert first.folio in page and second.folio in page
    assert page.index(second.folio) < page.index(first.folio)


def test_a_changed_terms_version_asks_to_reconfirm(client, challenge):
    from retos.challenges.models import Amendment

    proposal, member, _version = submitted_proposal(challenge)
    Amendment.objects.create(
        challenge=challenge,
        number=1,
        reason="Se aclara el alcance.",
        actor=MembershipFactory(organization=challenge.body, role="official").user,
    )
    client.force_login(member)
    with translation.override("en"):
        detail = client.get(url("proposals:detail", proposal)).content.decode()
        dashboard = client.get(reverse("proposals:dashboard")).content.decode()
    assert "re-confirm your proposal" in detail
    assert "re-confirm your proposal" in dashboard


# --- The dashboard ---------------------------------------------------------------------------


def test_the_dashboard_lists_the_companys_proposals_only(client, challenge):
    proposal, member, version = submitted_proposal(challenge)
    other_challenge = ChallengeFactory()
    started_proposal(other_challenge, company=proposal.company, actor=member)
    submitted_proposal(challenge, marker="OTRA")
    client.force_login(member)
    page = client.get(reverse("proposals:dashboard")).content.decode()
    assert challenge.title in page and other_challenge.title in page
    assert version.folio in page
    assert page.count('class="card"') == 2


def test_the_header_links_to_my_proposals_only_for_company_members(client):
    _company, member = company_member()
    client.force_login(member)
    page = client.get("/").content.decode()
    assert reverse("proposals:dashboard") in page
    assert reverse("drafting:my_challenges") not in page
    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    assert reverse("proposals:dashboard") not in page
    official = MembershipFactory(role="official").user
    client.force_login(official)
    page = client.get("/").content.decode()
    assert reverse("drafting:my_challenges") in page
    assert reverse("proposals:dashboard") not in page


# --- Hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", [HOSTILE_SCRIPT, HOSTILE_SQL])
def test_hostile_text_is_stored_verbatim_and_shown_escaped(client, started, hostile):
    proposal, member = started
    client.force_login(member)
    text_steps = {
        "resumen": ["summary", "understanding"],
        "solucion": ["solution", "technical_approach", "ux_approach"],
    }
    for step, names in text_steps.items():
        response = client.post(
            edit_url(proposal, step), {**dict.fromkeys(names, hostile), "action": "save"}
        )
        assert response.status_code == 302
    client.post(
        edit_url(proposal, "plan"),
        {
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "0",
            "plan-0-title": hostile,
            "plan-0-weeks": "3",
            "plan-0-deliverable": hostile,
            "action": "save",
        },
    )
    client.post(
        edit_url(proposal, "equipo"),
        {
            "equipo-TOTAL_FORMS": "1",
            "equipo-INITIAL_FORMS": "0",
            "equipo-0-name": hostile,
            "equipo-0-role": hostile,
            "action": "save",
        },
    )
    sections = draft_of(proposal, member)
    for key in ("summary", "understanding", "solution", "technical_approach", "ux_approach"):
        assert sections[key] == hostile
    assert sections["work_plan"][0]["title"] == hostile
    assert sections["team"][0] == {"name": hostile, "role": hostile}
    assert Proposal.objects.filter(pk=proposal.pk).exists()  # the table is still there
    # Hostile price and links are refused, escaped in the error, never stored.
    response = client.post(
        edit_url(proposal, "precio"),
        {"price": hostile, "licence": "MIT", "links": hostile, "action": "save"},
    )
    assert response.status_code == 200
    assert HOSTILE_SCRIPT not in response.content.decode()
    for page in (
        client.get(url("proposals:submit", proposal)),
        client.get(edit_url(proposal, "resumen")),
        client.get(edit_url(proposal, "plan")),
    ):
        body = page.content.decode()
        assert HOSTILE_SCRIPT not in body
        if hostile == HOSTILE_SCRIPT:
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- Uploads ---------------------------------------------------------------------------------


def test_a_pdf_is_attached_listed_downloaded_and_removed(client, started):
    proposal, member = started
    client.force_login(member)
    response = client.post(edit_url(proposal, "adjuntos"), {"file": pdf_file(), "action": "save"})
    assert response.status_code == 302
    attachment = ProposalAttachment.objects.get(proposal=proposal)
    page = client.get(edit_url(proposal, "adjuntos")).content.decode()
    assert "propuesta.pdf" in page
    download = client.get(url("proposals:attachment", proposal, attachment_id=attachment.public_id))
    assert download.content.startswith(b"%PDF")
    assert "propuesta.pdf" in download["Content-Disposition"]
    client.post(url("proposals:detach", proposal, attachment_id=attachment.public_id))
    assert "propuesta.pdf" not in client.get(edit_url(proposal, "adjuntos")).content.decode()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PNG, "informe.pdf", "its contents are PNG"),
        (b"just some text, not a pdf at all\n" * 10, "informe.pdf", "could not recognise"),
    ],
)
def test_mislabelled_files_are_refused_with_a_clear_message(client, started, data, name, expected):
    proposal, member = started
    client.force_login(member)
    with translation.override("en"):
        response = client.post(edit_url(proposal, "adjuntos"), {"file": upload(data, name)})
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page
    assert 'id="id_file_error"' in page
    assert not ProposalAttachment.objects.exists()


def test_an_oversized_file_is_refused_with_the_limit(client, started, settings):
    settings.RETOS_MAX_UPLOAD_MB = 1
    proposal, member = started
    client.force_login(member)
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10) + b"\n%%EOF\n"
    with translation.override("en"):
        response = client.post(edit_url(proposal, "adjuntos"), {"file": upload(big, "grande.pdf")})
    page = response.content.decode()
    assert "larger than the limit of 1.0" in page
    assert "up to 1.0" in page  # the hint under the field
    assert not ProposalAttachment.objects.exists()


def test_a_path_in_a_file_name_never_reaches_storage(client, started):
    """Django's multipart parser keeps only the last part of an uploaded file's name, so a
    name such as ``../../etc/passwd.pdf`` reaches the service as ``passwd.pdf``; the file is
    stored under a random name in any case. The service itself refuses path-like names with a
    message (tested directly)."""
    proposal, member = started
    client.force_login(member)
    boundary = "frontera"
    content = pdf_file().getvalue()
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="../../etc/passwd.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    client.generic(
        "POST",
        edit_url(proposal, "adjuntos"),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    for attachment in ProposalAttachment.objects.all():
        assert ".." not in attachment.file.name
        assert attachment.file.name.endswith(f"{attachment.public_id}.bin")
    names = [
        name
        for _a, name in services.proposal_draft_read(proposal=proposal, actor=member).attachments
    ]
    assert all("/" not in name and ".." not in name for name in names)
    from retos.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.proposal_attach(
            proposal=proposal, actor=member, file=pdf_file(), name="../../etc/passwd.pdf"
        )
    assert refused.value.code == "name_path"


# --- Query budgets ---------------------------------------------------------------------------


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(ctx.captured_queries)


def test_the_dashboard_runs_the_same_queries_with_few_and_many_proposals(client):
    company, member = company_member()
    client.force_login(member)
    for _ in range(2):
        submitted_proposal(ChallengeFactory(), company=company)
    small = count_queries(client, reverse("proposals:dashboard"))
    for _ in range(25):
        started_proposal(ChallengeFactory(), company=company, actor=member)
    large = count_queries(client, reverse("proposals:dashboard"))
    assert small == large <= 9, (small, large)


def test_the_detail_page_runs_the_same_queries_with_few_and_many_versions(client, challenge):
    proposal, member, _version = submitted_proposal(challenge)
    client.force_login(member)
    small = count_queries(client, url("proposals:detail", proposal))
    for _ in range(10):
        services.proposal_submit(proposal=proposal, actor=member)
    large = count_queries(client, url("proposals:detail", proposal))
    assert small == large <= 8, (small, large)


def test_the_challenge_page_adds_no_query_for_anonymous_visitors(client, challenge):
    from tests.test_query_budgets import BUDGETS

    assert count_queries(client, challenge.get_absolute_url()) <= BUDGETS["detail"]


def test_the_stage_badge_on_the_dashboard_follows_the_clock(client, challenge):
    _proposal, member, _version = submitted_proposal(challenge)
    with past_deadline(challenge):
        client.force_login(member)
        page = client.get(reverse("proposals:dashboard")).content.decode()
    assert f"badge-{Stage.CLOSED.value}" in page
