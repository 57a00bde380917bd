"""``python -m tests.bench``: build a fresh database with synthetic volumes and time the main pages.

See ``docs/benchmarks.md`` (written by this command) for how to run and read the figures, and
:mod:`tests.bench.harness` for how to add benchmarks.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import pkgutil
import shlex
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.bench import harness

ADMIN_EMAIL = "admin@echelle.test"


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--scale", type=int, default=10, metavar="N", help="volume factor for `ameliora demo --scale`")
    parser.add_argument("--repeat", type=int, default=30, metavar="R", help="timed runs per benchmark (default 30)")
    parser.add_argument("--warmup", type=int, default=3, metavar="W", help="untimed runs first (default 3)")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="run on this server (e.g. postgres://user@host:5432/name): a throwaway test_<name> database "
        "is created there and dropped afterwards. Default: a SQLite file in a temporary directory.",
    )
    parser.add_argument("--only", action="append", metavar="TEXT", help="run only benchmarks whose name contains TEXT")
    parser.add_argument(
        "--output",
        metavar="PATH",
        help=f"where to write the report ('-' for nowhere; default {harness.DEFAULT_OUTPUT.relative_to(harness.ROOT)}, "
        "or nowhere with --only)",
    )
    args = parser.parse_args(argv)
    if args.scale < 1 or args.repeat < 1 or args.warmup < 0:
        parser.error("--scale and --repeat must be at least 1, --warmup at least 0")
    if args.database_url and args.database_url.startswith("sqlite"):
        # A SQLite URL would be migrated and filled in place: the default already uses a fresh file.
        parser.error("--database-url is for a database server; SQLite runs use a fresh temporary file by default")
    return args


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def command_line(argv: list[str]) -> str:
    """The command as run, for the report, without the database password."""
    shown = []
    for index, arg in enumerate(argv):
        if index > 0 and argv[index - 1] == "--database-url":
            shown.append(redact(arg))
        elif arg.startswith("--database-url="):
            shown.append("--database-url=" + redact(arg.split("=", 1)[1]))
        else:
            shown.append(arg)
    return shlex.join(["python", "-m", "tests.bench", *shown])


def discover() -> list[str]:
    """Import every ``tests/bench/bench_*.py`` (core first): their decorators fill the registry."""
    names = sorted(
        (info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]) if info.name.startswith("bench_")),
        key=lambda name: (name != "bench_core", name),
    )
    for name in names:
        importlib.import_module(f"tests.bench.{name}")
    return names


def count_rows() -> int:
    from django.apps import apps

    return sum(
        model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    )


def timed_step(name: str, action: Callable[[], object]) -> harness.BuildStep:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = count_rows()
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        action()
        seconds = time.perf_counter() - start
    return harness.BuildStep(name, seconds, rows=count_rows() - before, queries=len(captured.captured_queries))


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    load_at_start = harness.load_average()
    workdir = Path(tempfile.mkdtemp(prefix="ameliora-bench-"))
    (workdir / "static").mkdir()  # STATIC_ROOT: WhiteNoise warns when it does not exist
    os.environ["AMELIORA_VAR_DIR"] = str(workdir)
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ameliora.settings")

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ameliora.core.demo import DEMO_PASSWORD, SCALE_SLUG
    from ameliora.core.models import Organization, User

    # Production-like request handling: no SQL log, no template debug. (Not setup_test_environment():
    # it instruments template rendering, which would slow every page down.)
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    old_name = connection.settings_dict["NAME"]
    steps: list[harness.BuildStep] = []
    results: list[harness.Result] = []
    server_database_created = False
    try:
        start = time.perf_counter()
        if connection.vendor == "sqlite":
            call_command("migrate", verbosity=0, interactive=False)
            call_command("createcachetable", verbosity=0)
            database = f"SQLite {sqlite3.sqlite_version} (file, WAL, in a temporary directory)"
        else:
            # Django's test-database machinery: creates test_<name> (dropping a leftover one), migrates,
            # creates the cache table; destroy_test_db drops it at the end.
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            server_database_created = True
            database = describe_server()
        steps.append(harness.BuildStep("create the database and migrate", time.perf_counter() - start))
        steps.append(timed_step("`ameliora demo`", lambda: call_command("demo", stdout=io.StringIO())))
        steps.append(
            timed_step(
                f"`ameliora demo --scale {args.scale}` (demo already loaded: the volumes)",
                lambda: call_command("demo", scale=args.scale, stdout=io.StringIO()),
            )
        )
        for step in steps:
            say(f"{step.name}: {step.seconds:.2f} s" + (f", {step.rows} rows" if step.rows is not None else ""))

        client = Client()
        if not client.login(email=ADMIN_EMAIL, password=DEMO_PASSWORD):
            raise SystemExit(f"Could not sign in as {ADMIN_EMAIL}")
        ctx = harness.Context(
            scale=args.scale,
            organization=Organization.objects.get(slug=SCALE_SLUG),
            admin=User.objects.get(email=ADMIN_EMAIL),
            client=client,
        )
        modules = discover()
        selected = [
            bench
            for bench in harness.BENCHMARKS
            if not args.only or any(text.lower() in bench.name.lower() for text in args.only)
        ]
        say(f"{len(selected)} benchmarks from {', '.join(modules)}")
        for bench in selected:
            result = harness.run_benchmark(bench, ctx, repeat=args.repeat, warmup=args.warmup)
            results.append(result)
            if result.error:
                say(f"  {bench.name}: FAILED {result.error}")
            else:
                say(
                    f"  {bench.name}: median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
                    f"{result.queries} queries"
                )

        machine = [
            *harness.machine_description(database),
            ("Load average at start / end", f"{load_at_start} / {harness.load_average()}"),
        ]
    finally:
        if server_database_created:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(workdir, ignore_errors=True)

    output = args.output or ("-" if args.only else str(harness.DEFAULT_OUTPUT))
    report_path = Path(output) if output != "-" else harness.DEFAULT_OUTPUT
    report = harness.render_report(
        header=harness.existing_header(report_path),
        command=command_line(argv),
        machine=machine,
        scale=args.scale,
        steps=steps,
        results=results,
    )
    if output == "-":
        say(report.split(harness.RESULTS_MARKER, 1)[1])
    else:
        report_path.write_text(report, encoding="utf-8")
        say(f"Report written to {report_path}")
    return 1 if any(result.error for result in results) else 0


def describe_server() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"{connection.display_name} (throwaway test database)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    import psycopg

    return f"PostgreSQL {row[0] if row else '?'} (psycopg {psycopg.__version__}, throwaway test database)"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
