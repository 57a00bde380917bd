"""The background import of large files: parse, check, then save every row or none."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ameliora.core import services as core_services
from ameliora.core.jobs import job_runner
from ameliora.core.models import Job
from ameliora.indicators import services
from ameliora.indicators.imports import ImportFileError, parse_import
from ameliora.indicators.models import MeasurementImport


@job_runner("indicator_import")
def run_indicator_import(job: Job) -> None:
    pending = MeasurementImport.objects.select_related("indicator__organization").get(job=job)
    core_services.report_progress(job, progress=5, message=_("Reading the file"))
    try:
        parsed = parse_import(pending)
    except ImportFileError as exc:
        core_services.fail_job(job, message=str(exc))
        return
    rows = parsed.valid_rows if pending.skip_rejected else parsed.rows
    if not rows or (parsed.errors and not pending.skip_rejected):
        core_services.fail_job(
            job, message=_("%(count)s line(s) refused: nothing was imported.") % {"count": len(parsed.errors)}
        )
        return
    core_services.report_progress(job, progress=40, message=_("Saving %(count)s values") % {"count": len(rows)})
    try:
        created, replaced = services.import_measurements(
            pending.indicator,
            rows,
            acting_user=pending.created_by,
            replace=pending.replace,
            columns=parsed.column_names if parsed.columns_from == "chosen" else None,
        )
    except services.MeasurementsRefusedError as exc:
        core_services.fail_job(
            job, message=_("%(count)s line(s) refused: nothing was imported.") % {"count": len(exc.row_errors)}
        )
        return
    summary = _("Import of %(file)s: %(created)s value(s) added, %(replaced)s replaced.") % {
        "file": pending.original_name,
        "created": created,
        "replaced": replaced,
    }
    pending.file.delete(save=False)
    pending.created_count, pending.replaced_count = created, replaced
    from django.utils import timezone

    pending.committed_at = timezone.now()
    pending.save(update_fields=["file", "created_count", "replaced_count", "committed_at"])
    core_services.finish_job(job, content=(summary + "\n").encode("utf-8"), filename="import-report.txt")
