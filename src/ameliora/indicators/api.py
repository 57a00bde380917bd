"""Indicators API: list, detail with the analysis, recording a measurement, freezing the baseline and
leaving an explained outlier out of the limits."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

import pydantic
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate
from pydantic import ConfigDict

from ameliora.core.api_types import (
    ERRORS,
    Message,
    ModelDecimal,
    ObjectId,
    OrgSlug,
    Pagination,
    Text,
    max_length,
)
from ameliora.core.dates import PlausibleDate
from ameliora.core.permissions import require
from ameliora.indicators import services
from ameliora.indicators.access import get_indicator_for, indicators_for
from ameliora.indicators.analysis import analyse_indicator, payload_for
from ameliora.indicators.models import Indicator, Measurement
from ameliora.indicators.periods import period_start_of
from ameliora.indicators.reading import Reading

router = Router(tags=["indicators"])
SchemaT = TypeVar("SchemaT", bound=Schema)
RECORDED = _("Recorded.")
NOTHING_TO_CHANGE = _("Nothing to change: give freeze_points or freeze_until (null to unfreeze).")
NO_VALUE_FOR_PERIOD = _("No value is recorded for this period.")


class IndicatorOut(Schema):
    id: int
    name: str
    kind: str
    indicator_type: str
    periodicity: str
    direction: str
    unit: str
    target_value: Decimal | None
    target_date: date | None
    active: bool
    status: str
    last_period_start: date | None
    last_value: float | None


class MeasurementOut(Schema):
    period_start: date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    note: str
    excluded: bool = pydantic.Field(description="Left out of the centre line and limits (still plotted).")
    exclusion_reason: str


class FreezeOut(Schema):
    """The frozen baseline: its last period and its number of values (qicharts2's ``freeze``)."""

    until: date
    points: int


class ExcludedPointOut(Schema):
    period_start: date
    reason: str


class ReadingSignalOut(Schema):
    """A special cause found in the last phase, with the periods it spans."""

    rule: Literal["shift", "few_crossings", "trend", "outside_limits", "two_of_three"]
    start: date = pydantic.Field(description="Period start of the first point concerned.")
    end: date = pydantic.Field(description="Period start of the last point concerned.")
    length: int = pydantic.Field(description="Number of points concerned.")
    side: Literal["above", "below"] | None = pydantic.Field(
        description="Side of the centre line (shift, two of three) or of the limits (outside limits) of every "
        "point; null for a trend and too few crossings."
    )
    reference: Literal["own", "previous"] = pydantic.Field(
        description="The centre line the rule was applied to: the phase's own or the previous phase's."
    )


class SuggestedPhaseOut(Schema):
    """A change point: where a new phase should start."""

    start: date
    reason: Literal["shift", "after_shift"] = pydantic.Field(
        description="shift: a sustained shift starts there; after_shift: the shift that opened the phase ends there."
    )


class ReadingBeforeAfterOut(Schema):
    """The last phase compared with the previous one, as on the page."""

    test: str
    p_value: float
    significant: bool


class IndicatorReadingOut(Schema):
    """What the page says, as data: every sentence and badge of the indicator is derived from it."""

    status: str
    variation: Literal["improvement", "concern", "common_cause"] | None
    assurance: Literal["met", "not_met", "inconsistent"] | None
    current_level: float | None = pydantic.Field(
        description="On the display scale (percent for proportions): the last phase's centre line, or the level "
        "since the suggested phase's start."
    )
    signals: list[ReadingSignalOut]
    suggested_phase: SuggestedPhaseOut | None
    before_after: ReadingBeforeAfterOut | None


def reading_out(reading: Reading) -> dict[str, Any]:
    """The reading as the API shows it (dates as ISO period starts)."""
    ba = reading.before_after
    suggestion = reading.suggested_phase
    return {
        "status": reading.status,
        "variation": reading.variation,
        "assurance": reading.assurance,
        "current_level": reading.current_level,
        "signals": [
            {
                "rule": s.rule,
                "start": s.start,
                "end": s.end,
                "length": s.length,
                "side": s.side,
                "reference": s.reference,
            }
            for s in reading.signals
        ],
        "suggested_phase": None if suggestion is None else {"start": suggestion.start, "reason": suggestion.reason},
        "before_after": None if ba is None else {"test": ba.test, "p_value": ba.p_value, "significant": ba.significant},
    }


class IndicatorDetailOut(IndicatorOut):
    measurements: list[MeasurementOut]
    reading: IndicatorReadingOut
    conclusion: list[str]
    payload: dict[str, Any] | None
    analysis: list[dict[str, Any]]
    freeze: FreezeOut | None = pydantic.Field(
        description="The baseline the limits are computed from, extended over the later values; null: not frozen."
    )
    excluded_points: list[ExcludedPointOut] = pydantic.Field(
        description="Values left out of the centre line and limits, each with its reason."
    )


class IndicatorPatchIn(Schema):
    """Freeze the baseline on its first ``freeze_points`` values or up to the period of ``freeze_until``
    (one of them; both null unfreezes)."""

    freeze_points: int | None = None
    freeze_until: PlausibleDate | None = None

    # An empty object changes nothing and is refused: the document says so.
    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "examples": [{"freeze_points": None}]})


class MeasurementPatchIn(Schema):
    """Leave a value out of the limits (``excluded: true`` with a reason) or count it again."""

    excluded: pydantic.StrictBool  # 0 or "yes" are no booleans: refused, as the document says
    exclusion_reason: Annotated[Text, Field(max_length=max_length(Measurement, "exclusion_reason"))] = ""

    model_config = ConfigDict(json_schema_extra={"examples": [{"excluded": False}]})


class MeasurementIn(Schema):
    """One period's value. Numbers are bounded by the columns that store them (a value is at most
    999 999 999 999 with 6 decimals), the note by its column's length, the date to 1900-2100."""

    period_start: PlausibleDate
    value: Annotated[Decimal, ModelDecimal(Measurement, "value")] | None = None
    numerator: Annotated[Decimal, ModelDecimal(Measurement, "numerator")] | None = None
    denominator: Annotated[Decimal, ModelDecimal(Measurement, "denominator")] | None = None
    note: Annotated[Text, Field(max_length=max_length(Measurement, "note"))] = ""
    replace: pydantic.StrictBool = False

    # One example fits every kind: a count or yes/no reads `value`, a proportion or rate the pair.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"period_start": "2000-01-03", "value": 1, "numerator": 1, "denominator": 2, "note": ""}]
        }
    )


def _membership(request: HttpRequest) -> Any:
    return request.membership  # type: ignore[attr-defined]


@router.get("", response={200: list[IndicatorOut], **ERRORS})
@paginate(Pagination, page_size=50)
def list_indicators(request: HttpRequest, org_slug: OrgSlug) -> Any:
    membership = _membership(request)
    require(membership, "indicators.view")
    return indicators_for(membership).order_by("name", "pk")


@router.get("/{indicator_id}", response={200: IndicatorDetailOut, **ERRORS})
def indicator_detail(request: HttpRequest, org_slug: OrgSlug, indicator_id: ObjectId) -> dict[str, Any]:
    membership = _membership(request)
    require(membership, "indicators.view")
    indicator: Indicator = get_indicator_for(membership, indicator_id)
    measurements = list(indicator.measurements.all())
    analysis = analyse_indicator(indicator, measurements, list(indicator.phases.all()), today=timezone.localdate())
    data = IndicatorOut.from_orm(indicator).dict()
    periods = [m.period_start for m in measurements]
    points = indicator.baseline_points(periods)
    data.update(
        measurements=[MeasurementOut.from_orm(m).dict() for m in measurements],
        reading=reading_out(analysis.reading),
        conclusion=analysis.conclusion,
        payload=payload_for(indicator, analysis.series) if analysis.results else None,
        analysis=analysis.results,
        freeze=None if indicator.freeze_until is None else {"until": indicator.freeze_until, "points": points},
        excluded_points=[
            {"period_start": m.period_start, "reason": m.exclusion_reason} for m in measurements if m.excluded
        ],
    )
    return data


def _body(schema: type[SchemaT], request: HttpRequest) -> SchemaT:
    """The JSON body, read after the access check (so another organization's object answers 404
    whatever the body); invalid, it is a 422 like ninja's own."""
    try:
        return schema.model_validate_json(request.body or b"{}")
    except pydantic.ValidationError as exc:
        raise InputError([{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]) from exc


def _refused(exc: ValidationError) -> HttpError:
    return HttpError(400, " ".join(exc.messages))


@router.patch(
    "/{indicator_id}",
    response={200: IndicatorDetailOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": IndicatorPatchIn.model_json_schema()}},
            "required": True,
        }
    },
)
def update_indicator(request: HttpRequest, org_slug: OrgSlug, indicator_id: ObjectId) -> dict[str, Any]:
    """Freeze (or unfreeze) the baseline, with the checks of the indicator form: at least two values,
    ending before the first phase. Answers the updated detail."""
    membership = _membership(request)
    require(membership, "indicators.edit")
    indicator = get_indicator_for(membership, indicator_id)
    body = _body(IndicatorPatchIn, request)
    if not body.model_fields_set & {"freeze_points", "freeze_until"}:
        raise InputError([{"type": "value_error", "loc": ("body",), "ctx": {"error": NOTHING_TO_CHANGE}}])
    try:
        services.freeze_baseline(indicator, points=body.freeze_points, until=body.freeze_until)
    except ValidationError as exc:
        raise _refused(exc) from exc
    return indicator_detail(request, org_slug, indicator_id)


@router.patch(
    "/{indicator_id}/measurements/{period_start}",
    response={200: MeasurementOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": MeasurementPatchIn.model_json_schema()}},
            "required": True,
        }
    },
)
def update_measurement(
    request: HttpRequest, org_slug: OrgSlug, indicator_id: ObjectId, period_start: PlausibleDate
) -> Measurement:
    """Leave the value of a period (any day in it) out of the limits, with a reason, or count it again."""
    membership = _membership(request)
    require(membership, "indicators.enter_data")
    indicator = get_indicator_for(membership, indicator_id)
    measurement = indicator.measurements.filter(
        period_start=period_start_of(period_start, indicator.periodicity)
    ).first()
    if measurement is None:
        raise HttpError(404, str(NO_VALUE_FOR_PERIOD))
    body = _body(MeasurementPatchIn, request)
    try:
        if body.excluded:
            return services.exclude_measurement(measurement, reason=body.exclusion_reason)
        return services.include_measurement(measurement)
    except ValidationError as exc:
        raise _refused(exc) from exc


@router.post(
    "/{indicator_id}/measurements",
    response={201: Message, **ERRORS},
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": MeasurementIn.model_json_schema()}},
            "required": True,
        }
    },
)
def add_measurement(request: HttpRequest, org_slug: OrgSlug, indicator_id: ObjectId) -> Status[dict[str, str]]:
    """Record one period (body: ``MeasurementIn``)."""
    membership = _membership(request)
    require(membership, "indicators.enter_data")
    indicator = get_indicator_for(membership, indicator_id)
    body = _body(MeasurementIn, request)
    row = services.MeasurementInput(
        period_start=period_start_of(body.period_start, indicator.periodicity),
        value=body.value,
        numerator=body.numerator,
        denominator=body.denominator,
        note=body.note,
    )
    try:
        services.save_measurement(indicator, row, acting_user=request.user, replace=body.replace)
    except services.MeasurementsRefusedError as exc:
        raise HttpError(400, " ".join(e.message for e in exc.row_errors)) from exc
    return Status(201, {"message": str(RECORDED)})
