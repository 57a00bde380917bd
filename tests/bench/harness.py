"""The benchmark harness: a registry, a runner and the report written to ``docs/benchmarks.md``.

A module adds benchmarks by dropping ``tests/bench/bench_<module>.py`` with functions like::

    from tests.bench.harness import Context, Timed, benchmark

    @benchmark("events: declaration list, page 1")
    def event_list(ctx: Context) -> Timed:
        url = ctx.org_url("events:list")          # set-up runs once, untimed
        ctx.get(url)                               # fail early if the page is broken
        return Timed(lambda: ctx.get(url), note="25 rows")

The decorated function receives a :class:`Context` (the synthetic organization filled by
``ameliora demo --scale N``, a test ``Client`` signed in as its administrator) and returns the
operation to time, bare or wrapped in :class:`Timed` to add a note. Each operation is run a few times
to warm up, once more to count its SQL queries, then ``repeat`` times under ``time.perf_counter``.

This module imports nothing from Django at import time: the runner configures the environment
(a fresh database) before Django is set up.
"""

from __future__ import annotations

import math
import os
import platform
import re
import statistics
import subprocess
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse as Response  # what the stubs say Client returns

    from ameliora.core.models import Organization, User

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"
RESULTS_MARKER = "<!-- Everything below this line is written by `python -m tests.bench`. -->"

Operation = Callable[[], object]


@dataclass(frozen=True)
class Timed:
    """The operation a benchmark times, with a note for the report (rows shown, page number...)."""

    operation: Operation
    note: str = ""


BenchSetup = Callable[["Context"], "Operation | Timed"]


@dataclass(frozen=True)
class Benchmark:
    name: str
    setup: BenchSetup
    module: str
    repeat: int | None = None
    warmup: int | None = None


BENCHMARKS: list[Benchmark] = []


def benchmark(name: str, *, repeat: int | None = None, warmup: int | None = None) -> Callable[[BenchSetup], BenchSetup]:
    """Register a benchmark. ``repeat``/``warmup`` override the command-line defaults (e.g. 1 for slow work)."""

    def register(setup: BenchSetup) -> BenchSetup:
        if any(existing.name == name for existing in BENCHMARKS):
            raise ValueError(f"A benchmark named {name!r} is already registered")
        BENCHMARKS.append(Benchmark(name, setup, setup.__module__, repeat, warmup))
        return setup

    return register


@dataclass
class Context:
    """What a benchmark works on. ``client`` is signed in as ``admin`` of ``organization``."""

    scale: int
    organization: Organization
    admin: User
    client: Client

    def org_url(self, url_name: str, **kwargs: Any) -> str:
        from django.urls import reverse

        return reverse(url_name, kwargs={"org_slug": self.organization.slug, **kwargs})

    def get(self, path: str, data: dict[str, Any] | None = None, *, status: int = 200) -> Response:
        """GET through the whole middleware stack; a wrong status fails the benchmark."""
        response = self.client.get(path, data)
        if response.status_code != status:
            raise AssertionError(f"GET {path} {data or ''} answered {response.status_code}, expected {status}")
        return response


@dataclass
class Result:
    name: str
    runs: int = 0
    times: list[float] = field(default_factory=list)  # seconds
    queries: int | None = None
    note: str = ""
    error: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.times)  # nearest-rank percentile: an actual observed run
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000

    @property
    def min_ms(self) -> float:
        return min(self.times) * 1000


@dataclass
class BuildStep:
    """A one-off step of the data set-up (migrations, demo, volumes), timed once."""

    name: str
    seconds: float
    rows: int | None = None
    queries: int | None = None

    @property
    def rows_per_second(self) -> float | None:
        if self.rows is None or self.seconds <= 0:
            return None
        return self.rows / self.seconds


def run_benchmark(bench: Benchmark, ctx: Context, *, repeat: int, warmup: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(bench.name)
    try:
        prepared = bench.setup(ctx)
        timed = prepared if isinstance(prepared, Timed) else Timed(prepared)
        result.note = timed.note
        for _ in range(bench.warmup if bench.warmup is not None else warmup):
            timed.operation()
        # Queries are counted on a separate run: recording SQL would slow down the timed runs.
        with CaptureQueriesContext(connection) as captured:
            timed.operation()
        result.queries = len(captured.captured_queries)
        for _ in range(bench.repeat if bench.repeat is not None else repeat):
            start = time.perf_counter()
            timed.operation()
            result.times.append(time.perf_counter() - start)
        result.runs = len(result.times)
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    return result


# --- The report ---------------------------------------------------------------------------------


def machine_description(database: str) -> list[tuple[str, str]]:
    import django

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(encoding="utf-8"), re.MULTILINE)
        if match:
            cpu = match.group(1).strip()
    logical = os.cpu_count() or 0
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else logical
    cores = f"{logical} logical" + (f", {available} available to the process" if available != logical else "")
    ram = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(encoding="utf-8"), re.MULTILINE)
        if match:
            ram = f"{int(match.group(1)) / 1024 / 1024:.1f} GiB"
    return [
        ("CPU", cpu),
        ("Cores", cores),
        ("RAM", ram),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("Database", database),
        ("Code", code_version()),
    ]


def load_average() -> str:
    """The 1-minute load average: other work on the machine (a test run, a build) skews the figures."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def code_version() -> str:
    """The commit the figures were measured on (read-only git calls; "unknown" outside a checkout)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"commit {commit}" + (" with uncommitted changes" if dirty else "")


def _ms(value: float) -> str:
    return f"{value:,.1f}".replace(",", " ")


def _int(value: int | float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def build_table(steps: list[BuildStep]) -> list[str]:
    lines = ["| Step | Time (s) | Rows created | Rows/s | SQL queries |", "|---|---:|---:|---:|---:|"]
    for step in steps:
        rate = step.rows_per_second
        lines.append(
            f"| {step.name} | {step.seconds:.2f} | {_int(step.rows) if step.rows is not None else ''} "
            f"| {_int(rate) if rate is not None else ''} | {_int(step.queries) if step.queries is not None else ''} |"
        )
    return lines


def results_table(results: list[Result]) -> list[str]:
    lines = [
        "| Benchmark | Runs | Median (ms) | p95 (ms) | Min (ms) | SQL queries | Notes |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if r.error or not r.times:
            lines.append(f"| {r.name} | {r.runs} | | | | | **FAILED**: {r.error.replace('|', '/')} |")
            continue
        lines.append(
            f"| {r.name} | {r.runs} | {_ms(r.median_ms)} | {_ms(r.p95_ms)} | {_ms(r.min_ms)} "
            f"| {r.queries if r.queries is not None else ''} | {r.note} |"
        )
    return lines


DEFAULT_HEADER = """\
# Benchmarks

How fast the main pages answer on large synthetic data, and how many SQL queries they make.

## How to run

```sh
make bench                                      # = .venv/bin/python -m tests.bench (scale 10)
.venv/bin/python -m tests.bench --scale 100     # bigger volumes
.venv/bin/python -m tests.bench --database-url postgres://postgres@127.0.0.1:5432/ameliora_bench
.venv/bin/python -m tests.bench --only "member list" --output -   # a subset, printed, docs untouched
```

Each run builds a **fresh database** (a SQLite file in a temporary directory, or with
`--database-url` a throwaway `test_<name>` PostgreSQL database, dropped afterwards), migrates it,
loads the demo (`ameliora demo`) and the synthetic volumes (`ameliora demo --scale N`): one
organization, `echelle-synthetique`, with 50×N members and 200×N notifications for its
administrator, plus whatever each module adds through `register_scale`. It then rewrites the part of
this file below the marker line; the text above it is kept, edit it freely.

## How to read the figures

* **Data build**: each set-up step timed once; *rows/s* counts the rows of every table created by the step.
* **Requests**: each benchmark is a request through the full middleware stack (Django's test
  `Client`, signed in as `admin@echelle.test`, French pages, `DEBUG` off). It runs a few times to
  warm up, once to count its SQL queries (`CaptureQueriesContext`), then *Runs* times under
  `time.perf_counter`. *Median* is the typical time, *p95* the nearest-rank 95th percentile (the slow
  end), *Min* the best case. Times are server-side only: no network, no browser, no connection set-up.
* A list page must make **the same number of queries** on its first page and on a middle page, and
  the same at any scale: a count that grows with `--scale` is an N+1 to fix.
* Figures from different machines are not comparable; compare runs made on the same machine, when it
  is otherwise idle (the *load average* line tells whether it was: above the number of cores, other
  work was competing for the CPU and the times are inflated).

## Adding benchmarks

Drop `tests/bench/bench_<module>.py` with functions decorated `@benchmark("name")` (see
`tests/bench/harness.py` and `tests/bench/bench_core.py`); `python -m tests.bench` discovers them.
The files are not named `test_*`, so `pytest` never collects them.

"""


def render_report(
    *,
    header: str,
    command: str,
    machine: list[tuple[str, str]],
    scale: int,
    steps: list[BuildStep],
    results: list[Result],
) -> str:
    now = datetime.now(UTC).astimezone()
    lines = [
        RESULTS_MARKER,
        "",
        "## Latest results",
        "",
        f"* Date: {now:%Y-%m-%d %H:%M %Z}",
        f"* Command: `{command}`",
        f"* Scale: {scale}",
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine),
        "",
        "### Data build",
        "",
        *build_table(steps),
        "",
        "### Requests",
        "",
        *results_table(results),
        "",
    ]
    return header + "\n".join(lines)


def existing_header(path: Path) -> str:
    """The hand-written part of an existing report (above the marker), or the default header."""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if RESULTS_MARKER in text:
            return text.split(RESULTS_MARKER, 1)[0]
    return DEFAULT_HEADER
