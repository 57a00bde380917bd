"""The one way views and the API reach indicators and their rows: scoped to the member's organization, else 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from ameliora.core.models import Membership
from ameliora.indicators.models import Annotation, Indicator, IndicatorQuerySet, Measurement, MeasurementImport, Phase


def indicators_for(membership: Membership) -> IndicatorQuerySet:
    return Indicator.objects.for_org(membership.organization)


def get_indicator_for(membership: Membership, indicator_id: int) -> Indicator:
    return get_object_or_404(indicators_for(membership).select_related("owner__user", "organization"), pk=indicator_id)


def get_measurement_for(membership: Membership, indicator: Indicator, measurement_id: int) -> Measurement:
    return get_object_or_404(
        Measurement.objects.for_org(membership.organization).filter(indicator=indicator), pk=measurement_id
    )


def get_phase_for(membership: Membership, indicator: Indicator, phase_id: int) -> Phase:
    return get_object_or_404(Phase.objects.for_org(membership.organization).filter(indicator=indicator), pk=phase_id)


def get_annotation_for(membership: Membership, indicator: Indicator, annotation_id: int) -> Annotation:
    return get_object_or_404(
        Annotation.objects.for_org(membership.organization).filter(indicator=indicator), pk=annotation_id
    )


def get_import_for(membership: Membership, indicator: Indicator, import_id: int) -> MeasurementImport:
    """An import is seen only by the person who uploaded it (the file may hold unchecked data)."""
    return get_object_or_404(
        MeasurementImport.objects.for_org(membership.organization).filter(
            indicator=indicator, created_by=membership.user, committed_at__isnull=True
        ),
        pk=import_id,
    )
