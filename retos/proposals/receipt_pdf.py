"""The receipt of a proposal (acuse de recibo) as a PDF, made by WeasyPrint from a
self-contained HTML page.

Like the minutes (``retos/clarifications/pdf.py``): the stylesheet is inlined, fonts are the
system's, and the URL fetcher refuses anything outside this app's static folder. The receipt is
an official record, so it is always written in the site's language (Spanish), whatever the
language of the request; the page on the site follows the request's language.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from retos.core import pdf

STATIC_DIR = Path(__file__).resolve().parent / "static" / "proposals"
STYLESHEET = STATIC_DIR / "receipt.css"


def render_receipt_html(*, proposal, version, document) -> str:
    """The receipt as one HTML document. ``document`` is the version's canonical content, read
    through ``services.proposal_version_read`` (which records the read)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "proposals/receipt_document.html",
            {
                "proposal": proposal,
                "challenge": proposal.challenge,
                "version": version,
                "document": document,
                "stylesheet": STYLESHEET.read_text(encoding="utf-8"),
                "proposal_url": settings.SITE_URL.rstrip("/") + proposal.get_absolute_url(),
            },
        )


def html_to_pdf(html: str) -> bytes:
    return pdf.html_to_pdf(html, static_dir=STATIC_DIR)
