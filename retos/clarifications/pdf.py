"""The minutes as a document: an HTML snapshot, and the PDF WeasyPrint makes from it.

Nothing is fetched from the network: the stylesheet is inlined, fonts are the system's, and the
URL fetcher refuses anything outside this app's static folder.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

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


def _local_only_fetcher():
    import weasyprint

    base = STATIC_DIR.as_uri() + "/"

    class LocalOnly(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(base):
                raise ValueError(f"the minutes fetch nothing outside {base}: {url}")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols={"file"})


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # imported here: loading it (Pango, fonts) is slow and rarely needed

    return weasyprint.HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_local_only_fetcher()
    ).write_pdf()
