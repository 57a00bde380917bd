"""Writes on indicators: each runs in one transaction and refreshes the stored status.

Every path that adds or changes measurements (form, grid, import, API, computed sources) goes
through :func:`save_measurements`, which checks each row against the indicator, refuses periods
that already have a value unless ``replace`` is given, keeps every replaced value in history, and
ends with :func:`refresh_status`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from ameliora.core.models import Organization
from ameliora.indicators.analysis import analyse_indicator
from ameliora.indicators.models import Annotation, Indicator, Measurement, Phase
from ameliora.indicators.periods import period_end, period_start_of, shift_period
from ameliora.indicators.sources import get_source
from ameliora.plans.models import Objective

PERIOD_EXISTS = _(
    "A value is already recorded for %(period)s. Tick “replace” to overwrite it (the old value stays in the history)."
)
PERIOD_TWICE = _("The period %(period)s appears twice.")
NOT_COMPUTED = _("This indicator is entered by hand: there is nothing to recompute.")
OTHER_ORGANIZATION_OBJECTIVE = _("This objective belongs to another organization.")
UNKNOWN_SOURCE = _("The data source “%(source)s” is not available.")
PLAN_CLOSED = _("This plan is closed: reopen it through a revision before changing what measures it.")


@dataclass(frozen=True)
class MeasurementInput:
    """One period's value as typed or imported (``line`` numbers the row in a file or grid)."""

    period_start: date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


class MeasurementsRefusedError(ValidationError):
    """Raised with every row's errors; nothing was saved."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__([f"{e.line}: {e.message}" if e.line else e.message for e in errors])
        self.row_errors = errors


def _value_of(indicator: Indicator, row: MeasurementInput) -> Decimal | None:
    if indicator.uses_ratio:
        if row.numerator is None or row.denominator is None or row.denominator == 0:
            return None
        return (row.numerator / row.denominator).quantize(Decimal("0.000001"))
    return row.value


def check_rows(
    indicator: Indicator, rows: Sequence[MeasurementInput], *, replace: bool, existing: set[date] | None = None
) -> list[RowError]:
    """Every error of ``rows`` (bad values, duplicates within the rows and, unless ``replace``,
    periods that already have a value)."""
    if existing is None:
        existing = set(indicator.measurements.values_list("period_start", flat=True))
    errors: list[RowError] = []
    seen: dict[date, int] = {}
    for row in rows:
        for field, message in Measurement.check_for(
            indicator,
            period_start=row.period_start,
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
        ).items():
            errors.append(RowError(row.line, field, message))
        label = f"{row.period_start:%d/%m/%Y}"
        if row.period_start in seen:
            errors.append(RowError(row.line, "period_start", str(PERIOD_TWICE % {"period": label})))
        seen[row.period_start] = row.line
        if not replace and row.period_start in existing:
            errors.append(RowError(row.line, "period_start", str(PERIOD_EXISTS % {"period": label})))
    return errors


@transaction.atomic
def save_measurements(
    indicator: Indicator,
    rows: Sequence[MeasurementInput],
    *,
    acting_user: Any,
    replace: bool = False,
) -> tuple[int, int]:
    """Save all rows or none. Returns ``(created, replaced)``.

    New rows are inserted in bulk with their history; replaced rows are updated one by one so
    that each replacement leaves its own history record (who, when, the previous value).
    """
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()  # serialise writers of one series
    current = {m.period_start: m for m in indicator.measurements.all()}
    errors = check_rows(indicator, rows, replace=replace, existing=set(current))
    if errors:
        raise MeasurementsRefusedError(errors)
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    new: list[Measurement] = []
    replaced = 0
    for row in rows:
        fields = {
            "value": _value_of(indicator, row),
            "numerator": row.numerator if indicator.uses_ratio else None,
            "denominator": row.denominator if indicator.uses_ratio else None,
            "note": row.note[:500],
            "entered_by": user,
        }
        old = current.get(row.period_start)
        if old is None:
            new.append(
                Measurement(
                    organization_id=indicator.organization_id,
                    indicator=indicator,
                    period_start=row.period_start,
                    **fields,
                )
            )
            continue
        for name, value in fields.items():
            setattr(old, name, value)
        old._change_reason = "replaced"  # type: ignore[attr-defined]
        old.save(update_fields=[*fields, "entered_at"])
        replaced += 1
    if new:
        bulk_create_with_history(new, Measurement, batch_size=2000, default_user=user)
    refresh_status(indicator)
    return len(new), replaced


def save_measurement(indicator: Indicator, row: MeasurementInput, *, acting_user: Any, replace: bool = False) -> None:
    save_measurements(indicator, [row], acting_user=acting_user, replace=replace)


@transaction.atomic
def delete_measurement(measurement: Measurement) -> None:
    indicator = measurement.indicator
    measurement.delete()
    refresh_status(indicator)


def refresh_status(indicator: Indicator, *, today: date | None = None) -> Indicator:
    """Re-run the analysis of one indicator and store its status and last value (3 queries)."""
    measurements = list(indicator.measurements.all())
    phases = list(indicator.phases.all())
    analysis = analyse_indicator(indicator, measurements, phases, today=today or timezone.localdate())
    indicator.status = analysis.status
    if measurements:
        last = max(measurements, key=lambda m: m.period_start)
        indicator.last_period_start = last.period_start
        indicator.last_value = analysis.series.displayed[-1] * indicator.scale
    else:
        indicator.last_period_start = None
        indicator.last_value = None
    Indicator.objects.filter(pk=indicator.pk).update(
        status=indicator.status, last_period_start=indicator.last_period_start, last_value=indicator.last_value
    )
    return indicator


@transaction.atomic
@transaction.atomic
def save_indicator(indicator: Indicator, *, objectives: Iterable[Objective] | None = None) -> Indicator:
    """Create or update a definition (target, direction, chart... change the status).

    ``objectives`` (when given) replaces the action-plan objectives the indicator measures; they must
    belong to the indicator's organization.
    """
    indicator.full_clean(exclude=["objectives"])
    indicator.save()
    if objectives is not None:
        objectives = list(objectives)
        if any(o.organization_id != indicator.organization_id for o in objectives):
            raise ValidationError(OTHER_ORGANIZATION_OBJECTIVE, code="other_organization")
        indicator.objectives.set(objectives)
    refresh_status(indicator)
    return indicator


def _check_objective(indicator: Indicator, objective: Objective) -> None:
    if objective.organization_id != indicator.organization_id:
        raise ValidationError(OTHER_ORGANIZATION_OBJECTIVE, code="other_organization")
    if objective.plan.is_closed:
        raise ValidationError(PLAN_CLOSED, code="plan_closed")


@transaction.atomic
def link_objective(indicator: Indicator, *, objective: Objective) -> None:
    """Say that an existing indicator measures ``objective`` (linking twice is harmless)."""
    _check_objective(indicator, objective)
    indicator.objectives.add(objective)


@transaction.atomic
def unlink_objective(indicator: Indicator, *, objective: Objective) -> None:
    """The indicator no longer measures ``objective``; both stay, with their history."""
    _check_objective(indicator, objective)
    indicator.objectives.remove(objective)


@transaction.atomic
def update_targets(targets: Iterable[tuple[Indicator, Decimal | None, date | None]]) -> list[Indicator]:
    """Set the target value and date of several indicators (after a plan's revision changed the
    target of the objective they measure). Unchanged ones are not saved; simple-history keeps the
    previous target of the others, and their status is refreshed (a target can make one on target)."""
    changed = []
    for indicator, value, day in targets:
        if indicator.target_value == value and indicator.target_date == day:
            continue
        indicator.target_value, indicator.target_date = value, day
        indicator.full_clean(exclude=["objectives"])
        indicator.save(update_fields=["target_value", "target_date"])
        refresh_status(indicator)
        changed.append(indicator)
    return changed


@transaction.atomic
def add_phase(indicator: Indicator, *, start: date, label: str) -> Phase:
    start = period_start_of(start, indicator.periodicity)
    if indicator.phases.filter(start=start).exists():
        raise ValidationError(_("A phase already starts on %(date)s.") % {"date": f"{start:%d/%m/%Y}"})
    phase = Phase.objects.create(
        organization_id=indicator.organization_id, indicator=indicator, start=start, label=label
    )
    refresh_status(indicator)
    return phase


@transaction.atomic
def delete_phase(phase: Phase) -> None:
    indicator = phase.indicator
    phase.delete()
    refresh_status(indicator)


def add_annotation(indicator: Indicator, *, day: date, text: str) -> Annotation:
    return Annotation.objects.create(
        organization_id=indicator.organization_id, indicator=indicator, date=day, text=text
    )


def _periods_until(indicator: Indicator, first: date, today: date) -> list[date]:
    periods = []
    current = period_start_of(first, indicator.periodicity)
    while period_end(current, indicator.periodicity) < today:
        periods.append(current)
        current = shift_period(current, indicator.periodicity)
    return periods


@transaction.atomic
def recompute_from_source(
    indicator: Indicator, *, today: date | None = None, first: date | None = None, acting_user: Any = None
) -> int:
    """Fill (and overwrite) every completed period from the indicator's computed source.

    Starts at the first recorded period, else ``first``, else one year of periods back. Returns
    the number of periods written.
    """
    if not indicator.is_computed:
        raise ValidationError(NOT_COMPUTED)
    source = get_source(indicator.data_source)
    if source is None:
        raise ValidationError(UNKNOWN_SOURCE % {"source": indicator.data_source})
    today = today or timezone.localdate()
    start = indicator.measurements.order_by("period_start").values_list("period_start", flat=True).first()
    start = start or first or shift_period(period_start_of(today, indicator.periodicity), indicator.periodicity, -12)
    rows = []
    for period in _periods_until(indicator, start, today):
        value, denominator = source.run(
            indicator.organization,
            period,
            period_end(period, indicator.periodicity),
            indicator.periodicity,
            indicator.source_parameter,
        )
        if value is None:
            continue
        if indicator.uses_ratio:
            if not denominator:
                continue
            rows.append(MeasurementInput(period, numerator=Decimal(str(value)), denominator=Decimal(str(denominator))))
        else:
            rows.append(MeasurementInput(period, value=Decimal(str(value))))
    save_measurements(indicator, rows, acting_user=acting_user, replace=True)
    return len(rows)


def recompute_all_sources(organizations: Iterable[Organization] | None = None) -> int:
    """The daily job: refresh every active computed indicator; returns how many were refreshed."""
    indicators = Indicator.objects.filter(active=True).exclude(data_source="").select_related("organization")
    if organizations is not None:
        indicators = indicators.filter(organization__in=list(organizations))
    count = 0
    for indicator in indicators:
        if get_source(indicator.data_source) is None:
            continue
        recompute_from_source(indicator)
        count += 1
    return count
