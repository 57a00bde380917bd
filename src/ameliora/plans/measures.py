"""What the indicators measuring a plan's objectives say, without plans importing indicators.

``indicators`` imports ``plans`` (``Indicator.objectives``), so the arrow cannot point back. The
indicators app registers one provider in its ``AppConfig.ready``::

    register_measures(readings=readings_at, results=results_of)

- ``readings(plan, day)``: one line per indicator linked to the plan's objectives, with the value
  measured at or before ``day`` and the target. It pre-fills the "indicator values at that date" of
  a progress review and the "before and after" of a final review.
- ``results(plan, day, charts=False)``: one :class:`IndicatorResult` per linked indicator, the
  before/after comparison the indicator page computes and the current status, for the plan page and
  its PDF; with ``charts=True`` (the PDF) each also carries the indicator page's chart as SVG.

Without a provider (indicators not installed) both are empty. Providers must cost a fixed number of
queries whatever the number of indicators: the plan page calls ``results``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ameliora.plans.models import ActionPlan


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


Readings = Callable[["ActionPlan", date], list[str]]


class Results(Protocol):
    def __call__(self, plan: ActionPlan, day: date, *, charts: bool = False) -> list[IndicatorResult]: ...


@dataclass(frozen=True)
class Provider:
    readings: Readings
    results: Results


_PROVIDERS: list[Provider] = []


def register_measures(*, readings: Readings, results: Results) -> Provider:
    """Set the provider (registering again replaces it, so reloading a module is harmless)."""
    provider = Provider(readings=readings, results=results)
    _PROVIDERS[:] = [provider]
    return provider


def readings_at(plan: ActionPlan, day: date) -> str:
    """The lines to pre-fill a review dated ``day`` with, joined; "" without indicators."""
    return "\n".join(line for provider in _PROVIDERS for line in provider.readings(plan, day))


def results_of(plan: ActionPlan, day: date, *, charts: bool = False) -> list[IndicatorResult]:
    return [result for provider in _PROVIDERS for result in provider.results(plan, day, charts=charts)]
