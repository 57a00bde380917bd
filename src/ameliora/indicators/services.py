"""Writes on indicators: each runs in one transaction and refreshes the stored status.

Every path that adds or changes measurements (form, grid, import, API, computed sources) goes
through :func:`save_measurements`, which checks each row against the indicator, refuses periods
that already have a value unless ``replace`` is given, keeps every replaced value in history, and
ends with :func:`refresh_status`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from ameliora.analytics.errors import AnalysisInputError
from ameliora.analytics.report import analyse
from ameliora.core.models import Organization
from ameliora.core.tokens import history_reason
from ameliora.indicators.analysis import MIN_FREEZE, analyse_indicator, build_series, payload_for
from ameliora.indicators.models import Annotation, ImportMapping, Indicator, Kind, Measurement, Phase
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
RATIO_TOO_LARGE = _("This numerator divided by this denominator is too large to store: check both.")
PLAN_CLOSED = _("This plan is closed: reopen it through a revision before changing what measures it.")
FREEZE_TOO_FEW = _(
    "A frozen baseline needs at least %(min)s values; %(count)s recorded up to %(period)s. "
    "Enter more values or choose a later period."
)
FREEZE_POINTS_RANGE = _("Choose a number of values between %(min)s and %(max)s (the values recorded).")
FREEZE_NEEDS_VALUES = _("At least %(min)s values must be recorded before the baseline can be frozen.")
FREEZE_ACROSS_PHASE = _(
    "A phase starts on %(date)s: the frozen baseline must end before it (the later phases compute their own limits)."
)
FREEZE_MISMATCH = _("The first %(count)s values end on %(period)s, not on the period given.")
EXCLUSION_NEEDS_REASON = _("Say why this value is left out of the limits (e.g. “software outage that week”).")
EXCLUSION_MILESTONE = _("A milestone has no control limits: there is nothing to leave this value out of.")
EXCLUSION_LEAVES_TOO_FEW = _(
    "Leaving this value out would leave too few values to compute the centre line and limits "
    "(at least %(min)s per phase, and in the frozen baseline)."
)


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


def _ratio_fits(value: Decimal) -> bool:
    """Whether a proportion's or rate's value fits its column (numerator / 0.0001 may not).

    Whole digits all nines at most, as the API's ``core.api_types.ModelDecimal`` bounds a value:
    SQLite would read a larger one back rounded up to one digit too many.
    """
    column = Measurement._meta.get_field("value")
    if not isinstance(column, models.DecimalField) or column.max_digits is None or column.decimal_places is None:
        raise TypeError("Measurement.value must be a bounded DecimalField")
    return abs(value) <= Decimal(10) ** (column.max_digits - column.decimal_places) - 1


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
        ratio = _value_of(indicator, row) if indicator.uses_ratio else None
        if ratio is not None and not _ratio_fits(ratio):
            errors.append(RowError(row.line, "numerator", str(RATIO_TOO_LARGE)))
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
        bulk_create_with_history(
            new, Measurement, batch_size=2000, default_user=user, default_change_reason=history_reason()
        )
    refresh_status(indicator)
    return len(new), replaced


def save_measurement(indicator: Indicator, row: MeasurementInput, *, acting_user: Any, replace: bool = False) -> None:
    save_measurements(indicator, [row], acting_user=acting_user, replace=replace)


@transaction.atomic
def import_measurements(
    indicator: Indicator,
    rows: Sequence[MeasurementInput],
    *,
    acting_user: Any,
    replace: bool = False,
    columns: Mapping[str, str] | None = None,
) -> tuple[int, int]:
    """Save a file's rows (all or none, as :func:`save_measurements`) and, when the person chose
    the ``columns`` (role → header), remember them for the indicator's next file."""
    counts = save_measurements(indicator, rows, acting_user=acting_user, replace=replace)
    if columns:
        remember_import_columns(indicator, columns=columns, acting_user=acting_user)
    return counts


@transaction.atomic
def remember_import_columns(indicator: Indicator, *, columns: Mapping[str, str], acting_user: Any) -> ImportMapping:
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    mapping, _created = ImportMapping.objects.update_or_create(
        indicator=indicator,
        defaults={"organization_id": indicator.organization_id, "columns": dict(columns), "updated_by": user},
    )
    return mapping


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


def resolve_freeze(indicator: Indicator, *, points: int | None = None, until: date | None = None) -> date | None:
    """The last period of a frozen baseline given by its number of values or by a period (or neither:
    not frozen). Raises a ``ValidationError`` keyed ``freeze_points`` or ``freeze_until``.

    The baseline must hold at least two recorded values and end before the first phase, so that the
    later phases keep computing their own limits.
    """
    periods = sorted(indicator.measurements.values_list("period_start", flat=True)) if indicator.pk else []
    if points is not None:
        if len(periods) < MIN_FREEZE:
            raise ValidationError({"freeze_points": FREEZE_NEEDS_VALUES % {"min": MIN_FREEZE}})
        if not MIN_FREEZE <= points <= len(periods):
            raise ValidationError({"freeze_points": FREEZE_POINTS_RANGE % {"min": MIN_FREEZE, "max": len(periods)}})
        last = periods[points - 1]
        if until is not None and period_start_of(until, indicator.periodicity) != last:
            raise ValidationError({"freeze_until": FREEZE_MISMATCH % {"count": points, "period": f"{last:%d/%m/%Y}"}})
        until, field = last, "freeze_points"
    elif until is not None:
        until, field = period_start_of(until, indicator.periodicity), "freeze_until"
        count = sum(1 for period in periods if period <= until)
        if count < MIN_FREEZE:
            raise ValidationError(
                {field: FREEZE_TOO_FEW % {"min": MIN_FREEZE, "count": count, "period": f"{until:%d/%m/%Y}"}}
            )
    else:
        return None
    first_phase = indicator.phases.order_by("start").values_list("start", flat=True).first() if indicator.pk else None
    if first_phase is not None and until >= first_phase:
        raise ValidationError({field: FREEZE_ACROSS_PHASE % {"date": f"{first_phase:%d/%m/%Y}"}})
    return until


@transaction.atomic
def freeze_baseline(indicator: Indicator, *, points: int | None = None, until: date | None = None) -> Indicator:
    """Freeze the baseline on its first ``points`` values or up to the period of ``until``; neither
    unfreezes it. The previous setting stays in the history; the status is refreshed."""
    indicator.freeze_until = resolve_freeze(indicator, points=points, until=until)
    indicator.save(update_fields=["freeze_until"])
    refresh_status(indicator)
    return indicator


def _analysable(indicator: Indicator, measurements: Sequence[Measurement], phases: Sequence[Phase]) -> bool:
    try:
        analyse(payload_for(indicator, build_series(indicator, measurements, phases)))
    except AnalysisInputError:
        return False
    return True


@transaction.atomic
def exclude_measurement(measurement: Measurement, *, reason: str) -> Measurement:
    """Leave an explained outlier out of the centre line and limits; it stays on the chart, marked.

    Refused without a reason, or when the phase (or the frozen baseline) would keep fewer values than
    the engine needs. History keeps who excluded it, when and why.
    """
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise ValidationError({"exclusion_reason": EXCLUSION_NEEDS_REASON})
    indicator = Indicator.objects.select_for_update().get(pk=measurement.indicator_id)
    if indicator.kind == Kind.YES_NO:
        raise ValidationError({"exclusion_reason": EXCLUSION_MILESTONE})
    measurements = list(indicator.measurements.all())
    phases = list(indicator.phases.all())
    before = _analysable(indicator, measurements, phases)
    for row in measurements:
        if row.pk == measurement.pk:
            row.excluded = True
    if before and not _analysable(indicator, measurements, phases):
        raise ValidationError({"exclusion_reason": EXCLUSION_LEAVES_TOO_FEW % {"min": MIN_FREEZE}})
    measurement.excluded, measurement.exclusion_reason = True, reason
    measurement.save(update_fields=["excluded", "exclusion_reason"])
    refresh_status(indicator)
    return measurement


@transaction.atomic
def include_measurement(measurement: Measurement) -> Measurement:
    """Count a previously excluded value in the limits again (the reason stays in the history)."""
    measurement.excluded, measurement.exclusion_reason = False, ""
    measurement.save(update_fields=["excluded", "exclusion_reason"])
    refresh_status(measurement.indicator)
    return measurement


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
def align_on_objective(indicator: Indicator, *, objective: Objective) -> bool:
    """Give the indicator the objective's target value and deadline (those the objective sets; the
    plan's commitment wins). Refused unless the indicator measures the objective. True if it changed."""
    _check_objective(indicator, objective)
    if not indicator.objectives.filter(pk=objective.pk).exists():
        raise ValidationError(_("This indicator does not measure this objective."))
    value = objective.target_value if objective.target_value is not None else indicator.target_value
    day = objective.deadline if objective.deadline is not None else indicator.target_date
    return bool(update_targets([(indicator, value, day)]))


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
