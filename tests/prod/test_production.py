"""The production path of ``docs/operations.md``, end to end (marker ``prod``; a stage of ``make test``).

On a throwaway PostgreSQL database and a Redis database of its own, with ``DEBUG=False``: the
Install section's commands (``migrate``, ``createcachetable``, ``collectstatic`` with the hashed
manifest, ``check --deploy`` with no issues), the demo data, gunicorn (the web unit's command, several
workers) and the task worker (the worker unit's command), behind the documented proxy headers. Then
every demo persona signs in (password from the README) and reads every page reachable from their
dashboard, every export is downloaded (background ones through the worker), and the public pages
are read without an account. Any 5xx, or an HTML page without its hashed stylesheet served as CSS,
fails. The summary prints what was visited and how long each part took.
"""

from __future__ import annotations

import os
import re
import resource
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import redis
from django.utils.text import slugify

from tests.prod import operations
from tests.prod.crawler import Fetched, ProxyTransport, Shared, Visit, Visitor
from tests.prod.deployment import Deployment, DeploymentError, deploy
from tests.prod.site import EXPORTED_BY_A_FORM, EXPORTS, PUBLIC_PAGES, view_name
from tests.prod.untranslated import EnglishFinder, catalogue_phrases

pytestmark = pytest.mark.prod

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
README = operations.ROOT / "README.md"
HEALTHY_WITHIN = 120.0
VISITORS_AT_ONCE = 3  # as many as the web unit's gunicorn workers
MAX_PAGES = 150  # per persona
PER_VIEW = 1  # addresses per view (and query-string shape) per persona: every kind of page, not every row


def readme_password() -> str:
    match = re.search(r"password \*\*`([^`]+)`\*\*", README.read_text(encoding="utf-8"))
    assert match, "README.md no longer gives the demo password as **`…`**"
    return match.group(1)


@dataclass
class Persona:
    email: str
    slug: str
    roles: str


@dataclass
class Run:
    deployment: Deployment
    visits: list[Visit]
    public: Visit
    redis_keys: int
    timings: dict[str, float] = field(default_factory=dict)

    def files(self, view: str) -> list[Fetched]:
        return [file for visit in [*self.visits, self.public] for file in visit.files.get(view, [])]


def wait_until_healthy(deployment: Deployment) -> None:
    """Poll ``/healthz`` as the document's probe does, until it answers or the overall time is up."""
    deadline = time.monotonic() + HEALTHY_WITHIN
    with httpx.Client(transport=ProxyTransport(deployment.upstream, client_address="127.0.0.1")) as client:
        while True:
            deployment.check_running()
            try:
                if client.get(f"{deployment.origin}/healthz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise DeploymentError(f"/healthz did not answer 200 within {HEALTHY_WITHIN:.0f} s")
            time.sleep(0.25)


def personas(deployment: Deployment) -> list[Persona]:
    listing = deployment.run("demo-list", [".venv/bin/ameliora", "demo", "--list"])
    return [Persona(*line.split("\t")) for line in listing.splitlines() if line.count("\t") == 2]


def first_administrator(deployment: Deployment) -> Persona:
    """The administrator that the document's ``ameliora setup --noinput …`` created, as a persona."""
    command = deployment.operations.first_run

    def option(name: str) -> str:
        return command[command.index(name) + 1] if name in command else ""

    slug = option("--slug") or slugify(option("--organization"))[:60]
    return Persona(option("--email"), slug, "admin")


def new_visitor(deployment: Deployment, shared: Shared, who: str, number: int) -> Visitor:
    return Visitor(
        who,
        origin=deployment.origin,
        upstream=deployment.upstream,
        # One client address per visitor (TEST-NET-3, a header only): the login rate limits count per
        # address taken from X-Forwarded-For, which TRUSTED_PROXY_COUNT=1 makes Ameliora trust.
        client_address=f"203.0.113.{number}",
        view_name=view_name,
        shared=shared,
    )


def visit_as(persona: Persona, *, number: int, deployment: Deployment, shared: Shared, password: str) -> Visitor:
    visitor = new_visitor(deployment, shared, persona.email, number)
    visitor.sign_in(persona.email, password)
    scope = f"/o/{persona.slug}/"
    visitor.crawl(scope, scope=scope, max_pages=MAX_PAGES, per_view=PER_VIEW)
    return visitor


def visit_public_pages(deployment: Deployment, shared: Shared, visits: list[Visit]) -> Visit:
    """Without an account: the home and login pages, then the public addresses the members' pages print."""
    visitor = new_visitor(deployment, shared, "anonymous", 250)
    found: dict[str, list[str]] = {}
    for path in sorted({path for visit in visits for path in visit.text_urls}):
        name = view_name(urlsplit(path).path)
        if name in PUBLIC_PAGES and len(found.setdefault(name, [])) < PER_VIEW:
            found[name].append(path)
    started = time.monotonic()
    for path in ["/", "/accounts/login/", *[path for paths in found.values() for path in paths]]:
        visitor.judge(*visitor.get(path))
    visitor.visit.seconds = time.monotonic() - started
    visitor.close()
    return visitor.visit


def describe(run: Run, started: float) -> list[str]:
    cpu = run.deployment.cpu
    steps = (f"{name} {secs:.1f}" + (f"/{cpu[name]:.1f}" if name in cpu else "") for name, secs in run.timings.items())
    lines = [
        "steps (wall-clock s / CPU s): " + ", ".join(steps),
        f"CPU s of gunicorn (all workers) {cpu.get('web', 0):.1f}, of the worker {cpu.get('worker', 0):.1f}, "
        f"of this crawler {resource.getrusage(resource.RUSAGE_SELF).ru_utime:.1f}",
    ]
    for visit in run.visits:
        statuses = Counter(page.status for page in visit.pages)
        lines.append(
            f"{visit.who}: {len(visit.pages)} requests, {len(visit.views)} kinds of page, "
            f"statuses {dict(sorted(statuses.items()))}, {visit.seconds:.1f} s"
        )
        lines.extend(f"    {page.status} {page.url}" for page in visit.pages if page.status >= 400)
    lines.append(f"public pages: {len(run.public.pages)} requests, {run.public.seconds:.1f} s")
    for view in EXPORTS:
        files = run.files(view)
        summary = ", ".join(f"{file.status} {file.size} B in {file.seconds:.2f} s" for file in files[:1]) or "none"
        lines.append(f"export {view}: {summary}")
    every = [page for visit in [*run.visits, run.public] for page in visit.pages]
    slowest = sorted(every, key=lambda page: page.seconds, reverse=True)[:5]
    lines.append(f"{len(every)} requests in all; slowest: " + ", ".join(f"{p.url} {p.seconds:.2f} s" for p in slowest))
    lines.append(f"production stage: {time.monotonic() - started:.0f} s")
    return lines


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, summary: list[str]) -> Iterator[Run]:
    started = time.monotonic()
    shared = Shared(once=EXPORTS, english=EnglishFinder(catalogue_phrases()))
    with deploy(
        operations.read(), workdir=tmp_path_factory.mktemp("prod"), postgres_url=POSTGRES_URL, redis_url=REDIS_URL
    ) as deployment:
        wait_until_healthy(deployment)
        deployment.timings["gunicorn and worker up"] = time.monotonic() - started - sum(deployment.timings.values())
        password = readme_password()
        people = [(persona, password) for persona in personas(deployment)]
        people.append((first_administrator(deployment), deployment.first_password))
        crawl_started = time.monotonic()
        with ThreadPoolExecutor(VISITORS_AT_ONCE) as pool:
            visitors = list(
                pool.map(
                    lambda numbered: visit_as(
                        numbered[1][0],
                        number=numbered[0],
                        deployment=deployment,
                        shared=shared,
                        password=numbered[1][1],
                    ),
                    enumerate(people, start=1),
                )
            )
        for view in EXPORTED_BY_A_FORM:
            exporter = next((visitor for visitor in visitors if view in visitor.visit.forms), None)
            if exporter is not None:
                exporter.export_by_form(view)
        for visitor in visitors:
            visitor.close()
        deployment.timings["personas and exports"] = time.monotonic() - crawl_started
        visits = [visitor.visit for visitor in visitors]
        public = visit_public_pages(deployment, shared, visits)
        redis_keys = redis.Redis.from_url(deployment.redis_url).dbsize()
        deployment.check_running()
        result = Run(deployment, visits, public, redis_keys, timings=deployment.timings)
        yield result
    summary.extend(describe(result, started))


def test_the_operator_path_ran_with_the_hashed_manifest(run: Run) -> None:
    static_root = Path(run.deployment.env["AMELIORA_VAR_DIR"]) / "static"

    assert (static_root / "staticfiles.json").is_file()
    assert run.deployment.env["DEBUG"] == "False"
    assert run.redis_keys > 0, "nothing was cached in Redis: REDIS_URL was not used"


def test_every_persona_reaches_their_pages_without_a_server_error_or_a_missing_stylesheet(run: Run) -> None:
    problems = [problem for visit in run.visits for problem in visit.problems]

    assert len(run.visits) == len({visit.who for visit in run.visits}) > 1
    assert all(len(visit.pages) > 1 for visit in run.visits), "a persona saw nothing beyond the dashboard"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def test_french_pages_and_pdfs_show_no_english_from_the_catalogue(run: Run) -> None:
    """Every page and generated PDF a persona or a visitor reached is read as a French reader would."""
    english = [found for visit in [*run.visits, run.public] for found in visit.untranslated]

    assert sum(len(visit.pages) for visit in run.visits) > 100
    assert not english, f"{len(english)} English phrases on French pages:\n" + "\n".join(english[:40])


def test_every_export_downloads_its_file(run: Run) -> None:
    missing, wrong = [], []
    for view, (content_type, magic) in EXPORTS.items():
        files = run.files(view)
        if not files:
            missing.append(view)
        for file in files:
            if file.status != 200 or not file.content_type.startswith(content_type) or not file.head.startswith(magic):
                wrong.append(f"{view}: {file.url} {file.status} {file.content_type!r} {file.head!r}")

    assert not missing, f"no persona reached these exports: {missing}"
    assert not wrong, "\n".join(wrong)


def test_background_exports_were_made_by_the_worker(run: Run) -> None:
    """These exports always run as jobs: their file exists only if the worker ran them."""
    for view in EXPORTED_BY_A_FORM[:5]:
        assert [view_name(urlsplit(file.url).path) for file in run.files(view)] == ["core:job_download"], view


def test_the_public_pages_work_without_an_account(run: Run) -> None:
    reached = {view_name(urlsplit(page.url).path) for page in run.public.pages}

    assert not run.public.problems, "\n".join(run.public.problems)
    assert set(PUBLIC_PAGES) <= reached, f"no member page printed a link to {sorted(set(PUBLIC_PAGES) - reached)}"
    assert all(page.status == 200 for page in run.public.pages), [(p.url, p.status) for p in run.public.pages]


def test_the_health_probe_the_https_redirect_and_the_security_headers_are_as_documented(run: Run) -> None:
    deployment = run.deployment
    host = urlsplit(deployment.origin).netloc
    with httpx.Client(base_url=deployment.upstream) as gunicorn:
        probe = gunicorn.get("/healthz", headers={"Host": host})
        stranger = gunicorn.get("/healthz", headers={"Host": "ameliora.example.net"})
        plain = gunicorn.get("/accounts/login/", headers={"Host": host, "X-Forwarded-Proto": "http"})
        secure = gunicorn.get("/accounts/login/", headers={"Host": host, "X-Forwarded-Proto": "https"})

    assert (probe.status_code, probe.json()) == (200, {"status": "ok"})
    assert stranger.status_code == 400
    assert (plain.status_code, plain.headers["location"]) == (301, f"{deployment.origin}/accounts/login/")
    assert secure.status_code == 200
    assert "includeSubDomains" in secure.headers["strict-transport-security"]
    assert secure.headers["x-content-type-options"] == "nosniff"
    assert secure.headers["x-frame-options"] == "DENY"
    assert secure.headers["referrer-policy"]
    assert all("Secure" in cookie for cookie in secure.headers.get_list("set-cookie"))
