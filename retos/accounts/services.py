from django.db import transaction

from retos.accounts.models import Expertise, User
from retos.core import rules
from retos.ledger.services import event_record


@transaction.atomic
def user_sign_up(*, email: str, full_name: str, password: str, preferred_language: str) -> User:
    """Create a person's account. Roles come later: memberships, or staff granting expertise."""
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name.strip(),
        preferred_language=preferred_language,
    )
    event_record(actor=user, action="user.signed_up", subject=user, public=False)
    return user


@transaction.atomic
def expert_register(*, user: User, areas: list[str], actor) -> User:
    """Platform staff make ``user`` an expert evaluator covering ``areas``."""
    rules.require(actor, "user:register_expert", user)
    user.is_expert = True
    user.save(update_fields=["is_expert"])
    for area in areas:
        Expertise.objects.get_or_create(user=user, area=area)
    event_record(
        actor=actor,
        action="user.expert_registered",
        subject=user,
        payload={"areas": sorted(areas)},
        public=False,
    )
    return user
