"""From evaluation to delivery in a real browser, end to end (issue #5's browser test).

Every step is a person using the pages, with clicks and form fills, JavaScript switched off:

1. the approver sets the demo deadline and invites two experts (one chairs) and a member of
   the decision committee; each opens the link in their email and accepts (an existing account
   signs in, a new expert creates one on the way);
2. each expert declares their conflicts of interest (one declares a conflict and is recused);
   the approver starts the evaluation;
3. each expert reads and scores the proposals assigned to them, blind (a draft saved, then
   submitted); the chair follows the progress;
4. the approver reads the ranking and confirms the finalists it proposes;
5. each finalist company submits its demo; the approver schedules a demo-day slot;
6. (after the demo deadline) the committee declares its conflicts and scores the demos; the
   approver publishes the decision, with a reason for each proposal not selected;
7. a bidder that was not selected files a complaint with evidence; the approver takes it under
   review and dismisses it, each time with a published response;
8. (after the complaint window) the approver records the award and the signed contract with two
   milestones, and starts the implementation;
9. the supplier posts progress on each milestone and submits it; the agency accepts each one
   and records its payment;
10. the supplier submits the final delivery with a valid publiccode.yml; the approver accepts
    it: the challenge is completed and the tool is in the catalog.

axe-core checks every page visited (in Spanish); then an anonymous visitor reads the public
record (the decision, the complaints, the contract, the delivery, the catalog and the challenge)
in Spanish, and the decision, the complaint, the contract, the delivery and the catalog again in
English and at phone width (375 px, no sideways scroll), each showing what it must, each checked
by axe. axe-core needs JavaScript, which the people here do without: see ``Flow``.

Set-up before step 1 (an opened challenge with three admissible sealed proposals, made through
the real services; the approver and the people invited) uses tests/evaluation_helpers.py and
the factories. The test asserts what each step stored by reading the database, and finds
buttons and fields by their names, values and form addresses, not their text, so it holds
whether or not a string is translated yet.

Time: the live server runs in a thread of this process, so time-machine's travel here moves its
clock too (the browser keeps the real time, which only matters for cookies; a person whose
session ended with a jump signs in again). Two jumps, with the clock ticking: past the demo
deadline and the demo-day slot, then past the end of the complaint window.

Set RETOS_SCREENSHOTS=/some/dir to keep screenshots of the pages, to look at them.
"""

from __future__ import annotations

import re
import time
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from retos.challenges.stages import Stage
from retos.contracts.models import (
    Award,
    CatalogEntry,
    Delivery,
    DeliveryStatus,
    Milestone,
    MilestoneStatus,
    Payment,
)
from retos.decisions.models import (
    Complaint,
    ComplaintStatus,
    Decision,
    DecisionReason,
    Demo,
    DemoSlot,
    Outcome,
)
from retos.evaluation import blind
from retos.evaluation.models import (
    ConflictDeclaration,
    Finalist,
    MemberRole,
    MemberStatus,
    PanelMember,
    Round,
    Score,
)
from retos.organizations.models import Membership, Role
from tests.browser.conftest import CHROMIUM, DESKTOP, NO_CHROMIUM, PHONE
from tests.browser.helpers import PASSWORD, log_in
from tests.browser.helpers import shoot as keep_screenshot
from tests.browser.test_public_pages import WIDER_THAN_VIEWPORT
from tests.contract_helpers import REPOSITORY, valid_publiccode
from tests.evaluation_helpers import opened_challenge
from tests.factories import MembershipFactory, UserFactory
from tests.proposal_helpers import pdf_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Tablero abierto de obras públicas"
NEW_EXPERT = {
    "full_name": "Julián Pérez Aranda",
    "email": "julian.perez@ux-publica.example",
}
# Each expert's scores of each proposal (by index), per criterion in order (technical
# solution 40 %, user experience 30 %, viability and cost 30 %). With the mean: A 85.5, B 70,
# C 54.5 (below the minimum of 60, so it cannot be a finalist). The new expert is recused
# from B.
SCORES = {
    "chair": {0: ["9", "8", "8"], 1: ["7", "7", "7"], 2: ["5", "6", "6"]},
    "expert": {0: ["9", "9", "8"], 2: ["5", "5", "6"]},
}
DEMO_SCORES = {0: ["9", "9", "9"], 1: ["8", "7.5", "8"]}
CONTRACT_AMOUNT = Decimal("990000.00")
MILESTONES = [
    ("Piloto en dos alcaldías", "Tablero en línea con las obras de dos alcaldías.", "400000.00"),
    ("Versión estatal", "Todas las obras del estado, datos abiertos y manual.", "590000.00"),
]


class Flow:
    """The browser side of the test: a browser profile per person, with JavaScript switched
    off, and a check of each page (axe-core, one h1, no error summary, optionally a
    screenshot). Remembers the pages it checked.

    axe-core is JavaScript, and with JavaScript off it never finishes. So each profile has a
    twin with JavaScript on (same size and language): the check hands the twin the very HTML the
    JavaScript-less page received, at the same address (its stylesheets come from the live
    server), and axe runs there.
    """

    def __init__(self, browser, live_server, assert_accessible):
        self.browser = browser
        self.base = live_server.url
        self.live_server = live_server
        self.assert_accessible = assert_accessible
        self.checked: list[str] = []
        self.seen: set[str] = set()
        self.started = time.monotonic()
        self.profiles: dict = {}
        self.contexts: list = []
        self.twin = None

    def _profile(self, options: dict):
        options = {"viewport": DESKTOP, "locale": "es-MX", **options}
        context = self.browser.new_context(java_script_enabled=False, **options)
        twin = self.browser.new_context(**options)
        for each in (context, twin):
            each.set_default_timeout(15_000)
        self.contexts += [context, twin]
        return context.new_page(), twin.new_page()

    @contextmanager
    def person(self, user=None, *, start: str, keep_as: str = "", **options):
        """``user``'s own browser profile without JavaScript, on ``start``: signed in through
        the log-in form the first time, and again if the session has ended. Without a user, a
        fresh anonymous profile, kept as the profile of the person with the email ``keep_as``
        if given (who signs in or up on the way)."""
        if user is None:
            page, self.twin = self._profile(options)
            if keep_as:
                self.profiles[keep_as] = (page, self.twin)
            self.go(page, start)
        else:
            known = user.email in self.profiles
            if not known:
                self.profiles[user.email] = self._profile(options)
            page, self.twin = self.profiles[user.email]
            if known:
                page.goto(self.base + start)
            if not known or page.locator("form[action$='/cuenta/salir/']").count() == 0:
                log_in(page, self.live_server, user, next_url=start)
        yield page

    def close(self):
        for context in self.contexts:
            context.close()

    def go(self, page, path: str):
        response = page.goto(self.base + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return page

    def path(self, page) -> str:
        return page.url.removeprefix(self.base).split("#")[0]

    def check(self, page, name: str):
        """One h1 and no error summary; and axe-core finds nothing, once per ``name`` (the same
        page in the same state for a second person is not checked again)."""
        assert page.locator("h1").count() == 1, f"{name}: one h1 per page"
        assert page.locator(".error-summary").count() == 0, f"{name}: {main_text(page)[:800]}"
        if name in self.seen:
            return
        self.seen.add(name)
        keep_screenshot(page, f"evaluation-to-delivery-{name}")
        url, html = page.url.split("#")[0], page.content()
        self.twin.route(
            url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
        )
        self.twin.goto(url)
        self.twin.unroute(url)
        self.assert_accessible(self.twin)
        self.checked.append(f"{time.monotonic() - self.started:6.1f}s {name} {self.path(page)}")

    def submit(self, page, form_selector: str, *, button: str = "button[type='submit']"):
        """Press a form's button and wait for the next page."""
        with page.expect_navigation():
            page.locator(f"{form_selector} {button}").click()


def main_text(page) -> str:
    return page.locator("main").inner_text()


def open_details(page) -> None:
    """Open every disclosure (no JavaScript needed), so axe checks what they hide too."""
    for summary in page.locator("main details > summary").all():
        summary.click()


def no_sideways_scroll(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        culprits = page.evaluate(WIDER_THAN_VIEWPORT, PHONE["width"])
        pytest.fail(f"{what} scrolls sideways on a phone ({width}px wide): {culprits}")


def company_admin(proposal):
    return Membership.objects.get(organization=proposal.company, role=Role.ADMIN).user


def local_now(challenge):
    return timezone.localtime(timezone.now(), ZoneInfo(challenge.body.time_zone))


def invitation_path(mailoutbox, email: str) -> str:
    """The invitation link's path, from the last email sent to ``email``."""
    sent = [m for m in mailoutbox if email in m.to]
    assert sent, f"no invitation email to {email}"
    found = re.search(r"(/(?:en/)?evaluacion/invitacion/[^/\s]+/)", sent[-1].body)
    assert found, sent[-1].body
    return found.group(1)


def fill_scores(page, values: list[str], justification: str) -> None:
    """Fill each criterion's score and justification on a score sheet, in order."""
    inputs = page.locator("main input[name^='value_']")
    texts = page.locator("main textarea[name^='justification_']")
    assert inputs.count() == len(values)
    for i, value in enumerate(values):
        inputs.nth(i).fill(value)
        texts.nth(i).fill(f"{justification} Criterio {i + 1}: {value} de 10.")


@pytest.fixture
def situation(transactional_db):
    """An opened challenge with three admissible sealed proposals (A, B, C in submission
    order), the body's approver, an existing expert who will chair and an existing person
    for the decision committee."""
    challenge, proposals = opened_challenge(3, title=TITLE)
    approver = MembershipFactory(
        organization=challenge.body,
        role=Role.APPROVER,
        user=UserFactory(full_name="Graciela Montes Aprobadora"),
    ).user
    chair = UserFactory(full_name="Dra. Elena Ruiz Castañeda", email="elena.ruiz@unam.example")
    committee = UserFactory(full_name="Mtro. Óscar Villa Comité", email="oscar.villa@gob.example")
    return challenge, proposals, approver, chair, committee


def test_the_whole_path_from_the_panel_to_the_catalog(
    browser, live_server, situation, assert_accessible, mailoutbox, tmp_path
):
    challenge, proposals, approver, chair_user, committee_user = situation
    a, b, c = proposals
    slug = challenge.slug
    flow = Flow(browser, live_server, assert_accessible)
    codes = {blind.blind_code(p): i for i, p in enumerate(proposals)}
    evaluation_home = f"/evaluacion/{slug}/"
    detail = f"/retos/{slug}/"
    zone = ZoneInfo(challenge.body.time_zone)
    demo_deadline = (local_now(challenge) + timedelta(days=2)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )

    with ExitStack() as clock:
        clock.callback(flow.close)
        # 1. The approver: the demo deadline, then the invitations.
        with flow.person(approver, start=detail) as page:
            flow.check(page, "challenge-opened")
            page.locator(f"main a[href='/retos/{slug}/panel/']").first.click()
            page.wait_for_url(f"**/retos/{slug}/panel/")
            flow.check(page, "panel-empty")
            page.locator(f"main a[href='/retos/{slug}/panel/ajustes/']").click()
            page.wait_for_url("**/panel/ajustes/")
            flow.check(page, "settings")
            page.fill("#id_demo_deadline", demo_deadline.strftime("%Y-%m-%dT%H:%M"))
            flow.submit(page, f"form[action='/retos/{slug}/panel/ajustes/']")
            assert flow.path(page) == f"/retos/{slug}/panel/"

            invitations = [
                (chair_user.email, chair_user.full_name, MemberRole.EXPERT, True),
                (NEW_EXPERT["email"], NEW_EXPERT["full_name"], MemberRole.EXPERT, False),
                (committee_user.email, committee_user.full_name, MemberRole.COMMITTEE, False),
            ]
            for email, name, role, chairs in invitations:
                page.fill("#id_email", email)
                page.fill("#id_full_name", name)
                page.check(f"input[name='role'][value='{role}']")
                if role == MemberRole.EXPERT:
                    for area in ("technology", "user_experience", "business"):
                        page.check(f"input[name='areas'][value='{area}']")
                if chairs:
                    page.check("#id_chair")
                flow.submit(page, "form[aria-labelledby='invite-title']")
                assert flow.path(page) == f"/retos/{slug}/panel/"
            flow.check(page, "panel-invited")
        challenge.refresh_from_db()
        settings = challenge.evaluation_settings
        assert settings.demo_deadline == demo_deadline.astimezone(zone)
        assert (
            PanelMember.objects.filter(challenge=challenge, status=MemberStatus.INVITED).count()
            == 3
        )

        # Each invitee opens the link from the email. The chair and the committee member have
        # accounts and sign in; the new expert creates one.
        for user in (chair_user, committee_user):
            link = invitation_path(mailoutbox, user.email)
            with flow.person(start=link, keep_as=user.email) as page:
                flow.check(page, "invitation-signed-out")
                page.locator("main a[href^='/cuenta/entrar/']").click()
                page.fill("#id_username", user.email)
                page.fill("#id_password", PASSWORD)
                with page.expect_navigation():
                    page.locator("main form button[type='submit']").click()
                page.wait_for_url(flow.base + link)
                flow.check(page, "invitation")
                flow.submit(page, "main form", button="button[name='decision'][value='accept']")
                assert flow.path(page) == "/evaluacion/"
                flow.check(page, "my-evaluations")

        link = invitation_path(mailoutbox, NEW_EXPERT["email"])
        with flow.person(start=link, keep_as=NEW_EXPERT["email"]) as page:
            page.locator("main a[href^='/cuenta/registro/']").click()
            page.wait_for_url("**/cuenta/registro/**")
            flow.check(page, "sign-up-from-invitation")
            page.fill("#id_full_name", NEW_EXPERT["full_name"])
            page.fill("#id_email", NEW_EXPERT["email"])
            page.fill("#id_password", PASSWORD)  # the one log_in() uses later
            with page.expect_navigation():
                page.locator("main form button[type='submit']").click()
            page.wait_for_url(flow.base + link)
            flow.submit(page, "main form", button="button[name='decision'][value='accept']")
            assert flow.path(page) == "/evaluacion/"
        members = {
            m.email: m
            for m in PanelMember.objects.filter(challenge=challenge).select_related("user")
        }
        assert all(m.status == MemberStatus.ACCEPTED for m in members.values())
        chair_member = members[chair_user.email]
        expert_member = members[NEW_EXPERT["email"]]
        expert_user = expert_member.user
        assert members[committee_user.email].role == MemberRole.COMMITTEE
        assert chair_member.is_chair and expert_user.full_name == NEW_EXPERT["full_name"]

        # 2. Conflicts of interest, before any proposal: none for the chair; the new expert
        # declares one with B and is recused from it.
        declarations = {
            chair_user: {},
            expert_user: {b: "Trabajé en esa empresa hasta el año pasado."},
        }
        for user, conflicts in declarations.items():
            with flow.person(user, start=evaluation_home) as page:
                flow.check(page, "evaluation-before-declaring")
                assert page.locator("main a[href*='/propuestas/']").count() == 0
                page.locator(f"main a[href='/evaluacion/{slug}/conflictos/']").click()
                page.wait_for_url("**/conflictos/")
                flow.check(page, "conflicts")
                for proposal in proposals:
                    choice = "conflict" if proposal in conflicts else "none"
                    page.check(f"input[name='choice_{proposal.pk}'][value='{choice}']")
                    if proposal in conflicts:
                        page.fill(f"#id_note_{proposal.pk}", conflicts[proposal])
                flow.submit(page, f"form[action='/evaluacion/{slug}/conflictos/']")
                assert flow.path(page) == evaluation_home
                flow.check(page, "evaluation-declared")
        assert (
            ConflictDeclaration.objects.filter(member=chair_member, has_conflict=False).count() == 3
        )
        assert list(
            ConflictDeclaration.objects.filter(member=expert_member, has_conflict=True).values_list(
                "proposal", flat=True
            )
        ) == [b.pk]

        # The approver starts the evaluation from the challenge page.
        with flow.person(approver, start=detail) as page:
            flow.submit(page, f"form[action='/retos/{slug}/acciones/start_evaluation/']")
            flow.check(page, "challenge-evaluation")
        challenge.refresh_from_db()
        assert challenge.stage == Stage.EVALUATION

        # 3. Scores: each expert reads (blind) and scores what is assigned to them.
        for who, user in (("chair", chair_user), ("expert", expert_user)):
            with flow.person(user, start=evaluation_home) as page:
                flow.check(page, "evaluation-to-score")
                sheets = page.locator(
                    f"main a[href^='/evaluacion/{slug}/propuestas/'][href$='/puntajes/']"
                )
                hrefs = [sheets.nth(i).get_attribute("href") for i in range(sheets.count())]
                assigned = {codes[h.split("/")[-3]]: h for h in hrefs}
                assert sorted(assigned) == sorted(SCORES[who]), who  # recused from B: not listed
                first = True
                for index, href in sorted(assigned.items()):
                    company = proposals[index].company.name
                    if first:
                        # Read the proposal: blind, so the company is nowhere on the page.
                        page.locator(f"main a[href='{href.removesuffix('puntajes/')}']").click()
                        page.wait_for_url("**" + href.removesuffix("puntajes/"))
                        assert company not in page.content()
                        flow.check(page, "proposal-blind")
                        page.locator(f"main a[href='{href}']").first.click()
                    else:
                        page.locator(f"main a[href='{href}']").click()
                    page.wait_for_url("**" + href)
                    assert company not in page.content()
                    fill_scores(page, SCORES[who][index], f"Evaluación de {who}.")
                    if first:
                        # Save as they go: a draft first, then the submission.
                        flow.check(page, "score-sheet")
                        flow.submit(page, "main form", button="button[name='action'][value='save']")
                        assert flow.path(page) == href
                        flow.check(page, "score-draft")
                        first = False
                    flow.submit(page, "main form", button="button[name='action'][value='submit']")
                    assert flow.path(page) == evaluation_home
                flow.check(page, "evaluation-scored")
                if who == "expert":
                    # Recused from B: neither its reading nor its score sheet exists for them.
                    recused = f"/evaluacion/{slug}/propuestas/{blind.blind_code(b)}/"
                    for path in (recused, recused + "puntajes/"):
                        assert page.goto(flow.base + path).status == 404, path
        assert Score.objects.current().filter(round=Round.PROPOSALS).count() == 3 * 5
        assert not Score.objects.filter(member=expert_member, proposal=b).exists()

        # The chair follows the progress, per expert and per proposal.
        with flow.person(chair_user, start=evaluation_home) as page:
            page.locator(f"main a[href='/evaluacion/{slug}/avance/']").click()
            page.wait_for_url("**/avance/")
            flow.check(page, "progress-chair")
            page.locator(f"main a[href^='/evaluacion/{slug}/avance/']").first.click()
            page.wait_for_url(f"**/evaluacion/{slug}/avance/*/")
            flow.check(page, "proposal-scores-chair")

        # 4. The approver reads the ranking and confirms the finalists it proposes: A and B
        # (C is below the minimum score).
        with flow.person(approver, start=detail) as page:
            page.locator(f"main a[href='/retos/{slug}/evaluacion/ranking/']").first.click()
            page.wait_for_url("**/evaluacion/ranking/")
            flow.check(page, "ranking")
            flow.go(page, detail)
            page.locator(f"main a[href='/retos/{slug}/finalistas/confirmar/']").first.click()
            page.wait_for_url("**/finalistas/confirmar/")
            flow.check(page, "finalists-confirm")
            flow.submit(page, "main .finalists-choice form")
            assert flow.path(page) == detail
            flow.check(page, "challenge-finalists")
        challenge.refresh_from_db()
        assert challenge.stage == Stage.FINALISTS
        finalists = list(
            Finalist.objects.filter(selection__challenge=challenge)
            .order_by("position")
            .values_list("proposal", flat=True)
        )
        assert finalists == [a.pk, b.pk]

        # 5. Each finalist company submits its demo, from the challenge page.
        for index, proposal in enumerate((a, b)):
            with flow.person(company_admin(proposal), start=detail) as page:
                demo_path = f"/propuestas/{proposal.public_id}/demo/"
                page.locator(f"main a[href='{demo_path}']").first.click()
                page.wait_for_url("**" + demo_path)
                flow.check(page, "demo-form")
                page.fill("#id_demo_url", f"https://demo-{index}.example.org/tablero")
                page.fill("#id_repository_url", REPOSITORY)
                page.fill("#id_video_url", f"https://video.example.org/demo-{index}")
                page.fill("#id_notes", "Usuario de prueba: demo / demo. Vea el mapa por alcaldía.")
                flow.submit(page, f"form[action='{demo_path}']")
                assert flow.path(page) == demo_path
                flow.check(page, "demo-submitted")
        assert Demo.objects.filter(proposal__in=[a, b]).count() == 2

        # The approver gives A its demo-day slot, the day after the demo deadline.
        slot_day = (demo_deadline + timedelta(days=1)).date()
        with flow.person(approver, start=f"/retos/{slug}/demos/agenda/") as page:
            flow.check(page, "agenda")
            ids = f"id_{a.public_id.hex[:12]}"
            page.fill(f"#{ids}_date", slot_day.isoformat())
            page.fill(f"#{ids}_starts", "10:00")
            page.fill(f"#{ids}_ends", "10:45")
            page.fill(f"#{ids}_location", "Sala de juntas, piso 3, Av. Juárez 100")
            flow.submit(page, f"form[action='/retos/{slug}/demos/agenda/{a.public_id}/']")
            flow.check(page, "agenda-scheduled")
        slot = DemoSlot.objects.get(proposal=a)
        assert timezone.localtime(slot.starts_at, zone).date() == slot_day

        # 6. The clock passes the demo deadline and demo day.
        clock.enter_context(time_machine.travel(slot.ends_at + timedelta(hours=2), tick=True))

        # The committee declares its conflicts (about the finalists) and scores the demos.
        with flow.person(committee_user, start=evaluation_home) as page:
            flow.check(page, "committee-before-declaring")
            page.locator(f"main a[href='/evaluacion/{slug}/conflictos/']").click()
            page.wait_for_url("**/conflictos/")
            flow.check(page, "committee-conflicts")
            for proposal in (a, b):
                page.check(f"input[name='choice_{proposal.pk}'][value='none']")
            assert page.locator(f"input[name='choice_{c.pk}']").count() == 0
            flow.submit(page, f"form[action='/evaluacion/{slug}/conflictos/']")
            sheets = page.locator(
                f"main a[href^='/evaluacion/{slug}/propuestas/'][href$='/puntajes/']"
            )
            hrefs = [sheets.nth(i).get_attribute("href") for i in range(sheets.count())]
            assert sorted(codes[h.split("/")[-3]] for h in hrefs) == [0, 1]
            for href in hrefs:
                index = codes[href.split("/")[-3]]
                page.locator(f"main a[href='{href}']").click()
                page.wait_for_url("**" + href)
                assert page.locator(
                    f"main a[href='https://demo-{index}.example.org/tablero']"
                ).count()
                if index == 0:
                    flow.check(page, "committee-score-sheet")
                fill_scores(page, DEMO_SCORES[index], "Demostración revisada en vivo.")
                flow.submit(page, "main form", button="button[name='action'][value='submit']")
                assert flow.path(page) == evaluation_home
            flow.check(page, "committee-scored")
        assert Score.objects.current().filter(round=Round.DEMOS).count() == 6

        # The approver publishes the decision: A wins; B and C each get their reason.
        reasons = {
            b: "Buena propuesta, pero su demostración no cubrió la captura desde el celular.",
            c: "No alcanzó el puntaje mínimo de 60 en la primera ronda.",
        }
        with flow.person(approver, start=detail) as page:
            page.locator(f"main a[href='/retos/{slug}/fallo/decidir/']").first.click()
            page.wait_for_url("**/fallo/decidir/")
            flow.check(page, "decide")
            page.check("input[name='outcome'][value='winner']")
            page.check(f"input[name='winner'][value='{a.public_id}']")
            page.fill(
                "#id_justification",
                "La propuesta de A obtuvo el mayor puntaje en ambas rondas y su demostración "
                "funcionó con datos reales.",
            )
            for proposal, reason in reasons.items():
                page.fill(f"#id_reason_{proposal.public_id.hex}", reason)
            page.check("#id_confirm")
            flow.submit(page, f"form[action='/retos/{slug}/fallo/decidir/']")
            assert flow.path(page) == f"/retos/{slug}/fallo/"
            flow.check(page, "decision-published")
            text = main_text(page)
            for expected in (
                a.company.name,
                chair_user.full_name,
                NEW_EXPERT["full_name"],
                *reasons.values(),
                "Trabajé en esa empresa hasta el año pasado.",
            ):
                assert expected in text, expected
        decision = Decision.objects.in_force().get(challenge=challenge)
        assert decision.outcome == Outcome.WINNER and decision.winner_id == a.pk
        assert DecisionReason.objects.filter(decision=decision).count() == 2
        challenge.refresh_from_db()
        assert challenge.stage == Stage.DECIDED

        # 7. C's company files a complaint with evidence, from the public decision page.
        evidence = tmp_path / "acta-de-evaluacion-anotada.pdf"
        evidence.write_bytes(pdf_file("EVIDENCIA").getvalue())
        grounds = (
            "El criterio de viabilidad se calificó sin considerar la carta de la alcaldía que "
            "adjuntamos. Pedimos que se revise la puntuación."
        )
        with flow.person(company_admin(c), start=f"/retos/{slug}/fallo/") as page:
            page.locator(f"main a[href='/retos/{slug}/inconformidades/']").first.click()
            page.wait_for_url(f"**/retos/{slug}/inconformidades/")
            flow.check(page, "complaints-window-open")
            page.locator(f"main a[href='/retos/{slug}/inconformidades/nueva/']").click()
            page.wait_for_url("**/inconformidades/nueva/")
            flow.check(page, "complaint-form")
            page.fill("#id_grounds", grounds)
            page.set_input_files("#id_evidence_1", str(evidence))
            flow.submit(page, "main form[enctype='multipart/form-data']")
            assert flow.path(page) == f"/retos/{slug}/inconformidades/1/"
            flow.check(page, "complaint-filed")
        complaint = Complaint.objects.get(challenge=challenge)
        assert complaint.proposal_id == c.pk and complaint.status == ComplaintStatus.FILED

        # The approver takes it under review, then dismisses it; each response is published.
        complaint_path = f"/retos/{slug}/inconformidades/{complaint.number}/"
        responses = [
            (ComplaintStatus.UNDER_REVIEW, "Se revisa la carta de la alcaldía con el panel."),
            (
                ComplaintStatus.DISMISSED,
                "La carta sí se consideró: la puntuación de viabilidad la cita. Se desecha.",
            ),
        ]
        with flow.person(approver, start=complaint_path) as page:
            for status, response in responses:
                flow.check(page, f"complaint-respond-{status}")
                page.check(f"input[name='move-to_status'][value='{status}']")
                page.fill("#id_move-response", response)
                flow.submit(page, f"form[action='{complaint_path}respuesta/']")
                assert flow.path(page) == complaint_path
                assert response in main_text(page)
            flow.check(page, "complaint-dismissed")
            assert page.locator(f"form[action='{complaint_path}respuesta/']").count() == 0
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.DISMISSED

        # 8. The complaint window closes; the approver records the award and the contract.
        clock.enter_context(
            time_machine.travel(decision.complaints_close_at + timedelta(hours=1), tick=True)
        )
        day = local_now(challenge).date()
        contract_pdf = tmp_path / "contrato-firmado.pdf"
        contract_pdf.write_bytes(pdf_file("CONTRATO FIRMADO").getvalue())
        with flow.person(approver, start=detail) as page:
            flow.check(page, "challenge-decided")
            page.locator(f"main a[href='/retos/{slug}/contrato/registrar/']").first.click()
            page.wait_for_url("**/contrato/registrar/")
            flow.check(page, "award-form")
            page.fill("#id_amount", str(CONTRACT_AMOUNT))
            page.fill("#id_awarded_on", day.isoformat())
            page.fill("#id_number", "SOP-CONT-2026-014")
            page.fill("#id_signed_on", day.isoformat())
            page.set_input_files("#id_document", str(contract_pdf))
            page.fill("#id_starts_on", day.isoformat())
            page.fill("#id_ends_on", (day + timedelta(days=180)).isoformat())
            for i, (title, deliverables, amount) in enumerate(MILESTONES):
                page.fill(f"#id_milestones-{i}-title", title)
                page.fill(f"#id_milestones-{i}-deliverables", deliverables)
                page.fill(
                    f"#id_milestones-{i}-due_on", (day + timedelta(days=60 + 90 * i)).isoformat()
                )
                page.fill(f"#id_milestones-{i}-amount", amount)
            flow.submit(page, "main form[enctype='multipart/form-data']")
            assert flow.path(page) == f"/retos/{slug}/contrato/"
            flow.check(page, "contract-awarded")
            flow.go(page, detail)
            flow.submit(page, f"form[action='/retos/{slug}/acciones/start_implementation/']")
            flow.check(page, "challenge-implementation")
        award = Award.objects.get(challenge=challenge)
        assert award.supplier_id == a.company_id and award.amount == CONTRACT_AMOUNT
        challenge.refresh_from_db()
        assert challenge.stage == Stage.IMPLEMENTATION

        # 9. The supplier posts progress on each milestone and submits it; the agency accepts
        # each one and records its payment.
        contract_path = f"/retos/{slug}/contrato/"
        supplier = company_admin(a)
        with flow.person(supplier, start=detail) as page:
            page.locator(f"main a[href='{contract_path}']").first.click()
            page.wait_for_url("**" + contract_path)
            flow.check(page, "contract-supplier")
            for n in (1, 2):
                page.fill(f"#id_m{n}-progress-progress", "100")
                page.fill(f"#id_m{n}-progress-note", f"Entregables del hito {n} terminados.")
                page.fill(f"#id_m{n}-progress-link", f"{REPOSITORY}/-/merge_requests/{n}")
                flow.submit(page, f"form[action='{contract_path}hitos/{n}/avance/']")
                flow.submit(page, f"form[action='{contract_path}hitos/{n}/enviar/']")
            flow.check(page, "contract-milestones-submitted")
        assert set(
            Milestone.objects.filter(contract__award=award).values_list("status", flat=True)
        ) == {MilestoneStatus.SUBMITTED}

        with flow.person(approver, start=contract_path) as page:
            flow.check(page, "contract-to-review")
            for n, (_title, _deliverables, amount) in enumerate(MILESTONES, start=1):
                page.fill(f"#id_m{n}-review-note", "Revisado en la reunión de seguimiento.")
                flow.submit(
                    page,
                    f"form[action='{contract_path}hitos/{n}/revisar/']",
                    button="button[name='decision'][value='accept']",
                )
                page.fill(f"#id_m{n}-payment-amount", amount)
                page.fill(f"#id_m{n}-payment-paid_on", day.isoformat())
                page.fill(f"#id_m{n}-payment-reference", f"SPEI-2026-{n:04d}")
                flow.submit(page, f"form[action='{contract_path}hitos/{n}/pago/']")
            flow.check(page, "contract-paid")
        assert Payment.objects.filter(milestone__contract__award=award).count() == 2
        assert set(
            Milestone.objects.filter(contract__award=award).values_list("status", flat=True)
        ) == {MilestoneStatus.PAID}

        # 10. The final delivery: the supplier submits it; the approver accepts it.
        delivery_path = f"/retos/{slug}/entrega/"
        with flow.person(supplier, start=contract_path) as page:
            page.locator(f"main a[href='{delivery_path}']").first.click()
            page.wait_for_url("**" + delivery_path)
            flow.check(page, "delivery-form")
            page.fill("#id_repository_url", REPOSITORY)
            page.check("input[name='licence'][value='MIT']")
            page.fill("#id_publiccode_yml", valid_publiccode())
            page.fill("#id_notes", "Incluye el manual de operación en docs/.")
            flow.submit(page, "main form[enctype='multipart/form-data']")
            assert flow.path(page) == delivery_path
            flow.check(page, "delivery-submitted")
        delivery = Delivery.objects.get(challenge=challenge)
        assert delivery.status == DeliveryStatus.SUBMITTED

        with flow.person(approver, start=delivery_path) as page:
            flow.check(page, "delivery-to-review")
            page.fill("#id_review-note", "Cumple con lo contratado.")
            flow.submit(
                page,
                f"form[action='{delivery_path}{delivery.number}/revisar/']",
                button="button[name='decision'][value='accept']",
            )
            entry = CatalogEntry.objects.get(challenge=challenge)
            assert flow.path(page) == f"/catalogo/{entry.slug}/"
            flow.check(page, "catalog-entry-accepted")
        challenge.refresh_from_db()
        assert challenge.stage == Stage.COMPLETED

        # The public record, for anyone, with what each page must show: in Spanish, then the
        # decision, the complaint, the contract, the delivery and the catalog in English and on
        # a phone.
        public = {
            "decision": (f"/retos/{slug}/fallo/", [a.company.name, *reasons.values()]),
            "complaints": (f"/retos/{slug}/inconformidades/", [c.company.name]),
            "complaint": (complaint_path, [grounds, responses[-1][1]]),
            "contract": (contract_path, [a.company.name, MILESTONES[1][0], "SPEI-2026-0002"]),
            "delivery": (delivery_path, [REPOSITORY]),
            "catalog": ("/catalogo/", [entry.name]),
            "catalog-entry": (f"/catalogo/{entry.slug}/", [entry.name, REPOSITORY]),
            "challenge": (detail, [a.company.name]),
        }
        everywhere = ["decision", "complaint", "contract", "delivery", "catalog", "catalog-entry"]
        phone = {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
        for label, prefix, names, options in (
            ("es", "", list(public), {}),
            ("en", "/en", everywhere, {"locale": "en-US"}),
            ("phone", "", everywhere, phone),
        ):
            with flow.person(start=prefix + "/", **options) as page:
                for name in names:
                    path, expected = public[name]
                    flow.go(page, prefix + path)
                    assert page.locator("html").get_attribute("lang") == (prefix[1:] or "es-MX")
                    text = main_text(page)
                    for item in expected:
                        assert item in text, (label, name, item)
                    open_details(page)
                    if label == "phone":
                        no_sideways_scroll(page, path)
                    flow.check(page, f"public-{label}-{name}")

    print(f"\naxe found no violations on {len(flow.checked)} pages:")
    for line in flow.checked:
        print("  " + line)
