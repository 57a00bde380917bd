"""The intern's REX: self-critique submitted, debrief written and signed by both, dossier downloaded."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

LEARNER = "lucas.martin@tilleuls.test"
SUPERVISOR = "anne.dubois@tilleuls.test"
TITLE = "Retour d’expérience : la gestion des promis"
ANSWERS = {
    "Qu’est-ce que je savais ?": "Le circuit des promis, vu en cours.",
    "Qu’est-ce que j’aurais eu besoin de savoir ?": "Comment relancer un grossiste.",
    "Qu’ai-je bien réussi ? De quoi suis-je satisfait ?": "Le cahier des promis est utilisé.",
    "Qu’est-ce que j’ai moins bien réussi ? Quelles ont été mes difficultés, et pourquoi ?": "Le suivi le samedi.",
    "Que dois-je améliorer dans mes connaissances, mon savoir-faire et mon savoir-être, et comment y parvenir ?": (
        "Oser relancer l’équipe."
    ),
    "En quoi ai-je progressé à l’issue de cette situation d’apprentissage ?": "Je conduis un petit plan seul.",
}


@pytest.fixture
def as_persona(browser: Browser, sign_in: SignIn) -> Iterator[Callable[[str], Page]]:
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


def test_the_learner_submits_the_supervisor_signs_the_learner_downloads_the_dossier(
    as_persona: Callable[[str], Page],
) -> None:
    learner = as_persona(LEARNER)
    slug = re.search(r"/o/([\w-]+)/", learner.url)
    assert slug, learner.url
    base = learner.url.split("/o/")[0] + f"/o/{slug[1]}/learning/"
    learner.goto(base)
    learner.get_by_role("link", name="Nouvelle situation d’apprentissage").click()
    learner.get_by_label("Titre").fill(TITLE)
    learner.get_by_label("Maître de stage").select_option(label="Anne Dubois")
    learner.get_by_label("Campagne d’auto-évaluation").select_option(
        label="Auto-évaluation DQO — premier mois de stage"
    )
    learner.get_by_label(re.compile("^PAQ-TIL-01")).check()
    learner.get_by_role("button", name="Enregistrer").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(TITLE)
    situation_url = learner.url

    # A first draft, then the complete self-critique, submitted.
    learner.get_by_role("link", name="Rédiger mon autocritique").click()
    first_question = next(iter(ANSWERS))
    learner.get_by_label(first_question).fill(ANSWERS[first_question])
    learner.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(learner.get_by_text("Brouillon enregistré.")).to_be_visible()
    learner.get_by_role("link", name="Rédiger mon autocritique").click()
    for question, answer in ANSWERS.items():
        learner.get_by_label(question).fill(answer)
    learner.get_by_role("button", name="Soumettre à mon maître de stage").click()
    expect(learner.get_by_text("Autocritique soumise.")).to_be_visible()
    expect(learner.get_by_role("link", name="Rédiger mon autocritique")).to_have_count(0)

    # The supervisor writes the debrief and signs it.
    supervisor = as_persona(SUPERVISOR)
    supervisor.goto(situation_url)
    supervisor.get_by_role("link", name="Rédiger le débriefing").click()
    supervisor.get_by_label("Regard du maître de stage").fill("Autocritique lucide ; le samedi reste à organiser.")
    supervisor.get_by_label("Objectifs de progression convenus ensemble").fill("Aucun promis oublié sur un mois.")
    supervisor.get_by_label("Moyens pour les atteindre").fill("Point du lundi avec Karim.")
    supervisor.get_by_role("button", name="Enregistrer").click()
    supervisor.get_by_role("button", name="Signer le débriefing en tant que maître de stage").click()
    expect(supervisor.get_by_text("Débriefing signé.")).to_be_visible()

    # The learner signs in turn (the situation freezes) and downloads the dossier.
    learner.goto(situation_url)
    learner.get_by_role("button", name="Signer le débriefing en tant qu’apprenant").click()
    expect(learner.get_by_text("Débriefing signé : la situation est désormais figée.")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    learner.screenshot(path=SCREENSHOTS / "learning-situation.png", full_page=True)
    learner.get_by_role("button", name="Dossier (PDF)").click()  # a background job: its page shows progress
    with learner.expect_download() as download_info:
        learner.get_by_role("link", name=re.compile(r"^Télécharger rex-")).click(timeout=60_000)
    path = download_info.value.path()
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for section in (
        "Dossier de retour d’expérience",
        "1. Résultats de l’auto-évaluation",
        "2. Plans d’action d’amélioration",
        "a. Objectifs qualité",
        "g. Révisions : axes d’amélioration",
        "3. Autocritique",
        "Le cahier des promis est utilisé.",
        "4. Débriefing avec le maître de stage",
        "Signé par le maître de stage, Anne Dubois",
        "5. Compétences mobilisées",
    ):
        assert section in text, section
    assert len(reader.pages) >= 3
