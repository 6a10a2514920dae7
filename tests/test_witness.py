"""The social witness's services: assignment by platform staff (independent of the agency),
revocation with a published reason, observations (numbered, with the stage, immutable, a
correction is a new one), their ledger events and their refusals."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from retos.challenges.stages import Stage
from retos.core import rules
from retos.core.errors import DomainError
from retos.ledger.models import Event
from retos.notifications.models import Follow
from retos.organizations.models import Role
from retos.witness import services
from retos.witness.models import OBSERVATION_MAX_LENGTH, Observation, SocialWitness
from tests.evaluation_helpers import opened_challenge
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.lifecycle import challenge_in
from tests.witness_helpers import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_user():
    return UserFactory(is_platform_staff=True)


def trace():
    return (SocialWitness.objects.count(), Observation.objects.count(), Event.objects.count())


# --- Assignment ------------------------------------------------------------------------------


def test_staff_assign_a_witness_with_a_public_event_and_the_witness_follows():
    challenge = challenge_in(Stage.PUBLISHED)
    staff = UserFactory(is_platform_staff=True)
    person = UserFactory(full_name="Lucía Testigo")
    witness = services.witness_assign(challenge=challenge, user=person, actor=staff)
    assert witness.active and witness.name == "Lucía Testigo"
    assert witness.assigned_by == staff
    event = Event.objects.get(action="witness.assigned")
    assert event.public
    assert event.subject_id == str(witness.pk)
    assert event.payload == {
        "challenge": challenge.slug,
        "witness": "Lucía Testigo",
        "stage": "published",
    }
    assert person.email not in str(event.payload)
    assert Follow.objects.filter(user=person, challenge=challenge).exists()
    # The same user object is a witness at once (the rules' cache was dropped).
    assert rules.can(person, "witness:observe", challenge)


def test_the_name_given_is_published_instead_of_the_accounts():
    challenge = challenge_in(Stage.EVALUATION)
    witness = services.witness_assign(
        challenge=challenge,
        user=UserFactory(full_name=""),
        actor=UserFactory(is_platform_staff=True),
        name="  Observatorio Ciudadano A.C.  ",
    )
    assert witness.name == "Observatorio Ciudadano A.C."


def test_an_account_without_a_name_needs_one_to_publish(staff_user):
    challenge = challenge_in(Stage.PUBLISHED)
    before = trace()
    with pytest.raises(DomainError) as refused:
        services.witness_assign(
            challenge=challenge, user=UserFactory(full_name=""), actor=staff_user
        )
    assert refused.value.code == "name_required"
    assert trace() == before


@pytest.mark.parametrize(
    "stage",
    [
        Stage.PUBLISHED,
        Stage.CLOSED,
        Stage.OPENED,
        Stage.EVALUATION,
        Stage.FINALISTS,
        Stage.DECIDED,
        Stage.AWARDED,
        Stage.IMPLEMENTATION,
    ],
)
def test_staff_assign_from_the_publication_until_the_end(stage, staff_user):
    challenge = challenge_in(stage)
    services.witness_assign(challenge=challenge, user=UserFactory(), actor=staff_user)
    assert SocialWitness.objects.filter(challenge=challenge).count() == 1


@pytest.mark.parametrize(
    "stage",
    [Stage.DRAFT, Stage.IN_REVIEW, Stage.COMPLETED, Stage.CANCELLED, Stage.DESERTED],
)
def test_no_assignment_before_the_publication_or_after_the_end(stage, staff_user):
    challenge = challenge_in(stage)
    before = trace()
    with pytest.raises(PermissionDenied):
        services.witness_assign(challenge=challenge, user=UserFactory(), actor=staff_user)
    assert trace() == before


def test_a_scheduled_challenge_is_still_in_review_for_the_assignment(staff_user):
    challenge = challenge_in(Stage.PUBLISHED, published_at=timezone.now() + timedelta(days=2))
    with pytest.raises(PermissionDenied):
        services.witness_assign(challenge=challenge, user=UserFactory(), actor=staff_user)


@pytest.mark.parametrize(
    "role",
    [
        "plain_user",
        "company_admin",
        "expert",
        "superuser",
        "body_admin",
        "body_official",
        "body_approver",
        "body_opening_officer",
        "other_body_approver",
    ],
)
def test_only_platform_staff_assign_never_the_agency(role):
    from tests.lifecycle import person

    challenge = challenge_in(Stage.PUBLISHED)
    actor = person(role, challenge.body)
    before = trace()
    with pytest.raises(PermissionDenied):
        services.witness_assign(challenge=challenge, user=UserFactory(), actor=actor)
    assert trace() == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICIAL, Role.APPROVER, Role.OPENING_OFFICER])
def test_staff_who_belong_to_the_agency_may_not_assign_its_witness(role):
    challenge = challenge_in(Stage.PUBLISHED)
    insider = MembershipFactory(organization=challenge.body, role=role).user
    insider.is_platform_staff = True
    insider.save(update_fields=["is_platform_staff"])
    with pytest.raises(PermissionDenied):
        services.witness_assign(challenge=challenge, user=UserFactory(), actor=insider)
    assert not rules.can(insider, "witness:assign", challenge)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICIAL, Role.APPROVER, Role.OPENING_OFFICER])
def test_a_member_of_the_agency_cannot_be_its_witness(role, staff_user):
    challenge = challenge_in(Stage.PUBLISHED)
    insider = MembershipFactory(organization=challenge.body, role=role).user
    before = trace()
    with pytest.raises(DomainError) as refused:
        services.witness_assign(challenge=challenge, user=insider, actor=staff_user)
    assert refused.value.code == "not_independent"
    assert trace() == before


def test_after_the_opening_a_bidders_member_cannot_be_the_witness(staff_user):
    challenge, proposals = opened_challenge(2)
    bidder = MembershipFactory(organization=proposals[0].company, role=Role.MEMBER).user
    with pytest.raises(DomainError) as refused:
        services.witness_assign(challenge=challenge, user=bidder, actor=staff_user)
    assert refused.value.code == "not_independent"
    # A member of a company that did not bid may be one.
    other = MembershipFactory(organization=CompanyFactory(), role=Role.ADMIN).user
    assert services.witness_assign(challenge=challenge, user=other, actor=staff_user).active


def test_before_the_opening_the_assignment_says_nothing_about_bidders(staff_user):
    """A member of a company with a sealed proposal is not refused for it: refusing would tell
    staff that the company bid. (Staff ask the person for a written statement instead.)"""
    from tests.proposal_helpers import submitted_proposal

    challenge = challenge_in(Stage.PUBLISHED)
    _proposal, member, _version = submitted_proposal(challenge, attach=False)
    witness = services.witness_assign(challenge=challenge, user=member, actor=staff_user)
    assert witness.active


def test_one_active_assignment_per_person_and_challenge(staff_user):
    challenge = challenge_in(Stage.PUBLISHED)
    person = UserFactory()
    services.witness_assign(challenge=challenge, user=person, actor=staff_user)
    with pytest.raises(DomainError) as refused:
        services.witness_assign(challenge=challenge, user=person, actor=staff_user)
    assert refused.value.code == "already_assigned"
    # The database says the same, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialWitness.objects.create(
            challenge=challenge, user=person, name="Otra vez", assigned_by=staff_user
        )


def test_no_account_is_refused(staff_user):
    challenge = challenge_in(Stage.PUBLISHED)
    with pytest.raises(DomainError) as refused:
        services.witness_assign(challenge=challenge, user=None, actor=staff_user)
    assert refused.value.code == "no_account"
    inactive = UserFactory(is_active=False)
    with pytest.raises(DomainError):
        services.witness_assign(challenge=challenge, user=inactive, actor=staff_user)


def test_several_people_may_witness_one_challenge(staff_user):
    challenge = challenge_in(Stage.OPENED)
    for _ in range(2):
        services.witness_assign(challenge=challenge, user=UserFactory(), actor=staff_user)
    assert SocialWitness.objects.active().filter(challenge=challenge).count() == 2


# --- Revocation ------------------------------------------------------------------------------


def test_revocation_needs_a_reason_which_is_published(staff_user):
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge)
    before = trace()
    for reason in ("", "   "):
        with pytest.raises(DomainError) as refused:
            services.witness_revoke(witness=witness, actor=staff_user, reason=reason)
        assert refused.value.code == "reason_required"
    with pytest.raises(DomainError) as refused:
        services.witness_revoke(witness=witness, actor=staff_user, reason="x" * 2001)
    assert refused.value.code == "reason_too_long"
    assert trace() == before
    services.witness_revoke(witness=witness, actor=staff_user, reason="Renunció por escrito.")
    witness.refresh_from_db()
    assert not witness.active and witness.revoke_reason == "Renunció por escrito."
    event = Event.objects.get(action="witness.revoked")
    assert event.public and event.payload["reason"] == "Renunció por escrito."
    with pytest.raises(DomainError) as refused:
        services.witness_revoke(witness=witness, actor=staff_user, reason="Otra vez.")
    assert refused.value.code == "already_revoked"


def test_a_revoked_witness_reads_and_observes_no_more_and_may_be_assigned_again(staff_user):
    challenge = challenge_in(Stage.EVALUATION, evaluation_at=timezone.now())
    witness = assign(challenge)
    user = witness.user
    services.observation_publish(challenge=challenge, actor=user, text="Todo en orden.")
    assert rules.can(user, "evaluation:view_progress", challenge)
    services.witness_revoke(witness=witness, actor=staff_user, reason="Conflicto declarado.")
    assert not rules.can(user, "evaluation:view_progress", challenge)
    assert not rules.can(user, "witness:observe", challenge)
    with pytest.raises(PermissionDenied):
        services.observation_publish(challenge=challenge, actor=user, text="Otra.")
    # The observation stays published.
    assert Observation.objects.filter(challenge=challenge).count() == 1
    again = services.witness_assign(challenge=challenge, user=user, actor=staff_user)
    assert again.active and again.pk != witness.pk


def test_a_revocation_reaches_a_user_object_that_cached_the_assignment(staff_user):
    """The rules cache what a user witnesses on the user object; the service that publishes
    checks the assignment row itself, so a revocation made elsewhere counts at once."""
    challenge = challenge_in(Stage.OPENED)
    witness = assign(challenge)
    cached = type(witness.user).objects.get(pk=witness.user_id)
    assert rules.can(cached, "witness:observe", challenge)  # caches "is a witness"
    services.witness_revoke(
        witness=SocialWitness.objects.get(pk=witness.pk), actor=staff_user, reason="Motivo."
    )
    before = trace()
    with pytest.raises(PermissionDenied):
        services.observation_publish(challenge=challenge, actor=cached, text="Tarde.")
    assert trace() == before


@pytest.mark.parametrize("role", ["plain_user", "body_approver", "superuser"])
def test_only_independent_staff_revoke(role):
    from tests.lifecycle import person

    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge)
    before = trace()
    with pytest.raises(PermissionDenied):
        services.witness_revoke(
            witness=witness, actor=person(role, challenge.body), reason="Motivo."
        )
    assert trace() == before


def test_the_witness_cannot_revoke_their_own_or_anothers_assignment():
    challenge = challenge_in(Stage.EVALUATION)
    first, second = assign(challenge), assign(challenge)
    for target in (first, second):
        with pytest.raises(PermissionDenied):
            services.witness_revoke(witness=target, actor=first.user, reason="Motivo.")


# --- Observations ----------------------------------------------------------------------------


def test_an_observation_is_numbered_stamped_with_the_stage_and_recorded_publicly():
    challenge = challenge_in(Stage.CLOSED)
    witness = assign(challenge, name="Rosa Testigo")
    first = services.observation_publish(
        challenge=challenge, actor=witness.user, text="  El plazo cerró a tiempo.  "
    )
    second = services.observation_publish(
        challenge=challenge, actor=witness.user, text="Sin novedad."
    )
    assert (first.number, second.number) == (1, 2)
    assert first.stage == "closed"
    assert first.text == "El plazo cerró a tiempo."
    assert first.witness == witness
    event = Event.objects.filter(action="observation.published").order_by("sequence").first()
    assert event.public
    assert event.payload["text"] == "El plazo cerró a tiempo."
    assert event.payload["witness"] == "Rosa Testigo"
    assert event.payload["number"] == 1 and event.payload["stage"] == "closed"
    assert event.payload["corrects"] is None


def test_the_stage_is_the_current_one_not_the_stored_one():
    challenge = challenge_in(Stage.PUBLISHED, deadline_passed=True)
    witness = assign(challenge)
    observation = services.observation_publish(
        challenge=challenge, actor=witness.user, text="El plazo venció."
    )
    assert observation.stage == "closed"


def test_numbers_run_per_challenge_across_witnesses():
    challenge = challenge_in(Stage.OPENED)
    a, b = assign(challenge), assign(challenge)
    other = challenge_in(Stage.OPENED)
    c = assign(other)
    numbers = [
        services.observation_publish(challenge=ch, actor=w.user, text="Nota.").number
        for ch, w in [(challenge, a), (challenge, b), (other, c), (challenge, a)]
    ]
    assert numbers == [1, 2, 1, 3]


def test_a_correction_is_a_new_observation_naming_the_earlier_one():
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge)
    first = services.observation_publish(
        challenge=challenge, actor=witness.user, text="Faltó un evaluador."
    )
    correction = services.observation_publish(
        challenge=challenge,
        actor=witness.user,
        text="Corrijo: estaban todos; uno llegó tarde.",
        corrects=first,
    )
    first.refresh_from_db()
    assert first.text == "Faltó un evaluador."
    assert correction.corrects == first and correction.number == 2
    event = Event.objects.filter(action="observation.published").order_by("-sequence").first()
    assert event.payload["corrects"] == 1


def test_a_correction_only_of_ones_own_observation_on_this_challenge():
    challenge = challenge_in(Stage.EVALUATION)
    mine, theirs = assign(challenge), assign(challenge)
    other = challenge_in(Stage.EVALUATION)
    mine_elsewhere = assign(other, mine.user)
    theirs_note = services.observation_publish(
        challenge=challenge, actor=theirs.user, text="De otra persona."
    )
    elsewhere = services.observation_publish(
        challenge=other, actor=mine_elsewhere.user, text="De otro reto."
    )
    before = trace()
    for target in (theirs_note, elsewhere):
        with pytest.raises(DomainError) as refused:
            services.observation_publish(
                challenge=challenge, actor=mine.user, text="Corrección.", corrects=target
            )
        assert refused.value.code == "corrects_invalid"
    assert trace() == before


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "text_required"),
        ("   \n\t ", "text_required"),
        (None, "text_required"),
        ("x" * (OBSERVATION_MAX_LENGTH + 1), "text_too_long"),
        ("Texto con \x00 nulo", "text_invalid"),
    ],
    ids=["empty", "blank", "none", "oversized", "null"],
)
def test_an_empty_oversized_or_null_text_is_refused(text, code):
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge)
    before = trace()
    with pytest.raises(DomainError) as refused:
        services.observation_publish(challenge=challenge, actor=witness.user, text=text)
    assert refused.value.code == code
    assert trace() == before


def test_the_longest_allowed_text_is_published():
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge)
    text = "x" * OBSERVATION_MAX_LENGTH
    assert services.observation_publish(challenge=challenge, actor=witness.user, text=text)


def test_hostile_text_is_stored_as_typed():
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge)
    text = "<script>alert('x')</script> '; DROP TABLE witness_observation; --"
    observation = services.observation_publish(challenge=challenge, actor=witness.user, text=text)
    assert Observation.objects.get(pk=observation.pk).text == text


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.IN_REVIEW])
def test_no_observation_before_the_publication(stage):
    challenge = challenge_in(stage)
    witness = assign(challenge)
    with pytest.raises(PermissionDenied):
        services.observation_publish(challenge=challenge, actor=witness.user, text="Nota.")


@pytest.mark.parametrize("stage", [Stage.COMPLETED, Stage.CANCELLED, Stage.DESERTED])
def test_the_final_testimony_after_the_end(stage):
    challenge = challenge_in(stage)
    witness = assign(challenge)
    observation = services.observation_publish(
        challenge=challenge, actor=witness.user, text="Testimonio final."
    )
    assert observation.stage == stage


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "plain_user",
        "platform_staff",
        "superuser",
        "body_official",
        "body_approver",
        "body_opening_officer",
    ],
)
def test_only_the_witness_observes(role):
    from tests.lifecycle import person

    challenge = challenge_in(Stage.EVALUATION)
    assign(challenge)
    actor = person(role, challenge.body)
    before = trace()
    with pytest.raises(PermissionDenied):
        services.observation_publish(challenge=challenge, actor=actor, text="Nota.")
    assert trace() == before


def test_a_witness_of_another_challenge_does_not_observe_this_one():
    challenge, other = challenge_in(Stage.OPENED), challenge_in(Stage.OPENED)
    witness = assign(other)
    with pytest.raises(PermissionDenied):
        services.observation_publish(challenge=challenge, actor=witness.user, text="Nota.")


# --- Immutability ----------------------------------------------------------------------------


def _published():
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge)
    return services.observation_publish(challenge=challenge, actor=witness.user, text="Nota.")


# SQLite aborts (IntegrityError), PostgreSQL raises from the trigger (ProgrammingError): both are
# DatabaseErrors carrying the trigger's message.
DB_ERRORS = DatabaseError


def test_the_database_refuses_to_change_a_published_observation():
    observation = _published()
    with pytest.raises(DB_ERRORS, match="immutable"), transaction.atomic():
        Observation.objects.filter(pk=observation.pk).update(text="Cambiada.")
    with pytest.raises(DB_ERRORS), transaction.atomic():
        observation.text = "Cambiada."
        observation.save()
    assert Observation.objects.get(pk=observation.pk).text == "Nota."


def test_the_database_refuses_to_delete_a_published_observation():
    observation = _published()
    with pytest.raises(DB_ERRORS, match="immutable"), transaction.atomic():
        Observation.objects.filter(pk=observation.pk).delete()
    with pytest.raises(DB_ERRORS), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM witness_observation")
    assert Observation.objects.filter(pk=observation.pk).exists()


def test_the_admin_site_shows_witnesses_and_observations_read_only(client):
    observation = _published()
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    from django.urls import reverse

    change = reverse("admin:witness_observation_change", args=[observation.pk])
    response = client.get(change)
    assert response.status_code == 200
    assert b'name="text"' not in response.content
    response = client.post(change, {"text": "Cambiada."})
    assert response.status_code == 403
    delete = reverse("admin:witness_observation_delete", args=[observation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:witness_observation_add")).status_code == 403
    assert client.get(reverse("admin:witness_socialwitness_add")).status_code == 403
    assert Observation.objects.get(pk=observation.pk).text == "Nota."
