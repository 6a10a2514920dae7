"""Reading and scoring: the counted version read through the proposals' read services (every
read recorded; blind in the first round), draft scores, submission (final), the round and stage
rules, the chair's corrections and progress."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from retos.challenges.stages import Stage
from retos.core.errors import DomainError
from retos.evaluation import services
from retos.evaluation.blind import MASK, blind_code
from retos.evaluation.models import Round, Score
from retos.evaluation.selectors import progress, score_sheet
from retos.ledger.models import Event
from retos.organizations.models import Role
from retos.proposals import services as proposal_services
from tests.evaluation_helpers import in_stage, member, score, settings_for
from tests.evaluation_panel_helpers import committee_member, declare, in_evaluation, make_finalists
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, UserFactory
from tests.proposal_helpers import complete_sections, open_challenge, past_deadline, pdf_file

pytestmark = pytest.mark.django_db

AREAS = ["technology", "user_experience", "business"]


@pytest.fixture
def evaluation():
    challenge, proposals, experts = in_evaluation(2, experts=3)
    return challenge, proposals, experts


def entries(challenge, value="7.5", justification="Cumple con solidez."):
    return {c.pk: (value, justification) for c in challenge.criteria.all()}


# --- A proposal that names itself, for the blind round ---------------------------------------


@pytest.fixture
def named_proposal():
    """A proposal whose text names its company, RFC, team and links, with an attachment,
    through the real services, opened and admissible, in evaluation with one cleared expert."""
    challenge = ChallengeFactory()
    company = CompanyFactory(name="Código Cívico S.A. de C.V.", rfc="CCI120101AB1")
    actor = MembershipFactory(organization=company, role=Role.ADMIN).user
    proposal = proposal_services.proposal_start(challenge=challenge, company=company, actor=actor)
    sections = complete_sections(marker="TEXTO")
    sections["summary"] = "En Código Cívico (RFC CCI120101AB1) Ana López dirige el equipo."
    sections["team"] = [{"name": "Ana López", "role": "Dirección técnica"}]
    sections["links"] = ["https://codigocivico.mx/casos"]
    proposal_services.proposal_save(proposal=proposal, actor=actor, changes=sections)
    proposal_services.proposal_attach(
        proposal=proposal, actor=actor, file=pdf_file(name="codigo-civico-propuesta.pdf")
    )
    proposal_services.proposal_submit(proposal=proposal, actor=actor)
    with past_deadline(challenge):
        open_challenge(challenge)
    challenge.refresh_from_db()
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    proposal_services.proposal_admissibility_set(proposal=proposal, actor=official, admissible=True)
    expert = member(challenge, areas=AREAS, chair=True)
    declare(expert, [proposal])
    in_stage(challenge, Stage.EVALUATION)
    proposal.refresh_from_db()
    return challenge, proposal, expert


def test_an_expert_reads_the_proposal_blind_and_the_read_is_recorded(client, named_proposal):
    challenge, proposal, expert = named_proposal
    client.force_login(expert.user)
    code = blind_code(proposal)
    url = reverse("evaluation:proposal", kwargs={"slug": challenge.slug, "code": code})
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    for secret in (
        "Código Cívico",
        "CCI120101AB1",
        "Ana López",
        "codigocivico",
        "codigo-civico-propuesta",
        str(proposal.public_id),
        proposal_services.counted_version(proposal).folio,
        proposal_services.counted_version(proposal).content_sha256,
    ):
        assert secret not in page, secret
    assert f"En {MASK} (RFC {MASK}) {MASK} dirige el equipo." in page
    assert "Dirección técnica" in page
    assert code in page
    event = Event.objects.latest("sequence")
    assert event.action == "proposal.read" and event.actor == expert.user
    assert event.subject_id == str(proposal.pk) and not event.public


def test_a_blind_attachment_is_named_by_its_number(client, named_proposal):
    challenge, proposal, expert = named_proposal
    client.force_login(expert.user)
    url = reverse(
        "evaluation:attachment",
        kwargs={"slug": challenge.slug, "code": blind_code(proposal), "number": 1},
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "anexo-1.pdf" in response["Content-Disposition"]
    assert "codigo" not in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert Event.objects.latest("sequence").payload["what"].startswith("attachment:")
    missing = reverse(
        "evaluation:attachment",
        kwargs={"slug": challenge.slug, "code": blind_code(proposal), "number": 2},
    )
    assert client.get(missing).status_code == 404


def test_without_a_blind_round_the_expert_sees_the_company(client, named_proposal):
    challenge, proposal, expert = named_proposal
    settings_for(challenge, blind_first_round=False)
    client.force_login(expert.user)
    code = blind_code(proposal)
    page = client.get(
        reverse("evaluation:proposal", kwargs={"slug": challenge.slug, "code": code})
    ).content.decode()
    assert "Código Cívico" in page and "CCI120101AB1" in page and "Ana López" in page
    assert "codigo-civico-propuesta.pdf" in page
    response = client.get(
        reverse(
            "evaluation:attachment",
            kwargs={"slug": challenge.slug, "code": code, "number": 1},
        )
    )
    assert "codigo-civico-propuesta.pdf" in response["Content-Disposition"]


def test_an_unknown_code_is_a_404(client, named_proposal):
    challenge, proposal, expert = named_proposal
    client.force_login(expert.user)
    for code in ("NOPE", str(proposal.public_id), str(proposal.pk), "<script>"):
        url = reverse("evaluation:proposal", kwargs={"slug": challenge.slug, "code": code})
        assert client.get(url).status_code == 404


# --- Drafts and submission -------------------------------------------------------------------


def test_drafts_change_until_submitted_and_then_never(evaluation):
    challenge, proposals, experts = evaluation
    expert = experts[1]
    criteria = list(challenge.criteria.order_by("position"))
    first = services.score_save(
        member=expert,
        proposal=proposals[0],
        criterion=criteria[0],
        value="6",
        justification="Primera idea.",
        actor=expert.user,
    )
    again = services.score_save(
        member=expert,
        proposal=proposals[0],
        criterion=criteria[0],
        value=Decimal("6.5"),
        justification="Mejor pensado.",
        actor=expert.user,
    )
    assert again.pk == first.pk
    first.refresh_from_db()
    assert first.value == Decimal("6.5") and first.submitted_at is None
    with pytest.raises(DomainError) as excinfo:
        services.scores_submit(member=expert, proposal=proposals[0], actor=expert.user)
    assert excinfo.value.code == "incomplete"
    assert criteria[1].name in excinfo.value.message
    for criterion in criteria[1:]:
        services.score_save(
            member=expert,
            proposal=proposals[0],
            criterion=criterion,
            value="8",
            justification="Sólida.",
            actor=expert.user,
        )
    submitted = services.scores_submit(member=expert, proposal=proposals[0], actor=expert.user)
    assert len(submitted) == len(criteria)
    assert all(s.submitted_at is not None for s in submitted)
    assert Event.objects.latest("sequence").action == "score.submitted"
    with pytest.raises(DomainError) as excinfo:
        services.score_save(
            member=expert,
            proposal=proposals[0],
            criterion=criteria[0],
            value="1",
            justification="Cambio.",
            actor=expert.user,
        )
    assert excinfo.value.code == "already_submitted"
    with pytest.raises(DomainError) as excinfo:
        services.scores_submit(member=expert, proposal=proposals[0], actor=expert.user)
    assert excinfo.value.code == "already_submitted"
    assert Score.objects.get(pk=first.pk).value == Decimal("6.5")


def test_a_submission_needs_every_justification(evaluation):
    challenge, proposals, experts = evaluation
    expert = experts[0]
    given = entries(challenge)
    given[challenge.criteria.first().pk] = ("5", "   ")
    with pytest.raises(DomainError) as excinfo:
        services.scores_record(
            member=expert, proposal=proposals[0], actor=expert.user, entries=given, submit=True
        )
    assert excinfo.value.code == "incomplete"
    # All or nothing: not even the drafts were kept.
    assert not Score.objects.filter(member=expert).exists()


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("10.1", "value_range"),
        ("-0.1", "value_range"),
        ("7.25", "value_decimals"),
        ("siete", "value_invalid"),
        ("NaN", "value_range"),
        ("Infinity", "value_range"),
    ],
)
def test_values_out_of_range_are_refused(evaluation, value, code):
    challenge, proposals, experts = evaluation
    with pytest.raises(DomainError) as excinfo:
        services.score_save(
            member=experts[0],
            proposal=proposals[0],
            criterion=challenge.criteria.first(),
            value=value,
            justification="J.",
            actor=experts[0].user,
        )
    assert excinfo.value.code == code


def test_the_range_ends_are_accepted(evaluation):
    challenge, proposals, experts = evaluation
    for value in ("0", "10", "9.9", "0.1"):
        saved = services.score_save(
            member=experts[0],
            proposal=proposals[0],
            criterion=challenge.criteria.first(),
            value=value,
            justification="J.",
            actor=experts[0].user,
        )
        assert saved.value == Decimal(value)


def test_oversized_or_null_justifications_are_refused(evaluation):
    challenge, proposals, experts = evaluation
    for text, code in (("x" * 5001, "too_long"), ("a\x00b", "null_character")):
        with pytest.raises(DomainError) as excinfo:
            services.score_save(
                member=experts[0],
                proposal=proposals[0],
                criterion=challenge.criteria.first(),
                value="5",
                justification=text,
                actor=experts[0].user,
            )
        assert excinfo.value.code == code


def test_a_criterion_of_another_challenge_is_refused(evaluation):
    _challenge, proposals, experts = evaluation
    foreign = ChallengeFactory().criteria.first()
    with pytest.raises(DomainError):
        services.score_save(
            member=experts[0],
            proposal=proposals[0],
            criterion=foreign,
            value="5",
            justification="J.",
            actor=experts[0].user,
        )
    with pytest.raises(DomainError):
        services.scores_record(
            member=experts[0],
            proposal=proposals[0],
            actor=experts[0].user,
            entries={foreign.pk: ("5", "J.")},
            submit=False,
        )


def test_one_member_cannot_write_anothers_scores(evaluation):
    challenge, proposals, experts = evaluation
    with pytest.raises(PermissionDenied):
        services.score_save(
            member=experts[0],
            proposal=proposals[0],
            criterion=challenge.criteria.first(),
            value="5",
            justification="J.",
            actor=experts[1].user,
        )


@pytest.mark.parametrize("stage", [Stage.OPENED, Stage.FINALISTS, Stage.DECIDED])
def test_experts_score_only_during_evaluation(evaluation, stage):
    challenge, proposals, experts = evaluation
    challenge.stage = stage
    challenge.save(update_fields=["stage"])
    with pytest.raises(PermissionDenied):
        services.score_save(
            member=experts[0],
            proposal=proposals[0],
            criterion=challenge.criteria.first(),
            value="5",
            justification="J.",
            actor=experts[0].user,
        )


def test_experts_score_the_proposals_round_only(evaluation):
    challenge, proposals, experts = evaluation
    with pytest.raises(DomainError) as excinfo:
        services.score_save(
            member=experts[0],
            proposal=proposals[0],
            criterion=challenge.criteria.first(),
            value="5",
            justification="J.",
            actor=experts[0].user,
            round=Round.DEMOS,
        )
    assert excinfo.value.code == "wrong_round"


def test_the_committee_scores_the_finalists_demos_during_finalists(evaluation):
    challenge, proposals, _experts = evaluation
    committee = committee_member(challenge)
    make_finalists(challenge, proposals[:1])
    with pytest.raises(PermissionDenied):  # still in evaluation
        services.scores_record(
            member=committee,
            proposal=proposals[0],
            actor=committee.user,
            entries=entries(challenge),
            submit=True,
            round=Round.DEMOS,
        )
    in_stage(challenge, Stage.FINALISTS)
    declare(committee, proposals[:1])
    with pytest.raises(DomainError) as excinfo:
        services.scores_record(
            member=committee,
            proposal=proposals[0],
            actor=committee.user,
            entries=entries(challenge),
            submit=True,
        )
    assert excinfo.value.code == "wrong_round"
    saved = services.scores_record(
        member=committee,
        proposal=proposals[0],
        actor=committee.user,
        entries=entries(challenge),
        submit=True,
        round=Round.DEMOS,
    )
    assert {s.round for s in saved} == {Round.DEMOS}
    # Not a finalist: never.
    with pytest.raises(PermissionDenied):
        services.scores_record(
            member=committee,
            proposal=proposals[1],
            actor=committee.user,
            entries=entries(challenge),
            submit=False,
            round=Round.DEMOS,
        )


# --- The scoring page ------------------------------------------------------------------------


def score_url(challenge, proposal):
    return reverse(
        "evaluation:score", kwargs={"slug": challenge.slug, "code": blind_code(proposal)}
    )


def form_data(challenge, value="7.5", justification="Justificada.", action="save"):
    data = {"action": action}
    for criterion in challenge.criteria.all():
        data[f"value_{criterion.pk}"] = value
        data[f"justification_{criterion.pk}"] = justification
    return data


def test_the_scoring_page_saves_drafts_then_submits(client, evaluation):
    challenge, proposals, experts = evaluation
    expert = experts[1]
    client.force_login(expert.user)
    url = score_url(challenge, proposals[0])
    data = form_data(challenge, justification="<script>alert(1)</script> 'OR 1=1 --")
    first = challenge.criteria.order_by("position").first()
    data[f"value_{first.pk}"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    assert Score.objects.filter(member=expert, submitted_at__isnull=True).count() == 3
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    response = client.post(url, {**data, "action": "submit"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Score.objects.filter(member=expert, submitted_at__isnull=False).exists()
    response = client.post(url, form_data(challenge, action="submit"))
    assert response.status_code == 302
    assert Score.objects.filter(member=expert, submitted_at__isnull=False).count() == 3
    # Submitted: the page shows them, and a new post changes nothing.
    response = client.post(url, form_data(challenge, value="1", action="save"))
    assert response.status_code == 302
    assert set(Score.objects.filter(member=expert).values_list("value", flat=True)) == {
        Decimal("7.5")
    }
    assert 'name="action"' not in client.get(url).content.decode()


def test_the_scoring_page_refuses_values_out_of_range_next_to_the_field(client, evaluation):
    challenge, proposals, experts = evaluation
    client.force_login(experts[0].user)
    data = form_data(challenge, value="11")
    response = client.post(score_url(challenge, proposals[0]), data)
    assert response.status_code == 200
    first = challenge.criteria.order_by("position").first()
    assert f'href="#id_value_{first.pk}"' in response.content.decode()
    assert not Score.objects.exists()


def test_the_scoring_page_refuses_oversized_justifications(client, evaluation):
    challenge, proposals, experts = evaluation
    client.force_login(experts[0].user)
    response = client.post(
        score_url(challenge, proposals[0]), form_data(challenge, justification="x" * 5001)
    )
    assert response.status_code == 200
    assert not Score.objects.exists()


def test_the_scoring_page_is_a_404_outside_the_round(client, evaluation):
    challenge, proposals, experts = evaluation
    client.force_login(experts[0].user)
    challenge.stage = Stage.FINALISTS
    challenge.save(update_fields=["stage"])
    assert client.get(score_url(challenge, proposals[0])).status_code == 404
    assert client.post(score_url(challenge, proposals[0]), form_data(challenge)).status_code == 404


def test_the_committee_sees_the_demo_on_its_scoring_page(client, evaluation):
    from retos.decisions.models import Demo

    challenge, proposals, _experts = evaluation
    committee = committee_member(challenge)
    make_finalists(challenge, proposals[:1])
    in_stage(challenge, Stage.FINALISTS)
    declare(committee, proposals[:1])
    Demo.objects.create(
        proposal=proposals[0],
        number=1,
        demo_url="https://demo.example.mx/",
        repository_url="https://git.example.mx/repo",
        submitted_by=UserFactory(),
    )
    client.force_login(committee.user)
    page = client.get(score_url(challenge, proposals[0])).content.decode()
    assert "https://demo.example.mx/" in page
    assert proposals[0].company.name in page
    response = client.post(
        score_url(challenge, proposals[0]), form_data(challenge, action="submit")
    )
    assert response.status_code == 302
    assert set(Score.objects.filter(member=committee).values_list("round", flat=True)) == {"demos"}


# --- Corrections -----------------------------------------------------------------------------


@pytest.fixture
def submitted(evaluation):
    challenge, proposals, experts = evaluation
    expert = experts[1]
    services.scores_record(
        member=expert,
        proposal=proposals[0],
        actor=expert.user,
        entries=entries(challenge, value="4"),
        submit=True,
    )
    original = Score.objects.filter(member=expert).order_by("criterion__position").first()
    return challenge, proposals, experts, original


def test_the_chair_corrects_a_submitted_score_and_both_stay(submitted):
    _challenge, _proposals, experts, original = submitted
    chair = experts[0]
    correction = services.score_correct(
        score=original,
        value="6",
        justification="Releída la sección técnica.",
        reason="La experta confirmó un error de captura.",
        actor=chair.user,
    )
    assert correction.corrects == original and correction.member == original.member
    assert correction.entered_by == chair.user and correction.submitted_at is not None
    original.refresh_from_db()
    assert original.value == Decimal(4)
    current = Score.objects.current().filter(member=original.member, criterion=original.criterion)
    assert list(current) == [correction]
    assert Event.objects.latest("sequence").action == "score.corrected"
    with pytest.raises(DomainError) as excinfo:
        services.score_correct(
            score=original, value="7", justification="J.", reason="R.", actor=chair.user
        )
    assert excinfo.value.code == "already_corrected"
    again = services.score_correct(
        score=correction, value="7", justification="J.", reason="Otra revisión.", actor=chair.user
    )
    assert again.corrects == correction
    sheet = score_sheet(original.member, original.proposal)
    row = next(r for r in sheet if r.criterion == original.criterion)
    assert row.score == original and row.corrections == [correction, again]
    assert row.current == again


def test_a_correction_needs_a_value_a_justification_and_a_reason(submitted):
    _challenge, _proposals, experts, original = submitted
    chair = experts[0]
    for kwargs, code in (
        ({"value": "", "justification": "J.", "reason": "R."}, "value_required"),
        ({"value": "11", "justification": "J.", "reason": "R."}, "value_range"),
        ({"value": "5", "justification": " ", "reason": "R."}, "required"),
        ({"value": "5", "justification": "J.", "reason": ""}, "required"),
    ):
        with pytest.raises(DomainError) as excinfo:
            services.score_correct(score=original, actor=chair.user, **kwargs)
        assert excinfo.value.code == code
    assert not Score.objects.filter(corrects__isnull=False).exists()


def test_only_the_chair_during_evaluation_corrects_a_submitted_score(submitted):
    challenge, proposals, experts, original = submitted
    approver = MembershipFactory(organization=challenge.body, role="approver").user
    for actor in (experts[1].user, experts[2].user, approver, UserFactory(is_superuser=True)):
        with pytest.raises(PermissionDenied):
            services.score_correct(
                score=original, value="5", justification="J.", reason="R.", actor=actor
            )
    draft = score(experts[2], proposals[1], challenge.criteria.first(), 5, submitted=False)
    with pytest.raises(PermissionDenied):
        services.score_correct(
            score=draft, value="5", justification="J.", reason="R.", actor=experts[0].user
        )
    challenge.stage = Stage.FINALISTS
    challenge.save(update_fields=["stage"])
    with pytest.raises(PermissionDenied):
        services.score_correct(
            score=original, value="5", justification="J.", reason="R.", actor=experts[0].user
        )


def test_the_chair_corrects_from_the_pages(client, submitted):
    challenge, proposals, experts, original = submitted
    client.force_login(experts[0].user)
    code = blind_code(proposals[0])
    scores_page = client.get(
        reverse("evaluation:proposal_scores", kwargs={"slug": challenge.slug, "code": code})
    ).content.decode()
    url = reverse("evaluation:correct", kwargs={"slug": challenge.slug, "score_id": original.pk})
    assert url in scores_page
    # Blind for the chair too: no company name.
    assert proposals[0].company.name not in scores_page
    response = client.post(url, {"value": "6", "justification": "J.", "reason": ""})
    assert response.status_code == 200
    assert not Score.objects.filter(corrects=original).exists()
    response = client.post(
        url, {"value": "6", "justification": "Revisado.", "reason": "<b>Error</b> de captura."}
    )
    assert response.status_code == 302
    correction = Score.objects.get(corrects=original)
    page = client.get(response["Location"]).content.decode()
    assert "&lt;b&gt;Error&lt;/b&gt; de captura." in page
    # The original stays on the page too.
    assert original.justification in page and str(correction.value) in page
    # A corrected score cannot be corrected again from its own address.
    assert (
        client.get(url).status_code == 404 or Score.objects.filter(corrects=original).count() == 1
    )


def test_the_correction_page_is_a_404_for_others(client, submitted):
    challenge, _proposals, experts, original = submitted
    url = reverse("evaluation:correct", kwargs={"slug": challenge.slug, "score_id": original.pk})
    for user in (experts[1].user, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(experts[0].user)
    other = reverse("evaluation:correct", kwargs={"slug": "otro-reto", "score_id": original.pk})
    assert client.get(other).status_code == 404


# --- Progress --------------------------------------------------------------------------------


def test_progress_shows_each_expert_and_proposal(submitted):
    challenge, proposals, experts, _original = submitted
    recused = member(challenge, areas=AREAS)
    declare(recused, proposals, conflicted=[proposals[0]])
    late = member(challenge, areas=AREAS)
    services.score_save(
        member=experts[2],
        proposal=proposals[1],
        criterion=challenge.criteria.first(),
        value="5",
        justification="",
        actor=experts[2].user,
    )
    data = progress(challenge)
    by_expert = {e.pk: i for i, e in enumerate(data.experts)}
    rows = {row.proposal.pk: row for row in data.rows}
    assert rows[proposals[0].pk].cells[by_expert[experts[1].pk]].state == "submitted"
    assert rows[proposals[0].pk].cells[by_expert[recused.pk]].state == "recused"
    assert rows[proposals[0].pk].cells[by_expert[late.pk]].state == "undeclared"
    assert rows[proposals[1].pk].cells[by_expert[experts[2].pk]].state == "draft"
    assert rows[proposals[1].pk].cells[by_expert[experts[0].pk]].state == "not_started"
    assert rows[proposals[0].pk].expected == len(data.experts) - 1
    totals = {e.pk: (done, assigned) for e, done, assigned in data.expert_totals()}
    assert totals[experts[1].pk] == (1, 2) and totals[recused.pk] == (0, 1)


def test_the_progress_page_is_for_the_chair_and_the_approver(client, submitted):
    challenge, proposals, experts, _original = submitted
    url = reverse("evaluation:progress", kwargs={"slug": challenge.slug})
    client.force_login(experts[0].user)
    page = client.get(url).content.decode()
    assert blind_code(proposals[0]) in page and proposals[0].company.name not in page
    client.force_login(MembershipFactory(organization=challenge.body, role="approver").user)
    page = client.get(url).content.decode()
    assert proposals[0].company.name in page
    for user in (experts[1].user, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_the_deadline_of_evaluation_does_not_stop_scoring_the_stage_does(evaluation):
    """Scoring follows the stage, a fact recorded by the transitions, not the planned date."""
    challenge, proposals, experts = evaluation
    with time_machine.travel(challenge.evaluation_ends_at + timedelta(days=1)):
        saved = services.score_save(
            member=experts[0],
            proposal=proposals[0],
            criterion=challenge.criteria.first(),
            value="5",
            justification="J.",
            actor=experts[0].user,
        )
    assert saved.saved_at > challenge.evaluation_ends_at
