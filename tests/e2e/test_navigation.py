"""Finding one's way on a phone: open the menu, search the organization, open a result; a refusal page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from .support import SCREENSHOTS, SignIn, watch_policy_violations

pytestmark = pytest.mark.e2e

PHARMACY = "pharmacie-des-tilleuls"
PREPARER = "sophie.roux@tilleuls.test"


def test_on_a_phone_the_menus_open_and_a_search_leads_to_the_record(
    browser: Browser, sign_in: SignIn, live_server: LiveServer, policy_violations: list[str]
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 780})
    watch_policy_violations(context, policy_violations)
    phone = context.new_page()
    try:
        sign_in(phone, PREPARER)
        expect(phone).to_have_url(re.compile(rf"/o/{PHARMACY}/$"))

        # The modules are behind their own button on a narrow screen; Bootstrap's collapse opens them.
        modules = phone.get_by_role("navigation", name="Modules de Pharmacie des Tilleuls")
        expect(modules.get_by_role("link", name="Plans d'action")).to_be_hidden()
        modules.get_by_role("button", name="Modules").click()
        expect(modules.get_by_role("link", name="Plans d'action")).to_be_visible()
        expect(modules.get_by_role("link", name="Rapports")).to_have_count(0)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=SCREENSHOTS / "navigation-phone.png", full_page=True)

        # The main menu holds the search box.
        main = phone.get_by_role("navigation", name="Navigation principale")
        main.get_by_role("button", name="Afficher le menu").click()
        search = main.get_by_role("searchbox", name="Rechercher dans l’organisation")
        expect(search).to_be_visible()
        search.fill("double contrôle")
        search.press("Enter")

        expect(phone.get_by_role("heading", level=1)).to_have_text("Rechercher")
        results = phone.locator("main .list-group-item a")
        expect(results.first).to_be_visible()
        first = results.first.inner_text()
        results.first.click()
        expect(phone).not_to_have_url(re.compile(r"/search/"))
        expect(phone.locator("main")).to_contain_text(first.split(" — ")[0])
    finally:
        context.close()
    assert not policy_violations


def test_a_refused_page_explains_and_leads_back(page: Page, sign_in: SignIn, live_server: LiveServer) -> None:
    sign_in(page, PREPARER)
    page.goto(f"{live_server.url}/o/{PHARMACY}/reports/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Cette page n’est pas ouverte à vos rôles")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "refusal.png", full_page=True)
    page.get_by_role("link", name="Revenir en arrière").click()
    expect(page).to_have_url(re.compile(rf"/o/{PHARMACY}/$"))
