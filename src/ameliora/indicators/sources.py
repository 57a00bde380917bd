"""Computed sources: data that other modules produce, feeding indicators automatically.

An app registers a source in its ``AppConfig.ready``::

    from ameliora.indicators.sources import register_source

    register_source(
        "events.declared",
        _("Adverse events declared"),
        lambda organization, start, end, periodicity: (Event.objects.for_org(organization)
            .filter(declared_on__range=(start, end)).count(), None),
    )

The function receives the organization, the first and last day of the period (both included) and
the periodicity; it returns ``(value, denominator)``: a count or measurement with ``None``, or a
numerator and its denominator for a proportion or a rate. Returning ``(None, None)`` means "no
value for this period" (nothing is recorded). An indicator whose ``data_source`` is the source's key
has its measurements refreshed by the daily job and by the "Recompute" button
(:func:`ameliora.indicators.services.recompute_from_source`).

A source may narrow what it counts with one parameter chosen on the indicator (a questionnaire, an
audit series, an event category): it declares a :class:`SourceParameter` whose ``choices`` lists,
for an organization, the allowed values (strings) and their labels::

    register_source(
        "surveys.satisfaction_rate",
        _("Satisfaction rate (surveys)"),
        satisfaction_rate,
        parameter=SourceParameter(_("Questionnaire"), questionnaire_choices),
    )

Its function then also receives ``parameter=`` the value stored on the indicator
(``Indicator.source_parameter``), ``""`` meaning "all". Sources without a parameter keep the
four-argument signature: :meth:`Source.run` passes the keyword only to those that declare one. The
indicator form offers only the organization's choices, so a value never points at another
organization's data; the functions still filter by organization.

The registry lives here, not in ``core``, because indicators are what consumes it; apps that feed
indicators may import ``indicators`` (the arrows in ``docs/architecture.md`` allow it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from ameliora.core.models import Organization

Number = int | float | Decimal
Result = tuple[Number | None, Number | None]
# ``compute(organization, start, end, periodicity)``, plus ``parameter=`` for a source that declares one.
SourceFunction = Callable[..., Result]
ChoicesFunction = Callable[["Organization"], list[tuple[str, str]]]


@dataclass(frozen=True)
class SourceParameter:
    """What a source can be narrowed to: its label in the form and the choices of an organization."""

    label: str | Promise
    choices: ChoicesFunction


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    compute: SourceFunction
    parameter: SourceParameter | None = None

    def run(self, organization: Organization, start: date, end: date, periodicity: str, parameter: str = "") -> Result:
        """Compute one period; ``parameter`` (``""``: all) reaches only a source that declares one."""
        if self.parameter is None:
            return self.compute(organization, start, end, periodicity)
        return self.compute(organization, start, end, periodicity, parameter=parameter)

    def parameter_choices(self, organization: Organization) -> list[tuple[str, str]]:
        return self.parameter.choices(organization) if self.parameter is not None else []


SOURCES: dict[str, Source] = {}


def register_source(
    key: str, label: str | Promise, compute: SourceFunction, *, parameter: SourceParameter | None = None
) -> Source:
    """Make ``compute`` available as the data source ``key`` of indicators; a key is registered once."""
    if not key or len(key) > 80:
        raise ValueError("A source key is 1 to 80 characters long")
    if key in SOURCES and SOURCES[key].compute is not compute:
        raise ValueError(f"A computed source {key!r} is already registered")
    source = Source(key, label, compute, parameter)
    SOURCES[key] = source
    return source


def unregister_source(key: str) -> None:
    """For tests: forget a source."""
    SOURCES.pop(key, None)


def get_source(key: str) -> Source | None:
    return SOURCES.get(key)


def source_choices() -> list[tuple[str, str]]:
    return [(source.key, str(source.label)) for source in sorted(SOURCES.values(), key=lambda s: str(s.label))]
