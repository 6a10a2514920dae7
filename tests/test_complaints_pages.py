"""The complaint pages: the public list and detail, the bidders' form (with evidence uploads
refused clearly and nothing else lost), the approver's and the complainant's forms, evidence
downloads, hostile input shown escaped, and query budgets at two data sizes."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from retos.challenges.stages import Stage
from retos.decisions import complaints
from retos.decisions.models import Complaint, ComplaintStatus
from retos.organizations.models import Role
from tests.complaint_helpers import (
    SCRIPT,
    approver_of,
    bidder,
    decided_challenge,
    pdf_upload,
    png_upload,
)
from tests.factories import ChallengeFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

GROUNDS = "El fallo no consideró nuestra demostración del 3 de noviembre."


def list_url(challenge):
    return reverse("complaints:list", kwargs={"slug": challenge.slug})


def new_url(challenge):
    return reverse("complaints:new", kwargs={"slug": challenge.slug})


def detail_url(complaint, name="complaints:detail"):
    return reverse(name, kwargs={"slug": complaint.challenge.slug, "number": complaint.number})


def evidence_url(complaint, item):
    return reverse(
        "complaints:evidence",
        kwargs={
            "slug": complaint.challenge.slug,
            "number": complaint.number,
            "evidence_id": item.pk,
        },
    )


def file(proposal, *, grounds=GROUNDS, evidence=()):
    return complaints.complaint_file(
        proposal=proposal, actor=bidder(proposal), grounds=grounds, evidence=evidence
    )


@pytest.fixture
def decided():
    return decided_challenge(3)


@pytest.fixture
def with_evidence(decided):
    _challenge, proposals, _decision = decided
    complaint = file(
        proposals[1],
        evidence=[(pdf_upload("dictamen.pdf"), False), (png_upload("reservada.png"), True)],
    )
    public, confidential = complaint.evidence.select_related("document").order_by("id")
    return complaint, public, confidential


def test_the_addresses_are_in_spanish(decided):
    challenge, _proposals, _ = decided
    assert list_url(challenge) == f"/retos/{challenge.slug}/inconformidades/"
    assert new_url(challenge) == f"/retos/{challenge.slug}/inconformidades/nueva/"


# --- The public list and detail -------------------------------------------------------------


def test_anyone_reads_the_complaints_their_steps_and_the_list_of_evidence(client, with_evidence):
    complaint, public, confidential = with_evidence
    approver = approver_of(complaint.challenge)
    complaints.complaint_move(
        complaint=complaint, actor=approver, to_status="under_review", response="Se admite."
    )
    for url in (list_url(complaint.challenge), detail_url(complaint)):
        page = client.get(url).content.decode()
        assert GROUNDS in page
        assert "Se admite." in page
        assert complaint.proposal.company.name in page
        # Both files are listed with their digests; only the public one is linked.
        for item in (public, confidential):
            assert item.document.original_name in page
            assert item.document.sha256 in page
        assert evidence_url(complaint, public) in page
        assert evidence_url(complaint, confidential) not in page


@pytest.mark.parametrize("role", ["approver", "official", "complainant"])
def test_the_agency_and_the_complaining_company_see_the_confidential_link(
    client, with_evidence, role
):
    complaint, _public, confidential = with_evidence
    user = {
        "approver": lambda: approver_of(complaint.challenge),
        "official": lambda: (
            MembershipFactory(organization=complaint.challenge.body, role=Role.OFFICIAL).user
        ),
        "complainant": lambda: bidder(complaint.proposal),
    }[role]()
    client.force_login(user)
    assert (
        evidence_url(complaint, confidential) in client.get(detail_url(complaint)).content.decode()
    )


def test_the_list_of_a_challenge_nobody_may_see_is_a_404(client):
    challenge = ChallengeFactory(stage=Stage.DRAFT, published_at=None)
    assert client.get(list_url(challenge)).status_code == 404
    assert client.get(new_url(challenge)).status_code == 404


def test_an_unknown_complaint_is_a_404(client, with_evidence):
    complaint, _public, _confidential = with_evidence
    url = reverse("complaints:detail", kwargs={"slug": complaint.challenge.slug, "number": 99})
    assert client.get(url).status_code == 404


def test_the_list_says_until_when_complaints_may_be_filed(client, decided):
    challenge, _proposals, decision = decided
    page = client.get(list_url(challenge)).content.decode()
    assert new_url(challenge) in page
    with time_machine.travel(decision.complaints_close_at + timedelta(seconds=1)):
        page = client.get(list_url(challenge)).content.decode()
    assert new_url(challenge) not in page


def test_the_list_reads_in_english(client, with_evidence):
    complaint, _public, _confidential = with_evidence
    response = client.get("/en" + list_url(complaint.challenge))
    assert response.status_code == 200
    assert "Complaints against the decision" in response.content.decode()


def test_hostile_text_is_shown_escaped(client, decided):
    _challenge, proposals, _ = decided
    complaint = file(proposals[1], grounds=f"{SCRIPT} '); DROP TABLE x; --")
    complaints.complaint_move(
        complaint=complaint,
        actor=approver_of(complaint.challenge),
        to_status="under_review",
        response=SCRIPT,
    )
    for url in (list_url(complaint.challenge), detail_url(complaint)):
        page = client.get(url).content.decode()
        assert SCRIPT not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "DROP TABLE x" in page


def test_a_hostile_file_name_is_shown_escaped(client, decided):
    _challenge, proposals, _ = decided
    name = '<img src=x onerror="alert(1)">.pdf'
    complaint = file(proposals[1], evidence=[(pdf_upload(name), False)])
    page = client.get(detail_url(complaint)).content.decode()
    assert name not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.pdf" in page


# --- Filing ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(client, decided):
    challenge, _proposals, _ = decided
    response = client.get(new_url(challenge))
    assert response.status_code == 200
    assert response.context["problem"].code == "sign_in"
    assert '<form method="post" enctype' not in response.content.decode()
    response = client.post(new_url(challenge), {"grounds": GROUNDS})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("who", ["plain_user", "winner", "body_approver"])
def test_people_who_are_not_bidders_see_why_and_cannot_post(client, decided, who):
    challenge, proposals, _ = decided
    user = {
        "plain_user": UserFactory,
        "winner": lambda: bidder(proposals[0]),
        "body_approver": lambda: approver_of(challenge),
    }[who]()
    client.force_login(user)
    response = client.get(new_url(challenge))
    assert response.context["problem"].code == "not_bidder"
    response = client.post(new_url(challenge), {"grounds": GROUNDS})
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_after_the_window_the_page_says_when_it_closed(client, decided):
    challenge, proposals, decision = decided
    client.force_login(bidder(proposals[1]))
    with time_machine.travel(decision.complaints_close_at + timedelta(seconds=1)):
        response = client.get("/en" + new_url(challenge))
        assert response.context["problem"].code == "window_closed"
        assert "The complaint window closed on" in response.content.decode()
        response = client.post(new_url(challenge), {"grounds": GROUNDS})
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_a_bidder_files_with_evidence_and_lands_on_the_complaint(client, decided):
    challenge, proposals, _ = decided
    client.force_login(bidder(proposals[1]))
    page = client.get(new_url(challenge))
    assert page.status_code == 200
    assert proposals[1].company.name in page.content.decode()
    response = client.post(
        new_url(challenge),
        {
            "grounds": GROUNDS,
            "evidence_1": pdf_upload("dictamen.pdf"),
            "evidence_3": png_upload("captura.png"),
            "confidential_3": "on",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(complaint)
    assert complaint.proposal == proposals[1]
    assert list(
        complaint.evidence.order_by("id").values_list("document__original_name", "confidential")
    ) == [("dictamen.pdf", False), ("captura.png", True)]


def test_a_member_of_two_bidding_companies_chooses_which_one_complains(client, decided):
    challenge, proposals, _ = decided
    user = bidder(proposals[1])
    MembershipFactory(organization=proposals[2].company, role=Role.MEMBER, user=user)
    client.force_login(user)
    form = client.get(new_url(challenge)).context["form"]
    assert set(dict(form.fields["proposal"].choices)) == {
        str(proposals[1].public_id),
        str(proposals[2].public_id),
    }
    client.post(new_url(challenge), {"grounds": GROUNDS, "proposal": str(proposals[2].public_id)})
    assert Complaint.objects.get().proposal == proposals[2]


def test_an_oversized_file_is_refused_on_its_field_and_the_grounds_stay(client, decided, settings):
    settings.RETOS_MAX_UPLOAD_MB = 1
    challenge, proposals, _ = decided
    client.force_login(bidder(proposals[1]))
    grounds = f"{GROUNDS}\nSegundo párrafo con <b>marcas</b>."
    response = client.post(
        "/en" + new_url(challenge),
        {
            "grounds": grounds,
            "evidence_1": pdf_upload("bien.pdf"),
            "evidence_2": pdf_upload("enorme.pdf", padding=1024 * 1024),
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "larger than the limit of 1.0" in form.errors["evidence_2"][0]
    page = response.content.decode()
    assert 'href="#id_evidence_2"' in page  # the summary links to the field
    # The grounds are kept (escaped) in the form; the files must be chosen again.
    assert "Segundo párrafo con &lt;b&gt;marcas&lt;/b&gt;." in page
    assert "choose the evidence files again" in page
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"hola, no soy un PDF", "informe.pdf", "could not recognise the contents"),
        (b"", "vacio.pdf", "is empty"),
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_message(client, decided, data, name, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    challenge, proposals, _ = decided
    client.force_login(bidder(proposals[1]))
    response = client.post(
        "/en" + new_url(challenge),
        {"grounds": GROUNDS, "evidence_4": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors["evidence_4"][0]
    assert GROUNDS in response.content.decode()
    assert not Complaint.objects.exists()


def test_empty_grounds_are_refused_on_their_field(client, decided):
    challenge, proposals, _ = decided
    client.force_login(bidder(proposals[1]))
    response = client.post(new_url(challenge), {"grounds": "   "})
    assert response.status_code == 400
    assert response.context["form"].errors["grounds"]
    assert not Complaint.objects.exists()


# --- Moving ---------------------------------------------------------------------------------


def test_the_approver_responds_from_the_complaint_page(client, with_evidence):
    complaint, _public, _confidential = with_evidence
    client.force_login(approver_of(complaint.challenge))
    page = client.get(detail_url(complaint))
    assert page.context["move_form"] is not None
    assert page.context["withdraw_form"] is None
    response = client.post(
        detail_url(complaint, "complaints:move"),
        {"move-to_status": "under_review", "move-response": "Se admite a revisión."},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.UNDER_REVIEW
    # Now the choices are to uphold or dismiss, with a remedy.
    form = client.get(detail_url(complaint)).context["move_form"]
    assert [value for value, _label in form.fields["to_status"].choices] == [
        "upheld",
        "dismissed",
    ]
    assert "remedy" in form.fields


def test_upholding_without_a_remedy_is_refused_on_the_remedy(client, with_evidence):
    complaint, _public, _confidential = with_evidence
    approver = approver_of(complaint.challenge)
    complaints.complaint_move(
        complaint=complaint, actor=approver, to_status="under_review", response="R."
    )
    client.force_login(approver)
    response = client.post(
        detail_url(complaint, "complaints:move"),
        {"move-to_status": "upheld", "move-response": "Procede."},
    )
    assert response.status_code == 400
    assert response.context["move_form"].errors["remedy"]
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.UNDER_REVIEW


def test_upholding_to_reevaluate_from_the_page_returns_the_challenge_to_evaluation(
    client, with_evidence
):
    complaint, _public, _confidential = with_evidence
    approver = approver_of(complaint.challenge)
    complaints.complaint_move(
        complaint=complaint, actor=approver, to_status="under_review", response="R."
    )
    client.force_login(approver)
    response = client.post(
        detail_url(complaint, "complaints:move"),
        {"move-to_status": "upheld", "move-remedy": "reevaluate", "move-response": "Procede."},
    )
    assert response.status_code == 302
    complaint.challenge.refresh_from_db()
    assert complaint.challenge.stage == Stage.EVALUATION
    # The closed complaint offers no more forms.
    page = client.get(detail_url(complaint))
    assert page.context["move_form"] is None


@pytest.mark.parametrize("who", ["complainant", "other_bidder", "official"])
def test_only_the_approver_may_post_a_response(client, with_evidence, who):
    complaint, _public, _confidential = with_evidence
    challenge = complaint.challenge
    user = {
        "complainant": lambda: bidder(complaint.proposal),
        "other_bidder": lambda: bidder(challenge.proposals.exclude(pk=complaint.proposal_id)[0]),
        "official": lambda: MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user,
    }[who]()
    client.force_login(user)
    response = client.post(
        detail_url(complaint, "complaints:move"),
        {"move-to_status": "under_review", "move-response": "R."},
    )
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.FILED


def test_anonymous_posts_go_to_the_log_in(client, with_evidence):
    complaint, _public, _confidential = with_evidence
    for name in ("complaints:move", "complaints:withdraw"):
        response = client.post(detail_url(complaint, name), {})
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_complaining_company_withdraws_from_the_page(client, with_evidence):
    complaint, _public, _confidential = with_evidence
    colleague = MembershipFactory(organization=complaint.proposal.company, role=Role.MEMBER).user
    client.force_login(colleague)
    page = client.get(detail_url(complaint))
    assert page.context["withdraw_form"] is not None
    assert page.context["move_form"] is None
    response = client.post(detail_url(complaint, "complaints:withdraw"), {"withdraw-response": ""})
    assert response.status_code == 400
    response = client.post(
        detail_url(complaint, "complaints:withdraw"), {"withdraw-response": "Acuerdo alcanzado."}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.WITHDRAWN


def test_the_approver_cannot_withdraw_a_complaint(client, with_evidence):
    complaint, _public, _confidential = with_evidence
    client.force_login(approver_of(complaint.challenge))
    response = client.post(
        detail_url(complaint, "complaints:withdraw"), {"withdraw-response": "No."}
    )
    assert response.status_code == 403


# --- Evidence downloads ---------------------------------------------------------------------


def test_public_evidence_is_downloaded_by_anyone_with_its_digest(client, with_evidence):
    complaint, public, _confidential = with_evidence
    response = client.get(evidence_url(complaint, public))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-SHA256"] == public.document.sha256
    assert "dictamen.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_confidential_evidence_needs_the_agency_or_the_company(client, with_evidence):
    complaint, _public, confidential = with_evidence
    url = evidence_url(complaint, confidential)
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    other = complaint.challenge.proposals.exclude(pk=complaint.proposal_id).first()
    for user, status in [
        (bidder(other), 403),
        (UserFactory(is_superuser=True, is_staff=True), 403),
        (UserFactory(is_platform_staff=True), 403),
        (bidder(complaint.proposal), 200),
        (approver_of(complaint.challenge), 200),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert response["Cache-Control"] == "private, no-store"


def test_evidence_of_another_complaint_is_a_404(client, with_evidence, decided):
    _complaint, public, _confidential = with_evidence
    other = file(decided[1][2])
    url = reverse(
        "complaints:evidence",
        kwargs={"slug": other.challenge.slug, "number": other.number, "evidence_id": public.pk},
    )
    assert client.get(url).status_code == 404


# --- Query budgets --------------------------------------------------------------------------


def _many(proposals, count: int):
    """``count`` complaints spread over the losing bidders, each with two files (one
    confidential) and two steps."""
    approver = approver_of(proposals[0].challenge)
    made = []
    for i in range(count):
        proposal = proposals[1 + i % (len(proposals) - 1)]
        complaint = file(
            proposal,
            evidence=[
                (pdf_upload(f"a{i}.pdf", marker=f"A{i}"), False),
                (pdf_upload(f"b{i}.pdf", marker=f"B{i}"), True),
            ],
        )
        for status in ("under_review", "dismissed"):
            complaints.complaint_move(
                complaint=complaint, actor=approver, to_status=status, response=f"R{i}."
            )
        made.append(complaint)
    return made


# (+1 since the social witness: whether a signed-in viewer who is neither the complainant nor
# an official is the challenge's witness, who may download confidential evidence; one query
# per request, cached on the user.)
LIST_BUDGET = 11
DETAIL_BUDGET = 11
NEW_BUDGET = 9


@pytest.mark.parametrize("count", [2, 12])
@pytest.mark.parametrize("viewer", ["anonymous", "approver", "complainant"])
def test_query_budget_of_the_list_and_detail(client, django_assert_max_num_queries, count, viewer):
    challenge, proposals, _ = decided_challenge(4)
    made = _many(proposals, count)
    if viewer == "approver":
        client.force_login(approver_of(challenge))
    elif viewer == "complainant":
        client.force_login(bidder(proposals[1]))
    with django_assert_max_num_queries(LIST_BUDGET):
        assert client.get(list_url(challenge)).status_code == 200
    with django_assert_max_num_queries(DETAIL_BUDGET):
        assert client.get(detail_url(made[-1])).status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_query_budget_of_the_form(client, django_assert_max_num_queries, count):
    challenge, proposals, _ = decided_challenge(4)
    _many(proposals, count)
    client.force_login(bidder(proposals[1]))
    with django_assert_max_num_queries(NEW_BUDGET):
        assert client.get(new_url(challenge)).status_code == 200
