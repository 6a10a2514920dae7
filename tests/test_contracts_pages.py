"""The pages of the award, the contract and the final delivery: who reaches them, forms that
work without JavaScript and keep what was typed, hostile input shown escaped, the challenge
page's panel, and query budgets at two data sizes."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from retos.challenges.stages import Stage
from retos.contracts import services
from retos.contracts.models import (
    Award,
    CatalogEntry,
    Delivery,
    DeliveryStatus,
    MilestoneStatus,
    MilestoneUpdate,
    Payment,
)
from tests import contract_helpers as h
from tests.contract_helpers import english  # noqa: F401  (the fixture)
from tests.factories import MembershipFactory
from tests.lifecycle import ROLES, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SCRIPT = "<script>alert('x')</script>"
SQL = "'; DROP TABLE contracts_award; --"


def award_url(s):
    return reverse("contracts:award", kwargs={"slug": s.challenge.slug})


def contract_url(s):
    return reverse("contracts:contract", kwargs={"slug": s.challenge.slug})


def delivery_url(s):
    return reverse("contracts:delivery", kwargs={"slug": s.challenge.slug})


def award_post(s, *, rows=None, document=None, **fields) -> dict:
    day = h.today(s.challenge)
    data = {
        "amount": "$1,000,000.00",
        "awarded_on": day.isoformat(),
        "number": "CONT-2026-007",
        "signed_on": day.isoformat(),
        "starts_on": day.isoformat(),
        "ends_on": (day + dt.timedelta(days=365)).isoformat(),
        "document": document or h.pdf_upload(),
        "milestones-TOTAL_FORMS": "8",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "8",
    }
    rows = (
        rows
        if rows is not None
        else [
            ("Piloto", "Piloto en producción.", day + dt.timedelta(days=100), "400,000.00"),
            ("Final", "Código y manuales.", day + dt.timedelta(days=300), "600000"),
        ]
    )
    # Filled rows need not be the first ones: blank rows anywhere are ignored.
    positions = [1, 4, 0, 2, 3, 5, 6, 7]
    for position, (title, deliverables, due_on, amount) in zip(positions, rows, strict=False):
        prefix = f"milestones-{position}-"
        data[prefix + "title"] = title
        data[prefix + "deliverables"] = deliverables
        data[prefix + "due_on"] = due_on.isoformat() if hasattr(due_on, "isoformat") else due_on
        data[prefix + "amount"] = amount
    data.update(fields)
    return data


def text_of(response) -> str:
    return response.content.decode()


# --- The award page --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "supplier", "other_bidder"])
def test_only_the_approver_reaches_the_award_page(client, role):
    s = h.decided()
    user = {"supplier": s.supplier_member, "other_bidder": s.other_bidder}.get(role) or person(
        role, s.challenge.body
    )
    if role != "anonymous":
        client.force_login(user)
    response = client.get(award_url(s))
    if role == "anonymous":
        assert response.status_code == 302 and "/cuenta/entrar/" in response["Location"]
    elif role == "body_approver":
        assert response.status_code == 200
        assert 'name="milestones-7-title"' in text_of(response)
        assert 'name="milestones-8-title"' not in text_of(response)
    else:
        assert response.status_code == 403
    response = client.post(award_url(s), award_post(s))
    if role == "body_approver":
        assert response.status_code == 302
        assert Award.objects.filter(challenge=s.challenge).exists()
    else:
        assert response.status_code in (302, 403)
        assert not Award.objects.exists()


def test_the_award_page_before_and_after_its_stage(client):
    s = h.decided()
    client.force_login(s.approver)
    s.challenge.stage = Stage.FINALISTS
    s.challenge.save(update_fields=["stage"])
    assert client.get(award_url(s)).status_code == 403
    s.challenge.stage = Stage.DECIDED
    s.challenge.save(update_fields=["stage"])
    client.post(award_url(s), award_post(s))
    response = client.get(award_url(s))
    assert response.status_code == 302 and response["Location"] == contract_url(s)


def test_the_award_form_records_the_filled_rows_and_ignores_the_blank_ones(client):
    s = h.decided()
    client.force_login(s.approver)
    response = client.post(award_url(s), award_post(s))
    assert response.status_code == 302
    assert response["Location"] == contract_url(s)
    award = Award.objects.get()
    assert award.amount == Decimal("1000000.00")
    assert list(award.contract.milestones.values_list("title", "amount")) == [
        ("Piloto", Decimal("400000.00")),
        ("Final", Decimal("600000.00")),
    ]


def test_award_errors_say_what_to_fix_and_keep_what_was_typed(client):
    s = h.decided()
    client.force_login(s.approver)
    day = h.today(s.challenge)
    rows = [
        ("Piloto", "Piloto en producción.", day + dt.timedelta(days=100), "900,000"),
        ("Sin entregables", "", "", "abc"),
    ]
    response = client.post(
        award_url(s), award_post(s, rows=rows, amount="1300000", number="CONT-XYZ")
    )
    assert response.status_code == 400
    text = text_of(response)
    # The form's own errors (rows) are shown with the row and field, linked to the field.
    assert "Say what is delivered in this milestone." in text
    assert "Give the milestone&#x27;s due date." in text
    assert "Write an amount in pesos with digits" in text
    assert 'href="#id_milestones-4-deliverables"' in text
    # Everything typed comes back (the file must be chosen again; the hint says so).
    assert 'value="CONT-XYZ"' in text
    assert 'value="1300000"' in text
    assert 'value="Sin entregables"' in text
    assert "choose the file again" in text
    # Once the rows parse, the service's refusals appear next to their fields.
    rows[1] = ("Final", "Código.", day + dt.timedelta(days=200), "200,000")
    response = client.post(award_url(s), award_post(s, rows=rows, amount="1300000"))
    assert response.status_code == 400
    text = text_of(response)
    assert "is more than the challenge&#x27;s contract amount" in text
    assert 'id="id_amount_error"' in text
    assert not Award.objects.exists()
    response = client.post(award_url(s), award_post(s, rows=rows, amount="1000000"))
    text = text_of(response)
    assert "The milestones&#x27; payments add up to $1,100,000.00 MXN" in text


def test_a_due_date_outside_the_contract_is_shown_on_its_row(client):
    s = h.decided()
    client.force_login(s.approver)
    day = h.today(s.challenge)
    rows = [("Tarde", "Algo.", day + dt.timedelta(days=500), "10")]
    response = client.post(award_url(s), award_post(s, rows=rows))
    assert response.status_code == 400
    # The filled row is the form's row 1 (index 1): the message lands there.
    assert re.search(
        r'id="id_milestones-1-due_on_error">The due date of milestone 1 must fall within',
        text_of(response),
    )


def test_no_milestone_at_all_is_refused(client):
    s = h.decided()
    client.force_login(s.approver)
    response = client.post(award_url(s), award_post(s, rows=[]))
    assert response.status_code == 400
    assert "Add at least one milestone" in text_of(response)


def test_an_oversized_or_wrong_file_is_refused_on_the_document_field(client):
    s = h.decided()
    client.force_login(s.approver)
    fake = SimpleUploadedFile("contrato.pdf", b"MZ\x90\x00" + b"\0" * 100)
    response = client.post(award_url(s), award_post(s, document=fake))
    assert response.status_code == 400
    assert 'id="id_document_error"' in text_of(response)
    assert not Award.objects.exists()


def test_oversized_text_is_refused_with_the_limit(client):
    s = h.decided()
    client.force_login(s.approver)
    day = h.today(s.challenge)
    rows = [("T" * 201, "D" * 5001, day + dt.timedelta(days=10), "10")]
    response = client.post(award_url(s), award_post(s, rows=rows, number="N" * 61))
    assert response.status_code == 400
    text = text_of(response)
    for field in ("number", "milestones-1-title", "milestones-1-deliverables"):
        assert re.search(rf'id="id_{field}_error">Ensure this value has at most', text), field
    assert not Award.objects.exists()


def test_the_award_page_explains_what_blocks_it(client):
    s = h.decided(window_closed=False)
    client.force_login(s.approver)
    response = client.get(award_url(s))
    assert response.status_code == 200
    text = text_of(response)
    assert "The award cannot be recorded yet" in text
    assert "may file complaints against the decision until" in text
    assert 'name="amount"' not in text
    response = client.post(award_url(s), award_post(s))
    assert response.status_code == 400
    assert not Award.objects.exists()


def test_hostile_input_is_stored_as_typed_and_shown_escaped(client):
    s = h.decided()
    client.force_login(s.approver)
    day = h.today(s.challenge)
    rows = [(SCRIPT, SQL, day + dt.timedelta(days=10), "10")]
    response = client.post(award_url(s), award_post(s, rows=rows, number=SCRIPT[:60]))
    assert response.status_code == 302
    award = Award.objects.get()
    assert award.contract.number == SCRIPT[:60]
    milestone = award.contract.milestones.get()
    assert (milestone.title, milestone.deliverables) == (SCRIPT, SQL)
    client.logout()
    text = text_of(client.get(contract_url(s)))
    assert SCRIPT not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "&#x27;; DROP TABLE contracts_award; --" in text


# --- The contract page -----------------------------------------------------------------------


def test_there_is_no_contract_page_before_the_award(client):
    s = h.decided()
    client.force_login(s.approver)
    assert client.get(contract_url(s)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_contract_page_is_public_once_awarded(client, role):
    s = h.awarded()
    if role != "anonymous":
        client.force_login(person(role, s.challenge.body))
    response = client.get(contract_url(s))
    assert response.status_code == 200
    text = text_of(response)
    assert s.supplier.name in text
    assert "CONT-2026-001" in text
    assert "$1,000,000.00 MXN" in text
    assert "Piloto" in text and "Versión final" in text
    # The bar is also text.
    assert "0%" in text and "<progress" in text


def test_the_signed_contract_is_downloadable_by_its_digest(client):
    s = h.awarded()
    document = Award.objects.get().contract.document
    url = reverse(
        "contracts:contract_document", kwargs={"slug": s.challenge.slug, "sha256": document.sha256}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == h.pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    wrong = url.replace(document.sha256, "0" * 64)
    assert client.get(wrong).status_code == 404


def test_the_supplier_posts_progress_and_submits_through_the_page(client):
    s = h.implementing()
    client.force_login(s.supplier_member)
    page = text_of(client.get(contract_url(s)))
    assert "Post progress" in page and "Record the payment" not in page
    url = reverse("contracts:milestone_progress", kwargs={"slug": s.challenge.slug, "number": 1})
    response = client.post(
        url, {"m1-progress-progress": "150", "m1-progress-note": "Texto escrito"}
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "Give the progress as a whole number from 0 to 100." in text
    assert "Texto escrito" in text
    response = client.post(
        url,
        {
            "m1-progress-progress": "60",
            "m1-progress-note": SCRIPT,
            "m1-progress-link": "https://git.example.org/pr/1",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#milestone-1")
    assert MilestoneUpdate.objects.get().note == SCRIPT
    text = text_of(client.get(contract_url(s)))
    assert SCRIPT not in text and "&lt;script&gt;" in text
    assert "Progress: 60%" in text
    submit = reverse("contracts:milestone_submit", kwargs={"slug": s.challenge.slug, "number": 1})
    assert client.post(submit).status_code == 302
    assert h.milestone(s).status == MilestoneStatus.SUBMITTED
    # Submitting again is refused with its message, not an error page.
    response = client.post(submit, follow=True)
    assert "already submitted" in text_of(response)


def test_the_agency_accepts_returns_and_pays_through_the_page(client):
    s = h.implementing()
    services.milestone_submit(milestone=h.milestone(s), actor=s.supplier_member)
    client.force_login(s.official)
    review = reverse("contracts:milestone_review", kwargs={"slug": s.challenge.slug, "number": 1})
    response = client.post(review, {"decision": "return", "m1-review-note": ""})
    assert response.status_code == 400
    assert "Write the observations for the supplier." in text_of(response)
    assert (
        client.post(review, {"decision": "return", "m1-review-note": "Falta."}).status_code == 302
    )
    assert h.milestone(s).status == MilestoneStatus.IN_PROGRESS
    services.milestone_submit(milestone=h.milestone(s), actor=s.supplier_member)
    assert client.post(review, {"decision": "accept", "m1-review-note": ""}).status_code == 302
    pay = reverse("contracts:payment_record", kwargs={"slug": s.challenge.slug, "number": 1})
    data = {
        "m1-payment-amount": "$500,000.00",
        "m1-payment-paid_on": h.today(s.challenge).isoformat(),
        "m1-payment-reference": "SPEI 99",
    }
    response = client.post(pay, data)
    assert response.status_code == 400
    assert "more than the milestone&#x27;s payment" in text_of(response)
    assert 'value="SPEI 99"' in text_of(response)
    data["m1-payment-amount"] = "$400,000.00"
    assert client.post(pay, data).status_code == 302
    assert Payment.objects.get().amount == Decimal("400000.00")
    text = text_of(client.get(contract_url(s)))
    assert "Paid: 40%" in text
    assert "$400,000.00 MXN paid of $1,000,000.00 MXN" in text


@pytest.mark.parametrize("role", [*ROLES, "other_bidder"])
def test_milestone_actions_are_refused_to_others(client, role):
    s = h.implementing()
    if role != "anonymous":
        user = s.other_bidder if role == "other_bidder" else person(role, s.challenge.body)
        client.force_login(user)
    slug = s.challenge.slug
    progress = client.post(
        reverse("contracts:milestone_progress", kwargs={"slug": slug, "number": 1}),
        {"m1-progress-progress": "5", "m1-progress-note": "x"},
    )
    review = client.post(
        reverse("contracts:milestone_review", kwargs={"slug": slug, "number": 1}),
        {"decision": "accept"},
    )
    if role == "anonymous":
        assert progress.status_code == review.status_code == 302
    else:
        assert progress.status_code == 403
        # The agency may review, but nothing is submitted: the refusal is a message.
        assert review.status_code == (400 if role in ("body_official", "body_approver") else 403)
    assert not MilestoneUpdate.objects.exists()


def test_an_unknown_milestone_is_404(client):
    s = h.implementing()
    client.force_login(s.supplier_member)
    url = reverse("contracts:milestone_submit", kwargs={"slug": s.challenge.slug, "number": 9})
    assert client.post(url).status_code == 404


# --- The delivery page -----------------------------------------------------------------------


def delivery_post(**fields):
    return {
        "repository_url": h.REPOSITORY,
        "licence": "MIT",
        "publiccode_yml": h.valid_publiccode(),
        "notes": "",
        **fields,
    }


def test_an_invalid_publiccode_is_shown_with_the_schemas_messages_and_kept(client):
    s = h.implementing()
    client.force_login(s.supplier_member)
    broken = h.valid_publiccode(**{"localisationReady: true": "localisationReady: quizá"})
    response = client.post(delivery_url(s), delivery_post(publiccode_yml=broken))
    assert response.status_code == 400
    text = text_of(response)
    assert (
        "localisation.localisationReady: &#x27;quizá&#x27; is not of type &#x27;boolean&#x27;"
        in text
    )
    assert "localisationReady: quizá" in text  # the text area keeps it
    assert not Delivery.objects.exists()


def test_a_publiccode_file_may_be_uploaded_instead(client):
    s = h.implementing()
    client.force_login(s.supplier_member)
    upload = SimpleUploadedFile("publiccode.yml", h.valid_publiccode().encode())
    response = client.post(
        delivery_url(s), delivery_post(publiccode_yml="", publiccode_file=upload)
    )
    assert response.status_code == 302
    assert Delivery.objects.get().publiccode["name"] == "Alerta Ciudadana"


def test_an_uploaded_publiccode_that_is_refused_comes_back_in_the_text_area(client):
    s = h.implementing()
    client.force_login(s.supplier_member)
    upload = SimpleUploadedFile("publiccode.yml", b"- uno\n- dos\n")
    response = client.post(
        delivery_url(s), delivery_post(publiccode_yml="", publiccode_file=upload)
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "must be a mapping" in text
    assert "- uno\n- dos" in text
    latin = SimpleUploadedFile("publiccode.yml", "name: Ñandú\n".encode("latin-1"))
    response = client.post(delivery_url(s), delivery_post(publiccode_yml="", publiccode_file=latin))
    assert "not UTF-8 text" in text_of(response)


def test_the_approver_accepts_the_delivery_and_lands_on_the_catalog(client):
    s = h.implementing()
    h.delivered(s)
    client.force_login(s.approver)
    page = text_of(client.get(delivery_url(s)))
    assert "Accept the delivery and complete the challenge" in page
    url = reverse("contracts:delivery_review", kwargs={"slug": s.challenge.slug, "number": 1})
    response = client.post(url, {"decision": "accept", "review-note": ""})
    entry = CatalogEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert s.refresh().stage == Stage.COMPLETED


def test_returning_a_delivery_needs_observations(client):
    s = h.implementing()
    h.delivered(s)
    client.force_login(s.approver)
    url = reverse("contracts:delivery_review", kwargs={"slug": s.challenge.slug, "number": 1})
    response = client.post(url, {"decision": "return", "review-note": ""})
    assert response.status_code == 400
    assert "Write the observations for the supplier." in text_of(response)
    response = client.post(url, {"decision": "return", "review-note": SCRIPT})
    assert response.status_code == 302
    assert Delivery.objects.get().status == DeliveryStatus.REJECTED
    client.logout()
    text = text_of(client.get(delivery_url(s)))
    assert SCRIPT not in text and "&lt;script&gt;" in text


@pytest.mark.parametrize("role", [*ROLES, "other_bidder"])
def test_only_the_supplier_submits_and_only_the_approver_reviews(client, role):
    s = h.implementing()
    h.delivered(s)
    Delivery.objects.update(status=DeliveryStatus.REJECTED, review_note="x")
    pending = Delivery.objects.create(
        challenge=s.challenge,
        number=2,
        repository_url=h.REPOSITORY,
        licence="MIT",
        publiccode_yml="x",
        submitted_by=s.supplier_member,
    )
    if role != "anonymous":
        user = s.other_bidder if role == "other_bidder" else person(role, s.challenge.body)
        client.force_login(user)
    assert client.get(delivery_url(s)).status_code == 200
    Delivery.objects.filter(pk=pending.pk).update(status=DeliveryStatus.REJECTED, review_note="x")
    submit = client.post(delivery_url(s), delivery_post())
    Delivery.objects.filter(pk=pending.pk).update(status=DeliveryStatus.SUBMITTED, review_note="")
    review = client.post(
        reverse("contracts:delivery_review", kwargs={"slug": s.challenge.slug, "number": 2}),
        {"decision": "return", "review-note": "No."},
    )
    if role == "anonymous":
        assert submit.status_code == review.status_code == 302
        assert "/cuenta/entrar/" in submit["Location"]
    elif role == "body_approver":
        assert submit.status_code == 403
        assert review.status_code == 302
    else:
        assert submit.status_code == review.status_code == 403
    assert Delivery.objects.count() == 2


def test_the_delivery_page_does_not_exist_before_the_award(client):
    s = h.decided()
    assert client.get(delivery_url(s)).status_code == 404


# --- The challenge page's panel --------------------------------------------------------------


def test_the_panel_offers_the_award_to_the_approver_only(client):
    s = h.decided()
    client.force_login(s.approver)
    text = text_of(client.get(s.challenge.get_absolute_url()))
    assert "Record the award and the contract" in text
    client.force_login(s.official)
    assert "Record the award and the contract" not in text_of(
        client.get(s.challenge.get_absolute_url())
    )


def test_the_panel_shows_the_award_and_each_sides_actions(client):
    s = h.implementing()
    services.milestone_submit(milestone=h.milestone(s), actor=s.supplier_member)
    url = s.challenge.get_absolute_url()
    client.force_login(s.supplier_member)
    text = text_of(client.get(url))
    assert "Contract and implementation" in text
    assert "Submit the final delivery" in text
    client.force_login(s.official)
    text = text_of(client.get(url))
    assert "Review the milestone submitted for acceptance" in text
    assert "Submit the final delivery" not in text
    client.logout()
    text = text_of(client.get(url))
    assert s.supplier.name in text and "What you can do" not in text


# --- Query budgets ---------------------------------------------------------------------------

CONTRACT_BUDGET = 12
DELIVERY_BUDGET = 10


def grow(s, *, posts: int):
    for m in s.challenge.award.contract.milestones.all():
        for i in range(posts):
            MilestoneUpdate.objects.create(
                milestone=m, progress=i, note=f"Avance {i}", author=s.supplier_member
            )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["anonymous", "supplier", "official"])
def test_the_contract_page_runs_the_same_queries_with_few_and_many_posts(client, viewer):
    s = h.implementing()
    s.challenge.refresh_from_db()
    if viewer != "anonymous":
        client.force_login(s.supplier_member if viewer == "supplier" else s.official)
    grow(s, posts=1)
    small = queries(client, contract_url(s))
    grow(s, posts=25)
    h.delivered(s)
    large = queries(client, contract_url(s))
    assert small == large <= CONTRACT_BUDGET, (small, large)


def test_the_delivery_page_runs_the_same_queries_with_one_and_many_deliveries(client):
    s = h.implementing()
    client.force_login(s.approver)
    h.delivered(s)
    small = queries(client, delivery_url(s))
    for _ in range(6):
        Delivery.objects.filter(status=DeliveryStatus.SUBMITTED).update(
            status=DeliveryStatus.REJECTED, review_note="Otra vez."
        )
        h.delivered(s)
    large = queries(client, delivery_url(s))
    assert small == large <= DELIVERY_BUDGET, (small, large)


def test_the_challenge_panel_costs_the_same_with_few_and_many_milestones(client):
    s = h.implementing()
    client.force_login(s.official)
    url = s.challenge.get_absolute_url()
    small = queries(client, url)
    grow(s, posts=20)
    h.accepted_milestone(s)
    large = queries(client, url)
    assert small == large, (small, large)


def test_a_plain_member_of_the_supplier_sees_the_supplier_actions(client):
    s = h.implementing()
    member = MembershipFactory(organization=s.supplier, role="member").user
    client.force_login(member)
    assert "Post progress" in text_of(client.get(contract_url(s)))


AWARD_BUDGET = 14


def test_the_award_page_runs_the_same_queries_with_few_and_many_bidders(client):
    s = h.decided()
    client.force_login(s.approver)
    small = queries(client, award_url(s))
    for _ in range(10):
        h.bidder(s.challenge)
    large = queries(client, award_url(s))
    assert small == large <= AWARD_BUDGET, (small, large)


def test_an_oversized_or_hostile_publiccode_is_refused_and_shown_escaped(client):
    s = h.implementing()
    client.force_login(s.supplier_member)
    huge = h.valid_publiccode() + "#" + "x" * (300 * 1024) + "\n"
    response = client.post(delivery_url(s), delivery_post(publiccode_yml=huge))
    assert response.status_code == 400
    assert "at most 256 KB are accepted" in text_of(response)
    hostile = f"name: {SCRIPT}\n</textarea>{SCRIPT}\n"
    response = client.post(delivery_url(s), delivery_post(publiccode_yml=hostile))
    assert response.status_code == 400
    text = text_of(response)
    assert SCRIPT not in text
    assert "&lt;/textarea&gt;" in text
    assert not Delivery.objects.exists()
