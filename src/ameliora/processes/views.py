"""Process map pages: the map, a process with its risks and heat map, the organization's risk register
(filtered, paginated, exported), risk edits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.core.history import entries_from
from ameliora.core.http import OrgRequest, form_status, posted
from ameliora.core.models import Organization
from ameliora.core.permissions import can, require
from ameliora.processes import services
from ameliora.processes.access import get_process_for, get_risk_for, processes_for
from ameliora.processes.forms import ProcessForm, RegisterFilterForm, RiskActionForm, RiskForm, ThresholdsForm
from ameliora.processes.mapping import Box, heat_grid, process_map_svg
from ameliora.processes.models import Process, Risk, RiskSettings, Zone
from ameliora.processes.register import RESIDUAL, RegisterFilter, filter_register, register_xlsx

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _heat(organization: Organization, risks: Any, *, residual: bool = False) -> list[Any]:
    settings = RiskSettings.for_org(organization)
    s, lk = ("residual_severity", "residual_likelihood") if residual else ("severity", "likelihood")
    rows = risks.filter(**{f"{s}__isnull": False}).values_list(s, lk).annotate(n=Count("pk")).order_by()
    counts = {(sev, lik): n for sev, lik, n in rows}
    return heat_grid(counts, settings.zone)


def _form_page(request: OrgRequest, form: Any, *, title: str, back: str) -> HttpResponse:
    return render(
        request, "processes/form.html", {"form": form, "title": title, "back": back}, status=form_status(form)
    )


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    """The process map, the organization-wide heat map and the list of processes."""
    require(request.membership, "processes.view")
    processes = list(
        processes_for(request.membership)
        .select_related("pilot__user", "organization")
        .annotate(risk_count=Count("risks"))
        .order_by("kind", "position", "name")
    )
    boxes: dict[str, list[Box]] = {kind: [] for kind in Process.Kind.values}
    for p in processes:
        boxes[p.kind].append(
            Box(p.code, p.name, str(p.pilot.user) if p.pilot else "", p.get_absolute_url(), p.risk_count)
        )
    svg = process_map_svg(
        boxes[Process.Kind.MANAGEMENT],
        boxes[Process.Kind.OPERATIONAL],
        boxes[Process.Kind.SUPPORT],
        title=_("Process map of %(org)s") % {"org": request.organization.name},
    )
    risks = Risk.objects.for_org(request.organization)
    return render(
        request,
        "processes/process_map.html",
        {
            "svg": svg,
            "processes": processes,
            "heat": _heat(request.organization, risks),
            "residual_heat": _heat(request.organization, risks, residual=True),
            "thresholds": RiskSettings.for_org(request.organization),
            "zones": Zone,
        },
    )


def _register(request: OrgRequest) -> tuple[RegisterFilterForm, Any, RiskSettings]:
    form = RegisterFilterForm(request.GET, organization=request.organization)
    form.is_valid()
    thresholds = RiskSettings.for_org(request.organization)
    risks = Risk.objects.for_org(request.organization).select_related("organization", "process__organization")
    return form, filter_register(risks, form.wanted(), thresholds), thresholds


@require_GET
def risk_register(request: OrgRequest) -> HttpResponse:
    """Every risk of the organization, most critical first, filtered by process, zone, scores or words."""
    require(request.membership, "processes.view")
    form, risks, thresholds = _register(request)
    wanted = form.wanted()
    page = Paginator(risks, PAGE_SIZE).get_page(request.GET.get("page"))
    linked = services.actions_for_risks(list(page))
    residual = wanted.basis == RESIDUAL
    return render(
        request,
        "processes/risk_register.html",
        {
            "form": form,
            "page": page,
            "rows": [
                {
                    "risk": risk,
                    "zone": thresholds.zone(risk.criticity),
                    "residual_zone": thresholds.zone(risk.residual_criticity),
                    "actions": linked.get(risk.pk, []),
                }
                for risk in page
            ],
            "filtered": wanted != RegisterFilter(),
            "residual": residual,
            "zones": Zone,
        },
    )


@require_GET
def risk_register_xlsx(request: OrgRequest) -> HttpResponse:
    """The register as it is filtered on the page, every row (not only the page shown)."""
    require(request.membership, "processes.view")
    _form, risks, thresholds = _register(request)
    rows = list(risks)
    response = HttpResponse(register_xlsx(rows, thresholds, services.actions_for_risks(rows)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="registre-des-risques-{request.organization.slug}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def process_create(request: OrgRequest) -> HttpResponse:
    require(request.membership, "processes.edit")
    form = ProcessForm(posted(request), organization=request.organization)
    if request.method == "POST" and form.is_valid():
        form.instance.organization = request.organization
        try:
            process = services.save_process(
                form.instance, acting=request.membership, indicators=form.cleaned_data["indicators"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Process added to the map."))
            return redirect(process)
    back = reverse("processes:home", kwargs={"org_slug": request.organization.slug})
    return _form_page(request, form, title=_("New process"), back=back)


@require_http_methods(["GET", "POST"])
def process_edit(request: OrgRequest, process_id: int) -> HttpResponse:
    require(request.membership, "processes.edit")
    process = get_process_for(request.membership, process_id)
    form = ProcessForm(posted(request), instance=process, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_process(form.instance, acting=request.membership, indicators=form.cleaned_data["indicators"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Process saved."))
            return redirect(process)
    return _form_page(request, form, title=_("Edit the process"), back=process.get_absolute_url())


@require_GET
def process_detail(request: OrgRequest, process_id: int) -> HttpResponse:
    require(request.membership, "processes.view")
    process = get_process_for(request.membership, process_id)
    settings = RiskSettings.for_org(request.organization)
    risks = list(process.risks.all())
    linked = services.actions_for_risks(risks)
    history = []
    if can(request.membership, "history.view"):
        history = entries_from(list(process.history.select_related("history_user").order_by("-history_date")[:30]))
    return render(
        request,
        "processes/process_detail.html",
        {
            "process": process,
            "risks": [
                {
                    "risk": r,
                    "zone": settings.zone(r.criticity),
                    "residual_zone": settings.zone(r.residual_criticity),
                    "actions": linked.get(r.pk, []),
                }
                for r in risks
            ],
            "heat": _heat(request.organization, Risk.objects.filter(process=process)),
            "heat_query": f"process={process.pk}",
            "indicators": list(process.indicators.select_related("organization").order_by("name")),
            # "documents" is the reverse of documents.Document.processes: read here, never imported.
            "documents": list(process.documents.select_related("organization").order_by("code")),
            "zones": Zone,
            "history": history,
        },
    )


@require_http_methods(["GET", "POST"])
def risk_add(request: OrgRequest, process_id: int) -> HttpResponse:
    require(request.membership, "risks.edit")
    process = get_process_for(request.membership, process_id)
    form = RiskForm(posted(request))
    if request.method == "POST" and form.is_valid():
        form.instance.process = process
        try:
            services.save_risk(form.instance, acting=request.membership)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Risk added to the register."))
            return redirect(process.get_absolute_url() + "#risks")
    return _form_page(request, form, title=_("New risk"), back=process.get_absolute_url())


@require_http_methods(["GET", "POST"])
def risk_edit(request: OrgRequest, risk_id: int) -> HttpResponse:
    require(request.membership, "processes.view")
    risk = get_risk_for(request.membership, risk_id)
    if request.method == "POST":
        require(request.membership, "risks.edit")
    form = RiskForm(posted(request), instance=risk)
    action_form = RiskActionForm(organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_risk(form.instance, acting=request.membership)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Risk saved."))
            return redirect(risk.process.get_absolute_url() + "#risks")
    history = []
    if can(request.membership, "history.view"):
        history = entries_from(list(risk.history.select_related("history_user").order_by("-history_date")[:30]))
    return render(
        request,
        "processes/risk_edit.html",
        {
            "risk": risk,
            "form": form,
            "action_form": action_form,
            "actions": services.actions_for_risks([risk]).get(risk.pk, []),
            "may_edit": can(request.membership, "risks.edit"),
            "history": history,
        },
        status=form_status(form),
    )


@require_POST
def risk_open_action(request: OrgRequest, risk_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    risk = get_risk_for(request.membership, risk_id)
    form = RiskActionForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            action = services.open_action_for_risk(
                risk,
                plan=form.cleaned_data["plan"],
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
                owner=request.membership,
                acting=request.membership,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Action opened in plan %(code)s.") % {"code": action.plan.code})
    else:
        messages.error(request, _("Choose a plan and give the action a title."))
    return redirect(risk.get_absolute_url())


@require_http_methods(["GET", "POST"])
def risk_settings(request: OrgRequest) -> HttpResponse:
    require(request.membership, "processes.edit")
    form = ThresholdsForm(posted(request), instance=RiskSettings.for_org(request.organization))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_thresholds(acting=request.membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Zone thresholds saved."))
            return redirect("processes:home", org_slug=request.organization.slug)
    back = reverse("processes:home", kwargs={"org_slug": request.organization.slug})
    return _form_page(request, form, title=_("Risk zone thresholds"), back=back)
