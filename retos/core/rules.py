"""Named permissions built from composable predicates.

A predicate is a function ``(user, obj) -> bool``. Predicates compose with ``&``, ``|`` and
``~`` so that each permission reads as a sentence over role × stage × ownership, e.g.
``is_body_approver & stage_is(Stage.DRAFT)``. Permissions are registered by name
(``challenge:submit_for_review``) and checked with :func:`can`; nothing here consults Django's
``is_superuser`` short-cut, on purpose: a superuser has no power the rules do not name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied


class Predicate:
    def __init__(self, fn: Callable[[Any, Any], bool], name: str | None = None):
        self.fn = fn
        self.name = name or fn.__name__

    def __call__(self, user, obj=None) -> bool:
        return bool(self.fn(user, obj))

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, o: self(u, o) and other(u, o), f"({self.name} & {other.name})")

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, o: self(u, o) or other(u, o), f"({self.name} | {other.name})")

    def __invert__(self) -> Predicate:
        return Predicate(lambda u, o: not self(u, o), f"~{self.name}")

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"


def predicate(fn: Callable[[Any, Any], bool]) -> Predicate:
    return Predicate(fn)


always = Predicate(lambda u, o: True, "always")
never = Predicate(lambda u, o: False, "never")


@predicate
def is_authenticated(user, obj) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


@predicate
def is_platform_staff(user, obj) -> bool:
    return is_authenticated(user) and user.is_platform_staff


@predicate
def is_expert(user, obj) -> bool:
    return is_authenticated(user) and user.is_expert


PERMISSIONS: dict[str, Predicate] = {}


def register(name: str, rule: Predicate) -> None:
    if name in PERMISSIONS:
        raise ValueError(f"permission {name} registered twice")
    PERMISSIONS[name] = rule


def can(user, permission: str, obj=None) -> bool:
    try:
        rule = PERMISSIONS[permission]
    except KeyError:
        raise KeyError(f"unknown permission {permission!r}") from None
    return rule(user, obj)


def require(user, permission: str, obj=None) -> None:
    """Raise PermissionDenied unless ``user`` holds ``permission`` on ``obj``."""
    if not can(user, permission, obj):
        raise PermissionDenied(permission)
