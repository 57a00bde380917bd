"""XLSX export of a campaign's raw answers: one row per response, one column per question.

Text that a spreadsheet would run as a formula gets a leading apostrophe and is typed as text
(the convention of :mod:`ameliora.assessments.exports`). Answers flagged as containing
identifying data are replaced by a mark, never exported.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]

from ameliora.core import services as core_services
from ameliora.core.jobs import job_runner
from ameliora.core.models import Job, Membership
from ameliora.core.spreadsheets import neutralise
from ameliora.surveys.models import YES_NO_LABELS, Answer, Campaign, Question, SurveyExport, format_number

# Above this many responses the export runs as a background job with a progress page.
INLINE_LIMIT = 3000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(answer: Answer, question: Question, choice_labels: dict[int, str]) -> str | Decimal:
    """The answer as the cell shows it: a number stays a number (it sums and sorts), anything else is text."""
    if answer.hidden_identifying:
        return _("[hidden: identifying data]")
    if answer.choice_id is not None:
        return choice_labels.get(answer.choice_id, "")
    if answer.number is not None:
        return answer.number
    if question.kind == Question.Kind.YES_NO:
        return str(YES_NO_LABELS.get(answer.text, answer.text))
    return answer.text


def _cell(values: list[str | Decimal]) -> str | Decimal:
    if len(values) == 1 and isinstance(values[0], Decimal):
        return values[0]
    return str(neutralise("; ".join(format_number(v) if isinstance(v, Decimal) else v for v in values)))


def filename(campaign: Campaign) -> str:
    return f"enquete-{campaign.pk}.xlsx"


def is_large(campaign: Campaign) -> bool:
    return campaign.responses.count() > INLINE_LIMIT


def start_export_job(campaign: Campaign, *, acting: Membership) -> Job:
    job = core_services.start_job(
        organization=campaign.organization,
        kind="survey_export",
        # A label from references only: campaign names are typed by people.
        label=_("Survey export no. %(id)s (XLSX)") % {"id": campaign.pk},
        user=acting.user,
    )
    SurveyExport.objects.create(organization=campaign.organization, job=job, campaign=campaign)
    return job


@job_runner("survey_export")
def run_export(job: Job) -> None:
    request = SurveyExport.objects.select_related("campaign__organization", "campaign__questionnaire").get(job=job)
    core_services.report_progress(job, progress=10)
    content = render_xlsx(request.campaign)
    core_services.finish_job(job, content=content, filename=filename(request.campaign))


def render_xlsx(campaign: Campaign) -> bytes:
    questions = list(campaign.questionnaire.questions.order_by("position", "pk").prefetch_related("choices"))
    by_id = {q.pk: q for q in questions}
    choice_labels = {choice.pk: choice.label for q in questions for choice in q.choices.all()}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Answers")[:31])
    sheet.append([_("Response"), _("Submitted at"), _("Mode"), *[neutralise(q.text) for q in questions]])
    cells: dict[int, dict[int, list[str | Decimal]]] = defaultdict(lambda: defaultdict(list))
    meta: dict[int, tuple[str, str]] = {}
    answers = (
        Answer.objects.filter(response__campaign=campaign)
        .select_related("response")
        .order_by("response__submitted_at", "response_id", "pk")
    )
    for answer in answers.iterator(chunk_size=2000):
        response = answer.response
        meta.setdefault(
            response.pk,
            (timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"), response.get_mode_display()),
        )
        cells[response.pk][answer.question_id].append(_value(answer, by_id[answer.question_id], choice_labels))
    for response_id, (submitted, mode) in meta.items():
        row: list[Any] = [response_id, submitted, mode]
        row.extend(_cell(cells[response_id].get(q.pk, [])) for q in questions)
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
