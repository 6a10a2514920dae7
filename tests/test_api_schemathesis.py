"""The API against its own OpenAPI document, with schemathesis: generated requests (valid and
not valid) to every operation, anonymous and with the tokens of a company member and of an
official, against the WSGI app, offline, with a bounded number of examples.

Every answer must be documented (status, content type, body schema) and none a server error.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from retos.clarifications.models import Question
from retos.wsgi import application
from tests.factories import ChallengeFactory
from tests.proposal_helpers import company_member, started_proposal
from tests.test_api import build_world, token_for

pytestmark = pytest.mark.django_db

POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE

#: Examples per operation, generation mode and client: small enough for CI (under a minute in
#: all), large enough to reach the validation paths.
EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_test_transaction():
    """The WSGI handler closes the database connection at the end of each request, which would
    end the test's transaction; Django's test client turns that off, and so do we here."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _world():
    world = build_world(proposals=2)
    open_challenge = ChallengeFactory()
    company, user = company_member()
    own, _ = started_proposal(open_challenge, company=company, actor=user)
    Question.objects.create(
        challenge=open_challenge, number=1, asker=user, company=company, text="¿Pendiente?"
    )
    official = world.official.__class__.objects.get(pk=world.official.pk)
    from tests.factories import MembershipFactory

    MembershipFactory(user=official, organization=open_challenge.body, role="official")
    return {
        "world": world,
        "open_challenge": open_challenge,
        "own": own,
        "company_secret": token_for(user),
        "official_secret": token_for(official),
    }


def _path_parameters(path: str, data) -> dict:
    world = data["world"]
    values = {}
    if "{slug}" in path:
        if path.startswith("/api/v1/bodies/"):
            values["slug"] = world.challenge.body.slug
        elif path.startswith("/api/v1/companies/"):
            values["slug"] = world.proposals[0].company.slug
        elif path.startswith("/api/v1/catalog/"):
            values["slug"] = world.entry.slug
        elif "/questions/" in path:
            values["slug"] = data["open_challenge"].slug
        else:
            values["slug"] = world.challenge.slug
    if "{public_id}" in path:
        if path.startswith("/api/v1/me/"):
            values["public_id"] = str(data["own"].public_id)
        else:
            values["public_id"] = str(world.proposals[1].public_id)
    if "{number}" in path:
        values["number"] = 1
    return values


def _runner(strategy, headers):
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=strategy)
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    return run


def test_the_api_answers_every_generated_request_as_documented(in_test_transaction, settings):
    settings.RETOS_API_RATE_ANON = ""
    settings.RETOS_API_RATE_USER = ""
    data = _world()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    anonymous: dict = {}
    company = {"Authorization": f"Bearer {data['company_secret']}"}
    official = {"Authorization": f"Bearer {data['official_secret']}"}
    started = time.monotonic()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        real = _path_parameters(operation.path, data)
        # Reads: anonymous and with a token, valid and not; writes: each kind of person with
        # valid input at the real objects (to reach the services), and input not valid.
        if operation.method.upper() == "GET":
            runs = [(POSITIVE, anonymous), (POSITIVE, official), (NEGATIVE, anonymous)]
        else:
            runs = [(POSITIVE, company), (POSITIVE, official), (NEGATIVE, company)]
        for mode, headers in runs:
            strategy = operation.as_strategy(
                generation_mode=mode, path_parameters=real if mode == POSITIVE else None
            )
            if mode == NEGATIVE and not (list(operation.query) or list(operation.body)):
                # Only an address to get wrong, and a wrong address is another address: the
                # JSON 404 of tests/test_api.py.
                continue
            try:
                _runner(strategy, headers)()
            except Unsatisfiable:
                # Nothing not valid can be sent to an address whose only input is a slug in
                # the path (it would not be that address any more).
                assert mode == NEGATIVE, operation.path
    assert operations >= 30
    elapsed = time.monotonic() - started
    assert elapsed < 90, elapsed
