"""What the indicators measuring a plan's objectives say, without plans importing indicators.

``indicators`` imports ``plans`` (``Indicator.objectives``), so the arrow cannot point back. The
indicators app registers one provider in its ``AppConfig.ready``::

    register_measures(readings=readings_at, results=results_of, measures=measures_of)

- ``readings(plan, day)``: one line per indicator linked to the plan's objectives, with the value
  measured at or before ``day`` and the target. It pre-fills the "indicator values at that date" of
  a progress review and the "before and after" of a final review.
- ``results(plan, day, charts=False)``: one :class:`IndicatorResult` per linked indicator, the
  before/after comparison the indicator page computes and the current status, for the plan page and
  its PDF; with ``charts=True`` (the PDF) each also carries the indicator page's chart as SVG.
- ``measures(objectives, day)``: for each objective, one :class:`Measure` per indicator measuring
  it, its current level as of ``day`` or of the objective's deadline if that came first.
  :mod:`ameliora.plans.attainment` judges the objective from them.

Without a provider (indicators not installed) all are empty. Providers must cost a fixed number of
queries whatever the number of indicators: the plan page calls ``results`` and ``measures``, the
annual report ``measures`` for all the year's plans at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ameliora.plans.models import ActionPlan, Objective


@dataclass(frozen=True)
class IndicatorResult:
    """An indicator measuring an objective of the plan, as the plan's results step shows it."""

    name: str
    url: str
    status: str  # the indicator's status code (on target, improving, stable, concerning…)
    status_label: str
    last_value: str  # formatted, with its period
    target: str  # formatted, "" when none
    conclusion: list[str] = field(default_factory=list)
    # The indicator page's before/after card (indicators.analysis.BeforeAfter, which plans may not
    # import); None without a phase to compare. Templates read its formatted fields, `sentence` says it.
    before_after: Any = None
    chart: str = ""  # the indicator page's chart, safe SVG markup; only when the caller asked for charts


@dataclass(frozen=True)
class Measure:
    """An indicator measuring an objective, in plain values: what :mod:`ameliora.plans.attainment` needs."""

    indicator_id: int
    name: str
    url: str
    level: float | None  # the current level on the displayed scale, as of ``as_of``; None without data
    as_of: date  # the day the level is read: the objective's deadline if passed, else the day asked
    target: float | None  # the indicator's own target (a milestone's: the value wanted)
    target_date: date | None
    lower_is_better: bool
    show: Callable[[float], str]  # a value on the indicator's scale, formatted with its unit
    milestone: bool = False  # a yes/no indicator: its level is its last value, its target the answer wanted


Readings = Callable[["ActionPlan", date], list[str]]
Measures = Callable[[Sequence["Objective"], date], dict[int, list[Measure]]]


class Results(Protocol):
    def __call__(self, plan: ActionPlan, day: date, *, charts: bool = False) -> list[IndicatorResult]: ...


@dataclass(frozen=True)
class Provider:
    readings: Readings
    results: Results
    measures: Measures


_PROVIDERS: list[Provider] = []


def register_measures(*, readings: Readings, results: Results, measures: Measures) -> Provider:
    """Set the provider (registering again replaces it, so reloading a module is harmless)."""
    provider = Provider(readings=readings, results=results, measures=measures)
    _PROVIDERS[:] = [provider]
    return provider


def readings_at(plan: ActionPlan, day: date) -> str:
    """The lines to pre-fill a review dated ``day`` with, joined; "" without indicators."""
    return "\n".join(line for provider in _PROVIDERS for line in provider.readings(plan, day))


def results_of(plan: ActionPlan, day: date, *, charts: bool = False) -> list[IndicatorResult]:
    return [result for provider in _PROVIDERS for result in provider.results(plan, day, charts=charts)]


def measures_of(objectives: Sequence[Objective], day: date) -> dict[int, list[Measure]]:
    """Objective id → the measures of the indicators measuring it (objectives without one are absent)."""
    found: dict[int, list[Measure]] = {}
    for provider in _PROVIDERS:
        for objective_id, measures in provider.measures(objectives, day).items():
            found.setdefault(objective_id, []).extend(measures)
    return found
