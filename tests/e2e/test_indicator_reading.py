"""The pharmacy's weekly labelling errors fell from about 6 to about 1.5, with no phase marked: the page
says where the run is, proposes the phase, and once accepted compares before and after."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ameliora.indicators.demo import DEMO_CHANGE_POINT, LABELLING_ERRORS
from ameliora.indicators.models import Indicator
from ameliora.indicators.periods import shift_period

from .support import SignIn

pytestmark = pytest.mark.e2e

PHARMACY = "pharmacie-des-tilleuls"
PHARMACIST = "helene.garnier@tilleuls.test"


def test_the_page_reads_the_shift_proposes_the_phase_and_compares_once_accepted(
    page: Page, sign_in: SignIn, live_server: LiveServer
) -> None:
    indicator = Indicator.objects.get(organization__slug=PHARMACY, name=DEMO_CHANGE_POINT)
    first = indicator.measurements.order_by("period_start").values_list("period_start", flat=True)[0]
    ninth = shift_period(first, "week", 8)
    last = shift_period(first, "week", len(LABELLING_ERRORS) - 1)
    sign_in(page, PHARMACIST)
    page.goto(f"{live_server.url}{indicator.get_absolute_url()}")

    conclusion = page.locator("section[aria-labelledby=conclusion-title]")
    expect(conclusion).to_contain_text(
        "Changement durable dans le bon sens : 8 points consécutifs sous la moyenne (3,88), "
        f"du {ninth:%d/%m/%y} au {last:%d/%m/%y}."
    )
    expect(conclusion).to_contain_text(f"Niveau actuel : 1,5 erreurs depuis {ninth:%d/%m/%y}.")
    expect(conclusion).not_to_contain_text("16 points")
    proposal = page.locator("#suggested-phase")
    expect(proposal).to_contain_text(f"Phase proposée à partir du {ninth:%d/%m/%Y}")

    proposal.get_by_label("Qu’est-ce qui a changé à ce moment-là ?").fill("Double vérification des piluliers")
    proposal.get_by_role("button", name="Accepter cette phase").click()

    expect(page.locator("#suggested-phase")).to_have_count(0)
    expect(page.get_by_text(f"À partir du {ninth:%d/%m/%Y} : Double vérification des piluliers")).to_be_visible()
    card = page.locator("section[aria-labelledby=ba-title]")
    expect(card).to_contain_text("6,25")
    expect(card).to_contain_text("1,5")
    expect(card).to_contain_text(re.compile(r"-76\s%"))
    expect(conclusion).to_contain_text(f"Amélioration significative depuis le {ninth:%d/%m/%Y}")
