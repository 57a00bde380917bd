"""The annual report as a file: XLSX (one sheet per section, raw figures) and PDF (the page, printed).

The PDF is made by a background job (``reports_annual_pdf``, :func:`start_report_pdf`): it took 4 to 5 s in
the request; the job page shows its progress and offers the file. The XLSX stays in the request.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from ameliora.core import services as core_services
from ameliora.core.jobs import job_runner
from ameliora.core.models import Job, Membership, Organization
from ameliora.core.permissions import can
from ameliora.core.spreadsheets import Figure, put_row
from ameliora.evaluations.results import AuditResults
from ameliora.reports.annual import AnnualReport, annual_report
from ameliora.reports.models import ReportExport

REPORT_NOT_ALLOWED = gettext_lazy(
    "Your roles no longer open the annual report, so its PDF was not made. Ask an administrator."
)


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        put_row(sheet, row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)


def _audit_row(audit: AuditResults) -> tuple[Any, ...]:
    interval = audit.overall.interval or (None, None)
    change = audit.overall_change
    trends = {"better": _("improved"), "worse": _("worse"), "same": _("no significant change")}
    return (
        audit.evaluation.title,
        audit.evaluation.period_end,
        audit.cases,
        Figure(audit.overall.percent, "%"),
        *(Figure(bound, "%") for bound in interval),
        Figure(change.before if change else None, "%"),
        trends[change.trend] if change else None,
        round(change.p_value, 4) if change else None,
    )


def report_xlsx(report: AnnualReport) -> bytes:
    book = Workbook()
    book.remove(book.active)
    events, actions, documents = report.events, report.actions, report.documents
    cpts_rows: list[tuple[Any, ...]] = []
    if report.is_cpts:
        cpts_rows = [
            (_("Professionals involved"), events.professionals),
            (_("Level-2 check-backs due"), events.check_backs.due),
            (_("Level-2 check-backs on time"), events.check_backs.on_time),
        ]
    _sheet(
        book,
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            (_("Organization"), report.organization.name),
            (_("Year"), report.year),
            (_("Active indicators"), report.indicator_total),
            (_("Declarations received") if report.is_cpts else _("Events declared"), events.total),
            *cpts_rows,
            (_("Resolution rate (%)"), Figure(report.resolution_percent, "%")),
            (_("Serious events"), events.serious),
            (_("Actions opened"), actions.opened),
            (_("Actions done"), actions.done),
            (
                _("Actions late on %(date)s") % {"date": date_format(actions.late_on, "SHORT_DATE_FORMAT")}
                if report.is_past
                else _("Actions late today"),
                actions.late,
            ),
            (_("Self-assessments"), len(report.campaigns)),
            (_("Clinical audits"), report.evaluations.audit_total),
            *report.evaluations.write_ups,
            (_("Sessions held"), report.sessions_held),
            (_("Document versions published"), documents.published),
            (_("Readings acknowledged (%)"), Figure(documents.read_share, "%")),
            (_("Survey responses"), report.surveys.responses),
            (_("Satisfaction rate (%)"), Figure(report.surveys.satisfaction, "%")),
            (_("Trainings done"), report.trainings_done),
            (_("Trainings planned"), report.trainings_planned),
        ],
    )
    _sheet(
        book,
        _("Indicators"),
        [_("Indicator"), _("Status"), _("Last value"), _("Target"), _("Note")],
        [
            (
                i.indicator.name,
                i.status_label,
                Figure(i.value, i.indicator.display_unit),
                i.indicator.target_label,
                i.note,
            )
            for i in report.indicators
        ],
    )
    _sheet(
        book,
        _("Objectives"),
        [_("Plan"), _("Objective"), _("Status"), _("Why"), _("Plan summary")],
        [
            (
                p.plan.code,
                a.objective.statement,
                a.label,
                a.why,
                p.summary,
            )
            for p in report.objectives
            for a in p.attainments
        ],
    )
    # REX levels are the CPTS's way of sorting declarations, severities everyone else's: one sheet, not both.
    if report.is_cpts:
        level_rows: list[tuple[Any, ...]] = [
            (_("Level %(n)s") % {"n": level} if level else _("No level"), n) for level, n in events.per_level.items()
        ]
        _sheet(book, _("Events by level"), [_("Level"), _("Events")], level_rows)
    else:
        _sheet(book, _("Events by severity"), [_("Severity"), _("Events")], report.event_severities)
    _sheet(book, _("Events by category"), [_("Category"), _("Events")], events.per_category)
    _sheet(
        book,
        _("Self-assessments"),
        [_("Campaign"), _("Grid"), _("End of period"), _("Score (%)"), _("Previous score (%)")],
        [
            (
                c.campaign.name,
                c.campaign.grid.name,
                c.campaign.period_end,
                Figure(c.score, "%"),
                Figure(c.previous, "%"),
            )
            for c in report.campaigns
        ],
    )
    _sheet(
        book,
        _("Practice evaluations"),
        [
            _("Audit"),
            _("End of period"),
            _("Cases"),
            _("Compliance (%)"),
            _("Confidence interval, low"),
            _("Confidence interval, high"),
            _("Previous round (%)"),
            _("Change since the previous round"),
            _("p-value"),
        ],
        [_audit_row(a) for a in report.evaluations.audits],
    )
    _sheet(
        book,
        _("Survey campaigns"),
        [_("Campaign"), _("Responses in the year")],
        [(c.name, n) for c, n in report.surveys.campaigns],
    )
    _sheet(
        book,
        _("Exchange spaces"),
        [
            _("Space"),
            _("Held"),
            _("Planned"),
            _("Attendance rate (%)"),
            _("Cases analysed"),
            _("Decisions"),
            _("Decisions completed"),
        ],
        [
            (
                s.space.name,
                s.held,
                s.planned,
                Figure(s.attendance_rate, "%"),
                s.cases_analysed,
                s.decisions,
                s.decisions_done,
            )
            for s in report.spaces
        ],
    )
    _sheet(
        book,
        _("Documents"),
        [_("Code"), _("Title"), _("Version"), _("Published on")],
        [
            (
                v.document.code,
                v.document.title,
                v.number,
                timezone.localtime(v.published_at).date() if v.published_at else None,
            )
            for v in report.documents.versions
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf_html(report: AnnualReport) -> str:
    return render_to_string("reports/annual_pdf.html", {"report": report, "now": timezone.now()})


def _pdf_of(html: str) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # late: heavy, only the export needs it

    return bytes(HTML(string=html).write_pdf())


def report_pdf(report: AnnualReport) -> bytes:
    return _pdf_of(report_pdf_html(report))


def pdf_filename(year: int) -> str:
    return f"bilan-qualite-{year}.pdf"


@transaction.atomic
def start_report_pdf(organization: Organization, *, year: int, acting: Membership) -> Job:
    """The job making the year's report PDF for ``acting``; the one already under way when they asked twice."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()  # two clicks at once: one job
    under_way = (
        ReportExport.objects.for_org(organization)
        .filter(year=year, job__created_by=acting.user, job__status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .select_related("job__organization")
        .first()
    )
    if under_way is not None:
        return under_way.job
    job = core_services.start_job(
        organization=organization,
        kind="reports_annual_pdf",
        label=_("Annual quality report %(year)s (PDF)") % {"year": year},
        user=acting.user,
    )
    ReportExport.objects.create(
        organization=organization, job=job, year=year, language=translation.get_language() or "fr"
    )
    return job


@job_runner("reports_annual_pdf")
def run_report_pdf(job: Job) -> None:
    export = ReportExport.objects.get(job=job)
    with translation.override(export.language):  # the page's language: the worker has no request
        membership = core_services.membership_of(job)
        # Checked again when the job runs: the person may have lost the right since they asked.
        if membership is None or not can(membership, "reports.view"):
            core_services.fail_job(job, message=str(REPORT_NOT_ALLOWED))
            return
        core_services.report_progress(job, progress=10, message=_("Gathering the year's figures"))
        html = report_pdf_html(annual_report(job.organization, export.year))
        core_services.report_progress(job, progress=40, message=_("Drawing the pages"))
        content = _pdf_of(html)
    core_services.finish_job(job, content=content, filename=pdf_filename(export.year))
