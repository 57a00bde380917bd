"""One rounding rule and one way to write a target, whatever shows the figure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ameliora.core.figures import format_figure, format_target, round_figure, xlsx_number_format


@pytest.mark.parametrize(
    ("value", "rounded", "french", "english"),
    [
        (37.5, 37.5, "37,5", "37.5"),
        (63.1578947368421, 63.2, "63,2", "63.2"),
        (21, 21.0, "21", "21"),
        (Decimal("21.0000"), 21.0, "21", "21"),
        (0.256, 0.26, "0,26", "0.26"),
        (123.6, 124.0, "124", "124"),
        (-0.001, 0.0, "0", "0"),
    ],
)
def test_a_figure_is_rounded_to_a_precision_that_suits_its_size_in_the_language(
    value: float, rounded: float, french: str, english: str
) -> None:
    assert round_figure(value) == rounded
    with translation.override("fr"):
        assert format_figure(value) == french
    with translation.override("en"):
        assert format_figure(value) == english


def test_a_missing_or_impossible_figure_is_a_dash() -> None:
    assert format_figure(None, "%") == "—"
    assert format_figure(float("nan")) == "—"
    assert round_figure(float("inf")) is None


def test_a_unit_follows_the_figure_after_a_non_breaking_space() -> None:
    with translation.override("fr"):
        assert format_figure(37.5, "%") == "37,5\u00a0%"


def test_a_target_says_its_sense_and_unit() -> None:
    with translation.override("fr"):
        assert format_target(Decimal("21.0000"), at_most=True, unit="jours") == "≤\u00a021\u00a0jours"
        assert format_target(75, at_most=False, unit="%") == "≥\u00a075\u00a0%"
        assert format_target(None, at_most=False) == "—"


def test_the_spreadsheet_format_shows_the_same_decimals_and_keeps_the_percent_sign_a_label() -> None:
    assert xlsx_number_format(37.5, "%") == '0.0" %"'
    assert xlsx_number_format(63.1578947368421) == "0.0"
    assert xlsx_number_format(21, "jours") == '0" jours"'
    assert xlsx_number_format(0.256) == "0.00"
    assert xlsx_number_format(None) == "0"


def test_the_template_filter_writes_the_figure_as_the_exports_do() -> None:
    template = Template('{% load ameliora %}{{ rate|figure:"%" }}|{{ missing|figure }}')
    with translation.override("fr"):
        assert template.render(Context({"rate": 3 / 8 * 100, "missing": None})) == "37,5\u00a0%|—"
