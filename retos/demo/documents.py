"""The demo's challenge documents, written as small real PDFs with WeasyPrint.

The terms of reference are written from the challenge as it was drafted (its text, criteria,
licences and calendar); an annex from its own sections. Nothing is fetched: no stylesheet, image
or font outside the system's.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import translation
from django.utils.html import escape

from retos.challenges.models import TIMELINE_FIELDS, Challenge
from retos.core.formatting import format_datetime, format_mxn
from retos.demo.activity import DocumentSpec
from retos.demo.data import BodySpec, ChallengeSpec

STYLE = """
@page { size: letter; margin: 2cm; @bottom-right { content: counter(page); font-size: 9pt; } }
body { font-family: sans-serif; font-size: 10.5pt; line-height: 1.4; color: #1b1b1b; }
.body { font-size: 9pt; text-transform: uppercase; letter-spacing: .05em; color: #555; }
h1 { font-size: 16pt; margin: .3em 0 .2em; }
h2 { font-size: 12pt; margin: 1.2em 0 .3em; border-bottom: 1px solid #999; }
p.kind { font-size: 11pt; margin: 0 0 1em; color: #333; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .25em .4em; text-align: left; vertical-align: top; }
.note { font-size: 8.5pt; color: #555; margin-top: 2em; }
"""

_LABELS = {
    "questions_close_at": "Cierre de preguntas (junta de aclaraciones)",
    "submissions_close_at": "Fecha límite para presentar propuestas",
    "evaluation_ends_at": "Fin de la evaluación",
    "demo_day_at": "Presentación de demos",
    "decision_at": "Fallo",
    "delivery_at": "Entrega de la herramienta",
}


def _text(value: str) -> str:
    """Paragraphs and "- " lists as HTML, escaped."""
    out: list[str] = []
    items: list[str] = []
    for line in value.splitlines():
        line = line.strip()
        if line.startswith("- "):
            items.append(f"<li>{escape(line[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if line:
            out.append(f"<p>{escape(line)}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(out)


def _terms_sections(spec: ChallengeSpec, body: BodySpec, dates: dict[str, datetime]) -> str:
    category = dict(Challenge._meta.get_field("category").choices)[spec.category]
    criteria = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{c.weight} %</td><td>{escape(c.description)}</td></tr>"
        for c in spec.criteria
    )
    calendar = "".join(
        f"<tr><td>{escape(_LABELS[name])}</td>"
        f"<td>{escape(format_datetime(dates[name], body.time_zone))}</td></tr>"
        for name in TIMELINE_FIELDS
        if name in dates
    )
    return f"""
<h2>1. Objeto del reto</h2>
<p>{escape(spec.summary)}</p>
<p>Categoría: {escape(str(category))}. Monto máximo del contrato:
{escape(format_mxn(spec.amount))}, IVA incluido. Finalistas: {spec.finalists_count}.</p>
<h2>2. Problema</h2>
{_text(spec.problem_statement)}
<h2>3. Contexto</h2>
{_text(spec.context)}
<h2>4. Resultados esperados</h2>
{_text(spec.expected_outcomes)}
<h2>5. Entregables</h2>
{_text(spec.deliverables)}
<h2>6. Criterios de evaluación</h2>
<table><thead><tr><th>Criterio</th><th>Peso</th><th>Qué se valora</th></tr></thead>
<tbody>{criteria}</tbody></table>
<h2>7. Licencias admitidas</h2>
<p>{escape(", ".join(spec.licences))}. El código fuente se entrega completo, con su historial.</p>
<h2>8. Calendario</h2>
<table><tbody>{calendar}</tbody></table>
<p>Las preguntas se presentan en la plataforma mientras el periodo de preguntas esté abierto;
las respuestas se publican para todas las personas al mismo tiempo, sin nombrar a quien
preguntó.</p>
"""


def document_html(
    spec: ChallengeSpec, body: BodySpec, document: DocumentSpec, dates: dict[str, datetime]
) -> str:
    if document.sections is None:
        content = _terms_sections(spec, body, dates)
    else:
        content = "\n".join(
            f"<h2>{i}. {escape(heading)}</h2>\n<p>{escape(paragraph)}</p>"
            for i, (heading, paragraph) in enumerate(document.sections, start=1)
        )
    return f"""<!DOCTYPE html>
<html lang="es-MX"><head><meta charset="utf-8">
<title>{escape(document.title)} · {escape(spec.title)}</title><style>{STYLE}</style></head>
<body>
<p class="body">{escape(body.name)}</p>
<h1>{escape(spec.title)}</h1>
<p class="kind">{escape(document.title)}</p>
{content}
<p class="note">Documento publicado con el reto en la plataforma Retos. Datos de demostración.</p>
</body></html>"""


def document_pdf(
    spec: ChallengeSpec, body: BodySpec, document: DocumentSpec, dates: dict[str, datetime]
) -> bytes:
    import weasyprint  # imported here: loading it (Pango, fonts) takes a moment

    with translation.override(settings.LANGUAGE_CODE):
        html = document_html(spec, body, document, dates)
    # No base URL and nothing to fetch: the document is self-contained.
    return weasyprint.HTML(string=html).write_pdf()
