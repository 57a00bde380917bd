"""An audit is set up, its cases typed from the keyboard alone, and its compliance read back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

OWNER = "marc.lefevre@tilleuls.test"


def field(page: Page, label: str) -> Locator:
    """The form field whose label is exactly ``label`` (a required field's label ends with an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def record_case(page: Page, label: str, answers: list[str]) -> None:
    """Type a case: its label, then per criterion Tab into the group and the arrows to the answer, Enter to record."""
    expect(field(page, "Cas")).to_be_focused()
    page.keyboard.type(label)
    for answer in answers:
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # the first choice, "Oui"
        for _ in range(["Oui", "Non", "NA"].index(answer)):
            page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Cas « {label} » enregistré.")).to_be_visible()


def test_an_audit_is_typed_from_the_keyboard_and_its_compliance_computed(page: Page, sign_in: SignIn) -> None:
    sign_in(page, OWNER)
    page.goto(page.url.split("/o/")[0] + "/o/pharmacie-des-tilleuls/evaluations/")
    page.get_by_role("link", name="Nouvelle évaluation").click()
    field(page, "Titre").fill("Étiquetage des préparations")
    field(page, "Critères").fill("Le numéro de lot est sur l'étiquette\nLa date limite est sur l'étiquette")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Passer à « Recueil en cours »").click()

    record_case(page, "Préparation 1", ["Oui", "Oui"])
    record_case(page, "Préparation 2", ["Oui", "Non"])
    record_case(page, "Préparation 3", ["Non", "NA"])

    results = page.locator("#results")
    expect(results).to_contain_text("3 cas observés")
    rows = results.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("66,7 %")
    expect(rows.nth(2)).to_contain_text("50,0 %")
    page.screenshot(path=SCREENSHOTS / "audit.png", full_page=True)


def test_a_refused_case_shows_its_errors_in_place_and_keeps_what_was_typed(page: Page, sign_in: SignIn) -> None:
    """The case form posts with htmx; its 422 answer is swapped in (htmx ignores 4xx unless told otherwise)."""
    sign_in(page, OWNER)
    page.goto(page.url.split("/o/")[0] + "/o/pharmacie-des-tilleuls/evaluations/")
    page.get_by_role("link", name="Nouvelle évaluation").click()
    field(page, "Titre").fill("Traçabilité des retours")
    field(page, "Critères").fill("Le retour est enregistré")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Passer à « Recueil en cours »").click()

    with page.expect_response(lambda response: response.status == 422):
        field(page, "Cas").fill("Retour 12")
        page.keyboard.press("Enter")  # no answer given to the criterion

    expect(page.get_by_text("Renseignez ce critère.")).to_be_visible()
    expect(field(page, "Cas")).to_have_value("Retour 12")
    expect(page.locator("#results")).to_contain_text("0 cas observé")
