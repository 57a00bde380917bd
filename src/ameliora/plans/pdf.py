"""PDF export of one plan, ready to hand in: every step (a-g of the seed) with its proof.

The HTML that feeds WeasyPrint comes from :func:`plan_pdf_html`, so tests can read what the PDF says.
The export runs as a background job (``plan_pdf``); the job page shows its progress.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ameliora.core import services as core_services
from ameliora.core.jobs import job_runner
from ameliora.core.models import Attachment, Job, Membership
from ameliora.plans import attainment, measures
from ameliora.plans.models import Action, ActionPlan, FinalReview, PlanExport, Tool
from ameliora.plans.services import communications_with_adherence
from ameliora.plans.timeline import Bar, timeline_svg


def evidence_of(plan: ActionPlan) -> list[tuple[str, str, Attachment]]:
    """Every file attached to the plan, its actions and its tools: (step, object, file), by step."""
    attachments = Attachment.objects.for_org(plan.organization).select_related("uploaded_by")
    rows: list[tuple[str, str, Attachment]] = []
    for attachment in attachments.filter(content_type=ContentType.objects.get_for_model(ActionPlan), object_id=plan.pk):
        rows.append((_("Plan"), str(plan), attachment))
    tools = {t.pk: t for t in plan.tools.all()}
    for attachment in attachments.filter(
        content_type=ContentType.objects.get_for_model(Tool), object_id__in=list(tools)
    ):
        rows.append((_("Tool"), str(tools[attachment.object_id]), attachment))
    actions = dict(plan.actions.values_list("pk", "title"))
    for attachment in attachments.filter(
        content_type=ContentType.objects.get_for_model(Action), object_id__in=list(actions)
    ).order_by("uploaded_at"):
        rows.append((_("Action"), actions[attachment.object_id], attachment))
    return rows


def plan_pdf_html(plan: ActionPlan) -> str:
    today = timezone.localdate()
    actions = list(plan.actions.for_lists().select_related("objective").order_by("position", "pk"))
    bars = [
        Bar(a.title, a.start_date, a.due_date, a.status, a.get_status_display(), bool(a.late))  # type: ignore[attr-defined]
        for a in actions[:100]
    ]
    return render_to_string(
        "plans/plan_pdf.html",
        {
            "plan": plan,
            "attainments": attainment.attainments(list(plan.objectives.order_by("position", "pk")), today=today),
            "actions": actions,
            "tools": list(plan.tools.all()),
            "communications": communications_with_adherence(plan),
            "progress_reviews": list(plan.progress_reviews.select_related("recorded_by__user")),
            "final_review": FinalReview.objects.filter(plan=plan).first(),
            "indicator_results": measures.results_of(plan, today, charts=True),
            "revisions": list(plan.revisions.select_related("objective").prefetch_related("new_actions")),
            "evidence": evidence_of(plan),
            "timeline": timeline_svg(bars, today=today, title=_("Timeline")) if bars else "",
            "today": today,
        },
    )


def _pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    return bytes(HTML(string=html).write_pdf())


def render_plan_pdf(plan: ActionPlan) -> bytes:
    return _pdf_from_html(plan_pdf_html(plan))


@transaction.atomic
def start_plan_pdf(plan: ActionPlan, *, acting: Membership) -> Job:
    job = core_services.start_job(
        organization=plan.organization,
        kind="plan_pdf",
        label=_("PDF of plan %(code)s") % {"code": plan.code},
        user=acting.user,
    )
    PlanExport.objects.create(organization=plan.organization, job=job, plan=plan)
    return job


@job_runner("plan_pdf")
def run_plan_pdf(job: Job) -> None:
    export = PlanExport.objects.select_related("plan__organization", "plan__owner__user").get(job=job)
    core_services.report_progress(job, progress=10, message=_("Gathering the plan"))
    # Render in the language of the platform's default locale: workers have no request.
    with translation.override(translation.get_language() or "fr"):
        html_done = plan_pdf_html(export.plan)
        core_services.report_progress(job, progress=50, message=_("Drawing the pages"))
        content = _pdf_from_html(html_done)
    core_services.finish_job(job, content=content, filename=f"{export.plan.code}.pdf")
