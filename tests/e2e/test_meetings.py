"""A quality-circle session: planned, agenda accepted from what is waiting, attendance, a decision that lands in
the plan, minutes approved and frozen."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

FACILITATOR = "claire.moreau@coteaux.test"
DECISION = "Vérifier le bracelet avant chaque transfert"


def field(page: Page, label: str) -> Locator:
    """The form field whose label is exactly ``label`` (a required field's label ends with an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def test_a_session_is_planned_held_and_its_decision_becomes_an_action(page: Page, sign_in: SignIn) -> None:
    sign_in(page, FACILITATOR)
    page.get_by_role("link", name=re.compile(r"^Espaces d.échanges$")).first.click()
    page.get_by_role("link", name="Cercle qualité du service").click()

    # Plan one session tonight: a session is marked held on its day, never before.
    start = timezone.localtime().replace(hour=23, minute=0)
    field(page, "Première séance").fill(start.strftime("%Y-%m-%dT%H:%M"))
    field(page, "Nombre de séances").fill("1")
    page.get_by_role("button", name="Planifier les séances").click()
    expect(page.get_by_text("1 séance planifiée.")).to_be_visible()
    page.get_by_role("link", name=start.strftime("%d/%m/%Y 23:00")).click()

    # The proposed agenda lists what is waiting; accept it as proposed.
    proposals = page.locator("#agenda").get_by_role("checkbox")
    expect(proposals.first).to_be_checked()
    proposed = proposals.count()
    assert proposed > 0
    page.get_by_role("button", name="Accepter l’ordre du jour proposé").click()
    expect(page.locator("#agenda ol li")).to_have_count(proposed)

    # Attendance: everyone present but one, excused.
    attendance = page.locator("#attendance")
    attendance.get_by_role("group", name="Emma Blanc").get_by_label("Excusé·e").check()
    for name in ("Claire Moreau", "Julien Faure", "Nadia Haddad", "Thomas Girard"):
        attendance.get_by_role("group", name=name).get_by_label("Présent·e").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présences enregistrées.")).to_be_visible()

    # A decision, with its owner: it becomes an action of the circle's plan.
    decisions = page.locator("#decisions")
    field(page, "Décision").fill(DECISION)
    decisions.get_by_label("Responsable").select_option(label="Nadia Haddad")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée comme action du plan QSE-2026.")).to_be_visible()
    session_url = page.url

    page.locator("#decisions").get_by_role("link", name="Action du plan QSE-2026").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(DECISION)
    expect(page.get_by_role("link", name="QSE-2026", exact=True)).to_be_visible()

    # The session is held; its minutes are approved and then frozen.
    page.goto(session_url)
    page.get_by_role("button", name="Passer à « Tenue »").click()
    page.get_by_role("button", name="Valider le compte rendu").click()
    expect(page.get_by_text("Compte rendu validé et envoyé aux participants")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer la décision")).to_have_count(0)
    expect(page.locator("#attendance")).to_contain_text("Emma Blanc — Excusé·e")
    page.screenshot(path=SCREENSHOTS / "meeting-session.png", full_page=True)
