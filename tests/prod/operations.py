"""What ``docs/operations.md`` tells an operator to run, read from the document itself.

The production check runs these, so the document and the check cannot drift apart: change a
command in the document and the check runs the new one; break the document's shape and the check
fails here, saying which part it could not find.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS_DOC = ROOT / "docs" / "operations.md"


class DocumentShapeError(ValueError):
    """``docs/operations.md`` lacks a part the production check reads."""


@dataclass(frozen=True)
class Operations:
    env: dict[str, str]
    """The example ``/etc/ameliora/ameliora.env``."""
    app_dir: str
    """Where the units run from (``WorkingDirectory``): the checkout stands in for it."""
    install: tuple[tuple[str, ...], ...]
    """The ``ameliora`` commands of the Install section's first block, in order, as run from ``app_dir``."""
    first_run: tuple[str, ...]
    """The scripted ``ameliora setup --noinput …`` that creates the first organization (password on stdin)."""
    web: tuple[str, ...]
    """``ExecStart`` of ``ameliora-web.service``."""
    worker: tuple[str, ...]
    """``ExecStart`` of ``ameliora-worker.service``."""
    proxy_headers: frozenset[str]
    """The headers nginx sets for gunicorn (``proxy_set_header``)."""


def fenced_block_after(markdown: str, marker: str) -> str:
    """The first fenced code block that follows the line containing ``marker``."""
    start = markdown.find(marker)
    if start < 0:
        raise DocumentShapeError(f"docs/operations.md no longer contains {marker!r}")
    match = re.compile(r"^```[a-z]*\n(.*?)^```", re.MULTILINE | re.DOTALL).search(markdown, start)
    if match is None:
        raise DocumentShapeError(f"no code block after {marker!r} in docs/operations.md")
    return match.group(1)


def section(markdown: str, heading: str) -> str:
    match = re.search(rf"^{re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)
    if match is None:
        raise DocumentShapeError(f"docs/operations.md has no section {heading!r}")
    return match.group(1)


def env_file(block: str) -> dict[str, str]:
    """``KEY=value`` lines as systemd's ``EnvironmentFile`` and ``sh``'s ``set -a; .`` both read them."""
    env = {}
    for line in block.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = " ".join(shlex.split(value))
    return env


def unit_setting(block: str, key: str) -> str:
    """A setting of a systemd unit, with its ``\\`` continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", block)
    values = [line.split("=", 1)[1].strip() for line in joined.splitlines() if line.startswith(f"{key}=")]
    if len(values) != 1:
        raise DocumentShapeError(f"expected one {key}= in a unit of docs/operations.md, found {len(values)}")
    return values[0]


def install_commands(install_section: str) -> tuple[tuple[str, ...], ...]:
    """The ``.venv/bin/ameliora …`` lines of the Install section's first code block (the deployment steps)."""
    block = fenced_block_after(install_section, "Needs Python")
    commands = tuple(
        tuple(shlex.split(match.group(1)))
        for match in re.finditer(r"^\s*(\.venv/bin/ameliora [^'\n]*)'?\s*$", block, re.MULTILINE)
    )
    if not commands:
        raise DocumentShapeError("the Install section of docs/operations.md runs no .venv/bin/ameliora command")
    return commands


def first_run_command(install_section: str) -> tuple[str, ...]:
    """The scripted first run: ``.venv/bin/ameliora setup --noinput …``, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", install_section)
    match = re.search(r"(\.venv/bin/ameliora setup --noinput [^'\n]*)'", joined)
    if match is None:
        raise DocumentShapeError("the Install section of docs/operations.md has no scripted `ameliora setup --noinput`")
    return tuple(shlex.split(match.group(1)))


def parse(markdown: str) -> Operations:
    web_unit = fenced_block_after(markdown, "`/etc/systemd/system/ameliora-web.service`")
    worker_unit = fenced_block_after(markdown, "`/etc/systemd/system/ameliora-worker.service`")
    proxy = fenced_block_after(markdown, "`/etc/nginx/snippets/ameliora-proxy.conf`")
    return Operations(
        env=env_file(fenced_block_after(markdown, "An example `/etc/ameliora/ameliora.env`")),
        app_dir=unit_setting(web_unit, "WorkingDirectory"),
        install=install_commands(section(markdown, "## Install")),
        first_run=first_run_command(section(markdown, "## Install")),
        web=tuple(shlex.split(unit_setting(web_unit, "ExecStart"))),
        worker=tuple(shlex.split(unit_setting(worker_unit, "ExecStart"))),
        proxy_headers=frozenset(re.findall(r"^proxy_set_header (\S+)", proxy, re.MULTILINE)),
    )


def read() -> Operations:
    return parse(OPERATIONS_DOC.read_text(encoding="utf-8"))
