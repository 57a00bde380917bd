"""Fixtures for the browser tests: the system Chromium, driven by Playwright, against a live server.

* ``live_server`` (pytest-django) serves the app from a thread of this process, on the test database;
  ``transactional_db`` is needed because the server thread must see committed rows.
* ``browser`` launches the Debian Chromium (``$CHROMIUM``, default ``/usr/bin/chromium``); no browser is
  ever downloaded. Each test gets a fresh ``page`` in its own context (no cookies shared between tests).
* ``e2e_settings`` (autouse) makes passwords cheap to hash, runs background tasks at once, uses an
  in-process cache and a temporary media directory.
* ``demo`` gives each test the demo organizations and personas. On the in-memory SQLite test database
  (what ``make test`` uses) the demo is built once per session (``demo_snapshot``) and copied into the
  database before each test that asks for it, with SQLite's backup API, in milliseconds; its uploaded
  files are copied into the test's media directory. Every test still starts from the same fresh demo:
  what one test writes is flushed after it. On another database the demo is built for each test.
* ``sign_in`` logs a persona in through the real login form.
* ``page`` fails its test when the Content-Security-Policy blocked anything on any page it showed
  (``policy_violations`` lists what was blocked, for tests that check it along the way).

When a test fails, a screenshot of its page is saved in ``test-artifacts/screenshots/failures/``.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.test import override_settings
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from ameliora.core.models import Organization

from .support import SCREENSHOTS, SignIn, watch_policy_violations

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # WhiteNoise warns when STATIC_ROOT has not been filled by collectstatic; the live server serves
    # static files from the finders instead, so the warning says nothing about the app.
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.filterwarnings("ignore:No directory at:UserWarning"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report on the test item, so that ``page`` knows whether the test failed."""
    report: pytest.TestReport = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM calls
    # from a thread with a running loop. Our ORM calls here are plain synchronous test code, so the
    # check is lifted, only while the browser tests run (not for the unit tests collected alongside).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as instance:
            yield instance
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(
            f"Chromium not found at {executable}: install the Debian package (apt-get install chromium) "
            "or set CHROMIUM=/path/to/chromium. Browsers are never downloaded."
        )
    launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def policy_violations() -> list[str]:
    """What the Content-Security-Policy blocked in the pages of ``page``'s context (empty when all is well)."""
    return []


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, policy_violations: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    watch_policy_violations(context, policy_violations)
    new_page = context.new_page()
    yield new_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.joinpath("failures").mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        new_page.screenshot(path=SCREENSHOTS / "failures" / f"{name}.png", full_page=True)
    context.close()
    if policy_violations and not (report is not None and report.failed):
        pytest.fail("The Content-Security-Policy blocked:\n" + "\n".join(policy_violations))


E2E_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    # django-tasks keeps its backends in a connection handler; its ``setting_changed`` receiver
    # (django_tasks.signals.clear_tasks_handlers) rebuilds them when TASKS is overridden, in every thread.
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    # The database cache table is made by ``createcachetable``, which the test database lacks; the cache
    # only backs allauth's rate limits, and a fresh one per test keeps them from leaking between tests.
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "e2e"}},
}


@pytest.fixture(autouse=True)
def e2e_settings(settings: Settings, tmp_path: Path, transactional_db: None) -> Settings:
    """Settings for the browser tests; applied before any user is created (password hashes)."""
    for name, value in E2E_SETTINGS.items():
        setattr(settings, name, value)
    caches["default"].clear()
    settings.MEDIA_ROOT = tmp_path / "media"

    from django_tasks import task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    assert isinstance(task_backends["default"], ImmediateBackend), "the TASKS override did not reach django-tasks"
    return settings


@dataclass(frozen=True)
class DemoSnapshot:
    """The demo database, built once, and the files its uploads wrote."""

    database: sqlite3.Connection
    media: Path


def shares_the_demo() -> bool:
    """Whether the test database is in-memory SQLite, whose pages the backup API copies whole."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    return isinstance(wrapper, SQLiteDatabaseWrapper) and wrapper.is_in_memory_db()


def raw_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


@pytest.fixture(scope="session")
def demo_snapshot(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoSnapshot | None]:
    """The demo built once for the whole session, on the in-memory SQLite test database (else ``None``).

    The test database is copied aside empty, the demo is built and copied aside, then the empty copy is
    put back, so tests that do not ask for the demo still start on an empty database.
    """
    from django.core import mail

    from ameliora.core.demo import build_demo

    with django_db_blocker.unblock():
        shared = shares_the_demo()
    if not shared:
        yield None
        return
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock():
        empty, built = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
        raw_sqlite().backup(empty)
        with override_settings(**E2E_SETTINGS, MEDIA_ROOT=media):
            caches["default"].clear()
            build_demo()
            caches["default"].clear()
        mail.outbox.clear()
        raw_sqlite().backup(built)
        empty.backup(raw_sqlite())
        forget_cached_rows()
    empty.close()
    yield DemoSnapshot(database=built, media=media)
    built.close()


def forget_cached_rows() -> None:
    """Content types are cached by id in this process (and the live server's thread): reload them."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture
def demo(e2e_settings: Settings, demo_snapshot: DemoSnapshot | None) -> dict[str, Organization]:
    """The demo organizations and personas (password ``DEMO_PASSWORD``), by slug."""
    from django.core import mail

    from ameliora.core.demo import ORGANIZATIONS, build_demo

    if demo_snapshot is None:
        organizations = build_demo()
    else:
        demo_snapshot.database.backup(raw_sqlite())
        forget_cached_rows()
        shutil.copytree(demo_snapshot.media, e2e_settings.MEDIA_ROOT, dirs_exist_ok=True)
        organizations = {spec.slug: Organization.objects.get(slug=spec.slug) for spec in ORGANIZATIONS}
    # The demo's own notifications (review requests, documents to read) are not what tests look at.
    mail.outbox.clear()
    return organizations


@pytest.fixture
def sign_in(live_server: LiveServer, demo: dict[str, Organization]) -> SignIn:
    """Log a persona in through the real login form; afterwards the page shows their home page."""
    from ameliora.core.demo import DEMO_PASSWORD

    def sign_in_as(page: Page, email: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        form = page.locator("form", has=page.locator("input[name=password]"))
        form.locator("input[name=login]").fill(email)
        form.locator("input[name=password]").fill(DEMO_PASSWORD)
        form.locator("button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    return sign_in_as
