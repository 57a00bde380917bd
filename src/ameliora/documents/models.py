"""Controlled documents: procedures, charters, mission letters… and their versions.

A document has numbered versions, each with its own lifecycle::

    draft → in review → approved → in force → archived
      ↑________|  (changes requested)

Only one version of a document is in force at a time: publishing a version archives the one it
supersedes, in the same transaction. Old versions stay readable.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ameliora.core.models import Membership, Organization, OrgQuerySet
from ameliora.processes.models import Process

TRANSITION_REFUSED = _("A version that is “%(status)s” cannot be %(action)s.")
SELF_REVIEW = _("The author of a version cannot review it.")
NOT_A_REVIEWER = _("Only the reviewers named for this version can review it.")
NO_REVIEWER = _("Name at least one reviewer.")
REVIEWS_PENDING = _("Every reviewer must approve the version before it is approved.")
DATES_ORDER = _("The next review date must come after the effective date.")
EXPIRY_ORDER = _("The expiry date must come after the effective date.")
EMPTY_CONTENT = _("Write the content or attach a file.")
NOT_EDITABLE = _("Only a draft can be edited.")
NOT_IN_REVIEW = _("Only a version in review can be reviewed.")


class DocumentKind(models.TextChoices):
    QUALITY_MANUAL = "quality_manual", _("Quality manual")
    PROCEDURE = "procedure", _("Procedure")
    WORK_INSTRUCTION = "work_instruction", _("Work instruction")
    MEMO = "memo", _("Memo")
    FORM_TEMPLATE = "form_template", _("Form or record template")
    CHARTER = "charter", _("Charter")
    MISSION_LETTER = "mission_letter", _("Mission letter")


class Document(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("type"), max_length=30, choices=DocumentKind.choices)
    code = models.CharField(_("code"), max_length=30, help_text=_("For example PR-DISP-01."))
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="owned_documents", verbose_name=_("owner")
    )
    processes = models.ManyToManyField(
        Process,
        blank=True,
        related_name="documents",
        verbose_name=_("processes"),
        help_text=_("The processes it serves."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Document]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="document_unique_code_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("documents:document_detail", kwargs={"org_slug": self.organization.slug, "document_id": self.pk})


def version_file_path(instance: DocumentVersion, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{instance.document.organization_id}/{secrets.token_hex(16)}.{suffix}"


class VersionQuerySet(models.QuerySet["DocumentVersion"]):
    def for_org(self, organization: Organization) -> VersionQuerySet:
        return self.filter(document__organization=organization)


class DocumentVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        IN_FORCE = "in_force", _("In force")
        ARCHIVED = "archived", _("Archived")

    # The lifecycle, declared once: action name -> (allowed from, goes to).
    TRANSITIONS: ClassVar[dict[str, tuple[frozenset[str], str]]] = {
        "submit": (frozenset({Status.DRAFT}), Status.IN_REVIEW),
        "request_changes": (frozenset({Status.IN_REVIEW}), Status.DRAFT),
        "approve": (frozenset({Status.IN_REVIEW}), Status.APPROVED),
        "publish": (frozenset({Status.APPROVED}), Status.IN_FORCE),
        "archive": (frozenset({Status.IN_FORCE}), Status.ARCHIVED),
    }
    ACTION_LABELS: ClassVar[dict[str, Any]] = {
        "submit": _("submitted for review"),
        "request_changes": _("sent back for changes"),
        "approve": _("approved"),
        "publish": _("published"),
        "archive": _("archived"),
        "edit": _("edited"),
    }

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    body = models.TextField(_("content (Markdown)"), blank=True)
    file = models.FileField(_("file"), upload_to=version_file_path, blank=True, max_length=300)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    change_summary = models.CharField(_("what changes in this version"), max_length=300, blank=True)
    author = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("approver")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    next_review_date = models.DateField(_("next review date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    review_reminded_on = models.DateField(_("review reminder sent on"), null=True, blank=True)
    expiry_reminded_on = models.DateField(_("expiry reminder sent on"), null=True, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[VersionQuerySet] = VersionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_unique_number"),
            # The database itself refuses a second version in force for the same document.
            models.UniqueConstraint(
                fields=["document"], condition=models.Q(status="in_force"), name="version_one_in_force"
            ),
            models.CheckConstraint(
                condition=models.Q(next_review_date__isnull=True)
                | models.Q(effective_date__isnull=True)
                | models.Q(next_review_date__gt=models.F("effective_date")),
                name="version_review_after_effective",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.code} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "documents:version_detail",
            kwargs={
                "org_slug": self.document.organization.slug,
                "document_id": self.document_id,
                "number": self.number,
            },
        )

    @property
    def organization_id(self) -> int:
        """Lets core's attachments, comments and links treat a version as a tenant object."""
        return self.document.organization_id

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def is_expired(self, today: date) -> bool:
        """In force past its expiry date (a version expires on that day). Its status does not change by
        itself: the owner must publish a new version or archive it."""
        return self.status == self.Status.IN_FORCE and self.expiry_date is not None and self.expiry_date <= today

    def allows(self, action: str) -> bool:
        allowed_from, _target = self.TRANSITIONS[action]
        return self.status in allowed_from

    def _move(self, action: str) -> list[str]:
        """Check and apply a transition; returns the fields to save."""
        if not self.allows(action):
            raise ValidationError(
                TRANSITION_REFUSED,
                code="transition",
                params={"status": self.get_status_display(), "action": self.ACTION_LABELS[action]},
            )
        self.status = self.TRANSITIONS[action][1]
        return ["status"]

    def submit(self) -> list[str]:
        if not (self.body.strip() or self.file):
            raise ValidationError(EMPTY_CONTENT, code="empty")
        fields = self._move("submit")
        self.submitted_at = timezone.now()
        return [*fields, "submitted_at"]

    def request_changes(self) -> list[str]:
        fields = self._move("request_changes")
        self.submitted_at = None
        return [*fields, "submitted_at"]

    def approve(self, *, by: Membership) -> list[str]:
        fields = self._move("approve")
        self.approved_by = by
        self.approved_at = timezone.now()
        return [*fields, "approved_by", "approved_at"]

    def publish(
        self, *, by: Membership, effective_date: date, next_review_date: date | None, expiry_date: date | None
    ) -> list[str]:
        if next_review_date is not None and next_review_date <= effective_date:
            raise ValidationError(DATES_ORDER, code="dates")
        if expiry_date is not None and expiry_date <= effective_date:
            raise ValidationError(EXPIRY_ORDER, code="dates")
        fields = self._move("publish")
        self.published_by = by
        self.published_at = timezone.now()
        self.effective_date = effective_date
        self.next_review_date = next_review_date
        self.expiry_date = expiry_date
        return [*fields, "published_by", "published_at", "effective_date", "next_review_date", "expiry_date"]

    def archive(self) -> list[str]:
        fields = self._move("archive")
        self.archived_at = timezone.now()
        return [*fields, "archived_at"]


class Review(models.Model):
    """A named reviewer's opinion on a version in review."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        CHANGES = "changes", _("Changes requested")

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("reviewer"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["version", "reviewer"], name="review_unique_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.version} / {self.reviewer}"


class ReadReceipt(models.Model):
    """Who must read a published version, and when they said they had."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="read_receipts")
    reader = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="read_receipts")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("read on"), null=True, blank=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(fields=["version", "reader"], name="read_receipt_unique_reader"),
        ]
        indexes = [
            # "Documents I still have to read": a member's unacknowledged receipts.
            models.Index(fields=["reader", "acknowledged_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.version} / {self.reader}"
