"""The indicator page's "Making Data Count" badges, history panel and processes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.factories import MembershipFactory
from ameliora.indicators import services
from ameliora.indicators.analysis import analyse_indicator
from ameliora.indicators.models import Indicator, Kind, Measurement, Phase
from ameliora.indicators.tests.factories import IndicatorFactory, weekly_series

pytestmark = pytest.mark.django_db

#: Ten weeks around 5, then seven weeks at 1: a shift downwards on a C chart (mean ≈ 3.5, UCL ≈ 9.1).
BETTER = [5, 4, 5, 4, 6, 5, 4, 5, 5, 4, 1, 1, 1, 1, 1, 1, 1]


def _url(name: str, indicator: Indicator, **kwargs: Any) -> str:
    return reverse(
        f"indicators:{name}", kwargs={"org_slug": indicator.organization.slug, "indicator_id": indicator.pk, **kwargs}
    )


def _page(client: Client, indicator: Indicator, name: str = "detail", **params: str) -> str:
    with translation.override("en"):
        response = client.get(_url(name, indicator), params)
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.fixture
def english(client_for: Any, alice: Membership) -> Client:
    client: Client = client_for(alice)
    client.cookies["django_language"] = "en"
    return client


# --- Variation and assurance --------------------------------------------------------------------


def test_the_nhs_rules_give_the_variation_and_assurance_of_the_last_phase(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, BETTER, rules="nhs", target_value=Decimal(10))
    analysis = analyse_indicator(indicator, list(indicator.measurements.all()))
    assert analysis.reading.variation == "improvement"  # a shift of 7 below the mean, lower is better
    assert analysis.reading.assurance == "met"  # the target 10 is above the UCL


def test_the_page_shows_the_nhs_badges_with_words_and_icons(english: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, BETTER, rules="nhs", target_value=Decimal(10))
    html = _page(english, indicator)
    assert 'data-variation="improvement"' in html
    assert "special cause, improving" in html
    assert 'data-assurance="met"' in html
    assert "target met consistently" in html
    assert "bi-hand-thumbs-up" in html
    assert "bi-check-circle" in html


def test_common_cause_and_no_target_are_said_too(english: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [5, 4, 5, 4, 6, 5, 4, 5, 5, 4, 5, 6], rules="nhs")
    html = _page(english, indicator)
    assert 'data-variation="common_cause"' in html
    assert 'data-assurance="no_target"' in html


def test_with_anhoej_rules_the_assurance_still_reads_the_control_limits(
    english: Client, tilleuls: Organization
) -> None:
    """The engine returns variation and assurance with the NHS rules only; assurance only compares the
    target with the limits, so it holds for Anhøj, and the variation comes from the reading's signals."""
    indicator = weekly_series(tilleuls, BETTER, target_value=Decimal("0.5"))
    analysis = analyse_indicator(indicator, list(indicator.measurements.all()))
    assert analysis.reading.variation == "improvement"  # the run of 7 below the mean, lower is better
    assert analysis.reading.assurance == "inconsistent"  # 0.5 lies between LCL 0 and UCL
    indicator.target_value = Decimal(10)
    assert analyse_indicator(indicator, list(indicator.measurements.all())).reading.assurance == "met"
    indicator.save()
    html = _page(english, indicator)
    assert 'data-assurance="met"' in html
    assert 'data-variation="improvement"' in html


def test_run_charts_and_milestones_get_no_assurance(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, BETTER, chart="run", target_value=Decimal(2))
    assert analyse_indicator(indicator, list(indicator.measurements.all())).reading.assurance is None


# --- History --------------------------------------------------------------------------------------


def test_the_history_shows_a_replaced_and_a_deleted_value_and_a_new_target(
    english: Client, alice: Membership, tilleuls: Organization
) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls, kind=Kind.MEASUREMENT, target_value=Decimal(3))
    week = date(2025, 1, 6)
    services.save_measurement(indicator, services.MeasurementInput(week, value=Decimal(4)), acting_user=alice.user)
    services.save_measurement(
        indicator, services.MeasurementInput(week, value=Decimal("7.5")), acting_user=alice.user, replace=True
    )
    second = date(2025, 1, 13)
    services.save_measurement(indicator, services.MeasurementInput(second, value=Decimal(9)), acting_user=alice.user)
    services.delete_measurement(Measurement.objects.get(indicator=indicator, period_start=second))
    indicator.target_value = Decimal(2)
    services.save_indicator(indicator)
    html = _page(english, indicator)
    assert 'id="history-title"' in html
    assert "value of 01/06/25" in html or "value of 06/01/25" in html
    assert "<del>4</del> → <ins>7.5</ins>" in html  # the replaced value, as people typed it
    assert "deleted" in html
    assert "<del>3</del> → <ins>2</ins>" in html  # the definition's old target


def test_members_without_history_rights_see_no_history(client_for: Any, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [3, 4])
    representative = MembershipFactory.create(organization=tilleuls, roles=[Role.USER_REPRESENTATIVE])
    client = client_for(representative)
    assert 'id="history-title"' not in client.get(_url("detail", indicator)).content.decode()
    assert client.get(_url("history", indicator)).status_code == 403


def test_the_history_is_bounded_on_the_page_and_paginated_behind_a_link(
    english: Client, alice: Membership, tilleuls: Organization, django_assert_max_num_queries: Any
) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls)
    for k in range(40):
        Phase.objects.create(organization=tilleuls, indicator=indicator, start=date(2025, 1, 6 + k % 20), label=f"P{k}")
        Phase.objects.filter(indicator=indicator).delete()
    html = _page(english, indicator)
    assert html.count('class="mb-2 border-start ps-2"') == 10
    assert _url("history", indicator) in html
    with django_assert_max_num_queries(16):
        first = _page(english, indicator, "history")
    assert first.count('class="mb-2 border-start ps-2"') == 25
    assert "Page 1 of 4" in first
    last = _page(english, indicator, "history", page="4")
    assert last.count('class="mb-2 border-start ps-2"') == 1 + 80 - 75  # the creation, 40 phases added and removed


@pytest.mark.parametrize("edits", [2, 30])
def test_the_page_costs_the_same_queries_whatever_the_history(
    edits: int, english: Client, alice: Membership, tilleuls: Organization, django_assert_max_num_queries: Any
) -> None:
    indicator = weekly_series(tilleuls, BETTER)
    for k in range(edits):
        indicator.target_value = Decimal(k)
        indicator.owner = alice if k % 2 else None
        indicator.save()
    with django_assert_max_num_queries(30):
        _page(english, indicator)


# --- Processes ------------------------------------------------------------------------------------


def test_the_page_links_the_processes_the_indicator_belongs_to(english: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [3, 4])
    process = indicator.processes.create(organization=tilleuls, kind="operational", code="R2", name="Dispensation")
    html = _page(english, indicator)
    assert "Followed in the processes" in html
    assert f'href="{process.get_absolute_url()}"' in html
    assert "R2 — Dispensation" in html


def test_indicators_reads_processes_without_importing_them() -> None:
    """processes imports indicators (docs/architecture.md), so the page uses the reverse relation only."""
    package = Path(__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts and "ameliora.processes" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
