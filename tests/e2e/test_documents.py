"""A procedure's new version goes through review, approval and publication, then a colleague reads it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

REVIEWER = "anne.dubois@tilleuls.test"
APPROVER = "helene.garnier@tilleuls.test"
READER = "sophie.roux@tilleuls.test"


@pytest.fixture
def as_persona(browser: Browser, sign_in: SignIn) -> Iterator[Callable[[str], Page]]:
    """Each persona in a browser context of their own, as on three different computers."""
    contexts: list[BrowserContext] = []

    def open_as(email: str) -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, email)
        return page

    yield open_as
    for context in contexts:
        context.close()


def open_procedure(page: Page) -> None:
    page.get_by_role("link", name="Documents").first.click()
    page.get_by_role("link", name="Double contrôle de la dispensation", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Double contrôle de la dispensation")


def test_a_new_version_is_reviewed_approved_published_and_acknowledged(as_persona: Callable[[str], Page]):
    reviewer = as_persona(REVIEWER)
    open_procedure(reviewer)
    reviewer.get_by_role("link", name="Version 2 (En relecture)").click()
    reviewer.get_by_label("Commentaire").fill("Périmètre pédiatrique validé.")
    reviewer.get_by_role("button", name="Je valide").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Votre relecture est enregistrée.")

    approver = as_persona(APPROVER)
    open_procedure(approver)
    approver.get_by_role("link", name="Version 2 (En relecture)").click()
    approver.get_by_role("button", name="Approuver la version").click()
    expect(approver.get_by_role("status")).to_contain_text("Version approuvée")
    approver.get_by_role("link", name="Publier cette version").click()
    approver.get_by_role("checkbox", name="Membre", exact=True).check()
    approver.get_by_role("button", name="Mettre en vigueur").click()
    expect(approver.get_by_role("status")).to_contain_text("Version en vigueur.")
    expect(approver.get_by_role("heading", name="Version 2 en vigueur")).to_be_visible()

    reader = as_persona(READER)
    reader.get_by_role("link", name="Documents").first.click()
    to_read = reader.locator("section", has=reader.get_by_role("heading", name="À lire"))
    to_read.get_by_role("link", name="PR-DISP-01 — Double contrôle de la dispensation").click()
    reader.get_by_role("button", name="Je l'ai lue").click()
    expect(reader.get_by_role("status")).to_contain_text("Merci : votre lecture est enregistrée.")

    approver.reload()
    expect(approver.get_by_text("Sophie Roux", exact=False).first).to_be_visible()
    readers = approver.locator("section", has=approver.get_by_role("heading", name="Accusés de lecture"))
    expect(readers).to_contain_text("1 des 4 personnes sollicitées l’ont lue (25 %).")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    approver.screenshot(path=SCREENSHOTS / "document.png", full_page=True)
