"""The social witness (*testigo social*) of a challenge and the observations they publish.

- ``SocialWitness``: a person assigned to one challenge by platform staff (never by the agency
  that runs it: the witness watches the agency), from the publication on; revoked with a
  reason. At most one active assignment per person and challenge; a revoked one stays, with its
  reason, as part of the public record. The witness's name is public.
- ``Observation``: what a witness publishes about the challenge, numbered per challenge, with
  the stage at the time. Immutable once published (the database refuses to change or delete
  it, ``triggers.py``); a correction is a new observation that points at the one it corrects.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retos.challenges.stages import Stage

# The longest observation a witness may publish (characters).
OBSERVATION_MAX_LENGTH = 10_000


class SocialWitnessQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class SocialWitness(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.PROTECT,
        related_name="social_witnesses",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="witness_assignments",
    )
    # The name published with the assignment and each observation (the account's full name at
    # the time of the assignment; an email address is never published).
    name = models.CharField(_("public name"), max_length=200)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoke_reason = models.TextField(_("reason for the revocation"), blank=True)

    objects = SocialWitnessQuerySet.as_manager()

    class Meta:
        ordering = ["challenge", "assigned_at", "id"]
        verbose_name = _("social witness")
        verbose_name_plural = _("social witnesses")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "user"],
                condition=Q(revoked_at__isnull=True),
                name="witness_one_active_per_user_and_challenge",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="witness_name_not_empty"),
            # A revocation has its time, its author and its reason, or none of them.
            models.CheckConstraint(
                condition=(
                    Q(revoked_at__isnull=True, revoked_by__isnull=True, revoke_reason="")
                    | (Q(revoked_at__isnull=False, revoked_by__isnull=False) & ~Q(revoke_reason=""))
                ),
                name="witness_revocation_complete",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("assigned_at")),
                name="witness_revoked_after_assigned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.challenge_id}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Observation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.PROTECT,
        related_name="witness_observations",
    )
    witness = models.ForeignKey(
        SocialWitness,
        verbose_name=_("social witness"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    number = models.PositiveIntegerField(_("number"))
    stage = models.CharField(_("stage at the time"), max_length=20, choices=Stage.choices)
    text = models.TextField(_("observation"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        related_name="corrections",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["challenge", "number"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "number"], name="observation_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="observation_number_from_one"),
            models.CheckConstraint(
                condition=GreaterThan(Length("text"), 0), name="observation_text_not_empty"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), OBSERVATION_MAX_LENGTH),
                name="observation_text_not_too_long",
            ),
            models.CheckConstraint(
                condition=~Q(corrects=F("id")), name="observation_not_its_own_correction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} · {self.number}"
