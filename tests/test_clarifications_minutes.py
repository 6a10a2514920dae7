"""The minutes of the clarifications (acta de la junta de aclaraciones): written once, when the
questions window has closed with nothing pending; anonymized; a PDF whose digest is published."""

import hashlib
import re
import zlib
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.clarifications import services
from retos.clarifications.models import Minutes, minutes_due, minutes_due_q
from retos.clarifications.selectors import challenges_due_minutes
from retos.core.errors import DomainError
from retos.ledger.models import Event
from tests.factories import CompanyFactory, GovernmentBodyFactory
from tests.lifecycle import person
from tests.test_clarifications import (
    DEADLINE,
    QUESTIONS_CLOSE,
    SCRIPT,
    WINDOWS,
    a_challenge,
    a_question,
    company_member,
    path,
)

pytestmark = pytest.mark.django_db

AFTER = QUESTIONS_CLOSE + timedelta(days=1)
SECRETS = ("Zacarías", "Preguntón", "zacarias@secreta.mx", "Empresa Secreta")


# A small reader of the text in WeasyPrint's PDFs (no extra dependency): objects, object
# streams, the ToUnicode map of each font, and the glyph strings of the page content.
_OBJ = re.compile(rb"(\d+)\s+0\s+obj\s*(.*?)\s*endobj", re.S)


def _pdf_objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    table: dict[int, tuple[bytes, bytes | None]] = {}
    for match in _OBJ.finditer(pdf):
        body, data = match.group(2), None
        start = body.find(b"stream")
        if start != -1:
            head, raw = body[:start], body[start + 6 :].lstrip(b"\r\n")
            raw = raw[: raw.rfind(b"endstream")]
            data = zlib.decompress(raw) if b"FlateDecode" in head else raw
            body = head
        table[int(match.group(1))] = (body, data)
    for body, data in list(table.values()):
        if b"/ObjStm" in body and data is not None:
            first = int(re.search(rb"/First\s+(\d+)", body).group(1))
            numbers = list(map(int, data[:first].split()))
            pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
            for i, (number, offset) in enumerate(pairs):
                end = pairs[i + 1][1] if i + 1 < len(pairs) else len(data) - first
                table.setdefault(number, (data[first + offset : first + end], None))
    return table


def _to_unicode(data: bytes) -> dict[int, str]:
    found = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            found[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        ranges = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block)
        for low, high, dst in ranges:
            start = int(dst, 16)
            for i, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                found[code] = chr(start + i)
    return found


def pdf_text(pdf: bytes) -> str:
    table = _pdf_objects(pdf)
    fonts = {}
    for number, (body, _) in table.items():
        ref = re.search(rb"/ToUnicode\s+(\d+)\s+0\s+R", body)
        if b"/Font" in body and ref:
            fonts[number] = _to_unicode(table[int(ref.group(1))][1] or b"")
    names = {}
    for body, _ in table.values():
        for name, ref in re.findall(rb"/([^\s/<>\[\]()]+)\s+(\d+)\s+0\s+R", body):
            if int(ref) in fonts:
                names[name] = int(ref)
    token = re.compile(rb"/([^\s/<>\[\]()]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|\b(Tm|Td|TD|T\*)\b")
    text = []
    for _, data in table.values():
        if data is None or b" Tf" not in data:
            continue
        cmap: dict[int, str] = {}
        for match in token.finditer(data):
            if match.group(1):
                cmap = fonts.get(names.get(match.group(1)), {})
            elif match.group(2) is not None:
                glyphs = match.group(2).decode()
                text.append(
                    "".join(
                        cmap.get(int(glyphs[i : i + 4], 16), "") for i in range(0, len(glyphs), 4)
                    )
                )
            else:
                text.append(" ")
    return re.sub(r"\s+", " ", "".join(text))


def a_busy_challenge():
    """Three questions (answered, declined, answered) by a company that must stay anonymous."""
    body = GovernmentBodyFactory(name="Secretaría de Ejemplo")
    challenge = a_challenge(body=body, title="Alerta sísmica abierta")
    company = CompanyFactory(name="Empresa Secreta S.A. de C.V.")
    asker = company_member(company, full_name="Zacarías Preguntón", email="zacarias@secreta.mx")
    a_question(
        challenge,
        asker=asker,
        answered=True,
        text="¿Qué licencia se admite?",
        answer="Cualquiera aprobada por la OSI.",
        section="licences",
    )
    a_question(
        challenge,
        asker=asker,
        status="declined",
        decline_reason="Lo fija la ley.",
        resolved_at=QUESTIONS_CLOSE - timedelta(hours=5),
        text="¿Pagan por adelantado?",
    )
    a_question(challenge, asker=asker, answered=True, text=SCRIPT, answer=SCRIPT)
    return challenge, company


def test_minutes_are_refused_while_the_questions_window_is_open_or_a_question_waits():
    challenge, _ = a_busy_challenge()
    with time_machine.travel(WINDOWS["questions"], tick=False), pytest.raises(DomainError) as exc:
        services.minutes_generate(challenge=challenge)
    assert exc.value.code == "minutes_not_due"
    pending = a_question(challenge, text="¿Y esta?")
    with time_machine.travel(AFTER, tick=False), pytest.raises(DomainError):
        services.minutes_generate(challenge=challenge)
    pending.delete()
    draft = a_challenge(draft=True)
    with time_machine.travel(AFTER, tick=False), pytest.raises(DomainError):
        services.minutes_generate(challenge=draft)
    assert not Minutes.objects.exists()


def test_minutes_are_generated_once_anonymized_with_a_pdf_and_its_digest():
    challenge, company = a_busy_challenge()
    with time_machine.travel(AFTER, tick=False):
        minutes = services.minutes_generate(challenge=challenge)
    assert minutes.generated_at == AFTER and minutes.questions_count == 3
    with minutes.pdf.open("rb") as stored:
        pdf = stored.read()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == minutes.sha256
    html = minutes.html
    assert "¿Qué licencia se admite?" in html and "Cualquiera aprobada por la OSI." in html
    assert "Lo fija la ley." in html and "Alerta sísmica abierta" in html
    # Asked and published times, in the agency's time zone, in Spanish.
    assert "2 de marzo de 2026, 12:00" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    for secret in (*SECRETS, company.rfc):
        assert secret not in html
    event = Event.objects.get(action="minutes.generated")
    assert event.public and event.payload == {"sha256": minutes.sha256, "questions": 3}
    assert event.actor is None and event.actor_label == "system"
    # Idempotent: the same minutes, not regenerated, no new event.
    with time_machine.travel(AFTER + timedelta(days=3), tick=False):
        again = services.minutes_generate(
            challenge=challenge, actor=person("body_official", challenge.body)
        )
    assert again.pk == minutes.pk and again.sha256 == minutes.sha256
    assert Event.objects.filter(action="minutes.generated").count() == 1


def test_the_pdf_text_holds_the_questions_and_not_who_asked():
    challenge, company = a_busy_challenge()
    with time_machine.travel(AFTER, tick=False):
        minutes = services.minutes_generate(challenge=challenge)
    with minutes.pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    # The reader works: it finds what must be there…
    assert "¿Qué licencia se admite?" in text
    assert "Cualquiera aprobada por la OSI." in text
    assert 'alert("x")' in text
    # …and what must not be there is not.
    for secret in (*SECRETS, company.rfc):
        assert secret not in text


def test_minutes_with_no_questions_say_so():
    challenge = a_challenge()
    with time_machine.travel(AFTER, tick=False):
        minutes = services.minutes_generate(challenge=challenge)
    assert minutes.questions_count == 0
    assert "No se recibieron preguntas" in minutes.html or "No questions" in minutes.html


def test_the_minutes_page_generates_them_on_first_request(client):
    challenge, company = a_busy_challenge()
    url = path("minutes", challenge)
    with time_machine.travel(AFTER, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    minutes = Minutes.objects.get(challenge=challenge)
    assert response["X-Content-SHA256"] == minutes.sha256
    assert minutes.sha256 in response.text
    assert "¿Qué licencia se admite?" in response.text
    for secret in (*SECRETS, company.rfc):
        assert secret not in response.text
    with time_machine.travel(AFTER + timedelta(days=1), tick=False):
        client.get(url)
    assert Minutes.objects.count() == 1


def test_the_pdf_download_carries_its_digest(client):
    challenge, _ = a_busy_challenge()
    url = path("minutes_pdf", challenge)
    with time_machine.travel(AFTER, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF")
    digest = hashlib.sha256(body).hexdigest()
    assert digest == response["X-Content-SHA256"] == Minutes.objects.get().sha256
    assert response["Repr-Digest"].startswith("sha-256=:")


def test_the_minutes_stay_in_spanish_whatever_the_language_of_the_first_request(client):
    challenge, _ = a_busy_challenge()
    url = path("minutes", challenge)
    with time_machine.travel(AFTER, tick=False):
        response = client.get("/en" + url)
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert 'lang="es-MX"' in Minutes.objects.get().html
    assert "de marzo de 2026" in Minutes.objects.get().html


def test_before_they_are_due_the_page_explains_and_the_pdf_is_404(client):
    challenge, _ = a_busy_challenge()
    with time_machine.travel(WINDOWS["questions"], tick=False):
        page = client.get("/en" + path("minutes", challenge))
        assert page.status_code == 200
        assert "when the questions window closes, on March 3, 2026" in page.text
        pdf = client.get(path("minutes_pdf", challenge))
        assert pdf.status_code == 404
    assert not Minutes.objects.exists()


def test_the_minutes_of_a_draft_are_404(client):
    challenge = a_challenge(draft=True)
    with time_machine.travel(AFTER, tick=False):
        for name in ("minutes", "minutes_pdf"):
            url = path(name, challenge)
            assert client.get(url).status_code == 404


def test_the_scheduled_command_writes_the_due_minutes_once():
    due, _ = a_busy_challenge()
    waiting = a_challenge()
    a_question(waiting, text="¿Pendiente?")
    a_challenge(draft=True)
    with time_machine.travel(AFTER, tick=False):
        out = StringIO()
        call_command("generate_minutes", stdout=out)
        assert "1 minutes generated." in out.getvalue()
        assert list(Minutes.objects.values_list("challenge", flat=True)) == [due.pk]
        out = StringIO()
        call_command("generate_minutes", stdout=out)
        assert "0 minutes generated." in out.getvalue()


def test_sql_and_python_agree_on_when_the_minutes_are_due():
    challenges = [a_challenge(), a_challenge(draft=True), a_challenge(stage=Stage.CLOSED)]
    a_question(challenges[0], text="¿Pendiente?")
    answered_later = a_challenge()
    a_question(answered_later, answered=True)
    challenges.append(answered_later)
    moment = QUESTIONS_CLOSE - timedelta(hours=30)
    while moment < DEADLINE + timedelta(days=2):
        with time_machine.travel(moment, tick=False):
            sql = set(Challenge.objects.filter(minutes_due_q(moment)).values_list("pk", flat=True))
            python = {
                c.pk for c in challenges if minutes_due(Challenge.objects.get(pk=c.pk), moment)
            }
            assert sql == python, moment
            due = set(challenges_due_minutes(moment).values_list("pk", flat=True))
            assert due == sql
        moment += timedelta(hours=13)
    assert python == {challenges[2].pk, answered_later.pk}
