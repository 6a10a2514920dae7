"""Who may do what as, or about, a social witness (*testigo social*).

The witness is independent of the agency: **platform staff** assign and revoke witnesses, and
never a member of the challenge's own body (an agency must not pick, or dismiss, the person who
watches it; a staff member who also belongs to the body is refused too). Assignment is possible
from the publication on, at any stage until the challenge ends.

An active witness *reads* every stage the way the body's officials do — the predicate
``is_social_witness`` below is OR-ed into the read rules of the other apps:

- ``proposal:read`` (proposals): the counted proposals, once the opening act is published
  (never before: not their contents, not even their number), through the read services, which
  record every read in the ledger;
- the officers' view of the opening (who confirmed, when) and the admissibility list
  (``proposals.opening_selectors``);
- ``evaluation:view_panel`` and ``evaluation:view_progress`` (the panel, its settings, the
  scoring progress, each expert's submitted scores, named), ``ranking:view`` and
  ``ranking:view_names`` (the ranking as it progresses, with the companies' names);
- ``demo:view`` and ``demo:agenda`` (demos and the demo-day agenda, from the finalists on);
- ``complaint:download_evidence`` (complaints' confidential evidence);
- the contract and its milestones are public already.

and never *writes*: no write rule names the witness. What the witness writes is their own
observations (``witness:observe``), published on the challenge page.

Nothing here consults ``is_superuser``.
"""

from __future__ import annotations

from django.apps import apps

from retos.challenges.permissions import is_body_member, stage_is
from retos.challenges.stages import PUBLIC_STAGES, Stage
from retos.core.rules import Predicate, is_authenticated, is_platform_staff, predicate, register

# Platform staff assign a witness from the publication until the challenge ends.
ASSIGN_STAGES = (
    Stage.PUBLISHED,
    Stage.CLOSED,
    Stage.OPENED,
    Stage.EVALUATION,
    Stage.FINALISTS,
    Stage.DECIDED,
    Stage.AWARDED,
    Stage.IMPLEMENTATION,
)
# A witness observes from the publication on, the final testimony after the end included.
OBSERVE_STAGES = tuple(PUBLIC_STAGES)

_CACHE = "_retos_witnessed"


def _installed() -> bool:
    # The other apps' rules call the predicate below; until the app is installed it says no.
    return apps.is_installed("retos.witness")


def witnessed_challenges(user) -> frozenset[int]:
    """The ids of the challenges ``user`` is an active social witness of, loaded once per user
    object (one query; none for an anonymous visitor)."""
    if not is_authenticated(user) or not _installed():
        return frozenset()
    cached = getattr(user, _CACHE, None)
    if cached is None:
        from retos.witness.models import SocialWitness

        cached = frozenset(
            SocialWitness.objects.active()
            .filter(user_id=user.pk)
            .values_list("challenge_id", flat=True)
        )
        setattr(user, _CACHE, cached)
    return cached


def forget(user) -> None:
    """Drop what ``witnessed_challenges`` cached on ``user`` (after an assignment or a
    revocation, so the same object answers anew)."""
    if user is not None and getattr(user, _CACHE, None) is not None:
        delattr(user, _CACHE)


@predicate
def is_social_witness(user, challenge) -> bool:
    """``user`` is an active (assigned, not revoked) social witness of ``challenge``."""
    return challenge is not None and challenge.pk in witnessed_challenges(user)


@predicate
def opened(user, challenge) -> bool:
    """The opening act of the challenge is published (the bidders are public)."""
    return challenge.opened_at is not None


def on_assignment(rule: Predicate) -> Predicate:
    """Apply a challenge rule to an assignment's challenge."""
    return Predicate(lambda user, witness: rule(user, witness.challenge), f"assignment:{rule.name}")


independent_staff = is_platform_staff & ~is_body_member

# On a challenge.
register("witness:assign", independent_staff & stage_is(*ASSIGN_STAGES))
register("witness:observe", is_social_witness & stage_is(*OBSERVE_STAGES))
register("witness:dossier", is_social_witness & stage_is(*OBSERVE_STAGES))
register("witness:view_conflicts", is_social_witness & opened)
# On a SocialWitness.
register("witness:revoke", on_assignment(independent_staff))
