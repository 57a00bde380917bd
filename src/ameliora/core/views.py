"""Core pages: home, dashboard, members, invitations, settings, notifications, attachments, jobs.

Every view under ``/o/<org_slug>/`` receives a request on which the tenancy middleware has set
``organization`` and ``membership`` (see :mod:`ameliora.core.tenancy`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from ameliora.core import services
from ameliora.core.access import can_see, get_attached_object
from ameliora.core.dashboard import cards_for
from ameliora.core.forms import (
    AttachmentForm,
    CommentForm,
    InvitationAcceptForm,
    InvitationForm,
    MemberRolesForm,
    OrganizationForm,
    UnitForm,
)
from ameliora.core.guests import guest_areas
from ameliora.core.history import entries_from, history_of
from ameliora.core.http import OrgRequest, form_status, posted
from ameliora.core.models import (
    Attachment,
    Invitation,
    Job,
    Membership,
    MembershipRole,
    Notification,
    Unit,
    display_name,
)
from ameliora.core.mywork import work_of
from ameliora.core.navigation import modules_for
from ameliora.core.permissions import can, require
from ameliora.core.search import PROVIDERS as SEARCH_PROVIDERS
from ameliora.core.search import clean_query
from ameliora.core.workers import fail_job_if_worker_lost

PAGE_SIZE = 25


def _get_membership_for(request: OrgRequest, membership_id: int) -> Membership:
    return get_object_or_404(Membership.objects.for_org(request.organization).with_roles(), pk=membership_id)


def _get_invitation_for(request: OrgRequest, invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation.objects.for_org(request.organization), pk=invitation_id)


def _get_job_for(request: OrgRequest, job_id: int) -> Job:
    return get_object_or_404(Job.objects.for_org(request.organization).filter(created_by=request.user), pk=job_id)


# --- Home and dashboard -------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/home_anonymous.html")
    memberships = list(Membership.objects.filter(user=request.user).select_related("organization"))
    passes = guest_areas(request.user)
    if len(memberships) == 1 and not passes:
        return redirect(memberships[0].organization)
    return render(request, "core/home.html", {"memberships": memberships, "guest_passes": passes})


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and feed readers ask for on their own: the static file's hashed URL."""
    return redirect(static("ameliora/favicon.ico"))


@require_GET
def dashboard(request: OrgRequest) -> HttpResponse:
    modules = modules_for(request.membership)
    member_count = Membership.objects.for_org(request.organization).count()
    notifications = list(
        Notification.objects.for_org(request.organization).filter(recipient=request.user, read_at__isnull=True)[:5]
    )
    return render(
        request,
        "core/dashboard.html",
        {
            "modules": modules,
            "member_count": member_count,
            "notifications": notifications,
            "cards": cards_for(request),
        },
    )


# --- Finding one's way: search and "my work" -----------------------------------------------------

SEARCH_PREVIEW = 5


@require_GET
def search(request: OrgRequest) -> HttpResponse:
    """The organization's records the member may see, by kind: a few of each, or one kind page by page."""
    query = clean_query(request.GET.get("q"))
    kind = request.GET.get("kind", "")
    provider = SEARCH_PROVIDERS.get(kind)
    sections = []
    page = None
    if query and provider is not None:
        source = provider.search(request.membership, query)
        page = Paginator(source.rows, PAGE_SIZE).get_page(request.GET.get("page"))
        sections.append({"provider": provider, "results": [source.show(row) for row in page], "count": None})
    elif query:
        for each in SEARCH_PROVIDERS.values():
            source = each.search(request.membership, query)
            count = source.rows.count()
            if count:
                results = [source.show(row) for row in source.rows[:SEARCH_PREVIEW]]
                sections.append({"provider": each, "results": results, "count": count})
    return render(
        request,
        "core/search.html",
        {
            "query": query,
            "raw_query": request.GET.get("q", ""),
            "kind": kind if provider is not None else "",
            "sections": sections,
            "page": page,
            "preview": SEARCH_PREVIEW,
            "query_string": urlencode({"q": query, "kind": kind}),
        },
    )


@require_GET
def my_work(request: OrgRequest) -> HttpResponse:
    return render(request, "core/my_work.html", {"sections": work_of(request.membership)})


# --- Members and invitations --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def member_list(request: OrgRequest) -> HttpResponse:
    require(request.membership, "members.view")
    manage = can(request.membership, "members.manage")
    form = InvitationForm()
    if request.method == "POST":
        require(request.membership, "members.manage")
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                services.invite_member(
                    request.organization,
                    email=form.cleaned_data["email"],
                    roles=form.cleaned_data["roles"],
                    acting=request.membership,
                )
            except ValidationError as exc:
                form.add_error("email" if exc.code == "already_member" else None, exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("core:member_list", org_slug=request.organization.slug)
    members = Membership.objects.for_org(request.organization).with_roles()
    query = request.GET.get("q", "").strip()
    if query:
        members = (
            members.filter(user__email__icontains=query)
            | members.filter(user__last_name__icontains=query)
            | members.filter(user__first_name__icontains=query)
        )
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    invitations = (
        Invitation.objects.for_org(request.organization)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        if manage
        else Invitation.objects.none()
    )
    return render(
        request,
        "core/member_list.html",
        {"page": page, "form": form, "invitations": invitations[:50], "manage": manage, "query": query},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def member_detail(request: OrgRequest, membership_id: int) -> HttpResponse:
    require(request.membership, "members.view")
    member = _get_membership_for(request, membership_id)
    manage = can(request.membership, "members.manage")
    units = list(member.units.all())
    form = MemberRolesForm(
        initial={"title": member.title, "roles": sorted(member.roles), "units": units},
        organization=request.organization,
    )
    if request.method == "POST":
        require(request.membership, "members.manage")
        form = MemberRolesForm(request.POST, organization=request.organization)
        if form.is_valid():
            try:
                services.update_member(
                    member,
                    roles=form.cleaned_data["roles"],
                    title=form.cleaned_data["title"],
                    acting=request.membership,
                    units=form.cleaned_data["units"] if form.has_units else None,
                )
            except ValidationError as exc:
                form.add_error("roles", exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("core:member_detail", org_slug=request.organization.slug, membership_id=member.pk)
    history = []
    if can(request.membership, "history.view"):
        records = list(member.history.select_related("history_user").order_by("-history_date")[:50])
        records += list(
            MembershipRole.history.filter(membership_id=member.pk)
            .select_related("history_user")
            .order_by("-history_date")[:50]
        )
        history = entries_from(records)
    return render(
        request,
        "core/member_detail.html",
        {"member": member, "units": units, "form": form, "manage": manage, "history": history},
        status=form_status(form),
    )


@require_POST
def member_remove(request: OrgRequest, membership_id: int) -> HttpResponse:
    require(request.membership, "members.manage")
    member = _get_membership_for(request, membership_id)
    try:
        services.remove_member(member, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:member_detail", org_slug=request.organization.slug, membership_id=member.pk)
    messages.success(request, _("%(name)s was removed from the organization.") % {"name": display_name(member.user)})
    if member.pk == request.membership.pk:
        return redirect("core:home")
    return redirect("core:member_list", org_slug=request.organization.slug)


@require_POST
def invitation_revoke(request: OrgRequest, invitation_id: int) -> HttpResponse:
    require(request.membership, "members.manage")
    invitation = _get_invitation_for(request, invitation_id)
    services.revoke_invitation(invitation, acting=request.membership)
    messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("core:member_list", org_slug=request.organization.slug)


@require_POST
def member_export(request: OrgRequest) -> HttpResponse:
    require(request.membership, "members.export")
    job = services.start_job(
        organization=request.organization,
        kind="members_export",
        label=_("Member list export"),
        user=request.user,
    )
    return redirect(job)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation email. Not under ``/o/``: the visitor is not a member yet."""
    invitation = get_object_or_404(Invitation.objects.select_related("organization"), token=token)
    if not request.user.is_authenticated:
        request.session["invitation_token"] = token
        return render(request, "core/invitation_accept.html", {"invitation": invitation})
    user = request.user
    form = InvitationAcceptForm(posted(request), initial={"first_name": user.first_name, "last_name": user.last_name})
    if form.is_valid():
        try:
            membership = services.accept_invitation(
                invitation,
                user=user,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session.pop("invitation_token", None)
            messages.success(request, _("Welcome to %(org)s.") % {"org": invitation.organization.name})
            return redirect(membership.organization)
    return render(
        request, "core/invitation_accept.html", {"invitation": invitation, "form": form}, status=form_status(form)
    )


# --- Organization settings ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def organization_settings(request: OrgRequest) -> HttpResponse:
    require(request.membership, "organization.view")
    organization = request.organization
    form = OrganizationForm(instance=organization)
    unit_form = UnitForm()
    if request.method == "POST":
        require(request.membership, "organization.edit")
        if "add_unit" in request.POST:
            unit_form = UnitForm(request.POST, instance=Unit(organization=organization))
            if unit_form.is_valid():
                unit_form.save()
                messages.success(request, _("Unit added."))
                return redirect("core:organization_settings", org_slug=organization.slug)
        else:
            form = OrganizationForm(request.POST, instance=organization)
            if form.is_valid():
                form.save()
                messages.success(request, _("Changes saved."))
                return redirect("core:organization_settings", org_slug=organization.slug)
    history = history_of(organization) if can(request.membership, "history.view") else []
    return render(
        request,
        "core/organization_settings.html",
        {
            "form": form,
            "unit_form": unit_form,
            "units": Unit.objects.for_org(organization),
            "history": history,
        },
        status=form_status(form, unit_form),
    )


# --- Notifications ------------------------------------------------------------------------------


@require_GET
def notification_list(request: OrgRequest) -> HttpResponse:
    notifications = Notification.objects.for_org(request.organization).filter(recipient=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page": page})


@require_POST
def notification_mark_read(request: OrgRequest) -> HttpResponse:
    services.mark_notifications_read(request.membership)
    return redirect("core:notification_list", org_slug=request.organization.slug)


# --- Attachments and comments on any object -----------------------------------------------------


@require_POST
def attachment_add(request: OrgRequest, content_type_id: int, object_id: int) -> HttpResponse:
    require(request.membership, "attachments.add")
    obj = get_attached_object(request.membership, content_type_id, object_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                obj,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                acting=request.membership,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
    if form.errors:
        for error in form.errors.get("file", []):
            messages.error(request, str(error))
        return redirect(_safe_next(request))
    messages.success(request, _("File attached."))
    return redirect(_safe_next(request))


@require_GET
def attachment_download(request: OrgRequest, attachment_id: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.for_org(request.organization), pk=attachment_id)
    if not can_see(request.membership, attachment.content_object):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def comment_add(request: OrgRequest, content_type_id: int, object_id: int) -> HttpResponse:
    require(request.membership, "comments.add")
    obj = get_attached_object(request.membership, content_type_id, object_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(obj, body=form.cleaned_data["body"], acting=request.membership)
        messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("A comment cannot be empty."))
    return redirect(_safe_next(request))


def _safe_next(request: OrgRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return request.organization.get_absolute_url()


# --- Background jobs ----------------------------------------------------------------------------


@require_GET
def job_detail(request: OrgRequest, job_id: int) -> HttpResponse:
    require(request.membership, "jobs.view")
    job = _get_job_for(request, job_id)
    # A job whose worker died is failed here too, so the page never polls it for ever.
    fail_job_if_worker_lost(job)
    template = "core/job_detail.html#progress" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@require_GET
def job_download(request: OrgRequest, job_id: int) -> FileResponse:
    require(request.membership, "jobs.view")
    job = _get_job_for(request, job_id)
    if job.status != Job.Status.DONE or not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)
