"""What a company's members hear about their own proposal: the emailed receipt, withdrawals,
admissibility, and the notices an amendment sends (re-confirm a submitted proposal, re-read a
draft). These kinds are transactional: always on the site and by email, never a preference."""

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from retos.challenges.amendments import challenge_amend, challenge_extend_deadline
from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.ledger.models import Event
from retos.notifications import selectors, services
from retos.notifications.content import render_message
from retos.notifications.models import (
    PREFERENCE_KINDS,
    PROPOSAL_KINDS,
    TRANSACTIONAL_KINDS,
    EmailDelivery,
    Follow,
    Kind,
    Notification,
    NotificationPreference,
)
from retos.organizations.models import Role
from retos.proposals import services as proposal_services
from retos.proposals.notices import proposals_notify_amendment
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, UserFactory
from tests.proposal_helpers import started_proposal, submitted_proposal

pytestmark = pytest.mark.django_db

CONTENT_SHA = "a" * 64
FILE_SHAS = ["b" * 64, "c" * 64]
# 4 March 2026, 18:00:05 UTC: noon in Mexico City.
RECEIVED = datetime(2026, 3, 4, 18, 0, 5, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Helpers


def company_with(*languages, roles=(Role.ADMIN, Role.MEMBER)):
    company = CompanyFactory()
    people = [
        MembershipFactory(
            organization=company,
            role=roles[i % len(roles)],
            user__preferred_language=language,
        ).user
        for i, language in enumerate(languages)
    ]
    return company, people


def receipt_context(proposal, folio="AC-7K2M-9QXD-4HTB"):
    return {
        "folio": folio,
        "received_at": RECEIVED.isoformat(),
        "content_sha256": CONTENT_SHA,
        "attachments": [
            {"name": "plan-de-trabajo-confidencial.pdf", "sha256": FILE_SHAS[0]},
            {"name": "equipo.pdf", "sha256": FILE_SHAS[1]},
        ],
        "time_zone": "America/Mexico_City",
        "url_name": "proposals:receipt",
        "url_kwargs": {"public_id": str(proposal.public_id), "folio": folio},
    }


def detail_context(proposal, **extra):
    return {
        "url_name": "proposals:detail",
        "url_kwargs": {"public_id": str(proposal.public_id)},
        **extra,
    }


def path_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def sent(kind):
    """(user, url) of the in-site notifications of ``kind``, and the users emailed."""
    site = set(Notification.objects.filter(kind=kind).values_list("user_id", "url"))
    email = set(EmailDelivery.objects.filter(kind=kind).values_list("user_id", "url"))
    return site, email


# ---------------------------------------------------------------------------------------------
# notify_users


def test_a_receipt_goes_to_each_member_on_the_site_and_by_email_in_their_language(
    settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://retos.example.gob.mx"
    challenge = ChallengeFactory(title="Alerta sísmica")
    company, (spanish, english) = company_with("es-mx", "en")
    proposal, _actor = started_proposal(challenge, company=company, actor=spanish)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_users(
            users=[spanish, english],
            kind=Kind.PROPOSAL_RECEIVED,
            challenge=challenge,
            context=receipt_context(proposal),
            subject=proposal,
        )
    receipt = {"public_id": proposal.public_id, "folio": "AC-7K2M-9QXD-4HTB"}
    es = Notification.objects.get(user=spanish)
    en = Notification.objects.get(user=english)
    assert es.kind == en.kind == Kind.PROPOSAL_RECEIVED
    assert es.title == "Acuse de recibo de su propuesta a “Alerta sísmica”"
    assert en.title == "Receipt of your proposal to “Alerta sísmica”"
    assert es.url == path_in("es-mx", "proposals:receipt", **receipt)
    assert en.url == path_in("en", "proposals:receipt", **receipt)
    assert en.url.startswith("/en/") and not es.url.startswith("/en/")
    # The receipt: folio, the server's time in the agency's zone (and exact, in UTC), digests.
    for text in (es.body, en.body):
        assert "AC-7K2M-9QXD-4HTB" in text
        assert "2026-03-04T18:00:05+00:00" in text
        assert CONTENT_SHA in text
        assert all(digest in text for digest in FILE_SHAS)
        # Attachment names are sealed content; this text is stored in the clear.
        assert "plan-de-trabajo-confidencial" not in text and "equipo.pdf" not in text
    assert "4 de marzo de 2026, 12:00\xa0h, hora del centro" in es.body
    assert "March 4, 2026, 12:00\xa0h, central time" in en.body
    # And the same receipt by email, one per member, each alone in "To".
    assert EmailDelivery.objects.filter(kind=Kind.PROPOSAL_RECEIVED).count() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 2 and all(len(m.to) == 1 for m in mail.outbox)
    es_mail, en_mail = by_recipient[spanish.email], by_recipient[english.email]
    assert es_mail.subject == es.title and en_mail.subject == en.title
    assert "hora del centro" in es_mail.body and CONTENT_SHA in es_mail.body
    assert f"https://retos.example.gob.mx{en.url}" in en_mail.body
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_transactional_kinds_ignore_preferences_and_cannot_be_turned_off():
    challenge = ChallengeFactory()
    company, (me,) = company_with("es-mx")
    proposal, _actor = started_proposal(challenge, company=company, actor=me)
    Notification.objects.all().delete()
    EmailDelivery.objects.all().delete()
    everything_off = {kind.value: {"email": False, "site": False} for kind in PREFERENCE_KINDS}
    services.notification_preferences_set(user=me, actor=me, choices=everything_off)
    for kind in sorted(TRANSACTIONAL_KINDS):
        services.notify_users(
            users=[me],
            kind=kind,
            challenge=challenge,
            context=detail_context(proposal),
            subject=proposal,
        )
    assert set(Notification.objects.values_list("kind", flat=True)) == set(TRANSACTIONAL_KINDS)
    assert set(EmailDelivery.objects.values_list("kind", flat=True)) == set(TRANSACTIONAL_KINDS)
    # There is no choice to record: the service refuses one and so does the database.
    with pytest.raises(ValueError):
        services.notification_preferences_set(
            user=me, actor=me, choices={"proposal_received": {"email": False, "site": False}}
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationPreference.objects.create(
            user=me, kind=Kind.PROPOSAL_RECEIVED, email=False, site=False
        )


def test_a_kind_with_preferences_sent_to_named_people_still_follows_them():
    challenge = ChallengeFactory()
    quiet, loud = UserFactory(), UserFactory()
    NotificationPreference.objects.create(user=quiet, kind=Kind.STAGE_CHANGED, email=False)
    services.notify_users(users=[quiet, loud], kind=Kind.STAGE_CHANGED, challenge=challenge)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {quiet.pk, loud.pk}
    assert list(EmailDelivery.objects.values_list("user_id", flat=True)) == [loud.pk]


@pytest.mark.parametrize(
    "stage", [Stage.DRAFT, Stage.IN_REVIEW, Stage.CLOSED, Stage.EVALUATION, Stage.CANCELLED]
)
def test_notify_users_sends_whatever_the_stage_of_the_challenge(stage):
    challenge = ChallengeFactory()
    company, (me,) = company_with("es-mx")
    proposal, _actor = started_proposal(challenge, company=company, actor=me)
    Challenge.objects.filter(pk=challenge.pk).update(stage=stage, outcome_reason="Motivo.")
    challenge.refresh_from_db()
    services.notify_users(
        users=[me],
        kind=Kind.PROPOSAL_ADMISSIBILITY,
        challenge=challenge,
        context=detail_context(proposal, admissible=True),
        subject=proposal,
    )
    assert Notification.objects.filter(user=me, kind=Kind.PROPOSAL_ADMISSIBILITY).count() == 1
    assert EmailDelivery.objects.filter(user=me, kind=Kind.PROPOSAL_ADMISSIBILITY).count() == 1


def test_notify_users_skips_inactive_and_excluded_people_and_sends_once_each():
    challenge = ChallengeFactory()
    me, actor, gone = UserFactory(), UserFactory(), UserFactory(is_active=False)
    services.notify_users(
        users=[me, me.pk, actor, gone],
        kind=Kind.STAGE_CHANGED,
        challenge=challenge,
        exclude_user=actor,
    )
    assert list(Notification.objects.values_list("user_id", flat=True)) == [me.pk]
    assert list(EmailDelivery.objects.values_list("user_id", flat=True)) == [me.pk]


def test_notify_users_runs_the_same_queries_for_2_and_20_people(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    def setup(n):
        challenge = ChallengeFactory()
        company, _people = company_with(*["en" if i % 2 else "es-mx" for i in range(n)])
        proposal, _actor = started_proposal(challenge, company=company)
        members = company.memberships.values("user")
        from retos.accounts.models import User

        return challenge, proposal, User.objects.filter(pk__in=members)

    def send(challenge, proposal, users):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.notify_users(
                users=users,
                kind=Kind.PROPOSAL_RECONFIRM,
                challenge=challenge,
                context=detail_context(proposal, number=2),
                subject=proposal,
            )
        assert len(callbacks) == 1  # one callback queues every email

    small = setup(2)
    with CaptureQueriesContext(connection) as ctx:
        send(*small)
    count = len(ctx.captured_queries)
    # savepoint, the people, 2 inserts, the ledger event (append lock on PostgreSQL, head,
    # insert), release
    assert count <= 8, [q["sql"] for q in ctx.captured_queries]
    large = setup(20)
    with django_assert_num_queries(count):
        send(*large)
    # +1 each: the member who started the proposal (``started_proposal`` adds one).
    assert Notification.objects.filter(kind=Kind.PROPOSAL_RECONFIRM).count() == 3 + 21
    assert EmailDelivery.objects.filter(kind=Kind.PROPOSAL_RECONFIRM).count() == 3 + 21


def test_the_ledger_records_counts_on_the_proposal_and_no_one_by_name():
    challenge = ChallengeFactory()
    company, people = company_with("es-mx", "en")
    proposal, _actor = started_proposal(challenge, company=company, actor=people[0])
    before = Event.objects.count()
    services.notify_users(
        users=people,
        kind=Kind.PROPOSAL_RECEIVED,
        challenge=challenge,
        context=receipt_context(proposal),
        subject=proposal,
    )
    (event,) = Event.objects.order_by("sequence")[before:]
    assert event.action == "notifications.sent" and event.public is False
    assert (event.subject_type, event.subject_id) == ("proposals.proposal", str(proposal.pk))
    assert event.payload == {
        "kind": "proposal_received",
        "in_site": 2,
        "emails": 2,
        "challenge": challenge.pk,
    }
    text = json.dumps(event.payload)
    assert all(p.email not in text and p.full_name not in text for p in people)


def test_a_proposal_kind_is_never_counted_on_the_challenge():
    """Without the proposal to record it on, the sending is not recorded: a count on the
    challenge would tell the admin site how many companies bid before the opening act."""
    challenge = ChallengeFactory()
    me = UserFactory()
    before = Event.objects.count()
    services.notify_users(users=[me], kind=Kind.PROPOSAL_WITHDRAWN, challenge=challenge)
    assert Notification.objects.filter(user=me).count() == 1
    assert Event.objects.count() == before


def test_proposal_kinds_are_not_for_followers():
    challenge = ChallengeFactory()
    Follow.objects.create(user=UserFactory(), challenge=challenge)
    for kind in PROPOSAL_KINDS:
        with pytest.raises(ValueError):
            services.notify_followers(challenge=challenge, kind=kind)
    assert not Notification.objects.exists()


def test_the_preferences_page_does_not_offer_transactional_kinds(client):
    me = UserFactory()
    client.force_login(me)
    page = client.get("/en/notificaciones/preferencias/").text
    for kind in TRANSACTIONAL_KINDS:
        assert kind.value not in page
        assert str(kind.label) not in page
    for kind in PREFERENCE_KINDS:
        assert f"{kind.value}__email" in page
    data = {f"{kind.value}__site": "on" for kind in PREFERENCE_KINDS}
    data["proposal_received__site"] = "on"  # a forged field is ignored
    assert client.post("/en/notificaciones/preferencias/", data).status_code == 302
    stored = set(NotificationPreference.objects.filter(user=me).values_list("kind", flat=True))
    assert stored == {kind.value for kind in PREFERENCE_KINDS}
    assert set(selectors.preferences_for(me)) == {kind.value for kind in PREFERENCE_KINDS}


# ---------------------------------------------------------------------------------------------
# What each proposal kind says


@pytest.mark.parametrize("kind", sorted(PROPOSAL_KINDS))
def test_every_proposal_kind_links_to_the_proposal_in_the_readers_language(kind):
    challenge = ChallengeFactory(title="Alerta sísmica")
    public_id = uuid4()
    context = {
        "number": 2,
        "admissible": True,
        "url_name": "proposals:detail",
        "url_kwargs": {"public_id": str(public_id)},
    }
    es = render_message(kind=kind, challenge=challenge, context=context, language="es-mx")
    en = render_message(kind=kind, challenge=challenge, context=context, language="en")
    for message in (es, en):
        assert "Alerta sísmica" in message.title and message.body
    assert es.url == path_in("es-mx", "proposals:detail", public_id=public_id)
    assert en.url == path_in("en", "proposals:detail", public_id=public_id)
    assert en.url.startswith("/en/") and not es.url.startswith("/en/")
    assert es.title != en.title and es.body != en.body


def test_the_admissibility_message_says_yes_or_no_and_why():
    challenge = ChallengeFactory(title="Alerta sísmica")
    yes = render_message(
        kind=Kind.PROPOSAL_ADMISSIBILITY,
        challenge=challenge,
        context={"admissible": True},
        language="es-mx",
    )
    no = render_message(
        kind=Kind.PROPOSAL_ADMISSIBILITY,
        challenge=challenge,
        context={"admissible": False, "reason": "Falta la declaración de MIPYME."},
        language="en",
    )
    assert yes.title == "Su propuesta a “Alerta sísmica” es admisible"
    assert no.title == "Your proposal to “Alerta sísmica” is not admissible"
    assert "Falta la declaración de MIPYME." in no.body


def test_reconfirm_and_draft_messages_name_the_amendment_and_the_deadline():
    challenge = ChallengeFactory()
    deadline = timezone.localtime(challenge.submissions_close_at)
    for kind in (Kind.PROPOSAL_RECONFIRM, Kind.PROPOSAL_DRAFT_AMENDED):
        message = render_message(
            kind=kind, challenge=challenge, context={"number": 3}, language="es-mx"
        )
        assert "enmienda 3" in message.body
        assert "hora del centro" in message.body
        assert str(deadline.year) in message.body


# ---------------------------------------------------------------------------------------------
# Amendments reach the companies with a proposal


@pytest.fixture
def bidders():
    """A challenge with a submitted, a draft and a withdrawn proposal, and another challenge
    with a submitted and a draft one. Each company has an admin and a member."""
    challenge, other = ChallengeFactory(), ChallengeFactory()

    def company():
        return company_with("es-mx", "en")

    submitted_co, _submitted_people = company()
    draft_co, draft_people = company()
    withdrawn_co, withdrawn_people = company()
    elsewhere_co, _elsewhere_people = company()
    proposals = {
        "submitted": submitted_proposal(challenge, company=submitted_co)[0],
        "draft": started_proposal(challenge, company=draft_co, actor=draft_people[0])[0],
        "withdrawn": submitted_proposal(challenge, company=withdrawn_co)[0],
        "elsewhere_submitted": submitted_proposal(other, company=elsewhere_co)[0],
        "elsewhere_draft": started_proposal(other, company=company()[0])[0],
    }
    proposal_services.proposal_withdraw(
        proposal=proposals["withdrawn"],
        actor=withdrawn_people[1],
    )
    # The submissions above sent receipts; start from a clean slate.
    Notification.objects.all().delete()
    EmailDelivery.objects.all().delete()
    members = {
        name: set(
            proposal.company.memberships.filter(role__in=[Role.ADMIN, Role.MEMBER]).values_list(
                "user_id", flat=True
            )
        )
        for name, proposal in proposals.items()
    }
    assert len(members["submitted"]) == 3  # two listed here, one who submitted
    return challenge, other, proposals, members


def official_of(challenge):
    return MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user


def _detail(proposal):
    return path_in("es-mx", "proposals:detail", public_id=proposal.public_id)


def test_an_amendment_asks_submitters_to_reconfirm_and_drafts_to_reread(
    bidders, django_capture_on_commit_callbacks
):
    challenge, _other, proposals, members = bidders
    fan = UserFactory()
    Follow.objects.create(user=fan, challenge=challenge)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        amendment = challenge_amend(
            challenge=challenge,
            actor=official_of(challenge),
            reason="Se aclara el alcance.",
            changes={"summary": "Una herramienta abierta, con alcance aclarado."},
        )
    reconfirm_site, reconfirm_email = sent(Kind.PROPOSAL_RECONFIRM)
    draft_site, draft_email = sent(Kind.PROPOSAL_DRAFT_AMENDED)
    assert {user for user, _url in reconfirm_site} == members["submitted"]
    assert {user for user, _url in draft_site} == members["draft"]
    assert reconfirm_email == reconfirm_site and draft_email == draft_site
    # Each is linked to its own proposal, in the reader's language.
    assert {url.removeprefix("/en") for _user, url in reconfirm_site} == {
        _detail(proposals["submitted"])
    }
    assert {url.removeprefix("/en") for _user, url in draft_site} == {_detail(proposals["draft"])}
    # Withdrawn proposals and other challenges' companies hear nothing.
    told = {user for user, _url in reconfirm_site | draft_site}
    for name in ("withdrawn", "elsewhere_submitted", "elsewhere_draft"):
        assert not told & members[name], name
    assert not Notification.objects.filter(user_id__in=members["withdrawn"]).exists()
    # Followers still get the public notice; emails went out for all of them.
    assert Notification.objects.filter(user=fan, kind=Kind.AMENDMENT_PUBLISHED).exists()
    assert len(mail.outbox) == len(members["submitted"]) + len(members["draft"]) + 1
    bodies = [m.body for m in mail.outbox if m.to[0] != fan.email]
    assert all(f"{amendment.number}" in body for body in bodies)
    # Recorded on each proposal (sealed until the opening act), never counted on the challenge.
    events = Event.objects.filter(action="notifications.sent")
    on_proposals = set(
        events.filter(
            subject_type="proposals.proposal",
            payload__kind__in=[Kind.PROPOSAL_RECONFIRM, Kind.PROPOSAL_DRAFT_AMENDED],
        ).values_list("subject_id", flat=True)
    )
    assert on_proposals == {str(proposals["submitted"].pk), str(proposals["draft"].pk)}
    on_challenge = events.filter(subject_type="challenges.challenge")
    assert [e.payload["kind"] for e in on_challenge] == ["amendment_published"]


def test_extending_the_deadline_is_an_amendment_and_asks_for_reconfirmation(bidders):
    challenge, _other, _proposals, members = bidders
    new_deadline = challenge.submissions_close_at + timedelta(days=7)
    challenge_extend_deadline(
        challenge=challenge,
        actor=official_of(challenge),
        reason="Más tiempo para preparar propuestas.",
        submissions_close_at=new_deadline,
    )
    notices = Notification.objects.filter(kind=Kind.PROPOSAL_RECONFIRM)
    assert set(notices.values_list("user_id", flat=True)) == members["submitted"]
    year = str(timezone.localtime(new_deadline).year)
    assert all(year in notice.body for notice in notices)
    assert (
        set(
            Notification.objects.filter(kind=Kind.PROPOSAL_DRAFT_AMENDED).values_list(
                "user_id", flat=True
            )
        )
        == (members["draft"])
    )


def test_an_amendment_with_no_proposals_sends_no_proposal_notices():
    challenge = ChallengeFactory()
    challenge_amend(
        challenge=challenge,
        actor=official_of(challenge),
        reason="Se aclara el alcance.",
        changes={"summary": "Otro resumen."},
    )
    assert not Notification.objects.filter(kind__in=PROPOSAL_KINDS).exists()


def test_the_amendment_notices_add_queries_per_proposal_only_for_its_ledger_event():
    def queries(n):
        challenge = ChallengeFactory()
        for i in range(n):
            company, _people = company_with("es-mx", "en")
            if i % 2:
                started_proposal(challenge, company=company)
            else:
                submitted_proposal(challenge, company=company, attach=False)
        amendment = challenge.amendments.create(
            number=1,
            reason="Motivo.",
            changes=[],
            actor=official_of(challenge),
            published_at=timezone.now(),
        )
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            proposals_notify_amendment(challenge=challenge, amendment=amendment)
        notices = Notification.objects.filter(
            challenge=challenge,
            kind__in=[Kind.PROPOSAL_RECONFIRM, Kind.PROPOSAL_DRAFT_AMENDED],
        )
        assert notices.count() == 3 * n  # two listed members and the one who started
        return len(ctx.captured_queries)

    small, large = queries(2), queries(6)
    # A ledger event: the head and the insert, plus the append lock on PostgreSQL.
    per_event = 3 if connection.vendor == "postgresql" else 2
    assert large - small == 4 * per_event, (small, large)


def test_the_admin_does_not_list_proposal_emails_before_the_opening_act(rf):
    from django.contrib import admin

    challenge = ChallengeFactory()
    company, (me,) = company_with("es-mx")
    proposal, _actor = started_proposal(challenge, company=company, actor=me)
    services.notify_users(
        users=[me],
        kind=Kind.PROPOSAL_RECEIVED,
        challenge=challenge,
        context=receipt_context(proposal),
        subject=proposal,
    )
    services.notify_users(users=[me], kind=Kind.STAGE_CHANGED, challenge=challenge)
    request = rf.get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[EmailDelivery]

    def listed():
        return set(model_admin.get_queryset(request).values_list("kind", flat=True))

    assert listed() == {Kind.STAGE_CHANGED}
    Challenge.objects.filter(pk=challenge.pk).update(opened_at=timezone.now())
    assert listed() == {Kind.STAGE_CHANGED, Kind.PROPOSAL_RECEIVED}
