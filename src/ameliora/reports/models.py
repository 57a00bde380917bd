"""The one row the reports app writes: which year an annual report job renders (the job lives in core)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Job, Organization, OrgQuerySet


class ReportExport(models.Model):
    """A delivery record, like ``plans.PlanExport``: no history."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    # The language of the page it was asked from: the worker has no request to read it from.
    language = models.CharField(max_length=10, default="fr")

    objects: ClassVar[OrgQuerySet[ReportExport]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("annual report export")
        verbose_name_plural = _("annual report exports")

    def __str__(self) -> str:
        return str(self.job_id)
