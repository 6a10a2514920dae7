"""Named permissions on questions and minutes: role × stage/window × ownership.

- ``question:ask`` (on a challenge): a member of a registered company, not of the body that
  published the challenge, while the questions window is open.
- ``question:answer`` / ``question:decline`` (on a question): an official or approver of the
  challenge's body while the challenge is published — which includes the time after the
  questions window and, when a question is pending, after the submission deadline (the pending
  question holds submissions open until it is answered).
- ``question:manage`` (on a challenge): the same people see the management page once the
  challenge is public, in any later stage.
- ``question:see_asker`` (on a question or a challenge): only they learn who asked; nobody else
  does, not platform staff nor superusers.
- ``minutes:generate`` (on a challenge): anyone, or no one (the system), once the questions
  window has closed with no question pending: like the close, a deadline is a fact.
"""

from django.utils import timezone

from retos.challenges.permissions import is_body_member, is_body_official, stage_is
from retos.challenges.stages import Stage, is_public
from retos.clarifications.models import Question, minutes_due
from retos.clarifications.selectors import user_companies
from retos.core.rules import Predicate, always, predicate, register


def on_challenge(rule: Predicate) -> Predicate:
    """``rule`` (a predicate over a challenge) applied to a question's challenge."""

    def check(user, obj) -> bool:
        return rule(user, obj.challenge if isinstance(obj, Question) else obj)

    return Predicate(check, f"on_challenge({rule.name})")


@predicate
def is_company_member(user, obj) -> bool:
    return bool(user_companies(user))


@predicate
def questions_window_open(user, challenge) -> bool:
    return challenge.window_open("questions", timezone.now())


@predicate
def was_published(user, challenge) -> bool:
    return is_public(challenge, timezone.now())


@predicate
def minutes_are_due(user, challenge) -> bool:
    return minutes_due(challenge, timezone.now())


# A member of the agency that publishes the challenge does not ask it questions, even if they
# also belong to a company.
register("question:ask", is_company_member & ~is_body_member & questions_window_open)
register("question:answer", on_challenge(is_body_official & stage_is(Stage.PUBLISHED)))
register("question:decline", on_challenge(is_body_official & stage_is(Stage.PUBLISHED)))
register("question:manage", is_body_official & was_published)
register("question:see_asker", on_challenge(is_body_official))
register("minutes:generate", always & minutes_are_due)
