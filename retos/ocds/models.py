"""OCDS releases: one immutable release per public event that changes a challenge's public
record, stored as published (its JSON text and that text's SHA-256) and never changed.

Like the ledger, the table is append-only three times over: the QuerySet refuses ``update`` and
``delete``, the model refuses a second ``save`` and ``delete``, and database triggers refuse
UPDATE and DELETE whatever the code does (``triggers.py``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a published release."""


class ReleaseQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("OCDS releases cannot be updated")

    def delete(self):
        raise AppendOnlyError("OCDS releases cannot be deleted")

    def served(self, now=None):
        """The releases anyone may download at ``now``.

        - dated at or before ``now``: a release made when a challenge is approved for a later
          publication is dated at that publication time and is not served before it;
        - of a challenge that is public at ``now`` (``ChallengeQuerySet.public``);
        - of the challenge's latest publication: a challenge withdrawn from a scheduled
          publication (back to draft, or cancelled before it was ever public) and approved
          again starts a new publication, and the releases of the one that never happened are
          never served.
        """
        from retos.challenges.models import Challenge

        now = now or timezone.now()
        latest = (
            Release.objects.filter(challenge=OuterRef("challenge"))
            .order_by("-publication")
            .values("publication")[:1]
        )
        return (
            self.filter(date__lte=now, challenge__in=Challenge.objects.public(now).values("pk"))
            .alias(latest_publication=Subquery(latest))
            .filter(publication=F("latest_publication"))
        )


class Release(models.Model):
    """One OCDS release of one challenge's contracting process (``ocid``).

    ``data`` is the release exactly as served (UTF-8 JSON text) and ``sha256`` its digest.
    ``sequence`` numbers the releases of one ``ocid`` from 1 (the release id is
    ``<ocid>-<sequence>``). ``publication`` counts the challenge's approvals: see
    ``ReleaseQuerySet.served``. ``event`` is the ledger event the release records.
    """

    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.PROTECT,
        related_name="ocds_releases",
    )
    ocid = models.CharField(_("OCID"), max_length=100)
    sequence = models.PositiveIntegerField(_("sequence"))
    release_id = models.CharField(_("release id"), max_length=120, unique=True)
    publication = models.PositiveIntegerField(_("publication"))
    date = models.DateTimeField(_("release date"))
    tags = models.JSONField(_("tags"), default=list)
    event = models.ForeignKey(
        "ledger.Event",
        verbose_name=_("ledger event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.TextField(_("release JSON"))
    sha256 = models.CharField(_("SHA-256 of the JSON"), max_length=64)
    created_at = models.DateTimeField(_("stored at"), default=timezone.now)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")
        indexes = [
            models.Index(fields=["challenge", "publication"]),
            models.Index(fields=["date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ocid", "sequence"], name="ocds_release_unique_sequence"
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="ocds_release_sequence_from_one"
            ),
            models.CheckConstraint(
                condition=Q(publication__gte=1), name="ocds_release_publication_from_one"
            ),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="ocds_release_sha256_length"
            ),
            models.CheckConstraint(condition=~Q(data=""), name="ocds_release_data_not_empty"),
        ]

    def __str__(self) -> str:
        return self.release_id

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("OCDS releases cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("OCDS releases cannot be deleted")
