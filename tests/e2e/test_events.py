"""A professional without an account declares a case to the CPTS quality cell, the cell triages it into
level 2, is reminded of the check-back, analyses the case and opens an action in a plan, then answers; the
professional reads the answer with the tracking code alone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

CPTS = "cpts-lauragais-sud"
CELL_PILOT = "isabelle.caron@lauragais.test"


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Separate browser contexts: the reporter and the cell never share cookies."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_a_public_declaration_is_triaged_answered_and_read_back_with_its_tracking_code(
    new_page: Callable[[], Page], sign_in: SignIn, live_server: LiveServer
) -> None:
    from ameliora.events.models import Event, EventSettings
    from ameliora.events.reminders import remind_check_backs

    key = EventSettings.objects.get(organization__slug=CPTS).public_key
    reporter = new_page()
    reporter.goto(f"{live_server.url}/declarer/{key}/")
    when = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    reporter.fill("#id_occurred_at", when)
    reporter.select_option("#id_category", index=1)
    reporter.fill("#id_description", "Sortie d'hospitalisation sans ordonnance : traitement interrompu deux jours.")
    reporter.check("input[name=affected][value=patient]")
    reporter.check("#id_charter_accepted")
    reporter.locator("form button[type=submit]").last.click()
    code = reporter.inner_text("#tracking-code").strip()
    assert len(code.replace("-", "")) >= 20
    event = Event.objects.order_by("-pk").first()
    assert event is not None
    assert event.description.startswith("Sortie d'hospitalisation")

    cell = new_page()
    sign_in(cell, CELL_PILOT)
    cell.goto(f"{live_server.url}{event.get_absolute_url()}")
    cell.select_option("#id_severity", "3")
    cell.select_option("#id_likelihood", "3")
    cell.check("input[name=level][value='2']")
    cell.click("form[action$='/triage/'] button[type=submit]")
    expect(cell.locator("#event-status")).to_have_text("Trié")
    event.refresh_from_db()
    assert event.level == 2
    assert event.check_back_due == timezone.localdate() + timedelta(days=15)

    # Fifteen days later the daily reminders tell the handler the check-back is due.
    Event.objects.filter(pk=event.pk).update(check_back_due=timezone.localdate())
    assert remind_check_backs() == 1
    cell.goto(f"{live_server.url}/o/{CPTS}/")
    expect(cell.get_by_role("link", name=f"Rappel prévu aujourd'hui pour {event.reference}")).to_be_visible()

    # The analysis: a fact of the chronology, then a decision that opens an action in the year's plan.
    cell.goto(f"{live_server.url}{event.get_absolute_url()}")
    cell.get_by_text("Ajouter un fait").click()
    chronology = cell.locator("form[action$='/chronology/']")
    chronology.locator("[name=happened_at]").fill(when)
    chronology.locator("[name=description]").fill("Sortie un vendredi soir, courrier non transmis à l'officine.")
    chronology.locator("button[type=submit]").click()
    expect(cell.locator("#chronology")).to_contain_text("courrier non transmis")
    cell.get_by_text("Enregistrer une décision").click()
    decision = cell.locator("form[action$='/decisions/']")
    decision.locator("[name=text]").fill("Fiche de liaison pour les sorties du vendredi")
    decision.locator("button[type=submit]").click()
    cell.get_by_role("link", name=re.compile(r"^Action du plan PAQ-EI-")).click()
    expect(cell.get_by_role("heading", level=1)).to_contain_text("Fiche de liaison pour les sorties du vendredi")

    cell.goto(f"{live_server.url}{event.get_absolute_url()}")
    cell.fill("#feedback #id_feedback_message", "Merci : vous êtes orienté vers l'infirmière coordinatrice.")
    cell.click("#feedback button[type=submit]")

    reporter.goto(f"{live_server.url}/suivi/")
    reporter.fill("#id_code", code)
    reporter.locator("form button[type=submit]").last.click()
    expect(reporter.get_by_text("vous êtes orienté vers l'infirmière coordinatrice")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reporter.screenshot(path=SCREENSHOTS / "event-tracking.png", full_page=True)


CELL_MEMBER = "louise.fontaine@lauragais.test"
SEED_LESSON = "Mme D., 84 ans, rentrée un vendredi soir au 5 rue des Lilas à Nailloux sans transmission."
CLEAN_LESSON = "Une patiente âgée est rentrée un vendredi soir sans transmission à l'infirmière libérale."


def test_a_lesson_with_an_address_is_blocked_until_edited_then_approved_by_the_pilot(
    live_server: LiveServer, new_page: Callable[[], Page], sign_in: SignIn
) -> None:
    from django.urls import reverse

    from ameliora.events.models import Event

    case = Event.objects.filter(organization__slug=CPTS, level=1).get()
    url = f"{live_server.url}{case.get_absolute_url()}"
    cell = new_page()
    sign_in(cell, CELL_MEMBER)
    cell.goto(url + "#library")
    form = cell.locator("#library form").last
    form.locator("[name=summary_title]").fill("Retour à domicile sans lettre de liaison")
    form.locator("[name=summary]").fill(SEED_LESSON)
    form.locator("[name=audience][value=territory]").check()
    form.get_by_role("button", name="Publier").click()

    expect(cell.get_by_text("données identifiantes")).to_be_visible()
    expect(cell.get_by_text("« 5 rue des Lilas »")).to_be_visible()
    cell.get_by_text("données identifiantes").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cell.screenshot(path=str(SCREENSHOTS / "lesson-blocked.png"))

    form = cell.locator("#library form").last
    form.locator("[name=summary]").fill(CLEAN_LESSON)
    form.get_by_role("button", name="Publier").click()
    expect(cell.get_by_text(re.compile("^Proposé au territoire"))).to_be_visible()
    public = live_server.url + reverse(
        "events_public:library", kwargs={"public_key": case.organization.event_settings.public_key}
    )
    cell.goto(public)
    expect(cell.get_by_text("Retour à domicile sans lettre de liaison")).to_have_count(0)

    pilot = new_page()
    sign_in(pilot, CELL_PILOT)
    pilot.goto(url + "#library")
    pilot.get_by_role("button", name="Approuver pour la bibliothèque publique").click()
    visitor = new_page()
    visitor.goto(public)
    expect(visitor.get_by_text("Retour à domicile sans lettre de liaison")).to_be_visible()
