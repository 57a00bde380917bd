"""An action plan from scratch: objective measured by an indicator, actions, communication, PDF with evidence."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, FilePayload, Locator, Page, expect
from pypdf import PdfReader

from ameliora.core.tests.factories import PDF_BYTES

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

OWNER = "marc.lefevre@tilleuls.test"
COLLEAGUE = "sophie.roux@tilleuls.test"
TITLE = "Sécuriser la délivrance des stupéfiants"
OBJECTIVE = "Zéro écart sur le registre des stupéfiants"
INDICATOR = "Écarts du registre des stupéfiants par mois"
EVIDENCE = "registre-controle-croise.pdf"


@pytest.fixture
def as_persona(browser: Browser, sign_in: SignIn) -> Iterator[Callable[[str], Page]]:
    """Each persona in a browser context of their own, as on different computers."""
    contexts: list[BrowserContext] = []

    def open_as(email: str) -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, email)
        return page

    yield open_as
    for context in contexts:
        context.close()


def field(page: Page, label: str) -> Locator:
    """The form field whose label is exactly `label` (a required field's label ends with an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def add_action(page: Page, title: str) -> None:
    page.get_by_role("link", name="Action", exact=True).click()
    page.get_by_label("Titre").fill(title)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("link", name=title)).to_be_visible()


def test_a_plan_goes_from_objective_to_proof(as_persona: Callable[[str], Page], tmp_path: Path) -> None:
    owner = as_persona(OWNER)
    slug = re.search(r"/o/([\w-]+)/", owner.url)
    assert slug, owner.url
    owner.goto(owner.url.split("/o/")[0] + f"/o/{slug[1]}/plans/")
    owner.get_by_role("link", name="Nouveau plan").click()
    owner.get_by_label("Titre").fill(TITLE)
    owner.get_by_label("Contexte").fill("Deux écarts relevés lors de l'inventaire annuel.")
    owner.get_by_role("button", name="Enregistrer").click()
    expect(owner.get_by_role("heading", level=1)).to_contain_text(TITLE)
    plan_url = owner.url

    # An objective, then an indicator created for it from the plan page.
    owner.get_by_role("link", name="Objectif", exact=True).click()
    field(owner, "Objectif").fill(OBJECTIVE)
    owner.get_by_label("Cible mesurable").fill("0 écart par mois")
    owner.get_by_role("button", name="Enregistrer").click()
    owner.get_by_role("link", name="Nouvel indicateur pour cet objectif").click()
    field(owner, "Nom").fill(INDICATOR)
    field(owner, "Type").select_option("count")
    owner.get_by_label("Périodicité").select_option("month")
    owner.get_by_label("Sens de l'amélioration").select_option("down")
    owner.get_by_role("button", name="Enregistrer").click()
    expect(owner.get_by_role("heading", level=1)).to_contain_text(INDICATOR)
    expect(owner.get_by_role("link", name=re.compile(OBJECTIVE))).to_be_visible()
    owner.goto(plan_url)
    expect(owner.locator("#objectives").get_by_role("link", name=INDICATOR)).to_be_visible()

    # Two actions; one is done, with its proof attached.
    add_action(owner, "Double signature à chaque délivrance")
    add_action(owner, "Contrôle croisé mensuel du registre")
    owner.get_by_role("link", name="Contrôle croisé mensuel du registre").click()
    evidence: FilePayload = {"name": EVIDENCE, "mimeType": "application/pdf", "buffer": PDF_BYTES}
    field(owner, "Fichier").set_input_files(files=[evidence])
    owner.get_by_role("button", name="Joindre").click()
    expect(owner.get_by_role("link", name=EVIDENCE)).to_be_visible()
    owner.get_by_role("button", name="Passer à « Terminé »").click()
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Terminé")
    owner.goto(plan_url)
    expect(owner.locator("#actions")).to_contain_text("Actions : 2 — terminées : 1")

    # The team is told; a colleague acknowledges.
    owner.get_by_role("link", name="Communication", exact=True).click()
    field(owner, "Type").select_option("meeting")
    owner.get_by_label("Support").fill("Présentation de la double signature en réunion d'équipe.")
    owner.get_by_label("Sophie Roux").check()
    owner.get_by_role("button", name="Enregistrer").click()
    expect(owner.locator("#communication")).to_contain_text("0/1")

    colleague = as_persona(COLLEAGUE)
    colleague.goto(plan_url)
    colleague.get_by_role("button", name="J’étais présent·e").click()
    expect(colleague.locator("#communication")).to_contain_text("100 %")

    # The PDF carries the title and the evidence list.
    owner.reload()
    expect(owner.locator("#communication")).to_contain_text("Sophie Roux")
    owner.screenshot(path=SCREENSHOTS / "plan-story.png", full_page=True)
    owner.get_by_role("button", name="Exporter en PDF").click()
    with owner.expect_download() as download:
        owner.get_by_role("link", name=re.compile(r"^Télécharger")).click()
    pdf_path = tmp_path / "plan.pdf"
    download.value.save_as(pdf_path)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    flat = " ".join(text.split())
    assert TITLE in flat
    assert EVIDENCE in flat
    assert OBJECTIVE in flat
