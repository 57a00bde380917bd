"""Grid files: the one YAML schema for importing and exporting grids (see ``docs/assessment-grids.md``).

:func:`parse_grid` reads a document with ``yaml.safe_load`` and validates all of it before
anything is written: every error is collected, each one naming where it is in the document
(``sections[2].criteria[5].answer_scale: unknown value 'maybe'``), and :class:`GridFileError`
carries the whole list. :func:`dump_grid` writes the same schema back, so an export re-imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext as _

from ameliora.assessments.scales import NOT_APPLICABLE, Scale, scale_values
from ameliora.core.models import Organization

LEVELS = ("standard", "imperative", "advanced")
KEY_PATTERN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")

GRID_KEYS = {"key", "name", "version", "source", "description", "kinds", "answer_scale", "answer_weights", "sections"}
GRID_REQUIRED = ("key", "name", "version", "answer_scale", "sections")
SECTION_KEYS = {"code", "title", "description", "criteria"}
SECTION_REQUIRED = ("code", "title", "criteria")
CRITERION_KEYS = {
    "code",
    "statement",
    "guidance",
    "expected_evidence",
    "mandatory",
    "level",
    "kinds",
    "answer_scale",
    "weight",
}
CRITERION_REQUIRED = ("code", "statement")


class GridFileError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class CriterionSpec:
    code: str
    statement: str
    guidance: str = ""
    expected_evidence: str = ""
    mandatory: bool = False
    level: str = ""
    kinds: list[str] = field(default_factory=list)
    answer_scale: str = ""
    weight: int = 1


@dataclass
class SectionSpec:
    code: str
    title: str
    description: str = ""
    criteria: list[CriterionSpec] = field(default_factory=list)


@dataclass
class GridSpec:
    key: str
    name: str
    version: str
    answer_scale: str
    source: str = ""
    description: str = ""
    kinds: list[str] = field(default_factory=list)
    answer_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    sections: list[SectionSpec] = field(default_factory=list)


class _Checker:
    """Collects errors while reading a mapping; each getter returns a safe default on error."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def mapping(self, value: Any, path: str, allowed: set[str], required: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, _("expected a mapping (key: value)"))
            return None
        prefix = f"{path}." if path != "(document)" else ""
        for key in required:
            if key not in value or value[key] is None:
                self.error(f"{prefix}{key}", _("missing required key"))
        for key in value:
            if key not in allowed:
                self.error(f"{prefix}{key}", _("unknown key"))
        return value

    def text(self, data: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(path, _("expected text"))
            return ""
        text = str(value).strip()
        if required and not text:
            self.error(path, _("must not be empty"))
        return text

    def boolean(self, data: dict[str, Any], key: str, path: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.error(path, _("expected true or false"))
            return False
        return value

    def choice(self, data: dict[str, Any], key: str, path: str, allowed: tuple[str, ...] | list[str]) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if str(value) not in allowed:
            self.error(path, _("unknown value '%(value)s'") % {"value": value})
            return ""
        return str(value)

    def kinds(self, data: dict[str, Any], key: str, path: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, _("expected a list"))
            return []
        result = []
        for index, item in enumerate(value):
            if str(item) not in Organization.Kind.values:
                self.error(f"{path}[{index}]", _("unknown value '%(value)s'") % {"value": item})
            else:
                result.append(str(item))
        return result


def _weights(checker: _Checker, value: Any) -> dict[str, dict[str, float]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        checker.error("answer_weights", _("expected a mapping (key: value)"))
        return {}
    result: dict[str, dict[str, float]] = {}
    for scale, worths in value.items():
        path = f"answer_weights.{scale}"
        if scale not in Scale.values:
            checker.error(path, _("unknown value '%(value)s'") % {"value": scale})
            continue
        if not isinstance(worths, dict):
            checker.error(path, _("expected a mapping (key: value)"))
            continue
        result[scale] = {}
        for answer, worth in worths.items():
            if str(answer) not in scale_values(scale) or str(answer) == NOT_APPLICABLE:
                checker.error(f"{path}.{answer}", _("unknown value '%(value)s'") % {"value": answer})
            elif isinstance(worth, bool) or not isinstance(worth, int | float) or not 0 <= worth <= 1:
                checker.error(f"{path}.{answer}", _("expected a number between 0 and 1"))
            else:
                result[scale][str(answer)] = float(worth)
    return result


def _criterion(checker: _Checker, raw: Any, path: str) -> CriterionSpec | None:
    data = checker.mapping(raw, path, CRITERION_KEYS, CRITERION_REQUIRED)
    if data is None:
        return None
    weight = data.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
        checker.error(f"{path}.weight", _("expected a whole number from 1 to 100"))
        weight = 1
    return CriterionSpec(
        code=checker.text(data, "code", f"{path}.code", required="code" in data),
        statement=checker.text(data, "statement", f"{path}.statement", required="statement" in data),
        guidance=checker.text(data, "guidance", f"{path}.guidance"),
        expected_evidence=checker.text(data, "expected_evidence", f"{path}.expected_evidence"),
        mandatory=checker.boolean(data, "mandatory", f"{path}.mandatory"),
        level=checker.choice(data, "level", f"{path}.level", LEVELS),
        kinds=checker.kinds(data, "kinds", f"{path}.kinds"),
        answer_scale=checker.choice(data, "answer_scale", f"{path}.answer_scale", Scale.values),
        weight=weight,
    )


def _section(checker: _Checker, raw: Any, path: str, seen: dict[str, str]) -> SectionSpec | None:
    data = checker.mapping(raw, path, SECTION_KEYS, SECTION_REQUIRED)
    if data is None:
        return None
    section = SectionSpec(
        code=checker.text(data, "code", f"{path}.code", required="code" in data),
        title=checker.text(data, "title", f"{path}.title", required="title" in data),
        description=checker.text(data, "description", f"{path}.description"),
    )
    criteria = data.get("criteria")
    if criteria is None:
        return section
    if not isinstance(criteria, list):
        checker.error(f"{path}.criteria", _("expected a list"))
        return section
    if not criteria:
        checker.error(f"{path}.criteria", _("must not be empty"))
    for index, raw_criterion in enumerate(criteria):
        criterion_path = f"{path}.criteria[{index}]"
        criterion = _criterion(checker, raw_criterion, criterion_path)
        if criterion is None:
            continue
        if criterion.code and criterion.code in seen:
            checker.error(
                f"{criterion_path}.code",
                _("duplicate code '%(code)s' (first used at %(first)s)")
                % {"code": criterion.code, "first": seen[criterion.code]},
            )
        elif criterion.code:
            seen[criterion.code] = f"{criterion_path}.code"
        section.criteria.append(criterion)
    return section


def _sections(checker: _Checker, sections: Any) -> list[SectionSpec]:
    result: list[SectionSpec] = []
    if sections is None:
        return result
    if not isinstance(sections, list):
        checker.error("sections", _("expected a list"))
        return result
    if not sections:
        checker.error("sections", _("must not be empty"))
    seen_criteria: dict[str, str] = {}
    seen_sections: dict[str, str] = {}
    for index, raw_section in enumerate(sections):
        section = _section(checker, raw_section, f"sections[{index}]", seen_criteria)
        if section is None:
            continue
        if section.code and section.code in seen_sections:
            checker.error(
                f"sections[{index}].code",
                _("duplicate code '%(code)s' (first used at %(first)s)")
                % {"code": section.code, "first": seen_sections[section.code]},
            )
        elif section.code:
            seen_sections[section.code] = f"sections[{index}].code"
        result.append(section)
    return result


def parse_grid(text: str | bytes) -> GridSpec:
    """Validate a grid document; raise :class:`GridFileError` listing every error."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = _("line %(line)d, column %(column)d") % {"line": mark.line + 1, "column": mark.column + 1}
            raise GridFileError([_("(document): not valid YAML (%(where)s)") % {"where": where}]) from exc
        raise GridFileError([_("(document): not valid YAML")]) from exc
    checker = _Checker()
    data = checker.mapping(raw, "(document)", GRID_KEYS, GRID_REQUIRED)
    if data is None:
        raise GridFileError(checker.errors)
    key = checker.text(data, "key", "key", required="key" in data)
    if key and not set(key) <= KEY_PATTERN_CHARS:
        checker.error("key", _("use only lower-case letters, digits and hyphens"))
    spec = GridSpec(
        key=key,
        name=checker.text(data, "name", "name", required="name" in data),
        version=checker.text(data, "version", "version", required="version" in data),
        answer_scale=checker.choice(data, "answer_scale", "answer_scale", Scale.values),
        source=checker.text(data, "source", "source"),
        description=checker.text(data, "description", "description"),
        kinds=checker.kinds(data, "kinds", "kinds"),
        answer_weights=_weights(checker, data.get("answer_weights")),
    )
    spec.sections = _sections(checker, data.get("sections"))
    if checker.errors:
        raise GridFileError(checker.errors)
    return spec


def grid_to_dict(grid: Any) -> dict[str, Any]:
    """The grid (a :class:`~ameliora.assessments.models.Grid`) in the file schema; omits empty optional keys."""
    document: dict[str, Any] = {"key": grid.key, "name": grid.name, "version": grid.version}
    if grid.source:
        document["source"] = grid.source
    if grid.description:
        document["description"] = grid.description
    if grid.kinds:
        document["kinds"] = list(grid.kinds)
    document["answer_scale"] = grid.answer_scale
    if grid.answer_weights:
        document["answer_weights"] = grid.answer_weights
    sections: dict[int, dict[str, Any]] = {}
    for section in grid.sections.all():
        entry: dict[str, Any] = {"code": section.code, "title": section.title}
        if section.description:
            entry["description"] = section.description
        entry["criteria"] = []
        sections[section.pk] = entry
    for criterion in grid.criteria.all().order_by("section__position", "position", "pk"):
        item: dict[str, Any] = {"code": criterion.code, "statement": criterion.statement}
        for name in ("guidance", "expected_evidence", "level", "answer_scale"):
            if getattr(criterion, name):
                item[name] = getattr(criterion, name)
        if criterion.mandatory:
            item["mandatory"] = True
        if criterion.kinds:
            item["kinds"] = list(criterion.kinds)
        if criterion.weight != 1:
            item["weight"] = criterion.weight
        sections[criterion.section_id]["criteria"].append(item)
    document["sections"] = list(sections.values())
    return document


def dump_grid(grid: Any) -> str:
    return yaml.safe_dump(grid_to_dict(grid), allow_unicode=True, sort_keys=False, width=100)
