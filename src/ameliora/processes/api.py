"""Process map API: processes with their risks, through the same access functions as the pages.

No ``from __future__ import annotations`` here: ninja reads ``OrgSlug`` at import time.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from ameliora.core.api_types import ERRORS, ObjectId, OrgSlug, Pagination
from ameliora.core.permissions import require
from ameliora.processes.access import get_process_for, processes_for
from ameliora.processes.models import Process, RiskSettings

router = Router(tags=["processes"])


class ProcessOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    pilot_id: int | None
    position: int


class RiskOut(Schema):
    id: int
    hazard: str
    severity: int
    likelihood: int
    criticity: int
    residual_criticity: int | None
    zone: str


class ProcessDetailOut(ProcessOut):
    purpose: str
    beginning: str
    end: str
    inputs: str
    outputs: str
    risks: list[RiskOut]


@router.get("", response={200: list[ProcessOut], **ERRORS})
@paginate(Pagination, page_size=100)
def list_processes(request: HttpRequest, org_slug: OrgSlug) -> QuerySet[Process]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "processes.view")
    return processes_for(membership).order_by("kind", "position", "name")


@router.get("/{process_id}", response={200: ProcessDetailOut, **ERRORS})
def process_detail(request: HttpRequest, org_slug: OrgSlug, process_id: ObjectId) -> dict[str, object]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "processes.view")
    process = get_process_for(membership, process_id)
    settings = RiskSettings.for_org(process.organization)
    fields = [*ProcessOut.model_fields, "purpose", "beginning", "end", "inputs", "outputs"]
    return {
        **{name: getattr(process, name) for name in fields},
        "risks": [
            {
                "id": r.pk,
                "hazard": r.hazard,
                "severity": r.severity,
                "likelihood": r.likelihood,
                "criticity": r.criticity,
                "residual_criticity": r.residual_criticity,
                "zone": settings.zone(r.criticity),
            }
            for r in process.risks.all()
        ],
    }
