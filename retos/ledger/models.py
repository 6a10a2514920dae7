"""The public event ledger: an append-only record of every write the services make."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a ledger event."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("ledger events cannot be updated")

    def delete(self):
        raise AppendOnlyError("ledger events cannot be deleted")

    def public(self):
        return self.filter(public=True)

    def for_subject(self, obj):
        return self.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk))


class Event(models.Model):
    """One fact that happened: who did what to which object, when.

    ``sequence`` is the primary key, so the order of the ledger is the order of commits of ids.
    ``public`` events appear on public pages and in open data; the others (e.g. a refused attempt
    to read sealed data) are kept for auditors.
    """

    sequence = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The actor as shown at the time, so the ledger reads the same even if a name changes.
    actor_label = models.CharField(_("actor label"), max_length=200)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=80)
    subject_id = models.CharField(_("subject id"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    public = models.BooleanField(_("public"), default=True)
    # The chain (see chain.py): a random salt, the previous event's hash, and this event's own.
    # The salt is published only with public events: without it, the hash of a sealed event
    # cannot be used to confirm a guess of what it records.
    salt = models.CharField(_("salt"), max_length=32)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "sequence"])]
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger events")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("ledger events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ledger events cannot be deleted")
