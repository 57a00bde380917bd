"""A self-assessment campaign with two respondents, closed, read as a radar, and turned into a plan."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

MANAGER = "marc.lefevre@tilleuls.test"
FIRST = ("sophie.roux@tilleuls.test", "Sophie Roux", "MO. Management et organisation")
SECOND = ("karim.benali@tilleuls.test", "Karim Benali", "PD. Prise en charge du patient et dispensation")
CAMPAIGN = "Auto-évaluation de mi-stage"
PLAN = "Plan issu de l'auto-évaluation de mi-stage"


@pytest.fixture
def as_persona(browser: Browser, sign_in: SignIn) -> Iterator[Callable[[str], Page]]:
    """Each persona in a browser context of their own, as on different computers."""
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


def card(page: Page, code: str) -> Locator:
    return page.locator("article", has=page.get_by_role("heading", name=re.compile(rf"^{re.escape(code)} ")))


def answer(page: Page, code: str, value: str) -> None:
    criterion = card(page, code)
    criterion.get_by_label(value, exact=True).check()
    criterion.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(card(page, code).get_by_role("status")).to_have_text("Enregistré.")


def test_two_respondents_answer_the_campaign_is_closed_and_two_weaknesses_open_a_plan(
    as_persona: Callable[[str], Page],
) -> None:
    manager = as_persona(MANAGER)
    manager.get_by_role("link", name="Auto-évaluation").first.click()
    manager.get_by_role("link", name="Nouvelle campagne").click()
    grid = manager.get_by_role("combobox", name="Grille")
    officine = grid.locator("option", has_text="officine").first.get_attribute("value")
    assert officine
    grid.select_option(officine)
    manager.get_by_label("Nom").fill(CAMPAIGN)
    manager.get_by_label("Début de la période").fill("2026-11-01")
    manager.get_by_label("Fin de la période").fill("2026-11-30")
    manager.get_by_role("button", name="Créer").click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text(CAMPAIGN)

    for _email, name, section in (FIRST, SECOND):
        manager.get_by_label("Membre").select_option(label=name)
        manager.get_by_label(section).check()
        manager.get_by_role("button", name="Ajouter ou modifier le répondant").click()
        expect(manager.get_by_role("listitem").filter(has_text=name)).to_contain_text(section.split(".")[0])
    manager.get_by_role("button", name="Ouvrir la campagne").click()
    campaign_url = manager.url

    first = as_persona(FIRST[0])
    first.goto(campaign_url)
    first.get_by_role("link", name="Répondre").first.click()
    answer(first, "MO-01", "Oui")
    answer(first, "MO-02", "Non")

    second = as_persona(SECOND[0])
    second.goto(campaign_url)
    second.get_by_role("link", name="Répondre").first.click()
    answer(second, "PD-01", "Partiellement")
    answer(second, "PD-02", "Oui")

    manager.reload()
    expect(manager.get_by_text("4 critères renseignés sur", exact=False)).to_be_visible()
    manager.get_by_role("button", name="Clore la campagne (figer les réponses)").click()
    expect(manager.get_by_role("status")).to_contain_text("Campagne close")

    manager.get_by_role("link", name="Résultats").click()
    radar = manager.locator("svg[role=img]").first
    expect(radar).to_be_visible()
    expect(radar.locator("desc")).to_contain_text("Management et organisation")
    manager.screenshot(path=SCREENSHOTS / "assessment-results.png", full_page=True)

    manager.get_by_role("link", name="Points faibles et actions").click()
    manager.get_by_label("MO-02").check()
    manager.get_by_label("PD-01").check()
    manager.get_by_label("Titre du nouveau plan").fill(PLAN)
    manager.get_by_role("button", name="Ouvrir les actions").click()

    expect(manager.get_by_role("status")).to_contain_text("Actions ouvertes et liées à leurs critères.")
    expect(manager.get_by_role("heading", level=1)).to_contain_text(PLAN)
    actions = manager.locator("#actions")
    expect(actions.get_by_text(re.compile(r"^MO-02 — "))).to_be_visible()
    expect(actions.get_by_text(re.compile(r"^PD-01 — "))).to_be_visible()
    manager.screenshot(path=SCREENSHOTS / "assessment-plan.png", full_page=True)
