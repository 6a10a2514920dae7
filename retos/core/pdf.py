"""HTML to PDF for the official records (minutes, receipts, opening acts), with WeasyPrint.

Nothing is fetched from the network: each record inlines its stylesheet, fonts are the
system's, and the URL fetcher refuses anything outside the record's own static folder.
"""

from __future__ import annotations

from pathlib import Path


def _local_only_fetcher(static_dir: Path):
    import weasyprint

    base = static_dir.as_uri() + "/"

    class LocalOnly(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(base):
                raise ValueError(f"a record fetches nothing outside {base}: {url}")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols={"file"})


def html_to_pdf(html: str, *, static_dir: Path) -> bytes:
    """The PDF of a self-contained HTML document whose only resources are in ``static_dir``."""
    import weasyprint  # imported here: loading it (Pango, fonts) is slow and rarely needed

    return weasyprint.HTML(
        string=html, base_url=static_dir.as_uri() + "/", url_fetcher=_local_only_fetcher(static_dir)
    ).write_pdf()
