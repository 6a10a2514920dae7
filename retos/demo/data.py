"""The demo's people, organizations and challenges, modelled on Mexico's 2014–15 Retos Públicos.

Everything here is invented except the names of the government bodies, their INEGI codes and
their public websites. Email addresses use the reserved ``.example`` top-level domain (RFC 2606)
so that no message the demo triggers can reach a real person. Company RFCs are invented too;
their check digit is computed (see ``CompanySpec.rfc``) so they validate without a warning.

Dates are not fixed: each challenge says on which day, relative to the day the demo is loaded,
it was (or will be) published, and ``retos.demo.timeline`` derives the rest of its calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from stdnum.mx import rfc as stdnum_rfc

from retos.accounts.models import ExpertiseArea
from retos.challenges.models import Category
from retos.challenges.stages import Stage
from retos.core.timezones import MexicanTimeZone
from retos.organizations.mexico import Sector
from retos.organizations.models import Level, Role

DEMO_PASSWORD = "retos-demo-2026"  # noqa: S105 - published on purpose: it is the demo's.

# Its presence tells ``load_demo`` that the demo is already loaded.
STAFF_EMAIL = "plataforma@retos.example"
STAFF_NAME = "Mariana Torres Aguilar"

T = ExpertiseArea.TECHNOLOGY
UX = ExpertiseArea.USER_EXPERIENCE
SEC = ExpertiseArea.SECURITY
DATA = ExpertiseArea.DATA
POL = ExpertiseArea.PUBLIC_POLICY
BIZ = ExpertiseArea.BUSINESS
OSS = ExpertiseArea.OPEN_SOURCE


# ---------------------------------------------------------------------------------------------
# Government bodies. The first person registers the body (and so becomes its admin).


@dataclass(frozen=True)
class PersonSpec:
    email: str
    full_name: str
    roles: tuple[str, ...]


def _people(domain: str, approver: str, official: str, opener1: str, opener2: str):
    # The same four mailboxes in every body, so that the demo's log-ins are easy to guess.
    return (
        PersonSpec(f"aprobacion@{domain}", approver, (Role.APPROVER,)),
        PersonSpec(f"funcionario@{domain}", official, (Role.OFFICIAL,)),
        PersonSpec(f"apertura1@{domain}", opener1, (Role.OPENING_OFFICER,)),
        PersonSpec(f"apertura2@{domain}", opener2, (Role.OPENING_OFFICER,)),
    )


@dataclass(frozen=True)
class BodySpec:
    key: str
    name: str
    acronym: str
    level: str
    people: tuple[PersonSpec, ...]
    #: Day (relative to the load date) on which the body registered on the platform.
    registered_day: int
    description: str
    website: str = ""
    state_code: str | None = None
    municipality_name: str = ""
    municipality_code: str = ""
    time_zone: str = MexicanTimeZone.CENTRO
    verified: bool = True


BODIES: tuple[BodySpec, ...] = (
    BodySpec(
        key="segob",
        name="Secretaría de Gobernación",
        acronym="SEGOB",
        level=Level.FEDERAL,
        website="https://www.gob.mx/segob",
        registered_day=-512,
        description=(
            "Conduce la política interior del país. Por medio de la Coordinación Nacional de "
            "Protección Civil y del Centro Nacional de Prevención de Desastres (CENAPRED) "
            "vigila sismos, huracanes, inundaciones y volcanes, y alerta a la población."
        ),
        people=_people(
            "segob.example",
            "Laura Mendoza Ríos",
            "Javier Ortega Salinas",
            "Claudia Herrera Vázquez",
            "Ricardo Flores Navarro",
        ),
    ),
    BodySpec(
        key="sabg",
        name="Secretaría Anticorrupción y Buen Gobierno",
        acronym="SABG",
        level=Level.FEDERAL,
        website="https://www.gob.mx/buengobierno",
        registered_day=-510,
        description=(
            "Antes Secretaría de la Función Pública (SFP). Vigila el desempeño de las personas "
            "servidoras públicas federales, recibe denuncias por faltas administrativas y "
            "coordina a los órganos internos de control."
        ),
        people=_people(
            "sabg.example",
            "Patricia Castillo Romero",
            "Eduardo Aguilar Benítez",
            "Mónica Villanueva Cruz",
            "Héctor Domínguez Lara",
        ),
    ),
    BodySpec(
        key="sep",
        name="Secretaría de Educación Pública",
        acronym="SEP",
        level=Level.FEDERAL,
        website="https://www.gob.mx/sep",
        registered_day=-505,
        description=(
            "Responsable de la educación básica, media superior y superior del sistema "
            "educativo nacional, de sus planes de estudio y de la infraestructura escolar."
        ),
        people=_people(
            "sep.example",
            "Gabriela Núñez Ochoa",
            "Fernando Rosales Méndez",
            "Adriana Pineda Soto",
            "Raúl Cervantes Ibarra",
        ),
    ),
    BodySpec(
        key="salud",
        name="Secretaría de Salud",
        acronym="SSA",
        level=Level.FEDERAL,
        website="https://www.gob.mx/salud",
        registered_day=-503,
        description=(
            "Coordina el Sistema Nacional de Salud, establece la política de salud pública y "
            "vigila el abasto de medicamentos e insumos en las unidades médicas."
        ),
        people=_people(
            "salud.example",
            "Verónica Montes de Oca Ruiz",
            "Alejandro Guzmán Peña",
            "Lucía Carrillo Estrada",
            "Óscar Meléndez Torres",
        ),
    ),
    BodySpec(
        key="semarnat",
        name="Secretaría de Medio Ambiente y Recursos Naturales",
        acronym="SEMARNAT",
        level=Level.FEDERAL,
        website="https://www.gob.mx/semarnat",
        registered_day=-500,
        description=(
            "Protege, restaura y conserva los ecosistemas y recursos naturales del país. La "
            "Procuraduría Federal de Protección al Ambiente (PROFEPA) atiende las denuncias "
            "ambientales."
        ),
        people=_people(
            "semarnat.example",
            "Teresa Gallardo Ponce",
            "Arturo Rangel Medina",
            "Silvia Olvera Campos",
            "Jorge Espinoza Treviño",
        ),
    ),
    BodySpec(
        key="sict",
        name="Secretaría de Infraestructura, Comunicaciones y Transportes",
        acronym="SICT",
        level=Level.FEDERAL,
        website="https://www.gob.mx/sct",
        registered_day=-498,
        description=(
            "Antes Secretaría de Comunicaciones y Transportes (SCT). Construye, conserva y "
            "opera la red carretera federal y regula el autotransporte."
        ),
        people=_people(
            "sict.example",
            "Rosa María Velázquez Luna",
            "Daniel Zamora Quiroz",
            "Beatriz Cortés Maldonado",
            "Manuel Sandoval Reyes",
        ),
    ),
    BodySpec(
        key="economia",
        name="Secretaría de Economía",
        acronym="SE",
        level=Level.FEDERAL,
        website="https://www.gob.mx/se",
        registered_day=-495,
        description=(
            "Impulsa la productividad y la competitividad de la economía, y los programas de "
            "apoyo a las micro, pequeñas y medianas empresas."
        ),
        people=_people(
            "economia.example",
            "Diana Fuentes Arellano",
            "Roberto Tapia Figueroa",
            "Elena Solís Bravo",
            "Guillermo Acosta Mejía",
        ),
    ),
    BodySpec(
        key="sedatu",
        name="Secretaría de Desarrollo Agrario, Territorial y Urbano",
        acronym="SEDATU",
        level=Level.FEDERAL,
        website="https://www.gob.mx/sedatu",
        registered_day=-492,
        description=(
            "Planea el ordenamiento del territorio, el desarrollo urbano y la vivienda, y "
            "coordina la reconstrucción de viviendas dañadas por desastres."
        ),
        people=_people(
            "sedatu.example",
            "Carmen Ibáñez Ledesma",
            "Luis Alberto Paredes Cano",
            "Norma Valdez Sepúlveda",
            "Sergio Escobar Rosas",
        ),
    ),
    BodySpec(
        key="jalisco",
        name="Gobierno del Estado de Jalisco",
        acronym="",
        level=Level.STATE,
        state_code="14",
        website="https://www.jalisco.gob.mx",
        registered_day=-205,
        description=(
            "Gobierno estatal. La Coordinación General de Innovación Gubernamental publica sus "
            "retos en coordinación con la Secretaría de Transporte."
        ),
        people=_people(
            "jalisco.example",
            "Ana Sofía Gutiérrez Preciado",
            "Miguel Ángel Partida Orozco",
            "Karla Jiménez Íñiguez",
            "Francisco Javier Lomelí Barba",
        ),
    ),
    BodySpec(
        key="nuevo-leon",
        name="Gobierno del Estado de Nuevo León",
        acronym="",
        level=Level.STATE,
        state_code="19",
        website="https://www.nl.gob.mx",
        registered_day=-170,
        description=(
            "Gobierno estatal. La Secretaría de Medio Ambiente opera el Sistema Integral de "
            "Monitoreo Ambiental (SIMA) del área metropolitana de Monterrey."
        ),
        people=_people(
            "nl.example",
            "Mariana Garza Cantú",
            "Rodrigo Villarreal Treviño",
            "Daniela Elizondo Salazar",
            "Alejandro Cavazos Leal",
        ),
    ),
    BodySpec(
        key="guadalajara",
        name="Gobierno Municipal de Guadalajara",
        acronym="",
        level=Level.MUNICIPAL,
        state_code="14",
        municipality_name="Guadalajara",
        municipality_code="14039",
        website="https://guadalajara.gob.mx",
        registered_day=-120,
        description=(
            "Ayuntamiento de la capital de Jalisco. Presta los servicios públicos de "
            "alumbrado, bacheo, aseo y parques de la ciudad."
        ),
        people=_people(
            "guadalajara.example",
            "Paola Ramírez Anaya",
            "José Luis Hernández Vallarta",
            "Fabiola Torres Magaña",
            "Enrique Ruvalcaba Loza",
        ),
    ),
    BodySpec(
        key="merida",
        name="Ayuntamiento de Mérida",
        acronym="",
        level=Level.MUNICIPAL,
        state_code="31",
        municipality_name="Mérida",
        municipality_code="31050",
        # Yucatán keeps central time; America/Merida is not one of the zones the platform shows.
        time_zone=MexicanTimeZone.CENTRO,
        website="https://www.merida.gob.mx",
        registered_day=-75,
        description=(
            "Ayuntamiento de la capital de Yucatán. Atiende trámites y servicios municipales "
            "en español y en maya."
        ),
        people=_people(
            "merida.example",
            "Gloria Canché Pech",
            "Rafael Peón Cámara",
            "Leticia Chan Dzul",
            "Alfredo Manzanilla Rivas",
        ),
    ),
    BodySpec(
        key="quintana-roo",
        name="Gobierno del Estado de Quintana Roo",
        acronym="",
        level=Level.STATE,
        state_code="23",
        time_zone=MexicanTimeZone.SURESTE,
        website="https://www.qroo.gob.mx",
        registered_day=-35,
        # Registered recently and verified at once: only verified bodies may draft challenges.
        verified=True,
        description=(
            "Gobierno estatal. La Secretaría de Ecología y Medio Ambiente coordina la "
            "atención al arribo de sargazo en las costas del estado."
        ),
        people=(
            PersonSpec("aprobacion@qroo.example", "Itzel Pool Uc", (Role.APPROVER,)),
            PersonSpec("funcionario@qroo.example", "Gerardo Aranda Sosa", (Role.OFFICIAL,)),
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# Expert evaluators.


@dataclass(frozen=True)
class ExpertSpec:
    email: str
    full_name: str
    areas: tuple[str, ...]


EXPERTS: tuple[ExpertSpec, ...] = (
    ExpertSpec("isabel.ramos@expertos.example", "Isabel Ramos Quintero", (T, SEC)),
    ExpertSpec("andres.salgado@expertos.example", "Andrés Salgado Vega", (T, OSS)),
    ExpertSpec("natalia.bermudez@expertos.example", "Natalia Bermúdez Kuri", (UX, POL)),
    ExpertSpec("tomas.echeverria@expertos.example", "Tomás Echeverría Lozano", (SEC, T)),
    ExpertSpec("valeria.ocampo@expertos.example", "Valeria Ocampo Duarte", (DATA, POL)),
    ExpertSpec("emilio.sanchez@expertos.example", "Emilio Sánchez Barrera", (POL, BIZ)),
    ExpertSpec("renata.fajardo@expertos.example", "Renata Fajardo Molina", (BIZ, POL)),
    ExpertSpec("pablo.inzunza@expertos.example", "Pablo Inzunza Robles", (OSS, T)),
    ExpertSpec("ximena.lugo@expertos.example", "Ximena Lugo Arriaga", (UX, DATA)),
    ExpertSpec("mauricio.tello@expertos.example", "Mauricio Tello Garza", (DATA, SEC)),
    ExpertSpec("fernanda.quinones@expertos.example", "Fernanda Quiñones Ávila", (POL, UX)),
    ExpertSpec("santiago.beltran@expertos.example", "Santiago Beltrán Olmos", (BIZ, OSS)),
)


# ---------------------------------------------------------------------------------------------
# Companies (MIPYMES).


@dataclass(frozen=True)
class CompanySpec:
    name: str
    #: The RFC without its check digit: 3 letters from the name, the date of incorporation
    #: (YYMMDD) and two homoclave characters.
    rfc_base: str
    sector: str
    workers: int
    annual_sales: Decimal
    state_code: str
    #: Mail domain (``<handle>.example``) of the company's people.
    handle: str
    admin_name: str
    description: str
    registered_day: int
    member_name: str = ""
    verified: bool = True

    @property
    def rfc(self) -> str:
        return self.rfc_base + stdnum_rfc.calc_check_digit(self.rfc_base)

    @property
    def admin_email(self) -> str:
        return f"direccion@{self.handle}.example"

    @property
    def member_email(self) -> str:
        return f"equipo@{self.handle}.example"


def _c(name, rfc_base, sector, workers, sales_millions, state, handle, admin, desc, day, **kw):
    return CompanySpec(
        name=name,
        rfc_base=rfc_base,
        sector=sector,
        workers=workers,
        annual_sales=Decimal(sales_millions) * 1_000_000,
        state_code=state,
        handle=handle,
        admin_name=admin,
        description=desc,
        registered_day=day,
        **kw,
    )


SRV, COM, IND = Sector.SERVICES, Sector.COMMERCE, Sector.INDUSTRY

# fmt: off
COMPANIES: tuple[CompanySpec, ...] = (
    _c("Cenzontle Tecnologías Cívicas, S.A.S. de C.V.", "CTC150312K7", SRV, 8, "3.2", "09",
       "cenzontle", "Sofía Reyes Alcántara",
       "Desarrollamos aplicaciones cívicas de código abierto para gobiernos locales.", -488,
       member_name="Diego Campos Nava"),
    _c("Datos Abiertos del Bajío, S.A. de C.V.", "DAB120905M3", SRV, 22, "14.5", "11",
       "datosbajio", "Héctor Lozano Mireles",
       "Publicación, limpieza y visualización de datos abiertos para el sector público.", -486),
    _c("Xoco Software Libre, S.C.", "XSL170620P1", SRV, 5, "1.8", "09", "xoco",
       "Alma Ruiz Tenorio", "Cooperativa de desarrollo web con software libre.", -483),
    _c("Ajolote Labs, S.A.P.I. de C.V.", "ALA180115R8", SRV, 9, "3.8", "09", "ajolote",
       "Iván Meza Corona", "Laboratorio de aplicaciones móviles y servicios en la nube.", -480),
    _c("Geomática Peninsular, S.A. de C.V.", "GPE140428H2", SRV, 14, "6.8", "31", "geopeninsular",
       "Yolanda Kú Balam", "Sistemas de información geográfica y cartografía participativa.",
       -476),
    _c("Nopal Digital, S. de R.L. de C.V.", "NDI160802B5", SRV, 9, "3.9", "14", "nopaldigital",
       "Luis Fernando Orozco Gil", "Diseño de servicios digitales y experiencia de usuario.",
       -470),
    _c("Sistemas Colibrí del Norte, S.A. de C.V.", "SCN110207J9", SRV, 46, "38", "19",
       "colibrinorte", "Gabriel Treviño Sada",
       "Integración de sistemas y desarrollo a la medida para gobierno y empresas.", -466,
       member_name="Paulina Garza Montemayor"),
    _c("Mixteca Código Abierto, S.A.S.", "MCA190911T4", SRV, 4, "1.2", "20", "mixteca",
       "Citlali Cruz Bautista",
       "Tecnología en lenguas indígenas y herramientas para comunidades de Oaxaca.", -460),
    _c("Tlacuache Studio, S.A. de C.V.", "TST170330C6", SRV, 7, "2.6", "21", "tlacuache",
       "Bruno Aguirre Lima", "Estudio de diseño de interacción y accesibilidad web.", -452),
    _c("Huitzilin Ingeniería de Datos, S.A. de C.V.", "HID130718N2", SRV, 31, "22", "09",
       "huitzilin", "Regina Salas Ocampo",
       "Ingeniería de datos, analítica y tableros de control en tiempo real.", -445),
    _c("Ceiba Soluciones Geoespaciales, S.C.", "CSG100524F8", SRV, 18, "9.4", "07", "ceiba",
       "Marco Antonio Gómez Ruiz",
       "Percepción remota e imágenes satelitales para gestión de riesgos.", -440),
    _c("Jaguar Sistemas Abiertos, S.A. de C.V.", "JSA080930L3", SRV, 72, "148", "22", "jaguar",
       "Verónica Ugalde Pérez",
       "Plataformas de misión crítica con software libre; soporte 24/7.", -432,
       member_name="Rodrigo Balderas Ríos"),
    _c("Maguey Interactivo, S.A.S. de C.V.", "MIN200114D7", SRV, 6, "2.1", "32", "maguey",
       "Esteban Dávila Rangel", "Aplicaciones web progresivas para conexiones lentas.", -420),
    _c("Red Ciudadana Digital, S.C.", "RCD150609G5", SRV, 12, "5.2", "09", "redciudadana",
       "Lorena Vega Castañeda",
       "Participación ciudadana, peticiones y presupuesto participativo en línea.", -410),
    _c("Tecnologías Sierra Madre, S.A. de C.V.", "TSM090316E4", SRV, 58, "112", "08",
       "sierramadre", "Armando Chávez Loya",
       "Servicios de nube, seguridad informática y operación de centros de datos.", -398),
    _c("Pixel Maya, S.A. de C.V.", "PMA180723U6", SRV, 9, "3.4", "23", "pixelmaya",
       "Karen May Couoh", "Apps móviles y sitios para turismo y servicios públicos.", -380),
    _c("Kiosco Cívico, S.A.S.", "KCI210405A9", SRV, 3, "0.9", "17", "kioscocivico",
       "Jimena Ocampo Salgado", "Trámites en línea sencillos para municipios pequeños.", -350),
    _c("Nodo Pacífico Tecnologías, S.A. de C.V.", "NPT140212V2", SRV, 27, "17.3", "25",
       "nodopacifico", "Omar Inzunza Félix",
       "Internet de las cosas, sensores y telemetría para ciudades.", -330),
    _c("Alebrije Desarrollo Web, S.A. de C.V.", "ADW160118S1", SRV, 15, "7.7", "21", "alebrije",
       "Mariela Bonilla Sosa", "Portales accesibles y sistemas de gestión de contenidos.",
       -300),
    _c("Quetzal Analítica, S.C.", "QAN170505R3", SRV, 11, "4.8", "31", "quetzal",
       "Rubén Pech Canul", "Ciencia de datos y evaluación de políticas públicas.", -280),
    _c("Equipos y Redes del Golfo, S.A. de C.V.", "ERG070827Q5", COM, 24, "41", "30",
       "redesgolfo", "Alfonso Márquez Utrera",
       "Venta e instalación de equipo de cómputo, redes y sensores.", -260),
    _c("Sensores Ambientales de Occidente, S.A. de C.V.", "SAO121010P4", IND, 38, "26", "14",
       "sensoresoccidente", "Claudia Íñiguez Ramos",
       "Fabricación de estaciones de monitoreo del aire y del agua.", -240),
    _c("Electrónica Abierta Regiomontana, S.A. de C.V.", "EAR100301M7", IND, 95, "180", "19",
       "electronicaregia", "Jorge Cantú Garza",
       "Diseño y manufactura de hardware abierto y tarjetas electrónicas.", -220),
    _c("Cartografía Libre de México, S.C.", "CLM130614B2", SRV, 10, "3.6", "09", "cartolibre",
       "Andrea Solórzano Peña", "Mapas abiertos, OpenStreetMap y rutas de transporte.", -190),
    _c("Brújula Urbana, S.A.S. de C.V.", "BUR190227K3", SRV, 7, "2.9", "19", "brujula",
       "Sebastián Leal Cavazos", "Movilidad urbana, datos GTFS y planeación de rutas.", -160),
    _c("Tequio Digital, S.C.", "TDI180409H6", SRV, 13, "6.1", "20", "tequio",
       "Guadalupe Martínez López",
       "Tecnología comunitaria y capacitación digital en zonas rurales.", -140),
    _c("Lince Seguridad Informática, S.A. de C.V.", "LSI110923N8", SRV, 33, "29", "01", "lince",
       "Ernesto Durán Esparza",
       "Auditorías de seguridad, pruebas de penetración y respuesta a incidentes.", -110),
    _c("Mezquite Software, S.A. de C.V.", "MSO150807F1", SRV, 19, "8.8", "26", "mezquite",
       "Patricio Urquijo Félix", "Desarrollo de software a la medida para gobierno.", -90),
    _c("Pitahaya Tecnologías Móviles, S.A.S.", "PTM200616G9", SRV, 5, "1.5", "03", "pitahaya",
       "Daniela Cota Amador", "Aplicaciones móviles nativas y multiplataforma.", -70),
    _c("Grupo Ahuehuete Consultores, S.C.", "GAC060412R5", SRV, 64, "125", "15", "ahuehuete",
       "Fernando Olguín Reséndiz",
       "Consultoría en gestión de proyectos públicos y transformación digital.", -55),
    _c("Colmena Comercio Electrónico, S.A. de C.V.", "CCE170228J4", COM, 9, "3.7", "16",
       "colmena", "Rosa Elena Magaña Ceja",
       "Tiendas en línea y distribución de equipo para pequeños comercios.", -40),
    # Teams of several people, each with a member besides its director: they write proposals.
    _c("Tzolkin Software, S.A.S. de C.V.", "TSO160520K4", SRV, 6, "2.4", "31", "tzolkin",
       "Andrés Canché Ek", "Software libre para gobiernos municipales de la península.", -478,
       member_name="Itzel Pool Dzul"),
    _c("Cacao Digital del Sureste, S.A. de C.V.", "CDS140903B7", SRV, 17, "8.1", "27",
       "cacaodigital", "Martha Hernández Priego",
       "Sistemas de registro en campo y levantamiento de datos desde el teléfono.", -468,
       member_name="Julio César Ovando Luna"),
    _c("Bosque de Niebla Tecnologías, S.C.", "BNT150118H2", SRV, 11, "4.4", "30", "niebla",
       "Elena Sosa Landa", "Datos abiertos, mapas y tableros para gobiernos y universidades.",
       -458, member_name="Tomás Rivera Baizabal"),
    _c("Coyote Código Abierto, S.A.S.", "CCA190425M6", SRV, 5, "1.9", "08", "coyote",
       "Valentina Terrazas Holguín",
       "Seguridad y privacidad desde el diseño en servicios digitales públicos.", -448,
       member_name="Samuel Ochoa Baeza"),
    _c("Tepache Labs, S. de R.L. de C.V.", "TLA170810P3", SRV, 8, "3.3", "14", "tepache",
       "Rocío Anaya Preciado", "Diseño y desarrollo de servicios públicos digitales centrados "
       "en las personas.", -438, member_name="Emiliano Barba Cortés"),
    # Registered in the last days and not yet verified: the other half of the staff's queue.
    _c("Faro Datos Públicos, S.C.", "FDP220105C3", SRV, 2, "0.6", "04", "farodatos",
       "Iker Chablé Huchín", "Periodismo de datos y solicitudes de información pública.", -12,
       verified=False),
    _c("Arrecife Digital, S.A.S.", "ADI230311T2", SRV, 4, "1.1", "23", "arrecife",
       "Mónica Dzib Pool", "Desarrollo web y móvil desde Cancún.", -5, verified=False),
)
# fmt: on


# ---------------------------------------------------------------------------------------------
# Challenges.


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    weight: int
    area: str
    description: str


@dataclass(frozen=True)
class ChallengeSpec:
    key: str
    body: str
    #: The stage the challenge is in once the demo is loaded.
    target: Stage
    #: Day (relative to the load date) of its publication, planned or real.
    publish_day: int
    title: str
    summary: str
    problem_statement: str
    context: str
    expected_outcomes: str
    deliverables: str
    category: str
    amount: Decimal
    licences: tuple[str, ...]
    criteria: tuple[CriterionSpec, ...]
    finalists_count: int = 5
    #: Published reason of a cancellation or desertion, or the staff's request for changes.
    reason: str = ""
    #: Days after publication on which a cancelled challenge was cancelled.
    cancel_after: int = 0
    #: Fields the official changed after platform staff requested changes (drafts only).
    draft_update: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> dict:
        return {
            "title": self.title,
            "summary": self.summary,
            "problem_statement": self.problem_statement,
            "context": self.context,
            "expected_outcomes": self.expected_outcomes,
            "deliverables": self.deliverables,
            "category": self.category,
            "amount": self.amount,
            "finalists_count": self.finalists_count,
            "licences": list(self.licences),
        }

    @property
    def criteria_payload(self) -> list[dict]:
        return [
            {
                "name": c.name,
                "weight": c.weight,
                "expertise_area": c.area,
                "description": c.description,
            }
            for c in self.criteria
        ]


def _criterion(name: str, weight: int, area: str, description: str) -> CriterionSpec:
    return CriterionSpec(name, weight, area, description)


CHALLENGES: tuple[ChallengeSpec, ...] = (
    ChallengeSpec(
        key="alerta-temprana",
        body="segob",
        target=Stage.COMPLETED,
        publish_day=-425,
        title="Aplicación móvil de alerta temprana ante desastres naturales",
        summary=(
            "Una app para teléfonos inteligentes que avise a la población, según su ubicación "
            "y con la mayor anticipación posible, de sismos, huracanes, inundaciones y "
            "actividad volcánica, con información oficial del CENAPRED y de Protección Civil."
        ),
        problem_statement=(
            "Cada año, sismos, huracanes, inundaciones y la actividad del volcán Popocatépetl "
            "ponen en riesgo a millones de personas. Las alertas oficiales existen —el Sistema "
            "de Alerta Sísmica Mexicano, los avisos de ciclón tropical del Servicio "
            "Meteorológico Nacional, el semáforo de alerta volcánica—, pero llegan por canales "
            "dispersos y muchas veces tarde a quien está en la zona de riesgo.\n\n"
            "Además, la población no sabe qué hacer ni dónde está el refugio temporal más "
            "cercano. Buscamos una aplicación móvil que reciba las alertas oficiales y las "
            "entregue a cada persona según su ubicación, con instrucciones claras de qué hacer "
            "y a dónde ir."
        ),
        context=(
            "El Centro Nacional de Prevención de Desastres (CENAPRED), órgano desconcentrado "
            "de la Secretaría de Gobernación, publica el semáforo de alerta volcánica, el Atlas "
            "Nacional de Riesgos y el catálogo de refugios temporales. Las alertas oficiales se "
            "emiten en el Protocolo Común de Alerta (CAP).\n\n"
            "La mayoría de las personas se conecta a internet desde un teléfono, muchas con "
            "planes de datos limitados: la app debe funcionar con conexiones lentas, en "
            "teléfonos de gama baja y, para lo esencial, sin conexión."
        ),
        expected_outcomes=(
            "- Avisos geolocalizados en menos de 30 segundos desde la emisión de la alerta.\n"
            "- Instrucciones de qué hacer antes, durante y después de cada fenómeno, en "
            "lenguaje claro.\n"
            "- Mapa de refugios temporales y rutas de evacuación que funcione sin conexión.\n"
            "- Al menos 500,000 descargas en el primer año."
        ),
        deliverables=(
            "- Aplicaciones para Android e iOS publicadas en las tiendas oficiales.\n"
            "- Servicio que consume alertas en formato CAP y las distribuye por notificación.\n"
            "- Panel para que Protección Civil redacte, revise y envíe avisos.\n"
            "- Código fuente con licencia abierta, manual de instalación y de operación.\n"
            "- Archivo publiccode.yml para el catálogo de herramientas."
        ),
        category=Category.CIVIL_PROTECTION,
        amount=Decimal("1850000.00"),
        licences=("AGPL-3.0-or-later", "GPL-3.0-or-later", "Apache-2.0", "MIT"),
        criteria=(
            _criterion(
                "Confiabilidad y rapidez de las alertas",
                30,
                T,
                "Tiempo de entrega de una alerta de punta a punta y comportamiento ante fallas.",
            ),
            _criterion(
                "Seguridad y resistencia ante picos de uso",
                15,
                SEC,
                "Que nadie pueda emitir alertas falsas y que el servicio aguante millones de "
                "avisos simultáneos.",
            ),
            _criterion(
                "Claridad y accesibilidad de las instrucciones",
                25,
                UX,
                "Lenguaje claro, accesibilidad para personas con discapacidad y uso sin conexión.",
            ),
            _criterion(
                "Pertinencia para protección civil",
                15,
                POL,
                "Apego a los protocolos del Sistema Nacional de Protección Civil.",
            ),
            _criterion(
                "Costo, plazo y sostenibilidad",
                15,
                BIZ,
                "Plan de trabajo realista y costo de operación tras la entrega.",
            ),
        ),
    ),
    ChallengeSpec(
        key="denuncia-corrupcion",
        body="sabg",
        target=Stage.COMPLETED,
        publish_day=-395,
        title="Plataforma ciudadana para denunciar actos de corrupción en oficinas de gobierno",
        summary=(
            "Un sitio y una app en que cualquier persona denuncie, de forma anónima y segura, "
            "cobros indebidos, sobornos y malos tratos en oficinas y trámites federales, y dé "
            "seguimiento a su denuncia con un folio."
        ),
        problem_statement=(
            "Quien enfrenta una «mordida» para agilizar un trámite o presencia un cobro "
            "indebido en una oficina pública rara vez lo denuncia: no sabe dónde hacerlo, teme "
            "represalias y no confía en que su denuncia tenga consecuencias.\n\n"
            "Las denuncias que sí llegan lo hacen por teléfono, correo o papel, incompletas y "
            "sin pruebas, y tardan semanas en llegar al órgano interno de control que debe "
            "investigarlas. Buscamos una plataforma que facilite denunciar con pruebas (fotos, "
            "audio, documentos), proteja la identidad de quien denuncia y le permita seguir el "
            "estado de su caso."
        ),
        context=(
            "La Secretaría Anticorrupción y Buen Gobierno (antes Secretaría de la Función "
            "Pública) recibe las denuncias contra personas servidoras públicas federales y las "
            "turna a los órganos internos de control. La Ley General de Responsabilidades "
            "Administrativas protege la identidad de quien denuncia.\n\n"
            "La Encuesta Nacional de Calidad e Impacto Gubernamental del INEGI muestra que la "
            "gran mayoría de los actos de corrupción en trámites nunca se denuncia."
        ),
        expected_outcomes=(
            "- Denunciar en menos de cinco minutos desde el teléfono, con o sin registro.\n"
            "- Anonimato verificable: la plataforma no guarda datos que identifiquen a quien "
            "denuncia sin su consentimiento.\n"
            "- Folio y seguimiento del estado de cada denuncia.\n"
            "- Datos abiertos agregados por dependencia, trámite y entidad, sin datos "
            "personales."
        ),
        deliverables=(
            "- Aplicación web adaptable a teléfonos y aplicación Android.\n"
            "- Módulo de gestión para los órganos internos de control.\n"
            "- API documentada para integrar otras vías de denuncia.\n"
            "- Código fuente, pruebas automatizadas, manual de despliegue y publiccode.yml."
        ),
        category=Category.TRANSPARENCY,
        amount=Decimal("1500000.00"),
        licences=("AGPL-3.0-or-later", "GPL-3.0-or-later", "EUPL-1.2"),
        criteria=(
            _criterion(
                "Protección de la identidad y seguridad de la información",
                30,
                SEC,
                "Cifrado, minimización de datos y resistencia a intentos de identificar a "
                "quien denuncia.",
            ),
            _criterion(
                "Arquitectura y calidad técnica",
                20,
                T,
                "Diseño, pruebas y facilidad de mantenimiento.",
            ),
            _criterion(
                "Facilidad de uso para la ciudadanía",
                20,
                UX,
                "Que cualquier persona pueda denunciar sin ayuda, desde un teléfono sencillo.",
            ),
            _criterion(
                "Apego al marco legal de las denuncias",
                15,
                POL,
                "Cumplimiento de la Ley General de Responsabilidades Administrativas.",
            ),
            _criterion(
                "Datos abiertos y transparencia",
                15,
                DATA,
                "Calidad de las estadísticas publicadas y protección de datos personales.",
            ),
        ),
    ),
    ChallengeSpec(
        key="escuelas",
        body="sep",
        target=Stage.IMPLEMENTATION,
        publish_day=-165,
        title="Mapa abierto del estado físico de las escuelas públicas",
        summary=(
            "Una plataforma en la que madres, padres, docentes y autoridades reporten y "
            "consulten el estado de la infraestructura de cada escuela pública —agua, "
            "sanitarios, electricidad, daños por sismo— con datos abiertos."
        ),
        problem_statement=(
            "Miles de escuelas públicas carecen de agua potable, sanitarios suficientes o "
            "electricidad, y muchas arrastran daños de sismos que nadie ha registrado. La "
            "información de los censos envejece pronto y no llega a quien decide dónde "
            "invertir.\n\n"
            "Las comunidades escolares conocen el estado real de su escuela, pero no tienen un "
            "canal para reportarlo ni para saber si su reporte se atiende."
        ),
        context=(
            "La SEP publica el Catálogo de Centros de Trabajo y los resultados del Censo de "
            "Escuelas, Maestros y Alumnos de Educación Básica y Especial (CEMABE). Los "
            "programas de mejora de infraestructura asignan recursos con esos datos. La "
            "plataforma debe usar la clave de centro de trabajo (CCT) como identificador."
        ),
        expected_outcomes=(
            "- Ficha pública de cada escuela con su estado de infraestructura, actualizada por "
            "la comunidad y validada por la autoridad educativa.\n"
            "- Reportes con foto y ubicación desde el teléfono.\n"
            "- Tablero para priorizar inversiones por municipio.\n"
            "- Datos abiertos descargables cada semana."
        ),
        deliverables=(
            "- Aplicación web y aplicación móvil.\n"
            "- Módulo de validación para las autoridades educativas estatales.\n"
            "- API pública y conjuntos de datos abiertos.\n"
            "- Código fuente, documentación y publiccode.yml."
        ),
        category=Category.EDUCATION,
        amount=Decimal("2400000.00"),
        licences=("AGPL-3.0-or-later", "MIT", "Apache-2.0"),
        criteria=(
            _criterion("Calidad técnica", 25, T, "Arquitectura, pruebas y escalabilidad."),
            _criterion(
                "Facilidad de uso en comunidades escolares",
                25,
                UX,
                "Uso sencillo para madres, padres y docentes, también con mala conexión.",
            ),
            _criterion(
                "Calidad y apertura de los datos",
                20,
                DATA,
                "Estándares abiertos, validación y publicación periódica.",
            ),
            _criterion(
                "Pertinencia educativa",
                15,
                POL,
                "Utilidad para los programas de infraestructura escolar.",
            ),
            _criterion("Plan de trabajo y costo", 15, BIZ, "Viabilidad del plan y del costo."),
        ),
    ),
    ChallengeSpec(
        key="abasto-medicamentos",
        body="salud",
        target=Stage.AWARDED,
        publish_day=-112,
        title="Consulta pública del abasto de medicamentos en unidades de salud",
        summary=(
            "Una herramienta que muestre, por unidad médica, qué medicamentos hay disponibles, "
            "para que pacientes y personal de salud sepan dónde surtir una receta y la "
            "Secretaría detecte el desabasto a tiempo."
        ),
        problem_statement=(
            "Pacientes con enfermedades crónicas recorren varias unidades médicas para surtir "
            "una receta, sin saber dónde hay existencias. La Secretaría se entera del "
            "desabasto por las quejas, cuando el problema ya ocurrió.\n\n"
            "Los inventarios existen, pero en sistemas distintos por institución y por entidad "
            "federativa, y no se pueden consultar en un solo lugar."
        ),
        context=(
            "Cada unidad médica tiene una Clave Única de Establecimientos de Salud (CLUES) y "
            "cada medicamento una clave del Compendio Nacional de Insumos para la Salud. La "
            "herramienta debe leer los inventarios que las instituciones ya publican, sin "
            "pedirles capturar de nuevo, y no debe exponer datos de pacientes."
        ),
        expected_outcomes=(
            "- Consulta por medicamento y por cercanía, desde el teléfono o por mensaje de "
            "texto.\n"
            "- Alertas tempranas de desabasto para las áreas de compras.\n"
            "- Datos abiertos diarios del abasto por unidad y por clave."
        ),
        deliverables=(
            "- Servicio de integración con los inventarios de al menos tres instituciones.\n"
            "- Sitio de consulta y servicio de mensajes de texto.\n"
            "- Tablero de abasto para la Secretaría.\n"
            "- Código fuente, documentación y publiccode.yml."
        ),
        category=Category.HEALTH,
        amount=Decimal("2750000.00"),
        licences=("AGPL-3.0-or-later", "GPL-3.0-or-later", "MPL-2.0"),
        criteria=(
            _criterion(
                "Integración con inventarios y calidad técnica",
                30,
                T,
                "Cómo se leen y concilian inventarios de sistemas distintos.",
            ),
            _criterion(
                "Protección de datos",
                15,
                SEC,
                "Que ninguna consulta permita inferir datos de pacientes.",
            ),
            _criterion(
                "Utilidad para pacientes",
                25,
                UX,
                "Encontrar un medicamento en menos de un minuto.",
            ),
            _criterion(
                "Pertinencia para el sistema de salud",
                15,
                POL,
                "Utilidad para planear compras y distribución.",
            ),
            _criterion("Datos abiertos", 15, DATA, "Publicación diaria con estándares abiertos."),
        ),
    ),
    ChallengeSpec(
        key="citas-salud",
        body="salud",
        target=Stage.CANCELLED,
        publish_day=-65,
        cancel_after=30,
        title="Agenda de citas en línea para centros de salud",
        summary=(
            "Un sistema para que las personas agenden, cambien y cancelen sus citas de "
            "consulta externa en los centros de salud desde el teléfono o por mensaje de "
            "texto."
        ),
        problem_statement=(
            "Para conseguir una consulta en un centro de salud, muchas personas hacen fila "
            "desde la madrugada por una ficha, y aun así no siempre la obtienen. Las citas "
            "que no se cancelan se pierden y el personal no puede reasignarlas."
        ),
        context=(
            "Los centros de salud de primer nivel atienden a la población sin seguridad "
            "social. Muchos no tienen conexión estable a internet."
        ),
        expected_outcomes=(
            "- Agendar una cita sin hacer fila.\n"
            "- Recordatorios por mensaje de texto.\n"
            "- Menos citas perdidas."
        ),
        deliverables=(
            "- Sistema de agenda con acceso web y por mensaje de texto.\n"
            "- Código fuente y documentación."
        ),
        category=Category.HEALTH,
        amount=Decimal("3200000.00"),
        licences=("AGPL-3.0-or-later", "Apache-2.0"),
        criteria=(
            _criterion("Solución técnica", 35, T, "Funcionamiento con conectividad limitada."),
            _criterion("Experiencia de las personas usuarias", 35, UX, "Facilidad de uso."),
            _criterion("Viabilidad y costo", 30, BIZ, "Plan de trabajo y costo."),
        ),
        reason=(
            "Se cancela el reto porque la Secretaría de Salud integrará la agenda de citas al "
            "expediente clínico electrónico nacional, cuyo alcance se definió después de "
            "publicar la convocatoria; mantener este reto duplicaría el gasto. Las preguntas "
            "recibidas y sus respuestas se conservan en el expediente público."
        ),
    ),
    ChallengeSpec(
        key="denuncia-ambiental",
        body="semarnat",
        target=Stage.DECIDED,
        publish_day=-92,
        title="Denuncia ambiental ciudadana con seguimiento público",
        summary=(
            "Una app para reportar tala ilegal, tiraderos clandestinos y descargas de aguas "
            "residuales, con fotos y ubicación, que llegue a la autoridad competente y cuyo "
            "seguimiento sea público."
        ),
        problem_statement=(
            "La tala ilegal, los tiraderos clandestinos y las descargas de aguas residuales se "
            "detectan tarde porque denunciarlos es complicado: hay que acudir a una oficina o "
            "llenar formularios extensos, y quien denuncia no sabe después qué pasó.\n\n"
            "Buscamos una herramienta que facilite la denuncia desde el lugar de los hechos, "
            "con evidencia verificable, y que muestre públicamente la atención de cada caso."
        ),
        context=(
            "La Procuraduría Federal de Protección al Ambiente (PROFEPA) atiende la denuncia "
            "popular prevista en la Ley General del Equilibrio Ecológico y la Protección al "
            "Ambiente. Muchas denuncias ocurren en zonas rurales con poca señal."
        ),
        expected_outcomes=(
            "- Denuncias con foto, ubicación y hora verificables, aun sin señal (se envían al "
            "recuperar conexión).\n"
            "- Turnado automático a la autoridad competente (federal, estatal o municipal).\n"
            "- Mapa público de denuncias y de su estado."
        ),
        deliverables=(
            "- App Android y sitio web adaptable.\n"
            "- Módulo de atención para PROFEPA.\n"
            "- Datos abiertos y API.\n"
            "- Código fuente, documentación y publiccode.yml."
        ),
        category=Category.ENVIRONMENT,
        amount=Decimal("1200000.00"),
        licences=("GPL-3.0-or-later", "AGPL-3.0-or-later", "BSD-3-Clause"),
        criteria=(
            _criterion("Solución técnica", 30, T, "Funcionamiento sin conexión y sincronía."),
            _criterion("Facilidad de uso", 25, UX, "Denunciar en pocos pasos desde el campo."),
            _criterion(
                "Pertinencia para la procuración ambiental",
                20,
                POL,
                "Utilidad de la evidencia para la autoridad.",
            ),
            _criterion("Datos abiertos", 10, DATA, "Mapa y datos públicos sin datos personales."),
            _criterion("Costo y plan de trabajo", 15, BIZ, "Viabilidad del plan y del costo."),
        ),
    ),
    ChallengeSpec(
        key="carreteras",
        body="sict",
        target=Stage.FINALISTS,
        publish_day=-72,
        title="Reporte ciudadano del estado de las carreteras federales",
        summary=(
            "Una app para que conductores y transportistas reporten baches, derrumbes y "
            "cierres en la red carretera federal, y consulten en tiempo real el estado de su "
            "ruta."
        ),
        problem_statement=(
            "Los centros de conservación de carreteras se enteran de un derrumbe o de un "
            "bache peligroso cuando ya hubo un accidente. Conductores y transportistas no "
            "tienen una fuente oficial y al día del estado de su ruta.\n\n"
            "Buscamos una herramienta que reciba reportes ciudadanos, los valide y los "
            "convierta en información pública del estado de cada tramo."
        ),
        context=(
            "La red carretera federal suma más de 50,000 kilómetros, de los cuales la SICT "
            "conserva directamente la red libre de peaje. Los reportes deben referirse a "
            "tramos y kilómetros de la red oficial."
        ),
        expected_outcomes=(
            "- Reportar un incidente en menos de un minuto y sin distraerse al volante (por "
            "voz o con un acompañante).\n"
            "- Validación de reportes por los centros SICT.\n"
            "- Mapa y avisos del estado de las rutas."
        ),
        deliverables=(
            "- App Android e iOS.\n"
            "- Consola de validación para los centros SICT.\n"
            "- Datos abiertos en tiempo real.\n"
            "- Código fuente, documentación y publiccode.yml."
        ),
        category=Category.MOBILITY,
        amount=Decimal("2100000.00"),
        licences=("Apache-2.0", "MIT", "GPL-3.0-or-later"),
        criteria=(
            _criterion("Solución técnica", 30, T, "Precisión de la ubicación y validación."),
            _criterion(
                "Seguridad vial en el diseño",
                25,
                UX,
                "Que reportar no ponga en riesgo a quien maneja.",
            ),
            _criterion("Datos abiertos", 15, DATA, "Publicación en formatos estándar."),
            _criterion("Pertinencia", 15, POL, "Utilidad para la conservación de carreteras."),
            _criterion("Costo y plan de trabajo", 15, BIZ, "Viabilidad del plan y del costo."),
        ),
    ),
    ChallengeSpec(
        key="apoyos-mipymes",
        body="economia",
        target=Stage.EVALUATION,
        publish_day=-52,
        finalists_count=4,
        title="Buscador único de apoyos y financiamiento para MIPYMES",
        summary=(
            "Un buscador en lenguaje sencillo que muestre a cada micro, pequeña y mediana "
            "empresa los programas de apoyo, créditos y capacitación federales y estatales "
            "para los que es elegible."
        ),
        problem_statement=(
            "Los programas de apoyo a las MIPYMES están dispersos en decenas de sitios, con "
            "reglas de operación difíciles de leer. Las empresas más pequeñas, que más los "
            "necesitan, no se enteran o no saben si cumplen los requisitos."
        ),
        context=(
            "Las reglas de operación de los programas federales se publican en el Diario "
            "Oficial de la Federación. La estratificación de empresas sigue el acuerdo "
            "publicado en el DOF el 30 de junio de 2009."
        ),
        expected_outcomes=(
            "- Saber en cinco preguntas a qué apoyos puede aspirar una empresa.\n"
            "- Catálogo abierto y actualizado de programas y requisitos.\n"
            "- Avisos de nuevas convocatorias."
        ),
        deliverables=(
            "- Buscador web accesible.\n"
            "- Catálogo de programas en datos abiertos y su herramienta de actualización.\n"
            "- Código fuente, documentación y publiccode.yml."
        ),
        category=Category.ECONOMY,
        amount=Decimal("850000.00"),
        licences=("MIT", "Apache-2.0", "AGPL-3.0-or-later"),
        criteria=(
            _criterion("Lenguaje claro y experiencia de uso", 35, UX, "Preguntas comprensibles."),
            _criterion("Solución técnica", 25, T, "Mantenimiento sencillo del catálogo."),
            _criterion("Modelo de datos abierto", 20, DATA, "Catálogo reutilizable."),
            _criterion("Costo y sostenibilidad", 20, BIZ, "Costo de actualizar el catálogo."),
        ),
    ),
    ChallengeSpec(
        key="vivienda-danada",
        body="sedatu",
        target=Stage.OPENED,
        publish_day=-47,
        title="Registro y seguimiento de viviendas dañadas tras un desastre",
        summary=(
            "Una herramienta para censar en campo, sin conexión, las viviendas dañadas por "
            "sismos o inundaciones, y dar seguimiento público a los apoyos para su "
            "reconstrucción."
        ),
        problem_statement=(
            "Después de un sismo o una inundación, brigadas de distintas dependencias censan "
            "las viviendas dañadas en papel o en hojas de cálculo que no se comunican. Hay "
            "casas censadas dos veces y otras nunca, y las familias no saben en qué estado "
            "está su apoyo."
        ),
        context=(
            "La SEDATU coordina los programas de reconstrucción de vivienda. Los censos se "
            "levantan en zonas sin señal y deben vincularse al Registro Agrario Nacional y a "
            "los catastros locales cuando existan."
        ),
        expected_outcomes=(
            "- Censo en campo sin conexión, con fotos y ubicación.\n"
            "- Un solo registro por vivienda entre dependencias.\n"
            "- Consulta pública del estado de cada apoyo, sin datos personales."
        ),
        deliverables=(
            "- App de censo para tabletas Android.\n"
            "- Sistema de seguimiento de apoyos.\n"
            "- Datos abiertos.\n"
            "- Código fuente, documentación y publiccode.yml."
        ),
        category=Category.SOCIAL,
        amount=Decimal("1650000.00"),
        licences=("AGPL-3.0-or-later", "GPL-3.0-or-later"),
        criteria=(
            _criterion("Solución técnica", 30, T, "Sincronía sin conexión y deduplicación."),
            _criterion("Uso en campo", 20, UX, "Censar una vivienda en menos de diez minutos."),
            _criterion("Protección de datos personales", 20, SEC, "Datos de familias afectadas."),
            _criterion("Pertinencia", 15, POL, "Apego a las reglas de los programas."),
            _criterion("Costo y plan de trabajo", 15, BIZ, "Viabilidad del plan y del costo."),
        ),
    ),
    ChallengeSpec(
        key="tutorias-telebachillerato",
        body="sep",
        target=Stage.DESERTED,
        publish_day=-130,
        finalists_count=3,
        title="Plataforma de tutorías en línea para telebachillerato comunitario",
        summary=(
            "Una plataforma ligera para que estudiantes de telebachillerato comunitario "
            "reciban tutorías y materiales, aun con conexión intermitente."
        ),
        problem_statement=(
            "Las y los estudiantes de telebachillerato comunitario viven en localidades "
            "pequeñas, con un solo docente por materia y conexión intermitente. Cuando se "
            "atrasan, no tienen a quién acudir."
        ),
        context=(
            "El telebachillerato comunitario atiende a localidades de menos de 2,500 "
            "habitantes. Muchas escuelas comparten una sola conexión satelital."
        ),
        expected_outcomes=(
            "- Materiales descargables para estudiar sin conexión.\n"
            "- Tutorías asíncronas con docentes de otras localidades.\n"
            "- Menor abandono escolar."
        ),
        deliverables=("- Plataforma web ligera y app Android.\n- Código fuente y documentación."),
        category=Category.EDUCATION,
        amount=Decimal("900000.00"),
        licences=("GPL-3.0-or-later", "AGPL-3.0-or-later", "MIT"),
        criteria=(
            _criterion("Funcionamiento con conexión intermitente", 40, T, "Uso sin conexión."),
            _criterion("Pertinencia pedagógica", 30, POL, "Apego al plan de estudios."),
            _criterion("Experiencia de uso", 30, UX, "Uso por estudiantes y docentes."),
        ),
        reason=(
            "Se declara desierto el reto porque ninguna de las propuestas admitidas alcanzó el "
            "puntaje mínimo de 70 puntos publicado en la convocatoria. La SEP replanteará el "
            "alcance con las comunidades escolares y publicará un nuevo reto."
        ),
    ),
    ChallengeSpec(
        key="transporte-gdl",
        body="jalisco",
        target=Stage.CLOSED,
        publish_day=-43,
        title=(
            "Información en tiempo real del transporte público del área metropolitana de "
            "Guadalajara"
        ),
        summary=(
            "Una app y datos abiertos en formatos GTFS y GTFS-Realtime para saber cuándo pasa "
            "el próximo camión o tren en el área metropolitana de Guadalajara y planear viajes "
            "que combinen rutas."
        ),
        problem_statement=(
            "Millones de viajes diarios en el área metropolitana de Guadalajara se hacen en "
            "transporte público sin saber cuánto tardará el siguiente camión. Las rutas "
            "cambian y la información oficial no está en un formato que las apps de movilidad "
            "puedan usar."
        ),
        context=(
            "El sistema combina Mi Tren (líneas 1, 2 y 3), Mi Macro y cientos de rutas de "
            "camión. Muchas unidades ya tienen GPS, pero sus datos no se publican."
        ),
        expected_outcomes=(
            "- Horarios estimados de llegada en cada parada.\n"
            "- Datos GTFS de todas las rutas, actualizados y publicados como datos abiertos.\n"
            "- Planeador de viajes accesible."
        ),
        deliverables=(
            "- App Android e iOS y sitio web accesible.\n"
            "- Publicación GTFS y GTFS-Realtime.\n"
            "- Código fuente, documentación y publiccode.yml."
        ),
        category=Category.MOBILITY,
        amount=Decimal("3500000.00"),
        licences=("Apache-2.0", "MIT", "AGPL-3.0-or-later", "MPL-2.0"),
        criteria=(
            _criterion("Solución técnica", 30, T, "Precisión de las estimaciones de llegada."),
            _criterion("Datos abiertos y estándares", 25, DATA, "GTFS y GTFS-Realtime válidos."),
            _criterion("Accesibilidad", 20, UX, "Uso por personas con discapacidad."),
            _criterion("Comunidad y reúso", 10, OSS, "Facilidad de reúso en otras ciudades."),
            _criterion("Costo y plan de trabajo", 15, BIZ, "Viabilidad del plan y del costo."),
        ),
    ),
    ChallengeSpec(
        key="calidad-aire-mty",
        body="nuevo-leon",
        target=Stage.PUBLISHED,
        publish_day=-28,
        title="Red ciudadana de monitoreo de la calidad del aire en el área metropolitana de "
        "Monterrey",
        summary=(
            "Sensores de bajo costo, calibrados contra las estaciones oficiales, y un portal "
            "abierto que informe a la población sobre las partículas PM2.5 y PM10 cerca de su "
            "casa, escuela o trabajo."
        ),
        problem_statement=(
            "El área metropolitana de Monterrey rebasa con frecuencia los límites de "
            "partículas finas. Las estaciones oficiales son pocas para una zona tan extensa y "
            "la población no sabe cuándo conviene evitar actividades al aire libre."
        ),
        context=(
            "El Sistema Integral de Monitoreo Ambiental (SIMA) opera estaciones de referencia "
            "que servirán para calibrar los sensores. Escuelas y centros comunitarios pueden "
            "alojar sensores."
        ),
        expected_outcomes=(
            "- Al menos 100 sensores calibrados e instalados.\n"
            "- Índice de calidad del aire por colonia, cada hora.\n"
            "- Avisos a escuelas en episodios de mala calidad del aire."
        ),
        deliverables=(
            "- Diseño abierto del sensor y de su calibración.\n"
            "- Portal público y API.\n"
            "- Código fuente, documentación y publiccode.yml."
        ),
        category=Category.ENVIRONMENT,
        amount=Decimal("1400000.00"),
        licences=("GPL-3.0-or-later", "Apache-2.0", "MIT"),
        criteria=(
            _criterion("Calidad de la medición", 30, T, "Calibración y control de calidad."),
            _criterion("Datos abiertos", 20, DATA, "Publicación horaria y estándares."),
            _criterion("Comunicación del riesgo", 20, UX, "Avisos comprensibles."),
            _criterion("Hardware y software abiertos", 15, OSS, "Diseños reproducibles."),
            _criterion("Costo y mantenimiento", 15, BIZ, "Costo por sensor y operación."),
        ),
    ),
    ChallengeSpec(
        key="servicios-urbanos-gdl",
        body="guadalajara",
        target=Stage.PUBLISHED,
        publish_day=-6,
        finalists_count=4,
        title="Reporte y seguimiento de baches, alumbrado y servicios urbanos en Guadalajara",
        summary=(
            "Una herramienta para que vecinas y vecinos reporten baches, luminarias apagadas, "
            "fugas y basura desde el teléfono, y vean cuándo y cómo se atiende cada reporte."
        ),
        problem_statement=(
            "Los reportes de servicios urbanos llegan por teléfono, redes sociales y "
            "ventanilla, y se registran en sistemas distintos. Muchos se pierden o se "
            "duplican, y quien reporta no sabe si alguien lo atenderá."
        ),
        context=(
            "El Ayuntamiento atiende miles de reportes al mes. La herramienta debe integrarse "
            "con las cuadrillas de bacheo, alumbrado y aseo, y publicar tiempos de atención."
        ),
        expected_outcomes=(
            "- Reportar en menos de un minuto, con foto y ubicación.\n"
            "- Folio y avisos del avance de cada reporte.\n"
            "- Tiempos de atención públicos por colonia y por servicio."
        ),
        deliverables=(
            "- App móvil y sitio web.\n"
            "- Consola para las cuadrillas.\n"
            "- Datos abiertos.\n"
            "- Código fuente, documentación y publiccode.yml."
        ),
        category=Category.DIGITAL_GOVERNMENT,
        amount=Decimal("750000.00"),
        licences=("AGPL-3.0-or-later", "GPL-3.0-or-later", "MIT"),
        criteria=(
            _criterion("Experiencia de uso", 30, UX, "Reportar sin instrucciones."),
            _criterion("Solución técnica", 30, T, "Integración con las cuadrillas."),
            _criterion("Datos abiertos", 20, DATA, "Tiempos de atención publicados."),
            _criterion("Costo y plan de trabajo", 20, BIZ, "Viabilidad del plan y del costo."),
        ),
    ),
    ChallengeSpec(
        key="tramites-merida",
        body="merida",
        target=Stage.IN_REVIEW,
        publish_day=3,
        finalists_count=3,
        title="Trámites municipales y citas en línea en Mérida",
        summary=(
            "Un catálogo ciudadano de trámites municipales con requisitos claros, citas en "
            "línea y seguimiento del estado de cada trámite, en español y en maya."
        ),
        problem_statement=(
            "Para hacer un trámite municipal hay que ir a preguntar los requisitos, volver con "
            "los documentos y esperar turno. La información en línea está incompleta y sólo "
            "en español, aunque una parte importante de la población habla maya."
        ),
        context=(
            "El Ayuntamiento ofrece más de 200 trámites y servicios. Las oficinas de atención "
            "ciudadana ya agendan citas por teléfono."
        ),
        expected_outcomes=(
            "- Ficha clara de cada trámite, en español y en maya.\n"
            "- Citas en línea y por teléfono en una sola agenda.\n"
            "- Seguimiento del estado de cada trámite."
        ),
        deliverables=(
            "- Catálogo de trámites y agenda de citas.\n"
            "- Código fuente, documentación y publiccode.yml."
        ),
        category=Category.DIGITAL_GOVERNMENT,
        amount=Decimal("600000.00"),
        licences=("AGPL-3.0-or-later", "EUPL-1.2", "MIT"),
        criteria=(
            _criterion("Lenguaje claro y bilingüe", 35, UX, "Fichas comprensibles en dos lenguas."),
            _criterion("Solución técnica", 30, T, "Agenda única y seguimiento."),
            _criterion("Pertinencia", 15, POL, "Apego a la normativa municipal."),
            _criterion("Costo y plan de trabajo", 20, BIZ, "Viabilidad del plan y del costo."),
        ),
    ),
    ChallengeSpec(
        key="sargazo",
        body="quintana-roo",
        target=Stage.DRAFT,
        publish_day=1,
        title="Alerta de arribo de sargazo en las playas de Quintana Roo",
        summary=(
            "Un mapa público y avisos diarios del arribo de sargazo a las playas, con imágenes "
            "satelitales y reportes ciudadanos, para residentes, turistas y cuadrillas de "
            "limpieza."
        ),
        problem_statement=(
            "El arribo masivo de sargazo afecta la salud, el turismo y los ecosistemas "
            "costeros. Las cuadrillas de limpieza se despliegan tarde y la población no sabe "
            "qué playas están afectadas."
        ),
        context=(
            "Existen pronósticos semanales basados en imágenes satelitales, pero no llegan a "
            "la población en un formato útil ni se combinan con lo que se observa en cada "
            "playa."
        ),
        expected_outcomes=(
            "- Semáforo diario por playa.\n"
            "- Reportes ciudadanos con foto.\n"
            "- Pronóstico a siete días para planear la limpieza."
        ),
        deliverables="- Mapa público y avisos.\n- Código fuente y documentación.",
        category=Category.ENVIRONMENT,
        amount=Decimal("980000.00"),
        licences=("GPL-3.0-or-later", "MIT"),
        criteria=(
            _criterion("Solución técnica", 35, T, "Uso de imágenes satelitales abiertas."),
            _criterion("Utilidad para la población", 35, UX, "Avisos claros para todos."),
            _criterion("Costo y plan de trabajo", 30, BIZ, "Viabilidad del plan y del costo."),
        ),
        reason=(
            "Precisen los entregables: ¿app móvil, sitio web o ambos?, y en qué formato se "
            "publicarán los datos abiertos. Además, el Gobierno del Estado debe concluir la "
            "verificación del organismo antes de que el reto pueda publicarse."
        ),
        draft_update={
            "deliverables": (
                "- Sitio web adaptable a teléfonos con el mapa y el semáforo por playa.\n"
                "- Avisos por mensaje y canal público de mensajería.\n"
                "- Datos abiertos diarios en GeoJSON y CSV, con API.\n"
                "- Código fuente, documentación y publiccode.yml."
            )
        },
    ),
)
