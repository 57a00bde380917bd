"""Member pages of events: declare, queues, the event page (triage, analysis, feedback), library, figures.

Every view: parse, authorize (capability), reach the event through ``access.get_event_for``, call a
service, then redirect or re-render. A refused form re-renders the page with status 422 and keeps
everything that was typed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.core import agenda
from ameliora.core.history import entries_from
from ameliora.core.http import INVALID_FORM, OrgRequest, form_status, posted
from ameliora.core.permissions import can, require
from ameliora.events import fhir, services
from ameliora.events.access import events_for, get_event_for, reporter_visible
from ameliora.events.fishbone import Bone, Cause, fishbone_svg
from ameliora.events.forms import (
    CategoryForm,
    CheckBackForm,
    DecisionForm,
    DeclarationForm,
    FactorForm,
    FeedbackForm,
    HandlerForm,
    LessonsForm,
    MessageForm,
    RegulatoryForm,
    RejectForm,
    SettingsForm,
    SummaryForm,
    TimelineForm,
    TriageForm,
)
from ameliora.events.models import (
    COMPLEX_CASE_CRITERIA,
    ContributingFactor,
    Decision,
    Event,
    EventCategory,
    FactorFamily,
    RexLevel,
    TimelineEntry,
    suggested_vigilances,
)
from ameliora.events.qr import qr_svg
from ameliora.events.stats import month_bars_svg, year_figures, years_with_events

PAGE_SIZE = 25
TRIAGE_DELAY_DAYS = 7  # a declaration still untriaged after a week is shown in red

QUEUES: dict[str, Any] = {
    "all": gettext_lazy("All"),
    "to_triage": gettext_lazy("To triage"),
    "mine": gettext_lazy("Mine"),
    "check_backs": gettext_lazy("Check-backs due"),
    "meeting": gettext_lazy("For the next cell meeting"),
    "no_feedback": gettext_lazy("Closed without feedback"),
    "declared": gettext_lazy("My declarations"),
}
CELL_QUEUES = ("to_triage", "mine", "check_backs", "meeting", "no_feedback")
QUALITY_CELL_SPACE = "quality_cell"  # the kind of exchange space that analyses level-3 cases (core.agenda)
SAVED = gettext_lazy("Saved.")
SERIOUS_VIGILANCES_TO_CHECK = gettext_lazy(
    "Serious event: the quality team will declare it to the ARS. "
    "Given its category, check in particular: %(vigilances)s."
)


def _queue_filters(request: OrgRequest) -> dict[str, Q]:
    today = timezone.localdate()
    open_ = ~Q(status__in=[Event.Status.CLOSED, Event.Status.NOT_RETAINED])
    return {
        "all": Q(),
        "to_triage": Q(status=Event.Status.RECEIVED),
        "mine": Q(handler=request.membership) & open_,
        "check_backs": Q(
            level=RexLevel.ORIENTED, check_back_done_at__isnull=True, check_back_due__lte=today + timedelta(days=3)
        )
        & open_,
        "meeting": Q(level=RexLevel.CELL_MEETING) & open_,
        "no_feedback": Q(status=Event.Status.CLOSED, feedback_given_at__isnull=True),
        "declared": Q(reported_by=request.membership),
    }


def _is_overdue(event: Event, today: Any, now: Any) -> bool:
    if event.check_back_overdue(today):
        return True
    if event.status == Event.Status.RECEIVED and event.received_at < now - timedelta(days=TRIAGE_DELAY_DAYS):
        return True
    due = event.ars_part2_due
    return bool(event.is_serious and due and event.ars_part2_sent_on is None and due < today)


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    """The queues: what to triage, mine, check-backs, next cell meeting, closed without feedback."""
    require(request.membership, "events.view")
    cell = can(request.membership, "events.triage")
    available = ["all", *CELL_QUEUES, "declared"] if cell else ["all", "declared"]
    queue = request.GET.get("queue") or ("to_triage" if cell else "all")
    if queue not in available:
        queue = "all"
    filters = _queue_filters(request)
    visible = events_for(request.membership)
    # One query counts every tab.
    counts = visible.aggregate(**{name: Count("pk", filter=filters[name]) for name in available})
    events = visible.filter(filters[queue]).select_related("category", "unit", "handler__user", "organization")
    query = request.GET.get("q", "").strip()
    if query:
        events = events.filter(Q(reference__icontains=query) | Q(description__icontains=query))
    order = ["check_back_due", "received_at"] if queue == "check_backs" else ["-received_at"]
    page = Paginator(events.order_by(*order, "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    today, now = timezone.localdate(), timezone.now()
    rows = [(event, _is_overdue(event, today, now)) for event in page]
    settings = services.ensure_event_settings(request.organization)
    return render(
        request,
        "events/event_list.html",
        {
            "page": page,
            "rows": rows,
            "queue": queue,
            "queues": [(name, QUEUES[name], counts[name]) for name in available],
            "query": query,
            "settings": settings,
            "next_session": agenda.next_session(request.organization, QUALITY_CELL_SPACE)
            if queue == "meeting"
            else None,
            "fhir_period": fhir.default_period() if can(request.membership, "events.stats") else None,
        },
    )


@require_http_methods(["GET", "POST"])
def declare(request: OrgRequest) -> HttpResponse:
    require(request.membership, "events.declare")
    services.ensure_event_settings(request.organization)
    form = DeclarationForm(posted(request), request.FILES or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("attachment")
        try:
            event = services.declare_event(
                form.declaration(), acting=request.membership, uploads=[upload] if upload else []
            )
        except ValidationError as exc:
            form.add_error("attachment", exc)
        else:
            messages.success(
                request, _("Thank you. Your declaration %(reference)s was received.") % {"reference": event.reference}
            )
            if can(request.membership, "events.view"):
                return redirect(event)  # the event page shows the EIGS reminder and the vigilances to check
            suggested = suggested_vigilances(
                event.category.code if event.category else None, already=form.cleaned_data.get("vigilances") or []
            )
            if event.is_serious and suggested:
                messages.warning(
                    request,
                    SERIOUS_VIGILANCES_TO_CHECK % {"vigilances": "; ".join(str(v.label) for v in suggested)},
                )
            return redirect("events:library", org_slug=request.organization.slug)
    return render(request, "events/event_declare.html", {"form": form}, status=form_status(form))


# --- the event page ----------------------------------------------------------------------------


def _fishbone(event: Event, factors: list[ContributingFactor]) -> str:
    bones = [
        Bone(str(label), [Cause(f.description, f.is_root) for f in factors if f.family == code])
        for code, label in FactorFamily.choices
    ]
    return fishbone_svg(
        event.reference,
        bones,
        title=_("Cause diagram of %(reference)s") % {"reference": event.reference},
        root_label=_("root cause"),
    )


def _history(request: OrgRequest, event: Event) -> list[Any]:
    if not can(request.membership, "history.view"):
        return []
    records: list[Any] = list(event.history.select_related("history_user").order_by("-history_date")[:40])
    for model in (TimelineEntry, ContributingFactor, Decision):
        records += list(
            model.history.filter(event_id=event.pk).select_related("history_user").order_by("-history_date")[:30]
        )
    return entries_from(records)


def _render_detail(request: OrgRequest, event: Event, *, status: int = 200, **forms: Form) -> HttpResponse:
    settings = services.ensure_event_settings(request.organization)
    org = request.organization
    factors = list(event.factors.all())
    vigilances = list(event.vigilances.all())
    regulatory_initial: dict[str, Any] = {
        "is_serious": event.is_serious,
        "ars_part1_sent_on": event.ars_part1_sent_on,
        "ars_part2_sent_on": event.ars_part2_sent_on,
    }
    for report in vigilances:
        regulatory_initial[f"vig_{report.vigilance}"] = True
        regulatory_initial[f"vig_{report.vigilance}_on"] = report.reported_on
    defaults: dict[str, Form] = {
        "triage_form": TriageForm(
            organization=org,
            rex_levels=settings.rex_levels_enabled,
            initial={"severity": event.reporter_severity, "handler": request.membership.pk},
        ),
        "handler_form": HandlerForm(organization=org, initial={"handler": event.handler_id}),
        "reject_form": RejectForm(),
        "check_back_form": CheckBackForm(),
        "regulatory_form": RegulatoryForm(initial=regulatory_initial),
        "timeline_form": TimelineForm(),
        "factor_form": FactorForm(),
        "lessons_form": LessonsForm(initial={"lessons": event.lessons}),
        "decision_form": DecisionForm(organization=org),
        "feedback_form": FeedbackForm(initial={"feedback_message": event.feedback_message}),
        "summary_form": SummaryForm(
            initial={"summary_title": event.summary_title, "summary": event.summary, "audience": event.library_audience}
        ),
        "message_form": MessageForm(),
    }
    defaults.update(forms)
    today = timezone.localdate()
    context = {
        "event": event,
        "settings": settings,
        "show_reporter": reporter_visible(request.membership, event),
        "reporter": event.reported_by.user if event.reported_by_id and event.reported_by else None,
        "is_reporter": event.reported_by_id == request.membership.pk,
        "analyst": can(request.membership, "events.analyse"),
        "approver": can(request.membership, "events.approve_lessons"),
        "triager": can(request.membership, "events.triage"),
        "timeline": list(event.timeline.all()),
        "factors": factors,
        "families": [(label, [f for f in factors if f.family == code]) for code, label in FactorFamily.choices],
        "fishbone": _fishbone(event, factors),
        "decisions": list(event.decisions.select_related("owner__user", "decided_by__user", "action__plan")),
        "vigilances": vigilances,
        "suggested_vigilances": suggested_vigilances(
            event.category.code if event.category else None, already=[v.vigilance for v in vigilances]
        ),
        "transitions": list(event.transitions.select_related("by__user")),
        "tracking_messages": list(event.messages.select_related("author__user")),
        "allowed": event.allowed_actions(),
        "overdue": _is_overdue(event, today, timezone.now()),
        "check_back_overdue": event.check_back_overdue(today),
        "criteria": [(label, getattr(event, name)) for name, label, _help in COMPLEX_CASE_CRITERIA],
        "history": _history(request, event),
        "sessions": agenda.sessions_about(event),
        "today": today,
        **defaults,
    }
    return render(request, "events/event_detail.html", context, status=status)


@require_GET
def detail(request: OrgRequest, event_id: int) -> HttpResponse:
    require(request.membership, "events.view")
    return _render_detail(request, get_event_for(request.membership, event_id))


def _done(request: OrgRequest, event: Event, message: Any = SAVED, anchor: str = "") -> HttpResponse:
    messages.success(request, str(message))
    return redirect(event.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _refused(request: OrgRequest, event: Event, exc: ValidationError, anchor: str = "") -> HttpResponse:
    for text in exc.messages:
        messages.error(request, text)
    return redirect(event.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _event_for_action(request: OrgRequest, event_id: int, capability: str) -> Event:
    require(request.membership, "events.view")
    event = get_event_for(request.membership, event_id)
    require(request.membership, capability)
    return event


@require_POST
def triage(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.triage")
    settings = services.ensure_event_settings(request.organization)
    form = TriageForm(request.POST, organization=request.organization, rex_levels=settings.rex_levels_enabled)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, triage_form=form)
    try:
        services.triage_event(
            event,
            severity=form.cleaned_data["severity"],
            likelihood=form.cleaned_data["likelihood"],
            handler=form.cleaned_data.get("handler"),
            level=form.cleaned_data.get("level"),
            criteria=form.criteria(),
            oriented_to=form.cleaned_data.get("oriented_to") or "",
            acting=request.membership,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_detail(request, event, status=INVALID_FORM, triage_form=form)
    return _done(request, event, _("Event triaged."))


@require_POST
def assign(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.triage")
    form = HandlerForm(request.POST, organization=request.organization)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, handler_form=form)
    services.assign_handler(event, handler=form.cleaned_data.get("handler"), acting=request.membership)
    return _done(request, event)


@require_POST
def move(request: OrgRequest, event_id: int) -> HttpResponse:
    """One of the simple steps, named by the button: start_analysis, decide_actions, close, reopen."""
    event = _event_for_action(request, event_id, "events.analyse")
    action = request.POST.get("action", "")
    if action not in {"start_analysis", "decide_actions", "close", "reopen"}:
        raise Http404
    try:
        services.move_event(event, action, acting=request.membership)
    except ValidationError as exc:
        return _refused(request, event, exc)
    return _done(request, event, _("Status: %(status)s.") % {"status": event.get_status_display()})


@require_POST
def reject(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.triage")
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, reject_form=form)
    try:
        services.reject_event(event, reason=form.cleaned_data["reason"], acting=request.membership)
    except ValidationError as exc:
        return _refused(request, event, exc)
    return _done(request, event, _("Event set as not retained."))


@require_POST
def check_back(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.triage")
    form = CheckBackForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, check_back_form=form)
    try:
        services.record_check_back(
            event, resolved=form.cleaned_data["resolved"], note=form.cleaned_data["note"], acting=request.membership
        )
    except ValidationError as exc:
        return _refused(request, event, exc)
    return _done(request, event, _("Check-back recorded."))


@require_POST
def regulatory(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.triage")
    form = RegulatoryForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, regulatory_form=form)
    services.update_regulatory(
        event,
        is_serious=form.cleaned_data["is_serious"],
        part1_sent_on=form.cleaned_data.get("ars_part1_sent_on"),
        part2_sent_on=form.cleaned_data.get("ars_part2_sent_on"),
        vigilance_dates=form.vigilance_dates(),
        acting=request.membership,
    )
    return _done(request, event, anchor="regulatory")


# --- analysis ----------------------------------------------------------------------------------


@require_POST
def timeline_add(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.analyse")
    form = TimelineForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, timeline_form=form)
    services.add_timeline_entry(
        event,
        happened_at=form.cleaned_data["happened_at"],
        description=form.cleaned_data["description"],
        acting=request.membership,
    )
    return _done(request, event, anchor="chronology")


def _entry(event: Event, entry_id: int) -> TimelineEntry:
    return get_object_or_404(TimelineEntry.objects.for_org(event.organization), event=event, pk=entry_id)


@require_POST
def timeline_move(request: OrgRequest, event_id: int, entry_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.analyse")
    entry = _entry(event, entry_id)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    services.move_timeline_entry(entry, direction=direction, acting=request.membership)
    return redirect(event.get_absolute_url() + "#chronology")


@require_POST
def timeline_delete(request: OrgRequest, event_id: int, entry_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.analyse")
    services.delete_timeline_entry(_entry(event, entry_id), acting=request.membership)
    return _done(request, event, _("Entry removed from the chronology."), anchor="chronology")


@require_POST
def factor_add(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.analyse")
    form = FactorForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, factor_form=form)
    services.add_factor(event, acting=request.membership, **form.cleaned_data)
    return _done(request, event, anchor="factors")


@require_POST
def factor_delete(request: OrgRequest, event_id: int, factor_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.analyse")
    factor = get_object_or_404(ContributingFactor.objects.for_org(event.organization), event=event, pk=factor_id)
    services.delete_factor(factor, acting=request.membership)
    return _done(request, event, _("Factor removed."), anchor="factors")


@require_POST
def lessons(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.analyse")
    form = LessonsForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, lessons_form=form)
    services.save_lessons(event, lessons=form.cleaned_data["lessons"], acting=request.membership)
    return _done(request, event, anchor="lessons")


@require_POST
def decision_add(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.analyse")
    form = DecisionForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            services.add_decision(event, acting=request.membership, **form.cleaned_data)
        except ValidationError as exc:
            field = {"no_action_reason": "reason", "plan_closed": "plan"}.get(str(exc.code), "text")
            form.add_error(field, exc)
        else:
            return _done(request, event, _("Decision recorded."), anchor="lessons")
    return _render_detail(request, event, status=INVALID_FORM, decision_form=form)


@require_POST
def feedback(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.analyse")
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, feedback_form=form)
    services.give_feedback(event, message=form.cleaned_data["feedback_message"], acting=request.membership)
    return _done(request, event, _("Feedback saved: the reporter can read it."), anchor="feedback")


@require_POST
def summary(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.analyse")
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, summary_form=form)
    try:
        services.publish_summary(
            event,
            title=form.cleaned_data["summary_title"],
            summary=form.cleaned_data["summary"],
            publish=request.POST.get("publish") == "1",
            audience=form.cleaned_data["audience"],
            acting=request.membership,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_detail(request, event, status=INVALID_FORM, summary_form=form)
    return _done(request, event, anchor="library")


@require_POST
def approve_lesson(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.approve_lessons")
    try:
        services.approve_territory_lesson(event, acting=request.membership)
    except ValidationError as exc:
        return _refused(request, event, exc, anchor="library")
    return _done(request, event, _("Lesson approved: it is on the public library page."), anchor="library")


@require_POST
def message(request: OrgRequest, event_id: int) -> HttpResponse:
    event = _event_for_action(request, event_id, "events.triage")
    if event.source != Event.Source.PUBLIC:
        raise Http404
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, status=INVALID_FORM, message_form=form)
    services.post_cell_message(event, body=form.cleaned_data["body"], acting=request.membership)
    return _done(request, event, _("Message sent: the reporter reads it with the tracking code."), anchor="messages")


@require_GET
def fishbone(request: OrgRequest, event_id: int) -> HttpResponse:
    require(request.membership, "events.view")
    event = get_event_for(request.membership, event_id)
    return HttpResponse(_fishbone(event, list(event.factors.all())), content_type="image/svg+xml")


# --- library, figures, settings ----------------------------------------------------------------


@require_GET
def library(request: OrgRequest) -> HttpResponse:
    """Published, de-identified lessons: visible to every member (no reporter, no free text of the declaration)."""
    require(request.membership, "events.library")
    query = request.GET.get("q", "").strip()
    published = Event.objects.for_org(request.organization).published().search_library(query).select_related("category")
    page = Paginator(published, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = Event.objects.for_org(request.organization).awaiting_territory_approval().count()
    return render(request, "events/library.html", {"page": page, "query": query, "waiting": waiting})


@require_GET
def dashboard(request: OrgRequest) -> HttpResponse:
    require(request.membership, "events.stats")
    years = years_with_events(request.organization)
    try:
        year = int(request.GET.get("year", years[0]))
    except ValueError:
        year = years[0]
    if year not in years:
        raise Http404
    figures = year_figures(request.organization, year)
    labels = [date_format(m, "M") for m in figures.months]
    return render(
        request,
        "events/dashboard.html",
        {
            "figures": figures,
            "years": years,
            "year": year,
            "months": list(zip(labels, figures.per_month, strict=True)),
            "bars": month_bars_svg(
                figures.per_month, labels, title=_("Declarations per month in %(year)s") % {"year": year}
            ),
            "levels": [(RexLevel(n).label, figures.per_level[n]) for n in (1, 2, 3)],
            "no_level": figures.per_level[None],
        },
    )


@require_http_methods(["GET", "POST"])
def event_settings(request: OrgRequest) -> HttpResponse:
    require(request.membership, "events.configure")
    settings = services.ensure_event_settings(request.organization)
    form = SettingsForm(
        request.POST if request.method == "POST" and "save_settings" in request.POST else None,
        initial={
            "rex_levels_enabled": settings.rex_levels_enabled,
            "check_back_days": settings.check_back_days,
            "public_enabled": settings.public_enabled,
            "public_library_enabled": settings.public_library_enabled,
            "next_meeting_on": settings.next_meeting_on,
        },
    )
    category_form = CategoryForm(request.POST if request.method == "POST" and "add_category" in request.POST else None)
    if form.is_bound and form.is_valid():
        services.update_settings(settings, acting=request.membership, **form.cleaned_data)
        messages.success(request, str(SAVED))
        return redirect("events:settings", org_slug=request.organization.slug)
    if category_form.is_bound and category_form.is_valid():
        services.add_category(request.organization, name=category_form.cleaned_data["name"], acting=request.membership)
        messages.success(request, str(SAVED))
        return redirect("events:settings", org_slug=request.organization.slug)
    bound = (form.is_bound and form.errors) or (category_form.is_bound and category_form.errors)
    return render(
        request,
        "events/settings.html",
        {
            "form": form,
            "category_form": category_form,
            "categories": EventCategory.objects.for_org(request.organization),
            "settings": settings,
        },
        status=INVALID_FORM if bound else 200,
    )


@require_POST
def category_toggle(request: OrgRequest, category_id: int) -> HttpResponse:
    require(request.membership, "events.configure")
    category = get_object_or_404(EventCategory.objects.for_org(request.organization), pk=category_id)
    services.toggle_category(category, acting=request.membership)
    return redirect("events:settings", org_slug=request.organization.slug)


@require_GET
def public_link(request: OrgRequest) -> HttpResponse:
    """A printable page with the public declaration link and its QR code (and the public library's link, if open)."""
    require(request.membership, "events.configure")
    settings = services.ensure_event_settings(request.organization)
    url = request.build_absolute_uri(reverse("events_public:declare", kwargs={"public_key": settings.public_key}))
    tracking = request.build_absolute_uri(reverse("events_public:track"))
    library = reverse("events_public:library", kwargs={"public_key": settings.public_key})
    return render(
        request,
        "events/public_link.html",
        {
            "settings": settings,
            "url": url,
            "tracking_url": tracking,
            "library_url": request.build_absolute_uri(library) if settings.public_library_enabled else "",
            "qr": qr_svg(url),
        },
    )


def _period(request: OrgRequest) -> tuple[Any, Any]:
    """The period asked by ``from`` and ``to`` (ISO dates); this year so far for what is missing or wrong."""
    start, end = fhir.default_period()
    try:
        start = date.fromisoformat(request.GET.get("from") or start.isoformat())
        end = date.fromisoformat(request.GET.get("to") or end.isoformat())
    except ValueError:
        start, end = fhir.default_period()
    return (end, start) if start > end else (start, end)


@require_GET
def fhir_export(request: OrgRequest) -> HttpResponse:
    """The de-identified FHIR Bundle of the events that happened in the period (see ``events/fhir.py``)."""
    require(request.membership, "events.stats")
    start, end = _period(request)
    bundle = fhir.bundle(request.organization, events_for(request.membership), start=start, end=end)
    response = HttpResponse(fhir.bundle_json(bundle), content_type=fhir.CONTENT_TYPE)
    filename = f"{request.organization.slug}-events-{start.isoformat()}-{end.isoformat()}.fhir.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
