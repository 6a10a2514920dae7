"""The seal holds for the social witness: before the opening act nothing the witness can reach
— pages, read services, the ledger admin, the API — says what a proposal contains, or even
whether one exists; after the act the witness reads the counted proposals like the officials,
each read recorded in the ledger, and never a draft or a withdrawn proposal."""

import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from retos.ledger.models import Event
from retos.proposals import services as proposal_services
from retos.proposals.models import ProposalAttachment
from tests.evaluation_helpers import opened_challenge
from tests.factories import ChallengeFactory, GovernmentBodyFactory, MembershipFactory, UserFactory
from tests.proposal_helpers import (
    MARKER,
    past_deadline,
    started_proposal,
    submitted_proposal,
)
from tests.test_api import everything_public, get, post, token_for
from tests.witness_helpers import assign

pytestmark = pytest.mark.django_db

TITLE = "Padrón abierto de mercados"


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def pair():
    """Two challenges alike in everything but their proposals: ``sealed`` has two submitted
    proposals, a draft and a withdrawn one; ``empty`` has none. Each has a witness of the same
    name; one officer of the shared body gave each the first confirmation of its opening."""
    body = GovernmentBodyFactory()
    sealed = ChallengeFactory(title=TITLE, slug="reto-sellado", body=body)
    empty = ChallengeFactory(
        title=TITLE,
        slug="reto-vacio",
        body=body,
        published_at=sealed.published_at,
        questions_close_at=sealed.questions_close_at,
        submissions_close_at=sealed.submissions_close_at,
        evaluation_ends_at=sealed.evaluation_ends_at,
        demo_day_at=sealed.demo_day_at,
        decision_at=sealed.decision_at,
        delivery_at=sealed.delivery_at,
    )
    proposals = [submitted_proposal(sealed, marker=f"{MARKER}-{i}")[0] for i in range(2)]
    started_proposal(sealed)
    withdrawn, member, _ = submitted_proposal(sealed, marker=f"{MARKER}-retirada")
    proposal_services.proposal_withdraw(proposal=withdrawn, actor=member)
    witnesses = {
        c.slug: assign(c, UserFactory(full_name="Testigo Social", email=f"testigo@{c.slug}.mx"))
        for c in (sealed, empty)
    }
    officer = MembershipFactory(
        organization=body, role="opening_officer", user=UserFactory(full_name="Oficial Uno")
    ).user
    return {
        "sealed": sealed,
        "empty": empty,
        "proposals": proposals,
        "withdrawn": withdrawn,
        "witnesses": witnesses,
        "officer": officer,
        "body": body,
    }


UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def masked(content: bytes, slug: str) -> bytes:
    content = content.replace(slug.encode(), b"<slug>")
    content = CSRF.sub(b"<csrf>", content)
    return UUID.sub(b"<uuid>", content)


def what_the_witness_sees(client, challenge, witness) -> dict:
    client.force_login(witness.user)
    pages = {
        "detail": url("challenges:detail", slug=challenge.slug),
        "dossier": url("witness:dossier", slug=challenge.slug),
        "observations": url("witness:observations", slug=challenge.slug),
        "observe": url("witness:observe", slug=challenge.slug),
        "opened_list": url("proposals:opened_list", slug=challenge.slug),
        "act": url("proposals:opening_act", slug=challenge.slug),
        "officers": url("proposals:confirm_opening", slug=challenge.slug),
        "panel": url("evaluation:panel", slug=challenge.slug),
        "settings": url("evaluation:settings", slug=challenge.slug),
        "progress": url("evaluation:progress", slug=challenge.slug),
        "agenda": url("decisions:agenda", slug=challenge.slug),
        "complaints": url("complaints:list", slug=challenge.slug),
        "ranking": url("ranking:ranking", slug=challenge.slug),
    }
    seen = {}
    for name, page in pages.items():
        response = client.get(page)
        seen[name] = (response.status_code, masked(response.content, challenge.slug))
    return seen


@pytest.mark.parametrize("moment", ["published", "closed", "first_confirmation"])
def test_before_the_act_every_page_reads_the_same_with_proposals_or_none(client, pair, moment):
    sealed, empty = pair["sealed"], pair["empty"]
    when = sealed.submissions_close_at
    if moment == "published":
        when = when.replace(microsecond=0) - (sealed.submissions_close_at - sealed.published_at) / 2
    else:
        when = when.replace(microsecond=0) + (sealed.evaluation_ends_at - when) / 100
    with time_machine.travel(when, tick=False):
        if moment == "first_confirmation":
            for challenge in (sealed, empty):
                proposal_services.opening_confirm(challenge=challenge, actor=pair["officer"])
        seen = {
            c.slug: what_the_witness_sees(client, c, pair["witnesses"][c.slug])
            for c in (sealed, empty)
        }
    assert seen["reto-sellado"] == seen["reto-vacio"]
    statuses = {name: status for name, (status, _) in seen["reto-sellado"].items()}
    assert statuses["dossier"] == 200 and statuses["detail"] == 200
    assert statuses["opened_list"] == statuses["act"] == statuses["officers"] == 404
    dossier = seen["reto-sellado"]["dossier"][1].decode()
    if moment == "first_confirmation":
        assert "Oficial Uno" in dossier  # who confirmed, and when: the officials' view
    for page in seen["reto-sellado"].values():
        for proposal in pair["proposals"]:
            assert proposal.company.name.encode() not in page[1]
        assert MARKER.encode() not in page[1]


def test_before_the_act_the_read_services_refuse_the_witness_and_record_it(pair):
    witness = pair["witnesses"]["reto-sellado"].user
    proposal = pair["proposals"][0]
    version = proposal.versions.get()
    attachment = ProposalAttachment.objects.filter(proposal=proposal).first()
    with past_deadline(pair["sealed"]):
        with pytest.raises(PermissionDenied):
            proposal_services.proposal_version_read(version=version, actor=witness)
        with pytest.raises(PermissionDenied):
            proposal_services.attachment_read(attachment=attachment, actor=witness)
        with pytest.raises(PermissionDenied):
            proposal_services.proposal_draft_read(proposal=proposal, actor=witness)
    refused = Event.objects.filter(action="proposal.read_refused", actor=witness)
    assert refused.count() == 3
    assert not Event.objects.filter(action="proposal.read", actor=witness).exists()


def test_before_the_act_the_proposal_pages_are_a_404_for_the_witness(client, pair):
    proposal = pair["proposals"][0]
    attachment = ProposalAttachment.objects.filter(proposal=proposal).first()
    with past_deadline(pair["sealed"]):
        client.force_login(pair["witnesses"]["reto-sellado"].user)
        for page in (
            url("proposals:detail", public_id=proposal.public_id),
            url(
                "proposals:attachment",
                public_id=proposal.public_id,
                attachment_id=attachment.public_id,
            ),
            url("decisions:demo", public_id=proposal.public_id),
        ):
            assert client.get(page).status_code == 404, page


def test_the_ledger_admin_hides_sealed_proposals_from_a_witness_who_is_an_admin(client, pair):
    witness = pair["witnesses"]["reto-sellado"].user
    witness.is_staff = witness.is_superuser = True
    witness.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(witness)
    page = client.get("/admin/ledger/event/?q=proposal").content.decode()
    assert "proposal.submitted" not in page and "proposal.started" not in page
    assert Event.objects.filter(action="proposal.submitted").count() == 3


def test_the_api_tells_the_witness_nothing_more_than_anyone(client, pair):
    sealed, empty = pair["sealed"], pair["empty"]
    secrets = {c.slug: token_for(pair["witnesses"][c.slug].user) for c in (sealed, empty)}
    with past_deadline(sealed):
        assert everything_public(client, sealed.slug, secrets[sealed.slug]) == everything_public(
            client, empty.slug, secrets[empty.slug]
        )
        assert everything_public(client, sealed.slug, secrets[sealed.slug]) == everything_public(
            client, sealed.slug
        )
        detail = get(client, f"/challenges/{sealed.slug}/", secrets[sealed.slug]).json()
        assert detail.get("proposals_count") is None
        for path in ("/proposals/", "/companies/", "/scores/", "/me/proposals/"):
            assert get(client, path, secrets[sealed.slug]).json()["count"] == 0, path
        first = pair["proposals"][0].public_id
        response = get(client, f"/proposals/{first}/", secrets[sealed.slug])
        assert response.status_code == 404


# --- After the act ----------------------------------------------------------------------------


def open_it(pair):
    sealed = pair["sealed"]
    second = MembershipFactory(organization=pair["body"], role="opening_officer").user
    proposal_services.opening_confirm(challenge=sealed, actor=pair["officer"])
    proposal_services.opening_confirm(challenge=sealed, actor=second)
    sealed.refresh_from_db()


def test_after_the_act_the_witness_reads_each_counted_proposal_and_each_read_is_recorded(
    client, pair
):
    witness = pair["witnesses"]["reto-sellado"].user
    with past_deadline(pair["sealed"]):
        client.force_login(witness)
        open_it(pair)
        listing = client.get(url("proposals:opened_list", slug="reto-sellado"))
        assert listing.status_code == 200
        page = listing.content.decode()
        for proposal in pair["proposals"]:
            assert proposal.company.name in page
            assert proposal.get_absolute_url() in page
        # Read-only: no admissibility form.
        assert "Mark not admissible" not in page and 'name="decision"' not in page
        proposal = pair["proposals"][0]
        response = client.get(url("proposals:detail", public_id=proposal.public_id))
        assert response.status_code == 200
        assert f"{MARKER}-0" in response.content.decode()
        attachment = ProposalAttachment.objects.filter(proposal=proposal).first()
        download = client.get(
            url(
                "proposals:attachment",
                public_id=proposal.public_id,
                attachment_id=attachment.public_id,
            )
        )
        assert download.status_code == 200
        assert f"{MARKER}-0".encode() in download.content
    reads = Event.objects.filter(action="proposal.read", actor=witness, public=False)
    assert sorted(e.payload["what"].split(":")[0] for e in reads) == ["attachment", "version"]
    assert all(e.subject_id == str(proposal.pk) for e in reads)


def test_after_the_act_a_draft_or_a_withdrawn_proposal_stays_sealed_for_the_witness(client, pair):
    witness = pair["witnesses"]["reto-sellado"].user
    draft = pair["sealed"].proposals.get(status="draft")
    with past_deadline(pair["sealed"]):
        client.force_login(witness)
        open_it(pair)
        for proposal in (draft, pair["withdrawn"]):
            page = url("proposals:detail", public_id=proposal.public_id)
            assert client.get(page).status_code == 404
        listing = client.get(url("proposals:opened_list", slug="reto-sellado")).content.decode()
        assert pair["withdrawn"].company.name not in listing
        assert draft.company.name not in listing
        version = pair["withdrawn"].versions.first()
        with pytest.raises(PermissionDenied):
            proposal_services.proposal_version_read(version=version, actor=witness)


def test_a_revoked_witness_reads_no_more_even_after_the_act(client, pair):
    from retos.witness import services

    record = pair["witnesses"]["reto-sellado"]
    with past_deadline(pair["sealed"]):
        open_it(pair)
        services.witness_revoke(
            witness=record, actor=UserFactory(is_platform_staff=True), reason="Renuncia."
        )
        client.force_login(record.user)
        proposal = pair["proposals"][0]
        assert client.get(url("proposals:detail", public_id=proposal.public_id)).status_code == 404
        assert client.get(url("proposals:opened_list", slug="reto-sellado")).status_code == 404
        assert client.get(url("witness:dossier", slug="reto-sellado")).status_code == 404


def test_the_apis_writes_refuse_the_witness_after_the_act(client):
    challenge, proposals = opened_challenge(2, admissible=False)
    witness = assign(challenge).user
    secret = token_for(witness)
    events = Event.objects.count()
    response = post(
        client, f"/proposals/{proposals[0].public_id}/admissibility/", {"admissible": True}, secret
    )
    assert response.status_code == 404
    offered = get(client, f"/challenges/{challenge.slug}/transitions/", secret).json()["allowed"]
    assert offered == []
    for name in ("start_evaluation", "cancel", "declare_deserted"):
        response = post(
            client,
            f"/challenges/{challenge.slug}/transitions/",
            {"name": name, "reason": "Motivo."},
            secret,
        )
        assert response.status_code in (403, 409), (name, response.content)
    proposals[0].refresh_from_db()
    assert proposals[0].admissibility == "pending"
    challenge.refresh_from_db()
    assert challenge.stage == "opened"
    assert Event.objects.count() == events
