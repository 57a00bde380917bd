"""The indicator page's "Making Data Count" badges."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ameliora.core.models import Membership, Organization
from ameliora.indicators.analysis import analyse_indicator
from ameliora.indicators.models import Indicator
from ameliora.indicators.tests.factories import weekly_series

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
    assert analysis.variation == "improving"  # a shift of 7 below the mean, lower is better
    assert analysis.assurance == "consistently_met"  # the target 10 is above the UCL


def test_the_page_shows_the_nhs_badges_with_words_and_icons(english: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, BETTER, rules="nhs", target_value=Decimal(10))
    html = _page(english, indicator)
    assert 'data-variation="improving"' in html
    assert "special cause, improving" in html
    assert 'data-assurance="consistently_met"' in html
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
    """The engine returns variation and assurance with the NHS rules only; variation rests on the NHS
    special causes, but assurance only compares the target with the limits, so it holds for Anhøj."""
    indicator = weekly_series(tilleuls, BETTER, target_value=Decimal("0.5"))
    analysis = analyse_indicator(indicator, list(indicator.measurements.all()))
    assert analysis.variation == ""
    assert analysis.assurance == "inconsistent"  # 0.5 lies between LCL 0 and UCL
    indicator.target_value = Decimal(10)
    assert analyse_indicator(indicator, list(indicator.measurements.all())).assurance == "consistently_met"
    indicator.save()
    html = _page(english, indicator)
    assert 'data-assurance="consistently_met"' in html
    assert "data-variation" not in html


def test_run_charts_and_milestones_get_no_assurance(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, BETTER, chart="run", target_value=Decimal(2))
    assert analyse_indicator(indicator, list(indicator.measurements.all())).assurance == ""
