"""FHIR export of adverse events: one ``Bundle`` of ``AdverseEvent`` resources per period.

Built and validated with ``fhir.resources``' R4B models (FHIR 4.3; ``AdverseEvent`` is the same as in R4).
The export is the **de-identified view**. Each resource carries only:

* the event's number (``identifier``), its category (``category``, the organization's code and name),
  whether it happened or was a near miss (``actuality``: actual / potential), the day it happened
  (``date``, no time) and the day it was received (``recordedDate``), the unit (``location``, by name);
* the cell's grading: ``seriousness`` (serious when declared an EIGS), ``severity`` (mild / moderate /
  severe from the 1-5 scale, with the local 1-5 code beside it);
* in extensions: who was affected (patient, professional, visitor, nobody), the workflow status,
  the likelihood, the criticity and the REX level.

Left out on purpose: the reporter (member or public call-back details), the handler and every other
person; every free text (description, immediate measures, consequences, chronology, factors, lessons,
feedback, messages, reasons, check-back note, even the de-identified summary: free text can always
hold a patient's name); the time of day. ``subject`` is required by FHIR: it carries only the
``data-absent-reason`` extension ``masked``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from ameliora.core.models import Organization
from ameliora.events.models import Actuality, Event

BASE = "https://ameliora.fr/fhir"
EVENT_NUMBER_SYSTEM = f"{BASE}/sid/event-reference"
CATEGORY_SYSTEM = f"{BASE}/CodeSystem/event-category"
SEVERITY_SYSTEM = f"{BASE}/CodeSystem/severity-1-5"
EXTENSION = f"{BASE}/StructureDefinition/"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
SERIOUSNESS_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
FHIR_SEVERITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
CONTENT_TYPE = "application/fhir+json"

# Our 1-5 severity scale onto FHIR's three grades.
FHIR_SEVERITY = {1: "mild", 2: "mild", 3: "moderate", 4: "severe", 5: "severe"}


def events_in_period(events: QuerySet[Event], *, start: date, end: date) -> QuerySet[Event]:
    """The events that happened between ``start`` and ``end`` (both included), oldest first."""
    return (
        events.filter(occurred_at__date__gte=start, occurred_at__date__lte=end)
        .select_related("category", "unit")
        .order_by("occurred_at", "pk")
    )


def _full_url(organization: Organization, event: Event) -> str:
    """A stable ``urn:uuid`` for the event: the same event has the same entry in every export."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE}/{organization.slug}/event/{event.pk}").urn


def _extension(name: str, **value: Any) -> dict[str, Any]:
    return {"url": EXTENSION + name, **value}


def adverse_event(event: Event) -> dict[str, Any]:
    """The de-identified ``AdverseEvent`` of one event, as FHIR JSON (validated by the caller's Bundle)."""
    resource: dict[str, Any] = {
        "resourceType": "AdverseEvent",
        "id": f"event-{event.pk}",
        "identifier": {"system": f"{EVENT_NUMBER_SYSTEM}/{event.organization.slug}", "value": event.reference},
        "actuality": "potential" if event.actuality == Actuality.NEAR_MISS else "actual",
        "subject": {"extension": [{"url": DATA_ABSENT, "valueCode": "masked"}]},
        "date": timezone.localdate(event.occurred_at).isoformat(),
        "recordedDate": timezone.localdate(event.received_at).isoformat(),
        "extension": [
            _extension("event-affected", valueCode=event.affected),
            _extension("event-status", valueCode=event.status),
        ],
        "seriousness": {
            "coding": [
                {
                    "system": SERIOUSNESS_SYSTEM,
                    "code": "serious" if event.is_serious else "non-serious",
                }
            ]
        },
    }
    if event.category is not None:
        resource["category"] = [
            {"coding": [{"system": CATEGORY_SYSTEM, "code": event.category.code, "display": event.category.name}]}
        ]
    if event.unit is not None:
        resource["location"] = {"display": event.unit.name}
    if event.severity is not None:
        resource["severity"] = {
            "coding": [
                {"system": FHIR_SEVERITY_SYSTEM, "code": FHIR_SEVERITY[event.severity]},
                {"system": SEVERITY_SYSTEM, "code": str(event.severity)},
            ]
        }
    for name, value in (("event-likelihood", event.likelihood), ("event-criticity", event.criticity)):
        if value is not None:
            resource["extension"].append(_extension(name, valueInteger=value))
    if event.level is not None:
        resource["extension"].append(_extension("event-rex-level", valueInteger=event.level))
    return resource


def bundle(
    organization: Organization, events: QuerySet[Event], *, start: date, end: date, now: datetime | None = None
) -> Bundle:
    """The ``collection`` Bundle of the events that happened in the period, validated by fhir.resources."""
    chosen = list(events_in_period(events, start=start, end=end))
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": f"{organization.slug}-events-{start.isoformat()}-{end.isoformat()}",
            "identifier": {"system": f"{BASE}/sid/event-bundle", "value": f"{organization.slug}/{start}/{end}"},
            "type": "collection",
            "timestamp": (now or timezone.now()).isoformat(),
            "entry": [
                {"fullUrl": _full_url(organization, event), "resource": adverse_event(event)} for event in chosen
            ],
        }
    )


def bundle_json(bundle: Bundle) -> str:
    return bundle.model_dump_json(exclude_none=True)


def default_period(today: date | None = None) -> tuple[date, date]:
    """From 1 January of this year to today."""
    today = today or timezone.localdate()
    return date(today.year, 1, 1), today
