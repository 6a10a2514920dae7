"""The blind first round (``retos/evaluation/blind.py``): the company's identity removed from
what an expert reads, and the proposal addressed by a code unrelated to its public id."""

from __future__ import annotations

import copy
import uuid
from types import SimpleNamespace

import pytest
from django.utils import translation

from retos.evaluation.blind import MASK, Redactor, blind_code, identifiers, redact


def document(**sections):
    base = {
        "summary": "Soluciones Abiertas S.A. de C.V. propone una plataforma.",
        "understanding": "Como SOLUCIONES ABIERTAS hemos visto el problema.",
        "solution": "Ver https://abiertas.mx/casos y escribir a contacto@abiertas.mx.",
        "technical_approach": "Ana López y Jesús Pérez dirigen; SAB100101AB1 factura.",
        "ux_approach": "Pruebas con usuarias (jesus perez coordina).",
        "work_plan": [
            {"title": "Piloto de Soluciones Abiertas", "weeks": 4, "deliverable": "Informe"}
        ],
        "team": [
            {"name": "Ana López", "role": "Dirección técnica"},
            {"name": "Jesús Pérez", "role": "Investigación; antes en abiertas.mx"},
        ],
        "price": "990000.00",
        "licence": "MIT",
        "links": ["https://www.abiertas.mx/portafolio", "https://github.com/abiertas"],
    }
    base.update(sections)
    return {
        "format": "retos-proposal/1",
        "challenge": "reto",
        "company": {"name": "Soluciones Abiertas S.A. de C.V.", "rfc": "SAB100101AB1"},
        "terms_version": 1,
        "sections": base,
        "attachments": [
            {"name": "propuesta-soluciones-abiertas.pdf", "size": 1234, "sha256": "a" * 64},
            {"name": "cv-ana-lopez.pdf", "size": 99, "sha256": "b" * 64},
        ],
    }


def all_text(value) -> str:
    if isinstance(value, dict):
        return " ".join(all_text(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(all_text(v) for v in value)
    return str(value)


def test_the_company_the_team_and_the_links_are_removed():
    with translation.override("en"):
        blind = redact(document())
    text = all_text(blind).lower()
    for secret in (
        "soluciones abiertas",
        "sab100101ab1",
        "ana lópez",
        "jesús pérez",
        "jesus perez",
        "abiertas.mx",
        "github.com",
        "contacto@",
        "propuesta-soluciones",
        "cv-ana",
        "1234",
        "a" * 64,
    ):
        assert secret not in text, secret
    assert blind["company"] is None
    assert blind["blind"] is True
    assert [row["name"] for row in blind["sections"]["team"]] == [MASK, MASK]
    assert blind["sections"]["links"] == [MASK, MASK]
    assert [a["label"] for a in blind["attachments"]] == ["Annex 1", "Annex 2"]


def test_occurrences_in_the_text_read_as_the_mask_in_any_case_or_accent():
    sections = redact(document())["sections"]
    assert sections["summary"] == f"{MASK} propone una plataforma."
    assert sections["understanding"] == f"Como {MASK} hemos visto el problema."
    assert sections["technical_approach"] == f"{MASK} y {MASK} dirigen; {MASK} factura."
    assert sections["ux_approach"] == f"Pruebas con usuarias ({MASK} coordina)."
    assert sections["work_plan"][0]["title"] == f"Piloto de {MASK}"
    assert sections["team"][1]["role"] == f"Investigación; antes en {MASK}"


def test_what_is_needed_to_evaluate_stays():
    sections = redact(document())["sections"]
    assert sections["price"] == "990000.00"
    assert sections["licence"] == "MIT"
    assert sections["work_plan"][0]["weeks"] == 4
    assert sections["team"][0]["role"] == "Dirección técnica"
    # Ordinary words that share letters with the company are untouched.
    blind = redact(document(summary="Una solución abierta y abiertamente documentada."))
    assert blind["sections"]["summary"] == "Una solución abierta y abiertamente documentada."


def test_names_are_matched_as_whole_words_only():
    blind = redact(document(summary="Anabel y Ana López; Ana Lópezz no es ella."))
    assert blind["sections"]["summary"] == f"Anabel y {MASK}; Ana Lópezz no es ella."


def test_spacing_inside_a_name_does_not_hide_it():
    blind = redact(document(summary="Somos Soluciones\n  Abiertas, desde 2010."))
    assert blind["sections"]["summary"] == f"Somos {MASK}, desde 2010."


def test_the_original_document_is_not_changed():
    original = document()
    kept = copy.deepcopy(original)
    redact(original)
    assert original == kept


def test_extra_identifiers_are_removed_too():
    blind = redact(
        document(summary="Nuestra directora, María Fernanda Ruiz Olvera, y SOLAB."),
        extra=["María Fernanda Ruiz Olvera", "SOLAB", "https://solab.example/", ""],
    )
    assert blind["sections"]["summary"] == f"Nuestra directora, {MASK}, y {MASK}."


def test_hostile_text_stays_text_and_regex_characters_in_names_are_literal():
    doc = document(summary="<script>alert('Soluciones Abiertas')</script> (a+b)* [x]")
    doc["company"]["name"] = "(a+b)* [x]"
    blind = redact(doc)
    assert blind["sections"]["summary"] == f"<script>alert('Soluciones Abiertas')</script> {MASK}"


def test_very_short_identifiers_do_not_mask_ordinary_words():
    names = identifiers(
        company={"name": "A", "rfc": ""}, team=[{"name": "Al", "role": "x"}], links=[]
    )
    assert names == []
    assert Redactor(names)("A la orden, Al.") == "A la orden, Al."


def test_an_empty_or_malformed_document_is_redacted_without_error():
    blind = redact({"sections": {"team": ["no es un dict"], "links": None}})
    assert blind["sections"]["team"] == []
    assert blind["sections"]["links"] == []
    assert blind["attachments"] == []


def test_the_blind_code_is_stable_short_and_unrelated_to_the_public_id():
    proposal = SimpleNamespace(public_id=uuid.uuid4())
    other = SimpleNamespace(public_id=uuid.uuid4())
    code = blind_code(proposal)
    assert code == blind_code(proposal)
    assert len(code) == 10 and code.isalnum() and code.upper() == code
    assert code != blind_code(other)
    assert code.lower() not in proposal.public_id.hex


@pytest.mark.parametrize(
    "name",
    [
        "Soluciones Abiertas S.A. de C.V.",
        "Soluciones Abiertas, S.A.P.I. de C.V.",
        "Soluciones Abiertas S. de R.L. de C.V.",
        "Soluciones Abiertas SA de CV",
    ],
)
def test_the_name_without_its_legal_form_is_removed(name):
    doc = document(summary="Soluciones Abiertas lo hará.")
    doc["company"]["name"] = name
    assert redact(doc)["sections"]["summary"] == f"{MASK} lo hará."
