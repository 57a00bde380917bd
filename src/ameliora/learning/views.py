"""Learning pages: my situations, a situation (self-critique, debrief, ratings), the dossier, the
competency dashboard and the framework. Views parse, authorize, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.assessments.results import campaign_results
from ameliora.core.forms import members_of
from ameliora.core.http import OrgRequest, form_status, parse_id, posted
from ameliora.core.models import Membership
from ameliora.core.permissions import can, require
from ameliora.learning import dashboard, dossier, services, sources
from ameliora.learning.access import (
    get_competency_for,
    get_learner_for,
    get_situation_for,
    get_training_need_for,
    situations_for,
    training_needs_for,
)
from ameliora.learning.forms import (
    CompetencyForm,
    DebriefForm,
    RatingForm,
    SelfCritiqueForm,
    SituationForm,
    TrainingFilterForm,
    TrainingNeedForm,
    TrainingPlanForm,
)
from ameliora.learning.models import (
    Competency,
    CompetencyRating,
    Debrief,
    LearningSituation,
    Level,
    SelfCritique,
    TrainingNeed,
)

PAGE_SIZE = 25


def _errors(request: OrgRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_page(request: OrgRequest, form: Any, *, title: str, back: str, situation: Any = None) -> HttpResponse:
    return render(
        request,
        "learning/form.html",
        {"form": form, "title": title, "back": back, "situation": situation},
        status=form_status(form),
    )


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    require(request.membership, "learning.view")
    situations = situations_for(request.membership).select_related("organization", "learner__user", "supervisor__user")
    page = Paginator(situations.order_by("-period_start", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/situation_list.html",
        {
            "page": page,
            "sees_all": can(request.membership, "learning.view_all"),
        },
    )


@require_http_methods(["GET", "POST"])
def situation_create(request: OrgRequest) -> HttpResponse:
    require(request.membership, "learning.create")
    choose_learner = can(request.membership, "learning.supervise")
    form = SituationForm(
        posted(request),
        organization=request.organization,
        choose_learner=choose_learner,
        initial={"learner": request.membership.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            situation = services.create_situation(
                acting=request.membership,
                learner=data.get("learner") or request.membership,
                supervisor=data["supervisor"],
                title=data["title"],
                context=data["context"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                campaign=data["campaign"],
                plans=data["plans"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Learning situation created."))
            return redirect(situation)
    back = f"/o/{request.organization.slug}/learning/"
    return _form_page(request, form, title=_("New learning situation"), back=back)


@require_http_methods(["GET", "POST"])
def situation_edit(request: OrgRequest, situation_id: int) -> HttpResponse:
    require(request.membership, "learning.create")
    situation = get_situation_for(request.membership, situation_id)
    if situation.learner_id != request.membership.pk and not services.is_supervising(request.membership, situation):
        raise PermissionDenied
    form = SituationForm(posted(request), instance=situation, organization=request.organization, choose_learner=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_situation(
                situation,
                acting=request.membership,
                title=data["title"],
                supervisor=data["supervisor"],
                context=data["context"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                campaign=data["campaign"],
                plans=data["plans"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Learning situation saved."))
            return redirect(situation)
    return _form_page(
        request, form, title=_("Edit the learning situation"), back=situation.get_absolute_url(), situation=situation
    )


def _rating_rows(situation: LearningSituation) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for rating in CompetencyRating.objects.filter(situation=situation).select_related("competency"):
        row = rows.setdefault(rating.competency_id, {"competency": rating.competency})
        row[rating.rater] = rating
    return sorted(rows.values(), key=lambda r: (r["competency"].position, r["competency"].code))


@require_GET
def situation_detail(request: OrgRequest, situation_id: int) -> HttpResponse:
    require(request.membership, "learning.view")
    situation = get_situation_for(request.membership, situation_id)
    critique = SelfCritique.objects.get(situation=situation)
    debrief = Debrief.objects.select_related("learner_signed_by__user", "supervisor_signed_by__user").get(
        situation=situation
    )
    me = request.membership
    is_learner = situation.learner_id == me.pk
    supervising = services.is_supervising(me, situation)
    submitted = situation.status == LearningSituation.Status.SUBMITTED
    results = campaign_results(situation.campaign) if situation.campaign else None
    # Earlier versions of the self-critique (the empty one made with the situation left out).
    drafts = (
        [
            h
            for h in critique.history.order_by("-history_date")[:20]
            if any(getattr(h, name) for name in SelfCritique.QUESTIONS)
        ]
        if (is_learner or supervising)
        else []
    )
    return render(
        request,
        "learning/situation_detail.html",
        {
            "situation": situation,
            "critique": critique,
            "debrief": debrief,
            "results": results,
            "plans": list(situation.plans.select_related("owner__user").order_by("code")),
            "ratings": _rating_rows(situation),
            "is_learner": is_learner,
            "supervising": supervising,
            "may_edit": not situation.is_frozen and (is_learner or supervising),
            "may_write_critique": is_learner and situation.status == LearningSituation.Status.DRAFT,
            "may_debrief": supervising and submitted,
            "may_sign_as_learner": is_learner and submitted and debrief.is_complete and not debrief.learner_signed_at,
            "may_sign_as_supervisor": supervising
            and not is_learner
            and submitted
            and debrief.is_complete
            and not debrief.supervisor_signed_at,
            "may_rate_self": is_learner and not situation.is_frozen,
            "may_rate_supervisor": supervising and not is_learner and not situation.is_frozen,
            "drafts": drafts,
        },
    )


@require_http_methods(["GET", "POST"])
def self_critique(request: OrgRequest, situation_id: int) -> HttpResponse:
    require(request.membership, "learning.view")
    situation = get_situation_for(request.membership, situation_id)
    if situation.learner_id != request.membership.pk:
        raise PermissionDenied
    critique = SelfCritique.objects.get(situation=situation)
    submit = "submit" in request.POST
    form = SelfCritiqueForm(posted(request), instance=critique, submit=submit)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_self_critique(situation, acting=request.membership, answers=form.cleaned_data, submit=submit)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Self-critique submitted.") if submit else _("Draft saved."))
            return redirect(situation)
    return render(
        request,
        "learning/self_critique_form.html",
        {"form": form, "situation": situation},
        status=form_status(form),
    )


@require_POST
def send_back(request: OrgRequest, situation_id: int) -> HttpResponse:
    require(request.membership, "learning.view")
    situation = get_situation_for(request.membership, situation_id)
    try:
        services.send_back(situation, acting=request.membership)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The self-critique was sent back to the learner."))
    return redirect(situation)


@require_http_methods(["GET", "POST"])
def debrief(request: OrgRequest, situation_id: int) -> HttpResponse:
    require(request.membership, "learning.view")
    situation = get_situation_for(request.membership, situation_id)
    if not services.is_supervising(request.membership, situation):
        raise PermissionDenied
    instance = Debrief.objects.get(situation=situation)
    form = DebriefForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_debrief(
                situation,
                acting=request.membership,
                supervisor_view=data["supervisor_view"],
                agreed_goals=data["agreed_goals"],
                means=data["means"],
                debrief_date=data["debrief_date"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Debrief saved."))
            return redirect(situation)
    return _form_page(request, form, title=_("Debrief"), back=situation.get_absolute_url(), situation=situation)


@require_POST
def sign(request: OrgRequest, situation_id: int) -> HttpResponse:
    require(request.membership, "learning.view")
    situation = get_situation_for(request.membership, situation_id)
    try:
        signed = services.sign_debrief(situation, acting=request.membership)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("Debrief signed: the situation is now frozen.") if signed.is_signed else _("Debrief signed.")
        )
    return redirect(situation)


def _ratings(request: OrgRequest, situation_id: int, rater: str) -> HttpResponse:
    require(request.membership, "learning.view")
    situation = get_situation_for(request.membership, situation_id)
    competencies = list(Competency.objects.for_org(request.organization).filter(is_active=True))
    current = {r.competency_id: r.level for r in CompetencyRating.objects.filter(situation=situation, rater=rater)}
    form = RatingForm(posted(request), competencies=competencies, initial_levels=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_competencies(situation, acting=request.membership, rater=rater, levels=form.levels())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Ratings saved."))
            return redirect(situation)
    title = _("My self-rating") if rater == CompetencyRating.Rater.SELF else _("Supervisor's rating")
    return render(
        request,
        "learning/ratings_form.html",
        {"form": form, "situation": situation, "title": title, "levels": Level.choices},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def ratings_self(request: OrgRequest, situation_id: int) -> HttpResponse:
    return _ratings(request, situation_id, CompetencyRating.Rater.SELF)


@require_http_methods(["GET", "POST"])
def ratings_supervisor(request: OrgRequest, situation_id: int) -> HttpResponse:
    return _ratings(request, situation_id, CompetencyRating.Rater.SUPERVISOR)


def _dossier(request: OrgRequest, situation_id: int, fmt: str) -> HttpResponse:
    """POST starts the job making the dossier and shows its progress page; GET (an old link or bookmark to the
    file) leads to the situation page, whose buttons start it."""
    require(request.membership, "learning.view")
    situation = get_situation_for(request.membership, situation_id)
    if request.method != "POST":
        return redirect(f"{situation.get_absolute_url()}#dossier")
    return redirect(dossier.start_dossier(situation, fmt=fmt, acting=request.membership))


@require_http_methods(["GET", "POST"])
def dossier_pdf(request: OrgRequest, situation_id: int) -> HttpResponse:
    return _dossier(request, situation_id, "pdf")


@require_http_methods(["GET", "POST"])
def dossier_docx(request: OrgRequest, situation_id: int) -> HttpResponse:
    return _dossier(request, situation_id, "docx")


@require_GET
def my_competencies(request: OrgRequest) -> HttpResponse:
    require(request.membership, "learning.view")
    return learner_competencies(request, request.membership.pk)


@require_GET
def learner_competencies(request: OrgRequest, membership_id: int) -> HttpResponse:
    require(request.membership, "learning.view")
    learner = get_learner_for(request.membership, membership_id)
    labels = {
        CompetencyRating.Rater.SELF: _("self-rating"),
        CompetencyRating.Rater.SUPERVISOR: _("supervisor"),
        "none": _("not rated yet"),
    }
    lines = dashboard.competency_lines(learner, viewer=request.membership)
    span = dashboard.date_range(lines)
    rows = [
        {
            "line": line,
            "chart": mark_safe(
                dashboard.sparkline_svg(
                    line,
                    title=_("Levels of %(code)s over time") % {"code": line.competency.code},
                    labels=labels,
                    span=span,
                )
            ),
        }
        for line in lines
    ]
    return render(
        request,
        "learning/competency_dashboard.html",
        {
            "learner": learner,
            "rows": rows,
            "gaps": [line for line in lines if line.is_gap],
            "is_me": learner.pk == request.membership.pk,
        },
    )


@require_GET
def framework(request: OrgRequest) -> HttpResponse:
    require(request.membership, "learning.view")
    competencies = Competency.objects.for_org(request.organization)
    return render(request, "learning/framework.html", {"competencies": list(competencies)})


@require_POST
def framework_install(request: OrgRequest) -> HttpResponse:
    require(request.membership, "learning.manage_framework")
    created = services.install_framework(organization=request.organization, acting=request.membership)
    messages.success(
        request,
        ngettext(
            "%(count)s competency added from the starter framework.",
            "%(count)s competencies added from the starter framework.",
            created,
        )
        % {"count": created},
    )
    return redirect("learning:framework", org_slug=request.organization.slug)


@require_http_methods(["GET", "POST"])
def competency_create(request: OrgRequest) -> HttpResponse:
    require(request.membership, "learning.manage_framework")
    return _competency_form(request, Competency(organization=request.organization))


@require_http_methods(["GET", "POST"])
def competency_edit(request: OrgRequest, competency_id: int) -> HttpResponse:
    require(request.membership, "learning.manage_framework")
    return _competency_form(request, get_competency_for(request.membership, competency_id))


def _competency_form(request: OrgRequest, competency: Competency) -> HttpResponse:
    form = CompetencyForm(posted(request), instance=competency, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        services.save_competency(form.instance, acting=request.membership)
        messages.success(request, _("Competency saved."))
        return redirect("learning:framework", org_slug=request.organization.slug)
    back = f"/o/{request.organization.slug}/learning/framework/"
    title = _("Edit the competency") if competency.pk else _("New competency")
    return _form_page(request, form, title=title, back=back)


# --- competence development plan -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def training_plan(request: OrgRequest) -> HttpResponse:
    """The plan: needs identified (from debriefs, assessments, events…), trainings planned and done."""
    require(request.membership, "learning.view")
    manager = can(request.membership, "learning.view_all") or can(request.membership, "learning.supervise")
    members = members_of(request.organization) if manager else Membership.objects.filter(pk=request.membership.pk)
    initial: dict[str, Any] = {"member": request.membership.pk}
    data = request.POST if request.method == "POST" else request.GET
    situation = None
    source = None
    situation_id = parse_id(data.get("situation"))
    if situation_id is not None:
        situation = get_situation_for(request.membership, situation_id)
        initial = {"member": situation.learner_id, "origin": TrainingNeed.Origin.DEBRIEF}
    elif data.get("source"):
        source = sources.resolve_source(request.membership, data["source"])
        initial |= {"origin": sources.SOURCE_KINDS[sources.key_of(source)].origin, "need": sources.prefill(source)}
    form = TrainingNeedForm(posted(request), organization=request.organization, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_training_need(
                acting=request.membership, situation=situation, source=source, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Training need added to the plan."))
            return redirect("learning:training_plan", org_slug=request.organization.slug)
    filters = TrainingFilterForm(request.GET or None, auto_id="filter_%s")
    rows = training_needs_for(request.membership).select_related(
        "member__user", "competency", "situation__organization"
    )
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            rows = rows.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["origin"]:
            rows = rows.filter(origin=filters.cleaned_data["origin"])
    counts = dict(
        training_needs_for(request.membership).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    page = Paginator(rows.order_by("status", "planned_on", "-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    found = sources.sources_of(request.membership, page.object_list)
    for row in page.object_list:
        row.source = found.get(row.pk)
    return render(
        request,
        "learning/training_plan.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "situation": situation,
            "source": sources.describe(source) if source is not None else None,
            "source_parameter": sources.parameter(source) if source is not None else "",
            "counts": [(label, counts.get(value, 0)) for value, label in TrainingNeed.Status.choices],
            "manager": manager,
        },
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def training_need_edit(request: OrgRequest, need_id: int) -> HttpResponse:
    require(request.membership, "learning.view")
    row = get_training_need_for(request.membership, need_id)
    form = TrainingPlanForm(posted(request), instance=row)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        wanted = data.pop("status")
        try:
            services.update_training_need(row, acting=request.membership, status=wanted, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Training plan saved."))
            return redirect("learning:training_plan", org_slug=request.organization.slug)
    back = reverse("learning:training_plan", kwargs={"org_slug": request.organization.slug})
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "title": str(row.need),
            "back": back,
            "need": row,
            "source": sources.sources_of(request.membership, [row]).get(row.pk),
        },
        status=form_status(form),
    )
