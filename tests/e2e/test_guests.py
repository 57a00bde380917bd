"""Shared spaces and users' representatives, in the browser.

A general practitioner of the CPTS, guest of the hospital's city-hospital RMM, opens the shared session
(the case de-identified), confirms their attendance at the next one, and meets a 404 on any other page of
the hospital. A users' representative of the care service opens their view from the dashboard and meets
the styled refusal on a module their role does not open.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

GUEST = "antoine.perrin@lauragais.test"
REPRESENTATIVE = "martine.bertrand@coteaux.test"


def test_a_guest_from_another_organization_attends_the_shared_rmm_and_reaches_nothing_else(
    page: Page, sign_in: SignIn, live_server: LiveServer
) -> None:
    sign_in(page, GUEST)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="RMM ville-hôpital").click()
    expect(page.get_by_role("heading", name="RMM ville-hôpital")).to_be_visible()
    # The navigation offers the space only: no dashboard, no module of the hospital.
    expect(page.get_by_role("link", name="Tableau de bord")).to_have_count(0)

    # The session held three weeks ago: the case is de-identified, the attendance lists members and guest.
    page.get_by_role("row").filter(has_text="Compte rendu validé").get_by_role("link").click()
    main = page.locator("main")
    expect(page.locator("#agenda")).to_contain_text("Réhospitalisation à J5")
    expect(main).not_to_contain_text("Mme R.")
    expect(main).not_to_contain_text("86 ans")
    attendance = page.locator("#attendance")
    expect(attendance).to_contain_text("Olivier Robin")
    expect(attendance).to_contain_text("Antoine Perrin")
    (SCREENSHOTS / "guests").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "guests" / "guest-session.png", full_page=True)

    # The next session: the guest confirms they will attend.
    page.get_by_role("link", name="RMM ville-hôpital").first.click()
    page.get_by_role("row").filter(has_text="Prévu").get_by_role("link").click()
    page.get_by_label("Je serai présent(e)").check()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("Votre présence est enregistrée.")).to_be_visible()

    # Any other page of the hospital is missing to them.
    for path in ("", "meetings/", "events/", "reports/"):
        response = page.goto(f"{live_server.url}/o/ch-villefranche-medecine/{path}")
        assert response is not None
        assert response.status == 404
        expect(page.get_by_role("heading", name="Cette page est introuvable")).to_be_visible()


def test_a_users_representative_opens_their_view_and_meets_a_styled_refusal_elsewhere(
    page: Page, sign_in: SignIn, live_server: LiveServer
) -> None:
    sign_in(page, REPRESENTATIVE)
    page.get_by_role("link", name="Ouvrir la vue des représentants des usagers").click()
    expect(page.get_by_role("heading", name=re.compile("^Vue des représentants des usagers"))).to_be_visible()
    table = page.get_by_role("table", name=re.compile("par catégorie et gravité"))
    expect(table).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Lire le bilan qualité annuel"))).to_be_visible()
    # The modules menu offers only what the role opens: no adverse events module.
    modules = page.get_by_role("navigation", name=re.compile("^Modules"))
    expect(modules.get_by_role("link", name="Événements indésirables")).to_have_count(0)
    (SCREENSHOTS / "guests").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "guests" / "representative-view.png", full_page=True)

    response = page.goto(f"{live_server.url}/o/service-des-coteaux/events/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Cette page n’est pas ouverte à vos rôles")).to_be_visible()
    expect(page.get_by_role("link", name="Revenir en arrière")).to_be_visible()
