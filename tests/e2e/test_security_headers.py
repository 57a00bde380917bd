"""The pages work under the Content-Security-Policy: nothing is blocked, and every behaviour that moved
from inline code into static files (htmx buttons, print buttons, the declaration's vigilances, the
survey's conditional questions) still does its job.

``page`` (tests/e2e/conftest.py) fails the test on any violation; ``policy_violations`` is checked
along the way too, so that a failure names the step that broke.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from .support import SCREENSHOTS, SignIn

pytestmark = pytest.mark.e2e

SERVICE = "service-des-coteaux"
MANAGER = "claire.moreau@coteaux.test"  # administrator and quality manager of the care service

# window.print() would open a dialog that a headless browser cannot close: count the calls instead.
COUNT_PRINTS = "window.printed = 0; window.print = () => { window.printed += 1; };"


def test_a_manager_s_pages_and_htmx_behaviours_run_under_the_policy(
    page: Page, sign_in: SignIn, live_server: LiveServer, policy_violations: list[str]
) -> None:
    from ameliora.indicators.models import Indicator

    sign_in(page, MANAGER)
    base = f"{live_server.url}/o/{SERVICE}"
    page.goto(f"{base}/")
    hrefs = page.locator("main a[href^='/o/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    modules = sorted({href for href in hrefs if re.fullmatch(r"/o/[\w-]+/[a-z]+/", href)})
    assert len(modules) >= 8, modules
    for href in modules:
        response = page.goto(f"{live_server.url}{href}")
        assert response is not None
        assert response.status == 200, href
        assert "script-src 'self'" in response.headers["content-security-policy"], href
        assert policy_violations == [], href

    # The indicator filters: htmx swaps the results on change and pushes the URL.
    page.goto(f"{base}/indicators/")
    page.select_option("#id_active", index=2)
    expect(page).to_have_url(re.compile(r"active="))

    # The measurement grid's "add a row" (was hx-vals='js:…' and hx-on): each click adds the next form.
    indicator = Indicator.objects.filter(organization__slug=SERVICE).order_by("pk").first()
    assert indicator is not None
    page.goto(f"{base}/indicators/{indicator.pk}/values/grid/")
    total = page.locator("#id_form-TOTAL_FORMS")
    forms = int(total.input_value())
    for added in (1, 2):
        page.get_by_role("button", name="Ajouter une ligne").click()
        expect(total).to_have_value(str(forms + added))
        expect(page.locator(f"[name='form-{forms + added - 1}-period_start']")).to_be_attached()
    expect(page.locator("#grid-rows tr")).to_have_count(forms + 2)

    # The API docs: Swagger UI starts from static files and lists the operations.
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "api-docs.png")
    assert policy_violations == []


def test_print_buttons_and_the_paper_survey_run_under_the_policy(
    page: Page, sign_in: SignIn, live_server: LiveServer, policy_violations: list[str]
) -> None:
    from ameliora.surveys.models import Campaign, Question

    page.context.add_init_script(COUNT_PRINTS)
    sign_in(page, MANAGER)
    base = f"{live_server.url}/o/{SERVICE}"
    conditional = Question.objects.filter(
        questionnaire__organization__slug=SERVICE, condition_question__isnull=False
    ).first()
    assert conditional is not None
    campaign = Campaign.objects.filter(questionnaire=conditional.questionnaire, status=Campaign.Status.OPEN).first()
    assert campaign is not None

    for url in (f"{base}/events/public-link/", f"{base}/surveys/campaigns/{campaign.pk}/print/"):
        page.goto(url)
        page.get_by_role("button", name="Imprimer").click()
        assert page.evaluate("window.printed") == 1, url

    # The paper questionnaire: a conditional question shows once its question has the expected answer.
    page.goto(f"{base}/surveys/campaigns/{campaign.pk}/paper/")
    follow_up = page.locator(f"#wrap-q{conditional.pk}")
    expect(follow_up).to_be_hidden()
    page.check(f"input[name='q{conditional.condition_question_id}'][value='{conditional.condition_value}']")
    expect(follow_up).to_be_visible()
    assert policy_violations == []


def test_the_public_pages_run_under_the_policy(
    page: Page, live_server: LiveServer, demo: object, policy_violations: list[str]
) -> None:
    from ameliora.events.models import EventCategory, EventSettings, Vigilance
    from ameliora.surveys.models import Campaign, Question

    # The declaration page pre-ticks the vigilance that the chosen category suggests.
    key = EventSettings.objects.get(organization__slug=SERVICE).public_key
    medication = EventCategory.objects.get(organization__slug=SERVICE, code="medication")
    page.goto(f"{live_server.url}/declarer/{key}/")
    pharmacovigilance = page.locator(f"input[name=vigilances][value='{Vigilance.PHARMACO.value}']")
    expect(pharmacovigilance).not_to_be_checked()
    page.select_option("#id_category", str(medication.pk))
    expect(pharmacovigilance).to_be_checked()

    page.goto(f"{live_server.url}/suivi/")
    expect(page.locator("main form")).to_be_visible()

    # The public survey: the same conditional question as on paper.
    conditional = Question.objects.filter(
        questionnaire__organization__slug=SERVICE, condition_question__isnull=False
    ).first()
    assert conditional is not None
    campaign = Campaign.objects.get(questionnaire=conditional.questionnaire, status=Campaign.Status.OPEN)
    page.goto(f"{live_server.url}/enquete/{campaign.public_key}/")
    follow_up = page.locator(f"#wrap-q{conditional.pk}")
    expect(follow_up).to_be_hidden()
    page.check(f"input[name='q{conditional.condition_question_id}'][value='{conditional.condition_value}']")
    expect(follow_up).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "public-survey-under-policy.png", full_page=True)
    assert policy_violations == []


def test_a_blocked_inline_script_is_reported(page: Page, live_server: LiveServer, policy_violations: list[str]) -> None:
    # The watch itself: a script injected into a real page of ours must be caught, else the tests above prove nothing.
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
    }""")

    for _ in range(40):  # the report comes back from the browser asynchronously
        if policy_violations:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.ran === undefined")
    assert any("script-src" in violation for violation in policy_violations), policy_violations
    policy_violations.clear()  # expected here: the fixture must not fail the test
