"""The demo's proposals: who bid for which challenge, what they wrote, and when.

Each challenge that was published lists its bids (``BIDS``): the company (by mail ``handle``),
the kind of solution it proposes (``APPROACHES``), its price as a share of the contract amount,
the licence it chose, and how the bid ended: a draft never submitted, submitted (once, or
again with a second version), or withdrawn before the deadline. Bids to the challenges that
were opened carry the officials' admissibility decision.

The text of each proposal is written from the challenge (``BRIEFS``: the tool it asks for, who
will use it, how things stand today) and the approach (stack, user research, work plan, team
roles), so every proposal reads as a proposal for *that* challenge. Each has a small PDF, its
technical proposal, written with WeasyPrint like the challenges' documents.

:func:`plan_bids` dates every step from the challenge's calendar (``retos.demo.timeline``):
written while the challenge takes proposals, submitted before the deadline (a few in its last
minutes), re-submitted after an amendment when the company re-confirmed, and decided on after
the two opening officers opened the proposals. A pure function of the load date, so a test can
check it for every day of a year.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from retos.core.formatting import format_mxn
from retos.core.timezones import MexicanTimeZone
from retos.demo import data
from retos.demo.timeline import Timeline, company_person

DRAFT, SUBMITTED, WITHDRAWN = "draft", "submitted", "withdrawn"
#: How long after the first opening officer the second one confirms.
SECOND_OFFICER_AFTER = timedelta(minutes=6)


@dataclass(frozen=True)
class Brief:
    #: The tool the challenge asks for ("una app que …").
    tool: str
    #: Who will use it.
    users: str
    #: How things stand today.
    today: str
    #: The data or systems it builds on.
    sources: str


BRIEFS: dict[str, Brief] = {
    "alerta-temprana": Brief(
        "una aplicación móvil que avise a cada persona, según su ubicación, de sismos, "
        "huracanes, inundaciones y actividad volcánica",
        "la población de las zonas de riesgo y las unidades estatales de protección civil",
        "los avisos llegan por radio, televisión y redes sociales, tarde y sin distinguir a "
        "quién afectan; en muchas localidades la señal de datos es intermitente",
        "los boletines del CENAPRED, del Servicio Meteorológico Nacional y del Servicio "
        "Sismológico Nacional",
    ),
    "denuncia-corrupcion": Brief(
        "una plataforma para denunciar actos de corrupción en oficinas de gobierno, con "
        "anonimato y seguimiento público de cada caso",
        "las personas que hacen trámites y los órganos internos de control",
        "quien presencia un acto de corrupción no sabe dónde denunciarlo, teme represalias y "
        "nunca se entera de qué pasó con su denuncia",
        "el sistema de atención ciudadana y los catálogos de oficinas de la administración",
    ),
    "escuelas": Brief(
        "un mapa abierto del estado físico de las escuelas públicas, alimentado por "
        "directivos, madres y padres de familia",
        "las comunidades escolares, las autoridades educativas estatales y la prensa",
        "el estado de baños, techos, agua y electricidad de cada plantel se conoce por "
        "encuestas esporádicas que no se publican",
        "el catálogo de centros de trabajo de la SEP y el censo de infraestructura educativa",
    ),
    "abasto-medicamentos": Brief(
        "una consulta pública del abasto de medicamentos en cada unidad de salud",
        "las personas pacientes, el personal de farmacia y los responsables de compras",
        "una receta no surtida obliga a recorrer unidades sin saber en cuál hay existencia, "
        "y los faltantes se detectan cuando ya afectaron a miles de personas",
        "los inventarios de las unidades médicas y el catálogo de claves de medicamentos",
    ),
    "citas-salud": Brief(
        "una agenda de citas en línea para los centros de salud, con recordatorios y lista de "
        "espera",
        "las personas derechohabientes y el personal de recepción de los centros de salud",
        "para conseguir una cita hay que formarse de madrugada, y muchas citas se pierden "
        "porque nadie recuerda cancelarlas",
        "los catálogos de unidades y de servicios de la Secretaría de Salud",
    ),
    "denuncia-ambiental": Brief(
        "un sistema de denuncia ambiental con fotografías georreferenciadas y seguimiento "
        "público de cada expediente",
        "las personas que presencian un daño ambiental y el personal de inspección de PROFEPA",
        "las denuncias llegan por teléfono o por escrito, sin ubicación precisa, y quien "
        "denuncia no sabe si alguien fue a inspeccionar",
        "el registro de expedientes de PROFEPA y la cartografía de áreas naturales protegidas",
    ),
    "carreteras": Brief(
        "un servicio para reportar baches, derrumbes y señalamiento dañado en las "
        "carreteras federales, con su atención visible en un mapa",
        "las personas que conducen, los transportistas y los centros SICT de cada estado",
        "los reportes llegan por teléfono a centros distintos y no hay forma de saber cuáles "
        "tramos acumulan problemas ni cuándo se atendieron",
        "la red carretera federal georreferenciada y los programas de conservación",
    ),
    "apoyos-mipymes": Brief(
        "un buscador único de programas de apoyo y financiamiento para micro, pequeñas y "
        "medianas empresas",
        "las personas emprendedoras y las MIPYMES de todo el país",
        "la información de los programas está dispersa en decenas de sitios, con requisitos "
        "escritos en lenguaje jurídico y convocatorias que cierran sin que nadie se entere",
        "las reglas de operación de los programas federales y estatales",
    ),
    "vivienda-danada": Brief(
        "un registro de viviendas dañadas tras un desastre, levantado en campo desde el "
        "teléfono y con seguimiento de cada apoyo",
        "las brigadas de levantamiento, las familias afectadas y las delegaciones de SEDATU",
        "el censo de daños se hace en papel, se captura semanas después y las familias no "
        "saben en qué etapa está su apoyo",
        "el padrón de beneficiarios y la cartografía del INEGI",
    ),
    "tutorias-telebachillerato": Brief(
        "una plataforma de tutorías en línea para estudiantes de telebachillerato comunitario",
        "estudiantes y docentes de comunidades con conectividad limitada",
        "cada docente atiende todas las asignaturas y el estudiantado no tiene a quién "
        "preguntar fuera del horario de clase",
        "los planes de estudio del telebachillerato comunitario",
    ),
    "transporte-gdl": Brief(
        "información en tiempo real de las rutas de transporte público del área "
        "metropolitana de Guadalajara",
        "las personas usuarias del transporte y las áreas de planeación de movilidad",
        "nadie sabe cuándo pasará la siguiente unidad y los datos de las rutas no están "
        "publicados en un formato abierto",
        "los GPS de las unidades y los datos GTFS de las rutas",
    ),
    "calidad-aire-mty": Brief(
        "una red ciudadana de monitoreo de la calidad del aire con sensores de bajo costo y "
        "datos abiertos",
        "las familias del área metropolitana de Monterrey, escuelas y autoridades ambientales",
        "las estaciones oficiales son pocas y sus datos se publican con retraso, sin cubrir "
        "las colonias donde vive la mayoría",
        "el Sistema Integral de Monitoreo Ambiental del estado",
    ),
    "servicios-urbanos-gdl": Brief(
        "un sistema para reportar baches, alumbrado y servicios urbanos en Guadalajara, con "
        "seguimiento público de cada reporte",
        "las personas vecinas y las cuadrillas de servicios municipales",
        "los reportes se pierden entre llamadas, oficios y redes sociales, y nadie sabe "
        "cuánto tarda el municipio en atenderlos",
        "el sistema de órdenes de trabajo de servicios públicos municipales",
    ),
}


@dataclass(frozen=True)
class Approach:
    label: str
    solution: str
    technical: str
    ux: str
    #: (milestone, week it is delivered, deliverable)
    plan: tuple[tuple[str, int, str], ...]
    #: Roles of two more people besides the company's own.
    roles: tuple[str, str]
    repo: str


APPROACHES: dict[str, Approach] = {
    "movil": Approach(
        "aplicación móvil nativa con servicio web",
        "Construiremos {tool}: una app para Android y iOS y un panel web para {body_acronym}. "
        "La app funciona con poca señal: guarda lo necesario en el teléfono y sincroniza "
        "cuando hay conexión. Los avisos se envían por notificación y, como respaldo, por SMS.",
        "App en Kotlin Multiplatform con interfaz nativa; servicio web en Django y "
        "PostgreSQL con PostGIS; colas con Celery y Redis; notificaciones con Firebase y un "
        "proveedor de SMS intercambiable. Integración con {sources} mediante sus servicios "
        "publicados. Despliegue con contenedores en la nube que elija la dependencia; "
        "cifrado en tránsito y en reposo, registro de auditoría y pruebas automatizadas.",
        "Haremos entrevistas y pruebas de usabilidad con {users} en tres estados desde la "
        "segunda semana. La app cumple WCAG 2.2 AA, funciona con lectores de pantalla y "
        "letra grande, y sus textos están escritos en lenguaje claro.",
        (
            ("Investigación con personas usuarias", 3, "Informe de hallazgos y prototipo"),
            ("Primera versión en teléfonos de prueba", 9, "App beta y panel web"),
            ("Piloto en dos estados", 15, "Informe del piloto y correcciones"),
            ("Publicación en tiendas y transferencia", 20, "App publicada, código y manuales"),
        ),
        ("Desarrollo móvil", "Diseño de experiencia de usuario"),
        "app-movil",
    ),
    "pwa": Approach(
        "aplicación web progresiva para conexiones lentas",
        "Proponemos {tool} como una aplicación web progresiva: se abre desde cualquier "
        "navegador, se instala en el teléfono sin tienda de aplicaciones y sigue funcionando "
        "sin conexión. Pesa menos de 300 KB en la primera carga.",
        "Django y PostgreSQL, páginas generadas en el servidor que funcionan sin JavaScript, "
        "un service worker para el modo sin conexión y una API REST documentada con OpenAPI "
        "para que otros sistemas consuman los datos. Importación periódica de {sources}. "
        "Integración continua, pruebas automatizadas y despliegue con contenedores.",
        "Diseñaremos con {users}: cuatro rondas de pruebas en persona y a distancia, con "
        "teléfonos de gama baja y conexiones 3G. Accesibilidad WCAG 2.2 AA verificada con "
        "herramientas automáticas y con personas usuarias de lectores de pantalla.",
        (
            ("Descubrimiento y prototipo navegable", 4, "Prototipo probado con personas"),
            ("Versión mínima en línea", 10, "Aplicación en ambiente de pruebas"),
            ("Piloto con la dependencia", 16, "Informe del piloto"),
            ("Versión 1.0 y transferencia", 22, "Código, documentación y capacitación"),
        ),
        ("Desarrollo web", "Accesibilidad y pruebas con personas"),
        "pwa",
    ),
    "geo": Approach(
        "plataforma geoespacial con mapas abiertos",
        "Proponemos {tool}, con un mapa como eje: cada registro tiene ubicación precisa, se "
        "puede filtrar por municipio o zona y se descarga como datos abiertos (GeoJSON y "
        "CSV). El personal de {body_acronym} gestiona los casos desde un tablero.",
        "PostGIS sobre PostgreSQL, servicio en Python (Django y GeoDjango), mapas con "
        "MapLibre y teselas vectoriales de OpenStreetMap servidas por la propia plataforma "
        "(sin servicios de pago). Integración con {sources}. Servicios OGC (WMS/WFS) para "
        "QGIS. Respaldo diario y pruebas automatizadas.",
        "Trabajaremos en campo con {users}: recorridos, entrevistas y pruebas con el mapa en "
        "teléfonos comunes. Para quien no use mapas, cada vista tiene una alternativa en lista "
        "y búsqueda por dirección; accesibilidad WCAG 2.2 AA.",
        (
            ("Modelo de datos y cartografía base", 4, "Esquema de datos y mapa base"),
            ("Captura y consulta en el mapa", 10, "Plataforma en ambiente de pruebas"),
            ("Tablero de seguimiento", 15, "Tablero y servicios OGC"),
            ("Datos abiertos y transferencia", 20, "Catálogo de datos, código y manuales"),
        ),
        ("Análisis geoespacial", "Desarrollo web"),
        "mapa",
    ),
    "datos": Approach(
        "plataforma de datos abiertos con tableros públicos",
        "Proponemos {tool} sobre una canalización de datos que limpia, valida y publica la "
        "información cada día. La ciudadanía consulta tableros claros; periodistas e "
        "investigadores descargan los datos completos con su diccionario.",
        "Ingesta en Python con validaciones (Great Expectations), almacenamiento en "
        "PostgreSQL, transformación con dbt y publicación en una API y archivos CSV y "
        "Parquet. Tableros con Apache Superset y páginas públicas ligeras en Django. "
        "Conexión con {sources}. Monitoreo de calidad de datos con alertas.",
        "Entrevistaremos a {users} para saber qué preguntas necesitan responder y probaremos "
        "cada tablero con ellas. Todo gráfico tiene su tabla equivalente y texto alternativo; "
        "accesibilidad WCAG 2.2 AA.",
        (
            ("Inventario de fuentes y diccionario", 3, "Diccionario de datos"),
            ("Canalización de datos diaria", 8, "Datos validados y API"),
            ("Tableros públicos", 13, "Tableros probados con personas usuarias"),
            ("Operación asistida y transferencia", 18, "Manuales y capacitación"),
        ),
        ("Ingeniería de datos", "Visualización de datos"),
        "datos",
    ),
    "civica": Approach(
        "plataforma de participación ciudadana con seguimiento público",
        "Construiremos {tool} pensando primero en quien reporta: pocos pasos, sin crear "
        "cuenta si no quiere, un folio para seguir su caso y avisos de cada cambio. El "
        "personal de {body_acronym} atiende los casos en una bandeja con tiempos de respuesta "
        "visibles para todos.",
        "Django y PostgreSQL; páginas servidas desde el servidor, mejoradas con JavaScript "
        "cuando está disponible; notificaciones por correo y SMS; anonimización de datos "
        "personales antes de publicar; bitácora de auditoría inalterable. Integración con "
        "{sources}. Pruebas automatizadas, análisis de seguridad y despliegue con contenedores.",
        "Talleres de co-diseño con {users} y con el personal que atiende los casos. Lenguaje "
        "claro, formularios accesibles (WCAG 2.2 AA) y pruebas con personas mayores y con "
        "personas con discapacidad visual.",
        (
            ("Co-diseño y prototipo", 4, "Prototipo y guía de contenidos"),
            ("Reporte y seguimiento público", 10, "Sitio en ambiente de pruebas"),
            ("Bandeja de atención y estadísticas", 15, "Bandeja y tablero"),
            ("Piloto, ajustes y transferencia", 21, "Informe del piloto, código y manuales"),
        ),
        ("Desarrollo de software", "Diseño de servicios"),
        "participa",
    ),
    "iot": Approach(
        "red de sensores con hardware abierto y datos en tiempo real",
        "Proponemos {tool} con estaciones de hardware abierto que cualquiera puede armar y "
        "reparar, calibradas contra los equipos de referencia, y una plataforma que publica "
        "las lecturas minuto a minuto.",
        "Estaciones con microcontrolador ESP32 y sensores calibrados; transmisión por MQTT "
        "sobre Wi-Fi o LTE-M; ingesta en TimescaleDB sobre PostgreSQL; API abierta y sitio "
        "ligero en Django; tableros con Grafana. Comparación continua con {sources} para "
        "detectar sensores descalibrados.",
        "Trabajaremos con {users}: talleres de instalación, explicación de los índices en "
        "lenguaje claro y alertas configurables. Sitio accesible (WCAG 2.2 AA).",
        (
            ("Diseño y calibración de la estación", 5, "Prototipo calibrado"),
            ("Plataforma de datos en tiempo real", 10, "API y tableros"),
            ("Instalación de las primeras 30 estaciones", 16, "Red piloto en operación"),
            ("Manuales y transferencia", 22, "Planos, código y manuales"),
        ),
        ("Electrónica", "Desarrollo de software"),
        "sensores",
    ),
}

_PEOPLE = (
    "Ana Lucía Ferrer Gil",
    "Bernardo Ochoa Prieto",
    "Carmen Yáñez Solís",
    "Diego Armando Félix Rubio",
    "Estefanía Lara Quintero",
    "Francisco Javier Mora Tapia",
    "Gisela Trujillo Navarro",
    "Hugo Alberto Vela Cisneros",
    "Inés Paredes Robles",
    "Joaquín Bravo Cuevas",
    "Karla Ibáñez Serrano",
    "Leonardo Arias Montaño",
)


@dataclass(frozen=True)
class BidSpec:
    company: str
    approach: str
    #: Price as a share of the contract amount.
    price: str
    #: Index of the licence among those the challenge allows.
    licence: int = 0
    outcome: str = SUBMITTED
    #: Submitted a second version (for a challenge with an amendment: after it, re-confirming).
    resubmitted: bool = False
    #: First submitted before the challenge's first amendment.
    before_amendment: bool = False
    #: Submitted this many seconds before the deadline (0: days before).
    last_seconds: int = 0
    #: The officials' decision after opening; None: not yet decided.
    admissible: bool | None = True
    reason: str = ""


def _b(company, approach, price, **kw) -> BidSpec:
    return BidSpec(company, approach, price, **kw)


_NO_TEAM = (
    "No acredita la experiencia mínima del equipo que piden los términos de referencia: la "
    "propuesta no incluye a nadie con experiencia previa en desarrollo móvil."
)

BIDS: dict[str, tuple[BidSpec, ...]] = {
    "alerta-temprana": (
        _b("ajolote", "movil", "0.94"),
        _b("ceiba", "geo", "0.89", licence=1),
        _b("colibrinorte", "pwa", "0.97", licence=2),
        _b("jaguar", "movil", "0.99", licence=2, last_seconds=540),
        _b("mixteca", "pwa", "0.81", admissible=False, reason=_NO_TEAM),
        _b("tzolkin", "movil", "0.86", resubmitted=True),
    ),
    "denuncia-corrupcion": (
        _b("cenzontle", "civica", "0.92"),
        _b("huitzilin", "datos", "0.88", licence=1),
        _b("redciudadana", "civica", "0.95", licence=2),
        _b("sierramadre", "civica", "0.99", last_seconds=95),
        _b("xoco", "pwa", "0.78"),
        _b("coyote", "civica", "0.90", outcome=WITHDRAWN),
    ),
    "escuelas": (
        _b("alebrije", "pwa", "0.93"),
        _b("cartolibre", "geo", "0.85", licence=1),
        _b("colibrinorte", "geo", "0.97", licence=2),
        _b("quetzal", "datos", "0.90"),
        _b("niebla", "geo", "0.88", licence=1, resubmitted=True, last_seconds=1500),
    ),
    "abasto-medicamentos": (
        _b("huitzilin", "datos", "0.96"),
        _b("quetzal", "datos", "0.87", licence=1),
        _b("datosbajio", "datos", "0.91", licence=2),
        _b("tepache", "pwa", "0.84"),
        _b("cenzontle", "pwa", "0.89", last_seconds=260),
    ),
    "citas-salud": (_b("kioscocivico", "pwa", "0.90", admissible=None),),
    "denuncia-ambiental": (
        _b("ceiba", "geo", "0.95"),
        _b("geopeninsular", "geo", "0.91", licence=1),
        _b("redciudadana", "civica", "0.98", licence=1),
        _b("tequio", "civica", "0.83", last_seconds=180),
        _b("cacaodigital", "movil", "0.88", licence=2),
    ),
    "carreteras": (
        _b("brujula", "geo", "0.90", licence=1),
        _b("jaguar", "movil", "0.98", before_amendment=True, resubmitted=True),
        _b("nodopacifico", "geo", "0.93", licence=2),
        _b("pitahaya", "movil", "0.86", licence=1),
        _b("coyote", "pwa", "0.82", last_seconds=45),
        _b("niebla", "geo", "0.89", licence=2),
        _b(
            "mezquite",
            "pwa",
            "0.95",
            admissible=False,
            reason=(
                "La propuesta técnica adjunta no corresponde a este reto: describe un sistema "
                "de control de obra, no el reporte ciudadano de carreteras."
            ),
        ),
    ),
    "apoyos-mipymes": (
        _b("ahuehuete", "datos", "0.97", licence=1),
        _b("datosbajio", "datos", "0.88"),
        _b("kioscocivico", "pwa", "0.80", licence=2),
        _b("tepache", "pwa", "0.90", last_seconds=320),
        _b("xoco", "pwa", "0.76", outcome=DRAFT),
    ),
    "vivienda-danada": (
        _b("geopeninsular", "geo", "0.93"),
        _b("huitzilin", "datos", "0.90", licence=1),
        _b("lince", "movil", "0.97", outcome=WITHDRAWN),
        _b("tequio", "movil", "0.85", admissible=None, last_seconds=70),
        _b(
            "cacaodigital",
            "movil",
            "0.88",
            licence=1,
            admissible=False,
            reason=(
                "La empresa no presentó el acta constitutiva ni el poder de su representante "
                "legal, requisitos de elegibilidad de los términos de referencia."
            ),
        ),
        _b("cenzontle", "pwa", "0.91", outcome=DRAFT),
    ),
    "tutorias-telebachillerato": (
        _b("mixteca", "pwa", "0.92"),
        _b(
            "tequio",
            "pwa",
            "0.95",
            licence=1,
            admissible=False,
            reason=(
                "El precio no incluye el hospedaje ni la operación durante el primer ciclo "
                "escolar, que los términos de referencia piden como entregable."
            ),
        ),
    ),
    # Sealed: the deadline passed, the opening act has not happened yet.
    "transporte-gdl": (
        _b("brujula", "datos", "0.92", licence=3),
        _b("cartolibre", "geo", "0.88", licence=1),
        _b("nopaldigital", "pwa", "0.95", last_seconds=30),
        _b("pitahaya", "movil", "0.90", before_amendment=True),
        _b("tzolkin", "pwa", "0.84", licence=2, before_amendment=True, resubmitted=True),
        _b("cenzontle", "pwa", "0.87", outcome=DRAFT),
    ),
    # Sealed and still taking proposals.
    "calidad-aire-mty": (
        _b("colibrinorte", "iot", "0.96", resubmitted=True),
        _b("nodopacifico", "iot", "0.91", licence=1, before_amendment=True),
        _b("sensoresoccidente", "iot", "0.93", outcome=DRAFT),
        _b("cenzontle", "datos", "0.86", licence=2, outcome=WITHDRAWN),
        _b("niebla", "datos", "0.89", licence=2, outcome=DRAFT),
    ),
    "servicios-urbanos-gdl": (
        _b("kioscocivico", "civica", "0.90"),
        _b("cenzontle", "civica", "0.94", outcome=DRAFT),
        _b("tepache", "civica", "0.88", licence=1, outcome=DRAFT),
    ),
}


def company_spec(handle: str) -> data.CompanySpec:
    return next(c for c in data.COMPANIES if c.handle == handle)


def _pick(seed: str, items, k: int):
    digest = hashlib.sha256(f"retos-demo:{seed}".encode()).digest()
    start = digest[0] % len(items)
    return [items[(start + i * 5) % len(items)] for i in range(k)]


def sections(spec: data.ChallengeSpec, bid: BidSpec, *, version: int = 1) -> dict:
    """The proposal's sections, as ``proposal_save`` takes them."""
    brief = BRIEFS[spec.key]
    approach = APPROACHES[bid.approach]
    company = company_spec(bid.company)
    body = next(b for b in data.BODIES if b.key == spec.body)
    short = company.name.split(",")[0]
    words = {
        "tool": brief.tool,
        "users": brief.users,
        "sources": brief.sources,
        "body_acronym": body.acronym,
    }
    price = (spec.amount * Decimal(bid.price)).quantize(Decimal("1000"))
    if version > 1:
        price -= Decimal(25_000)
    team = [{"name": company.admin_name, "role": "Dirección del proyecto"}]
    if company.member_name:
        team.append({"name": company.member_name, "role": "Coordinación técnica"})
    for name, role in zip(
        _pick(f"{spec.key}:{bid.company}", _PEOPLE, 2), approach.roles, strict=True
    ):
        team.append({"name": name, "role": role})
    plan = [
        {"title": title, "weeks": weeks, "deliverable": deliverable}
        for title, weeks, deliverable in approach.plan
    ]
    summary = (
        f"{short} propone {brief.tool}, como {approach.label}, para {brief.users}. "
        f"Todo el código se entrega con licencia {spec.licences[bid.licence]} desde el primer "
        "día, en un repositorio público, con su documentación."
    )
    if version > 1:
        summary += (
            " Esta versión ajusta el precio y el plan de trabajo a los términos vigentes del reto."
        )
    return {
        "summary": summary,
        "understanding": (
            f"Hoy {brief.today}. El problema no es solo tecnológico: {brief.users} necesitan "
            "información confiable, a tiempo y en lenguaje claro, y la dependencia necesita "
            "saber qué pasa para actuar. Cualquier solución debe funcionar en teléfonos "
            "comunes, con conexiones lentas, y cuidar los datos personales."
        ),
        "solution": approach.solution.format(**words),
        "technical_approach": approach.technical.format(**words),
        "ux_approach": approach.ux.format(**words),
        "work_plan": plan,
        "team": team,
        "price": str(price),
        "licence": spec.licences[bid.licence],
        "links": [
            f"https://codigo.{company.handle}.example/{approach.repo}",
            f"https://{company.handle}.example/proyectos",
        ],
    }


# ---------------------------------------------------------------------------------------------
# The technical proposal attached to each bid: a small text PDF.
#
# Written directly (a few kilobytes, in microseconds) rather than with WeasyPrint like the
# challenges' documents: sixty of them through WeasyPrint's font subsetting would add half a
# minute to the load. Helvetica is one of the PDF standard fonts, so nothing is embedded; its
# WinAnsi encoding covers Spanish.


def attachment_name(bid: BidSpec) -> str:
    return f"propuesta-tecnica-{bid.company}.pdf"


def attachment_lines(spec: data.ChallengeSpec, bid: BidSpec, content: dict) -> list[str]:
    """The document's lines; a line starting with "# " is a heading."""
    company = company_spec(bid.company)
    lines = [
        f"{company.name} - RFC {company.rfc}",
        f"# Propuesta técnica: {spec.title}",
        "",
        "# 1. Resumen",
        content["summary"],
        "",
        "# 2. Solución",
        content["solution"],
        "",
        "# 3. Enfoque técnico",
        content["technical_approach"],
        "",
        "# 4. Plan de trabajo",
        *(
            f"- Semana {m['weeks']}: {m['title']}. Entregable: {m['deliverable']}."
            for m in content["work_plan"]
        ),
        "",
        "# 5. Equipo",
        *(f"- {p['name']}: {p['role']}" for p in content["team"]),
        "",
        "# 6. Precio",
        f"{format_mxn(Decimal(content['price']))}, IVA incluido.",
        "",
        "Documento de demostración de la plataforma Retos.",
    ]
    return lines


def _wrap(text: str, width: int) -> list[str]:
    out, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*out, line]


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_pdf(lines: list[str], *, title: str) -> bytes:
    """A valid PDF 1.4 of ``lines`` on letter pages (headings in bold)."""
    rows: list[tuple[bool, str]] = []
    for line in lines:
        heading = line.startswith("# ")
        text = line[2:] if heading else line
        rows += [(heading, part) for part in (_wrap(text, 80 if heading else 95) or [""])]
    per_page = 52
    pages = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + _pdf_string(title) + b" /Producer (Retos demo) >>",
    ]
    kids = []
    for page in pages:
        stream = [b"BT", b"14 TL", b"56 740 Td"]
        for heading, text in page:
            stream.append(b"/F2 11 Tf" if heading else b"/F1 10 Tf")
            stream.append(_pdf_string(text) + b" Tj T*")
        stream.append(b"ET")
        body = b"\n".join(stream)
        objects.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
        content_ref = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>" % content_ref
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def attachment_pdf(spec: data.ChallengeSpec, bid: BidSpec, content: dict) -> bytes:
    company = company_spec(bid.company)
    return text_pdf(
        attachment_lines(spec, bid, content), title=f"Propuesta técnica - {company.name}"
    )


# ---------------------------------------------------------------------------------------------
# When each step happened.


@dataclass(frozen=True)
class BidStep:
    when: datetime
    #: "write" (start, sections and attachment), "submit", "resubmit", "withdraw",
    #: "admissibility".
    action: str
    bid: BidSpec
    email: str


def _company_ready_day(handle: str) -> int:
    """The day (relative to the load date) from which the company's person can write."""
    company = company_spec(handle)
    return company.registered_day + (1 if company.member_name else 0)


def plan_bids(spec: data.ChallengeSpec, timeline: Timeline, today: date, tz: str) -> list[BidStep]:
    """The dated steps of every bid to ``spec``, as if the demo were loaded on ``today``."""
    bids = BIDS.get(spec.key, ())
    approved = timeline.step_at("approve")
    if not bids or approved is None:
        return []
    zone = ZoneInfo(tz)
    load_day = datetime.combine(today, time(0), tzinfo=ZoneInfo(MexicanTimeZone.CENTRO))
    deadline = timeline.dates["submissions_close_at"]
    after = [when for when, _action in timeline.steps if when > approved]
    # Proposals are written and submitted while the challenge takes them, and before the load.
    limit = min([deadline, load_day, *after[:1]])
    span = limit - approved
    amendment = timeline.amendments[0].when if timeline.amendments else None
    opened = timeline.step_at("open")

    def moment(fraction: float, hour: int, minute: int, low: datetime, high: datetime):
        day = (approved + span * fraction).astimezone(zone).date()
        wanted = datetime.combine(day, time(hour, minute), tzinfo=zone)
        # Inside (low, high): snapped to office hours when it fits, else the share itself.
        if low < wanted < high:
            return wanted
        middle = low + (high - low) * 0.5
        return middle.replace(second=0, microsecond=0)

    steps: list[BidStep] = []
    for i, bid in enumerate(bids):
        email = company_person(bid.company)[1]
        hour, minute = 9 + (3 * i) % 9, (17 * i) % 60
        early = approved + timedelta(hours=1)
        written = moment(0.15 + 0.04 * i, hour, minute, early, limit - span * 0.6)
        steps.append(BidStep(written, "write", bid, email))
        if bid.outcome == DRAFT:
            continue
        versions = 2 if bid.resubmitted else 1
        if bid.before_amendment and amendment is not None:
            first = moment(0.3, hour + 1, minute, written, amendment - timedelta(hours=2))
            later = moment(0.9, hour, minute, amendment + timedelta(hours=1), limit)
        elif amendment is not None:
            # Written under the first terms, submitted under the amended ones.
            low = max(written, amendment + timedelta(hours=1))
            first = moment(0.45 + 0.03 * i, hour + 1, minute, low, limit - timedelta(hours=2))
            later = moment(0.95, hour, minute, first + timedelta(hours=1), limit)
        else:
            first = moment(0.45 + 0.03 * i, hour + 1, minute, written, limit - span * 0.3)
            later = moment(0.8, hour, minute, first + timedelta(hours=1), limit)
        submissions = [first, later][:versions]
        if bid.last_seconds and limit == deadline:
            # The last submission came in the deadline's last minutes.
            submissions[-1] = deadline - timedelta(seconds=bid.last_seconds)
        steps.append(BidStep(submissions[0], "submit", bid, email))
        if versions == 2:
            steps.append(BidStep(submissions[1], "resubmit", bid, email))
        if bid.outcome == WITHDRAWN:
            withdrawn = moment(0.9, 17, 40, submissions[-1], limit)
            steps.append(BidStep(withdrawn, "withdraw", bid, email))
        elif opened is not None and bid.admissible is not None:
            decided = opened + SECOND_OFFICER_AFTER + timedelta(hours=2, minutes=15 * i)
            steps.append(BidStep(decided, "admissibility", bid, email))
    return steps
