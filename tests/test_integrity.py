"""Red flags: each indicator at its threshold (just below, at, just above), the sealing rules
(nothing about proposals before the opening act, nothing about declarations before the
decision), and the challenge page's reading agreeing with the overview's SQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone, translation

from retos.challenges.amendments import challenge_amend, challenge_extend_deadline
from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.contracts import services as contract_services
from retos.contracts.models import Award
from retos.core.business_days import add_business_days, business_days_between
from retos.core.errors import DomainError
from retos.decisions import complaints
from retos.decisions.models import ComplaintStatus
from retos.evaluation.models import ConflictDeclaration, MemberRole
from retos.integrity import flags, selectors
from retos.integrity.flags import (
    AWARD_AT_BUDGET,
    COMPLAINT_UPHELD,
    EVALUATOR_CONFLICTS,
    LATE_AMENDMENT,
    PENDING,
    RAISED,
    SHORT_WINDOW,
    SINGLE_BIDDER,
    AmendmentFacts,
)
from retos.organizations.models import Role
from retos.proposals import services as proposal_services
from tests import complaint_helpers, contract_helpers
from tests.evaluation_helpers import in_stage, member, opened_challenge
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    GovernmentBodyFactory,
    MembershipFactory,
)
from tests.lifecycle import challenge_in
from tests.proposal_helpers import opening_officers, past_deadline, submitted_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The indicators' details are read in English here (the Spanish is checked on the pages)."""
    with translation.override("en"):
        yield


CDMX = ZoneInfo("America/Mexico_City")
TIJUANA = ZoneInfo("America/Tijuana")


def local(tz, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


def states(challenge) -> dict[str, str]:
    """Each indicator's state on the challenge page; the overview (SQL + the same Python)
    must say the same about the same challenge."""
    challenge = Challenge.objects.select_related("body").get(pk=challenge.pk)
    page = selectors.challenge_flags(challenge)
    assert page is not None
    found = {f.code: f.state for f in page.flags}
    listed = selectors.overview(selectors.Filters(), selectors.ALL)
    [row] = [r for r in listed.rows if r.challenge["pk"] == challenge.pk]
    assert {f.code: f.state for f in row.flags} == found
    return found


def flag(challenge, code) -> flags.Flag:
    challenge = Challenge.objects.select_related("body").get(pk=challenge.pk)
    return next(f for f in selectors.challenge_flags(challenge).flags if f.code == code)


# --- Single bidder --------------------------------------------------------------------------


@pytest.mark.parametrize(("bidders", "raised"), [(0, False), (1, True), (2, False)])
def test_single_bidder_is_exactly_one_proposal_counted_by_the_opening_act(bidders, raised):
    challenge, _proposals = opened_challenge(bidders)
    assert (states(challenge)[SINGLE_BIDDER] == RAISED) is raised
    assert str(bidders) in flag(challenge, SINGLE_BIDDER).detail


def test_single_bidder_is_sealed_until_the_second_officer_publishes_the_act():
    challenge = ChallengeFactory()
    submitted_proposal(challenge, company=CompanyFactory())
    # Before the deadline, and after it, the one proposal tells nothing.
    assert states(challenge)[SINGLE_BIDDER] == PENDING
    with past_deadline(challenge):
        assert states(challenge)[SINGLE_BIDDER] == PENDING
        first, second = opening_officers(challenge.body)
        proposal_services.opening_confirm(challenge=challenge, actor=first)
        # One officer confirmed: the act is not published, nothing is known yet.
        assert states(challenge)[SINGLE_BIDDER] == PENDING
        counts = {c.indicator.code: c for c in selectors.overview(selectors.Filters()).counts}
        assert counts[SINGLE_BIDDER].assessed == 0
        assert counts[SINGLE_BIDDER].raised == 0
        proposal_services.opening_confirm(challenge=challenge, actor=second)
        assert states(challenge)[SINGLE_BIDDER] == RAISED


def test_a_withdrawn_proposal_is_not_a_bidder():
    challenge, _proposals, _withdrawn = complaint_helpers.opened_with_a_withdrawal(1)
    assert states(challenge)[SINGLE_BIDDER] == RAISED


# --- Short submission window ----------------------------------------------------------------


def test_the_fast_count_of_business_days_agrees_with_the_platforms_for_two_years():
    start = dt.date(2025, 12, 1)
    for offset in range(0, 760, 3):
        day = start + dt.timedelta(days=offset)
        for length in (*range(-2, 45), 120, 400):
            end = day + dt.timedelta(days=length)
            assert flags.count_business_days(day, end) == business_days_between(day, end), (
                day,
                end,
            )


def test_the_threshold_is_the_platform_minimum_plus_five():
    assert flags.short_window_threshold() == 15  # 10 (RETOS_MIN_SUBMISSION_BUSINESS_DAYS) + 5
    with override_settings(RETOS_MIN_SUBMISSION_BUSINESS_DAYS=12):
        assert flags.short_window_threshold() == 17


@pytest.mark.parametrize(
    ("deadline_day", "days", "raised"),
    [
        (19, 14, True),  # Friday 19 June 2026: one business day short of 15
        (22, 15, False),  # Monday 22: exactly the threshold
        (23, 16, False),
    ],
)
def test_short_window_counts_business_days_from_publication_to_the_deadline(
    deadline_day, days, raised
):
    published = local(CDMX, 2026, 6, 1, 10, 0)  # a Monday; no holiday in June 2026
    with time_machine.travel(local(CDMX, 2026, 7, 15, 12, 0), tick=False):
        challenge = ChallengeFactory(
            published_at=published,
            questions_close_at=published + dt.timedelta(days=5),
            submissions_close_at=local(CDMX, 2026, 6, deadline_day, 18, 0),
            evaluation_ends_at=local(CDMX, 2026, 8, 1, 12, 0),
            demo_day_at=local(CDMX, 2026, 8, 10, 12, 0),
            decision_at=local(CDMX, 2026, 8, 20, 12, 0),
            delivery_at=local(CDMX, 2027, 1, 20, 12, 0),
            stage=Stage.CLOSED,
        )
        assert (states(challenge)[SHORT_WINDOW] == RAISED) is raised
        detail = flag(challenge, SHORT_WINDOW).detail
        assert f"{days} business days" in detail
        assert "15" in detail


def test_short_window_counts_in_the_bodys_time_zone():
    """A deadline on Sunday evening in Tijuana is Monday in UTC: the body's Sunday counts."""
    body = GovernmentBodyFactory(time_zone="America/Tijuana")
    published = local(TIJUANA, 2026, 6, 1, 10, 0)
    deadline = local(TIJUANA, 2026, 6, 21, 20, 0)  # Sunday; Monday 03:00 UTC
    assert deadline.astimezone(dt.UTC).date() == dt.date(2026, 6, 22)
    with time_machine.travel(local(CDMX, 2026, 7, 15, 12, 0), tick=False):
        challenge = ChallengeFactory(
            body=body,
            published_at=published,
            questions_close_at=published + dt.timedelta(days=5),
            submissions_close_at=deadline,
            stage=Stage.CLOSED,
            evaluation_ends_at=local(CDMX, 2026, 8, 1, 12, 0),
            demo_day_at=local(CDMX, 2026, 8, 10, 12, 0),
            decision_at=local(CDMX, 2026, 8, 20, 12, 0),
            delivery_at=local(CDMX, 2027, 1, 20, 12, 0),
        )
        # 14 business days to the local Sunday (15 to the UTC Monday).
        assert states(challenge)[SHORT_WINDOW] == RAISED


def test_short_window_skips_official_holidays():
    """16 November 2026 is a holiday: the window around it has one business day less."""
    published = local(CDMX, 2026, 11, 2, 10, 0)  # Monday; 2 November is not a federal holiday
    deadline_date = add_business_days(published.date(), 15)
    assert deadline_date == dt.date(2026, 11, 24)  # would be the 23rd without the holiday
    with time_machine.travel(local(CDMX, 2026, 12, 15, 12, 0), tick=False):
        kwargs = {
            "published_at": published,
            "questions_close_at": published + dt.timedelta(days=5),
            "stage": Stage.CLOSED,
            "evaluation_ends_at": local(CDMX, 2026, 12, 20, 12, 0),
            "demo_day_at": local(CDMX, 2026, 12, 21, 12, 0),
            "decision_at": local(CDMX, 2026, 12, 22, 12, 0),
            "delivery_at": local(CDMX, 2027, 6, 1, 12, 0),
        }
        short = ChallengeFactory(submissions_close_at=local(CDMX, 2026, 11, 23, 18, 0), **kwargs)
        enough = ChallengeFactory(submissions_close_at=local(CDMX, 2026, 11, 24, 18, 0), **kwargs)
        assert states(short)[SHORT_WINDOW] == RAISED
        assert states(enough)[SHORT_WINDOW] != RAISED


def test_short_window_uses_the_deadline_in_force_after_an_extension():
    published = local(CDMX, 2026, 6, 1, 10, 0)
    with time_machine.travel(local(CDMX, 2026, 6, 3, 12, 0), tick=False):
        challenge = ChallengeFactory(
            published_at=published,
            questions_close_at=local(CDMX, 2026, 6, 10, 18, 0),
            submissions_close_at=local(CDMX, 2026, 6, 19, 18, 0),
            evaluation_ends_at=local(CDMX, 2026, 8, 1, 12, 0),
            demo_day_at=local(CDMX, 2026, 8, 10, 12, 0),
            decision_at=local(CDMX, 2026, 8, 20, 12, 0),
            delivery_at=local(CDMX, 2027, 1, 20, 12, 0),
        )
        assert states(challenge)[SHORT_WINDOW] == RAISED
        official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
        challenge_extend_deadline(
            challenge=challenge,
            actor=official,
            reason="Más tiempo para preparar las propuestas.",
            submissions_close_at=local(CDMX, 2026, 6, 29, 18, 0),
        )
        assert states(challenge)[SHORT_WINDOW] != RAISED
        # The extension itself is a late-amendment flag.
        assert states(challenge)[LATE_AMENDMENT] == RAISED


def test_a_scheduled_challenge_is_not_assessed():
    challenge = ChallengeFactory(published_at=timezone.now() + dt.timedelta(days=2))
    challenge = Challenge.objects.select_related("body").get(pk=challenge.pk)
    assert selectors.challenge_flags(challenge) is None
    assert selectors.overview(selectors.Filters(), selectors.ALL).total == 0


# --- Late amendments ------------------------------------------------------------------------


@pytest.fixture
def amendable():
    """Published Monday 1 June 2026, submissions close Friday 26 June at 18:00."""
    with time_machine.travel(local(CDMX, 2026, 6, 1, 9, 0), tick=False):
        challenge = ChallengeFactory(
            published_at=local(CDMX, 2026, 6, 1, 8, 0),
            questions_close_at=local(CDMX, 2026, 6, 12, 18, 0),
            submissions_close_at=local(CDMX, 2026, 6, 26, 18, 0),
            evaluation_ends_at=local(CDMX, 2026, 8, 1, 12, 0),
            demo_day_at=local(CDMX, 2026, 8, 10, 12, 0),
            decision_at=local(CDMX, 2026, 8, 20, 12, 0),
            delivery_at=local(CDMX, 2027, 1, 20, 12, 0),
        )
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    return challenge, official


def amend(challenge, official, when, **changes):
    with time_machine.travel(when, tick=False):
        return challenge_amend(
            challenge=challenge,
            actor=official,
            reason="Se precisa el alcance.",
            changes=changes or {"summary": f"Resumen corregido {when.isoformat()}"},
        )


@pytest.mark.parametrize(
    ("day", "left", "raised"),
    [
        (18, 6, False),  # Thursday 18: six business days left (19, 22, 23, 24, 25... 26)
        (19, 5, True),  # Friday 19: exactly RETOS_LATE_AMENDMENT_BUSINESS_DAYS left
    ],
)
def test_an_amendment_with_the_late_window_left_or_less_is_late(amendable, day, left, raised):
    challenge, official = amendable
    amend(challenge, official, local(CDMX, 2026, 6, day, 12, 0))
    with time_machine.travel(local(CDMX, 2026, 6, 22, 12, 0), tick=False):
        assert (states(challenge)[LATE_AMENDMENT] == RAISED) is raised
        if raised:
            assert f"with {left} business days left" in flag(challenge, LATE_AMENDMENT).detail


def test_with_fewer_days_left_the_platform_requires_an_extension_which_is_flagged(amendable):
    challenge, official = amendable
    when = local(CDMX, 2026, 6, 22, 12, 0)  # Monday 22: four business days left
    with pytest.raises(DomainError):
        amend(challenge, official, when)
    amend(
        challenge,
        official,
        when,
        submissions_close_at=local(CDMX, 2026, 7, 3, 18, 0),
    )
    with time_machine.travel(when, tick=False):
        assert states(challenge)[LATE_AMENDMENT] == RAISED
        assert "amendment 1 extended the deadline" in flag(challenge, LATE_AMENDMENT).detail


def test_an_early_extension_is_flagged_too(amendable):
    challenge, official = amendable
    amend(
        challenge,
        official,
        local(CDMX, 2026, 6, 3, 12, 0),
        submissions_close_at=local(CDMX, 2026, 7, 3, 18, 0),
    )
    with time_machine.travel(local(CDMX, 2026, 6, 4, 12, 0), tick=False):
        assert states(challenge)[LATE_AMENDMENT] == RAISED


def test_no_amendment_and_early_amendments_raise_nothing(amendable):
    challenge, official = amendable
    with time_machine.travel(local(CDMX, 2026, 6, 2, 12, 0), tick=False):
        assert states(challenge)[LATE_AMENDMENT] == flags.CLEAR
    amend(challenge, official, local(CDMX, 2026, 6, 3, 12, 0))
    amend(challenge, official, local(CDMX, 2026, 6, 10, 12, 0))
    with time_machine.travel(local(CDMX, 2026, 6, 11, 12, 0), tick=False):
        assert states(challenge)[LATE_AMENDMENT] == flags.CLEAR
        assert "2 amendments, none late" in flag(challenge, LATE_AMENDMENT).detail


def test_each_amendment_is_measured_against_the_deadline_in_force_when_it_was_published():
    """Amendment 1 (five days left before the first deadline) stays late after amendment 2
    moved the deadline far away; amendment 3, early against the new deadline, is not."""
    first = local(CDMX, 2026, 6, 26, 18, 0)
    second = local(CDMX, 2026, 8, 28, 18, 0)
    amendments = [
        AmendmentFacts(1, local(CDMX, 2026, 6, 19, 12, 0)),
        AmendmentFacts(2, local(CDMX, 2026, 6, 22, 12, 0), first, second),
        AmendmentFacts(3, local(CDMX, 2026, 6, 23, 12, 0)),
    ]
    late = flags.late_amendments(amendments, second, "America/Mexico_City")
    assert [(a.number, a.days_left, a.extended) for a in late] == [(1, 5, False), (2, 4, True)]


def test_an_amendment_after_the_deadline_in_force_has_no_days_left():
    deadline = local(CDMX, 2026, 6, 26, 18, 0)
    late = flags.late_amendments(
        [AmendmentFacts(1, local(CDMX, 2026, 6, 29, 12, 0))], deadline, "America/Mexico_City"
    )
    assert [(a.number, a.days_left) for a in late] == [(1, 0)]


@override_settings(RETOS_LATE_AMENDMENT_BUSINESS_DAYS=3)
def test_the_late_window_follows_the_setting():
    deadline = local(CDMX, 2026, 6, 26, 18, 0)
    four_left = AmendmentFacts(1, local(CDMX, 2026, 6, 22, 12, 0))
    three_left = AmendmentFacts(2, local(CDMX, 2026, 6, 23, 12, 0))
    late = flags.late_amendments([four_left, three_left], deadline, "America/Mexico_City")
    assert [a.number for a in late] == [2]


# --- Award at exactly the budget ------------------------------------------------------------


@pytest.mark.parametrize(
    ("difference", "raised"),
    [(Decimal("-0.01"), False), (Decimal("0.00"), True)],
)
def test_an_award_at_the_contract_amount_to_the_cent_is_flagged(difference, raised):
    s = contract_helpers.decided()
    assert states(s.challenge)[AWARD_AT_BUDGET] == PENDING
    amount = s.challenge.amount + difference
    contract_services.award_record(
        challenge=s.challenge,
        actor=s.approver,
        **contract_helpers.contract_data(s.challenge, amount=amount),
    )
    assert (states(s.challenge)[AWARD_AT_BUDGET] == RAISED) is raised


def test_an_award_above_the_amount_is_refused_and_would_be_flagged():
    s = contract_helpers.decided()
    above = s.challenge.amount + Decimal("0.01")
    with pytest.raises(DomainError):
        contract_services.award_record(
            challenge=s.challenge,
            actor=s.approver,
            **contract_helpers.contract_data(s.challenge, amount=above),
        )
    contract_services.award_record(
        challenge=s.challenge,
        actor=s.approver,
        **contract_helpers.contract_data(s.challenge, amount=s.challenge.amount),
    )
    # Only a row written outside the services could be above; it would still be flagged.
    Award.objects.filter(challenge=s.challenge).update(amount=above)
    assert states(s.challenge)[AWARD_AT_BUDGET] == RAISED
    assert "is above the contract amount" in flag(s.challenge, AWARD_AT_BUDGET).detail


# --- Complaints upheld ----------------------------------------------------------------------


def file_complaint(proposal):
    return complaints.complaint_file(
        proposal=proposal,
        actor=complaint_helpers.bidder(proposal),
        grounds="La evaluación no aplicó el criterio publicado.",
    )


def move(complaint, to_status, remedy="", actor=None):
    return complaints.complaint_move(
        complaint=complaint,
        actor=actor or complaint_helpers.approver_of(complaint.challenge),
        to_status=to_status,
        response="Respuesta fundada y motivada.",
        remedy=remedy,
    )


def test_complaints_are_assessed_from_the_decision_and_raise_only_when_upheld():
    challenge, proposals = opened_challenge(3)
    assert states(challenge)[COMPLAINT_UPHELD] == PENDING
    for stage in (Stage.EVALUATION, Stage.FINALISTS, Stage.DECIDED):
        in_stage(challenge, stage)
    complaint_helpers.decision_for(challenge, winner=proposals[0])
    assert states(challenge)[COMPLAINT_UPHELD] == flags.CLEAR
    dismissed = file_complaint(proposals[1])
    move(dismissed, ComplaintStatus.UNDER_REVIEW)
    move(dismissed, ComplaintStatus.DISMISSED)
    withdrawn = file_complaint(proposals[2])
    move(withdrawn, ComplaintStatus.WITHDRAWN, actor=complaint_helpers.bidder(proposals[2]))
    reviewing = file_complaint(proposals[1])
    move(reviewing, ComplaintStatus.UNDER_REVIEW)
    assert states(challenge)[COMPLAINT_UPHELD] == flags.CLEAR
    move(reviewing, ComplaintStatus.UPHELD, remedy="reevaluate")
    assert states(challenge)[COMPLAINT_UPHELD] == RAISED
    assert "1 complaint was upheld" in flag(challenge, COMPLAINT_UPHELD).detail


def test_an_upheld_complaint_that_cancelled_the_challenge_stays_flagged():
    challenge, proposals, _decision = complaint_helpers.decided_challenge(2)
    complaint = file_complaint(proposals[1])
    move(complaint, ComplaintStatus.UNDER_REVIEW)
    move(complaint, ComplaintStatus.UPHELD, remedy="cancel")
    challenge.refresh_from_db()
    assert challenge.stage == Stage.CANCELLED
    assert states(challenge)[COMPLAINT_UPHELD] == RAISED


# --- An evaluator with conflicts on many bidders --------------------------------------------


def panel_with_declarations(bidders: int, conflicts: int, *, role=MemberRole.EXPERT):
    """A challenge in the finalists stage with ``bidders`` proposals and one member who
    declared a conflict with the first ``conflicts`` of them (and one member with none)."""
    challenge = challenge_in(Stage.FINALISTS)
    proposals = [contract_helpers.bidder(challenge)[0] for _ in range(bidders)]
    conflicted = member(challenge, role=role, declared=True)
    clean = member(challenge, declared=True)
    for i, proposal in enumerate(proposals):
        ConflictDeclaration.objects.create(
            member=conflicted,
            proposal=proposal,
            has_conflict=i < conflicts,
            note="Trabajé para esta empresa el año pasado." if i < conflicts else "",
        )
        ConflictDeclaration.objects.create(member=clean, proposal=proposal, has_conflict=False)
    return challenge, proposals


def decide(challenge, proposals, **kwargs):
    in_stage(challenge, Stage.DECIDED)
    return complaint_helpers.decision_for(challenge, winner=proposals[-1], **kwargs)


@pytest.mark.parametrize(
    ("bidders", "conflicts", "raised"),
    [
        (2, 1, False),  # half, but fewer than two
        (3, 1, False),
        (4, 2, True),  # exactly half, and two
        (5, 2, False),  # two, but below half
        (5, 3, True),  # above half
        (3, 3, True),
    ],
)
def test_an_evaluator_with_conflicts_on_at_least_half_and_at_least_two_bidders(
    bidders, conflicts, raised
):
    challenge, proposals = panel_with_declarations(bidders, conflicts)
    decide(challenge, proposals)
    assert (states(challenge)[EVALUATOR_CONFLICTS] == RAISED) is raised
    assert flags.evaluator_conflicted(conflicts, bidders) is raised
    if raised:
        detail = flag(challenge, EVALUATOR_CONFLICTS).detail
        assert f"with {conflicts} of {bidders} bidders" in detail


def test_a_decision_committee_member_counts_against_the_finalists_they_declared_about():
    challenge, proposals = panel_with_declarations(2, 2, role=MemberRole.COMMITTEE)
    decide(challenge, proposals)
    assert states(challenge)[EVALUATOR_CONFLICTS] == RAISED


def test_declarations_stay_sealed_until_the_decision():
    challenge, proposals = panel_with_declarations(4, 4)
    assert states(challenge)[EVALUATOR_CONFLICTS] == PENDING
    counts = {c.indicator.code: c for c in selectors.overview(selectors.Filters()).counts}
    assert counts[EVALUATOR_CONFLICTS].assessed == 0
    assert counts[EVALUATOR_CONFLICTS].raised == 0
    assert selectors.overview(selectors.Filters(), EVALUATOR_CONFLICTS).rows == []
    decide(challenge, proposals)
    assert states(challenge)[EVALUATOR_CONFLICTS] == RAISED


def test_declarations_made_after_the_decision_wait_for_the_next_one():
    """A voided decision's record stays public, but a member who joins after it (on a return
    to evaluation) is private until a new decision publishes their declarations."""
    challenge, proposals = panel_with_declarations(4, 0)
    past = timezone.now() - dt.timedelta(days=3)
    decision = decide(challenge, proposals, published_at=past)
    assert states(challenge)[EVALUATOR_CONFLICTS] == flags.CLEAR
    decision.voided_at = timezone.now() - dt.timedelta(days=2)
    decision.void_reason = "Inconformidad procedente."
    decision.save(update_fields=["voided_at", "void_reason"])
    in_stage(challenge, Stage.EVALUATION)
    late = member(challenge, declared=True)
    for proposal in proposals:
        ConflictDeclaration.objects.create(
            member=late, proposal=proposal, has_conflict=True, note="Socio de la empresa."
        )
    assert states(challenge)[EVALUATOR_CONFLICTS] == flags.CLEAR
    decide(challenge, proposals)
    assert states(challenge)[EVALUATOR_CONFLICTS] == RAISED


# --- The challenge page's reading -----------------------------------------------------------


def test_drafts_and_challenges_in_review_have_no_flags():
    for stage in (Stage.DRAFT, Stage.IN_REVIEW):
        challenge = Challenge.objects.select_related("body").get(pk=challenge_in(stage).pk)
        assert selectors.challenge_flags(challenge) is None


def test_a_challenge_page_passes_its_amendments_and_reads_nothing_before_the_opening(
    django_assert_num_queries,
):
    challenge = Challenge.objects.select_related("body").get(pk=ChallengeFactory().pk)
    with django_assert_num_queries(0):
        result = selectors.challenge_flags(challenge, amendments=[])
    assert [f.state for f in result.flags] == [
        PENDING,
        flags.CLEAR,
        flags.CLEAR,
        PENDING,
        PENDING,
        PENDING,
    ]
    with django_assert_num_queries(1):
        selectors.challenge_flags(challenge)
