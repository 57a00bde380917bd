"""Scores, weaknesses and campaign-to-campaign comparison: pure functions on plain rows.

The formula (also in ``docs/assessment-grids.md``)::

    score(S) = 100 * Σ w_c * v_c  /  Σ w_c        over the criteria c of S that count

* ``w_c`` is the criterion's weight (an integer ≥ 1, 1 by default);
* ``v_c`` is the worth of its answer, between 0 and 1 (yes 1, partly 0.5, no 0; maturity
  1 → 0, 2 → 1/3, 3 → 2/3, 4 → 1; a grid may change these worths);
* a criterion *counts* when its answer is saved as answered and is not "not applicable";
  unanswered (or draft) and not-applicable criteria are left out of numerator and denominator;
* the overall score applies the same formula to every criterion of the grid (it is **not** the
  mean of the section scores, so a section with more weight weighs more);
* a score is ``None`` when nothing counts (no division by zero, no misleading 0 %).

Mandatory criteria weigh like the others, but each mandatory criterion answered with a worth
below 1 is counted in ``mandatory_unmet``: a single one is reported next to the score, as an
imperative criterion of the HAS referential can block certification whatever the percentage.

A *weakness* is a criterion answered with a worth of 0.5 or less (no, partly, maturity 1-2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

WEAKNESS_THRESHOLD = 0.5
# Two scores closer than this are "unchanged" (rounding of thirds on the maturity scale).
EPSILON = 1e-9


@dataclass(frozen=True)
class Row:
    """One answer as scoring sees it."""

    section: str
    code: str
    weight: int
    worth: float | None  # None: not applicable
    answered: bool
    mandatory: bool = False


@dataclass(frozen=True)
class Score:
    percent: float | None
    counted: int  # criteria that count (answered, applicable)
    not_applicable: int
    unanswered: int
    total: int
    mandatory_unmet: int

    @property
    def progress(self) -> int:
        """Share of criteria answered (including not applicable), in whole percent."""
        if not self.total:
            return 0
        return round(100 * (self.total - self.unanswered) / self.total)


@dataclass(frozen=True)
class Results:
    overall: Score
    sections: dict[str, Score] = field(default_factory=dict)


def score(rows: Iterable[Row]) -> Score:
    numerator = 0.0
    denominator = 0
    counted = not_applicable = unanswered = total = mandatory_unmet = 0
    for row in rows:
        total += 1
        if not row.answered:
            unanswered += 1
            continue
        if row.worth is None:
            not_applicable += 1
            continue
        counted += 1
        numerator += row.weight * row.worth
        denominator += row.weight
        if row.mandatory and row.worth < 1 - EPSILON:
            mandatory_unmet += 1
    percent = 100 * numerator / denominator if denominator else None
    return Score(
        percent=percent,
        counted=counted,
        not_applicable=not_applicable,
        unanswered=unanswered,
        total=total,
        mandatory_unmet=mandatory_unmet,
    )


def results(rows: Sequence[Row], section_order: Sequence[str]) -> Results:
    """Overall score and one score per section (in ``section_order``; empty sections included)."""
    by_section: dict[str, list[Row]] = {key: [] for key in section_order}
    for row in rows:
        by_section.setdefault(row.section, []).append(row)
    return Results(overall=score(rows), sections={key: score(items) for key, items in by_section.items()})


def is_weakness(row: Row) -> bool:
    return row.answered and row.worth is not None and row.worth <= WEAKNESS_THRESHOLD + EPSILON


def weakness_order(row: Row, position: int) -> tuple[int, float, int]:
    """Sort key: mandatory first, then the weakest, then grid order."""
    return (0 if row.mandatory else 1, row.worth if row.worth is not None else 1.0, position)


IMPROVED = "improved"
WORSE = "worse"
UNCHANGED = "unchanged"
NOT_COMPARABLE = "not_comparable"


def trend(before: float | None, after: float | None) -> str:
    """Compare two worths (or two percentages); ``None`` on either side is not comparable."""
    if before is None or after is None:
        return NOT_COMPARABLE
    if after > before + EPSILON:
        return IMPROVED
    if after < before - EPSILON:
        return WORSE
    return UNCHANGED
