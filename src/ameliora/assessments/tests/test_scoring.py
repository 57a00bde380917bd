"""The scoring formula on a hand-computed case, and the charts' pure SVG builders."""

from __future__ import annotations

import pytest

from ameliora.assessments import charts, scales, scoring
from ameliora.assessments.scoring import Row


def test_the_score_is_weighted_and_leaves_out_not_applicable_and_unanswered() -> None:
    rows = [
        Row(section="A", code="1", weight=2, worth=1.0, answered=True),  # yes, weight 2  → 2 / 2
        Row(section="A", code="2", weight=1, worth=0.5, answered=True, mandatory=True),  # partly → 0.5 / 1
        Row(section="A", code="3", weight=3, worth=None, answered=True),  # not applicable: left out
        Row(section="B", code="4", weight=1, worth=0.0, answered=True, mandatory=True),  # no → 0 / 1
        Row(section="B", code="5", weight=5, worth=None, answered=False),  # unanswered: left out
    ]

    result = scoring.results(rows, ["A", "B"])

    # Overall: (2*1 + 1*0.5 + 1*0) / (2 + 1 + 1) = 2.5 / 4 = 62.5 %
    assert result.overall.percent == pytest.approx(62.5)
    assert result.overall.counted == 3
    assert result.overall.not_applicable == 1
    assert result.overall.unanswered == 1
    assert result.overall.mandatory_unmet == 2
    assert result.overall.progress == 80
    # Section A: 2.5 / 3 = 83.3 %; section B: 0 / 1 = 0 %
    assert result.sections["A"].percent == pytest.approx(250 / 3)
    assert result.sections["B"].percent == 0
    assert result.sections["B"].mandatory_unmet == 1


def test_the_overall_score_is_not_the_mean_of_sections() -> None:
    rows = [Row("A", "1", 1, 1.0, True), Row("B", "2", 1, 0.0, True), Row("B", "3", 1, 0.0, True)]

    assert scoring.score(rows).percent == pytest.approx(100 / 3)


def test_nothing_to_score_gives_no_score_not_zero() -> None:
    assert scoring.score([Row("A", "1", 1, None, True)]).percent is None
    assert scoring.score([]).percent is None


def test_maturity_worths_and_grid_overrides() -> None:
    assert scales.worth("maturity_4", "3") == pytest.approx(2 / 3)
    assert scales.worth("yes_partly_no", "partly", {"yes_partly_no": {"partly": 0.25}}) == 0.25
    assert scales.worth("yes_partly_no", "na") is None


def test_weaknesses_are_no_and_partly_with_mandatory_first() -> None:
    rows = [
        Row("A", "1", 1, 0.0, True),
        Row("A", "2", 1, 0.5, True, mandatory=True),
        Row("A", "3", 1, 2 / 3, True),
        Row("A", "4", 1, None, True),
    ]
    weak = sorted(
        [(i, r) for i, r in enumerate(rows) if scoring.is_weakness(r)], key=lambda p: scoring.weakness_order(p[1], p[0])
    )

    assert [r.code for _i, r in weak] == ["2", "1"]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [(0.5, 1.0, "improved"), (1.0, 0.0, "worse"), (0.5, 0.5, "unchanged"), (None, 1.0, "not_comparable")],
)
def test_trend(before: float | None, after: float | None, expected: str) -> None:
    assert scoring.trend(before, after) == expected


def test_the_radar_states_every_number_and_escapes_labels() -> None:
    svg = charts.radar_svg(["A <b>", "B", "C"], [50.0, None, 100.0], previous=[25.0, 25.0, 25.0], title="Radar")

    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert "A &lt;b&gt;: 50 %" in svg
    assert "B: no score" in svg
    assert "<b>" not in svg
    assert svg.count("<polygon") == 4 + 2  # four rings, previous and current


def test_a_radar_of_two_sections_falls_back_to_bars() -> None:
    svg = charts.radar_svg(["A", "B"], [10.0, 20.0], title="Deux")

    assert 'aria-labelledby="bars-title bars-desc"' in svg


def test_bars_have_one_rect_per_section_and_per_previous() -> None:
    svg = charts.bar_svg(["A", "B", "C"], [10.0, 20.0, 30.0], previous=[0.0, 50.0, None], title="Barres")

    assert svg.count("<rect") == 6
    assert "C: 30 %" in svg
