"""The decision (fallo) as a document: a self-contained HTML page drawn from the frozen record,
and the PDF WeasyPrint makes of it (``retos/core/pdf.py``).

Like the opening act: the stylesheet is inlined, fonts are the system's, and the URL fetcher
refuses anything outside this app's static folder. The decision is an official record: it is
always written in the site's language (Spanish), whatever the language of the request.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from retos.core import pdf
from retos.decisions.record import record_view

STATIC_DIR = Path(__file__).resolve().parent / "static" / "decisions"
STYLESHEET = STATIC_DIR / "decision.css"


def render_decision_html(*, challenge, decision) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        site = settings.SITE_URL.rstrip("/")
        return render_to_string(
            "decisions/decision_document.html",
            {
                "challenge": challenge,
                "decision": decision,
                "view": record_view(decision.record),
                "stylesheet": STYLESHEET.read_text(encoding="utf-8"),
                "challenge_url": site + challenge.get_absolute_url(),
                "decision_url": site + reverse("decisions:public", kwargs={"slug": challenge.slug}),
                "document": True,
            },
        )


def html_to_pdf(html: str) -> bytes:
    return pdf.html_to_pdf(html, static_dir=STATIC_DIR)
