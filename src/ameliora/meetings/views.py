"""Exchange-space pages: spaces, their calendar, sessions (agenda, attendance, minutes, decisions), reports.

Views parse, authorize, call a service, render. The session page holds several small forms; a form
that fails re-renders the page with what was typed and a 422 (`core.http.INVALID_FORM`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.core.history import entries_from
from ameliora.core.http import INVALID_FORM, OrgRequest, form_status, posted
from ameliora.core.models import Membership
from ameliora.core.permissions import can, require
from ameliora.meetings import ical, services
from ameliora.meetings.access import (
    get_guest_for,
    get_item_for,
    get_letter_for,
    get_session_for,
    get_space_for,
    letters_for,
    sessions_for,
    spaces_for,
)
from ameliora.meetings.forms import (
    AgendaAcceptForm,
    AgendaItemForm,
    AttendanceForm,
    CalendarForm,
    DecisionForm,
    GuestForm,
    LetterFilterForm,
    MinutesForm,
    MissionLetterForm,
    ReportYearForm,
    SessionForm,
    SpaceForm,
    StatusForm,
)
from ameliora.meetings.letter_pdf import render_letter_pdf
from ameliora.meetings.models import (
    LETTER_SIGNED,
    AgendaItem,
    Attendance,
    Decision,
    ExchangeSpace,
    MemberCalendar,
    MissionLetter,
    Session,
    SpaceMember,
)
from ameliora.meetings.report import yearly_report

PAGE_SIZE = 25
MY_LETTERS_LIMIT = 10
UPCOMING_LIMIT = 10
HISTORY_LIMIT = 30
FEED_HISTORY = timedelta(days=365)


def _form_page(request: OrgRequest, form: Any, *, title: str, back: str) -> HttpResponse:
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": title, "back": back},
        status=form_status(form),
    )


def _require_run(membership: Membership, space: ExchangeSpace) -> None:
    if not services.may_run(membership, space):
        raise PermissionDenied


# --- spaces --------------------------------------------------------------------------------------


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    require(request.membership, "meetings.view")
    now = timezone.now()
    spaces = (
        spaces_for(request.membership)
        .select_related("organization")
        .annotate(
            next_session=Min("sessions__starts_at", filter=Q(sessions__status="planned", sessions__starts_at__gte=now)),
            held_this_year=Count(
                "sessions", filter=Q(sessions__status="held", sessions__starts_at__year=now.year), distinct=True
            ),
            member_count=Count("members", distinct=True),
        )
        .order_by("-active", "name")
    )
    page = Paginator(spaces, PAGE_SIZE).get_page(request.GET.get("page"))
    upcoming = (
        sessions_for(request.membership).upcoming().select_related("space", "organization").order_by("starts_at")
    )[:UPCOMING_LIMIT]
    return render(request, "meetings/home.html", {"page": page, "upcoming": upcoming, "year": now.year})


@require_http_methods(["GET", "POST"])
def space_create(request: OrgRequest) -> HttpResponse:
    require(request.membership, "meetings.manage")
    form = SpaceForm(posted(request), organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            space = services.save_space(
                form.save(commit=False),
                acting=request.membership,
                facilitators=form.cleaned_data["facilitators"],
                members=form.cleaned_data["members"],
                secretary=form.cleaned_data["secretary"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Space created: plan its sessions for the year."))
            return redirect(space)
    back = reverse("meetings:home", kwargs={"org_slug": request.organization.slug})
    return _form_page(request, form, title=_("New exchange space"), back=back)


@require_http_methods(["GET", "POST"])
def space_edit(request: OrgRequest, space_id: int) -> HttpResponse:
    require(request.membership, "meetings.manage")
    space = get_space_for(request.membership, space_id)
    form = SpaceForm(posted(request), instance=space, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_space(
                form.save(commit=False),
                acting=request.membership,
                facilitators=form.cleaned_data["facilitators"],
                members=form.cleaned_data["members"],
                secretary=form.cleaned_data["secretary"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Space saved."))
            return redirect(space)
    return _form_page(request, form, title=_("Edit the space"), back=space.get_absolute_url())


def _year(request: HttpRequest) -> int:
    form = ReportYearForm(request.GET)
    if form.is_valid() and form.cleaned_data["year"]:
        return int(form.cleaned_data["year"])
    return timezone.localdate().year


@require_http_methods(["GET", "POST"])
def space_detail(request: OrgRequest, space_id: int) -> HttpResponse:
    require(request.membership, "meetings.view")
    space = get_space_for(request.membership, space_id)
    calendar_form = CalendarForm(posted(request))
    if request.method == "POST":
        _require_run(request.membership, space)
        if calendar_form.is_valid():
            data = calendar_form.cleaned_data
            try:
                created = services.plan_sessions(
                    space,
                    acting=request.membership,
                    first=data["first"],
                    count=data["count"],
                    every_months=data["every_months"],
                )
            except ValidationError as exc:
                calendar_form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    ngettext("%(n)s session planned.", "%(n)s sessions planned.", len(created)) % {"n": len(created)},
                )
                return redirect(space)
    return _space_page(request, space, calendar_form=calendar_form)


def _space_page(
    request: OrgRequest, space: ExchangeSpace, *, calendar_form: CalendarForm, guest_form: GuestForm | None = None
) -> HttpResponse:
    year = _year(request)
    sessions = (
        space.sessions.in_year(year)
        .select_related("organization", "space")
        .annotate(n_items=Count("items", distinct=True), n_decisions=Count("decisions", distinct=True))
    )
    members = space.members.select_related("member__user").order_by("role", "member__user__last_name")
    letters = letters_for(request.membership).filter(space=space).select_related("person__user", "organization")
    feed = request.build_absolute_uri(reverse("meetings_public:space_feed", kwargs={"token": space.calendar_token}))
    guests = space.guests.select_related("user", "invited_by__user").order_by("-valid_until", "email")
    context = {
        "space": space,
        "may_run": services.may_run(request.membership, space),
        "calendar_form": calendar_form,
        "sessions": sessions,
        "members": members,
        "letters": letters,
        "guests": guests,
        "guest_form": guest_form or GuestForm(prefix="guest"),
        "agenda_sources": services.agenda_source_labels(space),
        "year": year,
        "feed": feed,
        "history": entries_from(
            list(space.history.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT])
        )
        if can(request.membership, "history.view")
        else [],
    }
    status = form_status(calendar_form, guest_form)
    return render(request, "meetings/space_detail.html", context, status=status)


@require_POST
def guest_invite(request: OrgRequest, space_id: int) -> HttpResponse:
    require(request.membership, "meetings.view")
    space = get_space_for(request.membership, space_id)
    _require_run(request.membership, space)
    form = GuestForm(request.POST, prefix="guest")
    if form.is_valid():
        try:
            guest = services.invite_guest(space, acting=request.membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": guest.email})
            return redirect(space.get_absolute_url() + "#guests")
    return _space_page(request, space, calendar_form=CalendarForm(), guest_form=form)


@require_POST
def guest_revoke(request: OrgRequest, guest_id: int) -> HttpResponse:
    require(request.membership, "meetings.view")
    guest = get_guest_for(request.membership, guest_id)
    _require_run(request.membership, guest.space)
    services.revoke_guest(guest, acting=request.membership)
    messages.success(request, _("Guest access of %(email)s revoked.") % {"email": guest.email})
    return redirect(guest.space.get_absolute_url() + "#guests")


# --- sessions ------------------------------------------------------------------------------------


def _people(session: Session) -> list[Membership]:
    """The space's members, then anyone else already recorded (a guest, someone who left the space)."""
    members = [sm.member for sm in session.space.members.select_related("member__user").order_by("role", "pk")]
    known = {m.pk for m in members}
    others = [a.member for a in session.attendance.select_related("member__user") if a.member_id not in known]
    return members + others


def _history(membership: Membership, session: Session) -> list[Any]:
    if not can(membership, "history.view"):
        return []
    records = [
        *session.history.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT],
        *AgendaItem.history.filter(session_id=session.pk)
        .select_related("history_user")
        .order_by("-history_date")[:HISTORY_LIMIT],
        *Decision.history.filter(session_id=session.pk)
        .select_related("history_user")
        .order_by("-history_date")[:HISTORY_LIMIT],
    ]
    return entries_from(records, limit=HISTORY_LIMIT)


def _session_page(request: OrgRequest, session: Session, status: int = 200, **forms: Any) -> HttpResponse:
    may_run = services.may_run(request.membership, session.space)
    current = dict(session.attendance.values_list("member_id", "status"))
    proposals = services.proposed_agenda(session) if may_run and not session.is_frozen else []
    items = list(session.items.all())
    decisions = session.decisions.select_related("owner__user", "action__plan", "item")
    context = {
        "session": session,
        "space": session.space,
        "may_run": may_run,
        "editable": may_run and not session.is_frozen and session.status != Session.Status.CANCELLED,
        "transitions": [(s, Session.Status(s).label) for s in session.allowed_transitions()],
        "items": items,
        "decisions": decisions,
        "proposals": proposals,
        "attendance": session.attendance.select_related("member__user").order_by("member__user__last_name"),
        "present_count": sum(1 for s in current.values() if s == Attendance.Status.PRESENT),
        "attendance_form": forms.get("attendance_form") or _attendance_form(session, None),
        "guest_attendance": session.guest_attendance.select_related("guest__user").order_by("guest__email"),
        "agenda_form": forms.get("agenda_form")
        or AgendaAcceptForm(
            choices=[(p.key, p.title) for p in proposals], initial={"keys": [p.key for p in proposals]}
        ),
        "item_form": forms.get("item_form") or AgendaItemForm(prefix="item"),
        "minutes_form": forms.get("minutes_form") or MinutesForm(session=session),
        "decision_form": forms.get("decision_form") or DecisionForm(session=session, prefix="decision"),
        "history": _history(request.membership, session),
    }
    return render(request, "meetings/session_detail.html", context, status=status)


@require_GET
def session_detail(request: OrgRequest, session_id: int) -> HttpResponse:
    require(request.membership, "meetings.view")
    return _session_page(request, get_session_for(request.membership, session_id))


def _running(request: OrgRequest, session_id: int) -> Session:
    require(request.membership, "meetings.view")
    session = get_session_for(request.membership, session_id)
    _require_run(request.membership, session.space)
    return session


@require_http_methods(["GET", "POST"])
def session_edit(request: OrgRequest, session_id: int) -> HttpResponse:
    session = _running(request, session_id)
    form = SessionForm(posted(request), instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(
                session, acting=request.membership, **{n: form.cleaned_data[n] for n in form.changed_data}
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect(session)
    return _form_page(request, form, title=_("Edit the session"), back=session.get_absolute_url())


def _refused(request: OrgRequest, session: Session, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect(session)


@require_POST
def session_status(request: OrgRequest, session_id: int) -> HttpResponse:
    session = _running(request, session_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(session)
    try:
        services.move_session(session, wanted=form.cleaned_data["status"], acting=request.membership)
    except ValidationError as exc:
        return _refused(request, session, exc)
    messages.success(request, _("The session is now “%(status)s”.") % {"status": session.get_status_display()})
    return redirect(session)


def _attendance_form(session: Session, data: Any) -> AttendanceForm:
    return AttendanceForm(
        data,
        people=_people(session),
        current=dict(session.attendance.values_list("member_id", "status")),
        guests=services.session_guests(session),
        guest_current=dict(session.guest_attendance.values_list("guest_id", "status")),
        prefix="att",
    )


@require_POST
def attendance(request: OrgRequest, session_id: int) -> HttpResponse:
    session = _running(request, session_id)
    form = _attendance_form(session, request.POST)
    if not form.is_valid():
        return _session_page(request, session, status=INVALID_FORM, attendance_form=form)
    try:
        services.record_attendance(
            session, acting=request.membership, statuses=form.statuses(), guest_statuses=form.guest_statuses()
        )
    except ValidationError as exc:
        return _refused(request, session, exc)
    messages.success(request, _("Attendance recorded."))
    return redirect(session.get_absolute_url() + "#attendance")


@require_POST
def agenda_accept(request: OrgRequest, session_id: int) -> HttpResponse:
    session = _running(request, session_id)
    proposals = services.proposed_agenda(session)
    form = AgendaAcceptForm(request.POST, choices=[(p.key, p.title) for p in proposals])
    if not form.is_valid():
        return _session_page(request, session, status=INVALID_FORM, agenda_form=form)
    try:
        added = services.accept_agenda(session, keys=form.cleaned_data["keys"], acting=request.membership)
    except ValidationError as exc:
        return _refused(request, session, exc)
    messages.success(
        request,
        ngettext("%(n)s item added to the agenda.", "%(n)s items added to the agenda.", len(added)) % {"n": len(added)},
    )
    return redirect(session.get_absolute_url() + "#agenda")


@require_POST
def item_add(request: OrgRequest, session_id: int) -> HttpResponse:
    session = _running(request, session_id)
    form = AgendaItemForm(request.POST, prefix="item")
    if not form.is_valid():
        return _session_page(request, session, status=INVALID_FORM, item_form=form)
    try:
        services.add_agenda_item(session, acting=request.membership, title=form.cleaned_data["title"])
    except ValidationError as exc:
        return _refused(request, session, exc)
    return redirect(session.get_absolute_url() + "#agenda")


@require_POST
def item_remove(request: OrgRequest, item_id: int) -> HttpResponse:
    item = get_item_for(request.membership, item_id)
    session = _running(request, item.session_id)
    try:
        services.remove_agenda_item(item, acting=request.membership)
    except ValidationError as exc:
        return _refused(request, session, exc)
    messages.success(request, _("Item removed from the agenda."))
    return redirect(session.get_absolute_url() + "#agenda")


@require_POST
def item_move(request: OrgRequest, item_id: int, direction: str) -> HttpResponse:
    if direction not in {"up", "down"}:
        raise Http404
    item = get_item_for(request.membership, item_id)
    session = _running(request, item.session_id)
    try:
        services.move_agenda_item(item, up=direction == "up", acting=request.membership)
    except ValidationError as exc:
        return _refused(request, session, exc)
    return redirect(session.get_absolute_url() + "#agenda")


@require_POST
def minutes(request: OrgRequest, session_id: int) -> HttpResponse:
    session = _running(request, session_id)
    form = MinutesForm(request.POST, session=session)
    if not form.is_valid():
        return _session_page(request, session, status=INVALID_FORM, minutes_form=form)
    try:
        services.write_minutes(
            session, acting=request.membership, summary=form.cleaned_data["summary"], item_minutes=form.item_minutes()
        )
    except ValidationError as exc:
        return _refused(request, session, exc)
    messages.success(request, _("Minutes saved."))
    return redirect(session.get_absolute_url() + "#minutes")


@require_POST
def decision_add(request: OrgRequest, session_id: int) -> HttpResponse:
    session = _running(request, session_id)
    form = DecisionForm(request.POST, session=session, prefix="decision")
    if not form.is_valid():
        return _session_page(request, session, status=INVALID_FORM, decision_form=form)
    data = form.cleaned_data
    try:
        decision = services.record_decision(
            session,
            acting=request.membership,
            title=data["title"],
            item=data["item"],
            owner=data["owner"],
            due_date=data["due_date"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _session_page(request, session, status=INVALID_FORM, decision_form=form)
    assert decision.action is not None  # noqa: S101 — record_decision always opens the action
    messages.success(
        request, _("Decision recorded as an action of plan %(code)s.") % {"code": decision.action.plan.code}
    )
    return redirect(session.get_absolute_url() + "#decisions")


@require_POST
def approve(request: OrgRequest, session_id: int) -> HttpResponse:
    session = _running(request, session_id)
    try:
        services.approve_minutes(session, acting=request.membership)
    except ValidationError as exc:
        return _refused(request, session, exc)
    messages.success(request, _("Minutes approved and sent to the attendees; the session is now frozen."))
    return redirect(session)


# --- report --------------------------------------------------------------------------------------


@require_GET
def report(request: OrgRequest, space_id: int) -> HttpResponse:
    require(request.membership, "meetings.view")
    space = get_space_for(request.membership, space_id)
    figures = yearly_report(space, _year(request))
    return render(request, "meetings/report.html", {"space": space, "report": figures})


@require_GET
def report_pdf(request: OrgRequest, space_id: int) -> HttpResponse:
    from weasyprint import HTML  # type: ignore[import-untyped]  # late: heavy, only this view needs it

    require(request.membership, "meetings.view")
    space = get_space_for(request.membership, space_id)
    figures = yearly_report(space, _year(request))
    html = render_to_string(
        "meetings/report_pdf.html", {"space": space, "report": figures, "now": timezone.now()}, request=request
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bilan-{space.code}-{figures.year}.pdf"'
    return response


# --- mission letters ------------------------------------------------------------------------------


@require_GET
def letters(request: OrgRequest) -> HttpResponse:
    require(request.membership, "meetings.view")
    form = LetterFilterForm(request.GET)
    rows = letters_for(request.membership).select_related("organization", "person__user", "space__organization")
    if form.is_valid():
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["mine"]:
            rows = rows.filter(person=request.membership)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = (
        letters_for(request.membership)
        .filter(person=request.membership)
        .select_related("organization")
        .order_by("-status", "-starts_on")[:MY_LETTERS_LIMIT]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/letter_list.html",
        {"form": form, "page": page, "mine": mine, "query_string": query.urlencode()},
    )


@require_GET
def letter_detail(request: OrgRequest, letter_id: int) -> HttpResponse:
    require(request.membership, "meetings.view")
    letter = get_letter_for(request.membership, letter_id)
    history = (
        entries_from(list(letter.history.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT]))
        if can(request.membership, "history.view")
        else []
    )
    return render(
        request,
        "meetings/letter_detail.html",
        {
            "letter": letter,
            "is_person": letter.person_id == request.membership.pk,
            "may_manage": can(request.membership, "meetings.manage"),
            "history": history,
        },
    )


@require_GET
def letter_pdf(request: OrgRequest, letter_id: int) -> HttpResponse:
    require(request.membership, "meetings.view")
    letter = get_letter_for(request.membership, letter_id)
    response = HttpResponse(render_letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lettre-de-mission-{letter.pk}.pdf"'
    return response


def _letter_form(request: OrgRequest, letter: MissionLetter | None) -> HttpResponse:
    require(request.membership, "meetings.manage")
    form = MissionLetterForm(posted(request), instance=letter, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_mission_letter(form.save(commit=False), acting=request.membership)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Mission letter saved."))
            return redirect(saved)
    if letter is None:
        title = _("New mission letter")
        back = reverse("meetings:letters", kwargs={"org_slug": request.organization.slug})
    else:
        title, back = _("Edit the mission letter"), letter.get_absolute_url()
    return _form_page(request, form, title=title, back=back)


@require_http_methods(["GET", "POST"])
def letter_create(request: OrgRequest) -> HttpResponse:
    return _letter_form(request, None)


@require_http_methods(["GET", "POST"])
def letter_edit(request: OrgRequest, letter_id: int) -> HttpResponse:
    require(request.membership, "meetings.manage")
    letter = get_letter_for(request.membership, letter_id)
    if letter.is_signed:
        messages.error(request, str(LETTER_SIGNED))
        return redirect(letter)
    return _letter_form(request, letter)


@require_POST
def letter_issue(request: OrgRequest, letter_id: int) -> HttpResponse:
    require(request.membership, "meetings.manage")
    letter = get_letter_for(request.membership, letter_id)
    try:
        services.issue_mission_letter(letter, acting=request.membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Mission letter issued: the person has been asked to sign it."))
    return redirect(letter)


@require_POST
def letter_sign(request: OrgRequest, letter_id: int) -> HttpResponse:
    require(request.membership, "meetings.view")
    letter = get_letter_for(request.membership, letter_id)
    if letter.person_id != request.membership.pk:
        raise PermissionDenied
    try:
        services.sign_mission_letter(letter, acting=request.membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("You have signed this mission letter."))
    return redirect(letter)


# --- calendars -----------------------------------------------------------------------------------


@require_GET
def my_calendar(request: OrgRequest) -> HttpResponse:
    require(request.membership, "meetings.view")
    calendar = services.calendar_of(request.membership)
    feed = request.build_absolute_uri(reverse("meetings_public:member_feed", kwargs={"token": calendar.token}))
    spaces = spaces_for(request.membership).filter(members__member=request.membership).order_by("name")
    return render(request, "meetings/my_calendar.html", {"feed": feed, "spaces": spaces})


def _feed_start() -> Any:
    """Feeds carry the last year and what is to come: calendar clients need no more, and stay fast."""
    return timezone.now() - FEED_HISTORY


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def space_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A space's sessions, for anyone who holds the secret address (no session cookie in calendar clients)."""
    space = get_object_or_404(ExchangeSpace.objects.select_related("organization"), calendar_token=token)
    sessions = space.sessions.filter(starts_at__gte=_feed_start()).select_related("space", "organization")
    body = ical.calendar_bytes(
        ical.with_agenda(sessions.order_by("starts_at")), name=space.name, base_url=request.build_absolute_uri("/")[:-1]
    )
    return _ics(body, f"{space.code}.ics")


@require_GET
def member_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Every session of the spaces a member belongs to; a member who left the organization gets 404."""
    calendar = get_object_or_404(MemberCalendar.objects.select_related("member__organization"), token=token)
    space_ids = SpaceMember.objects.filter(member=calendar.member).values("space_id")
    sessions = (
        Session.objects.for_org(calendar.member.organization)
        .filter(space_id__in=space_ids, starts_at__gte=_feed_start())
        .select_related("space", "organization")
        .order_by("starts_at")
    )
    body = ical.calendar_bytes(
        ical.with_agenda(sessions), name=_("My exchange spaces"), base_url=request.build_absolute_uri("/")[:-1]
    )
    return _ics(body, "ameliora.ics")
