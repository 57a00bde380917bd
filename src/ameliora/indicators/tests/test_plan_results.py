"""A plan's results step and its PDF show the before/after of the indicators measuring its objectives,
computed by the indicator page's own analysis (plans reads it through ``plans.measures``)."""

from __future__ import annotations

import html

from django.test import Client
from django.urls import reverse
from django.utils import translation

from ameliora.core.models import Membership
from ameliora.indicators import services
from ameliora.indicators.analysis import BeforeAfter, analyse_indicator, render_svg
from ameliora.indicators.models import Indicator
from ameliora.indicators.tests.factories import weekly_series
from ameliora.plans import pdf
from ameliora.plans.models import ActionPlan
from ameliora.plans.tests.factories import ObjectiveFactory, PlanFactory

BASELINE = [4, 5, 4, 6, 5, 4, 3, 5, 4, 5, 6, 4, 5, 4, 3, 5, 4, 6, 4, 5]
AFTER = [2, 1, 1, 2, 0, 1, 2, 1, 1, 2, 1, 0]


def _plan(alice: Membership) -> ActionPlan:
    return PlanFactory.create(organization=alice.organization, owner=alice)


def _measured(plan: ActionPlan, name: str, *, phase: bool = True) -> Indicator:
    indicator = weekly_series(
        plan.organization, BASELINE + AFTER, phase_at=len(BASELINE) if phase else None, name=name, target_value=2
    )
    services.save_indicator(indicator, objectives=[ObjectiveFactory.create(plan=plan)])
    return indicator


def _card(indicator: Indicator) -> BeforeAfter:
    """The indicator page's before/after card, in French as the pages show it."""
    with translation.override("fr"):
        analysis = analyse_indicator(indicator, list(indicator.measurements.all()), list(indicator.phases.all()))
    assert analysis.before_after is not None
    return analysis.before_after


def _assert_shows(page: str, card: BeforeAfter) -> None:
    for shown in (
        card.estimate_before,
        card.estimate_after,
        card.median_before,
        card.median_after,
        card.mean_before,
        card.mean_after,
        card.absolute_change,
        card.test_name,
        card.p_value,
    ):
        assert shown in page


def test_the_results_step_shows_each_indicators_before_and_after(alice: Membership, alice_client: Client) -> None:
    plan = _plan(alice)
    indicator = _measured(plan, "Erreurs de dispensation")
    _measured(plan, "Sans phase", phase=False)

    page = html.unescape(alice_client.get(plan.get_absolute_url()).content.decode())

    results = page[page.index('id="results-title"') : page.index('id="revisions-title"')]
    assert indicator.get_absolute_url() in results
    _assert_shows(results, _card(indicator))
    assert "Sans phase" in results
    assert "significatif" in results


def test_the_plan_pdf_shows_the_same_comparison(alice: Membership) -> None:
    plan = _plan(alice)
    indicator = _measured(plan, "Erreurs de dispensation")

    with translation.override("fr"):
        text = html.unescape(pdf.plan_pdf_html(plan))

    assert "Erreurs de dispensation" in text
    _assert_shows(text, _card(indicator))


def test_the_plan_pdf_draws_each_linked_indicators_chart_and_the_plan_page_does_not_pay_for_it(
    alice: Membership, alice_client: Client
) -> None:
    plan = _plan(alice)
    indicator = _measured(plan, "Erreurs de dispensation")
    _measured(plan, "Sans phase", phase=False)

    with translation.override("fr"):
        text = pdf.plan_pdf_html(plan)
        chart = render_svg(
            analyse_indicator(indicator, list(indicator.measurements.all()), list(indicator.phases.all()))
        )

    figures = text[text.index('<figure class="chart">') :]
    assert figures.count('<figure class="chart">') == 2
    assert chart in figures  # the indicator page's own chart, not another drawing
    assert "<figcaption>Sans phase</figcaption>" in figures
    assert '<figure class="chart">' not in alice_client.get(plan.get_absolute_url()).content.decode()


def test_the_final_review_starts_from_the_before_after(alice: Membership, alice_client: Client) -> None:
    plan = _plan(alice)
    indicator = _measured(plan, "Erreurs de dispensation")
    card = _card(indicator)

    page = html.unescape(
        alice_client.get(
            reverse("plans:final_review", kwargs={"org_slug": alice.organization.slug, "plan_id": plan.pk})
        ).content.decode()
    )

    assert f"Erreurs de dispensation : Avant : {card.estimate_before} ; après : {card.estimate_after}" in page.replace(
        "\u00a0", " "
    )


def test_the_plan_page_costs_the_same_queries_for_one_or_many_indicators(
    alice: Membership, alice_client: Client, django_assert_max_num_queries
) -> None:
    plan = _plan(alice)
    _measured(plan, "Indicateur 1")
    alice_client.get(plan.get_absolute_url())  # warm caches (content types, sessions)
    with django_assert_max_num_queries(45) as few:
        assert alice_client.get(plan.get_absolute_url()).status_code == 200
    for n in range(2, 6):
        _measured(plan, f"Indicateur {n}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert alice_client.get(plan.get_absolute_url()).status_code == 200
