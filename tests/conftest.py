import importlib

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import GovernmentBodyFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "email"],
        }
    }
    cache.clear()
    # A test client request to /en/… leaves English active in this thread; every test starts
    # in the site's default language, whatever ran before it.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (browser, concurrency, dumps) empty every table when they end, and
    the next one may start without the 32 states the data migration loaded: reload them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (
        marker.kwargs.get("transaction") or "live_server" in request.fixturenames
    ):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from retos.organizations.models import State

    if State.objects.count() < 32:
        migration = importlib.import_module("retos.organizations.migrations.0002_load_states")
        migration.load_states(apps, None)


@pytest.fixture
def body(db):
    return GovernmentBodyFactory()


def member(body, role):
    return MembershipFactory(organization=body, role=role).user


@pytest.fixture
def staff(db):
    return UserFactory(is_platform_staff=True)


@pytest.fixture
def user(db):
    return UserFactory()
