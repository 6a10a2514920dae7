"""Helpers for the social witness tests (and the permission matrices of the other apps that
add the witness's row): an assignment written directly, so a matrix can put a witness on a
challenge in any stage (the service assigns only from the publication on)."""

from __future__ import annotations

from retos.witness.models import SocialWitness
from tests.factories import UserFactory


def assign(challenge, user=None, *, name: str = "Testigo Social") -> SocialWitness:
    """An active social witness of ``challenge``, written directly (not through the service)."""
    user = user or UserFactory(full_name=name)
    staff = UserFactory(is_platform_staff=True)
    return SocialWitness.objects.create(
        challenge=challenge, user=user, name=user.full_name or name, assigned_by=staff
    )


def witness_of(challenge, user=None):
    """The user of a new active social witness of ``challenge``."""
    return assign(challenge, user).user
