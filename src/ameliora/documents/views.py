"""Controlled documents pages: list and search, document, version lifecycle, read receipts."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.core.history import entries_from
from ameliora.core.http import OrgRequest, form_status, posted
from ameliora.core.permissions import can, require
from ameliora.documents import services
from ameliora.documents.access import documents_for, get_document_for, get_version_for
from ameliora.documents.forms import (
    CODE_TAKEN,
    DocumentCreateForm,
    DocumentEditForm,
    DocumentProcessesForm,
    PublishForm,
    ReviewForm,
    SubmitForm,
    VersionEditForm,
)
from ameliora.documents.models import DocumentKind, DocumentVersion, ReadReceipt, Review
from ameliora.documents.reminders import REVIEW_NOTICE_DAYS
from ameliora.documents.rendering import render_markdown
from ameliora.documents.search import search_documents

PAGE_SIZE = 25
DUE_FILTERS = [("expired", gettext_lazy("Expired")), ("review", gettext_lazy("Review due"))]


def _in_force(field: str) -> Subquery:
    return Subquery(
        DocumentVersion.objects.filter(document=OuterRef("pk"), status=DocumentVersion.Status.IN_FORCE).values(field)[
            :1
        ]
    )


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    require(request.membership, "documents.view")
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    due = request.GET.get("due", "")
    today = timezone.localdate()
    documents = search_documents(documents_for(request.membership), query)
    if kind in DocumentKind.values:
        documents = documents.filter(kind=kind)
    documents = documents.select_related("owner__user", "organization").annotate(
        version_in_force=_in_force("number"),
        effective_date=_in_force("effective_date"),
        next_review_date=_in_force("next_review_date"),
        expiry_date=_in_force("expiry_date"),
        drafts=Count("versions", filter=~Q(versions__status__in=["in_force", "archived"])),
    )
    if due == "expired":
        documents = documents.filter(expiry_date__lte=today)
    elif due == "review":
        # As the reminders: the review falls within the notice period, or is late.
        documents = documents.filter(next_review_date__lte=today + timedelta(days=REVIEW_NOTICE_DAYS))
    page = Paginator(documents.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    to_read = (
        ReadReceipt.objects.filter(reader=request.membership, acknowledged_at__isnull=True)
        .select_related("version__document__organization")
        .order_by("requested_at")[:10]
    )
    return render(
        request,
        "documents/document_list.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "kinds": DocumentKind.choices,
            "due": due,
            "dues": DUE_FILTERS,
            "to_read": to_read,
            "today": today,
            "expiry_notice": today + timedelta(days=REVIEW_NOTICE_DAYS),
        },
    )


@require_http_methods(["GET", "POST"])
def document_create(request: OrgRequest) -> HttpResponse:
    require(request.membership, "documents.edit")
    form = DocumentCreateForm(posted(request), request.FILES or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.create_document(
                acting=request.membership,
                kind=form.cleaned_data["kind"],
                code=form.cleaned_data["code"],
                title=form.cleaned_data["title"],
                owner=form.cleaned_data["owner"],
                body=form.cleaned_data["body"],
                upload=form.cleaned_data["file"],
                processes=form.cleaned_data["processes"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Document created: its first version is a draft."))
            return redirect(document)
    return render(request, "documents/document_form.html", {"form": form}, status=form_status(form))


@require_http_methods(["GET", "POST"])
def document_edit(request: OrgRequest, document_id: int) -> HttpResponse:
    require(request.membership, "documents.edit")
    document = get_document_for(request.membership, document_id)
    form = DocumentEditForm(posted(request), document=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_document(
                document,
                acting=request.membership,
                kind=form.cleaned_data["kind"],
                code=form.cleaned_data["code"],
                title=form.cleaned_data["title"],
                owner=form.cleaned_data["owner"],
            )
        except ValidationError as exc:
            form.add_error("owner", exc)
        except IntegrityError:
            # Another person took the code between the form's check and the save.
            form.add_error("code", CODE_TAKEN)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(document)
    return render(
        request,
        "documents/document_edit.html",
        {"document": document, "form": form},
        status=form_status(form),
    )


@require_POST
def document_processes(request: OrgRequest, document_id: int) -> HttpResponse:
    require(request.membership, "documents.edit")
    document = get_document_for(request.membership, document_id)
    form = DocumentProcessesForm(request.POST, organization=request.organization)
    if form.is_valid():
        services.set_processes(document, processes=form.cleaned_data["processes"], acting=request.membership)
        messages.success(request, _("Processes saved."))
    return redirect(document.get_absolute_url() + "#processes")


@require_GET
def document_detail(request: OrgRequest, document_id: int) -> HttpResponse:
    require(request.membership, "documents.view")
    document = get_document_for(request.membership, document_id)
    versions = list(document.versions.select_related("author__user").order_by("-number"))
    in_force = next((v for v in versions if v.status == DocumentVersion.Status.IN_FORCE), None)
    open_draft = next((v for v in versions if v.status in {"draft", "in_review", "approved"}), None)
    receipts = []
    if in_force is not None:
        receipts = list(in_force.read_receipts.select_related("reader__user").order_by("acknowledged_at"))
    read = sum(1 for r in receipts if r.acknowledged_at)
    today = timezone.localdate()
    history = []
    if can(request.membership, "history.view"):
        records = list(document.history.select_related("history_user").order_by("-history_date")[:30])
        records += list(
            DocumentVersion.history.filter(document_id=document.pk)
            .select_related("history_user")
            .order_by("-history_date")[:50]
        )
        history = entries_from(records)
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "in_force": in_force,
            "in_force_html": render_markdown(in_force.body) if in_force else "",
            "processes": list(document.processes.select_related("organization")),
            "processes_form": DocumentProcessesForm(
                organization=request.organization, initial={"processes": document.processes.all()}
            ),
            "open_draft": open_draft,
            "receipts": receipts,
            "read_count": read,
            "read_share": round(100 * read / len(receipts)) if receipts else None,
            "history": history,
            "today": today,
            "expired": in_force is not None and in_force.is_expired(today),
            "expires_soon": in_force is not None
            and in_force.expiry_date is not None
            and in_force.expiry_date <= today + timedelta(days=REVIEW_NOTICE_DAYS),
        },
    )


@require_POST
def document_new_version(request: OrgRequest, document_id: int) -> HttpResponse:
    require(request.membership, "documents.edit")
    document = get_document_for(request.membership, document_id)
    version = services.start_new_version(document, acting=request.membership)
    messages.success(request, _("Version %(number)s opened as a draft.") % {"number": version.number})
    return redirect("documents:version_edit", org_slug=request.organization.slug, document_id=document.pk,
                    number=version.number)  # fmt: skip


@require_POST
def document_archive(request: OrgRequest, document_id: int) -> HttpResponse:
    """Withdraw the version in force without a successor: the document is no longer in force."""
    require(request.membership, "documents.approve")
    document = get_document_for(request.membership, document_id)
    try:
        version = services.archive_document(document, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        archived = _("Version %(number)s archived: no version is in force now.")
        messages.success(request, archived % {"number": version.number})
    return redirect(document)


@require_GET
def version_detail(request: OrgRequest, document_id: int, number: int) -> HttpResponse:
    require(request.membership, "documents.view")
    version = get_version_for(request.membership, document_id, number)
    reviews = list(version.reviews.select_related("reviewer__user"))
    my_review = next((r for r in reviews if r.reviewer_id == request.membership.pk), None)
    receipt = version.read_receipts.filter(reader=request.membership).first()
    return render(
        request,
        "documents/version_detail.html",
        {
            "document": version.document,
            "version": version,
            "body_html": render_markdown(version.body),
            "reviews": reviews,
            "my_review": my_review if my_review and my_review.decision == Review.Decision.PENDING else None,
            "receipt": receipt,
            "submit_form": SubmitForm(version=version),
            "review_form": ReviewForm(),
            "all_approved": bool(reviews) and all(r.decision == Review.Decision.APPROVED for r in reviews),
        },
    )


@require_http_methods(["GET", "POST"])
def version_edit(request: OrgRequest, document_id: int, number: int) -> HttpResponse:
    require(request.membership, "documents.edit")
    version = get_version_for(request.membership, document_id, number)
    if not version.is_editable:
        messages.error(request, _("Only a draft can be edited."))
        return redirect(version)
    form = VersionEditForm(posted(request), request.FILES or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(
                version,
                body=form.cleaned_data["body"],
                change_summary=form.cleaned_data["change_summary"],
                upload=form.cleaned_data["file"],
                acting=request.membership,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect(version)
    return render(
        request,
        "documents/version_form.html",
        {"document": version.document, "version": version, "form": form},
        status=form_status(form),
    )


def _act(request: OrgRequest, version: DocumentVersion, action: str) -> HttpResponse:
    """Run one lifecycle step and come back to the version page with its outcome."""
    try:
        if action == "submit":
            form = SubmitForm(request.POST, version=version)
            if not form.is_valid():
                raise ValidationError(list(form.errors["reviewers"]))
            services.submit_for_review(version, reviewers=form.cleaned_data["reviewers"], acting=request.membership)
            messages.success(request, _("Sent for review."))
        elif action == "approve":
            services.approve_version(version, acting=request.membership)
            messages.success(request, _("Version approved: it can now be published."))
        else:
            form_review = ReviewForm(request.POST)
            form_review.is_valid()
            services.record_review(
                version,
                reviewer=request.membership,
                approve=action == "review_approve",
                comment=form_review.cleaned_data.get("comment", ""),
            )
            messages.success(request, _("Your review is recorded."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(version)


@require_POST
def version_submit(request: OrgRequest, document_id: int, number: int) -> HttpResponse:
    require(request.membership, "documents.edit")
    return _act(request, get_version_for(request.membership, document_id, number), "submit")


@require_POST
def version_review(request: OrgRequest, document_id: int, number: int) -> HttpResponse:
    require(request.membership, "documents.view")
    decision = "review_approve" if request.POST.get("decision") == "approve" else "review_changes"
    return _act(request, get_version_for(request.membership, document_id, number), decision)


@require_POST
def version_approve(request: OrgRequest, document_id: int, number: int) -> HttpResponse:
    require(request.membership, "documents.approve")
    return _act(request, get_version_for(request.membership, document_id, number), "approve")


@require_http_methods(["GET", "POST"])
def version_publish(request: OrgRequest, document_id: int, number: int) -> HttpResponse:
    require(request.membership, "documents.approve")
    version = get_version_for(request.membership, document_id, number)
    form = PublishForm(
        posted(request),
        organization=request.organization,
        initial={"effective_date": timezone.localdate(), "reader_roles": ["member"]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.publish_version(
                version,
                acting=request.membership,
                effective_date=form.cleaned_data["effective_date"],
                next_review_date=form.cleaned_data["next_review_date"],
                expiry_date=form.cleaned_data["expiry_date"],
                readers=form.readers(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Version in force. %(count)s people were asked to read it.") % {"count": count})
            return redirect(version.document)
    return render(
        request,
        "documents/version_publish.html",
        {"document": version.document, "version": version, "form": form},
        status=form_status(form),
    )


@require_POST
def version_acknowledge(request: OrgRequest, document_id: int, number: int) -> HttpResponse:
    require(request.membership, "documents.view")
    version = get_version_for(request.membership, document_id, number)
    if version.status != DocumentVersion.Status.IN_FORCE:
        raise Http404
    services.acknowledge_reading(version, reader=request.membership)
    messages.success(request, _("Thank you: your reading is recorded."))
    return redirect(version)


@require_GET
def version_file(request: OrgRequest, document_id: int, number: int) -> FileResponse:
    require(request.membership, "documents.view")
    version = get_version_for(request.membership, document_id, number)
    if not version.file:
        raise Http404
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.file_name or "document")
