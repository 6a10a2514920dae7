"""Load the demo through the services, replaying its history in the order it happened.

Services stamp ``timezone.now()`` and refuse what the calendar forbids (approving a challenge
whose questions deadline has passed, opening one before its deadline, asking a question after
the questions window). So the loader first *plans* every action of every person and challenge
as a dated step, sorts all the steps by date, and then runs each one with the clock moved to its
date (``time_machine``). The ledger therefore reads in the order things happened, and each
service checks its rules against the time it believes it is.

Besides the stages, the replay attaches documents to drafts, has people follow the public
challenges, asks and answers questions, publishes amendments and writes the minutes of the
clarifications (see ``retos.demo.activity``). Followers hear of answers, amendments and stage
changes as the services tell them: in-site notifications, and emails queued as tasks once the
load commits (the worker, ``make worker``, sends them; the demo's addresses are ``.example``).

Companies write, submit, re-submit and withdraw proposals (``retos.demo.proposals``) while each
challenge takes them; after the deadline the body's two opening officers each confirm the
opening act (``opening_confirm``, six minutes apart), and its official decides admissibility.

From there every step goes through its own service, as the transitions' guards require
(``retos.demo.evaluation``): the approver sets the evaluation rules and invites the panel and
the decision committee, the experts answer, one chairs, each declares conflicts of interest and
scores every proposal it is not recused from, the chair corrects a typing error, the approver
confirms the finalists (``finalists_confirm``), the finalists get demo-day slots and send their
demos, and the committee scores them. Then (``retos.demo.outcome``) the approver publishes the
decision (``decision_publish``, or deserted), bidders complain within the window, the award and
the signed contract are recorded (``award_record``), the supplier posts progress and submits
milestones the agency accepts and pays, and the final delivery, with its ``publiccode.yml``, is
accepted (``delivery_review``), which completes the challenge and publishes it in the catalog,
where another body reports reusing it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from itertools import count
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from retos.accounts.models import User
from retos.accounts.services import expert_register, user_sign_up
from retos.challenges.amendments import challenge_amend
from retos.challenges.models import Amendment, Challenge, Criterion
from retos.challenges.services import (
    challenge_create,
    challenge_transition,
    challenge_update_draft,
)
from retos.challenges.stages import Stage
from retos.clarifications.models import Minutes, Question, QuestionStatus
from retos.clarifications.services import (
    minutes_generate,
    question_answer,
    question_ask,
    question_decline,
)
from retos.contracts.models import Award, CatalogEntry, Delivery, Milestone, Payment, Reuse
from retos.contracts.services import (
    award_record,
    delivery_review,
    delivery_submit,
    milestone_accept,
    milestone_progress_post,
    milestone_submit,
    payment_record,
    reuse_report,
)
from retos.core.formatting import format_mxn
from retos.core.timezones import MexicanTimeZone
from retos.decisions.complaints import complaint_file, complaint_move
from retos.decisions.models import Complaint, Decision, Demo
from retos.decisions.services import decision_publish, demo_slot_schedule, demo_submit
from retos.demo import data, outcome
from retos.demo import evaluation as panels
from retos.demo import proposals as bids
from retos.demo.activity import DocumentSpec
from retos.demo.documents import document_pdf
from retos.demo.hashers import DemoArgon2PasswordHasher
from retos.demo.timeline import (
    COMPLAINT_BUSINESS_DAYS,
    PlannedAmendment,
    PlannedQuestion,
    Timeline,
    build_timeline,
    company_person,
    signed_up_day,
)
from retos.documents.models import ChallengeDocument
from retos.documents.services import challenge_document_add
from retos.evaluation.finalists import finalists_confirm
from retos.evaluation.models import (
    ConflictDeclaration,
    FinalistSelection,
    MemberRole,
    MemberStatus,
    PanelMember,
    Round,
    Score,
)
from retos.evaluation.ranking import challenge_ranking
from retos.evaluation.services import (
    conflicts_declare,
    evaluation_settings_update,
    panel_invite,
    panel_respond,
    panel_set_chair,
    score_correct,
    scores_record,
)
from retos.ledger.models import Event
from retos.notifications.models import EmailDelivery, Follow, Notification
from retos.notifications.services import challenge_follow
from retos.organizations.mexico import SmeSize
from retos.organizations.models import Level, Membership, Organization, Role, State
from retos.organizations.services import (
    company_register,
    government_body_register,
    membership_grant,
    organization_verify,
)
from retos.proposals.models import OpeningAct, Proposal, ProposalVersion, Status
from retos.proposals.services import (
    opening_confirm,
    proposal_admissibility_set,
    proposal_attach,
    proposal_save,
    proposal_start,
    proposal_submit,
    proposal_withdraw,
)

CENTRAL = ZoneInfo(MexicanTimeZone.CENTRO)

# Transitions made by their own services, planned by ``retos.demo.evaluation`` (the finalists)
# and ``retos.demo.outcome`` (the decision, the award, the accepted delivery).
DEDICATED = {"confirm_finalists", "decide", "declare_deserted", "award", "complete"}

# Who, in the owning body, makes each move of a challenge. "staff" is the platform staff and
# None the system (time alone closes a challenge; the tidy-up job records it).
ACTORS = {
    "create": Role.OFFICIAL,
    "update_draft": Role.OFFICIAL,
    "submit_for_review": Role.APPROVER,
    "request_changes": "staff",
    "approve": "staff",
    "close": None,
    "open": Role.OPENING_OFFICER,
    "start_evaluation": Role.APPROVER,
    "confirm_finalists": Role.APPROVER,
    "decide": Role.APPROVER,
    "award": Role.APPROVER,
    "reopen_evaluation": Role.APPROVER,
    "start_implementation": Role.OFFICIAL,
    "complete": Role.APPROVER,
    "cancel": Role.APPROVER,
    "declare_deserted": Role.APPROVER,
}


def _light_password_hashing():
    """Hash the demo's passwords with light Argon2 parameters when Argon2 is the default."""
    if get_hasher().algorithm != DemoArgon2PasswordHasher.algorithm:
        # Another default (tests use MD5) is already fast; leave it alone.
        return nullcontext()
    return override_settings(
        PASSWORD_HASHERS=["retos.demo.hashers.DemoArgon2PasswordHasher", *settings.PASSWORD_HASHERS]
    )


@contextmanager
def _quiet_weasyprint():
    """Keep WeasyPrint's page-by-page progress (logged at INFO) out of the command's output."""
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)
    try:
        yield
    finally:
        progress.setLevel(level)


class DemoError(RuntimeError):
    """The demo cannot be loaded: time-machine is missing, or its own data or calendar is
    inconsistent (a bug in ``retos.demo``)."""


@dataclass(order=True)
class Step:
    when: datetime
    #: Planning order, so that steps at the same instant keep the order they were planned in.
    order: int
    label: str = field(compare=False)
    run: Callable[[], object] = field(compare=False, repr=False)


class DemoLoader:
    def __init__(self, now: datetime | None = None):
        self.now = now or timezone.now()
        self.today: date = self.now.astimezone(CENTRAL).date()
        self.steps: list[Step] = []
        self._order = count()
        self.users: dict[str, User] = {}
        self.orgs: dict[str, Organization] = {}
        self.challenges: dict[str, Challenge] = {}
        self.states: dict[str, State] = {}
        self.bodies = {b.key: b for b in data.BODIES}
        self.questions: dict[tuple[str, int], Question] = {}
        self.proposals: dict[tuple[str, str], Proposal] = {}
        self.timelines: dict[str, Timeline] = {}
        # Panel members and their invitation secrets, by (challenge key, expert key or
        # ``panels.OFFICIAL``); complaints by (challenge key, index in ``outcome.COMPLAINTS``).
        self.members: dict[tuple[str, str], PanelMember] = {}
        self.tokens: dict[tuple[str, str], str] = {}
        self.complaints: dict[tuple[str, int], Complaint] = {}

    # -- planning ------------------------------------------------------------------------------

    def at(self, day: int, hour: int, minute: int = 0) -> datetime:
        """``day`` days from the load date, at ``hour``:``minute`` central time."""
        return datetime.combine(
            self.today + timedelta(days=day), time(hour, minute), tzinfo=CENTRAL
        )

    def add(self, when: datetime, label: str, fn: Callable, /, **kwargs) -> None:
        self.steps.append(Step(when, next(self._order), label, partial(fn, **kwargs)))

    def plan(self) -> None:
        self.add(self.at(-520, 9), "staff signs up", self._staff_sign_up)
        signed_up = signed_up_day()
        for expert in data.EXPERTS:
            day = signed_up[expert.email]
            self.add(
                self.at(day, 10),
                f"{expert.email} signs up",
                self._sign_up,
                email=expert.email,
                full_name=expert.full_name,
            )
            self.add(
                self.at(day + 1, 12),
                f"{expert.email} becomes expert",
                self._expert,
                spec=expert,
            )
        for body in data.BODIES:
            self._plan_body(body)
        for company in data.COMPANIES:
            self._plan_company(company)
        for challenge in data.CHALLENGES:
            self._plan_challenge(challenge)

    def _plan_body(self, body: data.BodySpec) -> None:
        d = body.registered_day
        for i, person in enumerate(body.people):
            self.add(
                self.at(d, 9, 5 * i),
                f"{person.email} signs up",
                self._sign_up,
                email=person.email,
                full_name=person.full_name,
            )
        self.add(self.at(d, 10), f"{body.key} registers", self._register_body, spec=body)
        for i, person in enumerate(body.people):
            for role in person.roles:
                self.add(
                    self.at(d, 10, 10 + 5 * i),
                    f"{person.email} becomes {role}",
                    self._grant,
                    org_key=body.key,
                    admin=body.people[0].email,
                    email=person.email,
                    role=role,
                )
        if body.verified:
            # Verified the same day: only verified bodies may start a challenge.
            self.add(self.at(d, 12), f"{body.key} verified", self._verify, org_key=body.key)

    def _plan_company(self, company: data.CompanySpec) -> None:
        d = company.registered_day
        self.add(
            self.at(d, 16),
            f"{company.admin_email} signs up",
            self._sign_up,
            email=company.admin_email,
            full_name=company.admin_name,
        )
        self.add(
            self.at(d, 16, 20), f"{company.rfc} registers", self._register_company, spec=company
        )
        if company.member_name:
            self.add(
                self.at(d + 1, 9),
                f"{company.member_email} signs up",
                self._sign_up,
                email=company.member_email,
                full_name=company.member_name,
            )
            self.add(
                self.at(d + 1, 9, 30),
                f"{company.member_email} joins",
                self._grant,
                org_key=company.rfc,
                admin=company.admin_email,
                email=company.member_email,
                role=Role.MEMBER,
            )
        if company.verified:
            self.add(
                self.at(d + 3, 11), f"{company.rfc} verified", self._verify, org_key=company.rfc
            )

    def _plan_challenge(self, spec: data.ChallengeSpec) -> None:
        body = self.bodies[spec.body]
        timeline = build_timeline(spec, self.today, body.time_zone)
        for when, action in timeline.steps:
            if action == "create":
                self.add(
                    when,
                    f"{spec.key}: create",
                    self._create_challenge,
                    spec=spec,
                    dates=timeline.initial_dates,
                )
            elif action == "update_draft":
                self.add(when, f"{spec.key}: update draft", self._update_draft, spec=spec)
            elif action == "open":
                # The opening act: two distinct opening officers of the body confirm it.
                first, second = self._openers(spec)
                self.add(when, f"{spec.key}: open (1st)", self._open, spec=spec, email=first)
                self.add(
                    when + bids.SECOND_OFFICER_AFTER,
                    f"{spec.key}: open (2nd)",
                    self._open,
                    spec=spec,
                    email=second,
                )
            elif action in DEDICATED:
                continue  # made by its own service (``retos.demo.evaluation`` and ``outcome``)
            else:
                self.add(when, f"{spec.key}: {action}", self._transition, spec=spec, action=action)
        for when, document in timeline.documents:
            self.add(
                when,
                f"{spec.key}: document {document.file_name}",
                self._add_document,
                spec=spec,
                document=document,
                dates=timeline.initial_dates,
            )
        for when, email in timeline.follows:
            self.add(when, f"{spec.key}: {email} follows", self._follow, spec=spec, email=email)
        for question in timeline.questions:
            self.add(
                question.asked_at,
                f"{spec.key}: question {question.number} asked",
                self._ask,
                spec=spec,
                planned=question,
            )
            if question.resolved_at is not None:
                self.add(
                    question.resolved_at,
                    f"{spec.key}: question {question.number} resolved",
                    self._resolve,
                    spec=spec,
                    planned=question,
                )
        for i, amendment in enumerate(timeline.amendments, start=1):
            self.add(
                amendment.when,
                f"{spec.key}: amendment {i}",
                self._amend,
                spec=spec,
                planned=amendment,
            )
        if timeline.minutes_at is not None:
            self.add(timeline.minutes_at, f"{spec.key}: minutes", self._minutes, spec=spec)
        for step in bids.plan_bids(spec, timeline, self.today, body.time_zone):
            self.add(
                step.when,
                f"{spec.key}: {step.bid.company} {step.action}",
                self._bid,
                spec=spec,
                step=step,
            )
        self.timelines[spec.key] = timeline
        for step in panels.plan_evaluation(spec, timeline, self.today, body.time_zone):
            label = " ".join(p for p in (step.action, step.who, step.company) if p)
            self.add(step.when, f"{spec.key}: {label}", self._evaluate, spec=spec, step=step)
        for step in outcome.plan_outcome(spec, timeline, self.today, body.time_zone):
            label = " ".join(str(p) for p in (step.action, step.company, step.number) if p)
            self.add(step.when, f"{spec.key}: {label}", self._outcome, spec=spec, step=step)

    # -- running -------------------------------------------------------------------------------

    def run(self) -> None:
        """Run every planned step at its date. Call inside a transaction."""
        try:
            import time_machine
        except ImportError as exc:
            raise DemoError(
                "The demo needs the development dependency time-machine to replay its history "
                "at past dates. Install it with: .venv/bin/pip install -r requirements-dev.lock"
            ) from exc

        self.states = {s.code: s for s in State.objects.all()}
        with _light_password_hashing(), _quiet_weasyprint():
            for step in sorted(self.steps):
                if step.when >= self.now:
                    raise DemoError(f"step {step.label!r} is planned in the future ({step.when})")
                with time_machine.travel(step.when, tick=False):
                    try:
                        step.run()
                    except Exception as exc:
                        exc.add_note(f"while running the demo step {step.label!r} ({step.when})")
                        raise
        self._check_stages()

    def load(self) -> None:
        self.plan()
        self.run()

    def _check_stages(self) -> None:
        for spec in data.CHALLENGES:
            challenge = Challenge.objects.get(pk=self.challenges[spec.key].pk)
            stage = challenge.current_stage_at(self.now)
            if stage != spec.target:
                raise DemoError(f"{spec.key} ended in stage {stage}, not {spec.target}")

    # -- the actions of the steps --------------------------------------------------------------

    def _sign_up(self, *, email: str, full_name: str) -> None:
        self.users[email] = user_sign_up(
            email=email,
            full_name=full_name,
            password=data.DEMO_PASSWORD,
            preferred_language="es-mx",
        )

    def _staff_sign_up(self) -> None:
        self._sign_up(email=data.STAFF_EMAIL, full_name=data.STAFF_NAME)
        staff = self.users[data.STAFF_EMAIL]
        # No service makes platform staff (someone must be first), as with createsuperuser.
        staff.is_platform_staff = True
        staff.is_staff = True
        staff.save(update_fields=["is_platform_staff", "is_staff"])

    @property
    def staff(self) -> User:
        return self.users[data.STAFF_EMAIL]

    def _expert(self, *, spec: data.ExpertSpec) -> None:
        expert_register(user=self.users[spec.email], areas=list(spec.areas), actor=self.staff)

    def _register_body(self, *, spec: data.BodySpec) -> None:
        self.orgs[spec.key] = government_body_register(
            actor=self.users[spec.people[0].email],
            name=spec.name,
            acronym=spec.acronym,
            level=spec.level,
            state=self.states[spec.state_code] if spec.state_code else None,
            municipality_name=spec.municipality_name,
            municipality_code=spec.municipality_code,
            time_zone=spec.time_zone,
            website=spec.website,
            description=spec.description,
        )

    def _register_company(self, *, spec: data.CompanySpec) -> None:
        self.orgs[spec.rfc] = company_register(
            actor=self.users[spec.admin_email],
            name=spec.name,
            rfc=spec.rfc,
            sector=spec.sector,
            workers=spec.workers,
            annual_sales=spec.annual_sales,
            state=self.states[spec.state_code],
            description=spec.description,
            # The person who runs the company signs for it and makes both sworn declarations.
            legal_representative_name=spec.admin_name,
            legal_representative_title="Dirección general",
            declares_sme=True,
            declares_no_conflict=True,
        )

    def _grant(self, *, org_key: str, admin: str, email: str, role: str) -> None:
        membership_grant(
            organization=self.orgs[org_key],
            actor=self.users[admin],
            user=self.users[email],
            role=role,
        )

    def _verify(self, *, org_key: str) -> None:
        self.orgs[org_key] = organization_verify(organization=self.orgs[org_key], actor=self.staff)

    def _body_person(self, body_key: str, role: str) -> User:
        person = next(p for p in self.bodies[body_key].people if role in p.roles)
        return self.users[person.email]

    def _actor(self, spec: data.ChallengeSpec, action: str) -> User | None:
        role = ACTORS[action]
        if role is None:
            return None
        if role == "staff":
            return self.staff
        return self._body_person(spec.body, role)

    def _create_challenge(self, *, spec: data.ChallengeSpec, dates: dict) -> None:
        self.challenges[spec.key] = challenge_create(
            actor=self._actor(spec, "create"),
            body=self.orgs[spec.body],
            criteria=spec.criteria_payload,
            **spec.fields,
            **dates,
        )

    def _update_draft(self, *, spec: data.ChallengeSpec) -> None:
        challenge_update_draft(
            challenge=self.challenges[spec.key],
            actor=self._actor(spec, "update_draft"),
            **spec.draft_update,
        )

    def _transition(self, *, spec: data.ChallengeSpec, action: str) -> None:
        challenge_transition(
            challenge=self.challenges[spec.key],
            actor=self._actor(spec, action),
            name=action,
            reason=spec.reason,
        )

    def _person(self, email: str) -> User:
        """The user, without the roles and companies cached on the object by earlier steps
        (a step may have changed them since)."""
        user = self.users[email]
        user.__dict__.pop("_retos_roles", None)
        user.__dict__.pop("_retos_companies", None)
        return user

    def _official(self, spec: data.ChallengeSpec) -> User:
        person = next(p for p in self.bodies[spec.body].people if Role.OFFICIAL in p.roles)
        return self._person(person.email)

    def _add_document(
        self, *, spec: data.ChallengeSpec, document: DocumentSpec, dates: dict
    ) -> None:
        pdf = document_pdf(spec, self.bodies[spec.body], document, dates)
        challenge_document_add(
            challenge=self.challenges[spec.key],
            actor=self._official(spec),
            file=SimpleUploadedFile(document.file_name, pdf, content_type="application/pdf"),
            title=document.title,
        )

    def _follow(self, *, spec: data.ChallengeSpec, email: str) -> None:
        challenge_follow(challenge=self.challenges[spec.key], user=self._person(email))

    def _ask(self, *, spec: data.ChallengeSpec, planned: PlannedQuestion) -> None:
        company, _email = company_person(planned.spec.company)
        question = question_ask(
            challenge=self.challenges[spec.key],
            actor=self._person(planned.email),
            text=planned.spec.text,
            section=planned.spec.section,
            company=self.orgs[company.rfc],
        )
        if question.number != planned.number:
            raise DemoError(
                f"{spec.key}: question {planned.number} was numbered {question.number}; "
                "the questions are planned out of order"
            )
        self.questions[spec.key, planned.number] = question

    def _resolve(self, *, spec: data.ChallengeSpec, planned: PlannedQuestion) -> None:
        question = self.questions[spec.key, planned.number]
        if planned.spec.declined:
            question_decline(
                question=question, actor=self._official(spec), reason=planned.spec.declined
            )
        else:
            question_answer(
                question=question, actor=self._official(spec), answer=planned.spec.answer
            )

    def _amend(self, *, spec: data.ChallengeSpec, planned: PlannedAmendment) -> None:
        changes: dict = dict(planned.spec.changes)
        if planned.new_deadline is not None:
            changes["submissions_close_at"] = planned.new_deadline
        challenge_amend(
            challenge=self.challenges[spec.key],
            actor=self._official(spec),
            reason=planned.spec.reason,
            changes=changes,
        )

    def _minutes(self, *, spec: data.ChallengeSpec) -> None:
        # Written by the scheduled job (no actor) once the questions window closed.
        minutes_generate(challenge=self.challenges[spec.key], actor=None)

    def _openers(self, spec: data.ChallengeSpec) -> tuple[str, str]:
        officers = [
            p.email for p in self.bodies[spec.body].people if Role.OPENING_OFFICER in p.roles
        ]
        if len(officers) < 2:
            raise DemoError(f"{spec.body} needs two opening officers to open {spec.key}")
        return officers[0], officers[1]

    def _open(self, *, spec: data.ChallengeSpec, email: str) -> None:
        opening_confirm(challenge=self.challenges[spec.key], actor=self._person(email))

    def _bid(self, *, spec: data.ChallengeSpec, step: bids.BidStep) -> None:
        bid = step.bid
        company = bids.company_spec(bid.company)
        key = (spec.key, bid.company)
        actor = self._person(step.email)
        if step.action == "write":
            challenge = Challenge.objects.get(pk=self.challenges[spec.key].pk)
            proposal = proposal_start(
                challenge=challenge, company=self.orgs[company.rfc], actor=actor
            )
            content = bids.sections(spec, bid)
            proposal_save(proposal=proposal, actor=actor, changes=content)
            name = bids.attachment_name(bid)
            proposal_attach(
                proposal=proposal,
                actor=actor,
                file=SimpleUploadedFile(
                    name, bids.attachment_pdf(spec, bid, content), content_type="application/pdf"
                ),
                name=name,
            )
            self.proposals[key] = proposal
            return
        proposal = Proposal.objects.select_related("challenge__body", "company").get(
            pk=self.proposals[key].pk
        )
        if step.action == "submit":
            proposal_submit(proposal=proposal, actor=actor)
        elif step.action == "resubmit":
            # A second version: the price and plan revised (after an amendment: re-confirmed).
            proposal_save(
                proposal=proposal, actor=actor, changes=bids.sections(spec, bid, version=2)
            )
            proposal_submit(proposal=proposal, actor=actor)
        elif step.action == "withdraw":
            proposal_withdraw(proposal=proposal, actor=actor)
        elif step.action == "admissibility":
            proposal_admissibility_set(
                proposal=proposal,
                actor=self._official(spec),
                admissible=bool(bid.admissible),
                reason=bid.reason,
            )
        else:
            raise DemoError(f"unknown proposal step {step.action!r}")

    # -- from the panel to the catalog ---------------------------------------------------------

    def _challenge(self, key: str) -> Challenge:
        """A fresh copy (services cache settings and annotations on the instance)."""
        return Challenge.objects.select_related("body").get(pk=self.challenges[key].pk)

    def _proposal(self, key: str, company: str) -> Proposal:
        return Proposal.objects.select_related("challenge__body", "company").get(
            pk=self.proposals[key, company].pk
        )

    def _approver(self, spec: data.ChallengeSpec) -> User:
        return self._person(self._body_person(spec.body, Role.APPROVER).email)

    def _criteria(self, key: str) -> list[Criterion]:
        return list(
            Criterion.objects.filter(challenge=self.challenges[key]).order_by("position", "id")
        )

    def _member(self, key: str, who: str) -> PanelMember:
        return PanelMember.objects.select_related("challenge__body").get(
            pk=self.members[key, who].pk
        )

    def _evaluate(self, *, spec: data.ChallengeSpec, step: panels.EvalStep) -> None:
        key = spec.key
        panel = panels.PANELS.get(key)
        action = step.action
        if action == "settings":
            fields = {
                "demo_deadline": self.timelines[key].moments["demo_deadline"],
                "complaint_business_days": COMPLAINT_BUSINESS_DAYS,
            }
            if panel is not None:
                fields |= {
                    "blind_first_round": panel.blind,
                    "method": panel.method,
                    "minimum_score": panel.minimum,
                }
            evaluation_settings_update(
                challenge=self._challenge(key), actor=self._approver(spec), **fields
            )
        elif action == "invite":
            expert = step.role == MemberRole.EXPERT
            member, token = panel_invite(
                challenge=self._challenge(key),
                actor=self._approver(spec),
                email=panels.person_email(spec, step.who),
                full_name=panels.person_name(spec, step.who),
                areas=panels.panel_areas(spec, step.who) if expert else [],
                role=step.role,
            )
            self.members[key, step.who] = member
            self.tokens[key, step.who] = token
        elif action == "respond":
            self.members[key, step.who] = panel_respond(
                member=self._member(key, step.who),
                actor=self._person(panels.person_email(spec, step.who)),
                token=self.tokens[key, step.who],
                accept=step.accept,
                reason=step.reason,
            )
        elif action == "chair":
            panel_set_chair(member=self._member(key, step.who), actor=self._approver(spec))
        elif action == "conflicts":
            companies = (
                panels.finalists(key)
                if step.role == MemberRole.COMMITTEE
                else [bid.company for bid in panels.counted_bids(key)]
            )
            declared = panels.declarations(key, step.who, companies)
            conflicts_declare(
                member=self._member(key, step.who),
                actor=self._person(panels.person_email(spec, step.who)),
                declarations={
                    self.proposals[key, company].pk: answer for company, answer in declared.items()
                },
            )
        elif action in ("score", "draft"):
            criteria = self._criteria(key)
            if action == "draft":
                # Half-way: the first criteria scored, the rest still blank.
                criteria = criteria[: max(1, len(criteria) // 2)]
            scores_record(
                member=self._member(key, step.who),
                proposal=self._proposal(key, step.company),
                actor=self._person(panels.person_email(spec, step.who)),
                entries={
                    c.pk: (
                        panels.typed_value(key, step.who, step.company, i),
                        panels.justification(key, step.who, step.company, i),
                    )
                    for i, c in enumerate(criteria)
                },
                submit=action == "score",
            )
        elif action == "correct":
            fix = panel.correction
            criterion = self._criteria(key)[fix.criterion]
            score = Score.objects.get(
                member=self.members[key, fix.expert],
                proposal=self.proposals[key, fix.company],
                criterion=criterion,
                round=Round.PROPOSALS,
                corrects__isnull=True,
            )
            score_correct(
                score=score,
                value=panels.score_value(key, fix.expert, fix.company, fix.criterion),
                justification=panels.justification(key, fix.expert, fix.company, fix.criterion),
                reason=fix.reason,
                actor=self._person(panels.person_email(spec, step.who)),
            )
        elif action == "finalists":
            self._confirm_finalists(spec)
        elif action == "demo_slot":
            demo_slot_schedule(
                proposal=self._proposal(key, step.company),
                actor=self._official(spec),
                starts_at=step.starts_at,
                ends_at=step.ends_at,
                location=panels.demo_location(spec),
            )
        elif action == "demo":
            demo_submit(
                proposal=self._proposal(key, step.company),
                actor=self._person(panels.person_email(spec, step.company)),
                **panels.demo_urls(key, step.company, step.number),
            )
        elif action == "demo_score":
            scores_record(
                member=self._member(key, step.who),
                proposal=self._proposal(key, step.company),
                actor=self._person(panels.person_email(spec, step.who)),
                entries={
                    c.pk: (
                        panels.demo_value(key, step.who, step.company, i),
                        panels.demo_justification(key, step.who, step.company, i),
                    )
                    for i, c in enumerate(self._criteria(key))
                },
                submit=True,
                round=Round.DEMOS,
            )
        else:
            raise DemoError(f"unknown evaluation step {action!r}")

    def _confirm_finalists(self, spec: data.ChallengeSpec) -> None:
        key = spec.key
        challenge = self._challenge(key)
        ids = {company: self.proposals[key, company].pk for company in panels.PANELS[key].quality}
        proposed = challenge_ranking(challenge).proposed
        expected = [ids[c] for c in panels.proposed_finalists(key)]
        if proposed != expected:
            names = {pk: company for company, pk in ids.items()}
            raise DemoError(
                f"{key}: the ranking proposes {[names.get(p) for p in proposed]} as finalists, "
                f"not {panels.proposed_finalists(key)}: the demo's scores need adjusting"
            )
        confirmed = [ids[c] for c in panels.finalists(key)]
        finalists_confirm(
            challenge=challenge,
            actor=self._approver(spec),
            confirmed=confirmed,
            justification=panels.PANELS[key].deviation if confirmed != proposed else "",
        )

    def _outcome(self, *, spec: data.ChallengeSpec, step: outcome.OutcomeStep) -> None:
        key = spec.key
        action = step.action
        moment = timezone.now().astimezone(ZoneInfo(self.bodies[spec.body].time_zone))
        if action in ("decide", "deserted"):
            decided = outcome.DECISIONS[key]
            winner = self._proposal(key, step.company) if action == "decide" else None
            justification = (
                decided.justification.format(
                    winner=winner.company.name,
                    price=format_mxn(outcome.award_amount(key)),
                )
                if winner
                else spec.reason
            )
            decision_publish(
                challenge=self._challenge(key),
                actor=self._approver(spec),
                winner=winner,
                justification=justification,
                reasons={
                    self.proposals[key, company].pk: reason
                    for company, reason in decided.reasons.items()
                },
            )
        elif action == "complaint_file":
            complaint = outcome.COMPLAINTS[key][step.number]
            self.complaints[key, step.number] = complaint_file(
                proposal=self._proposal(key, complaint.company),
                actor=self._person(panels.person_email(spec, complaint.company)),
                grounds=complaint.grounds,
                evidence=[
                    (
                        SimpleUploadedFile(
                            e.file_name, outcome.evidence_pdf(e), content_type="application/pdf"
                        ),
                        e.confidential,
                    )
                    for e in complaint.evidence
                ],
            )
        elif action == "complaint_move":
            move = next(
                m for m in outcome.COMPLAINTS[key][step.number].moves if m.status == step.status
            )
            complaint_move(
                complaint=Complaint.objects.get(pk=self.complaints[key, step.number].pk),
                actor=self._approver(spec),
                to_status=step.status,
                response=move.response,
            )
        elif action == "award":
            self._award(spec, moment.date())
        elif action == "reuse":
            body = self.bodies[step.body]
            official = next(p for p in body.people if Role.OFFICIAL in p.roles)
            reuse_report(
                entry=CatalogEntry.objects.get(challenge=self.challenges[key]),
                body=self.orgs[step.body],
                actor=self._person(official.email),
                note=step.text,
            )
        elif action in ("delivery_submit", "delivery_review"):
            self._deliver(spec, step, moment.date())
        else:
            self._milestone(spec, step, moment.date())

    def _award(self, spec: data.ChallengeSpec, today: date) -> None:
        key = spec.key
        zone = ZoneInfo(self.bodies[spec.body].time_zone)
        moments = self.timelines[key].moments
        starts_on = moments["contract_start"].astimezone(zone).date()
        ends_on = moments["delivery"].astimezone(zone).date()
        number = outcome.contract_number(key, today)
        pdf = outcome.contract_pdf(
            key, number=number, signed_on=today, starts_on=starts_on, ends_on=ends_on
        )
        award_record(
            challenge=self._challenge(key),
            actor=self._approver(spec),
            amount=outcome.award_amount(key),
            awarded_on=today,
            contract={
                "number": number,
                "signed_on": today,
                "document": SimpleUploadedFile(
                    f"contrato-{number.replace('/', '-').lower()}-firmado.pdf",
                    pdf,
                    content_type="application/pdf",
                ),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "milestones": outcome.milestones(key, starts_on, ends_on),
            },
        )

    def _milestone(self, spec: data.ChallengeSpec, step: outcome.OutcomeStep, today: date) -> None:
        key = spec.key
        milestone = Milestone.objects.get(
            contract__award__challenge=self.challenges[key], number=step.number
        )
        supplier = self._person(panels.person_email(spec, outcome.winner(key)))
        if step.action == "progress":
            milestone_progress_post(
                milestone=milestone,
                actor=supplier,
                progress=step.progress,
                note=step.text,
                link=outcome.repository_url(key),
            )
        elif step.action == "milestone_submit":
            milestone_submit(milestone=milestone, actor=supplier)
        elif step.action == "milestone_accept":
            milestone_accept(
                milestone=milestone,
                actor=self._official(spec),
                note="Entregables revisados por el área usuaria; se aceptan sin observaciones.",
            )
        elif step.action == "payment":
            body = self.bodies[spec.body]
            payment_record(
                milestone=milestone,
                actor=self._official(spec),
                amount=milestone.amount,
                paid_on=today,
                reference=(
                    f"SPEI {today:%Y%m%d}-{body.acronym or body.key.upper()}-"
                    f"{milestone.contract_id:03d}{milestone.number:02d}"
                ),
            )
        else:
            raise DemoError(f"unknown outcome step {step.action!r}")

    def _deliver(self, spec: data.ChallengeSpec, step: outcome.OutcomeStep, today: date) -> None:
        key = spec.key
        if step.action == "delivery_submit":
            delivery_submit(
                challenge=self._challenge(key),
                actor=self._person(panels.person_email(spec, outcome.winner(key))),
                repository_url=outcome.repository_url(key),
                licence=outcome.delivery_licence(key),
                publiccode_yml=outcome.publiccode_yml(key, today, number=step.number),
                notes=(
                    "Entrega final: código con su historial completo, manuales de instalación "
                    "y de operación, resultados del piloto y publiccode.yml."
                ),
            )
            return
        delivery_review(
            delivery=Delivery.objects.get(challenge=self.challenges[key], number=step.number),
            actor=self._approver(spec),
            accept=step.accept,
            note=step.text,
        )


# ---------------------------------------------------------------------------------------------
# What the command prints.


def summary_lines(now: datetime | None = None) -> list[str]:
    """Counts per model and challenges per stage, as of ``now``."""
    now = now or timezone.now()
    users = User.objects.all()
    bodies = Organization.objects.government()
    companies = list(Organization.objects.companies())
    levels = dict(bodies.order_by().values_list("level").annotate(n=Count("id")))
    sizes = dict.fromkeys(SmeSize, 0)
    for company in companies:
        sizes[company.sme_size] += 1
    events = Event.objects.all()
    questions = dict(Question.objects.order_by().values_list("status").annotate(n=Count("id")))
    statuses = dict(Proposal.objects.order_by().values_list("status").annotate(n=Count("id")))
    proposal_statuses = {status: statuses.get(status, 0) for status in Status.values}
    lines = [
        f"Users: {users.count()} ({users.filter(is_platform_staff=True).count()} platform "
        f"staff, {users.filter(is_expert=True).count()} experts)",
        f"Government bodies: {bodies.count()} ("
        + ", ".join(f"{levels.get(level, 0)} {level}" for level in Level.values)
        + f"; {bodies.verified().count()} verified)",
        f"Companies: {len(companies)} ("
        + ", ".join(f"{n} {size}" for size, n in sizes.items() if n)
        + f"; {sum(1 for c in companies if c.verified)} verified)",
        f"Memberships: {Membership.objects.count()}",
        f"Challenges: {Challenge.objects.count()} with {Criterion.objects.count()} criteria, "
        f"{ChallengeDocument.objects.count()} documents, {Amendment.objects.count()} amendments",
        f"Questions: {sum(questions.values())} ("
        + ", ".join(f"{questions.get(status, 0)} {status}" for status in QuestionStatus.values)
        + f"); minutes of {Minutes.objects.count()} challenges",
        f"Proposals: {Proposal.objects.count()} ("
        + ", ".join(f"{n} {status}" for status, n in proposal_statuses.items())
        + f"), {ProposalVersion.objects.count()} versions received; "
        f"{OpeningAct.objects.filter(opened_at__isnull=False).count()} opening acts",
        f"Follows: {Follow.objects.count()}; notifications: {Notification.objects.count()} "
        f"in the site, {EmailDelivery.objects.count()} emails queued",
        f"Panels: {PanelMember.objects.filter(status=MemberStatus.ACCEPTED).count()} members "
        f"accepted ({PanelMember.objects.filter(role=MemberRole.COMMITTEE).count()} on decision "
        f"committees), {ConflictDeclaration.objects.filter(has_conflict=True).count()} conflicts "
        f"declared; {Score.objects.filter(submitted_at__isnull=False).count()} scores submitted "
        f"({Score.objects.filter(corrects__isnull=False).count()} corrected)",
        f"Finalists confirmed in {FinalistSelection.objects.count()} challenges; "
        f"{Demo.objects.count()} demos; {Decision.objects.count()} decisions; "
        f"{Complaint.objects.count()} complaints",
        f"Contracts: {Award.objects.count()} with {Milestone.objects.count()} milestones, "
        f"{Payment.objects.count()} payments; {Delivery.objects.count()} deliveries; "
        f"{CatalogEntry.objects.count()} tools in the catalog, {Reuse.objects.count()} reuses",
        f"Ledger events: {events.count()} ({events.public().count()} public)",
        "Challenges per stage (now):",
    ]
    lines += [
        f"  {stage.value:<15} {Challenge.objects.in_stage(stage, now).count()}" for stage in Stage
    ]
    return lines


def _bidders() -> set[str]:
    return {bid.company for spec_bids in bids.BIDS.values() for bid in spec_bids}


def credential_lines() -> list[str]:
    segob = next(b for b in data.BODIES if b.key == "segob")
    company = data.COMPANIES[0]
    expert = data.EXPERTS[0]
    bidders = [c for c in data.COMPANIES[1:] if c.member_name and c.handle in _bidders()]
    by_role = {p.roles[0]: p.email for p in segob.people}
    openers = ", ".join(p.email for p in segob.people if Role.OPENING_OFFICER in p.roles)
    return [
        f"Demo log-ins (every account's password: {data.DEMO_PASSWORD}):",
        f"  platform staff                 {data.STAFF_EMAIL}",
        f"  SEGOB official                 {by_role[Role.OFFICIAL]}",
        f"  SEGOB approver (and admin)     {by_role[Role.APPROVER]}",
        f"  SEGOB opening officers         {openers}",
        f"  company admin                  {company.admin_email} ({company.name})",
        f"  company member                 {company.member_email}",
        "  Companies with proposals in every stage, with direccion@ (admin) and equipo@",
        "  (member) at: " + ", ".join(c.handle for c in bidders[:4]) + ",",
        "  " + ", ".join(c.handle for c in bidders[4:]) + " (each .example).",
        f"  expert evaluator               {expert.email} (chairs the early-warning panel)",
        "  Every body has aprobacion@, funcionario@, apertura1@ and apertura2@ at its own",
        "  domain (sep.example, jalisco.example, guadalajara.example, …).",
    ]
