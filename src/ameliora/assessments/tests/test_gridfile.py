"""Grid files: one schema, every error listed with where it is, exports that re-import."""

from __future__ import annotations

import pytest
from django.utils import translation

from ameliora.assessments import services
from ameliora.assessments.gridfile import GridFileError, dump_grid, parse_grid
from ameliora.assessments.tests.factories import make_grid
from ameliora.core.models import Organization

VALID = """
key: mini
name: Mini grille
version: "1"
answer_scale: yes_partly_no
sections:
  - code: A
    title: Première
    criteria:
      - code: A-1
        statement: Un critère
"""


@pytest.fixture(autouse=True)
def english() -> object:
    """Messages are asserted in English (the msgids), whatever the default language."""
    with translation.override("en"):
        yield


def errors_of(text: str) -> list[str]:
    with pytest.raises(GridFileError) as caught:
        parse_grid(text)
    return caught.value.errors


def test_a_valid_document_is_read() -> None:
    spec = parse_grid(VALID)

    assert spec.key == "mini"
    assert spec.sections[0].criteria[0].code == "A-1"
    assert spec.sections[0].criteria[0].weight == 1


def test_missing_keys_are_all_listed() -> None:
    assert errors_of("name: Sans clé\nsections:\n  - title: T\n    criteria:\n      - statement: S\n") == [
        "key: missing required key",
        "version: missing required key",
        "answer_scale: missing required key",
        "sections[0].code: missing required key",
        "sections[0].criteria[0].code: missing required key",
    ]


def test_duplicate_codes_and_unknown_values_point_at_their_place() -> None:
    document = """
key: dup
name: Doublons
version: "1"
answer_scale: yes_partly_no
kinds: [pharmacy, spaceship]
sections:
  - code: A
    title: Une
    criteria:
      - {code: A-1, statement: Un}
      - {code: A-1, statement: Deux, answer_scale: maybe}
  - code: A
    title: Deux
    criteria:
      - {code: B-1, statement: Trois, level: heroic, mandatory: "oui", weight: 0}
"""
    assert errors_of(document) == [
        "kinds[1]: unknown value 'spaceship'",
        "sections[0].criteria[1].answer_scale: unknown value 'maybe'",
        "sections[0].criteria[1].code: duplicate code 'A-1' (first used at sections[0].criteria[0].code)",
        "sections[1].criteria[0].weight: expected a whole number from 1 to 100",
        "sections[1].criteria[0].mandatory: expected true or false",
        "sections[1].criteria[0].level: unknown value 'heroic'",
        "sections[1].code: duplicate code 'A' (first used at sections[0].code)",
    ]


def test_unknown_keys_wrong_types_and_weights_are_refused() -> None:
    document = """
key: Bad Key
name: Types
version: "1"
answer_scale: maturity_4
answer_weights:
  maturity_4: {"4": 2, "9": 1}
colour: blue
sections:
  - code: A
    title: Une
    criteria: []
  - just text
"""
    assert errors_of(document) == [
        "colour: unknown key",
        "key: use only lower-case letters, digits and hyphens",
        "answer_weights.maturity_4.4: expected a number between 0 and 1",
        "answer_weights.maturity_4.9: unknown value '9'",
        "sections[0].criteria: must not be empty",
        "sections[1]: expected a mapping (key: value)",
    ]


def test_a_document_that_is_not_yaml_names_the_line() -> None:
    assert errors_of("key: [unclosed\nname: x\n") == ["(document): not valid YAML (line 2, column 5)"]


def test_a_list_instead_of_a_grid_is_refused() -> None:
    assert errors_of("- a\n- b\n") == ["(document): expected a mapping (key: value)"]


def test_an_exported_grid_imports_again_identically(tilleuls: Organization) -> None:
    grid = make_grid(tilleuls, key="round-trip")
    text = dump_grid(grid)

    again = parse_grid(text.replace('version: "1"', 'version: "2"').replace("version: '1'", "version: '2'"))

    assert again.key == "round-trip"
    assert again.version == "2"
    assert [c.code for s in again.sections for c in s.criteria] == list(grid.criteria.values_list("code", flat=True))


def test_the_built_in_grids_are_valid_and_labelled_as_modelled() -> None:
    specs = {spec.key: spec for spec in services.builtin_grid_specs()}

    assert set(specs) == {"dqo-officine", "iso-9001-2015", "has-certification-extrait"}
    counts = {key: sum(len(s.criteria) for s in spec.sections) for key, spec in specs.items()}
    assert 30 <= counts["dqo-officine"] <= 40
    assert 20 <= counts["iso-9001-2015"] <= 30
    assert 15 <= counts["has-certification-extrait"] <= 25
    assert [s.code for s in specs["iso-9001-2015"].sections] == ["4", "5", "6", "7", "8", "9", "10"]
    assert len(specs["has-certification-extrait"].sections) == 3
    levels = {c.level for s in specs["has-certification-extrait"].sections for c in s.criteria}
    assert levels == {"standard", "imperative", "advanced"}
    for spec in specs.values():
        assert "pas le texte officiel" in spec.source or "pas le texte de la norme" in spec.source


def test_installing_the_same_version_twice_is_refused(tilleuls: Organization) -> None:
    make_grid(tilleuls, key="twice")

    with pytest.raises(Exception, match="already has version 1"):
        make_grid(tilleuls, key="twice")
