"""The sealing matrix: every role against every way to reach a proposal or the list of bidders,
before the deadline, after it, and after the opening act.

The world: one challenge with three companies' proposals, each carrying its own marker:

- "main": submitted twice (version 1 with attachment A1; version 2, the one that counts, with
  attachment A2 — A1 was taken off the draft in between);
- "draft": started and written, never submitted;
- "withdrawn": submitted, then withdrawn.

Before the opening act nobody but the main company's own member may learn anything about any
of them: a denied page is indistinguishable from the page for a proposal that does not exist
(same status, same body once the identifiers are blanked), and no response anywhere carries a
marker, a company name, a folio, a digest, an identifier or the name of a member. After the act
the public sees the act (bidders, prices, digests); the body's officials, approvers and opening
officers read the counted version; drafts and withdrawn proposals stay sealed for everyone but
their members. Whether a page shows how many proposals there are is checked by rendering it,
submitting two more proposals, and rendering it again: before the act it must not change.

The service reads are in the matrix too: every allowed read writes a private "proposal.read"
ledger event and every refusal a private "proposal.read_refused" one.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote, quote_plus

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.http import urlencode

from retos.challenges.models import Challenge
from retos.ledger.models import Event
from retos.organizations.models import Role
from retos.proposals import services
from retos.proposals.models import Proposal, ProposalAttachment, ProposalVersion
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    GovernmentBodyFactory,
    MembershipFactory,
    UserFactory,
)
from tests.lifecycle import ROLES, person
from tests.proposal_helpers import (
    complete_sections,
    open_challenge,
    pdf_file,
)

pytestmark = pytest.mark.django_db

PHASES = ["before_deadline", "after_deadline", "opened"]
MEMBER = "own_company_member"
ALL_ROLES = [*ROLES, MEMBER]
READERS = {"body_official", "body_approver", "body_opening_officer"}
DECIDERS = {"body_official", "body_approver"}
STEPS = ["resumen", "solucion", "plan", "equipo", "precio", "adjuntos"]


# ---------------------------------------------------------------------------------------------
# The world


@dataclass
class Sealed:
    """One company's proposal and what would betray it."""

    proposal: Proposal
    company: object
    member: object
    marker: str
    versions: list = field(default_factory=list)
    attachments: list = field(default_factory=list)

    def identity(self) -> list[str]:
        return [self.company.name, self.company.rfc]

    def people(self) -> list[str]:
        return [self.member.full_name, self.member.email]

    def event_links(self) -> list[str]:
        """The admin addresses of the ledger events about this proposal."""
        sequences = Event.objects.filter(
            subject_type="proposals.proposal", subject_id=str(self.proposal.pk)
        ).values_list("sequence", flat=True)
        return [reverse("admin:ledger_event_change", args=[n]) for n in sequences]

    def secrets(self) -> list[str]:
        return [
            *self.event_links(),
            self.marker,
            str(self.proposal.public_id),
            *[v.folio for v in self.versions],
            *[v.content_sha256 for v in self.versions],
            *[str(a.public_id) for a in self.attachments],
            *[a.sha256 for a in self.attachments],
        ]


@dataclass
class World:
    body: object
    challenge: object
    main: Sealed
    draft: Sealed
    withdrawn: Sealed
    extras: list  # companies with a member, ready to submit later (the count check)
    submitted_event: Event
    draft_event: Event

    @property
    def v1(self):
        return self.main.versions[0]

    @property
    def v2(self):
        return self.main.versions[1]

    @property
    def a1(self):
        return self.main.attachments[0]

    @property
    def a2(self):
        return self.main.attachments[1]


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:12].upper()}"


def a_company(label: str):
    # ASCII names that no other name contains, so a search for one finds only it.
    company = CompanyFactory(name=unique(f"Empresa {label} "))
    name = unique(f"Persona {label} ")
    user = UserFactory(full_name=name, email=f"{name.split()[-1].lower()}@example.mx")
    MembershipFactory(organization=company, user=user, role=Role.MEMBER)
    return company, user


def build_world() -> World:
    body = GovernmentBodyFactory()
    challenge = ChallengeFactory(body=body)

    company, member = a_company("Principal")
    main = Sealed(None, company, member, unique("SELLOPRINCIPAL"))
    main.proposal = services.proposal_start(challenge=challenge, company=company, actor=member)
    services.proposal_save(
        proposal=main.proposal, actor=member, changes=complete_sections(main.marker)
    )
    a1 = services.proposal_attach(
        proposal=main.proposal,
        actor=member,
        file=pdf_file(f"{main.marker}-1", name=f"anexo-{main.marker}-1.pdf"),
    )
    v1 = services.proposal_submit(proposal=main.proposal, actor=member)
    a2 = services.proposal_attach(
        proposal=main.proposal,
        actor=member,
        file=pdf_file(f"{main.marker}-2", name=f"anexo-{main.marker}-2.pdf"),
    )
    services.proposal_detach(attachment=a1, actor=member)
    services.proposal_save(
        proposal=main.proposal, actor=member, changes={"summary": f"Versión 2 {main.marker}"}
    )
    v2 = services.proposal_submit(proposal=main.proposal, actor=member)
    main.versions, main.attachments = [v1, v2], [a1, a2]

    company, member = a_company("Borrador")
    draft = Sealed(None, company, member, unique("SELLOBORRADOR"))
    draft.proposal = services.proposal_start(challenge=challenge, company=company, actor=member)
    services.proposal_save(
        proposal=draft.proposal, actor=member, changes=complete_sections(draft.marker)
    )
    draft.attachments = [
        services.proposal_attach(proposal=draft.proposal, actor=member, file=pdf_file(draft.marker))
    ]

    company, member = a_company("Retirada")
    withdrawn = Sealed(None, company, member, unique("SELLORETIRADA"))
    withdrawn.proposal = services.proposal_start(challenge=challenge, company=company, actor=member)
    services.proposal_save(
        proposal=withdrawn.proposal, actor=member, changes=complete_sections(withdrawn.marker)
    )
    withdrawn.attachments = [
        services.proposal_attach(
            proposal=withdrawn.proposal, actor=member, file=pdf_file(withdrawn.marker)
        )
    ]
    withdrawn.versions = [services.proposal_submit(proposal=withdrawn.proposal, actor=member)]
    services.proposal_withdraw(proposal=withdrawn.proposal, actor=member)

    extras = [a_company("Extra") for _ in range(2)]
    submitted_event = Event.objects.filter(
        action="proposal.submitted", subject_id=str(main.proposal.pk)
    ).first()
    draft_event = Event.objects.filter(
        action="proposal.draft_saved", subject_id=str(draft.proposal.pk)
    ).first()
    return World(body, challenge, main, draft, withdrawn, extras, submitted_event, draft_event)


def submit_extras(world: World) -> None:
    """Two more companies submit (travelling back before the deadline if need be)."""
    with time_machine.travel(world.challenge.submissions_close_at - timedelta(hours=1)):
        for company, member in world.extras:
            proposal = services.proposal_start(
                challenge=world.challenge, company=company, actor=member
            )
            services.proposal_save(
                proposal=proposal, actor=member, changes=complete_sections(unique("EXTRA"))
            )
            services.proposal_submit(proposal=proposal, actor=member)


# ---------------------------------------------------------------------------------------------
# What each role may see


def forbidden(world: World, role: str, phase: str, way: Way | None = None) -> list[str]:
    """The strings that must not appear in a response to ``role`` in ``phase`` (on ``way``).

    A way may allow some of them (see ``Way``): the counted version's content to its readers
    after the act; the main company's name on its own admin page; the people's names on the
    admin list of users; after the act, the counted proposal's history in the audit record.
    """
    way = way or Way("", lambda i, w: "", nobody)
    tokens = []
    for other in (world.draft, world.withdrawn):
        tokens += other.identity() + other.secrets()
        if not way.people_ok:
            tokens += other.people()
    if role == MEMBER:
        return tokens
    if phase != "opened":
        tokens += world.main.secrets()
        if not way.identity_ok:
            tokens += world.main.identity()
        if not way.people_ok:
            tokens += world.main.people()
        return tokens
    # Opened: the act publishes the main company, its counted folio and digests; never the
    # earlier version, the attachment taken off, the member's name, or (but to readers of the
    # counted version) the content.
    if not way.history_ok:
        tokens += [
            world.v1.folio,
            world.v1.content_sha256,
            str(world.a1.public_id),
            world.a1.sha256,
        ]
        if not way.people_ok:
            tokens += world.main.people()
    if not way.content_ok:
        tokens += [world.main.marker, str(world.a2.public_id)]
    return tokens


ALLOW, DENY, ANY, SKIP = "allow", "deny", "any", "skip"


def member_only(role, phase):
    return ALLOW if role == MEMBER else DENY


def member_or_reader(role, phase):
    return ALLOW if role == MEMBER or (role in READERS and phase == "opened") else DENY


def member_writes(role, phase):
    if role != MEMBER:
        return DENY
    return ANY if phase == "opened" else ALLOW


def member_before_deadline(role, phase):
    if role != MEMBER:
        return DENY
    return ALLOW if phase == "before_deadline" else ANY


def others_denied(role, phase):
    return SKIP if role == MEMBER else DENY


def nobody(role, phase):
    return DENY


def everyone(role, phase):
    return ANY


def public_once_opened(role, phase):
    return ALLOW if phase == "opened" else DENY


def readers_once_opened(role, phase):
    return ALLOW if role in READERS and phase == "opened" else DENY


def opening_officers(role, phase):
    return ALLOW if role == "body_opening_officer" else DENY


def superuser_sees(role, phase):
    return ALLOW if role == "superuser" else ANY


def superuser_once_opened(role, phase):
    if role != "superuser":
        return ANY
    return ALLOW if phase == "opened" else DENY


def deciders_once_opened(role, phase):
    if phase == "opened" and role in DECIDERS:
        return ALLOW
    if phase == "opened" and role in READERS:
        return ANY  # an opening officer reads but does not decide: the form says so
    return DENY


@dataclass(frozen=True)
class Ids:
    """The identifiers a URL is built from: the world's, or made-up ones for the twin."""

    main: str
    draft: str
    withdrawn: str
    v1: str
    v2: str
    wv: str
    a1: str
    a2: str
    wa: str
    da: str
    slug: str
    event: int
    draft_event: int

    @classmethod
    def of(cls, w: World) -> Ids:
        return cls(
            main=str(w.main.proposal.public_id),
            draft=str(w.draft.proposal.public_id),
            withdrawn=str(w.withdrawn.proposal.public_id),
            v1=w.v1.folio,
            v2=w.v2.folio,
            wv=w.withdrawn.versions[0].folio,
            a1=str(w.a1.public_id),
            a2=str(w.a2.public_id),
            wa=str(w.withdrawn.attachments[0].public_id),
            da=str(w.draft.attachments[0].public_id),
            slug=w.challenge.slug,
            event=w.submitted_event.pk,
            draft_event=w.draft_event.pk,
        )

    @classmethod
    def missing(cls) -> Ids:
        def fake():
            return str(uuid.uuid4())

        return cls(
            main=fake(),
            draft=fake(),
            withdrawn=fake(),
            v1="AC-0000-0000-0001",
            v2="AC-0000-0000-0002",
            wv="AC-0000-0000-0003",
            a1=fake(),
            a2=fake(),
            wa=fake(),
            da=fake(),
            slug="reto-que-no-existe",
            event=2_000_000_000,
            draft_event=2_000_000_001,
        )

    def values(self) -> list[str]:
        return [str(v) for v in vars(self).values()]


def p(name, **kwargs):
    return reverse(f"proposals:{name}", kwargs=kwargs)


@dataclass(frozen=True)
class Way:
    """One way to reach a proposal or the bidders: a page (GET or POST)."""

    name: str
    url: Callable[[Ids, World], str]
    expect: Callable[[str, str], str]
    method: str = "get"
    data: dict | None = None
    headers: dict | None = None
    content_ok: bool = False
    identity_ok: bool = False
    people_ok: bool = False
    history_ok: bool = False
    binary: bool = False
    # A search: the term the page echoes back (in its search box), for the twin check.
    term: Callable[[World], str] | None = None
    # What an allowed response must contain, given the world and the role.
    shows: Callable[[World, str], list[str]] | None = None


def main_shows(w, role):
    return [w.main.company.name] if role == MEMBER else [w.main.marker]


PROPOSAL_PAGES = [
    Way("detail", lambda i, w: p("detail", public_id=i.main), member_or_reader,
        content_ok=True, shows=main_shows),
    Way("detail of a draft", lambda i, w: p("detail", public_id=i.draft), nobody),
    Way("detail of a withdrawn", lambda i, w: p("detail", public_id=i.withdrawn), nobody),
    *[
        Way(f"edit {step}", lambda i, w, s=step: p("edit", public_id=i.main, step=s),
            member_writes)
        for step in STEPS
    ],
    Way("edit a draft", lambda i, w: p("edit", public_id=i.draft, step="resumen"), nobody),
    Way("receipt", lambda i, w: p("receipt", public_id=i.main, folio=i.v2), member_only,
        shows=lambda w, r: [w.v2.folio, w.v2.content_sha256]),
    Way("receipt of version 1", lambda i, w: p("receipt", public_id=i.main, folio=i.v1),
        member_only, shows=lambda w, r: [w.v1.folio]),
    Way("receipt pdf", lambda i, w: p("receipt_pdf", public_id=i.main, folio=i.v2),
        member_only, binary=True),
    Way("receipt of a withdrawn",
        lambda i, w: p("receipt", public_id=i.withdrawn, folio=i.wv), nobody),
    Way("receipt pdf of a withdrawn",
        lambda i, w: p("receipt_pdf", public_id=i.withdrawn, folio=i.wv), nobody, binary=True),
    Way("counted attachment",
        lambda i, w: p("attachment", public_id=i.main, attachment_id=i.a2),
        member_or_reader, content_ok=True, binary=True),
    Way("attachment taken off",
        lambda i, w: p("attachment", public_id=i.main, attachment_id=i.a1),
        member_only, binary=True),
    Way("attachment of a withdrawn",
        lambda i, w: p("attachment", public_id=i.withdrawn, attachment_id=i.wa),
        nobody, binary=True),
    Way("attachment of a draft",
        lambda i, w: p("attachment", public_id=i.draft, attachment_id=i.da),
        nobody, binary=True),
    Way("submit", lambda i, w: p("submit", public_id=i.main), member_before_deadline),
    Way("withdraw", lambda i, w: p("withdraw", public_id=i.main), member_before_deadline),
    Way("submit a draft", lambda i, w: p("submit", public_id=i.draft), nobody),
    Way("detach", lambda i, w: p("detach", public_id=i.main, attachment_id=i.a2),
        others_denied, method="post"),
    # Writes: a member's would change the proposal (other tests cover them); anyone else's
    # must be the 404 of a proposal that does not exist.
    Way("autosave", lambda i, w: p("edit", public_id=i.main, step="resumen"), others_denied,
        method="post", data={"summary": "x", "understanding": "y", "autosave": "1"},
        headers={"X-Requested-With": "fetch"}),
    Way("save a step", lambda i, w: p("edit", public_id=i.main, step="solucion"),
        others_denied, method="post", data={"solution": "x"}),
    Way("upload", lambda i, w: p("edit", public_id=i.main, step="adjuntos"), others_denied,
        method="post", data=lambda: {"file": pdf_file()}),
    Way("submit (post)", lambda i, w: p("submit", public_id=i.main), others_denied,
        method="post"),
    Way("withdraw (post)", lambda i, w: p("withdraw", public_id=i.main), others_denied,
        method="post"),
    Way("submit a draft (post)", lambda i, w: p("submit", public_id=i.draft), nobody,
        method="post"),
    Way("dashboard", lambda i, w: p("dashboard"),
        lambda r, ph: ALLOW if r == MEMBER else ANY, shows=lambda w, r: [w.main.company.name]),
    Way("start on the challenge", lambda i, w: p("start", slug=w.challenge.slug), everyone),
]  # fmt: skip

OPENING_PAGES = [
    Way("officers' page", lambda i, w: p("confirm_opening", slug=i.slug), opening_officers),
    Way("opening act", lambda i, w: p("opening_act", slug=i.slug), public_once_opened,
        shows=lambda w, r: [w.main.company.name, w.v2.folio, w.v2.content_sha256,
                            w.a2.sha256, "990,000"]),
    Way("opening act pdf", lambda i, w: p("opening_act_pdf", slug=i.slug),
        public_once_opened, binary=True),
    Way("opening act json", lambda i, w: p("opening_act_json", slug=i.slug),
        public_once_opened,
        shows=lambda w, r: [w.main.company.name, w.v2.folio, w.v2.content_sha256,
                            "990000.00"]),
    Way("officials' list", lambda i, w: p("opened_list", slug=i.slug), readers_once_opened,
        shows=lambda w, r: [w.main.company.name]),
    Way("admissibility of a withdrawn",
        lambda i, w: p("admissibility", public_id=i.withdrawn), nobody, method="post",
        data={"decision": "admissible"}),
    Way("admissibility of a draft",
        lambda i, w: p("admissibility", public_id=i.draft), nobody, method="post",
        data={"decision": "admissible"}),
    # Last: an allowed decision changes the proposal.
    Way("admissibility", lambda i, w: p("admissibility", public_id=i.main),
        deciders_once_opened, method="post", data={"decision": "admissible"}),
]  # fmt: skip


def search(name, term) -> Way:
    return Way(
        name,
        lambda i, w: reverse("challenges:list") + "?" + urlencode({"q": term(w)}),
        everyone,
        term=term,
    )


def public_pages(with_count_check: bool = False) -> list[Way]:
    ways = [
        Way("home", lambda i, w: reverse("home"), everyone),
        Way("challenge", lambda i, w: reverse("challenges:detail", args=[w.challenge.slug]),
            everyone),
        Way("challenge list", lambda i, w: reverse("challenges:list"), everyone),
        search("search the marker", lambda w: w.main.marker),
        search("search the company", lambda w: w.main.company.name),
        search("search a draft's company", lambda w: w.draft.company.name),
        search("search a withdrawn's marker", lambda w: w.withdrawn.marker),
        search("search a folio", lambda w: w.v2.folio),
        Way("amendments", lambda i, w: reverse("challenges:amendments", args=[w.challenge.slug]),
            everyone),
        Way("documents",
            lambda i, w: reverse("documents:challenge_documents", args=[w.challenge.slug]),
            everyone),
        Way("clarifications minutes",
            lambda i, w: reverse("clarifications:minutes", args=[w.challenge.slug]), everyone),
        Way("clarifications desk",
            lambda i, w: reverse("clarifications:manage", args=[w.challenge.slug]), everyone),
        Way("body page", lambda i, w: reverse("organizations:detail", args=[w.body.slug]),
            everyone),
        Way("bodies", lambda i, w: reverse("organizations:body_list"), everyone),
        Way("atom feed", lambda i, w: reverse("notifications:feed"), everyone),
        Way("body feed", lambda i, w: reverse("notifications:body_feed", args=[w.body.slug]),
            everyone),
        Way("state feed", lambda i, w: reverse("notifications:state_feed", args=["09"]),
            everyone),
        Way("calendar", lambda i, w: reverse("notifications:calendar", args=[w.challenge.slug]),
            everyone),
        Way("notifications", lambda i, w: reverse("notifications:list"), everyone),
        Way("account", lambda i, w: reverse("accounts:dashboard"), everyone),
        Way("my challenges", lambda i, w: reverse("drafting:my_challenges"), everyone),
        Way("review queue", lambda i, w: reverse("drafting:review_queue"), everyone),
        Way("admin index", lambda i, w: reverse("admin:index"), superuser_sees),
        Way("admin ledger", lambda i, w: reverse("admin:ledger_event_changelist"),
            superuser_sees, history_ok=True),
        Way("admin ledger search",
            lambda i, w: reverse("admin:ledger_event_changelist") + "?q=proposal",
            superuser_sees, history_ok=True),
        *[
            Way(f"admin ledger: {action}",
                lambda i, w, a=action: reverse("admin:ledger_event_changelist")
                + "?" + urlencode({"action": a}),
                superuser_sees, history_ok=True)
            for action in ("proposal.started", "proposal.draft_saved", "proposal.submitted",
                           "proposal.withdrawn", "proposal.attachment_added", "proposal.read",
                           "proposal.read_refused")
        ],
        Way("admin emails", lambda i, w: reverse("admin:notifications_emaildelivery_changelist"),
            superuser_sees),
        Way("admin challenge",
            lambda i, w: reverse("admin:challenges_challenge_change", args=[w.challenge.pk]),
            superuser_sees),
        Way("admin users", lambda i, w: reverse("admin:accounts_user_changelist"),
            superuser_sees, people_ok=True),
        Way("admin company",
            lambda i, w: reverse("admin:organizations_organization_change",
                                 args=[w.main.company.pk]),
            superuser_sees, identity_ok=True, people_ok=True),
    ]  # fmt: skip
    if with_count_check:
        return ways
    return [
        *ways,
        Way("admin proposals app", lambda i, w: "/admin/proposals/",
            lambda r, ph: DENY if r == "superuser" else ANY),
        Way("admin ledger event of a submission",
            lambda i, w: reverse("admin:ledger_event_change", args=[i.event]),
            superuser_once_opened, history_ok=True),
        Way("admin ledger event of a draft",
            lambda i, w: reverse("admin:ledger_event_change", args=[i.draft_event]),
            lambda r, ph: DENY if r == "superuser" else ANY),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Looking at responses

_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")|(csrftoken=)[^;\s]+')
_LOGIN = None


def login_url() -> str:
    return reverse(settings.LOGIN_URL)


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    return data.decode("utf-8", errors="replace")


def normalized(response, ids: Ids) -> tuple:
    text = _CSRF.sub("CSRF", body_text(response))
    location = response.get("Location", "")
    for value in sorted(ids.values(), key=len, reverse=True):
        text = text.replace(value, "ID")
        location = location.replace(value, "ID")
    return response.status_code, location, text


def blank(text: str, term: str) -> str:
    for form in (quote_plus(term), quote(term), term):
        text = text.replace(form, "TERM")
    return text


def client_for(user) -> Client:
    client = Client(raise_request_exception=True)
    if user.is_authenticated:
        client.force_login(user)
    return client


def fetch(client, way: Way, ids: Ids, world: World):
    url = way.url(ids, world)
    if way.method == "post":
        data = way.data() if callable(way.data) else (way.data or {})
        return client.post(url, data, headers=way.headers or {})
    return client.get(url)


def check_way(client, way, world, role, phase) -> list[str]:
    """Request ``way`` as ``role``; return what is wrong, in words."""
    expect = way.expect(role, phase)
    if expect == SKIP:
        return []
    ids = Ids.of(world)
    response = fetch(client, way, ids, world)
    # The identifiers in the address were typed by the requester: a page may repeat them (a
    # redirect to the login page does).
    url = way.url(ids, world)
    problems = []
    text = body_text(response)
    if way.term is not None:
        # The search box echoes the term: blank it, and the page must be the one a search for
        # a made-up term gives.
        term = way.term(world)
        made_up = unique("TERMINO")
        twin = client.get(reverse("challenges:list") + "?" + urlencode({"q": made_up}))
        text = blank(text, term)
        if _CSRF.sub("CSRF", text) != _CSRF.sub("CSRF", blank(body_text(twin), made_up)):
            problems.append(f"{way.name}: the results differ from a search for nothing")
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    for token in forbidden(world, role, phase, way):
        if token not in url and (token in text or token in headers):
            problems.append(f"{way.name}: shows {token!r}")
    if response.status_code >= 500:
        problems.append(f"{way.name}: status {response.status_code}")
    if expect == DENY:
        missing = Ids.missing()
        twin = fetch(client, way, missing, world)
        if normalized(response, ids) != normalized(twin, missing):
            problems.append(
                f"{way.name}: denied with status {response.status_code}, unlike a missing one "
                f"({twin.status_code})"
            )
        # 404; or, as for a missing one, a redirect to the login page (anonymous), or to the
        # admin index ("does not exist") in the admin site, or "sign in again" (401) to an
        # autosave without a session.
        if response.status_code not in (302, 401, 404):
            problems.append(f"{way.name}: denied with status {response.status_code}")
    elif expect == ALLOW:
        wanted = {"get": (200,), "post": (302,)}[way.method]
        if response.status_code not in wanted:
            problems.append(f"{way.name}: allowed but status {response.status_code}")
        elif way.shows is not None:
            for token in way.shows(world, role):
                if token not in text:
                    problems.append(f"{way.name}: allowed but does not show {token!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# The matrix: pages


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world per phase, built once for the module inside a transaction that is rolled back
    at its end; each test runs in a savepoint of it (what it writes, reads included, is undone).
    The "opened" world is opened by two officers."""
    media = tmp_path_factory.mktemp("sealing-media")
    quick = override_settings(
        MEDIA_ROOT=media,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={
            "default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": ["default", "email"],
            }
        },
    )
    with django_db_blocker.unblock(), quick:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = {phase: build_world() for phase in PHASES}
            opened = built["opened"]
            deadline = opened.challenge.submissions_close_at
            with time_machine.travel(deadline + timedelta(minutes=5), tick=False):
                open_challenge(Challenge.objects.get(pk=opened.challenge.pk))
            opened.challenge.refresh_from_db()
            yield SimpleNamespace(media=media, by_phase=built)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _world_media(_isolated, settings, worlds):
    # The shared worlds' sealed files live in the module's folder.
    settings.MEDIA_ROOT = worlds.media


@pytest.fixture
def in_phase(worlds):
    """Enter ``phase``: the clock frozen a day before the deadline, or five minutes after it
    (the "opened" world was opened then); returns that phase's world."""
    with ExitStack() as stack:

        def enter(phase):
            world = worlds.by_phase[phase]
            deadline = world.challenge.submissions_close_at
            moment = (
                deadline - timedelta(days=1)
                if phase == "before_deadline"
                else deadline + timedelta(minutes=5)
            )
            stack.enter_context(time_machine.travel(moment, tick=False))
            return world

        yield enter


@pytest.fixture
def own_world():
    """A world of the test's own, for tests that open it or change it in other ways."""
    return build_world()


def the_user(role, world):
    if role == MEMBER:
        return world.main.member
    return person(role, world.body)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(
    "family, ways",
    [
        ("proposal pages", PROPOSAL_PAGES),
        ("opening pages", OPENING_PAGES),
        ("public, account and admin pages", public_pages()),
    ],
    ids=["proposal-pages", "opening-pages", "public-and-admin-pages"],
)
def test_pages_keep_the_seal(in_phase, role, phase, family, ways):
    world = in_phase(phase)
    client = client_for(the_user(role, world))
    problems = []
    for way in ways:
        problems += check_way(client, way, world, role, phase)
    assert not problems, f"{role} in {phase}:\n" + "\n".join(problems)


@pytest.mark.parametrize("phase", ["before_deadline", "after_deadline"])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_no_page_shows_how_many_proposals_there_are_before_the_act(in_phase, role, phase):
    """Every page that anyone may see renders the same with one proposal as with three."""
    world = in_phase(phase)
    user = the_user(role, world)
    client = client_for(user)
    ways = [
        w
        for w in public_pages(with_count_check=True) + PROPOSAL_PAGES + OPENING_PAGES
        if w.expect(role, phase) in (ALLOW, ANY) and w.method == "get" and not w.binary
    ]
    ids = Ids.of(world)
    before = {w.name: normalized(fetch(client, w, ids, world), ids) for w in ways}
    submit_extras(world)
    changed = [
        w.name for w in ways if normalized(fetch(client, w, ids, world), ids) != before[w.name]
    ]
    assert not changed, f"{role} in {phase}: these pages change with the number of proposals"


def test_the_count_check_can_fail_once_the_act_is_published(own_world):
    """Control for the test above: the act's page does change with the number of proposals."""
    world = own_world
    submit_extras(world)
    with time_machine.travel(world.challenge.submissions_close_at + timedelta(minutes=5)):
        open_challenge(world.challenge)
    client = client_for(person("plain_user", world.body))
    act = client.get(p("opening_act", slug=world.challenge.slug))
    assert act.status_code == 200
    for company, _member in world.extras:
        assert company.name in body_text(act)


# ---------------------------------------------------------------------------------------------
# The matrix: the read services, and the ledger


@dataclass(frozen=True)
class Read:
    name: str
    call: Callable[[World, object], object]
    expect: Callable[[str, str], str]
    proposal: Callable[[World], Proposal]
    what: Callable[[World], str]


def fresh(proposal):
    return Proposal.objects.select_related("challenge__body", "company").get(pk=proposal.pk)


def fresh_version(version):
    return ProposalVersion.objects.select_related("proposal__challenge__body").get(pk=version.pk)


def fresh_attachment(attachment):
    return ProposalAttachment.objects.select_related("proposal__challenge__body").get(
        pk=attachment.pk
    )


READS = [
    Read("draft", lambda w, u: services.proposal_draft_read(proposal=fresh(w.main.proposal),
                                                            actor=u),
         member_only, lambda w: w.main.proposal, lambda w: "draft"),
    Read("counted version", lambda w, u: services.proposal_version_read(
        version=fresh_version(w.v2), actor=u),
         member_or_reader, lambda w: w.main.proposal, lambda w: "version:2"),
    Read("earlier version", lambda w, u: services.proposal_version_read(
        version=fresh_version(w.v1), actor=u),
         member_only, lambda w: w.main.proposal, lambda w: "version:1"),
    Read("counted attachment", lambda w, u: services.attachment_read(
        attachment=fresh_attachment(w.a2), actor=u),
         member_or_reader, lambda w: w.main.proposal,
         lambda w: f"attachment:{w.a2.public_id}"),
    Read("attachment taken off", lambda w, u: services.attachment_read(
        attachment=fresh_attachment(w.a1), actor=u),
         member_only, lambda w: w.main.proposal, lambda w: f"attachment:{w.a1.public_id}"),
    Read("a draft's draft", lambda w, u: services.proposal_draft_read(
        proposal=fresh(w.draft.proposal), actor=u),
         nobody, lambda w: w.draft.proposal, lambda w: "draft"),
    Read("a draft's attachment", lambda w, u: services.attachment_read(
        attachment=fresh_attachment(w.draft.attachments[0]), actor=u),
         nobody, lambda w: w.draft.proposal,
         lambda w: f"attachment:{w.draft.attachments[0].public_id}"),
    Read("a withdrawn's draft", lambda w, u: services.proposal_draft_read(
        proposal=fresh(w.withdrawn.proposal), actor=u),
         nobody, lambda w: w.withdrawn.proposal, lambda w: "draft"),
    Read("a withdrawn's version", lambda w, u: services.proposal_version_read(
        version=fresh_version(w.withdrawn.versions[0]), actor=u),
         nobody, lambda w: w.withdrawn.proposal, lambda w: "version:1"),
    Read("a withdrawn's attachment", lambda w, u: services.attachment_read(
        attachment=fresh_attachment(w.withdrawn.attachments[0]), actor=u),
         nobody, lambda w: w.withdrawn.proposal,
         lambda w: f"attachment:{w.withdrawn.attachments[0].public_id}"),
]  # fmt: skip


def read_events(proposal, action, user):
    events = Event.objects.filter(
        action=action, subject_type="proposals.proposal", subject_id=str(proposal.pk)
    )
    if user.is_authenticated:
        return events.filter(actor=user)
    return events.filter(actor__isnull=True)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("read", READS, ids=[r.name.replace(" ", "-") for r in READS])
def test_read_services_keep_the_seal_and_record_every_read(in_phase, role, phase, read):
    world = in_phase(phase)
    user = the_user(role, world)
    proposal = read.proposal(world)
    expect = read.expect(role, phase)
    counts = {
        a: read_events(proposal, a, user).count()
        for a in ("proposal.read", "proposal.read_refused")
    }
    if expect == ALLOW:
        result = read.call(world, user)
        assert result
        action = "proposal.read"
    else:
        with pytest.raises(PermissionDenied):
            read.call(world, user)
        action = "proposal.read_refused"
    other = {"proposal.read": "proposal.read_refused", "proposal.read_refused": "proposal.read"}
    events = read_events(proposal, action, user)
    assert events.count() == counts[action] + 1
    event = events.order_by("-sequence").first()
    assert event.public is False
    assert event.payload["what"] == read.what(world)
    assert read_events(proposal, other[action], user).count() == counts[other[action]]


def test_an_allowed_read_returns_the_content_and_the_counted_attachment(in_phase):
    world = in_phase("opened")
    official = person("body_official", world.body)
    document = services.proposal_version_read(version=fresh_version(world.v2), actor=official)
    assert document["sections"]["summary"] == f"Versión 2 {world.main.marker}"
    name, data = services.attachment_read(attachment=fresh_attachment(world.a2), actor=official)
    assert name == f"anexo-{world.main.marker}-2.pdf"
    assert world.main.marker.encode() in data


# ---------------------------------------------------------------------------------------------
# The ledger in the admin site


def test_the_admin_ledger_hides_proposal_events_until_the_act_and_drafts_for_good(
    own_world, time_machine
):
    world = own_world
    time_machine.move_to(world.challenge.submissions_close_at + timedelta(minutes=5))
    client = client_for(person("superuser", world.body))
    changelist = reverse("admin:ledger_event_changelist")

    def listed(sealed: Sealed) -> list[str]:
        pages = "".join(
            body_text(client.get(changelist + "?" + urlencode({"action": action})))
            for action in ("proposal.started", "proposal.submitted", "proposal.withdrawn")
        )
        return [link for link in sealed.event_links() if link in pages]

    def change_page(sealed: Sealed) -> list[int]:
        return [client.get(link).status_code for link in sealed.event_links()]

    for sealed in (world.main, world.draft, world.withdrawn):
        assert sealed.event_links(), "control: the proposal has events"
        assert listed(sealed) == []
        assert set(change_page(sealed)) == {302}  # "does not exist", as for a missing one
    open_challenge(world.challenge)
    # After the act the counted proposal's events are there for the auditors...
    assert listed(world.main)
    assert set(change_page(world.main)) == {200}
    # ...but nothing of the draft or of the withdrawn proposal.
    for sealed in (world.draft, world.withdrawn):
        assert listed(sealed) == []
        assert set(change_page(sealed)) == {302}


def test_the_admin_index_has_no_proposals_app(in_phase):
    world = in_phase("opened")
    client = client_for(person("superuser", world.body))
    text = body_text(client.get(reverse("admin:index")))
    assert "/admin/proposals/" not in text
    assert client.get("/admin/proposals/").status_code == 404
    assert client.get("/admin/proposals/proposal/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Error pages and logs


def test_a_404_for_a_proposal_is_the_same_as_for_a_missing_one(in_phase):
    world = in_phase("before_deadline")
    client = client_for(person("superuser", world.body))
    real = client.get(p("detail", public_id=world.main.proposal.public_id))
    made_up = client.get(p("detail", public_id=uuid.uuid4()))
    assert real.status_code == made_up.status_code == 404
    assert real.content == made_up.content
    for token in forbidden(world, "superuser", "before_deadline"):
        assert token not in body_text(real)


def test_a_500_on_a_proposal_page_shows_no_content(in_phase, monkeypatch, settings):
    settings.DEBUG = False
    world = in_phase("before_deadline")

    def broken(*args, **kwargs):
        raise RuntimeError("the storage is down")

    monkeypatch.setattr(services, "proposal_version_read", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.main.member)
    logging.disable(logging.CRITICAL)
    try:
        response = client.get(p("receipt", public_id=world.main.proposal.public_id,
                                folio=world.v2.folio))  # fmt: skip
    finally:
        logging.disable(logging.NOTSET)
    assert response.status_code == 500
    text = body_text(response)
    for token in [*world.main.secrets(), *world.main.identity(), "storage is down"]:
        assert token not in text


def test_no_log_record_carries_a_proposals_content(caplog, settings):
    """Writing, submitting, reading and the pages, with every logger at DEBUG and SQL logged
    with its parameters: no record holds the marker (the SQL carries ciphertext only)."""
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True
    try:
        world = build_world()
        member = world.main.member
        client = client_for(member)
        ids = Ids.of(world)
        for way in PROPOSAL_PAGES:
            if way.expect(MEMBER, "before_deadline") == ALLOW:
                fetch(client, way, ids, world)
        stranger = client_for(person("body_official", world.body))
        for way in PROPOSAL_PAGES:
            fetch(stranger, way, ids, world)
        with time_machine.travel(world.challenge.submissions_close_at + timedelta(minutes=5)):
            open_challenge(world.challenge)
            official = person("body_official", world.body)
            client = client_for(official)
            client.get(p("detail", public_id=world.main.proposal.public_id))
            client.get(p("attachment", public_id=world.main.proposal.public_id,
                         attachment_id=world.a2.public_id))  # fmt: skip
            client.get(p("opened_list", slug=world.challenge.slug))
    finally:
        connection.force_debug_cursor = False
    assert len(caplog.records) > 50, "control: the SQL should have been logged"
    markers = [world.main.marker, world.draft.marker, world.withdrawn.marker]
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + (record.exc_text or "")
        text += json.dumps(getattr(record, "params", None), default=repr)
        for marker in markers:
            assert marker not in text, (record.name, text[:300])
