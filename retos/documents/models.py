"""Documents: files people upload, stored once by their digest and never lost.

A ``Document`` is the stored file and what we know about it; it belongs to nobody in
particular. Links give it a place: ``ChallengeDocument`` now, proposal attachments and complaint
evidence later. Removing a link never removes the document or its file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retos.documents.validation import KINDS_BY_CONTENT_TYPE


class Document(models.Model):
    # The name in storage is chosen by the service from the digest
    # (``documents/ab/ab12….pdf``); the uploader's name is only ever shown.
    file = models.FileField(_("file"), upload_to="documents/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="document_size_positive"),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="document_sha256_length"
            ),
            models.CheckConstraint(
                condition=~Q(original_name=""), name="document_original_name_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(content_type=""), name="document_content_type_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("documents:download", kwargs={"pk": self.pk, "sha256": self.sha256})

    @property
    def kind_label(self) -> str:
        kind = KINDS_BY_CONTENT_TYPE.get(self.content_type)
        return str(kind.label) if kind else self.content_type


class ChallengeDocument(models.Model):
    """A document published with a challenge (terms, annexes, data), in the order shown."""

    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="challenges"
    )
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("challenge document")
        verbose_name_plural = _("challenge documents")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "document"], name="challenge_document_unique_document"
            ),
            models.UniqueConstraint(
                fields=["challenge", "position"], name="challenge_document_unique_position"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="challenge_document_has_title"),
        ]

    def __str__(self) -> str:
        return self.title
