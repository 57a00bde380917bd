"""Keyboard only (RGAA 12, WCAG 2.1.1 and 2.4.7): the four main flows with Tab, Enter, Space and the arrows,
never a click, with a visible focus at every stop; the public pages start with the skip link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ameliora.core.models import Organization

from .keyboard import Action, choosing, fill_by_keyboard, pressing, typing
from .support import SignIn, watch_policy_violations

pytestmark = pytest.mark.e2e

CPTS = "cpts-lauragais-sud"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A French browser (the date-time field then takes day, month, year, hours, minutes), CSP watched."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(10_000)
    blocked: list[str] = []
    watch_policy_violations(context, blocked)
    yield context.new_page()
    context.close()
    assert not blocked, "The Content-Security-Policy blocked:\n" + "\n".join(blocked)


def skip_to_main(page: Page) -> None:
    """The first Tab reaches the skip link, Enter moves the focus to the main content."""
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu principal")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def radio_groups(page: Page, scope: str) -> list[str]:
    """The names of the visible radio groups in ``scope``, in page order."""
    names: list[str] = page.locator(f"{scope} input[type=radio]:visible").evaluate_all(
        "(inputs) => [...new Set(inputs.map((i) => i.name))]"
    )
    return names


def test_a_public_declaration_is_sent_with_the_keyboard_alone(
    page: Page, demo: dict[str, Organization], live_server: LiveServer
) -> None:
    from ameliora.events.models import Event, EventSettings

    key = EventSettings.objects.get(organization__slug=CPTS).public_key
    page.goto(f"{live_server.url}/declarer/{key}/")
    skip_to_main(page)
    # The browser's date-time field takes its parts as typed digits, moving to the next part by itself,
    # in the order of the browser's own locale (day first in French, month first in American English):
    # a day whose number is its month's reads the same in either order.
    yesterday = timezone.localdate() - timedelta(days=1)
    day = max(d for d in (date(yesterday.year, m, m) for m in range(1, 13)) if d <= yesterday)
    when = timezone.make_aware(datetime.combine(day, time(14, 30)))
    path = fill_by_keyboard(
        page,
        {
            "occurred_at": typing(when.strftime("%d%m%Y%H%M")),
            "category": pressing("ArrowDown"),
            "description": typing("Ordonnance de sortie absente : traitement interrompu deux jours."),
            "affected": choosing("patient"),
            "charter_accepted=on": pressing("Space"),
        },
        submit="Envoyer la déclaration",
    )

    expect(page.locator("#tracking-code")).to_be_visible()
    event = Event.objects.order_by("-pk").first()
    assert event is not None
    assert event.description.startswith("Ordonnance de sortie absente")
    assert event.affected == "patient"
    assert timezone.localtime(event.occurred_at).strftime("%d/%m %H:%M") == when.strftime("%d/%m %H:%M")
    assert "website" not in path, "the robots' trap field must stay out of the tab order"


def test_a_survey_is_answered_with_the_keyboard_alone(
    page: Page, demo: dict[str, Organization], live_server: LiveServer
) -> None:
    from ameliora.surveys.models import Campaign, Response

    campaign = Campaign.objects.filter(status=Campaign.Status.OPEN).order_by("pk").first()
    assert campaign is not None
    before = Response.objects.filter(campaign=campaign).count()
    page.goto(f"{live_server.url}/enquete/{campaign.public_key}/")
    skip_to_main(page)
    actions: dict[str, Action] = dict.fromkeys(radio_groups(page, "form.sv-answer"), pressing("Space"))
    fields = "form.sv-answer :is(textarea, input[type=text]):visible:not([tabindex='-1'])"  # not the robot trap
    for field in page.locator(fields).all():
        name = field.get_attribute("name") or ""
        numeric = field.get_attribute("inputmode") == "decimal"
        actions[name] = typing("3" if numeric else "Accueil attentif, merci.")
    assert actions, "the survey has questions to answer"

    fill_by_keyboard(page, actions, submit="Envoyer mes réponses")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert Response.objects.filter(campaign=campaign).count() == before + 1


def test_audit_cases_are_entered_with_the_keyboard_alone(page: Page, sign_in: SignIn, live_server: LiveServer) -> None:
    sign_in(page, "marc.lefevre@tilleuls.test")
    page.goto(f"{live_server.url}/o/pharmacie-des-tilleuls/evaluations/new/")
    skip_to_main(page)
    fill_by_keyboard(
        page,
        {
            "title": typing("Étiquetage des préparations"),
            "criteria": typing("Le numéro de lot est sur l'étiquette\nLa date limite est sur l'étiquette"),
        },
        submit="Enregistrer",
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Étiquetage des préparations")
    fill_by_keyboard(page, {}, submit="Passer à « Recueil en cours »")

    for label, second in (("Préparation 1", "Space"), ("Préparation 2", "ArrowRight")):
        case_label = page.get_by_label(re.compile(r"^Cas( \*)?$"))
        expect(case_label).to_be_focused()
        page.keyboard.type(label)
        groups = radio_groups(page, "#audit-live form")
        assert len(groups) == 2
        actions = {groups[0]: pressing("Space"), groups[1]: pressing("Space", *([second] if second != "Space" else []))}
        fill_by_keyboard(page, actions, submit="Enregistrer et suivant")
        expect(page.get_by_text(f"Cas « {label} » enregistré.")).to_be_visible()

    rows = page.locator("#results").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("100")
    expect(rows.nth(2)).to_contain_text("50,0 %")


def test_a_self_assessment_is_answered_with_the_keyboard_alone(
    page: Page, sign_in: SignIn, live_server: LiveServer
) -> None:
    from ameliora.assessments.models import Answer, Campaign

    campaign = Campaign.objects.get(name="Préparation de la visite de certification — Médecine polyvalente")
    sign_in(page, "olivier.robin@ch-villefranche.test")
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}answer/")
    skip_to_main(page)
    first = page.locator("article form").first
    field = first.locator("input[type=radio]").first.get_attribute("name") or ""
    comment = first.locator("textarea").get_attribute("name") or ""

    fill_by_keyboard(
        page, {field: pressing("Space"), comment: typing("Vu en réunion de service.")}, submit="Enregistrer"
    )

    expect(page.get_by_text("Enregistré.", exact=True)).to_be_visible()
    answer = Answer.objects.filter(campaign=campaign, comment="Vu en réunion de service.").get()
    assert answer.status == Answer.Status.ANSWERED
