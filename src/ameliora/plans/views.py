"""Action plan pages: list, the plan's story, actions (list, board, timeline, mine), reviews, export.

Views parse, authorize, call a service, render. Every list is paginated and its query count does
not grow with the number of actions (the board and the plan page cap what they show per column
or section and link to the full, paginated list).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.core.access import can_see
from ameliora.core.dates import is_plausible
from ameliora.core.history import entries_from
from ameliora.core.http import INVALID_FORM, OrgRequest, form_status, posted
from ameliora.core.models import Attachment, Link, Membership, Organization
from ameliora.core.permissions import can, require
from ameliora.plans import attainment, measures, pdf, services
from ameliora.plans.access import (
    get_action_for,
    get_communication_for,
    get_objective_for,
    get_plan_for,
    get_progress_review_for,
    get_tool_for,
    plans_for,
)
from ameliora.plans.forms import (
    ActionForm,
    CommunicationForm,
    FilterForm,
    FinalReviewForm,
    MoveForm,
    ObjectiveForm,
    PlanForm,
    PlanStatusForm,
    ProgressReviewForm,
    RevisionForm,
    RoutingForm,
    ToolForm,
)
from ameliora.plans.models import (
    OPEN_STATUSES,
    Acknowledgement,
    Action,
    ActionPlan,
    ActionQuerySet,
    Communication,
    FinalReview,
    Objective,
    ProgressReview,
    Tool,
)
from ameliora.plans.timeline import Bar, timeline_svg

PAGE_SIZE = 25
# How many cards a board column and how many rows the plan page show before linking to the list.
BOARD_LIMIT = 50
PLAN_PAGE_ACTIONS = 25
TIMELINE_LIMIT = 100


def _form_page(
    request: OrgRequest, form: Any, *, title: str, back: str, plan: ActionPlan | None = None
) -> HttpResponse:
    return render(
        request,
        "plans/form.html",
        {"form": form, "title": title, "back": back, "plan": plan},
        status=form_status(form),
    )


def _files_of(model: type[Model], records: list[Any], organization: Organization) -> dict[int, list[Attachment]]:
    """The files attached to each of ``records`` (all of one model), in one query."""
    files: dict[int, list[Attachment]] = {}
    if records:
        for attachment in Attachment.objects.for_org(organization).filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=[r.pk for r in records]
        ):
            files.setdefault(attachment.object_id, []).append(attachment)
    return files


def _mine(membership: Membership) -> Exists:
    """True for actions the member takes part in (the owner is checked separately, on the row)."""
    return Exists(Action.participants.through.objects.filter(action_id=OuterRef("pk"), membership_id=membership.pk))


def _actions_with_rights(actions: QuerySet[Action], membership: Membership) -> QuerySet[Action]:
    return actions.annotate(participating=_mine(membership))


def _may_update(membership: Membership, action: Action) -> bool:
    participating = bool(getattr(action, "participating", False))
    if can(membership, "plans.edit"):
        return True
    return can(membership, "actions.update_own") and (action.owner_id == membership.pk or participating)


def _sources(obj: Any, membership: Membership) -> list[dict[str, Any]]:
    """The objects ``obj`` points at (its sources first), only those the member may see."""
    links = Link.objects.for_org(membership.organization).filter(
        from_type=ContentType.objects.get_for_model(obj), from_id=obj.pk
    )
    found = []
    for link in links.prefetch_related("to_object"):
        target = link.to_object
        if target is None or not can_see(membership, target):
            continue
        url = getattr(target, "get_absolute_url", None)
        found.append(
            {
                "kind": link.get_kind_display(),
                "is_source": link.kind == Link.Kind.SOURCE,
                "label": str(target),
                "model": str(target._meta.verbose_name),
                "url": url() if callable(url) else "",
            }
        )
    return sorted(found, key=lambda item: not item["is_source"])


# --- plans ---------------------------------------------------------------------------------------


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    require(request.membership, "plans.view")
    filters = FilterForm(request.GET or None, organization=request.organization, statuses=ActionPlan.Status.choices)
    plans = plans_for(request.membership).select_related("owner__user", "organization").with_action_counts()
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            plans = plans.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["owner"]:
            plans = plans.filter(owner=filters.cleaned_data["owner"])
    page = Paginator(plans.order_by("-start_date", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    my_open = Action.objects.for_org(request.organization).filter(owner=request.membership).open()
    return render(
        request,
        "plans/plan_list.html",
        {
            "page": page,
            "filters": filters,
            "my_open": my_open.count(),
            "my_late": my_open.late().count(),
            "single_plan": services.single_plan(request.organization),
            "query_string": _query_without_page(request),
        },
    )


@require_http_methods(["GET", "POST"])
def routing(request: OrgRequest) -> HttpResponse:
    """The organization's choice: one single plan, or one plan per source and year (seed 001)."""
    require(request.membership, "plans.route")
    current = services.single_plan(request.organization)
    initial = {"mode": RoutingForm.SINGLE if current else RoutingForm.PER_SOURCE, "plan": current}
    form = RoutingForm(posted(request), organization=request.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.choose_single_plan(acting=request.membership, plan=form.chosen_plan())
        except ValidationError as exc:
            form.add_error("plan", exc)
        else:
            messages.success(request, _("Where actions go has been saved."))
            return redirect("plans:home", org_slug=request.organization.slug)
    return render(
        request,
        "plans/routing.html",
        {"form": form, "current": current},
        status=form_status(form),
    )


def _query_without_page(request: OrgRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_http_methods(["GET", "POST"])
def plan_create(request: OrgRequest) -> HttpResponse:
    require(request.membership, "plans.edit")
    form = PlanForm(posted(request), organization=request.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.create_plan(
                acting=request.membership,
                title=data["title"],
                code=data["code"],
                scope_kind=data["scope_kind"],
                scope_label=data["scope_label"],
                owner=data["owner"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                context=data["context"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Plan created as a draft: add its objectives and actions."))
            return redirect(plan)
    home_url = reverse("plans:home", kwargs={"org_slug": request.organization.slug})
    return _form_page(request, form, title=_("New action plan"), back=home_url)


@require_http_methods(["GET", "POST"])
def plan_edit(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    plan = get_plan_for(request.membership, plan_id)
    form = PlanForm(posted(request), instance=plan, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(
                plan, acting=request.membership, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(plan)
    return _form_page(request, form, title=_("Edit the plan"), back=plan.get_absolute_url(), plan=plan)


@require_GET
def plan_detail(request: OrgRequest, plan_id: int) -> HttpResponse:
    """The plan's story in order: context, objectives, actions, tools, communication, results, revisions."""
    require(request.membership, "plans.view")
    membership = request.membership
    plan = get_plan_for(membership, plan_id)
    today = timezone.localdate()
    actions = plan.actions.all()
    counts = actions.aggregate(
        total=Count("pk"),
        planned=Count("pk", filter=Q(status=Action.Status.PLANNED)),
        in_progress=Count("pk", filter=Q(status=Action.Status.IN_PROGRESS)),
        done=Count("pk", filter=Q(status=Action.Status.DONE)),
        cancelled=Count("pk", filter=Q(status=Action.Status.CANCELLED)),
        late=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
    )
    active = counts["total"] - counts["cancelled"]
    shown = list(
        _actions_with_rights(Action.objects.filter(plan=plan).for_lists(), membership).order_by(
            "-late", "due_date", "position"
        )[:PLAN_PAGE_ACTIONS]
    )
    # "indicators" is the reverse of indicators.Indicator.objectives: read here, never imported.
    objectives = list(
        plan.objectives.annotate(action_count=Count("actions"))
        .prefetch_related("indicators__organization")
        .order_by("position", "pk")
    )
    tools = list(plan.tools.select_related("created_by__user"))
    tool_files = _files_of(Tool, tools, plan.organization)
    communications = services.communications_with_adherence(plan)
    communication_files = _files_of(Communication, [c for c, _a in communications], plan.organization)
    my_acks = set(
        Acknowledgement.objects.filter(communication__plan=plan, member=membership).values_list(
            "communication_id", flat=True
        )
    )
    addressed = set(plan.communications.filter(audience_members=membership).values_list("pk", flat=True))
    history = []
    if can(membership, "history.view"):
        records = list(plan.history.select_related("history_user").order_by("-history_date")[:30])
        records += list(
            Objective.history.filter(plan_id=plan.pk).select_related("history_user").order_by("-history_date")[:30]
        )
        history = entries_from(records)
    final_review = FinalReview.objects.filter(plan=plan).first()
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "counts": counts,
            "done_share": round(100 * counts["done"] / active) if active else 0,
            "actions": shown,
            "more_actions": counts["total"] > len(shown),
            "objectives": objectives,
            "attainments": attainment.attainments(objectives, today=today),
            "tools": [(t, tool_files.get(t.pk, [])) for t in tools],
            "communications": [
                {
                    "communication": c,
                    "adherence": a,
                    "files": communication_files.get(c.pk, []),
                    "acknowledged": c.pk in my_acks,
                    "may_acknowledge": c.pk not in my_acks
                    and (c.named_count == 0 or c.pk in addressed)  # type: ignore[attr-defined]
                    and can(membership, "communications.acknowledge"),
                }
                for c, a in communications
            ],
            "progress_reviews": list(plan.progress_reviews.select_related("recorded_by__user")),
            "final_review": final_review,
            "indicator_results": measures.results_of(plan, today),
            # Linking or creating writes on indicators (objective_link, create), so their right decides too.
            "link_indicators": can(membership, "plans.edit")
            and can(membership, "indicators.edit")
            and not plan.is_closed,
            "revisions": list(
                plan.revisions.select_related("objective", "proposed_by__user").prefetch_related("new_actions")
            ),
            "sources": _sources(plan, membership),
            "transitions": [(s, ActionPlan.Status(s).label) for s in plan.allowed_transitions()],
            "history": history,
            "today": today,
        },
    )


@require_POST
def plan_status(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.steer")
    plan = get_plan_for(request.membership, plan_id)
    form = PlanStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(plan)
    try:
        services.change_plan_status(plan, wanted=form.cleaned_data["status"], acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan is now “%(status)s”.") % {"status": plan.get_status_display()})
    return redirect(plan)


@require_POST
def plan_export(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.export")
    plan = get_plan_for(request.membership, plan_id)
    job = pdf.start_plan_pdf(plan, acting=request.membership)
    return redirect(job)


# --- objectives -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def objective_add(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    plan = get_plan_for(request.membership, plan_id)
    form = ObjectiveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_objective(plan, acting=request.membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Objective added."))
            return redirect(plan.get_absolute_url() + "#objectives")
    return _form_page(request, form, title=_("New objective"), back=plan.get_absolute_url(), plan=plan)


@require_http_methods(["GET", "POST"])
def objective_edit(request: OrgRequest, objective_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    objective = get_objective_for(request.membership, objective_id)
    plan = objective.plan
    form = ObjectiveForm(posted(request), instance=objective)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_objective(
                objective, acting=request.membership, **{n: form.cleaned_data[n] for n in form.changed_data}
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Objective saved."))
            return redirect(plan.get_absolute_url() + "#objectives")
    return _form_page(request, form, title=_("Edit the objective"), back=plan.get_absolute_url(), plan=plan)


# --- actions --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def action_create(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    plan = get_plan_for(request.membership, plan_id)
    form = ActionForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.create_action(
                plan,
                acting=request.membership,
                title=data["title"],
                description=data["description"],
                objective=data["objective"],
                owner=data["owner"],
                participants=data["participants"],
                start_date=data["start_date"],
                due_date=data["due_date"],
                priority=data["priority"],
                phase=data["phase"],
                effort=data["effort"],
            )
            if data["progress"]:
                services.set_action_progress(action, progress=data["progress"], acting=request.membership)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Action added."))
            return redirect(plan.get_absolute_url() + "#actions")
    return _form_page(request, form, title=_("New action"), back=plan.get_absolute_url(), plan=plan)


@require_GET
def action_detail(request: OrgRequest, action_id: int) -> HttpResponse:
    require(request.membership, "plans.view")
    membership = request.membership
    action = get_action_for(membership, action_id)
    participants = list(action.participants.select_related("user"))
    action.participating = any(p.pk == membership.pk for p in participants)  # type: ignore[attr-defined]
    history = []
    if can(membership, "history.view"):
        history = entries_from(list(action.history.select_related("history_user").order_by("-history_date")[:50]))
    return render(
        request,
        "plans/action_detail.html",
        {
            "action": action,
            "plan": action.plan,
            "participants": participants,
            "may_update": _may_update(membership, action),
            "transitions": [(s, Action.Status(s).label) for s in action.allowed_transitions()],
            "sources": _sources(action, membership),
            "history": history,
        },
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: OrgRequest, action_id: int) -> HttpResponse:
    membership = request.membership
    action = get_action_for(membership, action_id)
    action.participating = action.participants.filter(pk=membership.pk).exists()  # type: ignore[attr-defined]
    if not _may_update(membership, action):
        require(membership, "plans.edit")
    form = ActionForm(posted(request), instance=action, plan=action.plan)
    if request.method == "POST" and form.is_valid():
        changed = [n for n in form.changed_data if n != "participants"]
        try:
            services.update_action(
                action,
                acting=membership,
                participants=form.cleaned_data["participants"] if "participants" in form.changed_data else None,
                **{n: form.cleaned_data[n] for n in changed},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Action saved."))
            return redirect(action)
    return _form_page(request, form, title=_("Edit the action"), back=action.get_absolute_url(), plan=action.plan)


def _safe_next(request: OrgRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_POST
def action_move(request: OrgRequest, action_id: int) -> HttpResponse:
    """Move an action to another status (board buttons); htmx gets the board back, others a redirect."""
    membership = request.membership
    action = get_action_for(membership, action_id)
    action.participating = action.participants.filter(pk=membership.pk).exists()  # type: ignore[attr-defined]
    if not _may_update(membership, action):
        require(membership, "plans.edit")
    form = MoveForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Choose a status.")
    else:
        try:
            services.move_action(action, wanted=form.cleaned_data["status"], acting=membership)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.htmx and request.POST.get("view") == "board":
        context = _board_context(request, action.plan)
        context["error"] = error
        return render(request, "plans/action_board.html#board", context, status=INVALID_FORM if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Action moved to “%(status)s”.") % {"status": action.get_status_display()})
    return redirect(_safe_next(request, action.get_absolute_url()))


def _filtered_actions(request: OrgRequest, actions: ActionQuerySet, filters: FilterForm) -> ActionQuerySet:
    if filters.is_valid():
        if filters.cleaned_data["status"] == "late":
            actions = actions.late()
        elif filters.cleaned_data["status"]:
            actions = actions.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["owner"]:
            actions = actions.filter(owner=filters.cleaned_data["owner"])
    return actions


@require_GET
def action_list(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.view")
    plan = get_plan_for(request.membership, plan_id)
    filters = FilterForm(
        request.GET or None,
        organization=request.organization,
        statuses=[*Action.Status.choices, ("late", _("Late"))],
    )
    actions = _filtered_actions(request, Action.objects.filter(plan=plan).for_lists(), filters)
    page = Paginator(actions.select_related("objective").order_by("position", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "plans/action_list.html",
        {"plan": plan, "page": page, "filters": filters, "query_string": _query_without_page(request)},
    )


def _board_context(request: OrgRequest, plan: ActionPlan) -> dict[str, Any]:
    membership = request.membership
    base = _actions_with_rights(Action.objects.filter(plan=plan).for_lists(), membership)
    counts = dict(
        Action.objects.filter(plan=plan).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    editor = can(membership, "plans.edit")
    columns = []
    for status, label in Action.Status.choices:
        cards = list(base.filter(status=status).order_by("-late", "due_date", "position")[:BOARD_LIMIT])
        for card in cards:
            card.may_move = editor or _may_update(membership, card)  # type: ignore[attr-defined]
            card.moves = [  # type: ignore[attr-defined]
                (s, Action.Status(s).label) for s in card.allowed_transitions()
            ]
        columns.append({"status": status, "label": label, "cards": cards, "count": counts.get(status, 0)})
    return {"plan": plan, "columns": columns, "board_limit": BOARD_LIMIT, "error": ""}


@require_GET
def action_board(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.view")
    plan = get_plan_for(request.membership, plan_id)
    return render(request, "plans/action_board.html", _board_context(request, plan))


@require_GET
def plan_timeline(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.view")
    plan = get_plan_for(request.membership, plan_id)
    today = timezone.localdate()
    total = plan.actions.count()
    actions = list(
        Action.objects.filter(plan=plan).for_lists().order_by("start_date", "due_date", "position")[:TIMELINE_LIMIT]
    )
    bars = [
        Bar(
            label=a.title,
            start=a.start_date,
            due=a.due_date,
            status=a.status,
            status_label=a.get_status_display(),
            late=bool(a.late),  # type: ignore[attr-defined]
            url=a.get_absolute_url(),
        )
        for a in actions
    ]
    svg = timeline_svg(bars, today=today, title=_("Timeline of plan %(code)s") % {"code": plan.code})
    return render(
        request,
        "plans/plan_timeline.html",
        {"plan": plan, "svg": svg, "actions": actions, "total": total, "limit": TIMELINE_LIMIT, "today": today},
    )


@require_GET
def my_actions(request: OrgRequest) -> HttpResponse:
    """The member's actions across plans: owned or taken part in, open ones first, late ones on top."""
    require(request.membership, "plans.view")
    membership = request.membership
    show_all = request.GET.get("all") == "1"
    actions = (
        Action.objects.for_org(request.organization)
        .filter(
            Q(owner=membership)
            | Q(pk__in=Action.participants.through.objects.filter(membership=membership).values("action_id"))
        )
        .for_lists()
    )
    if not show_all:
        actions = actions.open()
    page = Paginator(actions.order_by("-late", "due_date", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/my_actions.html",
        {"page": page, "show_all": show_all, "query_string": "all=1" if show_all else ""},
    )


# --- tools, communication, reviews, revisions -----------------------------------------------------


@require_http_methods(["GET", "POST"])
def tool_add(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    plan = get_plan_for(request.membership, plan_id)
    form = ToolForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_tool(
                plan,
                acting=request.membership,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                url=data["url"],
                upload=data["file"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Tool added."))
            return redirect(plan.get_absolute_url() + "#tools")
    return _form_page(request, form, title=_("New tool"), back=plan.get_absolute_url(), plan=plan)


@require_http_methods(["GET", "POST"])
def communication_add(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    plan = get_plan_for(request.membership, plan_id)
    form = CommunicationForm(
        posted(request),
        request.FILES or None,
        organization=request.organization,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.record_communication(plan, acting=request.membership, upload=data.pop("file"), **data)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Communication recorded: members can now acknowledge it."))
            return redirect(plan.get_absolute_url() + "#communication")
    return _form_page(request, form, title=_("New communication to the team"), back=plan.get_absolute_url(), plan=plan)


def _remove(request: OrgRequest, record: Tool | Communication | ProgressReview, anchor: str) -> HttpResponse:
    require(request.membership, "plans.edit")
    try:
        services.remove_plan_record(record, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed (the history keeps it)."))
    return redirect(record.plan.get_absolute_url() + anchor)


@require_POST
def tool_delete(request: OrgRequest, tool_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    return _remove(request, get_tool_for(request.membership, tool_id), "#tools")


@require_POST
def communication_delete(request: OrgRequest, communication_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    return _remove(request, get_communication_for(request.membership, communication_id), "#communication")


@require_POST
def progress_review_delete(request: OrgRequest, review_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    return _remove(request, get_progress_review_for(request.membership, review_id), "#results")


@require_POST
def communication_acknowledge(request: OrgRequest, communication_id: int) -> HttpResponse:
    require(request.membership, "communications.acknowledge")
    communication = get_communication_for(request.membership, communication_id)
    try:
        services.acknowledge(communication, member=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you: your acknowledgement is recorded."))
    return redirect(communication.plan.get_absolute_url() + "#communication")


def _review_date(request: OrgRequest) -> date:
    """The date a new review is written for: ``?review_date=`` (the form asks again when it
    changes) if it is a plausible date, else today."""
    try:
        day = parse_date(request.GET.get("review_date", ""))
    except ValueError:  # well formed but no such day, such as 2025-02-30
        day = None
    return day if day is not None and is_plausible(day) else timezone.localdate()


def _refill_on_date_change(form: Any, *, date_field: str, text_field: str, request: OrgRequest) -> None:
    """Changing the date fetches the page again for that date and swaps in the pre-filled text
    (htmx; without JavaScript the text keeps the values at the first date shown)."""
    form.fields[date_field].widget.attrs.update(
        {
            "hx-get": request.path,
            "hx-trigger": "change",
            "hx-target": f"#id_{text_field}",
            "hx-select": f"#id_{text_field}",
            "hx-swap": "outerHTML",
        }
    )


def _before_after_text(plan: ActionPlan, day: date) -> str:
    """The final review's starting text: each indicator's value at ``day`` and, when its page
    compares two phases, the same before/after sentence."""
    readings = measures.readings_at(plan, day)
    lines = [readings] if readings else []
    for result in measures.results_of(plan, day):
        ba = result.before_after
        if ba is None:
            continue
        lines.append(_("%(label)s:") % {"label": result.name} + " " + ba.sentence)
    return "\n".join(lines)


@require_http_methods(["GET", "POST"])
def progress_review_add(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    plan = get_plan_for(request.membership, plan_id)
    day = _review_date(request)
    initial = {"review_date": day, "indicator_values": measures.readings_at(plan, day)}
    form = ProgressReviewForm(posted(request), initial=initial)
    _refill_on_date_change(form, date_field="review_date", text_field="indicator_values", request=request)
    if request.method == "POST" and form.is_valid():
        services.add_progress_review(plan, acting=request.membership, **form.cleaned_data)
        messages.success(request, _("Progress review recorded."))
        return redirect(plan.get_absolute_url() + "#results")
    return _form_page(request, form, title=_("New progress review"), back=plan.get_absolute_url(), plan=plan)


@require_http_methods(["GET", "POST"])
def final_review(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    plan = get_plan_for(request.membership, plan_id)
    objectives = list(plan.objectives.order_by("position", "pk"))
    existing = FinalReview.objects.filter(plan=plan).first()
    if existing is not None:
        initial: dict[str, object] = {
            "review_date": existing.review_date,
            "before_after": existing.before_after,
            "lessons": existing.lessons,
        }
    else:
        day = _review_date(request)
        initial = {"review_date": day, "before_after": _before_after_text(plan, day)}
    form = FinalReviewForm(posted(request), objectives=objectives, initial=initial)
    if existing is None:
        _refill_on_date_change(form, date_field="review_date", text_field="before_after", request=request)
    if request.method == "POST" and form.is_valid():
        services.record_final_review(
            plan,
            acting=request.membership,
            review_date=form.cleaned_data["review_date"],
            before_after=form.cleaned_data["before_after"],
            lessons=form.cleaned_data["lessons"],
            outcomes=form.outcomes(),
        )
        messages.success(request, _("Final review recorded."))
        return redirect(plan.get_absolute_url() + "#results")
    return _form_page(request, form, title=_("Final review"), back=plan.get_absolute_url(), plan=plan)


@require_http_methods(["GET", "POST"])
def revision_add(request: OrgRequest, plan_id: int) -> HttpResponse:
    require(request.membership, "plans.edit")
    plan = get_plan_for(request.membership, plan_id)
    form = RevisionForm(posted(request), plan=plan, initial={"revision_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.revise_plan(
                plan,
                acting=request.membership,
                revision_date=form.cleaned_data["revision_date"],
                description=form.cleaned_data["description"],
                objective=form.cleaned_data["objective"],
                new_target=form.cleaned_data["new_target"],
                new_actions=form.action_titles(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Revision recorded; the previous version stays in the history."))
            objective = form.cleaned_data["objective"]
            # "indicators" is the reverse of indicators.Indicator.objectives (read, never imported):
            # a new target in words is offered to the indicators that measure it, as numbers.
            if (
                objective is not None
                and form.cleaned_data["new_target"]
                and can(request.membership, "indicators.edit")
                and objective.indicators.exists()
            ):
                return redirect(
                    "indicators:objective_targets", org_slug=plan.organization.slug, objective_id=objective.pk
                )
            return redirect(plan.get_absolute_url() + "#revisions")
    return _form_page(request, form, title=_("New revision of the plan"), back=plan.get_absolute_url(), plan=plan)
