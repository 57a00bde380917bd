"""XLSX, PDF and DOCX exports of a campaign: one code path, inline for small grids, a job for large.

Every export carries what a review board asks for: per criterion the answer, the previous answer
and the trend, the comment, the evidence (file names and dates) and the objects linked to it
(actions opened from it). :func:`render_export` builds the file; the view calls it directly when
the campaign is small, otherwise the ``assessment_export`` job runner calls the same function.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ameliora.assessments import charts
from ameliora.assessments.models import Campaign, CampaignExport
from ameliora.assessments.results import CampaignResults, Item, campaign_results
from ameliora.core import services as core_services
from ameliora.core.figures import format_figure
from ameliora.core.jobs import job_runner
from ameliora.core.models import Job
from ameliora.core.spreadsheets import Figure
from ameliora.core.spreadsheets import put as put_cell

# Above this many criteria the export runs as a background job (the page shows its progress).
INLINE_LIMIT = 150
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
Progress = Callable[[int], None]


def _percent(value: float | None) -> str:
    return format_figure(value, "%")


def _trend_label(trend: str) -> str:
    labels = {
        "improved": _("improved"),
        "worse": _("worse"),
        "unchanged": _("unchanged"),
        "not_comparable": "—",
    }
    return labels.get(trend, "—")


def evidence_text(item: Item) -> str:
    return "\n".join(
        f"{a.original_name} ({date_format(timezone.localtime(a.uploaded_at), 'SHORT_DATE_FORMAT')})"
        for a in item.evidence
    )


def links_text(item: Item) -> str:
    return "\n".join(link.label for link in item.links)


def filename(campaign: Campaign, fmt: str) -> str:
    return f"{slugify(campaign.name) or 'campagne'}.{fmt}"


def _columns() -> list[str]:
    return [
        _("Section"),
        _("Code"),
        _("Criterion"),
        _("Mandatory"),
        _("Level"),
        _("Answer"),
        _("Previous answer"),
        _("Trend"),
        _("Comment"),
        _("Evidence"),
        _("Linked actions"),
        _("Answered by"),
    ]


def _item_cells(item: Item) -> list[Any]:
    return [
        str(item.section),
        item.criterion.code,
        item.criterion.statement,
        _("yes") if item.criterion.mandatory else "",
        item.criterion.get_level_display() if item.criterion.level else "",
        item.value_label if item.row.answered else item.answer.get_status_display(),
        item.previous_value_label,
        _trend_label(item.trend),
        item.answer.comment,
        evidence_text(item),
        links_text(item),
        str(item.answer.answered_by or ""),
    ]


def _xlsx(results: CampaignResults, progress: Progress) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Scores")[:31]

    def put(sheet: Any, row: int, values: list[Any]) -> None:
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            put_cell(cell, value)  # a Figure as a rounded number with its unit, text never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    campaign = results.campaign
    put(summary, 1, [campaign.name])
    summary.cell(row=1, column=1).font = Font(bold=True, size=14)
    put(summary, 2, [str(campaign.grid), campaign.grid.source])
    put(summary, 3, [_("Period"), f"{campaign.period_start} — {campaign.period_end}", campaign.get_status_display()])
    put(summary, 5, [_("Section"), _("Score"), _("Previous score"), _("Trend"), _("Answered"), _("Mandatory unmet")])
    row = 6
    for section in results.sections:
        put(
            summary,
            row,
            [
                str(section.section),
                Figure(section.score.percent, "%"),
                Figure(section.previous.percent if section.previous else None, "%"),
                _trend_label(section.trend),
                f"{section.score.total - section.score.unanswered}/{section.score.total}",
                section.score.mandatory_unmet,
            ],
        )
        row += 1
    put(
        summary,
        row,
        [
            _("Overall"),
            Figure(results.overall.percent, "%"),
            Figure(results.previous_overall.percent if results.previous_overall else None, "%"),
        ],
    )
    summary.cell(row=row, column=1).font = Font(bold=True)
    for column, width in zip("ABCDEF", (50, 12, 14, 12, 12, 14), strict=True):
        summary.column_dimensions[column].width = width

    sheet = workbook.create_sheet(_("Criteria")[:31])
    put(sheet, 1, _columns())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    items = results.items
    for index, item in enumerate(items, start=2):
        put(sheet, index, _item_cells(item))
        if index % 50 == 0:
            progress(int(80 * index / max(len(items), 1)))
    for column, width in zip("ABCDEFGHIJKL", (30, 8, 60, 10, 12, 16, 16, 12, 50, 35, 35, 20), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_html(results: CampaignResults) -> str:
    """The HTML that WeasyPrint turns into the PDF (tests read it)."""
    labels = [str(s.section) for s in results.sections]
    bars = charts.bar_svg(
        labels,
        [s.score.percent for s in results.sections],
        previous=[s.previous.percent if s.previous else None for s in results.sections]
        if results.previous_campaign
        else None,
        title=_("Score per section"),
        texts=chart_texts(),
    )
    return render_to_string(
        "assessments/campaign_export.html",
        {"results": results, "campaign": results.campaign, "bars": mark_safe(bars), "generated_at": timezone.now()},
    )


def chart_texts() -> dict[str, str]:
    return {"no_score": _("no score"), "previous": _("previous campaign"), "current": _("this campaign")}


def _pdf(results: CampaignResults, progress: Progress) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = export_html(results)
    progress(50)
    return bytes(HTML(string=html).write_pdf())


def _docx(results: CampaignResults, progress: Progress) -> bytes:
    from docx import Document
    from docx.shared import Pt

    campaign = results.campaign
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(campaign.name, level=0)
    document.add_paragraph(f"{campaign.grid} — {campaign.grid.source}")
    document.add_paragraph(
        f"{_('Period')}: {campaign.period_start} — {campaign.period_end} · {campaign.get_status_display()}"
    )
    overall = _("Overall score: %(score)s") % {"score": _percent(results.overall.percent)}
    if results.previous_overall is not None:
        overall += " (" + _("previous: %(score)s") % {"score": _percent(results.previous_overall.percent)} + ")"
    document.add_paragraph(overall)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, [_("Section"), _("Score"), _("Previous score"), _("Trend")], strict=True
    ):
        cell.text = text
    for section in results.sections:
        cells = table.add_row().cells
        cells[0].text = str(section.section)
        cells[1].text = _percent(section.score.percent)
        cells[2].text = _percent(section.previous.percent if section.previous else None)
        cells[3].text = _trend_label(section.trend)
    if results.weaknesses:
        document.add_heading(_("Weaknesses"), level=1)
        for item in results.weaknesses:
            mandatory = f" [{_('mandatory')}]" if item.criterion.mandatory else ""
            document.add_paragraph(
                f"{item.criterion.code}{mandatory} — {item.criterion.statement} : {item.value_label}",
                style="List Bullet",
            )
    total = max(len(results.items), 1)
    done = 0
    for section in results.sections:
        document.add_heading(str(section.section), level=1)
        for item in section.items:
            document.add_heading(f"{item.criterion.code} — {item.criterion.statement}", level=3)
            rows = [
                (_("Answer"), item.value_label if item.row.answered else item.answer.get_status_display()),
                (_("Previous answer"), item.previous_value_label or "—"),
                (_("Trend"), _trend_label(item.trend)),
                (_("Comment"), item.answer.comment or "—"),
                (_("Evidence"), evidence_text(item) or "—"),
                (_("Linked actions"), links_text(item) or "—"),
            ]
            grid = document.add_table(rows=0, cols=2)
            grid.style = "Table Grid"
            for name, value in rows:
                cells = grid.add_row().cells
                cells[0].text = name
                cells[1].text = value
            done += 1
            if done % 50 == 0:
                progress(int(80 * done / total))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


RENDERERS: dict[str, Callable[[CampaignResults, Progress], bytes]] = {"xlsx": _xlsx, "pdf": _pdf, "docx": _docx}


def render_export(campaign: Campaign, fmt: str, *, progress: Progress | None = None) -> tuple[bytes, str]:
    """Build the export file of ``campaign`` in ``fmt`` (xlsx, pdf, docx): ``(content, file name)``."""
    results = campaign_results(campaign, with_details=True)
    content = RENDERERS[fmt](results, progress or (lambda _percent: None))
    return content, filename(campaign, fmt)


def is_large(campaign: Campaign) -> bool:
    return campaign.answers.count() > INLINE_LIMIT


def start_export_job(campaign: Campaign, fmt: str, *, acting: Any) -> Job:
    job = core_services.start_job(
        organization=campaign.organization,
        kind="assessment_export",
        # A label from references only: campaign names are typed by people.
        label=_("Self-assessment export no. %(id)s (%(format)s)") % {"id": campaign.pk, "format": fmt.upper()},
        user=acting.user,
    )
    CampaignExport.objects.create(organization=campaign.organization, job=job, campaign=campaign, format=fmt)
    return job


@job_runner("assessment_export")
def run_export(job: Job) -> None:
    request = CampaignExport.objects.select_related("campaign__grid", "campaign__organization").get(job=job)
    user_language = translation.get_language()
    with translation.override(user_language):
        content, name = render_export(
            request.campaign,
            request.format,
            progress=lambda percent: core_services.report_progress(job, progress=percent),
        )
    core_services.finish_job(job, content=content, filename=name)
