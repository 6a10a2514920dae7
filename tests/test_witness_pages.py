"""The social witness's pages: the public list of witnesses and observations, the challenge
page's panel, publishing an observation (hostile, empty and oversized text), the dossier, staff's
assignment page; the officials' pages the witness reads at each stage, read-only (no form is
offered, every write refused); query budgets at two data sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from retos.challenges.stages import Stage
from retos.evaluation.blind import blind_code
from retos.evaluation.models import ConflictDeclaration, EvaluationSettings, PanelMember
from retos.ledger.models import Event
from retos.organizations.models import Role
from retos.witness import services
from retos.witness.models import OBSERVATION_MAX_LENGTH, Observation, SocialWitness
from retos.witness.selectors import witness_summary
from tests.evaluation_helpers import member
from tests.factories import MembershipFactory, UserFactory
from tests.lifecycle import challenge_in
from tests.witness_helpers import assign

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('testigo')</script> '; DROP TABLE witness_observation; --"


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def login(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def publish(witness, text="Sin novedad.", **kwargs):
    return services.observation_publish(
        challenge=witness.challenge, actor=witness.user, text=text, **kwargs
    )


def count_queries(client, target) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200, target
    return len(ctx.captured_queries)


# --- The public list --------------------------------------------------------------------------


def test_the_list_shows_the_witnesses_and_every_observation_newest_first(client):
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge, name="Lucía Testigo")
    first = publish(witness, "La apertura fue puntual.")
    publish(witness, "Corrijo: empezó 5 minutos tarde.", corrects=first)
    revoked = assign(challenge, name="Pedro Retirado")
    services.witness_revoke(
        witness=revoked, actor=UserFactory(is_platform_staff=True), reason="Renunció."
    )
    page = client.get(url("witness:observations", slug=challenge.slug)).content.decode()
    assert "Lucía Testigo" in page and "Pedro Retirado" in page and "Renunció." in page
    assert page.index("Corrijo") < page.index("La apertura fue puntual.")
    assert 'id="observacion-1"' in page and 'id="observacion-2"' in page
    assert "Corrected by" in page and "Corrects" in page
    assert "Evaluation" in page  # the stage at the time
    assert witness.user.email not in page
    # Nothing to act on for the public.
    assert url("witness:observe", slug=challenge.slug) not in page
    assert url("witness:dossier", slug=challenge.slug) not in page


def test_hostile_text_is_shown_escaped_on_the_list_and_the_challenge_page(client):
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge, name="<b>Testigo</b>")
    publish(witness, HOSTILE)
    for page in (
        url("witness:observations", slug=challenge.slug),
        url("challenges:detail", slug=challenge.slug),
    ):
        content = client.get(page).content.decode()
        assert "<script>alert('testigo')</script>" not in content
        assert "&lt;script&gt;alert(&#x27;testigo&#x27;)&lt;/script&gt;" in content
        assert "<b>Testigo</b>" not in content and "&lt;b&gt;Testigo&lt;/b&gt;" in content


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.IN_REVIEW])
def test_no_page_before_the_publication(client, stage):
    challenge = challenge_in(stage)
    assign(challenge)
    staff = UserFactory(is_platform_staff=True)
    approver = MembershipFactory(organization=challenge.body, role=Role.APPROVER).user
    for user in (None, staff, approver):
        login(client, user)
        assert client.get(url("witness:observations", slug=challenge.slug)).status_code == 404


def test_a_challenge_without_witness_says_so(client):
    challenge = challenge_in(Stage.PUBLISHED)
    page = client.get(url("witness:observations", slug=challenge.slug)).content.decode()
    assert "No social witness has been assigned to this challenge." in page


@pytest.mark.parametrize("size", [1, 12])
def test_the_list_costs_the_same_queries_at_any_size(client, size, django_assert_max_num_queries):
    counts = []
    for n in (size, size * 3):
        challenge = challenge_in(Stage.EVALUATION)
        witnesses = [assign(challenge) for _ in range(2)]
        for i in range(n):
            publish(witnesses[i % 2], f"Nota {i}.")
        first = Observation.objects.filter(witness=witnesses[0]).order_by("number").first()
        publish(witnesses[0], "Corrección.", corrects=first)
        services.witness_revoke(
            witness=witnesses[1], actor=UserFactory(is_platform_staff=True), reason="Motivo."
        )
        login(client, witnesses[0].user)
        counts.append(count_queries(client, url("witness:observations", slug=challenge.slug)))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(10):
        client.get(url("witness:observations", slug=challenge.slug))


# --- The challenge page's panel ---------------------------------------------------------------


def test_the_panel_shows_the_names_and_the_newest_observations(client):
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge, name="Lucía Testigo")
    for i in range(5):
        publish(witness, f"Observación número {i}.")
    page = client.get(url("challenges:detail", slug=challenge.slug)).content.decode()
    assert "Social witness" in page and "Lucía Testigo" in page
    assert "Observación número 4." in page and "Observación número 2." in page
    assert "Observación número 1." not in page  # the list page has them all
    assert "all 5 observations" in page
    assert url("witness:observations", slug=challenge.slug) in page
    assert url("witness:observe", slug=challenge.slug) not in page


def test_the_panel_offers_the_witness_their_links_and_staff_the_assignment(client):
    challenge = challenge_in(Stage.OPENED)
    witness = assign(challenge)
    page = login(client, witness.user).get(url("challenges:detail", slug=challenge.slug))
    content = page.content.decode()
    assert url("witness:observe", slug=challenge.slug) in content
    assert url("witness:dossier", slug=challenge.slug) in content
    assert url("witness:assign", slug=challenge.slug) not in content
    staff = UserFactory(is_platform_staff=True)
    content = login(client, staff).get(url("challenges:detail", slug=challenge.slug))
    assert url("witness:assign", slug=challenge.slug) in content.content.decode()


def test_no_panel_without_a_witness_except_for_staff(rf):
    from django.contrib.auth.models import AnonymousUser

    challenge = challenge_in(Stage.PUBLISHED)
    assert witness_summary(AnonymousUser(), challenge) is None
    assert witness_summary(UserFactory(), challenge) is None
    staff = witness_summary(UserFactory(is_platform_staff=True), challenge)
    assert staff["can_assign"] and staff["witnesses"] == []


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.IN_REVIEW])
def test_no_panel_and_no_query_before_the_publication(stage, django_assert_num_queries):
    challenge = challenge_in(stage)
    assign(challenge)
    challenge = type(challenge).objects.with_timeline().get(pk=challenge.pk)
    with django_assert_num_queries(0):
        assert witness_summary(UserFactory.build(), challenge) is None


@pytest.mark.parametrize("who", ["anonymous", "witness", "staff"])
def test_the_panel_costs_the_same_queries_at_two_sizes(who, django_assert_max_num_queries):
    from django.contrib.auth.models import AnonymousUser

    counts = []
    for witnesses, notes in ((1, 1), (4, 30)):
        challenge = challenge_in(Stage.EVALUATION)
        assigned = [assign(challenge) for _ in range(witnesses)]
        for i in range(notes):
            publish(assigned[i % witnesses], f"Nota {i}.")
        first = Observation.objects.filter(challenge=challenge).order_by("number").first()
        publish(assigned[0], "Corrección de la primera.", corrects=first)
        challenge = type(challenge).objects.with_timeline().get(pk=challenge.pk)
        user = {
            "anonymous": AnonymousUser(),
            "witness": type(assigned[0].user).objects.get(pk=assigned[0].user_id),
            "staff": UserFactory(is_platform_staff=True),
        }[who]
        with CaptureQueriesContext(connection) as ctx:
            summary = witness_summary(user, challenge)
        assert summary is not None
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(3):
        witness_summary(user, challenge)


@pytest.mark.parametrize("notes", [2, 40])
def test_the_challenge_page_costs_the_same_with_few_or_many_observations(client, notes):
    counts = []
    for n in (notes, notes * 2):
        challenge = challenge_in(Stage.EVALUATION)
        witness = assign(challenge)
        for i in range(n):
            publish(witness, f"Nota {i}.")
        counts.append(count_queries(client, url("challenges:detail", slug=challenge.slug)))
    assert counts[0] == counts[1], counts


# --- Publishing an observation ----------------------------------------------------------------


def test_the_witness_publishes_from_the_page_and_lands_on_it(client):
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge)
    login(client, witness.user)
    target = url("witness:observe", slug=challenge.slug)
    page = client.get(target).content.decode()
    assert 'for="id_text"' in page and "id_corrects" not in page  # nothing to correct yet
    assert 'for="id_text">Observation <span class="optional">' not in page  # required
    response = client.post(target, {"text": "La sesión empezó puntual."})
    assert response.status_code == 302
    assert response["Location"].endswith("/testigo-social/#observacion-1")
    assert Observation.objects.get().text == "La sesión empezó puntual."
    page = client.get(target).content.decode()
    assert 'id="id_corrects"' in page
    response = client.post(target, {"text": "Corrijo la hora.", "corrects": "1"})
    assert response.status_code == 302
    assert Observation.objects.get(number=2).corrects.number == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the observation: it cannot be empty."),
        ("   ", "Write the observation: it cannot be empty."),
        (
            "x" * (OBSERVATION_MAX_LENGTH + 1),
            f"The text is {OBSERVATION_MAX_LENGTH + 1} characters long; use at most "
            f"{OBSERVATION_MAX_LENGTH}.",
        ),
    ],
    ids=["empty", "blank", "oversized"],
)
def test_an_empty_or_oversized_observation_is_refused_on_its_field(client, text, message):
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge)
    response = login(client, witness.user).post(
        url("witness:observe", slug=challenge.slug), {"text": text}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'href="#id_text"' in page and 'id="id_text"' in page
    assert not Observation.objects.exists()


def test_a_hostile_observation_from_the_page_is_stored_as_typed_and_shown_escaped(client):
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge)
    login(client, witness.user).post(url("witness:observe", slug=challenge.slug), {"text": HOSTILE})
    assert Observation.objects.get().text == HOSTILE
    page = client.get(url("witness:observations", slug=challenge.slug)).content.decode()
    assert "<script>alert('testigo')</script>" not in page


def test_a_correction_of_someone_elses_observation_is_not_offered(client):
    challenge = challenge_in(Stage.EVALUATION)
    mine, theirs = assign(challenge), assign(challenge)
    publish(theirs, "De otra persona.")
    response = login(client, mine.user).post(
        url("witness:observe", slug=challenge.slug), {"text": "Corrección.", "corrects": "1"}
    )
    # The field is not even there (no observation of mine to correct): published as new.
    assert response.status_code == 302
    assert Observation.objects.get(number=2).corrects is None
    publish(mine, "Mía.")
    response = client.post(
        url("witness:observe", slug=challenge.slug), {"text": "Corrección.", "corrects": "1"}
    )
    assert response.status_code == 400
    assert 'href="#id_corrects"' in response.content.decode()


@pytest.mark.parametrize("role", ["plain_user", "body_official", "body_approver", "staff"])
def test_only_the_witness_may_open_the_form(client, role):
    from tests.lifecycle import person

    challenge = challenge_in(Stage.EVALUATION)
    assign(challenge)
    user = UserFactory(is_platform_staff=True) if role == "staff" else person(role, challenge.body)
    login(client, user)
    target = url("witness:observe", slug=challenge.slug)
    assert client.get(target).status_code == 403
    assert client.post(target, {"text": "Intento."}).status_code == 403
    assert not Observation.objects.exists()
    login(client, None)
    assert client.get(target).status_code == 302


# --- The dossier ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["plain_user", "body_official", "body_approver", "staff", "revoked"]
)
def test_the_dossier_is_the_witnesss_only(client, role):
    from tests.lifecycle import person

    challenge = challenge_in(Stage.OPENED)
    if role == "staff":
        user = UserFactory(is_platform_staff=True)
    elif role == "revoked":
        record = assign(challenge)
        services.witness_revoke(
            witness=record, actor=UserFactory(is_platform_staff=True), reason="Motivo."
        )
        user = record.user
    else:
        user = person(role, challenge.body)
    assert login(client, user).get(url("witness:dossier", slug=challenge.slug)).status_code == 404


def test_the_dossier_links_to_what_each_stage_shows_the_officials(client):
    from tests.ranking_helpers import scored_challenge

    challenge, proposals, members = scored_challenge([8, 6], experts=2)
    witness = assign(challenge)
    page = login(client, witness.user).get(url("witness:dossier", slug=challenge.slug))
    content = page.content.decode()
    for name in ("opened_list", "opening_act"):
        assert url(f"proposals:{name}", slug=challenge.slug) in content
    for name in ("panel", "settings", "progress"):
        assert url(f"evaluation:{name}", slug=challenge.slug) in content
    assert url("ranking:ranking", slug=challenge.slug) in content
    assert url("decisions:agenda", slug=challenge.slug) not in content  # not before finalists
    # The declarations, member by member and bidder by bidder.
    for m in members:
        assert m.full_name in content
    for p in proposals:
        assert p.company.name in content
    assert "No conflict" in content


def test_the_dossier_shows_a_conflict_and_its_note_escaped(client):
    from tests.evaluation_helpers import opened_challenge

    challenge, proposals = opened_challenge(1)
    expert = member(challenge, declared=True)
    ConflictDeclaration.objects.create(
        member=expert, proposal=proposals[0], has_conflict=True, note=HOSTILE
    )
    member(challenge, areas=["technology"])  # accepted, not declared yet
    witness = assign(challenge)
    content = login(client, witness.user).get(url("witness:dossier", slug=challenge.slug))
    content = content.content.decode()
    assert "Conflict: recused" in content and "Not declared yet" in content
    assert "<script>alert('testigo')</script>" not in content
    assert "&lt;script&gt;" in content


def test_before_the_opening_the_dossier_has_no_declarations_section(client):
    challenge = challenge_in(Stage.CLOSED)
    witness = assign(challenge)
    content = login(client, witness.user).get(url("witness:dossier", slug=challenge.slug))
    content = content.content.decode()
    assert "Conflict-of-interest declarations" not in content
    assert "No opening officer has confirmed yet." in content
    assert url("proposals:opened_list", slug=challenge.slug) not in content


@pytest.mark.parametrize("experts", [1, 5])
def test_the_dossier_costs_the_same_queries_at_two_sizes(client, experts):
    from tests.ranking_helpers import scored_challenge

    counts = []
    for n in (2, 6):
        challenge, _proposals, _members = scored_challenge([7] * n, experts=experts)
        witness = assign(challenge)
        for i in range(n):
            publish(witness, f"Nota {i}.")
        login(client, witness.user)
        counts.append(count_queries(client, url("witness:dossier", slug=challenge.slug)))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 22, counts


# --- Staff's assignment page -------------------------------------------------------------------


def test_staff_assign_by_email_and_revoke_with_a_reason(client):
    challenge = challenge_in(Stage.PUBLISHED)
    staff = UserFactory(is_platform_staff=True)
    person_ = UserFactory(full_name="Ana Observadora", email="ana@observatorio.mx")
    login(client, staff)
    target = url("witness:assign", slug=challenge.slug)
    page = client.get(target).content.decode()
    assert "independent of the agency" in page
    response = client.post(target, {"email": "ANA@observatorio.mx", "name": ""})
    assert response.status_code == 302
    witness = SocialWitness.objects.get()
    assert witness.user == person_ and witness.name == "Ana Observadora"
    page = client.get(target).content.decode()
    assert "ana@observatorio.mx" in page  # staff see the account
    revoke = url("witness:revoke", slug=challenge.slug, public_id=witness.public_id)
    form_id = f"id_{witness.public_id.hex[:12]}_reason"
    response = client.post(revoke, {"reason": "  "})
    assert response.status_code == 400
    assert f'href="#{form_id}"' in response.content.decode()
    response = client.post(revoke, {"reason": "Lo pidió por escrito."})
    assert response.status_code == 302
    witness.refresh_from_db()
    assert witness.revoke_reason == "Lo pidió por escrito."


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nadie@example.mx", "No active account uses this address"),
        ("oficial@dependencia.gob.mx", "belongs to the agency that runs the challenge"),
    ],
)
def test_a_refused_assignment_is_explained_on_the_email_field(client, email, message):
    challenge = challenge_in(Stage.PUBLISHED)
    MembershipFactory(
        organization=challenge.body,
        role=Role.OFFICIAL,
        user=UserFactory(email="oficial@dependencia.gob.mx"),
    )
    login(client, UserFactory(is_platform_staff=True))
    response = client.post(url("witness:assign", slug=challenge.slug), {"email": email})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'href="#id_email"' in page
    assert not SocialWitness.objects.exists()


@pytest.mark.parametrize("role", ["plain_user", "body_approver", "witness", "staff_in_body"])
def test_the_agency_and_others_may_not_assign_or_revoke(client, role):
    from tests.lifecycle import person

    challenge = challenge_in(Stage.EVALUATION)
    existing = assign(challenge)
    if role == "witness":
        user = existing.user
    elif role == "staff_in_body":
        user = MembershipFactory(organization=challenge.body, role=Role.APPROVER).user
        user.is_platform_staff = True
        user.save(update_fields=["is_platform_staff"])
    else:
        user = person(role, challenge.body)
    login(client, user)
    target = url("witness:assign", slug=challenge.slug)
    assert client.get(target).status_code == 403
    assert client.post(target, {"email": UserFactory().email}).status_code == 403
    revoke = url("witness:revoke", slug=challenge.slug, public_id=existing.public_id)
    assert client.post(revoke, {"reason": "Motivo."}).status_code == 403
    assert SocialWitness.objects.count() == 1 and SocialWitness.objects.get().active


# --- The officials' pages, read-only ----------------------------------------------------------


def test_during_evaluation_the_witness_reads_the_officials_pages_without_their_forms(client):
    from tests.ranking_helpers import scored_challenge

    challenge, proposals, members = scored_challenge([8, 6], experts=2)
    EvaluationSettings.objects.update_or_create(
        challenge=challenge, defaults={"blind_first_round": True}
    )
    witness = assign(challenge)
    login(client, witness.user)
    slug = challenge.slug
    panel = client.get(url("evaluation:panel", slug=slug)).content.decode()
    assert members[0].full_name in panel
    assert 'name="email"' not in panel and "Send the invitation" not in panel
    settings = client.get(url("evaluation:settings", slug=slug)).content.decode()
    assert "Save the settings" not in settings and "disabled" in settings
    progress = client.get(url("evaluation:progress", slug=slug)).content.decode()
    scores = client.get(
        url("evaluation:proposal_scores", slug=slug, code=blind_code(proposals[0]))
    ).content.decode()
    ranking = client.get(url("ranking:ranking", slug=slug)).content.decode()
    for page in (progress, scores, ranking):
        # Named, not blind: the witness watches the agency, not the proposals.
        assert proposals[0].company.name in page
    assert "Correct" not in scores.replace("Corrections", "")
    assert 'name="justification"' not in ranking
    listing = client.get(url("proposals:opened_list", slug=slug)).content.decode()
    assert 'name="decision"' not in listing


def test_every_write_of_the_evaluation_is_refused_to_the_witness(client):
    from tests.ranking_helpers import scored_challenge

    challenge, proposals, members = scored_challenge([8, 6], experts=2)
    witness = assign(challenge)
    login(client, witness.user)
    slug = challenge.slug
    events = Event.objects.count()
    before = (PanelMember.objects.count(), EvaluationSettings.objects.count())
    response = client.post(
        url("evaluation:panel", slug=slug),
        {
            "email": "nueva@example.mx",
            "full_name": "Nueva",
            "role": "expert",
            "areas": ["technology"],
        },
    )
    assert (
        response.status_code == 200 and "cannot be sent at this stage" in response.content.decode()
    )
    client.post(url("evaluation:settings", slug=slug), {"method": "zscore"})
    other = next(m for m in members if not m.is_chair)
    client.post(url("evaluation:set_chair", slug=slug, member_id=other.public_id))
    other.refresh_from_db()
    assert not other.is_chair
    assert client.get(url("ranking:confirm_finalists", slug=slug)).status_code == 403
    assert client.post(url("ranking:confirm_finalists", slug=slug), {}).status_code == 403
    assert client.get(url("decisions:decide", slug=slug)).status_code == 404
    assert (
        client.post(
            url("proposals:admissibility", public_id=proposals[0].public_id),
            {"decision": "admissible"},
        ).status_code
        == 404
    )
    from retos.evaluation.models import Score

    score = Score.objects.filter(member=members[0]).first()
    assert client.get(url("evaluation:correct", slug=slug, score_id=score.pk)).status_code == 404
    assert client.get(url("evaluation:challenge", slug=slug)).status_code == 404
    assert (PanelMember.objects.count(), EvaluationSettings.objects.count()) == before
    assert Event.objects.count() == events


def test_from_the_finalists_on_the_witness_reads_the_agenda_and_demos_without_forms(client):
    from tests.decision_helpers import finalists_stage

    s = finalists_stage(3, finalists=2)
    witness = assign(s.challenge)
    login(client, witness.user)
    agenda = client.get(url("decisions:agenda", slug=s.challenge.slug))
    assert agenda.status_code == 200
    content = agenda.content.decode()
    assert s.finalists[0].company.name in content and "Schedule the slot" not in content
    demo = client.get(url("decisions:demo", public_id=s.finalists[0].public_id))
    assert demo.status_code == 200 and 'name="demo_url"' not in demo.content.decode()
    # Not a finalist: no demo page.
    assert client.get(url("decisions:demo", public_id=s.proposals[2].public_id)).status_code == 404
    events = Event.objects.count()
    response = client.post(
        url("decisions:slot", slug=s.challenge.slug, public_id=s.finalists[0].public_id),
        {"location": "Sala 1"},
    )
    assert response.status_code == 404
    response = client.post(
        url("decisions:demo", public_id=s.finalists[0].public_id),
        {"demo_url": "https://demo.example.org/", "repository_url": "https://git.example.org/"},
    )
    assert response.status_code == 400
    assert "Only the members of a finalist company submit its demo" in response.content.decode()
    assert Event.objects.count() == events


def test_the_witness_downloads_confidential_evidence_and_cannot_answer_a_complaint(client):
    from retos.decisions import complaints
    from retos.decisions.models import ComplaintStep
    from tests.complaint_helpers import bidder, decided_challenge, pdf_upload

    challenge, proposals, _decision = decided_challenge(3)
    complaint = complaints.complaint_file(
        proposal=proposals[1],
        actor=bidder(proposals[1]),
        grounds="Fundamentos.",
        evidence=[(pdf_upload("reservada.pdf", marker="RESERVADA"), True)],
    )
    evidence = complaint.evidence.get()
    target = url(
        "complaints:evidence", slug=challenge.slug, number=complaint.number, evidence_id=evidence.pk
    )
    login(client, UserFactory())
    assert client.get(target).status_code in (403, 404)
    witness = assign(challenge)
    login(client, witness.user)
    download = client.get(target)
    assert download.status_code == 200
    assert (
        b"RESERVADA" in b"".join(download.streaming_content)
        if download.streaming
        else (b"RESERVADA" in download.content)
    )
    detail = client.get(url("complaints:detail", slug=challenge.slug, number=complaint.number))
    assert 'name="move-response"' not in detail.content.decode()
    steps = ComplaintStep.objects.count()
    response = client.post(
        url("complaints:move", slug=challenge.slug, number=complaint.number),
        {"move-to_status": "under_review", "move-response": "Lo revisamos."},
    )
    assert response.status_code in (403, 404)
    assert ComplaintStep.objects.count() == steps


def test_during_implementation_the_witness_reads_the_contract_and_changes_nothing(client):
    from retos.contracts.models import Milestone, MilestoneStatus
    from tests import contract_helpers as h

    s = h.implementing()
    m = h.milestone(s)
    Milestone.objects.filter(pk=m.pk).update(status=MilestoneStatus.SUBMITTED)
    witness = assign(s.challenge)
    login(client, witness.user)
    page = client.get(url("contracts:contract", slug=s.challenge.slug))
    assert page.status_code == 200
    content = page.content.decode()
    assert m.title in content and 'name="m1-review-note"' not in content
    events = Event.objects.count()
    for name, data in (
        ("contracts:milestone_review", {"m1-review-note": "Bien.", "decision": "accept"}),
        ("contracts:payment_record", {"m1-payment-amount": "1.00"}),
        ("contracts:milestone_progress", {"m1-progress-progress": "50", "m1-progress-note": "x"}),
    ):
        client.post(url(name, slug=s.challenge.slug, number=1), data)
    assert Event.objects.count() == events
    m.refresh_from_db()
    assert m.status == MilestoneStatus.SUBMITTED


def test_the_witness_publishes_the_final_testimony_after_completion(client):
    challenge = challenge_in(Stage.COMPLETED)
    witness = assign(challenge)
    login(client, witness.user)
    response = client.post(url("witness:observe", slug=challenge.slug), {"text": "Testimonio."})
    assert response.status_code == 302
    assert Observation.objects.get().stage == Stage.COMPLETED
