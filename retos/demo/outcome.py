"""After the demos: the decision (fallo), complaints, the award and contract, milestones and
payments, the final delivery, the catalog and a reuse.

- ``DECISIONS``: the published justification of each decision and the reason for every
  admissible proposal not selected (the tutoring challenge is declared deserted with its
  reason: nobody reached the minimum score).
- ``COMPLAINTS``: a bidder's *inconformidad* against the early-warning decision, with evidence
  (one file confidential), taken under review and dismissed with a reasoned response before the
  award; and one against the environmental-complaints decision, filed within the window that is
  still open on the load day, so that challenge stays "decided".
- The award to the winner at its price, the contract (a signed PDF written like the challenges'
  documents) and four milestones from the winner's work plan, scaled to the contract's term;
  the supplier's progress posts, the agency's acceptances and payments; the final delivery with
  a ``publiccode.yml`` valid against the schema (the anti-corruption platform's first delivery
  is returned with observations and the second accepted); the catalog entries follow; another
  body reports reusing each completed tool.

:func:`plan_outcome` dates every step from ``Timeline.moments``: a pure function of the load
date, so a test can check it for every day of a year. Only what already happened on the load
day is planned (the implementation challenge has its first milestones paid and the next ones in
progress).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import yaml

from retos.core.business_days import add_business_days, is_business_day
from retos.core.formatting import format_mxn
from retos.demo import data
from retos.demo import evaluation as panels
from retos.demo import proposals as bids
from retos.demo.timeline import Timeline, previous_business_day

# ---------------------------------------------------------------------------------------------
# The decisions.


@dataclass(frozen=True)
class DecisionSpec:
    #: Published; ``{winner}`` and ``{price}`` are filled in.
    justification: str
    #: Why each admissible proposal was not selected, by company handle.
    reasons: dict[str, str]


DECISIONS: dict[str, DecisionSpec] = {
    "alerta-temprana": DecisionSpec(
        justification=(
            "Se selecciona la propuesta de {winner}. Obtuvo el primer lugar en la evaluación "
            "del panel de expertos y el puntaje más alto del comité de decisión en la "
            "demostración: una alerta simulada en formato CAP llegó al teléfono de prueba en 12 "
            "segundos de punta a punta, la app mostró las instrucciones y el refugio temporal "
            "más cercano sin conexión, y funcionó en un teléfono de gama baja con lector de "
            "pantalla. Su plan de trabajo es realista y su precio, de {price}, está dentro del "
            "monto máximo del contrato."
        ),
        reasons={
            "jaguar": (
                "Segundo lugar en la evaluación y en la demostración. Su arquitectura es "
                "robusta, pero el envío masivo depende de un servicio de notificaciones de pago "
                "cuyo costo de operación no está incluido, y su precio agota el monto disponible."
            ),
            "colibrinorte": (
                "Tercer lugar. La aplicación web progresiva es ligera, pero en la demostración "
                "las alertas no llegaron con el navegador cerrado, requisito esencial de una "
                "alerta temprana."
            ),
            "tzolkin": (
                "Cuarto lugar. Propuesta cuidadosa en lenguaje claro, pero no acreditó pruebas "
                "de carga y en la demostración la alerta tardó 48 segundos en llegar."
            ),
            "ceiba": (
                "Quinto lugar. Excelente manejo cartográfico de las zonas de riesgo y de los "
                "refugios, pero no resuelve la entrega de alertas en tiempo real, núcleo del reto."
            ),
        },
    ),
    "denuncia-corrupcion": DecisionSpec(
        justification=(
            "Se selecciona la propuesta de {winner}. Obtuvo el primer lugar del panel de "
            "expertos, con la mejor calificación en la protección de la identidad de quien "
            "denuncia: la plataforma no guarda direcciones IP ni los metadatos de los archivos, "
            "y el folio permite dar seguimiento sin crear una cuenta. En la demostración, una "
            "integrante del comité presentó una denuncia con fotografía desde un teléfono "
            "sencillo en menos de cuatro minutos. Su precio, de {price}, está dentro del monto "
            "del contrato."
        ),
        reasons={
            "redciudadana": (
                "Segundo lugar. Muy buena experiencia de uso, pero conserva la dirección IP de "
                "quien denuncia durante 90 días, lo que debilita el anonimato que exige el reto."
            ),
            "sierramadre": (
                "Tercer lugar. Infraestructura sólida y bien dimensionada, pero el módulo para "
                "los órganos internos de control se mostró incompleto en la demostración y su "
                "precio es el más alto."
            ),
            "huitzilin": (
                "Cuarto lugar. Sus tableros de datos abiertos son los mejores de la "
                "convocatoria, pero el flujo de denuncia exige registro previo, contrario a los "
                "términos de referencia."
            ),
            "xoco": (
                "No alcanzó el puntaje mínimo de 60 puntos para ser finalista: la propuesta no "
                "describe cómo protegerá la identidad de quien denuncia ni cómo se integra con "
                "los órganos internos de control."
            ),
        },
    ),
    "escuelas": DecisionSpec(
        justification=(
            "Se selecciona la propuesta de {winner}. Obtuvo el primer lugar en la evaluación y "
            "en la demostración: la ficha de cada escuela usa la clave de centro de trabajo, "
            "los reportes con foto se capturan sin conexión y se sincronizan al recuperar la "
            "señal, y el módulo de validación para las autoridades educativas estatales ya "
            "funciona con datos de prueba de dos entidades. Su precio, de {price}, está dentro "
            "del monto del contrato."
        ),
        reasons={
            "colibrinorte": (
                "Segundo lugar, muy cerca del primero. Su plataforma geoespacial es sólida, pero "
                "el costo anual de operación que estima triplica el de la propuesta seleccionada."
            ),
            "alebrije": (
                "Tercer lugar. La aplicación web es accesible y clara, pero la validación por "
                "las autoridades estatales quedó para una segunda etapa no incluida en el precio."
            ),
            "quetzal": (
                "Cuarto lugar. Sus tableros para priorizar inversiones son muy útiles, pero la "
                "captura de reportes por la comunidad escolar está poco desarrollada."
            ),
            "cartolibre": (
                "Quinto lugar. Buen uso de mapas abiertos, pero el plan de trabajo no prevé "
                "pruebas con comunidades escolares rurales ni operación sin conexión."
            ),
        },
    ),
    "abasto-medicamentos": DecisionSpec(
        justification=(
            "Se selecciona la propuesta de {winner}. Obtuvo el primer lugar del panel y del "
            "comité de decisión: concilia los inventarios de tres instituciones con claves "
            "distintas, publica el abasto diario como datos abiertos sin exponer datos de "
            "pacientes y permite consultar por mensaje de texto. Su precio, de {price}, está "
            "dentro del monto del contrato."
        ),
        reasons={
            "datosbajio": (
                "Segundo lugar. Buena canalización de datos, pero la consulta por mensaje de "
                "texto no formó parte de la demostración y se ofreció como desarrollo adicional."
            ),
            "quetzal": (
                "Tercer lugar. Sólida en el análisis para compras, pero con menor utilidad para "
                "pacientes: la consulta por cercanía no funcionó en la demostración."
            ),
            "cenzontle": (
                "Cuarto lugar. La aplicación web es ligera y clara, pero la integración con los "
                "inventarios se limitó a una institución."
            ),
            "tepache": (
                "Quinto lugar. Muy buena experiencia de uso, pero no mostró cómo conciliaría "
                "claves de medicamentos distintas entre instituciones."
            ),
        },
    ),
    "denuncia-ambiental": DecisionSpec(
        justification=(
            "Se selecciona la propuesta de {winner}. Obtuvo el primer lugar del panel y de la "
            "demostración: las denuncias se capturan sin señal con foto, ubicación y hora "
            "verificables, se turnan a la autoridad competente según el lugar de los hechos y "
            "aparecen en un mapa público sin datos personales. Su precio, de {price}, está "
            "dentro del monto del contrato."
        ),
        reasons={
            "redciudadana": (
                "Segundo lugar. Excelente seguimiento público de cada caso, pero la captura sin "
                "conexión no conserva una hora verificable de la fotografía, elemento que la "
                "PROFEPA necesita como evidencia."
            ),
            "geopeninsular": (
                "Tercer lugar. Muy buena cartografía de las áreas naturales protegidas, pero la "
                "app solo se mostró en Android de gama media y el turnado a las autoridades "
                "estatales era manual."
            ),
            "cacaodigital": (
                "Cuarto lugar. La captura en campo es ágil, pero la propuesta no incluye el "
                "módulo de atención para la PROFEPA que piden los términos de referencia."
            ),
            "tequio": (
                "No alcanzó el puntaje mínimo de 60 puntos para ser finalista: el plan de "
                "trabajo no cubre la operación sin conexión ni la protección de los datos de "
                "quien denuncia."
            ),
        },
    ),
    "tutorias-telebachillerato": DecisionSpec(
        justification="",  # the challenge's published reason for the desertion
        reasons={
            "mixteca": (
                "Obtuvo menos del puntaje mínimo de 70 puntos publicado en la convocatoria. La "
                "propuesta es pertinente y cuida la lengua de las comunidades, pero no resuelve "
                "el uso con conexión intermitente, el criterio de mayor peso."
            ),
        },
    ),
}


# ---------------------------------------------------------------------------------------------
# Complaints.


@dataclass(frozen=True)
class EvidenceSpec:
    title: str
    file_name: str
    confidential: bool
    lines: tuple[str, ...]


@dataclass(frozen=True)
class MoveSpec:
    #: Business days after the decision, and the hour.
    after: int
    hour: int
    status: str
    response: str


@dataclass(frozen=True)
class ComplaintSpec:
    company: str
    grounds: str
    evidence: tuple[EvidenceSpec, ...]
    #: Business days after the decision on which it was filed (0: the day of the decision).
    filed_after: int
    filed_hour: int
    moves: tuple[MoveSpec, ...] = ()


COMPLAINTS: dict[str, tuple[ComplaintSpec, ...]] = {
    "alerta-temprana": (
        ComplaintSpec(
            company="jaguar",
            grounds=(
                "Presentamos inconformidad contra el fallo. El comité de decisión no valoró la "
                "prueba de carga que mostramos en la demostración (dos millones de "
                "notificaciones en 40 segundos) en el criterio «Seguridad y resistencia ante "
                "picos de uso», y la propuesta seleccionada no acreditó una prueba equivalente. "
                "Solicitamos que se revisen los puntajes de ese criterio y, en su caso, se "
                "reponga la evaluación de las demostraciones."
            ),
            evidence=(
                EvidenceSpec(
                    "Informe de la prueba de carga",
                    "informe-prueba-de-carga.pdf",
                    False,
                    (
                        "# Informe de la prueba de carga presentada en la demostración",
                        "Escenario: 2,000,000 de dispositivos simulados, alerta CAP de sismo.",
                        "Resultado: el 99 % de los avisos se entregó en 40 segundos.",
                        "Infraestructura: 12 nodos de envío en dos regiones.",
                    ),
                ),
                EvidenceSpec(
                    "Contrato con un cliente que acredita la experiencia",
                    "contrato-cliente-notificaciones.pdf",
                    True,
                    (
                        "# Extracto de contrato de servicios de notificación masiva",
                        "Contiene datos comerciales de un cliente privado: confidencial.",
                        "Volumen mensual contratado y niveles de servicio comprometidos.",
                    ),
                ),
            ),
            filed_after=2,
            filed_hour=11,
            moves=(
                MoveSpec(
                    3,
                    10,
                    "under_review",
                    "Se admite a revisión. La presidencia del panel y el área jurídica revisarán "
                    "los puntajes del criterio señalado y la evidencia presentada, y se "
                    "responderá antes de que concluya el plazo de inconformidades.",
                ),
                MoveSpec(
                    5,
                    13,
                    "dismissed",
                    "Se declara infundada. El comité sí valoró la prueba de carga: consta en "
                    "las justificaciones publicadas de cada integrante. La propuesta "
                    "seleccionada acreditó en la demostración 1.5 millones de avisos en 35 "
                    "segundos con el mismo canal simulado, y su puntaje en ese criterio es "
                    "congruente con las justificaciones. La diferencia final se explica por los "
                    "criterios de claridad de las instrucciones y de costo. El fallo se "
                    "mantiene.",
                ),
            ),
        ),
    ),
    "denuncia-ambiental": (
        ComplaintSpec(
            company="redciudadana",
            grounds=(
                "Presentamos inconformidad contra el fallo. El motivo publicado para no "
                "seleccionar nuestra propuesta parte de un error de hecho: nuestra app sí "
                "conserva una hora verificable de cada fotografía (la hora del dispositivo "
                "firmada al capturar y el sello de tiempo del servidor al sincronizar), como "
                "mostramos en la demostración. Pedimos que se revise el puntaje del criterio "
                "«Pertinencia para la procuración ambiental»."
            ),
            evidence=(
                EvidenceSpec(
                    "Capturas de la demostración con el sello de tiempo",
                    "capturas-demo-sello-de-tiempo.pdf",
                    False,
                    (
                        "# Capturas de pantalla de la demostración",
                        "Denuncia de prueba capturada sin señal a las 10:42 y sincronizada "
                        "a las 10:58, con ambas horas en el expediente.",
                    ),
                ),
                EvidenceSpec(
                    "Bitácora del servidor de la demostración",
                    "bitacora-servidor-demo.pdf",
                    True,
                    (
                        "# Bitácora del servidor de demostración",
                        "Contiene direcciones internas de nuestra infraestructura: confidencial.",
                    ),
                ),
            ),
            filed_after=0,
            filed_hour=17,
            moves=(
                MoveSpec(
                    1,
                    11,
                    "under_review",
                    "Se admite a revisión. La presidencia del panel y el área jurídica de la "
                    "Procuraduría revisarán la grabación de la demostración y la evidencia "
                    "presentada.",
                ),
            ),
        ),
    ),
}


# ---------------------------------------------------------------------------------------------
# The contract, milestones and delivery.

#: Share of the award paid at each milestone.
MILESTONE_SHARES = (Decimal("0.20"), Decimal("0.30"), Decimal("0.30"), Decimal("0.20"))


@dataclass(frozen=True)
class ToolSpec:
    """What the delivered tool is called and says of itself (its ``publiccode.yml``)."""

    name: str
    generic_name: str
    short: str
    long: str
    features: tuple[str, ...]
    platforms: tuple[str, ...]
    software_type: str
    categories: tuple[str, ...]
    scope: tuple[str, ...]
    #: The first delivery was returned with these observations (then a second was accepted).
    returned: str = ""


TOOLS: dict[str, ToolSpec] = {
    "alerta-temprana": ToolSpec(
        name="Alerta Temprana",
        generic_name="Alertas ante desastres",
        short=(
            "App que avisa a cada persona, según su ubicación, de sismos, huracanes, "
            "inundaciones y actividad volcánica, con información oficial."
        ),
        long=(
            "Alerta Temprana recibe los avisos oficiales en el Protocolo Común de Alerta (CAP) "
            "y los entrega a las personas que están dentro del área afectada, sin que su "
            "ubicación salga del teléfono. Cada aviso trae instrucciones en lenguaje claro de "
            "qué hacer antes, durante y después del fenómeno, y el mapa de refugios temporales "
            "y rutas de evacuación funciona sin conexión.\n\n"
            "Protección Civil redacta, revisa y envía los avisos desde un panel web con doble "
            "autorización. La app funciona en teléfonos de gama baja, con lector de pantalla y "
            "letra grande, y usa SMS como respaldo cuando no hay datos."
        ),
        features=(
            "Avisos geolocalizados a partir de alertas CAP firmadas",
            "Instrucciones en lenguaje claro por tipo de fenómeno",
            "Mapa de refugios temporales sin conexión",
            "Panel de Protección Civil con doble autorización",
            "Respaldo por SMS",
        ),
        platforms=("android", "ios", "web"),
        software_type="standalone/mobile",
        categories=("communications", "geographic-information-systems"),
        scope=("emergency-services", "government"),
    ),
    "denuncia-corrupcion": ToolSpec(
        name="Denuncia Segura",
        generic_name="Plataforma de denuncias",
        short=(
            "Plataforma para denunciar de forma anónima actos de corrupción en oficinas de "
            "gobierno y dar seguimiento a cada denuncia con un folio."
        ),
        long=(
            "Denuncia Segura permite a cualquier persona denunciar cobros indebidos, sobornos "
            "y malos tratos en oficinas y trámites, desde un teléfono sencillo y sin crear una "
            "cuenta. No guarda direcciones IP ni los metadatos de las fotografías y documentos "
            "que se adjuntan, y entrega un folio para consultar el estado de la denuncia.\n\n"
            "Los órganos internos de control reciben las denuncias turnadas en una bandeja con "
            "tiempos de atención visibles, y la plataforma publica estadísticas agregadas como "
            "datos abiertos, sin datos personales."
        ),
        features=(
            "Denuncia anónima con pruebas (fotos, audio, documentos)",
            "Folio de seguimiento sin registro",
            "Bandeja de atención para los órganos internos de control",
            "Estadísticas agregadas en datos abiertos",
            "API para integrar otras vías de denuncia",
        ),
        platforms=("web", "android"),
        software_type="standalone/web",
        categories=("whistleblowing", "digital-citizenship"),
        scope=("justice", "government"),
        returned=(
            "Se devuelve con observaciones: 1) el manual de despliegue no documenta la rotación "
            "de las llaves de cifrado; 2) faltan las pruebas automatizadas del módulo para los "
            "órganos internos de control (la cobertura reportada es de 41 %; el plan "
            "comprometía 80 %); 3) el publiccode.yml declara la versión 0.9 en estado «beta»: "
            "para el catálogo debe declarar la versión estable una vez atendidas las "
            "observaciones."
        ),
    ),
}

#: Another body reports reusing each completed tool: (challenge key, body key, note).
REUSES: tuple[tuple[str, str, str], ...] = (
    (
        "alerta-temprana",
        "jalisco",
        "La Unidad Estatal de Protección Civil la desplegó con su propio catálogo de refugios "
        "temporales y la usa desde la temporada de lluvias.",
    ),
    (
        "denuncia-corrupcion",
        "nuevo-leon",
        "La Contraloría del Estado la adaptó para recibir denuncias sobre trámites estatales.",
    ),
)

_PROGRESS_NOTES = (
    "Arrancamos el hito con la dependencia: acordamos el alcance, el calendario de pruebas y "
    "los accesos a los sistemas. Los primeros avances están en el repositorio público.",
    "Versión preliminar de «{deliverable}» en el ambiente de pruebas; atendemos las "
    "observaciones de la reunión de seguimiento con el área usuaria.",
)


def winner(key: str) -> str:
    return panels.PANELS[key].winner


def award_amount(key: str) -> Decimal:
    """The winner's price: the one in the version of its proposal that counted."""
    spec = panels.challenge_spec(key)
    bid = panels.bid_for(key, winner(key))
    price = bids.sections(spec, bid, version=2 if bid.resubmitted else 1)["price"]
    return Decimal(price)


def milestone_amounts(key: str) -> list[Decimal]:
    total = award_amount(key)
    amounts = [(total * share).quantize(Decimal("0.01")) for share in MILESTONE_SHARES[:-1]]
    return [*amounts, total - sum(amounts)]


def _on_business_day(day: date) -> date:
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def milestone_dates(key: str, starts_on: date, ends_on: date) -> list[date]:
    """Each milestone's due date: the winner's work plan (weeks) scaled to the contract."""
    plan = bids.APPROACHES[panels.bid_for(key, winner(key)).approach].plan
    last = plan[-1][1]
    span = (ends_on - starts_on).days
    due = [
        _on_business_day(starts_on + timedelta(days=span * weeks // last)) for _t, weeks, _d in plan
    ]
    due[-1] = ends_on
    return due


def milestones(key: str, starts_on: date, ends_on: date) -> list[dict]:
    plan = bids.APPROACHES[panels.bid_for(key, winner(key)).approach].plan
    return [
        {"title": title, "deliverables": deliverable, "due_on": due, "amount": amount}
        for (title, _weeks, deliverable), due, amount in zip(
            plan, milestone_dates(key, starts_on, ends_on), milestone_amounts(key), strict=True
        )
    ]


def contract_number(key: str, signed_on: date) -> str:
    spec = panels.challenge_spec(key)
    body = next(b for b in data.BODIES if b.key == spec.body)
    position = [s.key for s in data.CHALLENGES].index(key) + 1
    return f"{body.acronym or body.key.upper()}-RP-{position:03d}/{signed_on.year}"


def repository_url(key: str) -> str:
    return f"https://codigo.{winner(key)}.example/{key}"


def delivery_licence(key: str) -> str:
    spec = panels.challenge_spec(key)
    return spec.licences[panels.bid_for(key, winner(key)).licence]


def publiccode_yml(key: str, released: date, *, number: int = 1) -> str:
    """The delivered tool's ``publiccode.yml`` (valid against the schema)."""
    tool = TOOLS[key]
    spec = panels.challenge_spec(key)
    body = next(b for b in data.BODIES if b.key == spec.body)
    company = bids.company_spec(winner(key))
    contact = company.member_name or company.admin_name
    contact_email = company.member_email if company.member_name else company.admin_email
    draft = bool(tool.returned) and number == 1
    document = {
        "publiccodeYmlVersion": "0.4",
        "name": tool.name,
        "url": repository_url(key),
        "landingURL": f"https://{winner(key)}.example/{key}",
        "softwareVersion": "0.9.0" if draft else "1.0.0",
        "releaseDate": released.isoformat(),
        "platforms": list(tool.platforms),
        "categories": list(tool.categories),
        "usedBy": [body.name],
        "developmentStatus": "beta" if draft else "stable",
        "softwareType": tool.software_type,
        "intendedAudience": {"countries": ["MX"], "scope": list(tool.scope)},
        "description": {
            "es": {
                "localisedName": tool.name,
                "genericName": tool.generic_name,
                "shortDescription": tool.short,
                "longDescription": tool.long,
                "documentation": f"https://{winner(key)}.example/{key}/manual",
                "features": list(tool.features),
            }
        },
        "legal": {
            "license": delivery_licence(key),
            "mainCopyrightOwner": body.name,
            "repoOwner": body.name,
        },
        "maintenance": {
            "type": "contract",
            "contractors": [
                {
                    "name": company.name,
                    "until": date(released.year + 1, released.month, 1).isoformat(),
                    "website": f"https://{winner(key)}.example",
                }
            ],
            "contacts": [{"name": contact, "email": contact_email, "affiliation": company.name}],
        },
        "localisation": {"localisationReady": True, "availableLanguages": ["es"]},
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=90)


# ---------------------------------------------------------------------------------------------
# The signed contract, written as a small PDF with WeasyPrint like the challenges' documents.


def contract_html(key: str, *, number: str, signed_on: date, starts_on: date, ends_on: date) -> str:
    from django.utils.html import escape

    from retos.demo.documents import STYLE

    spec = panels.challenge_spec(key)
    body = next(b for b in data.BODIES if b.key == spec.body)
    company = bids.company_spec(winner(key))
    approver = next(p for p in body.people if "approver" in p.roles)
    rows = "".join(
        f"<tr><td>{i}</td><td>{escape(m['title'])}</td><td>{escape(m['deliverables'])}</td>"
        f"<td>{m['due_on'].isoformat()}</td><td>{escape(format_mxn(m['amount']))}</td></tr>"
        for i, m in enumerate(milestones(key, starts_on, ends_on), start=1)
    )
    return f"""<!DOCTYPE html>
<html lang="es-MX"><head><meta charset="utf-8">
<title>Contrato {escape(number)}</title><style>{STYLE}</style></head>
<body>
<p class="body">{escape(body.name)}</p>
<h1>Contrato de prestación de servicios {escape(number)}</h1>
<p class="kind">{escape(spec.title)}</p>
<h2>1. Partes</h2>
<p>Por una parte, {escape(body.name)}, representada por {escape(approver.full_name)}; por la
otra, {escape(company.name)} (RFC {escape(company.rfc)}), representada por
{escape(company.admin_name)}, su representante legal.</p>
<h2>2. Objeto</h2>
<p>El desarrollo y la entrega de la herramienta del reto «{escape(spec.title)}», conforme a los
términos de referencia publicados y a la propuesta seleccionada en el fallo.</p>
<h2>3. Monto</h2>
<p>{escape(format_mxn(award_amount(key)))}, IVA incluido, pagaderos contra la aceptación de cada
hito.</p>
<h2>4. Vigencia</h2>
<p>Del {starts_on.isoformat()} al {ends_on.isoformat()}. Firmado el {signed_on.isoformat()}.</p>
<h2>5. Hitos y pagos</h2>
<table><thead><tr><th>#</th><th>Hito</th><th>Entregables</th><th>Fecha</th><th>Pago</th></tr>
</thead><tbody>{rows}</tbody></table>
<h2>6. Licencia y propiedad intelectual</h2>
<p>El código fuente se entrega completo, con su historial, bajo la licencia
{escape(delivery_licence(key))}, en un repositorio público con su publiccode.yml.</p>
<p class="note">Contrato firmado por ambas partes. Documento de demostración de la plataforma
Retos: no tiene validez legal.</p>
</body></html>"""


def contract_pdf(key: str, **dates) -> bytes:
    import weasyprint  # imported here: loading it (Pango, fonts) takes a moment

    return weasyprint.HTML(string=contract_html(key, **dates)).write_pdf()


def evidence_pdf(evidence: EvidenceSpec) -> bytes:
    return bids.text_pdf([*evidence.lines, "", "Documento de demostración."], title=evidence.title)


# ---------------------------------------------------------------------------------------------
# When each step happened.


@dataclass(frozen=True)
class OutcomeStep:
    when: datetime
    #: decide, deserted, complaint_file, complaint_move, award, progress, milestone_submit,
    #: milestone_accept, payment, delivery_submit, delivery_review, reuse.
    action: str
    company: str = ""
    #: The complaint's index in ``COMPLAINTS[key]``, the milestone's number, the delivery's.
    number: int = 0
    status: str = ""
    text: str = ""
    progress: int = 0
    accept: bool = True
    body: str = ""


def plan_outcome(
    spec: data.ChallengeSpec, timeline: Timeline, today: date, tz: str
) -> list[OutcomeStep]:
    """The dated steps from the decision to the catalog, as if loaded on ``today``."""
    moments = timeline.moments
    stages = {action for _when, action in timeline.steps}
    if not moments or not ({"decide", "declare_deserted"} & stages):
        return []
    zone = ZoneInfo(tz)
    load_day = panels._load_day(today)
    steps: list[OutcomeStep] = []

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=zone)

    def day_of(moment: datetime) -> date:
        return moment.astimezone(zone).date()

    def add(step: OutcomeStep) -> None:
        if step.when < load_day:
            steps.append(step)

    if "declare_deserted" in stages:
        add(OutcomeStep(moments["declare_deserted"], "deserted"))
        return steps
    decision = moments["decide"]
    add(OutcomeStep(decision, "decide", company=winner(spec.key)))
    decided_on = day_of(decision)
    for index, complaint in enumerate(COMPLAINTS.get(spec.key, ())):
        if complaint.filed_after:
            filed = at(add_business_days(decided_on, complaint.filed_after), complaint.filed_hour)
        else:
            filed = at(decided_on, complaint.filed_hour, 20)
        add(OutcomeStep(filed, "complaint_file", company=complaint.company, number=index))
        for move in complaint.moves:
            when = at(add_business_days(decided_on, move.after), move.hour)
            add(OutcomeStep(when, "complaint_move", number=index, status=move.status))
    if "award" not in stages:
        return steps
    add(OutcomeStep(moments["award"], "award", company=winner(spec.key)))
    if "start_implementation" not in stages:
        return steps

    # Milestones: two progress posts in each one's stretch, submitted the business day before
    # it is due, accepted two business days after, paid five business days after that. The last
    # one is submitted with the delivery, accepted before it, and paid after the completion.
    started = moments["start_implementation"]
    starts_on = day_of(moments["contract_start"])
    delivery = moments["delivery"]
    ends_on = day_of(delivery)
    complete = moments["complete"]
    due_dates = milestone_dates(spec.key, starts_on, ends_on)
    previous = started
    plan = bids.APPROACHES[panels.bid_for(spec.key, winner(spec.key)).approach].plan
    for n, due in enumerate(due_dates, start=1):
        last = n == len(due_dates)
        submitted = at(previous_business_day(due), 16)
        stretch = submitted - previous
        for k, (share, percent) in enumerate(((0.35, 30 + 5 * n), (0.75, 70 + 2 * n))):
            note = _PROGRESS_NOTES[k].format(deliverable=plan[n - 1][2].lower())
            when = (previous + stretch * share).astimezone(zone)
            when = at(when.date(), 17, 10 * k)
            if previous < when < submitted:
                add(OutcomeStep(when, "progress", number=n, progress=percent, text=note))
        add(OutcomeStep(submitted, "milestone_submit", number=n))
        if last:
            accepted = at(add_business_days(ends_on, 3), 12)
            paid = at(add_business_days(day_of(complete), 5), 11)
        else:
            accepted = at(add_business_days(due, 2), 12)
            paid = at(add_business_days(due, 7), 11)
        add(OutcomeStep(accepted, "milestone_accept", number=n))
        add(OutcomeStep(paid, "payment", number=n))
        previous = accepted

    # The final delivery: returned once with observations where the tool says so.
    if TOOLS.get(spec.key) and TOOLS[spec.key].returned:
        add(OutcomeStep(at(_back(ends_on, 10), 12), "delivery_submit", number=1))
        add(
            OutcomeStep(
                at(_back(ends_on, 7), 17),
                "delivery_review",
                number=1,
                accept=False,
                text=TOOLS[spec.key].returned,
            )
        )
        add(OutcomeStep(at(_back(ends_on, 2), 12), "delivery_submit", number=2))
        final = 2
    elif "complete" in stages:
        add(OutcomeStep(at(_back(ends_on, 2), 12), "delivery_submit", number=1))
        final = 1
    else:
        final = 0
    if "complete" in stages:
        add(OutcomeStep(complete, "delivery_review", number=final, accept=True))
        for key, body, note in REUSES:
            if key == spec.key:
                add(OutcomeStep(moments["reuse"], "reuse", body=body, text=note))
    return sorted(steps, key=lambda s: s.when)


def _back(day: date, business_days: int) -> date:
    for _ in range(business_days):
        day = previous_business_day(day)
    return day
