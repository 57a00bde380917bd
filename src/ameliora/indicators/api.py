"""Indicators API: list, detail with the analysis, creating an indicator, recording a measurement or
many at once, adding a phase, freezing the baseline and leaving an explained outlier out of the limits."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

import pydantic
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate
from pydantic import BeforeValidator, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from ameliora.core.api_types import (
    ERRORS,
    MAX_ID,
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
from ameliora.indicators.forms import IndicatorForm, PhaseForm
from ameliora.indicators.imports import check_imported_rows
from ameliora.indicators.models import (
    ChartKind,
    Direction,
    Indicator,
    IndicatorType,
    Kind,
    Measurement,
    Phase,
    RuleSet,
)
from ameliora.indicators.periods import Periodicity, period_start_of
from ameliora.indicators.reading import Reading

router = Router(tags=["indicators"])
SchemaT = TypeVar("SchemaT", bound=Schema)
RECORDED = _("Recorded.")
NOTHING_TO_CHANGE = _("Nothing to change: give freeze_points or freeze_until (null to unfreeze).")
NO_VALUE_FOR_PERIOD = _("No value is recorded for this period.")
CHOOSE_ONE = _("Choose one of: %(expected)s.")
BULK_RECORDED = _("%(created)s value(s) recorded, %(replaced)s replaced.")
#: As many rows as an import commits at once (larger files go through a background job).
MAX_BULK_ROWS = 2000
#: Far more objectives than one indicator measures.
MAX_OBJECTIVES = 100


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


class IndicatorPhaseOut(Schema):
    id: int
    start: date
    label: str


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
    phases: list[IndicatorPhaseOut] = pydantic.Field(description="From each start on, something changed.")


def _date_text(value: Any) -> Any:
    # Ninja validates a body's values as Python objects, where pydantic reads a number as a Unix time.
    if not isinstance(value, str | date):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


#: A date in a JSON body: an ISO text, as the document says (never a number), from 1900 to 2100.
BodyDate = Annotated[PlausibleDate, BeforeValidator(_date_text)]


def _integer(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


#: A whole number in a JSON body, never read from a text or a float.
WholeNumber = Annotated[int, BeforeValidator(_integer)]
RelatedId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_integer)]


class IndicatorPatchIn(Schema):
    """Freeze the baseline on its first ``freeze_points`` values or up to the period of ``freeze_until``
    (one of them; both null unfreezes)."""

    freeze_points: int | None = None
    freeze_until: BodyDate | None = None

    # An empty object changes nothing and is refused: the document says so.
    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "examples": [{"freeze_points": None}]})


class MeasurementPatchIn(Schema):
    """Leave a value out of the limits (``excluded: true`` with a reason) or count it again."""

    excluded: pydantic.StrictBool  # 0 or "yes" are no booleans: refused, as the document says
    exclusion_reason: Annotated[Text, Field(max_length=max_length(Measurement, "exclusion_reason"))] = ""

    model_config = ConfigDict(json_schema_extra={"examples": [{"excluded": False}]})


class MeasurementRowIn(Schema):
    """One period's value. Numbers are bounded by the columns that store them (a value is at most
    999 999 999 999 with 6 decimals), the note by its column's length, the date to 1900-2100."""

    period_start: BodyDate
    value: Annotated[Decimal, ModelDecimal(Measurement, "value")] | None = None
    numerator: Annotated[Decimal, ModelDecimal(Measurement, "numerator")] | None = None
    denominator: Annotated[Decimal, ModelDecimal(Measurement, "denominator")] | None = None
    note: Annotated[Text, Field(max_length=max_length(Measurement, "note"))] = ""

    # One example fits every kind: a count or yes/no reads `value`, a proportion or rate the pair.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"period_start": "2000-01-03", "value": 1, "numerator": 1, "denominator": 2, "note": ""}]
        }
    )


class MeasurementIn(MeasurementRowIn):
    """One period's value, replacing the one recorded for that period if ``replace``."""

    replace: pydantic.StrictBool = False


class MeasurementsBulkIn(Schema):
    """Many periods at once, saved all together or not at all, with the checks of a file import."""

    measurements: list[MeasurementRowIn] = Field(min_length=1, max_length=MAX_BULK_ROWS)
    replace: pydantic.StrictBool = pydantic.Field(
        False, description="Overwrite the periods already recorded (the old values stay in the history)."
    )

    # One row every kind accepts (see MeasurementRowIn), replacing, so that it can be sent twice.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "measurements": [
                        {"period_start": "2000-01-03", "value": 1, "numerator": 1, "denominator": 2, "note": ""}
                    ],
                    "replace": True,
                }
            ]
        }
    )


class MeasurementsBulkOut(Schema):
    message: str
    created: int
    replaced: int


@dataclass(frozen=True)
class OneOf:
    """``Annotated[Text, OneOf(Kind)]``: one of a model field's choices, listed in the document as an
    ``enum`` (inline, so no component name can clash) and refused otherwise with a translated message."""

    choices: type[models.TextChoices]

    def _check(self, value: str) -> str:
        if value not in self.choices.values:
            raise ValueError(str(CHOOSE_ONE % {"expected": ", ".join(repr(v) for v in self.choices.values)}))
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {**handler(schema), "enum": list(self.choices.values)}


TargetNumber = Annotated[Decimal, ModelDecimal(Indicator, "target_value")]
ThresholdNumber = Annotated[Decimal, ModelDecimal(Indicator, "alert_threshold")]


class IndicatorIn(Schema):
    """A new indicator: the fields of the page's form, checked by that form (a name already taken, a
    chart that does not suit the kind, a proportion's target outside 0-100, an owner or objective of
    another organization are refused with a 422 naming the field)."""

    name: Annotated[Text, Field(min_length=1, max_length=max_length(Indicator, "name"))]
    kind: Annotated[Text, OneOf(Kind)]
    periodicity: Annotated[Text, OneOf(Periodicity)]
    direction: Annotated[Text, OneOf(Direction)]
    chart: Annotated[Text, OneOf(ChartKind)] = pydantic.Field(
        "", description="Empty: the kind's default chart (C for a count, P for a proportion…)."
    )
    rules: Annotated[Text, OneOf(RuleSet)] = RuleSet.ANHOEJ.value
    indicator_type: Annotated[Text, OneOf(IndicatorType)] = IndicatorType.PROCESS.value
    description: Text = ""
    numerator_definition: Text = ""
    denominator_definition: Text = ""
    exclusions: Text = ""
    unit: Annotated[Text, Field(max_length=max_length(Indicator, "unit"))] = ""
    multiplier: WholeNumber = pydantic.Field(
        1000, ge=1, le=2**31 - 1, description="Rates only: events per this many units."
    )
    target_value: TargetNumber | None = pydantic.Field(None, description="On the displayed scale (a percentage).")
    target_date: BodyDate | None = None
    alert_threshold: ThresholdNumber | None = None
    owner: RelatedId | None = pydantic.Field(
        None, description="The id of a membership of the organization; left out: the member creating it."
    )
    objectives: list[RelatedId] = pydantic.Field(
        default_factory=list, max_length=MAX_OBJECTIVES, description="Ids of the action-plan objectives it measures."
    )
    data_source: Annotated[Text, Field(max_length=max_length(Indicator, "data_source"))] = pydantic.Field(
        "", description="A computed source's key; empty: entered by hand."
    )
    source_parameter: Annotated[Text, Field(max_length=max_length(Indicator, "source_parameter"))] = ""
    active: pydantic.StrictBool = True

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Erreurs de délivrance", "kind": "count", "periodicity": "week", "direction": "down"}]
        }
    )


class PhaseIn(Schema):
    """From ``start`` (any day of a period: its first day is kept) something changed: a new phase."""

    start: BodyDate
    label: Annotated[Text, Field(min_length=1, max_length=max_length(Phase, "label"))]

    model_config = ConfigDict(json_schema_extra={"examples": [{"start": "2000-01-03", "label": "Double contrôle"}]})


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
    phases = list(indicator.phases.all())
    analysis = analyse_indicator(indicator, measurements, phases, today=timezone.localdate())
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
        phases=[IndicatorPhaseOut.from_orm(p).dict() for p in phases],
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


def _json_body(schema: type[Schema]) -> dict[str, Any]:
    """The ``openapi_extra`` documenting a body read by :func:`_body`."""
    return {"requestBody": {"content": {"application/json": {"schema": schema.model_json_schema()}}, "required": True}}


def _refused_input(errors: Iterable[tuple[tuple[str | int, ...], str]]) -> InputError:
    """A 422 naming each refused field (its place in the body) with the message of the form or service."""
    return InputError(
        [{"type": "value_error", "loc": ("body", *loc), "ctx": {"error": message}} for loc, message in errors]
    )


def _form_refused(form: BaseForm) -> InputError:
    return _refused_input(
        (() if field == NON_FIELD_ERRORS else (field,), str(message))
        for field, messages in form.errors.items()
        for message in messages
    )


def _rows_refused(errors: Iterable[services.RowError]) -> InputError:
    return _refused_input((("measurements", error.line, error.field), error.message) for error in errors)


@router.post("", response={201: IndicatorDetailOut, **ERRORS}, openapi_extra=_json_body(IndicatorIn))
def create_indicator(request: HttpRequest, org_slug: OrgSlug) -> Status[dict[str, Any]]:
    """Create an indicator (body: ``IndicatorIn``) with the checks of the page's form: a refusal is a
    422 naming the field, as the page's form keeps the input and says what is wrong. Answers the
    new indicator's detail."""
    membership = _membership(request)
    require(membership, "indicators.edit")
    body = _body(IndicatorIn, request)
    data = body.model_dump()
    if "owner" not in body.model_fields_set:
        data["owner"] = membership.pk  # as the page, which offers the member creating it
    data["source_parameter_for"] = body.data_source  # the parameter was chosen for this source
    form = IndicatorForm(data, organization=membership.organization)
    if not form.is_valid():
        raise _form_refused(form)
    indicator = services.save_indicator(form.instance, objectives=form.cleaned_data["objectives"])
    return Status(201, indicator_detail(request, org_slug, indicator.pk))


# Declared before the PATCH of one period, whose ``{period_start}`` would otherwise take "bulk".
@router.post(
    "/{indicator_id}/measurements/bulk",
    response={201: MeasurementsBulkOut, **ERRORS},
    openapi_extra=_json_body(MeasurementsBulkIn),
)
def add_measurements(request: HttpRequest, org_slug: OrgSlug, indicator_id: ObjectId) -> Status[dict[str, Any]]:
    """Record many periods at once (body: ``MeasurementsBulkIn``; each ``period_start`` may be any
    day of its period), all or none, with the checks of a file import. Every refused row is a 422
    entry whose field is ``measurements.<index>.<field>`` (index from 0); nothing is then saved."""
    membership = _membership(request)
    require(membership, "indicators.enter_data")
    indicator = get_indicator_for(membership, indicator_id)
    body = _body(MeasurementsBulkIn, request)
    rows = [
        services.MeasurementInput(
            period_start=period_start_of(row.period_start, indicator.periodicity),
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
            note=row.note,
            line=index,
        )
        for index, row in enumerate(body.measurements)
    ]
    if errors := check_imported_rows(indicator, rows, replace=body.replace):
        raise _rows_refused(errors)
    try:
        created, replaced = services.save_measurements(indicator, rows, acting_user=request.user, replace=body.replace)
    except services.MeasurementsRefusedError as exc:  # a period recorded by someone else meanwhile
        raise _rows_refused(exc.row_errors) from exc
    message = BULK_RECORDED % {"created": created, "replaced": replaced}
    return Status(201, {"message": str(message), "created": created, "replaced": replaced})


@router.post("/{indicator_id}/phases", response={201: IndicatorPhaseOut, **ERRORS}, openapi_extra=_json_body(PhaseIn))
def add_phase(request: HttpRequest, org_slug: OrgSlug, indicator_id: ObjectId) -> Status[Phase]:
    """Start a new phase (body: ``PhaseIn``) with the checks of the page's phase form; a phase that
    already starts in that period is a 422 on ``start``."""
    membership = _membership(request)
    require(membership, "indicators.edit")
    indicator = get_indicator_for(membership, indicator_id)
    form = PhaseForm(_body(PhaseIn, request).model_dump())
    if form.is_valid():
        try:
            phase = services.add_phase(indicator, start=form.cleaned_data["start"], label=form.cleaned_data["label"])
        except ValidationError as exc:
            form.add_error("start", exc)
        else:
            return Status(201, phase)
    raise _form_refused(form)


@router.patch(
    "/{indicator_id}",
    response={200: IndicatorDetailOut, **ERRORS},
    openapi_extra=_json_body(IndicatorPatchIn),
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
    openapi_extra=_json_body(MeasurementPatchIn),
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
    openapi_extra=_json_body(MeasurementIn),
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
