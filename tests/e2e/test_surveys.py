"""A quality manager builds a short survey, two people answer it from the public link on their phones
(the first forgets a required answer and keeps what they typed), and the manager reads the results."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

MANAGER = "isabelle.caron@lauragais.test"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[[ViewportSize], Page]]:
    """Fresh browser contexts: the manager's computer and each respondent's phone share no cookie."""
    contexts: list[BrowserContext] = []

    def make(viewport: ViewportSize) -> Page:
        context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 500)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def add_question(page: Page, kind: str, text: str, *, required: bool = False, **extra: str) -> None:
    page.select_option("#id_kind", kind)
    page.fill("#id_text", text)
    if required:
        page.check("#id_required")
    if "choices" in extra:
        page.fill("#id_choices_text", extra["choices"])
    if "condition" in extra:
        page.select_option("#id_condition_question", label=extra["condition"])
        page.fill("#id_condition_value", extra["value"])
    page.get_by_role("button", name="Ajouter la question").click()
    expect(page.locator(".list-group-item", has_text=text)).to_be_visible()


def test_a_survey_is_built_answered_twice_on_phones_and_read(
    new_context: Callable[[ViewportSize], Page], sign_in: SignIn
) -> None:
    manager = new_context(DESKTOP)
    sign_in(manager, MANAGER)
    slug = re.search(r"/o/([\w-]+)/", manager.url)
    base = manager.url.split("/o/")[0]
    organization = slug.group(1) if slug else "cpts-lauragais-sud"
    manager.goto(f"{base}/o/{organization}/surveys/")
    manager.get_by_role("link", name="Nouveau questionnaire").click()
    manager.fill("#id_title", "Soirée d’échanges REX")
    manager.get_by_role("button", name="Créer").click()

    add_question(manager, "likert", "La soirée m’a été utile.", required=True)
    add_question(manager, "yes_no", "Reviendrez-vous ?")
    add_question(manager, "long_text", "Pourquoi pas ?", condition="Reviendrez-vous ?", value="Non")
    add_question(manager, "number", "Années d’exercice")
    manager.get_by_role("button", name="Publier").click()
    manager.get_by_role("link", name="Nouvelle campagne").click()
    # The public page takes answers only within the period: one that includes today.
    today = timezone.localdate()
    manager.fill("#id_period_start", (today - timedelta(days=30)).isoformat())
    manager.fill("#id_period_end", (today + timedelta(days=30)).isoformat())
    manager.fill("#id_audience_size", "10")
    manager.get_by_role("button", name="Enregistrer").click()
    manager.get_by_role("button", name="Ouvrir la campagne").click()
    public_url = manager.inner_text("#public-url").strip()
    assert "/enquete/" in public_url

    first = new_context(PHONE)
    first.goto(public_url)
    expect(first.get_by_text("Pourquoi pas ?")).to_be_hidden()  # shown only after "Non"
    first.get_by_label("Non", exact=True).check()
    expect(first.get_by_text("Pourquoi pas ?")).to_be_visible()
    first.get_by_label("Pourquoi pas ?").fill("Trop tard le soir <script>alert(1)</script>")
    first.get_by_role("button", name="Envoyer mes réponses").click()
    expect(first.get_by_text("Cette question attend une réponse.")).to_be_visible()
    expect(first.get_by_label("Pourquoi pas ?")).to_have_value("Trop tard le soir <script>alert(1)</script>")
    first.screenshot(path=SCREENSHOTS / "surveys-public-missing-answer.png", full_page=True)
    first.get_by_label("Plutôt d’accord", exact=True).check()
    first.get_by_role("button", name="Envoyer mes réponses").click()
    expect(first.get_by_role("heading", name="Merci pour vos réponses")).to_be_visible()
    first.goto(public_url)
    expect(first.get_by_text("Cet appareil a déjà répondu")).to_be_visible()

    second = new_context(PHONE)
    second.goto(public_url)
    second.get_by_label("Tout à fait d’accord", exact=True).check()
    second.get_by_label("Oui", exact=True).check()
    second.get_by_label("Années d’exercice").fill("12")
    second.get_by_role("button", name="Envoyer mes réponses").click()
    expect(second.get_by_role("heading", name="Merci pour vos réponses")).to_be_visible()
    second.screenshot(path=SCREENSHOTS / "surveys-public-thanks.png", full_page=True)

    manager.get_by_role("link", name="Résultats").first.click()
    expect(manager.locator("#response-count")).to_have_text("2")
    expect(manager.get_by_text("Trop tard le soir <script>alert(1)</script>")).to_be_visible()
    expect(manager.locator("svg.sv-bars title", has_text="Plutôt d’accord").first).to_be_attached()
    expect(manager.get_by_text("100 %").first).to_be_visible()  # both agree
    manager.screenshot(path=SCREENSHOTS / "surveys-results.png", full_page=True)
