"""The opening act's pages: the officers' page (two people, one after the other), the public
act (page, PDF, JSON and its digest), the officials' list with the admissibility decision, the
opening panel of the challenge page, and the seal in the admin site."""

import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.ledger.models import Event
from retos.notifications.models import Notification
from retos.proposals import services
from retos.proposals.models import Admissibility, OpeningAct, Proposal
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    GovernmentBodyFactory,
    MembershipFactory,
    UserFactory,
)
from tests.proposal_helpers import (
    company_member,
    complete_sections,
    opening_officers,
    past_deadline,
    pdf_file,
)
from tests.witness_helpers import witness_of

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    """The English address (messages are asserted in English)."""
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def bid(challenge, name, price="990000.00", attach=True):
    """A company named ``name`` submits a complete proposal; returns (proposal, member)."""
    company, member = company_member(CompanyFactory(name=name))
    proposal = services.proposal_start(challenge=challenge, company=company, actor=member)
    services.proposal_save(
        proposal=proposal, actor=member, changes=complete_sections(name, price=price)
    )
    if attach:
        services.proposal_attach(proposal=proposal, actor=member, file=pdf_file(name))
    services.proposal_submit(proposal=proposal, actor=member)
    return proposal, member


@pytest.fixture
def challenge():
    return ChallengeFactory(title="Padrón abierto de mercados")


@pytest.fixture
def bidders(challenge):
    return [
        bid(challenge, "Alfa Código Cívico", price="850000.50"),
        bid(challenge, "Beta Datos Abiertos", price="990000", attach=False),
    ]


@pytest.fixture
def officers(challenge):
    return opening_officers(challenge.body)


@pytest.fixture
def after_deadline(challenge):
    with past_deadline(challenge) as traveller:
        yield traveller


def open_now(challenge, officers) -> OpeningAct:
    services.opening_confirm(challenge=challenge, actor=officers[0])
    act = services.opening_confirm(challenge=challenge, actor=officers[1])
    challenge.refresh_from_db()
    return act


def as_user(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# ---------------------------------------------------------------------------------------------
# The officers' page


@pytest.mark.parametrize(
    "role",
    ["official", "approver", "admin", "other_officer", "bidder", "staff", "superuser", "witness"],
)
def test_the_officers_page_is_a_404_for_anyone_but_the_bodys_opening_officers(
    client, challenge, bidders, after_deadline, role
):
    user = {
        "official": lambda: MembershipFactory(organization=challenge.body, role="official").user,
        "approver": lambda: MembershipFactory(organization=challenge.body, role="approver").user,
        "admin": lambda: MembershipFactory(organization=challenge.body, role="admin").user,
        "other_officer": lambda: MembershipFactory(role="opening_officer").user,
        "bidder": lambda: bidders[0][1],
        "staff": lambda: UserFactory(is_platform_staff=True),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
        # The social witness follows the confirmations on their own dossier, without a button.
        "witness": lambda: witness_of(challenge),
    }[role]()
    as_user(client, user)
    target = url("proposals:confirm_opening", slug=challenge.slug)
    assert client.get(target).status_code == 404
    assert client.post(target).status_code == 404
    assert not OpeningAct.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in_and_nothing_is_confirmed(
    client, challenge, after_deadline
):
    response = client.post(url("proposals:confirm_opening", slug=challenge.slug))
    assert response.status_code == 302 and "/cuenta/entrar/" in response["Location"]
    assert not OpeningAct.objects.exists()


def test_before_the_deadline_an_officer_reads_why_the_proposals_cannot_be_opened_yet(
    client, challenge, bidders, officers
):
    as_user(client, officers[0])
    target = url("proposals:confirm_opening", slug=challenge.slug)
    response = client.get(target)
    assert response.status_code == 200
    assert "cannot be opened yet" in response.content.decode()
    assert b"<button" not in response.content.split(b"<main")[1]
    response = client.post(target, follow=True)
    assert messages_of(response) == ["The opening act cannot be confirmed at this stage."]
    assert not OpeningAct.objects.exists()


def test_the_first_confirmation_is_recorded_and_says_until_when_the_second_must_come(
    client, challenge, bidders, officers, after_deadline, settings
):
    settings.RETOS_OPENING_CONFIRM_MINUTES = 30
    as_user(client, officers[0])
    target = url("proposals:confirm_opening", slug=challenge.slug)
    page = client.get(target).content.decode()
    assert "No opening officer has confirmed yet." in page
    assert "within 30 minutes" in page
    response = client.post(target, follow=True)
    assert response.redirect_chain[-1][0] == target
    (message,) = messages_of(response)
    assert message.startswith(
        "Your confirmation is recorded; a second opening officer must confirm before "
    )
    act = OpeningAct.objects.get(challenge=challenge)
    assert act.first_officer == officers[0] and not act.is_open
    page = response.content.decode()
    assert officers[0].display_name in page
    assert "Second confirmation due before" in page
    assert "you cannot confirm twice" in page
    # The other officer sees the first confirmation and the button that opens.
    as_user(client, officers[1])
    page = client.get(target).content.decode()
    assert officers[0].display_name in page
    assert "Confirm and open the proposals" in page


def test_the_same_officer_confirming_again_is_refused_with_a_message(
    client, challenge, bidders, officers, after_deadline
):
    as_user(client, officers[0])
    target = url("proposals:confirm_opening", slug=challenge.slug)
    client.post(target, follow=True)
    response = client.post(target, follow=True)
    (message,) = messages_of(response)
    assert message.startswith("You already confirmed the opening.")
    challenge.refresh_from_db()
    assert challenge.opened_at is None
    assert not OpeningAct.objects.get(challenge=challenge).is_open


def test_a_second_officer_opens_the_proposals_and_lands_on_the_published_act(
    client, challenge, bidders, officers, after_deadline
):
    target = url("proposals:confirm_opening", slug=challenge.slug)
    as_user(client, officers[0]).post(target, follow=True)
    response = as_user(client, officers[1]).post(target, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "proposals:opening_act", kwargs={"slug": challenge.slug}
    )
    assert messages_of(response) == ["The proposals are open; the opening act is published."]
    challenge.refresh_from_db()
    assert challenge.stage == Stage.OPENED
    page = response.content.decode()
    assert "Alfa Código Cívico" in page and "Beta Datos Abiertos" in page
    # Afterwards the officers' page says so and links to the act.
    page = client.get(target).content.decode()
    assert "The opening act is published." in page


def test_a_lapsed_first_confirmation_is_replaced_by_the_next_one(
    client, challenge, bidders, officers, after_deadline, settings
):
    settings.RETOS_OPENING_CONFIRM_MINUTES = 30
    target = url("proposals:confirm_opening", slug=challenge.slug)
    as_user(client, officers[0]).post(target, follow=True)
    after_deadline.shift(31 * 60)
    as_user(client, officers[1])
    page = client.get(target).content.decode()
    assert "lapsed" in page and "Give the first confirmation" in page
    response = client.post(target, follow=True)
    assert messages_of(response)[0].startswith("Your confirmation is recorded")
    act = OpeningAct.objects.get(challenge=challenge)
    assert act.first_officer == officers[1] and not act.is_open
    # The officer whose confirmation lapsed may now give the second.
    response = as_user(client, officers[0]).post(target, follow=True)
    assert messages_of(response) == ["The proposals are open; the opening act is published."]


def _normalised(response, challenge) -> str:
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return text.replace(challenge.title, "TITLE").replace(challenge.slug, "SLUG")


def test_the_officers_page_reads_the_same_with_no_proposal_and_with_two(client, bidders, officers):
    """Nothing on the officers' page depends on the proposals: not a count, not a name."""
    with_bids = Proposal.objects.first().challenge
    without = ChallengeFactory(
        body=with_bids.body,
        submissions_close_at=with_bids.submissions_close_at,
        questions_close_at=with_bids.questions_close_at,
    )
    with past_deadline(with_bids):
        as_user(client, officers[0])
        pages = [
            _normalised(client.get(url("proposals:confirm_opening", slug=c.slug)), c)
            for c in (with_bids, without)
        ]
    assert pages[0] == pages[1]
    assert "Alfa" not in pages[0]


# ---------------------------------------------------------------------------------------------
# The opening act: page, PDF, JSON


ROLES = [
    "anonymous",
    "plain_user",
    "bidder",
    "official",
    "approver",
    "opening_officer",
    "admin",
    "staff",
    "superuser",
    "witness",
]


def someone(role, challenge, bidders):
    if role == "anonymous":
        return None
    if role == "plain_user":
        return UserFactory()
    if role == "bidder":
        return bidders[0][1]
    if role == "staff":
        return UserFactory(is_platform_staff=True)
    if role == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    if role == "other_official":
        return MembershipFactory(role="official").user
    if role == "witness":
        return witness_of(challenge)
    return MembershipFactory(organization=challenge.body, role=role).user


@pytest.mark.parametrize("role", ROLES)
def test_the_opening_act_is_a_404_before_opening_for_every_role(
    client, challenge, bidders, officers, after_deadline, role
):
    services.opening_confirm(challenge=challenge, actor=officers[0])  # one of two
    as_user(client, someone(role, challenge, bidders))
    for name in (
        "proposals:opening_act",
        "proposals:opening_act_pdf",
        "proposals:opening_act_json",
    ):
        assert client.get(url(name, slug=challenge.slug)).status_code == 404, name


def test_the_opening_act_is_public_once_opened(
    client, challenge, bidders, officers, after_deadline
):
    act = open_now(challenge, officers)
    response = client.get(url("proposals:opening_act", slug=challenge.slug))
    assert response.status_code == 200
    page = response.content.decode()
    versions = {p.pk: services.counted_version(p) for p, _member in bidders}
    for proposal, _member in bidders:
        version = versions[proposal.pk]
        assert proposal.company.name in page
        assert proposal.company.rfc in page
        assert version.folio in page
        assert version.content_sha256 in page
        for attachment in version.attachments:
            assert attachment["sha256"] in page
    assert "$850,000.50 MXN" in page and "$990,000.00 MXN" in page
    assert officers[0].display_name in page and officers[1].display_name in page
    assert act.sha256 in page and response["X-Content-SHA256"] == act.sha256
    assert '<th scope="col">' in page and "<caption" in page
    assert 'class="table-scroll" role="region"' in page


def test_the_pdf_of_the_act_is_a_pdf_in_spanish(
    client, challenge, bidders, officers, after_deadline
):
    open_now(challenge, officers)
    response = client.get(url("proposals:opening_act_pdf", slug=challenge.slug))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from retos.proposals import opening_pdf, opening_selectors

    published = opening_selectors.published_act(UserFactory(), challenge.slug)
    with translation.override("en"):
        html = opening_pdf.render_act_html(
            challenge=published.challenge, act=published.act, entries=published.entries
        )
    assert "Acta de apertura" in html


def test_the_act_digest_recomputes_from_its_data_and_changes_if_an_entry_is_altered(
    client, challenge, bidders, officers, after_deadline
):
    act = open_now(challenge, officers)
    act = OpeningAct.objects.get(pk=act.pk)
    assert services.act_digest(act) == act.sha256
    data = client.get(url("proposals:opening_act_json", slug=challenge.slug)).content
    assert hashlib.sha256(data).hexdigest() == act.sha256
    act.entries[0]["price"] = "1.00"
    assert services.act_digest(act) != act.sha256


# ---------------------------------------------------------------------------------------------
# The challenge page


def test_the_challenge_page_shows_the_count_only_after_opening_and_no_open_button(
    client, challenge, bidders, officers, after_deadline
):
    detail = url("challenges:detail", slug=challenge.slug)
    official = MembershipFactory(organization=challenge.body, role="official").user
    for user in (None, bidders[0][1], official, officers[0]):
        page = as_user(client, user).get(detail).content.decode()
        assert "proposals were received" not in page
        assert "Opening act" not in page
        assert "Open the proposals" not in page
    # Only the opening officers are pointed to their page.
    assert "Go to the opening of the proposals" in page
    for user in (None, bidders[0][1], official):
        page = as_user(client, user).get(detail).content.decode()
        assert "Go to the opening of the proposals" not in page
    open_now(challenge, officers)
    page = as_user(client, None).get(detail).content.decode()
    assert "2 proposals were received and opened on" in page
    assert url("proposals:opening_act", slug=challenge.slug) in page
    assert url("proposals:opened_list", slug=challenge.slug) not in page
    page = as_user(client, official).get(detail).content.decode()
    assert url("proposals:opened_list", slug=challenge.slug) in page


# ---------------------------------------------------------------------------------------------
# The officials' list


LIST_ROLES = {
    "anonymous": 302,
    "plain_user": 404,
    "bidder": 404,
    "official": 200,
    "approver": 200,
    "opening_officer": 200,
    "admin": 404,
    "other_official": 404,
    "staff": 404,
    "superuser": 404,
    # The social witness reads the list (never before the act), without the decision's form.
    "witness": 200,
}


@pytest.mark.parametrize("opened", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("role", list(LIST_ROLES))
def test_the_officials_list_permission_matrix(
    client, challenge, bidders, officers, after_deadline, role, opened
):
    if opened:
        open_now(challenge, officers)
    user = someone(role, challenge, bidders)
    as_user(client, user)
    response = client.get(url("proposals:opened_list", slug=challenge.slug))
    expected = LIST_ROLES[role] if opened else (302 if role == "anonymous" else 404)
    assert response.status_code == expected
    if expected == 200:
        page = response.content.decode()
        for proposal, _member in bidders:
            assert proposal.company.name in page
            assert proposal.get_absolute_url() in page


def test_only_officials_and_approvers_get_the_admissibility_form(
    client, challenge, bidders, officers, after_deadline
):
    open_now(challenge, officers)
    target = url("proposals:opened_list", slug=challenge.slug)
    official = MembershipFactory(organization=challenge.body, role="official").user
    assert b"Mark not admissible" in as_user(client, official).get(target).content
    assert b"Mark not admissible" not in as_user(client, officers[0]).get(target).content


def test_not_admissible_needs_a_reason_shown_next_to_the_field(
    client, challenge, bidders, officers, after_deadline
):
    open_now(challenge, officers)
    proposal = bidders[0][0]
    official = MembershipFactory(organization=challenge.body, role="official").user
    response = as_user(client, official).post(
        url("proposals:admissibility", public_id=proposal.public_id),
        {"decision": "inadmissible", "reason": "  "},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why the proposal is not admissible" in page
    reason_id = f"id_{proposal.public_id.hex[:12]}_reason"
    assert f'href="#{reason_id}"' in page and f'id="{reason_id}"' in page
    proposal.refresh_from_db()
    assert proposal.admissibility == Admissibility.PENDING


def test_a_decision_is_recorded_public_notified_and_shown_to_the_company(
    client, challenge, bidders, officers, after_deadline
):
    open_now(challenge, officers)
    proposal, member = bidders[0]
    approver = MembershipFactory(organization=challenge.body, role="approver").user
    response = as_user(client, approver).post(
        url("proposals:admissibility", public_id=proposal.public_id),
        {"decision": "inadmissible", "reason": "Falta la carta de la representante legal."},
        follow=True,
    )
    assert response.status_code == 200
    assert messages_of(response) == [
        "Alfa Código Cívico: marked not admissible. The company is notified."
    ]
    proposal.refresh_from_db()
    assert proposal.admissibility == Admissibility.INADMISSIBLE
    assert proposal.admissibility_decided_by == approver
    assert "Falta la carta" in response.content.decode()
    event = Event.objects.get(action="proposal.admissibility")
    assert event.public and event.payload["reason"].startswith("Falta la carta")
    assert Notification.objects.filter(user=member, kind="proposal_admissibility").exists()
    # The other bidder is not told about it.
    assert not Notification.objects.filter(
        user=bidders[1][1], kind="proposal_admissibility"
    ).exists()
    # The company reads the decision on its proposal's page.
    page = as_user(client, member).get(proposal.get_absolute_url()).content.decode()
    assert "Falta la carta de la representante legal." in page
    # And the decision may change while the challenge is in "opened".
    as_user(client, approver).post(
        url("proposals:admissibility", public_id=proposal.public_id), {"decision": "admissible"}
    )
    proposal.refresh_from_db()
    assert proposal.admissibility == Admissibility.ADMISSIBLE


@pytest.mark.parametrize(
    "role", ["bidder", "opening_officer", "admin", "other_official", "staff", "witness"]
)
def test_others_cannot_decide_admissibility(
    client, challenge, bidders, officers, after_deadline, role
):
    open_now(challenge, officers)
    proposal = bidders[0][0]
    as_user(client, someone(role, challenge, bidders))
    response = client.post(
        url("proposals:admissibility", public_id=proposal.public_id), {"decision": "admissible"}
    )
    # Opening officers read the list but do not decide: they are told; everyone else: 404.
    assert response.status_code == (400 if role == "opening_officer" else 404)
    proposal.refresh_from_db()
    assert proposal.admissibility == Admissibility.PENDING


def test_admissibility_is_a_404_before_opening_even_for_officials(
    client, challenge, bidders, after_deadline
):
    official = MembershipFactory(organization=challenge.body, role="official").user
    response = as_user(client, official).post(
        url("proposals:admissibility", public_id=bidders[0][0].public_id),
        {"decision": "admissible"},
    )
    assert response.status_code == 404


def test_after_the_opened_stage_decisions_are_final(
    client, challenge, bidders, officers, after_deadline
):
    open_now(challenge, officers)
    Challenge.objects.filter(pk=challenge.pk).update(stage=Stage.EVALUATION)
    proposal = bidders[0][0]
    official = MembershipFactory(organization=challenge.body, role="official").user
    as_user(client, official)
    page = client.get(url("proposals:opened_list", slug=challenge.slug)).content.decode()
    assert "Mark admissible" not in page and "the decisions below are final" in page
    response = client.post(
        url("proposals:admissibility", public_id=proposal.public_id), {"decision": "admissible"}
    )
    assert response.status_code == 400
    assert "only while the challenge is in the stage" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# The admin site keeps the seal


def test_the_admin_site_has_no_proposals_at_all(client):
    as_user(client, UserFactory(is_superuser=True, is_staff=True))
    page = client.get("/admin/").content.decode()
    assert "/admin/proposals/" not in page
    assert client.get("/admin/proposals/proposal/").status_code == 404


def test_the_ledger_admin_hides_proposal_events_until_the_opening_act(
    client, challenge, bidders, officers, after_deadline
):
    as_user(client, UserFactory(is_superuser=True, is_staff=True))
    changelist = "/admin/ledger/event/"
    page = client.get(changelist).content.decode()
    assert "proposal.submitted" not in page and "proposal.started" not in page
    assert Event.objects.filter(action="proposal.submitted").count() == 2
    open_now(challenge, officers)
    page = client.get(changelist).content.decode()
    assert "proposal.submitted" in page


# ---------------------------------------------------------------------------------------------
# Query budgets


def count_queries(client, target) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200, target
    return len(ctx.captured_queries)


def _grown(n):
    """A challenge with ``n`` proposals, opened (the clock is left after its deadline)."""
    body = GovernmentBodyFactory()
    challenge = ChallengeFactory(body=body)
    for i in range(n):
        bid(challenge, f"Empresa {i}", attach=i % 2 == 0)
    return challenge


@pytest.mark.parametrize(
    ("name", "role", "budget"),
    [
        # challenge, act
        ("proposals:opening_act", None, 2),
        # session, user, unread count, roles, challenge, act, the counted proposals, …
        ("proposals:opened_list", "official", 8),
        ("proposals:confirm_opening", "opening_officer", 6),
        ("challenges:detail", "official", 15),
    ],
)
def test_opening_pages_run_the_same_queries_with_2_and_8_proposals(client, name, role, budget):
    counts = []
    for n in (2, 8):
        challenge = _grown(n)
        officers = opening_officers(challenge.body)
        with past_deadline(challenge):
            if name != "proposals:confirm_opening":
                open_now(challenge, officers)
            user = officers[0] if role == "opening_officer" else None
            if role == "official":
                user = MembershipFactory(organization=challenge.body, role="official").user
            as_user(client, user)
            counts.append(count_queries(client, url(name, slug=challenge.slug)))
    assert counts[0] == counts[1] <= budget, counts
