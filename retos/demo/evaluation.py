"""The demo's evaluations: who sat on each panel, what they declared, how they scored.

For every challenge that reached the evaluation, ``PANELS`` says how the approver set it up
(aggregation method, blind first round or not, minimum score), which experts were invited (one
declines somewhere, with a reason, and another is invited in their place), who chairs, who sits
on the decision committee (the body's official and two experts not on the panel), the real
conflicts of interest (each with its note: that expert is recused from that proposal), and how
good each proposal is (``quality``, 0–10) and how good its demo was (``demo_quality``).

Scores follow from those qualities: each criterion of a proposal is a little better or worse
than its overall quality, each expert is a little more lenient or harsh than the others, and a
little noise is added, so the ranking is the intended one under every method while the numbers
look like people's. Their justifications, in Spanish, are written from the criterion's area,
the band of the score and the kind of solution proposed. On purpose: one expert typed a wrong
score that the chair corrects with a reason, and two experts disagree about one proposal so the
ranking flags it for discussion; in one challenge the approver confirms one finalist fewer than
the ranking proposes, with a published justification.

:func:`plan_evaluation` dates every step from the challenge's calendar
(``Timeline.moments``). A pure function of the load date, so a test can check it for every day
of a year.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from retos.challenges.stages import Stage
from retos.core.timezones import MexicanTimeZone
from retos.demo import data
from retos.demo import proposals as bids
from retos.demo.timeline import Timeline, company_person
from retos.evaluation.models import Method

T, SEC, UX, DATA, POL, BIZ, OSS = data.T, data.SEC, data.UX, data.DATA, data.POL, data.BIZ, data.OSS

#: Who in the body: its official sits on the decision committee (the approver decides).
OFFICIAL = "official"


@dataclass(frozen=True)
class Correction:
    """A score an expert typed wrong; the chair corrects it with a reason."""

    expert: str
    company: str
    criterion: int
    typed: str
    reason: str


@dataclass(frozen=True)
class Disagreement:
    """Two experts far apart on one criterion of one proposal: the ranking flags it."""

    company: str
    criterion: int
    values: dict[str, str]
    justifications: dict[str, str]


@dataclass(frozen=True)
class PanelSpec:
    method: str
    blind: bool
    #: Expert keys (``expert_key``) in the order they were invited.
    experts: tuple[str, ...]
    chair: str
    #: Overall quality (0–10) of each admissible proposal, by company handle.
    quality: dict[str, float]
    minimum: int = 60
    #: (expert key, reason): invited among ``experts``, declined.
    declined: tuple[str, str] | None = None
    #: Invited in the place of the one who declined.
    replacement: str = ""
    #: The decision committee: ``OFFICIAL`` and expert keys.
    committee: tuple[str, ...] = ()
    #: (expert key, company handle) → the note of a declared conflict of interest.
    conflicts: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Quality (0–10) of each finalist's demo.
    demo_quality: dict[str, float] = field(default_factory=dict)
    #: The winner (company handle); empty: deserted, or not decided yet.
    winner: str = ""
    #: For a challenge still in evaluation: expert → (proposals submitted, proposals drafted).
    progress: dict[str, tuple[int, int]] = field(default_factory=dict)
    correction: Correction | None = None
    disagreement: Disagreement | None = None
    #: A proposed finalist the approver leaves out, and the published justification.
    dropped_finalist: str = ""
    deviation: str = ""
    #: Demos sent twice (a corrected version before the deadline).
    demo_resubmitted: tuple[str, ...] = ()


def expert_key(spec: data.ExpertSpec) -> str:
    return spec.email.split("@")[0]


EXPERTS: dict[str, data.ExpertSpec] = {expert_key(e): e for e in data.EXPERTS}

# How much more lenient (+) or harsh (−) than the others each expert scores.
BIAS = {
    "isabel.ramos": 0.0,
    "andres.salgado": 0.4,
    "natalia.bermudez": -0.3,
    "tomas.echeverria": -0.6,
    "valeria.ocampo": 0.2,
    "emilio.sanchez": 0.5,
    "renata.fajardo": -0.2,
    "pablo.inzunza": 0.3,
    "ximena.lugo": 0.0,
    "mauricio.tello": -0.4,
    "fernanda.quinones": 0.3,
    "santiago.beltran": -0.1,
}

PANELS: dict[str, PanelSpec] = {
    "alerta-temprana": PanelSpec(
        method=Method.TRIMMED_MEAN,
        blind=True,
        experts=(
            "isabel.ramos",
            "natalia.bermudez",
            "emilio.sanchez",
            "pablo.inzunza",
            "ximena.lugo",
        ),
        chair="isabel.ramos",
        committee=(OFFICIAL, "tomas.echeverria", "renata.fajardo"),
        quality={"ajolote": 8.6, "jaguar": 8.0, "colibrinorte": 7.5, "tzolkin": 6.9, "ceiba": 6.4},
        demo_quality={
            "ajolote": 8.9,
            "jaguar": 8.1,
            "colibrinorte": 6.8,
            "tzolkin": 6.6,
            "ceiba": 6.0,
        },
        winner="ajolote",
        correction=Correction(
            expert="pablo.inzunza",
            company="colibrinorte",
            criterion=0,
            typed="3.0",
            reason=(
                "El evaluador informó por escrito un error de captura: asentó 3.0 en lugar de "
                "8.0, como se desprende de su propia justificación. Se corrige a petición suya; "
                "el registro original se conserva."
            ),
        ),
        demo_resubmitted=("tzolkin",),
    ),
    "denuncia-corrupcion": PanelSpec(
        method=Method.ZSCORE,
        blind=False,
        experts=("tomas.echeverria", "andres.salgado", "fernanda.quinones", "mauricio.tello"),
        chair="tomas.echeverria",
        committee=(OFFICIAL, "valeria.ocampo", "natalia.bermudez"),
        conflicts={
            ("andres.salgado", "xoco"): (
                "Fui socio cooperativista de Xoco Software Libre hasta 2023 y conservo una "
                "participación en su fondo de ahorro. Me excuso de evaluar su propuesta."
            ),
        },
        quality={
            "cenzontle": 8.7,
            "redciudadana": 8.1,
            "sierramadre": 7.5,
            "huitzilin": 6.9,
            "xoco": 5.4,
        },
        demo_quality={"cenzontle": 9.0, "redciudadana": 7.9, "sierramadre": 7.0, "huitzilin": 6.7},
        winner="cenzontle",
    ),
    "escuelas": PanelSpec(
        method=Method.MEAN,
        blind=True,
        experts=("andres.salgado", "natalia.bermudez", "valeria.ocampo", "renata.fajardo"),
        chair="natalia.bermudez",
        declined=(
            "valeria.ocampo",
            "Coordiné el levantamiento del censo de infraestructura escolar de una autoridad "
            "educativa estatal que podría usar la plataforma, y en las fechas de evaluación "
            "tengo un compromiso académico fuera del país. Prefiero no participar.",
        ),
        replacement="mauricio.tello",
        committee=(OFFICIAL, "isabel.ramos", "santiago.beltran"),
        quality={
            "niebla": 8.5,
            "colibrinorte": 8.0,
            "alebrije": 7.4,
            "quetzal": 6.9,
            "cartolibre": 6.4,
        },
        demo_quality={
            "niebla": 8.8,
            "colibrinorte": 8.1,
            "alebrije": 7.2,
            "quetzal": 6.9,
            "cartolibre": 6.2,
        },
        winner="niebla",
        demo_resubmitted=("alebrije",),
    ),
    "abasto-medicamentos": PanelSpec(
        method=Method.TRIMMED_MEAN,
        blind=True,
        experts=(
            "mauricio.tello",
            "isabel.ramos",
            "ximena.lugo",
            "emilio.sanchez",
            "pablo.inzunza",
        ),
        chair="mauricio.tello",
        committee=(OFFICIAL, "natalia.bermudez", "renata.fajardo"),
        conflicts={
            ("ximena.lugo", "tepache"): (
                "Mi pareja trabaja en Tepache Labs como diseñadora de servicios. Me excuso de "
                "evaluar su propuesta."
            ),
        },
        quality={
            "huitzilin": 8.8,
            "datosbajio": 7.9,
            "quetzal": 7.3,
            "cenzontle": 6.8,
            "tepache": 6.2,
        },
        demo_quality={
            "huitzilin": 9.0,
            "datosbajio": 7.6,
            "quetzal": 7.1,
            "cenzontle": 7.0,
            "tepache": 6.3,
        },
        winner="huitzilin",
    ),
    "denuncia-ambiental": PanelSpec(
        method=Method.MEAN,
        blind=False,
        experts=("pablo.inzunza", "fernanda.quinones", "valeria.ocampo", "santiago.beltran"),
        chair="pablo.inzunza",
        committee=(OFFICIAL, "isabel.ramos", "emilio.sanchez"),
        quality={
            "ceiba": 8.4,
            "redciudadana": 7.9,
            "geopeninsular": 7.3,
            "cacaodigital": 6.8,
            "tequio": 5.3,
        },
        demo_quality={"ceiba": 8.7, "redciudadana": 8.0, "geopeninsular": 7.0, "cacaodigital": 6.5},
        winner="ceiba",
        demo_resubmitted=("geopeninsular",),
    ),
    "carreteras": PanelSpec(
        method=Method.ZSCORE,
        blind=True,
        experts=("andres.salgado", "ximena.lugo", "emilio.sanchez", "tomas.echeverria"),
        chair="andres.salgado",
        committee=(OFFICIAL, "natalia.bermudez", "santiago.beltran"),
        quality={
            "jaguar": 8.5,
            "brujula": 8.0,
            "nodopacifico": 7.5,
            "niebla": 7.1,
            "pitahaya": 6.7,
            "coyote": 6.2,
        },
        disagreement=Disagreement(
            company="pitahaya",
            criterion=1,
            values={"ximena.lugo": "8.5", "tomas.echeverria": "3.0"},
            justifications={
                "ximena.lugo": (
                    "El reporte por voz es una buena idea y las pantallas son claras; con "
                    "botones grandes y pocos pasos, se reporta en menos de un minuto."
                ),
                "tomas.echeverria": (
                    "El flujo principal pide escribir la descripción y elegir el kilómetro en "
                    "pantalla: con el vehículo en marcha eso es peligroso. Los términos de "
                    "referencia lo excluyen expresamente; el reporte por voz es opcional."
                ),
            },
        ),
        dropped_finalist="pitahaya",
        deviation=(
            "Se confirman cuatro finalistas en lugar de los cinco que propone la tabla de "
            "resultados. La quinta propuesta, de Pitahaya Tecnologías Móviles, quedó señalada "
            "por desacuerdo entre evaluadores en «Seguridad vial en el diseño»: su flujo "
            "principal exige escribir en el teléfono con el vehículo en marcha, lo que el "
            "apartado de resultados esperados de los términos de referencia excluye. El panel "
            "lo discutió el día del cierre de la evaluación y coincidió en que no puede "
            "corregirse en la fase de demos sin rehacer la propuesta; preparar una demo le "
            "significaría un gasto sin posibilidad razonable de resultar ganadora."
        ),
        demo_resubmitted=("brujula",),
    ),
    "apoyos-mipymes": PanelSpec(
        method=Method.MEAN,
        blind=True,
        experts=("fernanda.quinones", "pablo.inzunza", "valeria.ocampo", "santiago.beltran"),
        chair="fernanda.quinones",
        conflicts={
            ("santiago.beltran", "ahuehuete"): (
                "Hace dos años fui consultor externo de Grupo Ahuehuete en un proyecto para un "
                "gobierno estatal. Me excuso de evaluar su propuesta."
            ),
        },
        quality={"datosbajio": 8.2, "tepache": 7.8, "ahuehuete": 7.4, "kioscocivico": 6.6},
        # Still scoring on the load day: how far each expert got.
        progress={
            "fernanda.quinones": (4, 0),
            "pablo.inzunza": (4, 0),
            "valeria.ocampo": (2, 1),
            "santiago.beltran": (0, 1),
        },
    ),
    "tutorias-telebachillerato": PanelSpec(
        method=Method.MEAN,
        blind=True,
        experts=("andres.salgado", "natalia.bermudez", "emilio.sanchez"),
        chair="natalia.bermudez",
        minimum=70,
        quality={"mixteca": 5.8},
    ),
}

#: Opened on the load day: the approver has started forming its panel.
FORMING: dict[str, tuple[str, ...]] = {
    "vivienda-danada": ("isabel.ramos", "ximena.lugo", "renata.fajardo", "natalia.bermudez"),
}


def _unit(seed: str) -> float:
    """A number in [0, 1), the same on every load."""
    digest = hashlib.sha256(f"retos-demo:{seed}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _pick(seed: str, options):
    return options[int(_unit(seed) * len(options))]


def counted_bids(key: str) -> list[bids.BidSpec]:
    """The bids the officials admitted (in the order they were submitted)."""
    return [
        bid
        for bid in bids.BIDS.get(key, ())
        if bid.outcome == bids.SUBMITTED and bid.admissible is True
    ]


def bid_for(key: str, company: str) -> bids.BidSpec:
    return next(bid for bid in bids.BIDS[key] if bid.company == company)


def challenge_spec(key: str) -> data.ChallengeSpec:
    return next(spec for spec in data.CHALLENGES if spec.key == key)


def accepted_experts(panel: PanelSpec) -> list[str]:
    experts = [e for e in panel.experts if not (panel.declined and e == panel.declined[0])]
    return [*experts, *([panel.replacement] if panel.replacement else [])]


def panel_areas(spec: data.ChallengeSpec, expert: str) -> list[str]:
    """The criteria areas ``expert`` covers on ``spec``'s panel (what the approver records)."""
    wanted = {c.area for c in spec.criteria}
    return [area for area in EXPERTS[expert].areas if area in wanted]


def recused(panel: PanelSpec, expert: str, company: str) -> bool:
    return (expert, company) in panel.conflicts


def _round_half(value: float) -> Decimal:
    value = min(10.0, max(0.0, value))
    return Decimal(round(value * 2) / 2).quantize(Decimal("0.1"))


def score_value(key: str, expert: str, company: str, criterion: int) -> Decimal:
    """The score ``expert`` gives on criterion number ``criterion`` of ``company``'s proposal
    (before any correction: what the expert meant)."""
    panel = PANELS[key]
    spot = panel.disagreement
    if spot and (spot.company, spot.criterion) == (company, criterion) and expert in spot.values:
        return Decimal(spot.values[expert])
    quality = panel.quality[company]
    tweak = (_unit(f"{key}:{company}:{criterion}") - 0.5) * 1.0
    noise = (_unit(f"{key}:{company}:{criterion}:{expert}") - 0.5) * 0.6
    return _round_half(quality + tweak + BIAS[expert] + noise)


def typed_value(key: str, expert: str, company: str, criterion: int) -> Decimal:
    """What the expert actually submitted (a typing error where the chair corrects one)."""
    fix = PANELS[key].correction
    if fix and (fix.expert, fix.company, fix.criterion) == (expert, company, criterion):
        return Decimal(fix.typed)
    return score_value(key, expert, company, criterion)


def demo_value(key: str, member: str, company: str, criterion: int) -> Decimal:
    panel = PANELS[key]
    quality = panel.demo_quality[company]
    tweak = (_unit(f"demo:{key}:{company}:{criterion}") - 0.5) * 0.8
    noise = (_unit(f"demo:{key}:{company}:{criterion}:{member}") - 0.5) * 0.6
    return _round_half(quality + tweak + BIAS.get(member, 0.0) + noise)


@cache
def expected_ranking(key: str) -> tuple[tuple[str, Decimal], ...]:
    """(company, weighted mean of the experts' scores on 0–100), best first: what the
    ranking's raw score should say."""
    panel = PANELS[key]
    spec = challenge_spec(key)
    rows = []
    for company in panel.quality:
        total = Decimal(0)
        for i, criterion in enumerate(spec.criteria):
            values = [
                score_value(key, e, company, i)
                for e in accepted_experts(panel)
                if not recused(panel, e, company)
            ]
            total += sum(values) / len(values) * criterion.weight
        rows.append((company, (total / 10).quantize(Decimal("0.01"))))
    return tuple(sorted(rows, key=lambda row: row[1], reverse=True))


def proposed_finalists(key: str) -> list[str]:
    """The finalists the ranking should propose: the top N above the minimum."""
    panel = PANELS[key]
    spec = challenge_spec(key)
    eligible = [c for c, total in expected_ranking(key) if total >= panel.minimum]
    return eligible[: spec.finalists_count]


def finalists(key: str) -> list[str]:
    """The finalists the approver confirms."""
    return [c for c in proposed_finalists(key) if c != PANELS[key].dropped_finalist]


# ---------------------------------------------------------------------------------------------
# Justifications. Written by area and band (8 and up, 6 to 8, below 6), with a note on the kind
# of solution for the technical and design criteria, and now and then the expert's advice.

_AREA_TEXT = {
    T: {
        "high": (
            "La arquitectura está bien resuelta: separa la captura de la publicación, prevé "
            "colas para los picos de uso y trae pruebas automatizadas desde el primer hito.",
            "Plan técnico sólido y realista. Los componentes son libres y conocidos, lo que "
            "facilita que la dependencia mantenga el sistema después de la entrega.",
            "Describe con precisión la integración con las fuentes oficiales y el "
            "comportamiento ante fallas de red; de lo mejor que revisé en este criterio.",
        ),
        "mid": (
            "La solución es viable, pero la integración con los sistemas existentes se "
            "describe de forma general y no presenta pruebas de carga.",
            "Propuesta técnica correcta; no explica quién operará la infraestructura tras la "
            "entrega ni cómo se actualizarán sus componentes.",
            "Cumple lo básico. El modo sin conexión se menciona, pero no cómo se resuelven los "
            "conflictos al sincronizar.",
        ),
        "low": (
            "La arquitectura no se justifica frente al problema y deja sin resolver la "
            "integración con las fuentes oficiales.",
            "Faltan elementos esenciales: no hay plan de pruebas ni estrategia de despliegue, y "
            "la estimación de capacidad es optimista.",
        ),
    },
    SEC: {
        "high": (
            "Cifrado en tránsito y en reposo, control de acceso por roles y bitácora "
            "inalterable; el análisis de amenazas es completo y proporcional al riesgo.",
            "Trata la protección de datos personales desde el diseño: minimiza lo que guarda "
            "y explica cómo anonimiza antes de publicar.",
        ),
        "mid": (
            "Menciona cifrado y respaldos, pero no presenta un análisis de amenazas ni un plan "
            "de respuesta a incidentes.",
            "Medidas de seguridad estándar y correctas; convendría una auditoría externa antes "
            "de la puesta en producción.",
        ),
        "low": (
            "La seguridad se trata de manera superficial: no indica cómo se protegerán los "
            "datos personales ni quién tendrá acceso a ellos.",
            "No distingue entre datos públicos y reservados; publicar así expondría "
            "información de las personas usuarias.",
        ),
    },
    UX: {
        "high": (
            "Propone investigación con personas usuarias desde la primera semana y pruebas en "
            "teléfonos de gama baja; el prototipo es claro y accesible.",
            "Lenguaje claro, flujos cortos y un compromiso verificable con WCAG 2.2 AA que "
            "considera a personas con discapacidad.",
        ),
        "mid": (
            "La experiencia de uso está pensada, pero las pruebas con personas usuarias son "
            "pocas y llegan tarde en el plan.",
            "Pantallas razonables; falta explicar cómo se atenderá a quien tiene poca "
            "experiencia digital o usa lector de pantalla.",
        ),
        "low": (
            "No prevé trabajo con personas usuarias; la interfaz supone conocimientos que la "
            "población objetivo no tiene.",
            "Los flujos son largos y confusos; reportar algo sencillo exige demasiados pasos.",
        ),
    },
    POL: {
        "high": (
            "Entiende bien el marco normativo y los procesos de la dependencia; la propuesta "
            "encaja con los protocolos vigentes.",
            "Muestra conocimiento del programa público y de quién usará la información para "
            "tomar decisiones.",
        ),
        "mid": (
            "Pertinencia aceptable, aunque el vínculo con los procedimientos de la dependencia "
            "se describe en términos generales.",
            "Atiende el problema, pero no dice cómo se incorporará la herramienta al trabajo "
            "diario del personal que la usará.",
        ),
        "low": (
            "No demuestra conocer el marco legal aplicable; algunas funciones propuestas no "
            "corresponden a las atribuciones de la dependencia.",
        ),
    },
    BIZ: {
        "high": (
            "Plan de trabajo realista, con hitos verificables y un costo congruente con el "
            "alcance; incluye los costos de operación posteriores.",
            "Precio competitivo y un equipo con la experiencia que el plan requiere.",
        ),
        "mid": (
            "Costo razonable, aunque el calendario del piloto es ajustado y no se analizan "
            "riesgos.",
            "El plan es viable, pero concentra el trabajo en las últimas semanas.",
        ),
        "low": (
            "El plan subestima el esfuerzo y el precio no incluye operación ni soporte tras la "
            "entrega.",
        ),
    },
    DATA: {
        "high": (
            "Publicación periódica en formatos abiertos, con diccionario de datos y "
            "validaciones automáticas.",
            "Modelo de datos claro, con identificadores oficiales y una API documentada.",
        ),
        "mid": (
            "Promete datos abiertos, pero no define la periodicidad ni el diccionario de datos.",
            "Formatos adecuados; falta decir cómo se validará la calidad antes de publicar.",
        ),
        "low": (
            "Los datos abiertos aparecen solo como intención: no hay formatos, estándares ni "
            "calendario de publicación.",
        ),
    },
    OSS: {
        "high": (
            "Repositorio público desde el primer día, licencia compatible y guía de "
            "contribución: facilita el reúso en otras ciudades.",
        ),
        "mid": (
            "Compromete la licencia abierta, pero no explica cómo documentará el despliegue "
            "para que otros lo reutilicen.",
        ),
        "low": ("Depende de componentes propietarios que dificultarían el reúso.",),
    },
}

_APPROACH_NOTE = {
    "movil": {
        "high": "La app nativa con respaldo por SMS responde bien a la señal intermitente.",
        "mid": "Mantener dos apps nativas puede encarecer la operación.",
        "low": "Depender solo de apps de tienda deja fuera a quien no puede instalarlas.",
    },
    "pwa": {
        "high": "La aplicación web progresiva, ligera y sin tienda, llega a más teléfonos.",
        "mid": "El modo sin conexión depende del navegador; hay que probarlo en equipos viejos.",
        "low": "Sin notificaciones confiables en segundo plano, la web no basta aquí.",
    },
    "geo": {
        "high": "El enfoque geoespacial con mapas abiertos evita pagar licencias.",
        "mid": "El mapa como eje puede dificultar el uso a quien no está acostumbrado a mapas.",
        "low": "El mapa protagoniza la propuesta pero no resuelve la captura en campo.",
    },
    "datos": {
        "high": "La canalización de datos con validaciones le da confiabilidad al resultado.",
        "mid": "El peso está en los tableros; la captura queda menos desarrollada.",
        "low": "Es una propuesta de tableros más que de la herramienta que se pide.",
    },
    "civica": {
        "high": "El folio y los avisos de cada cambio son lo que la ciudadanía pide.",
        "mid": "La bandeja de atención exige cambiar procesos internos; falta capacitación.",
        "low": "El seguimiento público se promete sin explicar quién actualizará cada caso.",
    },
    "iot": {
        "high": "El hardware abierto y reparable reduce el costo de mantener la red.",
        "mid": "La calibración contra estaciones oficiales necesita más detalle.",
        "low": "No dice cómo se mantendrán los sensores instalados.",
    },
}

_ADVICE = (
    "",
    "",
    "Sugiero verificarlo en la demostración.",
    "Recomiendo pedir evidencia en la etapa de demos.",
    "",
    "Convendría precisarlo en el contrato.",
)


def band(value: Decimal) -> str:
    if value >= 8:
        return "high"
    if value >= 6:
        return "mid"
    return "low"


def justification(key: str, expert: str, company: str, criterion: int) -> str:
    """What ``expert`` wrote for the score they meant to give."""
    spot = PANELS[key].disagreement
    if spot and (spot.company, spot.criterion) == (company, criterion) and expert in spot.values:
        return spot.justifications[expert]
    spec = challenge_spec(key)
    area = spec.criteria[criterion].area
    level = band(score_value(key, expert, company, criterion))
    seed = f"{key}:{expert}:{company}:{criterion}"
    parts = [_pick(seed, _AREA_TEXT[area][level])]
    if area in (T, UX, OSS) or _unit(f"{seed}:note") < 0.25:
        parts.append(_APPROACH_NOTE[bid_for(key, company).approach][level])
    parts.append(_pick(f"{seed}:advice", _ADVICE))
    return " ".join(p for p in parts if p)


_DEMO_TEXT = {
    "high": (
        "En la demostración, el flujo completo funcionó en un teléfono de gama baja y el "
        "equipo respondió con soltura a todas las preguntas del comité.",
        "La demostración fue convincente: datos reales de prueba, tiempos medidos en vivo y "
        "un plan claro para el piloto.",
        "Lo que se mostró coincide con lo propuesto y supera lo esperado en este criterio.",
    ),
    "mid": (
        "La demostración cubrió lo principal, pero algunas funciones se mostraron con datos "
        "simulados.",
        "Cumple en la demostración; faltó probar el caso sin conexión frente al comité.",
        "Correcta, aunque el equipo no pudo mostrar la integración con los sistemas de la "
        "dependencia.",
    ),
    "low": (
        "La demostración se interrumpió por fallas y no se pudo verificar este criterio.",
        "Lo mostrado se queda corto frente a lo que prometía la propuesta.",
    ),
}


def demo_justification(key: str, member: str, company: str, criterion: int) -> str:
    level = band(demo_value(key, member, company, criterion))
    return _pick(f"demo:{key}:{member}:{company}:{criterion}", _DEMO_TEXT[level])


NO_CONFLICT_NOTES = (
    "",
    "Sin relación con la empresa.",
    "",
    "No conozco a la empresa ni a su equipo.",
    "",
)


def declarations(key: str, expert: str, companies: list[str]) -> dict[str, tuple[bool, str]]:
    """The expert's declaration for each bidder: (conflict?, note)."""
    panel = PANELS.get(key)
    out = {}
    for company in companies:
        note = panel.conflicts.get((expert, company)) if panel else None
        if note:
            out[company] = (True, note)
        else:
            out[company] = (False, _pick(f"conflict:{key}:{expert}:{company}", NO_CONFLICT_NOTES))
    return out


# ---------------------------------------------------------------------------------------------
# Demos: what each finalist sent, and where demo day happens.


def demo_urls(key: str, company: str, number: int = 1) -> dict:
    approach = bids.APPROACHES[bid_for(key, company).approach]
    base = f"https://{company}.example"
    notes = (
        "Usuario de prueba: comite / contraseña en el correo de la convocatoria. La demo "
        "corre con datos sintéticos."
    )
    if number > 1:
        notes = (
            "Versión corregida: atiende el fallo del modo sin conexión que detectamos en "
            "nuestras pruebas. " + notes
        )
    return {
        "demo_url": f"{base}/demo/{key}",
        "repository_url": f"https://codigo.{company}.example/{approach.repo}-{key}",
        "video_url": f"https://video.{company}.example/{key}-demo-v{number}",
        "notes": notes,
    }


def demo_location(spec: data.ChallengeSpec) -> str:
    body = next(b for b in data.BODIES if b.key == spec.body)
    return (
        f"Sala de juntas de {body.acronym or body.name} y en línea: "
        f"https://reuniones.{body.people[0].email.split('@')[1]}/demo-{spec.key}"
    )


#: Demo day: each finalist's slot (minutes from the start of demo day) and its length.
SLOT_MINUTES = 45
SLOT_GAP = 15


# ---------------------------------------------------------------------------------------------
# When each step happened.


@dataclass(frozen=True)
class EvalStep:
    when: datetime
    #: settings, invite, respond, chair, conflicts, score, draft, correct, finalists,
    #: demo_slot, demo, demo_score.
    action: str
    #: The expert (key), ``OFFICIAL``, or the company (handle) acting or concerned.
    who: str = ""
    company: str = ""
    role: str = "expert"
    accept: bool = True
    reason: str = ""
    number: int = 0
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def _load_day(today: date) -> datetime:
    return datetime.combine(today, time(0), tzinfo=ZoneInfo(MexicanTimeZone.CENTRO))


def _spread(low: datetime, high: datetime, fraction: float, hour: int, minute: int, zone):
    """A moment at ``fraction`` of (low, high): at ``hour``:``minute`` that day when it fits
    inside, otherwise the share itself (to the minute)."""
    raw = low + (high - low) * fraction
    wanted = datetime.combine(raw.astimezone(zone).date(), time(hour, minute), tzinfo=zone)
    if low < wanted < high:
        return wanted
    return raw.replace(second=0, microsecond=0)


def plan_evaluation(
    spec: data.ChallengeSpec, timeline: Timeline, today: date, tz: str
) -> list[EvalStep]:
    """The dated steps from the panel to the demo scores, as if loaded on ``today``.

    Only what already happened on the load day is planned: a challenge still in evaluation
    has the scores its experts had sent so far, one with finalists the demos sent so far.
    """
    moments = timeline.moments
    panel = PANELS.get(spec.key)
    forming = FORMING.get(spec.key)
    if not moments or not (panel or forming):
        return []
    zone = ZoneInfo(tz)
    load_day = _load_day(today)
    steps: list[EvalStep] = []

    def add(step: EvalStep) -> None:
        if step.when < load_day:
            steps.append(step)

    # The approver's settings and invitations; the answers that afternoon; the chair.
    add(EvalStep(moments["settings"], "settings", OFFICIAL))
    experts = forming or panel.experts
    committee = () if forming else panel.committee
    invited = [(e, "expert") for e in experts] + [(m, "committee") for m in committee]
    for i, (who, role) in enumerate(invited):
        add(EvalStep(moments["invitations"] + timedelta(minutes=5 * i), "invite", who, role=role))
    for i, (who, role) in enumerate(invited):
        answer = moments["responses"] + timedelta(minutes=25 * i)
        if forming:
            if i % 2 == 0:  # half of them answered the same day; the rest have not yet
                add(EvalStep(answer, "respond", who, role=role))
            continue
        if panel.declined and who == panel.declined[0]:
            add(EvalStep(answer, "respond", who, accept=False, reason=panel.declined[1]))
        else:
            add(EvalStep(answer, "respond", who, role=role))
    if forming:
        return steps
    if panel.replacement:
        later = moments["responses"] + timedelta(minutes=25 * len(invited))
        add(EvalStep(later + timedelta(minutes=10), "invite", panel.replacement))
        add(EvalStep(later + timedelta(hours=1, minutes=5), "respond", panel.replacement))
    add(EvalStep(moments["chair"], "chair", panel.chair))

    # Evaluation starts (a transition of the timeline); each expert declares conflicts first.
    members = accepted_experts(panel)
    for i, who in enumerate(members):
        add(EvalStep(moments["conflicts"] + timedelta(minutes=20 * i), "conflicts", who))

    # Scores: each expert works through the proposals (not the one they are recused from),
    # saving as they go and submitting each proposal's scores.
    companies = list(panel.quality)
    scoring_from = moments["scoring_from"]
    scoring_until = min(moments["scoring_until"], load_day)
    for i, expert in enumerate(members):
        mine = [c for c in companies if not recused(panel, expert, c)]
        submitted, drafted = panel.progress.get(expert, (len(mine), 0))
        for j, company in enumerate(mine[: submitted + drafted]):
            fraction = (j + 1 + 0.3 * i) / (len(mine) + 2)
            when = _spread(
                scoring_from,
                scoring_until,
                fraction,
                9 + (3 * i + j) % 10,
                (7 * i + 11 * j) % 60,
                zone,
            )
            add(EvalStep(when, "score" if j < submitted else "draft", expert, company=company))
    if panel.correction:
        fix = panel.correction
        add(EvalStep(moments["correction"], "correct", panel.chair, company=fix.company))

    if spec.target == Stage.DESERTED:
        return steps  # nobody above the minimum: no finalists, no demos
    if spec.target == Stage.EVALUATION:
        return steps
    add(EvalStep(moments["confirm_finalists"], "finalists", OFFICIAL))
    # The decision committee declares its conflicts about the finalists once they are known.
    for m, who in enumerate(committee):
        when = moments["confirm_finalists"] + timedelta(hours=2, minutes=20 * m)
        add(EvalStep(when, "conflicts", who, role="committee"))

    # Demo day: the official schedules a slot per finalist; each finalist sends its demo
    # (one sends a corrected second version) before the demo deadline.
    chosen = finalists(spec.key)
    for k, company in enumerate(chosen):
        starts = moments["demo_day"] + timedelta(minutes=(SLOT_MINUTES + SLOT_GAP) * k)
        add(
            EvalStep(
                moments["demo_slots"] + timedelta(minutes=5 * k),
                "demo_slot",
                OFFICIAL,
                company=company,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=SLOT_MINUTES),
            )
        )
    demo_from = moments["demo_slots"] + timedelta(hours=2)
    demo_until = min(moments["demo_deadline"], load_day)
    for k, company in enumerate(chosen):
        first = _spread(demo_from, demo_until, 0.35 + 0.1 * k, 10 + 2 * k, 13 * k % 60, zone)
        add(EvalStep(first, "demo", company, company=company, number=1))
        if company in panel.demo_resubmitted:
            second = _spread(first, demo_until, 0.8, 17, 40, zone)
            add(EvalStep(second, "demo", company, company=company, number=2))

    # The decision committee scores each demo on demo day, after the last slot.
    scoring = moments["committee_scores"]
    for m, member in enumerate(committee):
        for k, company in enumerate(chosen):
            add(
                EvalStep(
                    scoring + timedelta(minutes=30 * m + 5 * k),
                    "demo_score",
                    member,
                    company=company,
                    role="committee",
                )
            )
    return steps


def person_email(spec: data.ChallengeSpec, who: str) -> str:
    """The email of an expert key, of the body's official (``OFFICIAL``), or of the person
    speaking for a company (handle)."""
    if who == OFFICIAL:
        body = next(b for b in data.BODIES if b.key == spec.body)
        return next(p.email for p in body.people if "official" in p.roles)
    if who in EXPERTS:
        return EXPERTS[who].email
    return company_person(who)[1]


def person_name(spec: data.ChallengeSpec, who: str) -> str:
    if who == OFFICIAL:
        body = next(b for b in data.BODIES if b.key == spec.body)
        return next(p.full_name for p in body.people if "official" in p.roles)
    return EXPERTS[who].full_name
