"""Conflicts of interest: each member declares, for every bidder, a conflict or none, before
seeing any proposal; all at once and final. A conflicted member is recused: they can never read
or score that proposal (rules, services, pages, attachments)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from retos.accounts.models import User
from retos.challenges.stages import Stage
from retos.core import rules
from retos.core.errors import DomainError
from retos.evaluation import services
from retos.evaluation.blind import blind_code
from retos.evaluation.models import (
    ConflictDeclaration,
    MemberRole,
    MemberStatus,
    Round,
)
from retos.evaluation.permissions import is_cleared, is_recused, member_of
from retos.evaluation.selectors import assigned_proposals, my_evaluations, pending_declarations
from retos.ledger.models import Event
from retos.proposals import services as proposal_services
from retos.proposals.models import ProposalAttachment
from tests.evaluation_helpers import in_stage, member, opened_challenge
from tests.evaluation_panel_helpers import committee_member, declare, make_finalists
from tests.factories import ChallengeFactory, MembershipFactory, UserFactory
from tests.proposal_helpers import open_challenge, past_deadline, submitted_proposal

pytestmark = pytest.mark.django_db

AREAS = ["technology", "user_experience", "business"]


def none_for(proposals, **conflicts):
    return {p.pk: (False, "") for p in proposals} | conflicts


@pytest.fixture
def opened():
    challenge, proposals = opened_challenge(3)
    return challenge, proposals


# --- Declaring -------------------------------------------------------------------------------


def test_an_expert_declares_about_every_bidder_from_the_opening_on(opened):
    challenge, proposals = opened
    expert = member(challenge, areas=AREAS)
    declarations = none_for(proposals)
    declarations[proposals[1].pk] = (True, "Fui socio de esta empresa hasta 2024.")
    services.conflicts_declare(member=expert, actor=expert.user, declarations=declarations)
    expert.refresh_from_db()
    assert expert.conflicts_declared_at is not None
    assert ConflictDeclaration.objects.filter(member=expert).count() == 3
    assert is_recused(expert, proposals[1]) and not is_cleared(expert, proposals[1])
    assert is_cleared(expert, proposals[0]) and not is_recused(expert, proposals[0])
    event = Event.objects.latest("sequence")
    assert event.action == "panel.conflicts_declared" and not event.public
    assert event.payload["conflicts"] == 1
    assert "socio" not in str(event.payload)


def test_declarations_are_all_at_once(opened):
    challenge, proposals = opened
    expert = member(challenge, areas=AREAS)
    with pytest.raises(DomainError) as excinfo:
        services.conflicts_declare(
            member=expert, actor=expert.user, declarations=none_for(proposals[:2])
        )
    assert excinfo.value.code == "incomplete"
    assert proposals[2].company.name in excinfo.value.message
    assert not ConflictDeclaration.objects.exists()


def test_declarations_are_final(opened):
    challenge, proposals = opened
    expert = member(challenge, areas=AREAS)
    services.conflicts_declare(member=expert, actor=expert.user, declarations=none_for(proposals))
    with pytest.raises(DomainError) as excinfo:
        services.conflicts_declare(
            member=expert,
            actor=expert.user,
            declarations={p.pk: (True, "Cambié de opinión.") for p in proposals},
        )
    assert excinfo.value.code == "already_declared"
    assert not ConflictDeclaration.objects.filter(has_conflict=True).exists()


def test_a_conflict_needs_a_note(opened):
    challenge, proposals = opened
    expert = member(challenge, areas=AREAS)
    declarations = none_for(proposals)
    declarations[proposals[0].pk] = (True, "   ")
    with pytest.raises(DomainError) as excinfo:
        services.conflicts_declare(member=expert, actor=expert.user, declarations=declarations)
    assert excinfo.value.code == "note_required"


def test_only_the_bidders_on_the_list(opened):
    challenge, proposals = opened
    _other_challenge, others = opened_challenge(1)
    expert = member(challenge, areas=AREAS)
    declarations = none_for(proposals) | {others[0].pk: (False, "")}
    with pytest.raises(DomainError) as excinfo:
        services.conflicts_declare(member=expert, actor=expert.user, declarations=declarations)
    assert excinfo.value.code == "unknown_bidder"
    with pytest.raises(DomainError):
        services.conflicts_declare(
            member=expert, actor=expert.user, declarations={"x": (False, "")}
        )


def test_an_inadmissible_proposal_is_not_on_the_list():
    challenge, proposals = opened_challenge(2, admissible=False)
    official = MembershipFactory(organization=challenge.body, role="official").user
    proposal_services.proposal_admissibility_set(
        proposal=proposals[0], actor=official, admissible=False, reason="Incompleta."
    )
    expert = member(challenge, areas=AREAS)
    assert [p.pk for p in pending_declarations(expert)] == [proposals[1].pk]


@pytest.mark.parametrize(
    "stage", [Stage.PUBLISHED, Stage.CLOSED, Stage.FINALISTS, Stage.DECIDED, Stage.CANCELLED]
)
def test_experts_declare_only_while_opened_or_in_evaluation(opened, stage):
    challenge, proposals = opened
    expert = member(challenge, areas=AREAS)
    challenge.stage = stage
    challenge.outcome_reason = "Motivo publicado." if stage == Stage.CANCELLED else ""
    challenge.save(update_fields=["stage", "outcome_reason"])
    with pytest.raises(PermissionDenied):
        services.conflicts_declare(
            member=expert, actor=expert.user, declarations=none_for(proposals)
        )


def test_only_the_member_declares_and_only_once_accepted(opened):
    challenge, proposals = opened
    expert = member(challenge, areas=AREAS)
    for actor in (
        UserFactory(),
        MembershipFactory(organization=challenge.body, role="approver").user,
        UserFactory(is_superuser=True, is_staff=True),
    ):
        with pytest.raises(PermissionDenied):
            services.conflicts_declare(member=expert, actor=actor, declarations=none_for(proposals))
    invited = member(challenge, areas=AREAS, status=MemberStatus.INVITED)
    with pytest.raises(PermissionDenied):
        services.conflicts_declare(
            member=invited, actor=User.objects.get(email=invited.email), declarations={}
        )


def test_the_committee_declares_about_the_finalists_once_they_exist(opened):
    challenge, proposals = opened
    committee = committee_member(challenge)
    in_stage(challenge, Stage.EVALUATION)
    with pytest.raises(PermissionDenied):
        services.conflicts_declare(
            member=committee, actor=committee.user, declarations=none_for(proposals)
        )
    make_finalists(challenge, proposals[:2])
    in_stage(challenge, Stage.FINALISTS)
    committee.challenge.refresh_from_db()
    assert [p.pk for p in pending_declarations(committee)] == sorted(
        [p.pk for p in proposals[:2]],
        key=lambda pk: next(p.company.name for p in proposals if p.pk == pk),
    )
    with pytest.raises(DomainError) as excinfo:
        services.conflicts_declare(
            member=committee, actor=committee.user, declarations=none_for(proposals)
        )
    assert excinfo.value.code == "unknown_bidder"
    services.conflicts_declare(
        member=committee, actor=committee.user, declarations=none_for(proposals[:2])
    )
    assert ConflictDeclaration.objects.filter(member=committee).count() == 2


def test_a_new_selection_of_finalists_asks_the_committee_about_the_new_ones_only(opened):
    challenge, proposals = opened
    committee = committee_member(challenge)
    first = make_finalists(challenge, proposals[:2])
    in_stage(challenge, Stage.FINALISTS)
    services.conflicts_declare(
        member=committee, actor=committee.user, declarations=none_for(proposals[:2])
    )
    first.voided_at = timezone.now()
    first.save(update_fields=["voided_at"])
    make_finalists(challenge, proposals[1:])
    committee.challenge.refresh_from_db()
    assert [p.pk for p in pending_declarations(committee)] == [proposals[2].pk]
    services.conflicts_declare(
        member=committee,
        actor=committee.user,
        declarations={proposals[2].pk: (True, "Mi hermana trabaja ahí.")},
    )
    assert is_recused(committee, proposals[2])


# --- Pages -----------------------------------------------------------------------------------


def test_the_declaration_page_lists_bidders_with_their_rfc_and_records_them(client, opened):
    challenge, proposals = opened
    expert = member(challenge, areas=AREAS)
    client.force_login(expert.user)
    url = reverse("evaluation:conflicts", kwargs={"slug": challenge.slug})
    page = client.get(url).content.decode()
    for proposal in proposals:
        assert proposal.company.rfc in page
    data = {f"choice_{p.pk}": "none" for p in proposals}
    data[f"choice_{proposals[0].pk}"] = "conflict"
    response = client.post(url, data)
    assert response.status_code == 200
    assert f'href="#id_note_{proposals[0].pk}"' in response.content.decode()
    assert not ConflictDeclaration.objects.exists()
    data[f"note_{proposals[0].pk}"] = "<script>alert('x')</script> Fui su asesora."
    response = client.post(url, data)
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get(member=expert, proposal=proposals[0])
    assert declaration.has_conflict
    assert declaration.note == "<script>alert('x')</script> Fui su asesora."
    # Done: the page now sends them back to their evaluation.
    assert client.get(url).status_code == 302


def test_the_declaration_page_wants_an_answer_for_every_bidder(client, opened):
    challenge, proposals = opened
    expert = member(challenge, areas=AREAS)
    client.force_login(expert.user)
    url = reverse("evaluation:conflicts", kwargs={"slug": challenge.slug})
    response = client.post(url, {f"choice_{proposals[0].pk}": "none"})
    assert response.status_code == 200
    assert f'href="#id_choice_{proposals[1].pk}"' in response.content.decode()
    assert not ConflictDeclaration.objects.exists()


def test_the_declaration_page_is_a_404_for_non_members(client, opened):
    challenge, _proposals = opened
    url = reverse("evaluation:conflicts", kwargs={"slug": challenge.slug})
    for user in (
        UserFactory(is_expert=True),
        MembershipFactory(organization=challenge.body, role="approver").user,
        UserFactory(is_superuser=True, is_staff=True),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404


# --- Recusal: never read, never score --------------------------------------------------------


@pytest.fixture
def recused_setup():
    """Two proposals in evaluation; an expert (the chair) recused from the first."""
    challenge, proposals = opened_challenge(2)
    expert = member(challenge, areas=AREAS, chair=True)
    declare(expert, proposals, conflicted=[proposals[0]])
    in_stage(challenge, Stage.EVALUATION)
    return challenge, proposals, expert, None


def test_a_recused_expert_cannot_read_the_proposal_through_the_read_service(recused_setup):
    _challenge, proposals, expert, _admin = recused_setup
    conflicted, cleared = proposals
    assert not rules.can(expert.user, "evaluation:read_proposal", conflicted)
    assert rules.can(expert.user, "evaluation:read_proposal", cleared)
    version = proposal_services.counted_version(conflicted)
    with pytest.raises(PermissionDenied):
        proposal_services.proposal_version_read(
            version=version, actor=expert.user, permission="evaluation:read_proposal"
        )
    refused = Event.objects.latest("sequence")
    assert refused.action == "proposal.read_refused" and refused.actor == expert.user
    # And the proposals' own rule never lets an evaluator in.
    with pytest.raises(PermissionDenied):
        proposal_services.proposal_version_read(version=version, actor=expert.user)


def test_a_recused_expert_cannot_score_the_proposal(recused_setup):
    challenge, proposals, expert, _admin = recused_setup
    conflicted = proposals[0]
    criterion = challenge.criteria.first()
    with pytest.raises(PermissionDenied):
        services.score_save(
            member=expert,
            proposal=conflicted,
            criterion=criterion,
            value="7",
            justification="Buena.",
            actor=expert.user,
        )
    with pytest.raises(PermissionDenied):
        services.scores_submit(member=expert, proposal=conflicted, actor=expert.user)
    with pytest.raises(PermissionDenied):
        services.scores_record(
            member=expert,
            proposal=conflicted,
            actor=expert.user,
            entries={criterion.pk: ("7", "Buena.")},
            submit=False,
        )
    assert not conflicted.scores.exists()


def test_a_recused_chair_cannot_correct_scores_of_that_proposal(recused_setup):
    challenge, proposals, chair, _admin = recused_setup
    other = member(challenge, areas=AREAS, declared=True)
    declare(other, proposals)
    from tests.evaluation_helpers import score

    original = score(other, proposals[0], challenge.criteria.first(), 6)
    assert not rules.can(chair.user, "evaluation:correct", original)
    with pytest.raises(PermissionDenied):
        services.score_correct(
            score=original, value="8", justification="J.", reason="R.", actor=chair.user
        )


def test_a_recused_expert_gets_404_on_every_page_of_that_proposal(client, recused_setup):
    challenge, proposals, expert, _admin = recused_setup
    conflicted, cleared = proposals
    client.force_login(expert.user)
    code = blind_code(conflicted)
    for name, extra in (
        ("evaluation:proposal", {}),
        ("evaluation:score", {}),
        ("evaluation:attachment", {"number": 1}),
        ("evaluation:proposal_scores", {}),
    ):
        url = reverse(name, kwargs={"slug": challenge.slug, "code": code, **extra})
        assert client.get(url).status_code == 404, name
    response = client.post(
        reverse("evaluation:score", kwargs={"slug": challenge.slug, "code": code}),
        {"action": "save"},
    )
    assert response.status_code == 404
    # The company's own pages stay closed to them too.
    assert client.get(conflicted.get_absolute_url()).status_code == 404
    # The cleared one opens.
    url = reverse(
        "evaluation:proposal", kwargs={"slug": challenge.slug, "code": blind_code(cleared)}
    )
    assert client.get(url).status_code == 200
    # And their list shows only the cleared proposal.
    page = client.get(reverse("evaluation:challenge", kwargs={"slug": challenge.slug}))
    assert blind_code(cleared) in page.content.decode()
    assert code not in page.content.decode()


def test_a_recused_expert_cannot_download_its_attachments(client):
    challenge = ChallengeFactory()
    proposal, _actor, _version = submitted_proposal(challenge, marker="ANEXO-SECRETO")
    with past_deadline(challenge):
        open_challenge(challenge)
    challenge.refresh_from_db()
    official = MembershipFactory(organization=challenge.body, role="official").user
    proposal_services.proposal_admissibility_set(proposal=proposal, actor=official, admissible=True)
    expert = member(challenge, areas=AREAS)
    declare(expert, [proposal], conflicted=[proposal])
    in_stage(challenge, Stage.EVALUATION)
    attachment = ProposalAttachment.objects.get(proposal=proposal)
    with pytest.raises(PermissionDenied):
        proposal_services.attachment_read(
            attachment=attachment, actor=expert.user, permission="evaluation:read_proposal"
        )
    client.force_login(expert.user)
    url = reverse(
        "evaluation:attachment",
        kwargs={"slug": challenge.slug, "code": blind_code(proposal), "number": 1},
    )
    response = client.get(url)
    assert response.status_code == 404
    assert b"ANEXO-SECRETO" not in response.content


def test_a_member_who_has_not_declared_sees_no_proposal(client):
    challenge, proposals = opened_challenge(1)
    expert = member(challenge, areas=AREAS)
    in_stage(challenge, Stage.EVALUATION)
    assert not rules.can(expert.user, "evaluation:read_proposal", proposals[0])
    client.force_login(expert.user)
    url = reverse(
        "evaluation:proposal",
        kwargs={"slug": challenge.slug, "code": blind_code(proposals[0])},
    )
    assert client.get(url).status_code == 404


def test_the_committee_never_reads_a_finalist_it_is_recused_from(client, opened):
    challenge, proposals = opened
    committee = committee_member(challenge)
    make_finalists(challenge, proposals[:2])
    in_stage(challenge, Stage.FINALISTS)
    declare(committee, proposals[:2], conflicted=[proposals[0]])
    assert not rules.can(committee.user, "evaluation:read_proposal", proposals[0])
    assert rules.can(committee.user, "evaluation:read_proposal", proposals[1])
    # Not a finalist: never, even without a conflict.
    assert not rules.can(committee.user, "evaluation:read_proposal", proposals[2])
    with pytest.raises(PermissionDenied):
        services.score_save(
            member=committee,
            proposal=proposals[0],
            criterion=challenge.criteria.first(),
            value="5",
            justification="J.",
            actor=committee.user,
            round=Round.DEMOS,
        )
    client.force_login(committee.user)
    for proposal, status in ((proposals[0], 404), (proposals[1], 200), (proposals[2], 404)):
        url = reverse(
            "evaluation:proposal", kwargs={"slug": challenge.slug, "code": blind_code(proposal)}
        )
        assert client.get(url).status_code == status


def test_assigned_proposals_and_my_evaluations_leave_the_recused_one_out(recused_setup):
    _challenge, proposals, expert, _admin = recused_setup
    expert.challenge.refresh_from_db()
    assert [row.proposal.pk for row in assigned_proposals(expert)] == [proposals[1].pk]
    [row] = my_evaluations(expert.user)
    assert (row.bidders, row.declared, row.conflicts, row.assigned) == (2, 2, 1, 1)
    assert row.to_score == 1 and not row.must_declare


def test_member_of_is_the_accepted_membership_only(opened):
    challenge, _proposals = opened
    invited = member(challenge, areas=AREAS, status=MemberStatus.INVITED)
    assert member_of(User.objects.get(email=invited.email), challenge) is None
    accepted = member(challenge, areas=AREAS)
    assert member_of(accepted.user, challenge) == accepted
    assert member_of(accepted.user, challenge, role=MemberRole.COMMITTEE) is None
