"""Indicators API: list, detail with the analysis, and recording a measurement."""

from datetime import date
from decimal import Decimal
from typing import Any

import pydantic
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from ameliora.core.permissions import require
from ameliora.indicators import services
from ameliora.indicators.access import get_indicator_for, indicators_for
from ameliora.indicators.analysis import analyse_indicator, payload_for
from ameliora.indicators.models import Indicator
from ameliora.indicators.periods import period_start_of

router = Router(tags=["indicators"])


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


class IndicatorDetailOut(IndicatorOut):
    measurements: list[MeasurementOut]
    conclusion: list[str]
    payload: dict[str, Any] | None
    analysis: list[dict[str, Any]]


class MeasurementIn(Schema):
    period_start: date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""
    replace: bool = False


class MessageOut(Schema):
    message: str


def _membership(request: HttpRequest) -> Any:
    return request.membership  # type: ignore[attr-defined]


@router.get("", response=list[IndicatorOut])
@paginate(PageNumberPagination, page_size=50)
def list_indicators(request: HttpRequest, org_slug: Path[str]) -> Any:
    membership = _membership(request)
    require(membership, "indicators.view")
    return indicators_for(membership).order_by("name", "pk")


@router.get("/{indicator_id}", response=IndicatorDetailOut)
def indicator_detail(request: HttpRequest, org_slug: Path[str], indicator_id: int) -> dict[str, Any]:
    membership = _membership(request)
    require(membership, "indicators.view")
    indicator: Indicator = get_indicator_for(membership, indicator_id)
    measurements = list(indicator.measurements.all())
    analysis = analyse_indicator(indicator, measurements, list(indicator.phases.all()), today=timezone.localdate())
    data = IndicatorOut.from_orm(indicator).dict()
    data.update(
        measurements=[MeasurementOut.from_orm(m).dict() for m in measurements],
        conclusion=analysis.conclusion,
        payload=payload_for(indicator, analysis.series) if analysis.results else None,
        analysis=analysis.results,
    )
    return data


@router.post(
    "/{indicator_id}/measurements",
    response={201: MessageOut, 400: MessageOut, 422: MessageOut},
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": MeasurementIn.model_json_schema()}},
            "required": True,
        }
    },
)
def add_measurement(request: HttpRequest, org_slug: Path[str], indicator_id: int) -> Status[dict[str, str]]:
    """Record one period (body: ``MeasurementIn``). The body is read after the access check, so an
    indicator of another organization answers 404 whatever the body."""
    membership = _membership(request)
    require(membership, "indicators.enter_data")
    indicator = get_indicator_for(membership, indicator_id)
    try:
        body = MeasurementIn.model_validate_json(request.body or b"{}")
    except pydantic.ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in error["loc"]) for error in exc.errors())
        return Status(422, {"message": f"Invalid measurement: {fields}."})
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
    return Status(201, {"message": "Recorded."})
