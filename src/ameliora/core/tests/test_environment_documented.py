"""``docs/operations.md`` documents exactly the environment variables that ``settings.py`` reads.

Both sides are parsed: the table under "## Environment variables" (one backquoted name per row,
*(secret)* when ``NAME_FILE`` may hold the value), and the syntax tree of ``settings.py`` (every
``os.environ`` / ``os.getenv`` access and every call of the ``env*`` helpers). A variable added on
one side only fails a test that names it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import ameliora.settings

SETTINGS_FILE = Path(ameliora.settings.__file__)
OPERATIONS_DOC = SETTINGS_FILE.parents[2] / "docs" / "operations.md"
TABLE_HEADING = "## Environment variables"
ROW_NAME = re.compile(r"^`(?P<name>[A-Z][A-Z0-9_]*)`(?P<secret> \*\(secret\)\*)?$")
HELPERS = {"envbool", "envint", "envsecret", "envlist"}


@dataclass(frozen=True)
class Documented:
    names: frozenset[str]
    secrets: frozenset[str]


@dataclass(frozen=True)
class Read:
    names: frozenset[str]
    secrets: frozenset[str]
    unnamed: tuple[int, ...]  # lines that read a variable whose name is not a literal


def documented_variables(markdown: str) -> Documented:
    lines = markdown.splitlines()
    start = lines.index(TABLE_HEADING)
    rows: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    names, secrets = set(), set()
    for row in rows[2:]:  # header and separator
        cell = row.split("|")[1].strip()
        match = ROW_NAME.match(cell)
        if match is None:
            raise ValueError(f"Cannot read the variable name in this row of {TABLE_HEADING!r}: {row}")
        names.add(match["name"])
        if match["secret"]:
            secrets.add(match["name"])
    return Documented(frozenset(names), frozenset(secrets))


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def read_variables(source: str) -> Read:
    tree = ast.parse(source)
    helper_bodies = {
        id(inner)
        for function in tree.body
        if isinstance(function, ast.FunctionDef) and function.name in HELPERS
        for inner in ast.walk(function)
    }
    names, secrets, unnamed = set(), set(), []

    def record(argument: ast.expr | None, node: ast.AST, *, secret: bool = False) -> None:
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            names.add(argument.value)
            if secret:
                secrets.add(argument.value)
        elif id(node) not in helper_bodies:  # the helpers themselves read the name they are given
            unnamed.append(getattr(node, "lineno", 0))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            first = node.args[0] if node.args else None
            if isinstance(function, ast.Name) and function.id in HELPERS:
                record(first, node, secret=function.id == "envsecret")
            elif isinstance(function, ast.Attribute) and (
                (function.attr in {"get", "pop", "setdefault"} and _is_environ(function.value))
                or (function.attr == "getenv" and isinstance(function.value, ast.Name) and function.value.id == "os")
            ):
                record(first, node)
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            record(node.slice, node)
        elif isinstance(node, ast.Compare) and any(_is_environ(side) for side in node.comparators):
            record(node.left, node)
    return Read(frozenset(names), frozenset(secrets), tuple(unnamed))


@pytest.fixture(scope="module")
def documented() -> Documented:
    return documented_variables(OPERATIONS_DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def read() -> Read:
    return read_variables(SETTINGS_FILE.read_text(encoding="utf-8"))


def test_every_variable_that_settings_reads_is_documented(documented: Documented, read: Read) -> None:
    missing = sorted(read.names - documented.names)
    assert not missing, f"settings.py reads {', '.join(missing)}, not in the table of docs/operations.md"


def test_every_documented_variable_is_read_by_settings(documented: Documented, read: Read) -> None:
    unread = sorted(documented.names - read.names)
    assert not unread, f"docs/operations.md documents {', '.join(unread)}, which settings.py does not read"


def test_secret_variables_are_the_ones_that_may_come_from_a_file(documented: Documented, read: Read) -> None:
    assert sorted(read.secrets) == sorted(documented.secrets), (
        "the variables marked *(secret)* in docs/operations.md must be exactly those read with envsecret()"
    )


def test_settings_names_every_variable_it_reads(read: Read) -> None:
    assert not read.unnamed, f"settings.py reads environment variables by a computed name at lines {read.unnamed}"


def test_the_checks_see_a_variable_on_either_side() -> None:
    """The parsers can fail: an undocumented read and an unread row are both found, by name."""
    source = 'import os\nA = os.environ.get("NEW_FLAG", "")\nB = envint("PORT", "1")\nif "X" in os.environ: pass\n'
    doc = f"{TABLE_HEADING}\n\n| variable | default | meaning |\n|---|---|---|\n| `PORT` | `1` | a port |\n"
    doc += "| `OLD_ONE` *(secret)* | none | gone |\n\nText after.\n"

    read, documented = read_variables(source), documented_variables(doc)

    assert read.names - documented.names == {"NEW_FLAG", "X"}
    assert documented.names - read.names == {"OLD_ONE"}
    assert documented.secrets == {"OLD_ONE"}
