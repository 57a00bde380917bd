"""The ``ameliora`` console script behaves like a command-line tool in a shell pipeline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ameliora.core.demo import demo_accounts


def run_cli(*args: str, stdout: int, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AMELIORA_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    return subprocess.run(  # noqa: S603 — the arguments are the tests' own constants
        [sys.executable, "-m", "ameliora.cli", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        timeout=120,
        check=False,
    )


def test_demo_list_prints_every_account(tmp_path: Path) -> None:
    result = run_cli("demo", "--list", stdout=subprocess.PIPE, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [email for email, *_ in demo_accounts()]


def test_a_reader_that_leaves_early_ends_the_command_quietly(tmp_path: Path) -> None:
    """``ameliora demo --list | head -n 1``: the pipe is closed before the command writes (deterministic)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = run_cli("demo", "--list", stdout=write_end, tmp_path=tmp_path)
    finally:
        os.close(write_end)

    assert "Traceback" not in result.stderr
    assert "BrokenPipeError" not in result.stderr
    assert result.returncode == 1
