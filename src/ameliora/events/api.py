"""Events API: the list and one event. The reporter's identity only for members who may see it."""

import re
from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.params.functions import Query as QueryParam
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from ameliora.core.api_types import ERRORS, ObjectId, OrgSlug, Pagination
from ameliora.core.dates import PlausibleDate
from ameliora.core.models import Membership, display_name
from ameliora.core.permissions import require
from ameliora.events import fhir
from ameliora.events.access import events_for, get_event_for, reporter_visible
from ameliora.events.models import Event

router = Router(tags=["events"])
# Inline in the parameter: as a component it would be one more schema called "Status".
StatusFilter = Annotated[Event.Status, WithJsonSchema({"type": "string", "enum": Event.Status.values})]


def _iso_date_text(value: Any) -> Any:
    # A query parameter is text; pydantic would read "0" as a Unix time: only YYYY-MM-DD is a date here.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


#: A day in a query parameter: an ISO text (YYYY-MM-DD), from 1900 to 2100, as the document says.
QueryDate = Annotated[PlausibleDate, BeforeValidator(_iso_date_text)]


class ReporterOut(Schema):
    anonymous: bool
    name: str
    phone: str
    best_time: str


class EventOut(Schema):
    id: int
    reference: str
    status: str
    source: str
    received_at: datetime
    occurred_at: datetime
    category: str | None
    unit: str | None
    affected: str
    actuality: str
    is_serious: bool
    severity: int | None
    likelihood: int | None
    criticity: int | None
    level: int | None
    handler: str | None
    check_back_due: date | None
    closed_at: datetime | None

    @staticmethod
    def resolve_category(obj: Event) -> str | None:
        return obj.category.name if obj.category else None

    @staticmethod
    def resolve_unit(obj: Event) -> str | None:
        return obj.unit.name if obj.unit else None

    @staticmethod
    def resolve_handler(obj: Event) -> str | None:
        return display_name(obj.handler.user) if obj.handler else None


class EventDetailOut(EventOut):
    description: str
    immediate_measures: str
    consequences: str
    lessons: str
    feedback_message: str
    reporter: ReporterOut | None

    @staticmethod
    def resolve_reporter(obj: Event, context: dict[str, Any]) -> ReporterOut | None:
        """Filled only for the quality manager and cell (or the reporter): ``None`` for everyone else."""
        membership: Membership = context["request"].membership
        if not reporter_visible(membership, obj):
            return None
        if obj.reported_by is not None:
            return ReporterOut(anonymous=False, name=display_name(obj.reported_by.user), phone="", best_time="")
        return ReporterOut(
            anonymous=obj.is_anonymous, name=obj.contact_name, phone=obj.contact_phone, best_time=obj.contact_best_time
        )


@router.get("", response={200: list[EventOut], **ERRORS})
@paginate(Pagination, page_size=50)
def list_events(request: HttpRequest, org_slug: OrgSlug, status: StatusFilter | None = None) -> QuerySet[Event]:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require(membership, "events.view")
    events = events_for(membership).select_related("category", "unit", "handler__user").order_by("-received_at", "-pk")
    if status:
        events = events.filter(status=status)
    return events


@router.get("/fhir", response={200: dict[str, Any], **ERRORS})
def events_fhir(
    request: HttpRequest,
    org_slug: OrgSlug,
    start: Annotated[QueryDate | None, QueryParam(None, alias="from")] = None,
    end: Annotated[QueryDate | None, QueryParam(None, alias="to")] = None,
) -> dict[str, Any]:
    """The de-identified FHIR R4 Bundle (``collection`` of ``AdverseEvent``) of the events that happened
    between ``from`` and ``to`` (both included; by default from 1 January to today). No reporter, no
    person, no free text: see docs/api.md."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require(membership, "events.stats")
    default_start, default_end = fhir.default_period()
    start, end = start or default_start, end or default_end
    if start > end:
        start, end = end, start
    bundle = fhir.bundle(membership.organization, events_for(membership), start=start, end=end)
    return bundle.model_dump(mode="json", exclude_none=True)


@router.get("/{event_id}", response={200: EventDetailOut, **ERRORS})
def event_detail(request: HttpRequest, org_slug: OrgSlug, event_id: ObjectId) -> Event:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require(membership, "events.view")
    return get_event_for(membership, event_id)
