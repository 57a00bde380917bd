"""The production check can fail: its verdicts, its crawler and its reading of the document, on fakes.

These run with the ordinary test suite (no server, no database): they prove that a 5xx, a page
without its stylesheet, a failing ``collectstatic`` or a ``check --deploy`` warning stop the
production stage, without breaking production to see it.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.prod import operations
from tests.prod.crawler import Fetched, ParsedPage, ProxyTransport, Shared, Visitor, parse_html, verdict
from tests.prod.deployment import Deployment, DeploymentError, run_install_commands
from tests.prod.site import EXPORTS, PUBLIC_PAGES, view_name

ORIGIN = "https://qualite.example.fr"
CSS = f"{ORIGIN}/static/vendor/bootstrap/bootstrap.min.0123456789ab.css"
PAGE = f"""<html><head><link rel="stylesheet" href="{CSS}"></head>
<body><a href="/o/acme/plans/">Plans</a></body></html>"""


def page(status: int = 200, content_type: str = "text/html; charset=utf-8") -> Fetched:
    return Fetched(f"{ORIGIN}/o/acme/", status, content_type)


def served(status: int = 200, content_type: str = "text/css") -> dict[str, Fetched]:
    return {CSS: Fetched(CSS, status, content_type)}


# --- the verdict on one response ---------------------------------------------------------------------


def test_a_page_with_its_hashed_stylesheet_served_as_css_passes() -> None:
    assert verdict(page(), parse_html(PAGE), served()) == []


def test_a_server_error_fails_whatever_its_body() -> None:
    assert verdict(page(500), parse_html(PAGE), served()) == [f"{ORIGIN}/o/acme/ answered 500"]
    assert verdict(page(502, "application/json"), None, {}) == [f"{ORIGIN}/o/acme/ answered 502"]


def test_a_page_without_a_stylesheet_link_fails() -> None:
    assert verdict(page(), parse_html("<html><body>Bare</body></html>"), {}) == [
        f"{ORIGIN}/o/acme/ links no stylesheet"
    ]


@pytest.mark.parametrize(("status", "content_type"), [(404, "text/html"), (500, "text/html"), (200, "text/plain")])
def test_a_stylesheet_that_does_not_load_as_css_fails(status: int, content_type: str) -> None:
    problems = verdict(page(), parse_html(PAGE), served(status, content_type))

    assert problems == [f"{ORIGIN}/o/acme/: stylesheet {CSS} answered {status} {content_type!r}"]


def test_a_stylesheet_outside_the_hashed_manifest_fails() -> None:
    plain = f"{ORIGIN}/static/ameliora/app.css"
    html = f'<link rel="stylesheet" href="{plain}">'

    problems = verdict(page(), parse_html(html), {plain: Fetched(plain, 200, "text/css")})

    assert problems == [f"{ORIGIN}/o/acme/: stylesheet {plain} is not a hashed static file name"]


def test_files_and_client_errors_are_not_asked_for_a_stylesheet() -> None:
    assert verdict(page(200, "application/pdf"), None, {}) == []
    assert verdict(page(404), parse_html("<h1>Not Found</h1>"), {}) == []


def test_the_page_parser_finds_links_assets_and_the_forms_hidden_fields() -> None:
    parsed = parse_html(
        PAGE + '<script src="/static/x.js"></script><form method="POST" action="/o/acme/members/export/">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="t0k"><button>Export</button></form>'
    )

    assert parsed == ParsedPage(
        links=["/o/acme/plans/"],
        stylesheets=[CSS],
        scripts=["/static/x.js"],
        forms=[{"action": "/o/acme/members/export/", "method": "post", "csrfmiddlewaretoken": "t0k"}],
    )


# --- the crawler on a fake site ----------------------------------------------------------------------


def fake_site(request: httpx.Request) -> httpx.Response:
    """A dashboard that links to a broken page, an unstyled page, a file, a logout link and elsewhere."""
    styled = f'<link rel="stylesheet" href="{CSS}">'
    pages = {
        "/o/acme/": styled + '<a href="/o/acme/plans/">ok</a><a href="/o/acme/events/">500</a>'
        '<a href="/o/acme/indicators/#top">bare</a><a href="/o/acme/reports/annual.pdf">pdf</a>'
        '<a href="/accounts/logout/">out</a><a href="/o/acme/plans/1/delete/">delete</a>'
        '<a href="/o/other/">other org</a><a href="https://elsewhere.example/o/acme/">elsewhere</a>',
        "/o/acme/plans/": styled + '<a href="/o/acme/">home</a>',
        "/o/acme/indicators/": "<p>no stylesheet</p>",
    }
    path = request.url.path
    if path == "/o/acme/events/":
        return httpx.Response(500, html="<h1>Server Error (500)</h1>")
    if path == "/o/acme/reports/annual.pdf":
        return httpx.Response(200, content=b"%PDF-1.7", headers={"content-type": "application/pdf"})
    if path.startswith("/static/"):
        return httpx.Response(200, text="body{}", headers={"content-type": "text/css"})
    if path in pages:
        return httpx.Response(200, html=pages[path])
    return httpx.Response(404, html="<h1>Not Found</h1>")


@pytest.fixture
def visitor() -> Iterator[Visitor]:
    crawler = Visitor(
        "alice@acme.test",
        origin=ORIGIN,
        upstream="http://127.0.0.1:1",
        client_address="203.0.113.1",
        view_name=view_name,
        shared=Shared(),
        transport=httpx.MockTransport(fake_site),
    )
    yield crawler
    crawler.close()


def test_the_crawl_reports_the_server_error_and_the_unstyled_page_it_reaches(visitor: Visitor) -> None:
    visitor.crawl("/o/acme/", scope="/o/acme/", max_pages=20, per_view=2)

    assert sorted(visitor.visit.problems) == [
        f"{ORIGIN}/o/acme/events/ answered 500",
        f"{ORIGIN}/o/acme/indicators/ links no stylesheet",
    ]
    assert [file.url for file in visitor.visit.files["reports:annual_pdf"]] == [f"{ORIGIN}/o/acme/reports/annual.pdf"]


def test_the_crawl_stays_in_the_organization_and_never_follows_logout_or_delete(visitor: Visitor) -> None:
    visitor.crawl("/o/acme/", scope="/o/acme/", max_pages=20, per_view=2)

    assert sorted(urlpath(page.url) for page in visitor.visit.pages) == [
        "/o/acme/",
        "/o/acme/events/",
        "/o/acme/indicators/",
        "/o/acme/plans/",
        "/o/acme/reports/annual.pdf",
    ]


def urlpath(url: str) -> str:
    return httpx.URL(url).path


def test_the_proxy_sets_what_nginx_sets_and_the_document_lists() -> None:
    seen: list[httpx.Request] = []

    def gunicorn(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    proxy = ProxyTransport("http://127.0.0.1:8123", client_address="203.0.113.7")
    proxy.inner = httpx.MockTransport(gunicorn)

    with httpx.Client(transport=proxy) as client:
        client.get(f"{ORIGIN}/healthz?probe=1", headers={"X-Forwarded-For": "6.6.6.6"})

    (forwarded,) = seen
    assert str(forwarded.url) == "http://127.0.0.1:8123/healthz?probe=1"
    assert forwarded.headers["Host"] == "qualite.example.fr"
    assert forwarded.headers["X-Forwarded-Proto"] == "https"
    assert forwarded.headers["X-Forwarded-For"] == "203.0.113.7"
    assert operations.read().proxy_headers == ProxyTransport.HEADERS


# --- the operator's commands ---------------------------------------------------------------------------


def test_the_document_gives_the_commands_the_check_runs() -> None:
    documented = operations.read()

    assert [command[1:] for command in documented.install] == [
        ("migrate", "--noinput"),
        ("createcachetable",),
        ("collectstatic", "--noinput"),
        ("check", "--deploy"),
    ]
    assert documented.first_run[1:3] == ("setup", "--noinput")
    assert documented.first_run[-2:] == ("--password-file", "-")
    assert documented.web[1] == "ameliora.wsgi"
    assert int(documented.web[documented.web.index("--workers") + 1]) > 1
    assert documented.web[documented.web.index("--bind") + 1].startswith("127.0.0.1:")
    assert documented.worker[1:3] == ("worker", "--interval")
    assert documented.env["DEBUG"] == "False"
    assert documented.env["TRUSTED_PROXY_COUNT"] == "1"


def test_a_document_without_the_web_unit_is_refused() -> None:
    text = operations.OPERATIONS_DOC.read_text(encoding="utf-8").replace("ameliora-web.service`", "web.service`")

    with pytest.raises(operations.DocumentShapeError, match=re.escape("ameliora-web.service")):
        operations.parse(text)


def fake_ameliora(tmp_path: Path, script: str) -> str:
    path = tmp_path / "ameliora"
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def deployment_running(tmp_path: Path, *commands: tuple[str, ...]) -> Deployment:
    documented = operations.read()
    replaced = operations.Operations(**{**documented.__dict__, "install": commands})
    return Deployment(replaced, env=dict(os.environ), origin=ORIGIN, port=0, redis_url="", logs=tmp_path)


def test_a_failing_collectstatic_stops_the_deployment_with_its_output(tmp_path: Path) -> None:
    command = fake_ameliora(tmp_path, "echo \"The file 'x.js.map' could not be found\" >&2; exit 1")
    deployment = deployment_running(tmp_path, (command, "collectstatic", "--noinput"))

    with pytest.raises(DeploymentError, match=re.escape("could not be found")):
        run_install_commands(deployment)


def test_a_check_deploy_with_warnings_stops_the_deployment(tmp_path: Path) -> None:
    command = fake_ameliora(tmp_path, 'echo "System check identified some issues:"; echo "WARNINGS: security.W004"')
    deployment = deployment_running(tmp_path, (command, "check", "--deploy"))

    with pytest.raises(DeploymentError, match="must report no issues"):
        run_install_commands(deployment)


# --- what the check must reach -------------------------------------------------------------------------


def named_routes(resolver: URLResolver, namespace: str = "", prefix: str = "") -> Iterator[tuple[str, str]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_routes(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, prefix + str(pattern.pattern)


def test_every_export_of_the_application_is_checked() -> None:
    """A new download URL (export, PDF, DOCX, XLSX, CSV, iCal, YAML, JSON) must be added to the check."""
    downloads = {
        name
        for name, route in named_routes(get_resolver())
        if re.search(r"(export/?|\.(pdf|docx|xlsx|csv|ics|yaml|json))$", route)
        and not name.startswith(("admin:", "api:"))
    }

    assert downloads == set(EXPORTS)


def test_every_public_page_is_a_route_outside_the_organizations() -> None:
    routes = dict(named_routes(get_resolver()))

    assert all(name in routes and not routes[name].startswith("o/") for name in PUBLIC_PAGES)
