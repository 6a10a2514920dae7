"""Two people acting at the same moment: the row locks give each question its own number and
let only one answer be published. Real concurrency needs PostgreSQL (SQLite serializes every
write anyway)."""

import threading

import pytest
import time_machine
from django.db import connection

from retos.clarifications import services
from retos.clarifications.models import Question, QuestionStatus
from retos.core.errors import DomainError
from retos.organizations.models import State
from tests.factories import GovernmentBodyFactory
from tests.lifecycle import person
from tests.test_clarifications import WINDOWS, a_challenge, a_question, company_member

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def run_together(*calls):
    """Run ``calls`` in threads released at the same instant; return results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture(autouse=True)
def _states():
    # A transactional test starts from empty tables: the factories need Mexico City.
    State.objects.get_or_create(
        code="09", defaults={"name": "Ciudad de México", "abbreviation": "CDMX"}
    )
    State.objects.get_or_create(code="14", defaults={"name": "Jalisco", "abbreviation": "JAL"})


def test_simultaneous_questions_get_distinct_numbers():
    challenge = a_challenge()
    askers = [company_member() for _ in range(4)]
    with time_machine.travel(WINDOWS["questions"], tick=False):
        results = run_together(
            *[
                lambda a=a: (
                    services.question_ask(
                        challenge=challenge, actor=a, text="¿A la vez?", section="general"
                    ).number
                )
                for a in askers
            ]
        )
    assert sorted(results) == [1, 2, 3, 4]


def test_two_officials_answering_at_once_publish_one_answer():
    body = GovernmentBodyFactory()
    challenge = a_challenge(body=body)
    question = a_question(challenge)
    officials = [person("body_official", body), person("body_approver", body)]
    with time_machine.travel(WINDOWS["after_questions"], tick=False):
        results = run_together(
            *[
                lambda o=o: services.question_answer(
                    question=Question.objects.get(pk=question.pk), actor=o, answer=o.email
                )
                for o in officials
            ]
        )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError)
    assert errors[0].code == "already_resolved"
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.answer in {o.email for o in officials}
