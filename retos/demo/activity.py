"""What happened around the demo's challenges besides their stages.

- **Documents** the body attached while drafting (terms of reference, technical annexes); the
  loader writes each one as a small PDF.
- **Questions** companies asked while the questions window was open (the *junta de
  aclaraciones*), with the answer the body's official published, or the reason it declined the
  question as out of scope. One question of the challenge still in its questions window waits
  for its answer.
- **Amendments** the body published while a challenge was taking proposals.

Every date is relative: questions to the day of publication, amendments to the submission
deadline in force when they were published. ``retos.demo.timeline`` turns them into dated steps.
Companies are named by their mail ``handle`` (see ``data.COMPANIES``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from retos.clarifications.models import Section

GENERAL = Section.GENERAL
PROBLEM = Section.PROBLEM
CONTEXT = Section.CONTEXT
OUTCOMES = Section.OUTCOMES
DELIVERABLES = Section.DELIVERABLES
AMOUNT = Section.AMOUNT
CRITERIA = Section.CRITERIA
ELIGIBILITY = Section.ELIGIBILITY
LICENCES = Section.LICENCES
TIMELINE = Section.TIMELINE


@dataclass(frozen=True)
class QuestionSpec:
    #: Days after publication on which it was asked.
    day: int
    #: The asking company's ``handle``.
    company: str
    section: str
    text: str
    answer: str = ""
    #: The published reason when the body declined the question as out of scope.
    declined: str = ""
    #: Days after the question on which the answer was published (on a working day when
    #: possible).
    answer_after: int = 2

    @property
    def pending(self) -> bool:
        return not (self.answer or self.declined)


@dataclass(frozen=True)
class AmendmentSpec:
    #: Business days before the submission deadline then in force on which it was published.
    before_deadline: int
    reason: str
    #: Fields of the terms it changes (text fields).
    changes: dict[str, str] = field(default_factory=dict)
    #: Calendar days by which it moved the submission deadline later (0: not moved).
    extend_days: int = 0


@dataclass(frozen=True)
class DocumentSpec:
    title: str
    file_name: str
    #: ``None`` for the terms of reference, written from the challenge itself; otherwise the
    #: annex's sections, as (heading, paragraph) pairs.
    sections: tuple[tuple[str, str], ...] | None = None


def _terms(slug: str) -> DocumentSpec:
    return DocumentSpec("Términos de referencia", f"terminos-de-referencia-{slug}.pdf")


# ---------------------------------------------------------------------------------------------
# Documents, by challenge key.

DOCUMENTS: dict[str, tuple[DocumentSpec, ...]] = {
    "alerta-temprana": (
        _terms("alerta-temprana"),
        DocumentSpec(
            "Anexo técnico: alertas en el Protocolo Común de Alerta (CAP)",
            "anexo-tecnico-cap.pdf",
            (
                (
                    "Fuentes de las alertas",
                    "El CENAPRED y el Servicio Meteorológico Nacional emiten sus avisos en el "
                    "Protocolo Común de Alerta (CAP 1.2), firmados digitalmente. La aplicación "
                    "debe verificar la firma de cada aviso antes de mostrarlo.",
                ),
                (
                    "Zonas de alerta",
                    "Cada aviso trae el área afectada como polígono o círculo (elementos "
                    "«polygon» y «circle»). La aplicación decide en el teléfono si la persona "
                    "está dentro del área: su ubicación no sale del dispositivo.",
                ),
                (
                    "Tiempos",
                    "Del momento en que el CENAPRED publica un aviso al momento en que suena en "
                    "el teléfono no deben pasar más de 30 segundos, medidos en las pruebas de "
                    "la fase de demos con un canal de avisos simulados.",
                ),
                (
                    "Refugios temporales",
                    "El catálogo de refugios temporales se entrega como archivo GeoJSON, "
                    "actualizado por las unidades estatales de protección civil al inicio de "
                    "cada temporada de lluvias y ciclones tropicales.",
                ),
            ),
        ),
    ),
    "denuncia-corrupcion": (_terms("denuncia-corrupcion"),),
    "escuelas": (
        DocumentSpec(
            "Anexo técnico: Catálogo de Centros de Trabajo",
            "anexo-tecnico-cct.pdf",
            (
                (
                    "Identificador",
                    "Cada escuela se identifica por su clave de centro de trabajo (CCT), de "
                    "diez caracteres. Una escuela con dos turnos tiene dos claves y un solo "
                    "inmueble: los reportes de infraestructura se refieren al inmueble.",
                ),
                (
                    "Ubicación",
                    "El catálogo incluye latitud y longitud de cada inmueble. Cerca del 8 % "
                    "de las escuelas no tiene coordenadas validadas; la comunidad podrá "
                    "proponer su corrección y la autoridad educativa estatal la confirmará.",
                ),
                (
                    "Actualización",
                    "La SEP entrega el catálogo completo cada mes en CSV; la plataforma debe "
                    "conciliar altas, bajas y cambios de clave sin perder los reportes.",
                ),
            ),
        ),
    ),
    "abasto-medicamentos": (
        DocumentSpec(
            "Anexo técnico: claves CLUES y del Compendio Nacional de Insumos",
            "anexo-tecnico-claves.pdf",
            (
                (
                    "Unidades médicas",
                    "Cada unidad se identifica por su Clave Única de Establecimientos de Salud "
                    "(CLUES). El catálogo se publica en datos abiertos con la ubicación y el "
                    "nivel de atención de cada establecimiento.",
                ),
                (
                    "Medicamentos",
                    "Cada medicamento se identifica por su clave del Compendio Nacional de "
                    "Insumos para la Salud. La consulta pública debe mostrar el nombre "
                    "genérico, la presentación y la disponibilidad, nunca el lote ni el "
                    "proveedor.",
                ),
                (
                    "Inventarios",
                    "Las instituciones entregan sus existencias una vez al día en CSV o "
                    "mediante una API de sólo lectura. Ninguna consulta puede exponer recetas "
                    "ni datos de pacientes.",
                ),
            ),
        ),
    ),
    "carreteras": (
        _terms("carreteras"),
        DocumentSpec(
            "Anexo técnico: red carretera federal",
            "anexo-tecnico-red-carretera.pdf",
            (
                (
                    "Red de referencia",
                    "Los reportes se ubican sobre la Red Nacional de Caminos (RNC) que "
                    "publican el INEGI y la SICT, por carretera, tramo y kilómetro.",
                ),
                (
                    "Centros SICT",
                    "Los 31 centros SICT validan los reportes de su entidad. Cada centro tiene "
                    "una residencia de conservación que atiende los tramos de la red libre de "
                    "peaje.",
                ),
                (
                    "Seguridad vial",
                    "La aplicación no debe pedir a quien maneja que escriba ni que toque la "
                    "pantalla con el vehículo en movimiento.",
                ),
            ),
        ),
    ),
    "transporte-gdl": (
        DocumentSpec(
            "Anexo técnico: rutas y ubicación de las unidades",
            "anexo-tecnico-rutas.pdf",
            (
                (
                    "Rutas",
                    "La Secretaría de Transporte entregará el inventario de rutas con sus "
                    "trazos, paradas autorizadas y horarios de servicio en hojas de cálculo, "
                    "para su conversión a GTFS.",
                ),
                (
                    "Ubicación de las unidades",
                    "Las unidades con GPS reportan su posición cada 30 segundos al centro de "
                    "monitoreo del Estado. La empresa ganadora recibirá un acceso de sólo "
                    "lectura a ese flujo.",
                ),
            ),
        ),
    ),
    "calidad-aire-mty": (
        _terms("calidad-aire-mty"),
        DocumentSpec(
            "Anexo técnico: especificaciones mínimas de los sensores",
            "anexo-tecnico-sensores.pdf",
            (
                (
                    "Contaminantes",
                    "Medición de partículas PM2.5 y PM10 por dispersión láser, con registro "
                    "de temperatura y humedad relativa para corregir la lectura.",
                ),
                (
                    "Calibración",
                    "Cada sensor se calibra al menos dos semanas junto a una estación de "
                    "referencia del SIMA antes de instalarse, y se revisa cada seis meses.",
                ),
                (
                    "Instalación",
                    "Los sensores se instalan entre 3 y 5 metros de altura, lejos de "
                    "chimeneas y de la circulación directa de vehículos, con alimentación "
                    "eléctrica del inmueble que los aloja.",
                ),
            ),
        ),
    ),
    "servicios-urbanos-gdl": (_terms("servicios-urbanos-gdl"),),
    "tramites-merida": (
        _terms("tramites-merida"),
        DocumentSpec(
            "Anexo: muestra del catálogo de trámites",
            "anexo-catalogo-tramites.pdf",
            (
                (
                    "Licencia de funcionamiento",
                    "Requisitos, costo, tiempo de respuesta y oficina de atención; la ficha "
                    "debe poder leerse en español y en maya.",
                ),
                (
                    "Constancia de uso de suelo",
                    "Trámite con cita previa en la Dirección de Desarrollo Urbano; hoy se "
                    "agenda por teléfono.",
                ),
                (
                    "Permiso de construcción",
                    "Trámite con revisión de planos y seguimiento en varias etapas: la "
                    "persona debe poder saber en cuál está su solicitud.",
                ),
            ),
        ),
    ),
    "sargazo": (
        DocumentSpec(
            "Anexo técnico: fuentes de imágenes y observaciones",
            "anexo-tecnico-sargazo.pdf",
            (
                (
                    "Imágenes satelitales",
                    "Se usarán imágenes abiertas de los satélites Sentinel-2 y Sentinel-3 del "
                    "programa Copernicus y de MODIS de la NASA.",
                ),
                (
                    "Observación en playa",
                    "Las cuadrillas de limpieza de los municipios costeros reportan cada "
                    "mañana el volumen de sargazo en las playas que atienden.",
                ),
            ),
        ),
    ),
}


# ---------------------------------------------------------------------------------------------
# Questions (junta de aclaraciones), by challenge key.

QUESTIONS: dict[str, tuple[QuestionSpec, ...]] = {
    "alerta-temprana": (
        QuestionSpec(
            2,
            "ajolote",
            DELIVERABLES,
            "¿Las aplicaciones deben publicarse en las tiendas a nombre de la empresa o de la "
            "Secretaría? ¿Quién cubre las cuotas de las cuentas de desarrollador?",
            answer=(
                "A nombre de la Secretaría de Gobernación. La Coordinación Nacional de "
                "Protección Civil ya tiene cuentas de desarrollador en las dos tiendas, cubre "
                "sus cuotas y dará acceso a la empresa ganadora para publicar las versiones."
            ),
        ),
        QuestionSpec(
            4,
            "ceiba",
            CONTEXT,
            "¿El CENAPRED dará acceso a las alertas en formato CAP en tiempo real, o la "
            "solución debe obtenerlas de los sitios públicos?",
            answer=(
                "El CENAPRED y el Servicio Meteorológico Nacional publican un canal CAP 1.2 "
                "firmado, que la solución debe consumir directamente. En la fase de demos, las "
                "empresas finalistas tendrán un canal de pruebas con alertas simuladas. Véase "
                "el anexo técnico publicado con el reto."
            ),
        ),
        QuestionSpec(
            6,
            "mixteca",
            OUTCOMES,
            "¿Las instrucciones deben estar disponibles en lenguas indígenas?",
            answer=(
                "La primera versión debe estar en español y permitir agregar traducciones sin "
                "cambiar el código. Dentro del criterio de claridad y accesibilidad se valorará "
                "que la propuesta incluya al menos una lengua indígena, con la revisión de "
                "personas hablantes."
            ),
            answer_after=3,
        ),
        QuestionSpec(
            9,
            "jaguar",
            AMOUNT,
            "¿El monto incluye el costo de la infraestructura en la nube para enviar las "
            "notificaciones durante el primer año?",
            answer=(
                "No. La Secretaría provee la infraestructura en su centro de datos. El monto "
                "cubre el desarrollo, las pruebas, la documentación y tres meses de "
                "acompañamiento tras la entrega; la propuesta debe estimar los recursos de "
                "cómputo que la operación requiere."
            ),
        ),
        QuestionSpec(
            12,
            "colibrinorte",
            GENERAL,
            "¿Podrían indicarnos qué empresas operan hoy los receptores del Sistema de Alerta "
            "Sísmica Mexicano y cuánto cuestan sus contratos?",
            declined=(
                "Fuera del alcance de la junta de aclaraciones: el reto no modifica la "
                "operación del Sistema de Alerta Sísmica Mexicano. La información de sus "
                "contratos puede solicitarse por la Plataforma Nacional de Transparencia."
            ),
            answer_after=1,
        ),
    ),
    "denuncia-corrupcion": (
        QuestionSpec(
            3,
            "redciudadana",
            PROBLEM,
            "¿Las denuncias anónimas también deben poder recibir seguimiento, o sólo las de "
            "personas identificadas?",
            answer=(
                "Ambas. Quien denuncia de forma anónima recibe un folio y una clave con los que "
                "consulta el estado de su denuncia y responde a las solicitudes de información "
                "del órgano interno de control, sin revelar su identidad."
            ),
        ),
        QuestionSpec(
            5,
            "sierramadre",
            DELIVERABLES,
            "¿Dónde se hospedará la plataforma? ¿Debe entregarse lista para algún proveedor de "
            "nube en particular?",
            answer=(
                "En la infraestructura de la Secretaría. La plataforma debe entregarse en "
                "contenedores, con su manual de despliegue, y no depender de servicios "
                "exclusivos de ningún proveedor de nube."
            ),
        ),
        QuestionSpec(
            8,
            "huitzilin",
            CRITERIA,
            "En el criterio «Datos abiertos y transparencia», ¿cómo se evaluará la protección "
            "de datos personales en las estadísticas?",
            answer=(
                "Se revisará que las estadísticas se publiquen agregadas por dependencia, "
                "trámite y entidad, que se supriman las cifras menores de cinco denuncias y que "
                "ningún cruce de datos permita identificar a quien denuncia ni a la persona "
                "denunciada."
            ),
            answer_after=3,
        ),
        QuestionSpec(
            10,
            "xoco",
            LICENCES,
            "¿Se aceptan componentes con licencia MIT dentro de una solución que se publique "
            "bajo la AGPL?",
            answer=(
                "Sí. Las licencias de la convocatoria se refieren al código que se entregue; "
                "las dependencias pueden tener cualquier licencia abierta compatible con la "
                "elegida, y deben listarse en la documentación."
            ),
        ),
        QuestionSpec(
            12,
            "cenzontle",
            GENERAL,
            "¿La Secretaría prevé contratar después el mantenimiento de la plataforma con la "
            "misma empresa?",
            declined=(
                "Fuera del alcance del reto: las contrataciones posteriores se rigen por la Ley "
                "de Adquisiciones y no forman parte de esta convocatoria, que comprende el "
                "desarrollo, la entrega y el acompañamiento descritos en los entregables."
            ),
            answer_after=1,
        ),
    ),
    "escuelas": (
        QuestionSpec(
            2,
            "cartolibre",
            CONTEXT,
            "¿Se entregará el Catálogo de Centros de Trabajo completo, con coordenadas, o sólo "
            "lo que ya se publica como datos abiertos?",
            answer=(
                "Se entregará la versión vigente del catálogo con la ubicación de cada "
                "inmueble. Cerca del 8 % de las escuelas no tiene coordenadas validadas: la "
                "solución debe permitir que la comunidad proponga la corrección y que la "
                "autoridad educativa la confirme. Véase el anexo técnico."
            ),
        ),
        QuestionSpec(
            5,
            "alebrije",
            OUTCOMES,
            "Los reportes de madres y padres de familia, ¿se publican de inmediato o hasta que "
            "la autoridad los valida?",
            answer=(
                "Se publican de inmediato como «reporte de la comunidad», sin datos personales "
                "y sin fotografías en que aparezcan niñas o niños. La validación de la "
                "autoridad cambia su estado a «confirmado» o «atendido»."
            ),
        ),
        QuestionSpec(
            7,
            "quetzal",
            DELIVERABLES,
            "¿El tablero para priorizar inversiones debe incluir los montos asignados a cada "
            "escuela por los programas de infraestructura?",
            answer=(
                "Sí. La SEP publica cada trimestre los montos asignados por escuela; el tablero "
                "debe cruzarlos con el estado de la infraestructura para mostrar dónde hay "
                "necesidades sin recursos asignados."
            ),
        ),
        QuestionSpec(
            12,
            "colibrinorte",
            TIMELINE,
            "¿Es posible ampliar dos semanas la fecha límite para presentar propuestas?",
            answer=(
                "No se prevé ampliar el plazo. El calendario se fijó para que la herramienta "
                "esté en uso antes del próximo ciclo escolar; la fecha publicada se mantiene."
            ),
            answer_after=1,
        ),
    ),
    "citas-salud": (
        QuestionSpec(
            3,
            "pitahaya",
            DELIVERABLES,
            "¿Los mensajes de texto de los recordatorios los paga la Secretaría o deben "
            "incluirse en el monto de la propuesta?",
            answer=(
                "Los paga la Secretaría con su contrato vigente de mensajería. La propuesta "
                "debe integrarse con ese servicio por medio de su API y estimar el número de "
                "mensajes por cita."
            ),
        ),
        QuestionSpec(
            6,
            "kioscocivico",
            CONTEXT,
            "¿Cuántos centros de salud participarán en la primera etapa y con qué "
            "conectividad cuentan?",
            answer=(
                "La primera etapa considera 350 centros de salud de primer nivel en Chiapas, "
                "Guerrero y Oaxaca. Alrededor de la mitad tiene conexión satelital "
                "intermitente, por lo que la agenda debe seguir funcionando sin conexión en la "
                "recepción y sincronizarse después."
            ),
        ),
        QuestionSpec(
            9,
            "lince",
            GENERAL,
            "¿La agenda debe integrarse con el expediente clínico electrónico?",
            answer=(
                "No en esta etapa. El sistema debe ofrecer una API documentada para que la "
                "integración sea posible más adelante."
            ),
        ),
    ),
    "denuncia-ambiental": (
        QuestionSpec(
            2,
            "geopeninsular",
            CONTEXT,
            "¿En qué regiones se probará la herramienta durante la fase de demos?",
            answer=(
                "En la Península de Yucatán (tala en la selva maya) y en la cuenca del río "
                "Santiago, en Jalisco (descargas de aguas residuales), con las oficinas de "
                "representación de la PROFEPA en esos estados."
            ),
        ),
        QuestionSpec(
            5,
            "tequio",
            OUTCOMES,
            "¿Debe poder presentarse una denuncia por voz, para personas que no escriben en "
            "español?",
            answer=(
                "Sí. La denuncia debe aceptar una nota de voz en lugar del texto; la PROFEPA "
                "cuenta con personal que atiende en lenguas indígenas y transcribirá las notas."
            ),
            answer_after=3,
        ),
        QuestionSpec(
            8,
            "ceiba",
            DELIVERABLES,
            "Para el turnado automático, ¿deben usarse los límites oficiales de municipios y "
            "de áreas naturales protegidas?",
            answer=(
                "Sí: el Marco Geoestadístico del INEGI para entidades y municipios, y los "
                "polígonos de áreas naturales protegidas que publica la CONANP. Con ellos se "
                "decide si el caso es de competencia federal, estatal o municipal."
            ),
        ),
        QuestionSpec(
            10,
            "redciudadana",
            GENERAL,
            "¿Podrá la plataforma publicar los nombres de las empresas sancionadas por la PROFEPA?",
            declined=(
                "Fuera del alcance de la junta: qué información de los procedimientos de "
                "inspección se publica lo determina la PROFEPA conforme a la ley de "
                "transparencia, no los términos de este reto. El mapa público muestra las "
                "denuncias y su estado."
            ),
            answer_after=1,
        ),
    ),
    "carreteras": (
        QuestionSpec(
            2,
            "brujula",
            CONTEXT,
            "¿Existe una capa oficial de tramos y kilometraje de la red federal en formato "
            "abierto?",
            answer=(
                "Sí: la Red Nacional de Caminos, que publican el INEGI y la SICT con "
                "carreteras, tramos y kilometraje. Es la red de referencia para ubicar los "
                "reportes; véase el anexo técnico."
            ),
        ),
        QuestionSpec(
            6,
            "pitahaya",
            OUTCOMES,
            "Para reportar sin distraerse al volante, ¿se acepta la integración con Android "
            "Auto y CarPlay?",
            answer=(
                "Sí, y se valorará en el criterio de seguridad vial. El reporte por voz debe "
                "funcionar también sin esas integraciones."
            ),
        ),
        QuestionSpec(
            7,
            "nodopacifico",
            DELIVERABLES,
            "¿Los datos abiertos en tiempo real deben seguir algún estándar?",
            answer=(
                "Sí: los cierres y obras se publicarán en el formato abierto WZDx (Work Zone "
                "Data Exchange), y los reportes validados también en CSV y GeoJSON diarios."
            ),
        ),
        QuestionSpec(
            10,
            "jaguar",
            AMOUNT,
            "¿En cuántos pagos se cubre el monto del contrato?",
            answer=(
                "En tres: 30 % al aprobarse el plan de trabajo, 40 % al entregar la versión "
                "piloto en tres centros SICT y 30 % a la aceptación de la entrega final."
            ),
        ),
    ),
    "apoyos-mipymes": (
        QuestionSpec(
            2,
            "kioscocivico",
            CONTEXT,
            "¿El catálogo debe incluir los programas estatales y municipales, o sólo los "
            "federales?",
            answer=(
                "Los federales y los de las 32 entidades federativas. Los municipales quedan "
                "fuera de la primera versión, pero el modelo de datos debe permitir agregarlos."
            ),
        ),
        QuestionSpec(
            4,
            "ahuehuete",
            ELIGIBILITY,
            "Somos una empresa mediana de servicios con 64 personas. ¿Podemos participar?",
            answer=(
                "Sí. El reto admite micro, pequeñas y medianas empresas según la "
                "estratificación publicada en el DOF el 30 de junio de 2009; la plataforma "
                "calcula el tamaño con el número de personas y las ventas anuales registradas."
            ),
        ),
        QuestionSpec(
            7,
            "datosbajio",
            CRITERIA,
            "¿Cómo se evaluará el criterio «Modelo de datos abierto»?",
            answer=(
                "Se revisará que el catálogo de programas tenga un esquema documentado y "
                "versionado, que se publique en formatos abiertos (CSV y JSON) y que otras "
                "dependencias puedan actualizarlo sin intervención de la empresa."
            ),
            answer_after=3,
        ),
    ),
    "vivienda-danada": (
        QuestionSpec(
            3,
            "tequio",
            CONTEXT,
            "¿En qué zonas se probará el censo durante la fase de demos?",
            answer=(
                "En municipios de Oaxaca y Chiapas afectados por sismos recientes, con "
                "brigadas de la SEDATU y de las comisiones estatales de vivienda."
            ),
        ),
        QuestionSpec(
            5,
            "geopeninsular",
            DELIVERABLES,
            "¿Qué equipos usan las brigadas para levantar el censo?",
            answer=(
                "Tabletas Android 10 o posterior, con 3 GB de memoria. La aplicación debe "
                "funcionar también en teléfonos Android de gama media."
            ),
        ),
        QuestionSpec(
            8,
            "lince",
            CRITERIA,
            "¿Deben cifrarse los datos guardados en las tabletas mientras no se sincronizan?",
            answer=(
                "Sí. Los datos de las familias deben guardarse cifrados en el dispositivo y "
                "borrarse de él una vez sincronizados; se evaluará en el criterio de "
                "protección de datos personales."
            ),
        ),
        QuestionSpec(
            11,
            "huitzilin",
            GENERAL,
            "¿Se requiere integración con el Registro Agrario Nacional?",
            answer=(
                "Sí, de sólo lectura: consultar si el predio está en un núcleo agrario para "
                "evitar registros duplicados. El RAN dará acceso a su servicio de consulta a "
                "la empresa ganadora."
            ),
        ),
    ),
    "transporte-gdl": (
        QuestionSpec(
            2,
            "brujula",
            CONTEXT,
            "¿Qué proporción de las unidades tiene GPS y cómo se entregan hoy sus posiciones?",
            answer=(
                "Alrededor del 70 % de las unidades reporta su posición cada 30 segundos al "
                "centro de monitoreo del Estado. La empresa ganadora recibirá un acceso de "
                "sólo lectura a ese flujo; véase el anexo técnico."
            ),
        ),
        QuestionSpec(
            4,
            "cartolibre",
            LICENCES,
            "¿Con qué licencia se publicarán los datos GTFS? ¿Podrán usarse en OpenStreetMap?",
            answer=(
                "Con la Licencia de Libre Uso MX, compatible con CC BY 4.0. Pueden usarse en "
                "OpenStreetMap y en cualquier aplicación de movilidad, citando la fuente."
            ),
        ),
        QuestionSpec(
            6,
            "nopaldigital",
            OUTCOMES,
            "¿El planeador de viajes debe cumplir algún estándar de accesibilidad?",
            answer=(
                "Sí: WCAG 2.1 nivel AA, y funcionar con los lectores de pantalla TalkBack y "
                "VoiceOver."
            ),
        ),
        QuestionSpec(
            9,
            "pitahaya",
            GENERAL,
            "¿Pueden compartirnos los datos de contacto de los concesionarios de cada ruta "
            "para conocer sus sistemas antes de presentar la propuesta?",
            declined=(
                "No puede atenderse en la junta de aclaraciones: los datos de contacto de los "
                "concesionarios son datos personales, y un contacto previo con ellos daría "
                "ventaja a una empresa. La respuesta 1 y el anexo técnico describen la "
                "información que recibirá la empresa ganadora."
            ),
        ),
    ),
    "calidad-aire-mty": (
        QuestionSpec(
            2,
            "sensoresoccidente",
            DELIVERABLES,
            "¿Los sensores deben medir también ozono y dióxido de nitrógeno, o sólo PM2.5 y PM10?",
            answer=(
                "Sólo PM2.5 y PM10 son obligatorios. Se valorará que el diseño admita agregar "
                "otros contaminantes, pero no forma parte de los entregables."
            ),
        ),
        QuestionSpec(
            4,
            "electronicaregia",
            CONTEXT,
            "¿El SIMA dará acceso a los datos minuto a minuto de sus estaciones para la "
            "calibración?",
            answer=(
                "Sí. La Secretaría de Medio Ambiente dará acceso a los datos crudos de sus "
                "estaciones de referencia durante la calibración, y permitirá instalar los "
                "sensores junto a ellas."
            ),
        ),
        QuestionSpec(
            6,
            "nodopacifico",
            OUTCOMES,
            "¿Quién paga la conectividad de los sensores instalados en escuelas y centros "
            "comunitarios?",
            answer=(
                "La empresa, durante el contrato: la propuesta debe incluir la conectividad "
                "celular o LoRaWAN de cada sensor por doce meses y el costo de operarla "
                "después, para que el Estado la presupueste."
            ),
            answer_after=3,
        ),
        QuestionSpec(
            9,
            "colibrinorte",
            AMOUNT,
            "¿El monto incluye la fabricación de los 100 sensores y el IVA?",
            answer=(
                "Sí: el monto de $1,400,000.00 MXN incluye el IVA, la fabricación, la "
                "calibración y la instalación de los sensores, además del software."
            ),
        ),
        QuestionSpec(
            11,
            "redesgolfo",
            GENERAL,
            "¿El Estado comprará después sensores adicionales para otros municipios de Nuevo León?",
            declined=(
                "Fuera del alcance de la junta: las compras futuras no forman parte de este "
                "reto. El diseño abierto del sensor permitirá que cualquier municipio lo "
                "fabrique o lo compre por su cuenta."
            ),
            answer_after=1,
        ),
    ),
    # Still in its questions window: two answered, one waiting for its answer.
    "servicios-urbanos-gdl": (
        QuestionSpec(
            1,
            "kioscocivico",
            DELIVERABLES,
            "¿La consola de las cuadrillas debe funcionar en los teléfonos que ya usan los "
            "jefes de cuadrilla?",
            answer=(
                "Sí. Los jefes de cuadrilla usan teléfonos Android de gama media con plan de "
                "datos del Ayuntamiento; la consola debe funcionar en ellos, también con mala "
                "señal."
            ),
            answer_after=1,
        ),
        QuestionSpec(
            2,
            "nopaldigital",
            CONTEXT,
            "¿Con qué sistema se registran hoy los reportes que llegan por teléfono?",
            answer=(
                "Con el sistema del centro de atención telefónica, que no tiene API pero "
                "exporta cada día un archivo CSV con los reportes. La solución debe importarlo "
                "mientras ese sistema siga en uso."
            ),
            answer_after=2,
        ),
        QuestionSpec(
            3,
            "cartolibre",
            OUTCOMES,
            "Los tiempos de atención por colonia, ¿se publicarán con la ubicación exacta de "
            "cada reporte?",
            answer=(
                "Con la ubicación de cada reporte redondeada a la manzana, y sin las fotos que "
                "muestren personas o placas de vehículos."
            ),
            answer_after=1,
        ),
        QuestionSpec(
            5,
            "mezquite",
            AMOUNT,
            "¿El monto de $750,000.00 incluye el IVA y el alojamiento del sistema durante el "
            "periodo de garantía?",
        ),
    ),
}


# ---------------------------------------------------------------------------------------------
# Amendments, by challenge key.

AMENDMENTS: dict[str, tuple[AmendmentSpec, ...]] = {
    # Amended while published, long before the deadline; the challenge is now in finalists.
    "carreteras": (
        AmendmentSpec(
            before_deadline=15,
            reason=(
                "Con base en las respuestas 3 y 4 de la junta de aclaraciones, se precisan los "
                "entregables: el formato de los datos abiertos en tiempo real y la versión "
                "piloto en tres centros SICT que condiciona el segundo pago. El plazo para "
                "presentar propuestas no cambia."
            ),
            changes={
                "deliverables": (
                    "- App Android e iOS.\n"
                    "- Consola de validación para los centros SICT, en piloto en tres centros "
                    "antes de la entrega final.\n"
                    "- Datos abiertos en tiempo real en formato WZDx, y diarios en CSV y "
                    "GeoJSON.\n"
                    "- Código fuente, documentación y publiccode.yml."
                ),
            },
        ),
    ),
    # A late change (three business days before the deadline): it had to extend the deadline.
    "transporte-gdl": (
        AmendmentSpec(
            before_deadline=3,
            extend_days=7,
            reason=(
                "La Secretaría de Transporte entregará el inventario actualizado de rutas una "
                "semana después de lo previsto. Se precisa que el GTFS debe cubrir todas las "
                "rutas del inventario. Como faltan menos de cinco días hábiles para el cierre, "
                "se amplía el plazo para presentar propuestas, para que las empresas puedan "
                "considerar el inventario."
            ),
            changes={
                "deliverables": (
                    "- App Android e iOS y sitio web accesible (WCAG 2.1 AA).\n"
                    "- Publicación GTFS de todas las rutas del inventario de la Secretaría de "
                    "Transporte, y GTFS-Realtime de las unidades con GPS.\n"
                    "- Código fuente, documentación y publiccode.yml."
                ),
            },
        ),
    ),
    # Published and still taking proposals: the deliverables clarified after the junta, and a
    # week more to submit.
    "calidad-aire-mty": (
        AmendmentSpec(
            before_deadline=9,
            extend_days=7,
            reason=(
                "Derivado de la junta de aclaraciones (respuestas 1 y 3), se precisan los "
                "entregables: los contaminantes obligatorios y la conectividad de los "
                "sensores durante el contrato. Como el cambio afecta el costo de las "
                "propuestas, se amplía el plazo para presentarlas."
            ),
            changes={
                "deliverables": (
                    "- Diseño abierto del sensor (PM2.5 y PM10, con temperatura y humedad) y "
                    "de su calibración.\n"
                    "- 100 sensores calibrados e instalados, con conectividad por doce "
                    "meses.\n"
                    "- Portal público y API.\n"
                    "- Código fuente, documentación y publiccode.yml."
                ),
            },
        ),
    ),
}
