"""The organization-wide risk register: every risk of every process, filtered, and its spreadsheet.

A filter reads either the gross scores (before controls) or the residual ones (with existing controls),
as the two heat maps do, so that a heat-map cell opens exactly the risks it counts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]

from ameliora.core.spreadsheets import put_row
from ameliora.plans.models import Action
from ameliora.processes.models import Risk, RiskSettings, Zone

GROSS = "gross"
RESIDUAL = "residual"


@dataclass(frozen=True)
class RegisterFilter:
    """What the register is narrowed to; ``None`` or empty means "any"."""

    process_id: int | None = None
    basis: str = GROSS
    zone: str = ""
    severity: int | None = None
    likelihood: int | None = None
    words: str = ""

    @property
    def fields(self) -> tuple[str, str, str]:
        """The severity, likelihood and criticity fields the filter reads."""
        if self.basis == RESIDUAL:
            return "residual_severity", "residual_likelihood", "residual_criticity"
        return "severity", "likelihood", "criticity"


def zone_condition(zone: str, criticity: str, thresholds: RiskSettings) -> Q:
    """The criticities that fall in ``zone`` under the organization's thresholds (as ``RiskSettings.zone``)."""
    if zone == Zone.ACCEPTABLE:
        return Q(**{f"{criticity}__lte": thresholds.acceptable_max})
    if zone == Zone.UNACCEPTABLE:
        return Q(**{f"{criticity}__gte": thresholds.unacceptable_min})
    return Q(**{f"{criticity}__gt": thresholds.acceptable_max, f"{criticity}__lt": thresholds.unacceptable_min})


def filter_register(risks: QuerySet[Risk], wanted: RegisterFilter, thresholds: RiskSettings) -> QuerySet[Risk]:
    severity, likelihood, criticity = wanted.fields
    if wanted.process_id is not None:
        risks = risks.filter(process_id=wanted.process_id)
    if wanted.basis == RESIDUAL:
        risks = risks.filter(residual_criticity__isnull=False)
    if wanted.zone:
        risks = risks.filter(zone_condition(wanted.zone, criticity, thresholds))
    if wanted.severity is not None:
        risks = risks.filter(**{severity: wanted.severity})
    if wanted.likelihood is not None:
        risks = risks.filter(**{likelihood: wanted.likelihood})
    if wanted.words:
        risks = risks.filter(
            Q(hazard__icontains=wanted.words)
            | Q(consequence__icontains=wanted.words)
            | Q(existing_controls__icontains=wanted.words)
        )
    return risks.order_by(f"-{criticity}", "process__code", "hazard")


def register_xlsx(risks: list[Risk], thresholds: RiskSettings, actions: dict[int, list[Action]]) -> bytes:
    """The register as a spreadsheet: one row per risk, scores as numbers, zones and actions in words."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Risk register")[:31]
    put_row(
        sheet,
        [
            _("Process"),
            _("Hazard"),
            _("Consequence"),
            _("Severity"),
            _("Likelihood"),
            _("Criticity"),
            _("Zone"),
            _("Existing controls"),
            _("Residual severity"),
            _("Residual likelihood"),
            _("Residual criticity"),
            _("Residual zone"),
            _("Actions"),
        ],
    )
    for risk in risks:
        zone = thresholds.zone(risk.criticity)
        residual_zone = thresholds.zone(risk.residual_criticity)
        put_row(
            sheet,
            [
                f"{risk.process.code} {risk.process.name}",
                risk.hazard,
                risk.consequence,
                risk.severity,
                risk.likelihood,
                risk.criticity,
                str(Zone(zone).label) if zone else "",
                risk.existing_controls,
                risk.residual_severity,
                risk.residual_likelihood,
                risk.residual_criticity,
                str(Zone(residual_zone).label) if residual_zone else "",
                "; ".join(f"{action.title} ({action.get_status_display()})" for action in actions.get(risk.pk, [])),
            ],
        )
    for column, width in zip("ABCDEFGHIJKLM", (28, 40, 40, 10, 10, 10, 22, 40, 10, 10, 10, 22, 50), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
