"""Organizations, people and roles, plus the building blocks every module reuses.

Tenancy rule: every domain row belongs to an :class:`Organization`; querysets are scoped with
``Model.objects.for_org(org)``. Roles are stored per membership; what a role may do is decided in
:mod:`ameliora.core.permissions`, never here.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

M = TypeVar("M", bound=models.Model)


class EmailUserManager(UserManager["User"]):
    """Users are identified by their email address; there is no username."""

    def _create_user_object(self, username: Any, email: str | None, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Profession(models.TextChoices):
    """French health professions (and the other jobs of a care team), for the profile."""

    PHYSICIAN = "medecin", _("Physician")
    PHARMACIST = "pharmacien", _("Pharmacist")
    NURSE = "infirmier", _("Nurse")
    MIDWIFE = "sage_femme", _("Midwife")
    PHYSIOTHERAPIST = "kinesitherapeute", _("Physiotherapist")
    DENTIST = "chirurgien_dentiste", _("Dental surgeon")
    CARE_ASSISTANT = "aide_soignant", _("Care assistant")
    PHARMACY_TECHNICIAN = "preparateur", _("Pharmacy technician")
    PSYCHOLOGIST = "psychologue", _("Psychologist")
    DIETITIAN = "dieteticien", _("Dietitian")
    SPEECH_THERAPIST = "orthophoniste", _("Speech therapist")
    OCCUPATIONAL_THERAPIST = "ergotherapeute", _("Occupational therapist")
    PODIATRIST = "podologue", _("Podiatrist")
    RADIOGRAPHER = "manipulateur_radio", _("Radiographer")
    MEDICAL_SECRETARY = "secretaire_medical", _("Medical secretary")
    HEALTH_MANAGER = "cadre_sante", _("Healthcare manager")
    DIRECTOR = "directeur", _("Director")
    QUALITY_ENGINEER = "ingenieur_qualite", _("Quality engineer")
    OTHER = "autre", _("Other")


class NotificationPreference(models.TextChoices):
    IN_APP = "in_app", _("In the application only")
    IMMEDIATE = "immediate", _("By email, immediately")
    DAILY_DIGEST = "daily", _("By email, one daily digest")


#: A French number (10 digits starting with 0) or an international one (+ and 8 to 15 digits);
#: spaces, dots and dashes between digits are allowed.
phone_validator = RegexValidator(
    r"^(?:0\d(?:[ .-]?\d{2}){4}|\+\d(?:[ .-]?\d){7,14})$",
    _("Enter a phone number such as 05 61 00 00 00 or +33 5 61 00 00 00."),
    code="invalid_phone",
)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices, blank=True)
    job_title = models.CharField(
        _("job title"), max_length=120, blank=True, help_text=_("As you would introduce yourself to a colleague.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    # Empty until the person chooses: the site's language (or the language cookie) applies meanwhile.
    language = models.CharField(_("interface language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    notification_preference = models.CharField(
        _("notifications"),
        max_length=10,
        choices=NotificationPreference.choices,
        default=NotificationPreference.IMMEDIATE,
    )
    closed_at = models.DateTimeField(_("account closed at"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return display_name(self)

    @property
    def initials(self) -> str:
        """Up to two letters for the avatar: the initials of the name, else the email's first letter."""
        if self.closed_at is not None:
            return "?"
        letters = "".join(part[0] for part in (self.first_name.strip(), self.last_name.strip()) if part)
        return (letters or self.email[:1]).upper()


class OrgQuerySet(models.QuerySet[M]):
    """Base queryset of tenant models: the one way views reach tenant rows."""

    def for_org(self, organization: Organization) -> Self:
        return self.filter(organization=organization)


class Organization(models.Model):
    class Kind(models.TextChoices):
        PHARMACY = "pharmacy", _("Community pharmacy")
        CARE_SERVICE = "care_service", _("Care service")
        CPTS = "cpts", _("CPTS (territorial community of professionals)")
        HEALTH_ESTABLISHMENT = "health_establishment", _("Health establishment")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    require_mfa_for_managers = models.BooleanField(
        _("two-factor authentication mandatory for administrators and quality managers"),
        default=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:dashboard", kwargs={"org_slug": self.slug})


class Unit(models.Model):
    """A service, site or team inside an organization (e.g. "Officine", "Préparatoire", "Site de Muret")."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Unit]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unit_unique_name_per_org"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    QUALITY_MANAGER = "quality_manager", _("Quality manager")
    PROCESS_PILOT = "process_pilot", _("Process pilot")
    MEMBER = "member", _("Member")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEARNER = "learner", _("Learner")
    QUALITY_CELL = "quality_cell", _("Quality-cell member")
    USER_REPRESENTATIVE = "user_representative", _("User representative")


class MembershipQuerySet(OrgQuerySet["Membership"]):
    def for_org(self, organization: Organization) -> Self:
        """The organization's people. The account of an organization API token is a membership too
        (so that it can act), but nobody to list, count, choose as owner or invite to a meeting; nor is
        the membership of a person who closed their account (kept for the records that name it)."""
        return super().for_org(organization).exclude(user__api_tokens__kind="service").filter(left_at__isnull=True)

    def with_roles(self) -> Self:
        return self.select_related("user").prefetch_related("role_set")

    def having_role(self, role: Role) -> Self:
        return self.filter(role_set__role=role).distinct()


class Membership(models.Model):
    """A user's place in one organization. Its roles live in :class:`MembershipRole` rows."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    title = models.CharField(_("job title"), max_length=120, blank=True)
    units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="members",
        verbose_name=_("units"),
        help_text=_("The services, sites or teams where they work."),
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    # Set when the person closed their account: the row stays for the records that name it.
    left_at = models.DateTimeField(_("left at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user_per_org"),
        ]

    def __str__(self) -> str:
        return f"{display_name(self.user)} @ {self.organization}"

    @property
    def roles(self) -> frozenset[str]:
        """Role codes; uses the prefetch cache when the queryset prefetched ``role_set``."""
        return frozenset(r.role for r in self.role_set.all())

    def role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in Role.values if code in self.roles]


class MembershipRole(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_set")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="membership_role_unique"),
        ]

    def __str__(self) -> str:
        return str(Role(self.role).label)


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=Invitation.VALID_DAYS)


class Invitation(models.Model):
    """An emailed link that lets a person join an organization with given roles, until it expires."""

    VALID_DAYS = 7

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    roles = models.JSONField(_("roles"), default=list)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token"])

    objects: ClassVar[OrgQuerySet[Invitation]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    def get_absolute_url(self) -> str:
        return reverse("core:invitation_accept", kwargs={"token": self.token})

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class OrgScopedGenericModel(models.Model):
    """Base for rows attached to any tenant object (attachments, comments)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["content_type", "object_id"])]


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random: the original name is kept in the row, never trusted on disk.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{instance.organization_id}/{secrets.token_hex(16)}.{suffix}"


class Attachment(OrgScopedGenericModel):
    """A file kept as evidence on any object; served only through a view that checks access."""

    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Attachment]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta(OrgScopedGenericModel.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "core:attachment_download", kwargs={"org_slug": self.organization.slug, "attachment_id": self.pk}
        )


class Comment(OrgScopedGenericModel):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Comment]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta(OrgScopedGenericModel.Meta):
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.author} {self.created_at:%Y-%m-%d}"


class Link(models.Model):
    """A typed pointer from one object to another, so that an action can name its source
    (an assessment criterion, an event, a meeting decision…) without importing the source's app."""

    class Kind(models.TextChoices):
        SOURCE = "source", _("originates from")
        RELATED = "related", _("related to")
        EVIDENCE = "evidence", _("is evidence for")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RELATED)
    from_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    from_id = models.PositiveBigIntegerField()
    from_object = GenericForeignKey("from_type", "from_id")
    to_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    to_id = models.PositiveBigIntegerField()
    to_object = GenericForeignKey("to_type", "to_id")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Link]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "from_type", "from_id", "to_type", "to_id"], name="link_unique_pair"
            ),
        ]
        indexes = [
            # "What points at this object?" — the reverse side of every link list.
            models.Index(fields=["to_type", "to_id"]),
            models.Index(fields=["from_type", "from_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_type_id}:{self.from_id} -{self.kind}-> {self.to_type_id}:{self.to_id}"


class Notification(models.Model):
    """An in-app message to one user. Titles are written by code from labels and references,
    never from free text typed by users (free text may contain patient data)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=255)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    objects: ClassVar[OrgQuerySet[Notification]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The unread badge in the header: recipient's unread notifications in one organization.
            models.Index(fields=["recipient", "organization", "read_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Job(models.Model):
    """Long work (imports, large exports) run by the task worker; the page polls its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=60)
    label = models.CharField(_("label"), max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.FileField(upload_to="jobs/", blank=True, max_length=300)
    result_name = models.CharField(max_length=255, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The task worker running the job (its TaskWorker.worker_id); empty until a worker claims it.
    worker_id = models.CharField(max_length=64, blank=True)

    objects: ClassVar[OrgQuerySet[Job]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("core:job_detail", kwargs={"org_slug": self.organization.slug, "job_id": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class TaskWorker(models.Model):
    """A running ``ameliora worker`` process. Its heartbeat (``seen_at``) is its lease on the work it runs."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


#: The API's modules, one per router under ``/api/v1/``; a token grants each one read or write access.
API_MODULES: tuple[tuple[str, Any], ...] = (
    ("core", _("Organization and members")),
    ("documents", _("Documents")),
    ("indicators", _("Indicators")),
    ("events", _("Adverse events")),
    ("assessments", _("Self-assessments")),
    ("plans", _("Action plans")),
    ("processes", _("Processes")),
    ("learning", _("Learning")),
    ("surveys", _("Surveys")),
)
#: Marks a historical record made through a token: the token's name follows (``core.history`` shows it).
TOKEN_HISTORY_PREFIX = "api-token:"  # noqa: S105 (a label, no secret)


class TokenAccess(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def personal_of(self, user: Any) -> Self:
        return self.filter(kind=ApiToken.Kind.PERSONAL, user=user)

    def service_of(self, organization: Organization) -> Self:
        return self.filter(kind=ApiToken.Kind.SERVICE, organization=organization)


class ApiToken(models.Model):
    """A secret for scripts and other systems to call the API with ``Authorization: Bearer …``.

    Only a SHA-256 digest of the secret is stored; the token (``am_<key_id>_<secret>``) is shown once.
    A personal token acts as its user, with the user's memberships and roles; ``organization``, when
    set, narrows it to that one organization. A service token belongs to an organization and acts as
    its own account (``user``, inactive, so it cannot sign in), member of that organization only.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        SERVICE = "service", _("Organization service")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80)
    key_id = models.CharField(_("key"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    scopes = models.JSONField(_("access"), default=dict)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["secret_hash", "last_used_at"])

    objects: ClassVar[ApiTokenQuerySet] = ApiTokenQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="service") | models.Q(organization__isnull=False),
                name="apitoken_service_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """What may be shown of the token: enough to recognise it, nothing to use it."""
        return f"am_{self.key_id}_…"

    def is_expired(self, now: Any = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired()

    def allows(self, module: str, *, write: bool) -> bool:
        access = self.scopes.get(module)
        return access == TokenAccess.WRITE or (access == TokenAccess.READ and not write)

    def scope_labels(self) -> list[tuple[str, str]]:
        """``(module, access)`` labels, in the order of :data:`API_MODULES`."""
        labels = dict(TokenAccess.choices)
        return [(str(name), str(labels[self.scopes[code]])) for code, name in API_MODULES if code in self.scopes]


class WebhookTopic(models.TextChoices):
    """What an endpoint may subscribe to. Each delivery carries ids, numbers, titles and links only."""

    EVENT_DECLARED = "event.declared", _("Adverse event declared")
    EVENT_TRIAGED = "event.triaged", _("Adverse event triaged")
    ACTION_OVERDUE = "action.overdue", _("Action overdue")
    DOCUMENT_PUBLISHED = "document.published", _("Document published")
    SURVEY_CLOSED = "survey.closed", _("Survey campaign closed")


def _webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """An address of another system that receives the organization's events, signed with ``secret``."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("address (HTTPS)"), max_length=500)
    topics = models.JSONField(_("events sent"), default=list)
    secret = models.CharField(max_length=80, default=_webhook_secret, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[OrgQuerySet[WebhookEndpoint]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("core:webhook_detail", kwargs={"org_slug": self.organization.slug, "endpoint_id": self.pk})

    def topic_labels(self) -> list[str]:
        labels = dict(WebhookTopic.choices)
        return [str(labels[topic]) for topic in self.topics if topic in labels]


class WebhookDelivery(models.Model):
    """One message to one endpoint and what became of it: tried ``attempts`` times, last answer kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    topic = models.CharField(_("event"), max_length=40, choices=WebhookTopic.choices)
    payload = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects: ClassVar[OrgQuerySet[WebhookDelivery]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.topic} → {self.endpoint_id}"


#: The name shown for a person who closed their account (GDPR): their records stay, their name goes.
FORMER_MEMBER = _("former member")


def display_name(user: Any) -> str:
    """The name people see: "First Last", else the email; "former member" once the account is closed."""
    if getattr(user, "closed_at", None) is not None:
        return str(FORMER_MEMBER)
    full = f"{user.first_name} {user.last_name}".strip()
    return full or user.email
