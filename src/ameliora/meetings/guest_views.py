"""What a guest of an exchange space sees: the space, its sessions within their period, read-only.

These views are marked :func:`ameliora.core.guests.guest_view`: the tenancy middleware lets a guest of
the organization reach them (``request.membership`` is ``None``); members reach them too, and then see
the space as its guests see it. Every other page of the organization answers a guest 404.

Cases are de-identified (:mod:`ameliora.meetings.deidentify`); no link leads into the host organization.
The guest invitation page (outside ``/o/``) is here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.core import guests as core_guests
from ameliora.core.http import INVALID_FORM, GuestRequest
from ameliora.core.models import Attachment
from ameliora.meetings import services
from ameliora.meetings.access import get_session_for_viewer, get_space_for_viewer
from ameliora.meetings.deidentify import is_case, mask
from ameliora.meetings.forms import GuestAttendanceForm
from ameliora.meetings.models import Attendance, Session, SpaceGuest


@dataclass(frozen=True)
class SharedItem:
    """An agenda item as guests read it."""

    number: int
    title: str
    kind: str
    minutes: str
    is_case: bool


def _shared_items(session: Session) -> list[SharedItem]:
    items = []
    for number, item in enumerate(session.items.all(), start=1):
        case = is_case(item.source_key)
        title = _("Case %(n)s") % {"n": number} if case else mask(item.title)
        items.append(SharedItem(number, title, item.kind, mask(item.minutes), case))
    return items


def _guest_sessions(space_sessions: list[Session], guest: SpaceGuest | None) -> list[Session]:
    if guest is None:
        return space_sessions
    return [s for s in space_sessions if guest.valid_from <= timezone.localdate(s.starts_at) <= guest.valid_until]


@require_GET
@core_guests.guest_view
def guest_space(request: GuestRequest, space_id: int) -> HttpResponse:
    space, guest = get_space_for_viewer(request, space_id)
    sessions = _guest_sessions(list(space.sessions.select_related("organization").order_by("starts_at")), guest)
    members = space.members.select_related("member__user").order_by("role", "member__user__last_name")
    guests = space.guests.filter(revoked_at__isnull=True).select_related("user").order_by("valid_from", "email")
    return render(
        request,
        "meetings/guest_space.html",
        {"space": space, "guest": guest, "sessions": sessions, "members": members, "guests": guests},
    )


def _session_page(
    request: GuestRequest,
    session: Session,
    guest: SpaceGuest | None,
    *,
    form: GuestAttendanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    members = [sm.member for sm in session.space.members.select_related("member__user").order_by("role", "pk")]
    member_status = dict(session.attendance.values_list("member_id", "status"))
    guest_status = dict(session.guest_attendance.values_list("guest_id", "status"))
    labels = dict(Attendance.Status.choices)
    attendance = [(str(m.user), m.title, labels.get(member_status.get(m.pk, ""), "")) for m in members]
    attendance += [
        (str(g), g.profession or _("Guest"), labels.get(guest_status.get(g.pk, ""), ""))
        for g in services.session_guests(session)
    ]
    attachments = Attachment.objects.for_org(session.organization).filter(
        content_type=ContentType.objects.get_for_model(Session), object_id=session.pk
    )
    editable = session.status != Session.Status.CANCELLED and not session.is_frozen
    context = {
        "space": session.space,
        "session": session,
        "guest": guest,
        "items": _shared_items(session),
        "summary": mask(session.summary),
        "decisions": [mask(d.title) for d in session.decisions.all()],
        "attendance": attendance,
        "attachments": attachments,
        "my_status": guest_status.get(guest.pk) if guest else None,
        "form": form or GuestAttendanceForm(),
        "may_confirm": guest is not None and editable,
    }
    return render(request, "meetings/guest_session.html", context, status=status)


@require_GET
@core_guests.guest_view
def guest_session(request: GuestRequest, session_id: int) -> HttpResponse:
    session, guest = get_session_for_viewer(request, session_id)
    return _session_page(request, session, guest)


@require_POST
@core_guests.guest_view
def guest_attendance(request: GuestRequest, session_id: int) -> HttpResponse:
    session, guest = get_session_for_viewer(request, session_id)
    url = reverse("meetings:guest_session", kwargs={"org_slug": request.organization.slug, "session_id": session.pk})
    if guest is None:  # a member records attendance on the session page
        return redirect(session)
    form = GuestAttendanceForm(request.POST)
    if not form.is_valid():
        return _session_page(request, session, guest, form=form, status=INVALID_FORM)
    try:
        services.confirm_guest_attendance(session, guest=guest, status=form.cleaned_data["status"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your attendance is recorded."))
    return redirect(url + "#attendance")


@require_GET
@core_guests.guest_view
def guest_file(request: GuestRequest, session_id: int, attachment_id: int) -> FileResponse:
    """A document presented at the session (a file attached to it)."""
    session, _guest = get_session_for_viewer(request, session_id)
    attachment = get_object_or_404(
        Attachment.objects.for_org(session.organization),
        pk=attachment_id,
        content_type=ContentType.objects.get_for_model(Session),
        object_id=session.pk,
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the invitation link ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def guest_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the invitation email. Signed out: sign in or create the account (sign-up is open for
    this invitation); signed in with the invited address: accept, then open the space."""
    guest = get_object_or_404(SpaceGuest.objects.select_related("space__organization"), token=token)
    if not request.user.is_authenticated:
        request.session[core_guests.SESSION_KEY] = token
        return render(request, "meetings/guest_invitation.html", {"guest": guest})
    error = None
    if request.method == "POST":
        try:
            services.accept_guest_invitation(guest, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            request.session.pop(core_guests.SESSION_KEY, None)
            messages.success(request, _("You are a guest of “%(space)s”.") % {"space": guest.space.name})
            return redirect("meetings:guest_space", org_slug=guest.space.organization.slug, space_id=guest.space_id)
    return render(
        request,
        "meetings/guest_invitation.html",
        {"guest": guest, "error": error, "accepted": guest.user_id is not None},
        status=INVALID_FORM if error else 200,
    )
