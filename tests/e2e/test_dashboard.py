"""Signing in, the organization dashboard, the language, keyboard access: what a member sees."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ameliora.core.models import Membership
from ameliora.core.navigation import MODULES
from ameliora.core.permissions import can

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

PHARMACY = "pharmacie-des-tilleuls"
PREPARER = "sophie.roux@tilleuls.test"


def test_a_pharmacy_member_signs_in_and_sees_the_dashboard_of_her_organization(page: Page, sign_in: SignIn):
    sign_in(page, PREPARER)

    expect(page).to_have_url(re.compile(rf"/o/{PHARMACY}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pharmacie des Tilleuls")
    cards = page.locator(".module-card")
    preparer = Membership.objects.get(user__email=PREPARER, organization__slug=PHARMACY)
    offered = [module for module in MODULES if can(preparer, f"{module.key}.view")]
    assert [module.key for module in MODULES if module not in offered] == ["reports"]
    expect(cards).to_have_count(len(offered))
    with translation.override("fr"):
        labels = [str(module.label) for module in offered]
    for label in labels:
        expect(cards.filter(has_text=label)).to_have_count(1)
    expect(cards.filter(has_text="Rapports")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=True)
    assert (SCREENSHOTS / "dashboard.png").stat().st_size > 0


def test_pages_are_in_french_by_default_and_the_user_menu_switches_them_to_english(page: Page, sign_in: SignIn):
    sign_in(page, PREPARER)

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link", name="Tableau de bord")).to_be_visible()

    page.locator("#user-menu").click()
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/o/{PHARMACY}/$"))
    navigation = page.get_by_role("navigation", name="Main navigation")
    expect(navigation.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Your quality approach")).to_be_visible()

    # The choice sticks: the next page is in English too.
    navigation.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_first_tab_focuses_the_skip_link_which_leads_to_the_main_content(
    page: Page, sign_in: SignIn, live_server: LiveServer
):
    sign_in(page, PREPARER)
    page.goto(f"{live_server.url}/o/{PHARMACY}/")

    page.keyboard.press("Tab")

    skip_link = page.get_by_role("link", name="Aller au contenu principal")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # hidden until focused, visible once it is
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
