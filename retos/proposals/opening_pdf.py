"""The opening act as a document: a self-contained HTML page and the PDF WeasyPrint makes of it.

Like the minutes of the clarifications (``retos/clarifications/pdf.py``): the stylesheet is
inlined, fonts are the system's, and the URL fetcher refuses anything outside this app's static
folder. The act is an official record: it is always written in the site's language (Spanish),
whatever the language of the request.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from retos.core import pdf

STATIC_DIR = Path(__file__).resolve().parent / "static" / "proposals"
STYLESHEET = STATIC_DIR / "opening.css"


def render_act_html(*, challenge, act, entries) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "proposals/opening_act_document.html",
            {
                "challenge": challenge,
                "act": act,
                "entries": entries,
                "stylesheet": STYLESHEET.read_text(encoding="utf-8"),
                "challenge_url": settings.SITE_URL.rstrip("/") + challenge.get_absolute_url(),
                "act_url": settings.SITE_URL.rstrip("/") + act.get_absolute_url(),
            },
        )


def html_to_pdf(html: str) -> bytes:
    return pdf.html_to_pdf(html, static_dir=STATIC_DIR)
