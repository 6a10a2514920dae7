"""The publiccode.yml of a final delivery is checked against the vendored schema, offline, and
refused with the schema's own messages, each with the path of the offending field."""

import json
from pathlib import Path

import pytest
import yaml

from retos.contracts import publiccode
from retos.contracts.publiccode import PubliccodeError
from tests.contract_helpers import REPOSITORY, english, valid_publiccode  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")

SCHEMAS = Path(publiccode.__file__).resolve().parent / "schemas"
EXAMPLES = Path(__file__).resolve().parent / "data"


def problems_of(text, **kwargs) -> list[str]:
    with pytest.raises(PubliccodeError) as excinfo:
        publiccode.validate(text, **kwargs)
    return excinfo.value.problems


def test_the_schema_is_vendored_with_its_licence_and_read_from_the_repository():
    assert publiccode.SCHEMA_PATH == SCHEMAS / "publiccode.schema.json"
    schema = json.loads(publiccode.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "publiccodeYmlVersion" in schema["required"]
    licence = (SCHEMAS / "LICENSE-schemastore-Apache-2.0").read_text(encoding="utf-8")
    assert "Apache License" in licence
    # Not a path into ../shared: CI clones the repository alone.
    assert "shared" not in str(publiccode.SCHEMA_PATH)


def test_a_valid_publiccode_passes_and_keeps_dates_as_text():
    parsed = publiccode.validate(valid_publiccode(), licence="MIT", repository_url=REPOSITORY)
    assert parsed.name == "Alerta Ciudadana"
    # YAML 1.1 would make an unquoted date a date object, which the schema refuses.
    assert parsed.data["releaseDate"] == "2026-04-15"
    assert parsed.description()["shortDescription"].startswith("Avisos de protección civil")


def test_the_description_falls_back_to_english_then_to_the_first_language():
    en = publiccode.Publiccode({"description": {"it": {"a": 1}, "en": {"b": 2}}})
    assert en.description() == {"b": 2}
    regional = publiccode.Publiccode({"description": {"en": {"b": 2}, "es-MX": {"c": 3}}})
    assert regional.description() == {"c": 3}
    other = publiccode.Publiccode({"description": {"it": {"a": 1}}})
    assert other.description() == {"a": 1}


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("name", "publiccode.yml: 'name' is a required property"),
        ("url", "publiccode.yml: 'url' is a required property"),
        ("legal", "publiccode.yml: 'legal' is a required property"),
    ],
)
def test_a_missing_required_field_is_refused_with_the_schemas_message(field, expected):
    data = yaml.safe_load(valid_publiccode())
    del data[field]
    assert expected in problems_of(yaml.safe_dump(data))


def test_a_missing_nested_required_field_names_its_path():
    text = valid_publiccode(**{"  license: MIT\n": "  mainCopyrightOwner: X\n"})
    assert "legal: 'license' is a required property" in problems_of(text)


def test_a_wrong_type_is_refused_with_the_schemas_message_and_path():
    text = valid_publiccode(**{"  - web\n  - android\n": ""}).replace(
        "platforms:\n", "platforms: web\n"
    )
    assert "platforms: 'web' is not of type 'array'" in problems_of(text)
    text = valid_publiccode(**{"localisationReady: true": "localisationReady: 3"})
    assert "localisation.localisationReady: 3 is not of type 'boolean'" in problems_of(text)


def test_a_value_outside_the_enumeration_names_the_list_item():
    text = valid_publiccode(**{"developmentStatus: stable": "developmentStatus: finished"})
    problems = problems_of(text)
    assert any(p.startswith("developmentStatus: 'finished' is not one of") for p in problems)
    text = valid_publiccode(**{"  - data-collection": "  - nada"})
    problems = problems_of(text)
    assert any(p.startswith("categories[1]: 'nada' is not one of") for p in problems)
    # The long enumeration of categories is shortened, not the whole list of 100 words.
    assert all(len(p) < 400 for p in problems)


def test_an_unknown_key_is_refused():
    problems = problems_of(valid_publiccode() + "\nprecio: 100\n")
    assert "publiccode.yml: Additional properties are not allowed ('precio' was unexpected)" in (
        problems
    )


def test_every_problem_is_reported_at_once():
    problems = problems_of("name: 3\nplatforms: web\n")
    assert "name: 3 is not of type 'string'" in problems
    assert "platforms: 'web' is not of type 'array'" in problems
    assert "publiccode.yml: 'url' is a required property" in problems
    assert len(problems) >= 8


@pytest.mark.parametrize(
    "text",
    ["name: [unclosed\n", "name: Alerta\n  url: x\n", "a: b\n- c\n", "\tname: tab\n"],
    ids=["unclosed", "bad-indent", "mixed", "tab"],
)
def test_bad_yaml_syntax_is_refused_with_its_line_and_column(text):
    (problem,) = problems_of(text)
    assert problem.startswith("The publiccode.yml is not valid YAML (line ")
    assert "column" in problem


@pytest.mark.parametrize(
    "text", ["- name: a\n- url: b\n", "just text\n", "42\n", "null\n", "true\n"]
)
def test_a_document_that_is_not_a_mapping_is_refused(text):
    (problem,) = problems_of(text)
    assert "must be a mapping" in problem


def test_an_empty_file_is_refused():
    assert problems_of("  \n") == ["Paste the contents of your publiccode.yml, or choose the file."]


def test_a_file_over_256_kb_is_refused_before_it_is_parsed():
    text = valid_publiccode() + "#" + "x" * (256 * 1024) + "\n"
    (problem,) = problems_of(text)
    assert "at most 256 KB" in problem


def test_a_file_just_under_the_limit_is_read():
    text = valid_publiccode()
    padding = publiccode.MAX_BYTES - len(text.encode()) - 2
    text += "#" + "x" * padding + "\n"
    assert len(text.encode()) == publiccode.MAX_BYTES
    assert publiccode.validate(text).name == "Alerta Ciudadana"


def test_an_alias_bomb_is_refused_without_expanding_it():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    (problem,) = problems_of(bomb)
    assert "anchors" in problem


def test_yaml_tags_that_json_cannot_hold_are_refused():
    (problem,) = problems_of(valid_publiccode() + "logo2: !!binary aGVsbG8=\n")
    assert problem.startswith("logo2: this value cannot be stored")
    (problem,) = problems_of(valid_publiccode() + "x: .nan\n")
    assert problem.startswith("x: this value cannot be stored")
    with pytest.raises(PubliccodeError):
        publiccode.validate("!!python/object/apply:os.system ['echo hacked']\n")


def test_deep_nesting_is_refused_not_crashed():
    (problem,) = problems_of("[" * 20000)
    assert "nested too deeply" in problem or "not valid YAML" in problem


def test_the_licence_must_agree_with_the_form():
    problems = problems_of(
        valid_publiccode(), licence="AGPL-3.0-or-later", repository_url=REPOSITORY
    )
    assert problems == [
        "legal.license: the publiccode.yml says “MIT” but the delivery says "
        "“AGPL-3.0-or-later”. Make them the same."
    ]


def test_the_url_must_agree_with_the_form_but_not_in_trivial_ways():
    problems = problems_of(
        valid_publiccode(), licence="MIT", repository_url="https://otro.example/x"
    )
    assert problems[0].startswith("url: the publiccode.yml says")
    for same in (
        REPOSITORY + ".git",
        REPOSITORY + "/",
        REPOSITORY.replace("git.example", "GIT.Example"),
    ):
        assert publiccode.validate(valid_publiccode(), licence="MIT", repository_url=same)


def test_the_standards_minimal_example_validates():
    text = (EXAMPLES / "publiccode.minimal.yml").read_text(encoding="utf-8")
    assert publiccode.validate(text).name == "Medusa"
