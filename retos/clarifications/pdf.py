"""The minutes as a document: an HTML snapshot, and the PDF WeasyPrint makes from it.

Nothing is fetched from the network: the stylesheet is inlined, fonts are the system's, and the
URL fetcher refuses anything outside this app's static folder.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from retos.core import pdf

STATIC_DIR = Path(__file__).resolve().parent / "static" / "clarifications"
STYLESHEET = STATIC_DIR / "minutes.css"


def render_minutes_html(*, challenge, questions, generated_at) -> str:
    """The minutes as one self-contained HTML document.

    The minutes are an official record, written once: they are always written in the site's
    language (Spanish), whatever the language of the request that happened to generate them.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "clarifications/minutes_document.html",
            {
                "challenge": challenge,
                "questions": questions,
                "answered": sum(1 for q in questions if q.status == "answered"),
                "declined": sum(1 for q in questions if q.status == "declined"),
                "generated_at": generated_at,
                "stylesheet": STYLESHEET.read_text(encoding="utf-8"),
                "challenge_url": settings.SITE_URL.rstrip("/") + challenge.get_absolute_url(),
            },
        )


def html_to_pdf(html: str) -> bytes:
    return pdf.html_to_pdf(html, static_dir=STATIC_DIR)
