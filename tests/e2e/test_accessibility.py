"""RGAA 4 / WCAG 2.1 AA: axe-core over every persona's main pages and every public page.

Each demo persona whose roles differ from the ones already seen signs in; the test audits their dashboard,
the home page of every module the dashboard offers and, for the organization's first persona (who may
see everything), up to three detail pages per module (the first link of each kind on the module's home).
The public pages are audited without an account. One demo and one browser serve the whole test; every
finding is written to ``test-artifacts/accessibility.txt`` and the serious or critical ones fail the test,
listed by page with the elements at fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from ameliora.core.demo import ORGANIZATIONS
from ameliora.core.models import Organization

from .accessibility import Violation, audit, install_axe, report
from .support import ROOT, SCREENSHOTS, SignIn, watch_policy_violations

pytestmark = pytest.mark.e2e

REPORT = ROOT / "test-artifacts" / "accessibility.txt"
# Detail pages: a module URL that ends on an id ("12/", "actions/12/"); never an action link.
DETAIL = re.compile(r"^(?:[a-z-]+/)?\d+/$")
NOT_FOLLOWED = re.compile(r"/(delete|remove|archive|toggle|move|install|sign|close|open)/")
DETAILS_PER_MODULE = 3
# A 360 px wide phone, and a 1280 x 900 desktop window zoomed to 200 % (the page then lays out in 640 x 450
# CSS pixels, drawn with two device pixels each: what the browser's zoom does).
SCREENS: dict[str, dict[str, Any]] = {
    "phone 360 px": {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 3, "is_mobile": True},
    "desktop at 200 %": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}
_SHAPE = """() => Array.from(document.body.querySelectorAll("*"), (e) =>
  e.tagName + "." + e.className + "|" + Array.from(e.attributes, (a) => a.name.startsWith("aria-") || a.name === "role"
    ? a.name + "=" + a.value.replace(/\\d+/g, "") : "").join("")).join("\\n")"""


@pytest.fixture
def audited(browser: Browser) -> Iterator[tuple[BrowserContext, list[str]]]:
    """A browser context whose pages carry axe-core, with the Content-Security-Policy watched as usual."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    blocked: list[str] = []
    watch_policy_violations(context, blocked)
    install_axe(context)
    yield context, blocked
    context.close()


def fail_on_blocking(violations: list[Violation], blocked: list[str], name: str) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    text = report(violations) or "No violation."
    REPORT.with_name(f"accessibility-{name}.txt").write_text(text + "\n", encoding="utf-8")
    blocking = [v for v in violations if v.blocking]
    assert not blocked, "The Content-Security-Policy blocked:\n" + "\n".join(blocked)
    assert not blocking, f"{len(blocking)} serious or critical accessibility violation(s):\n\n" + report(blocking)


def detail_links(page: Page, module_url: str) -> list[str]:
    """The first link of each kind to a detail page of the module, from its home page."""
    base = urlsplit(module_url).path
    seen: dict[str, str] = {}
    for href in page.locator("main a[href]").evaluate_all('(links) => links.map((a) => a.pathname || "")'):
        rest = href.removeprefix(base) if href.startswith(base) else ""
        if not DETAIL.match(rest) or NOT_FOLLOWED.search(href):
            continue
        seen.setdefault(re.sub(r"\d+", "N", rest), href)
    return list(seen.values())[:DETAILS_PER_MODULE]


class Auditor:
    """Audits pages once per shape: a page whose elements, classes, roles and ARIA attributes are those of a
    page already audited (the same view seen by a persona with the same permissions) is not audited again."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []
        self.shapes: set[str] = set()
        self.audited = 0

    def visit(self, page: Page, url: str, label: str) -> None:
        response = page.goto(url)
        assert response is not None
        assert response.ok, f"{label}: {url} answered {response.status}"
        shape = page.evaluate(_SHAPE)
        if shape in self.shapes:
            return
        self.shapes.add(shape)
        self.audited += 1
        self.violations += audit(page, label)

    def persona(self, page: Page, base: str, label: str, *, with_details: bool) -> None:
        self.visit(page, page.url, f"{label} · dashboard")
        modules = page.locator("main .module-card a[href]").evaluate_all("(links) => links.map((a) => a.href)")
        for module_url in modules:
            self.visit(page, module_url, f"{label} · module")
            if with_details:
                for path in detail_links(page, module_url):
                    self.visit(page, base + path, f"{label} · detail")


def test_every_persona_s_main_pages_have_no_serious_accessibility_violation(
    audited: tuple[BrowserContext, list[str]], sign_in: SignIn, live_server: LiveServer
) -> None:
    context, blocked = audited
    auditor = Auditor()
    for spec in ORGANIZATIONS:
        seen_roles: set[tuple[str, ...]] = set()
        for number, persona in enumerate(spec.personas):
            roles = tuple(sorted(persona.roles))
            if roles in seen_roles:
                continue
            seen_roles.add(roles)
            context.clear_cookies()
            page = context.new_page()
            sign_in(page, persona.email)
            page.goto(f"{live_server.url}/o/{spec.slug}/")
            label = f"{persona.email} ({', '.join(roles)})"
            auditor.persona(page, live_server.url, label, with_details=number == 0)
            page.close()
    assert auditor.audited > 40, f"only {auditor.audited} pages audited: the crawl lost its way"
    fail_on_blocking(auditor.violations, blocked, "personas")


def reflow_problems(browser: Browser, url: str, name: str, screen: str, options: dict[str, Any]) -> list[str]:
    """What keeps a person from using the page on this screen: a horizontal scroll (WCAG 1.4.10), or a submit
    button that cannot be brought into view and pressed."""
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(url)
    problems = []
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width[0] > width[1]:
        problems.append(f"{name} ({screen}): {width[0]} px wide content in a {width[1]} px wide window")
    buttons = page.locator("main form button[type=submit]")
    if buttons.count():
        button = buttons.last
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        on_top = button.evaluate(
            "(b) => { const r = b.getBoundingClientRect();"
            " return b.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }"
        )
        if box is None or box["x"] < 0 or box["x"] + box["width"] > width[1] or not on_top:
            problems.append(f"{name} ({screen}): the submit button is out of reach ({box})")
    SCREENSHOTS.joinpath("accessibility").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "accessibility" / f"{name.replace(' ', '-')}-{screen.split(maxsplit=1)[0]}.png")
    context.close()
    return problems


def test_every_public_page_passes_axe_and_reflows_on_a_phone_and_at_200_percent_zoom(
    audited: tuple[BrowserContext, list[str]], browser: Browser, demo: dict[str, Organization], live_server: LiveServer
) -> None:
    from ameliora.events.models import EventSettings
    from ameliora.surveys.models import Campaign

    context, blocked = audited
    page = context.new_page()
    declaration = EventSettings.objects.filter(organization__slug="cpts-lauragais-sud").get()
    campaign = Campaign.objects.filter(status=Campaign.Status.OPEN).order_by("pk").first()
    assert campaign is not None, "the demo has an open survey campaign"
    pages = {
        "sign-in": "/accounts/login/",
        "password reset": "/accounts/password/reset/",
        "declare an event": f"/declarer/{declaration.public_key}/",
        "follow a declaration": "/suivi/",
        "lessons learned": f"/retours/{declaration.public_key}/",
        "answer a survey": f"/enquete/{campaign.public_key}/",
    }
    violations: list[Violation] = []
    problems: list[str] = []
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.ok, f"{name}: {path} answered {response.status}"
        violations += audit(page, f"public · {name}")
        for screen, options in SCREENS.items():
            problems += reflow_problems(browser, live_server.url + path, name, screen, options)
    assert not problems, "\n".join(problems)
    fail_on_blocking(violations, blocked, "public")
