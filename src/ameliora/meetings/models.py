"""Exchange spaces (quality circle, CREX, RMM, quality cell…) and their sessions.

A space meets on a calendar of sessions. A session has attendance, an agenda (proposed from what
is waiting in the other modules through ``core.agenda``, then edited), minutes per agenda item and
decisions; each decision becomes an action in the space's plan. Once the minutes are approved the
session is frozen: :meth:`Session.check_editable` is the one guard every write goes through.

``meetings`` imports ``plans`` (the space's plan, decisions → actions) and, by the documented
exception, ``documents`` (the space's charter is a controlled document).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import ClassVar, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ameliora.core.dates import check_plausible_date
from ameliora.core.models import Membership, Organization, OrgQuerySet
from ameliora.documents.models import DocumentKind

MINUTES_APPROVED = _("The minutes of this session are approved: it can no longer be changed.")
SESSION_CANCELLED = _("This session is cancelled.")
SESSION_NOT_HELD = _("Mark the session as held before approving its minutes.")
SESSION_NOT_YET_HELD = _(
    "This session is planned for %(date)s: it cannot be marked as held before that day. "
    "If it took place earlier, change its date first."
)
LETTER_ENDS_BEFORE_START = _("The mission cannot end before it starts.")
LETTER_NOT_A_MISSION_LETTER = _("Choose a controlled document of type “mission letter”.")
LETTER_SIGNED = _("This mission letter is signed: it can no longer be changed.")
LETTER_NOT_ISSUED = _("Only an issued mission letter can be signed.")
LETTER_NOT_DRAFT = _("This mission letter has already been issued.")
LETTER_NOT_THE_PERSON = _("Only the person named in the mission letter can sign it.")


# The ``core.agenda`` sources named by the default choices below (registered by their own apps).
CASES = "events.cases"
OVERDUE_ACTIONS = "plans.overdue"
CONCERNING_INDICATORS = "indicators.concerning"
EVALUATIONS = "evaluations.results"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ExchangeSpace(models.Model):
    class Kind(models.TextChoices):
        QUALITY_CIRCLE = "quality_circle", _("Quality circle")
        CREX = "crex", _("CREX (experience feedback committee)")
        RMM = "rmm", _("Morbidity and mortality review (RMM)")
        QUALITY_CELL = "quality_cell", _("Quality cell")
        RISK_CAFE = "risk_cafe", _("Risk-management café")
        QUALITY_MEETING = "quality_meeting", _("Service quality meeting")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"),
        max_length=20,
        help_text=_("Short, e.g. “CQ”: the space's plan is then called “PAQ-CQ”."),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    charter = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("charter"),
        help_text=_("The controlled document that sets how the space works."),
    )
    plan = models.ForeignKey(
        "plans.ActionPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("action plan"),
        help_text=_("Decisions become actions of this plan; left empty, one is created at the first decision."),
    )
    sessions_per_year = models.PositiveSmallIntegerField(_("sessions planned per year"), default=6)
    duration_minutes = models.PositiveSmallIntegerField(_("usual duration (minutes)"), default=120)
    location = models.CharField(_("usual place"), max_length=200, blank=True)
    agenda_sources = models.JSONField(
        _("sources of the proposed agenda"),
        default=list,
        blank=True,
        help_text=_(
            "What the proposed agenda of each session offers. "
            "Leave every box unticked for the usual sources of its kind."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    history = HistoricalRecords(excluded_fields=["calendar_token"])

    objects: ClassVar[OrgQuerySet[ExchangeSpace]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("exchange space")
        verbose_name_plural = _("exchange spaces")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="space_unique_code_per_org"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:space_detail", kwargs={"org_slug": self.organization.slug, "space_id": self.pk})

    @property
    def plan_code(self) -> str:
        return f"PAQ-{self.code.upper()}"

    def clean(self) -> None:
        sources = self.agenda_sources
        if not isinstance(sources, list) or not all(isinstance(name, str) for name in sources):
            raise ValidationError({"agenda_sources": _("Choose the sources from the list.")}, code="agenda_sources")

    def agenda_source_names(self) -> list[str] | None:
        """The ``core.agenda`` sources feeding this space's proposed agenda; ``None`` means every source.

        The space's own choice if it made one, else the defaults of its kind (:data:`DEFAULT_AGENDA_SOURCES`).
        """
        if self.agenda_sources:
            return list(self.agenda_sources)
        default = DEFAULT_AGENDA_SOURCES.get(self.kind)
        return None if default is None else list(default)


# What each kind of space looks at when it has not chosen (``None``: every source, including any added later).
# A cell or a CREX analyses cases and follows its actions and alarming indicators; an RMM reviews cases and
# professional-practice evaluations; a risk café talks about cases and indicators; circles and service
# meetings see everything.
DEFAULT_AGENDA_SOURCES: dict[str, tuple[str, ...] | None] = {
    ExchangeSpace.Kind.QUALITY_CELL: (CASES, OVERDUE_ACTIONS, CONCERNING_INDICATORS),
    ExchangeSpace.Kind.CREX: (CASES, OVERDUE_ACTIONS, CONCERNING_INDICATORS),
    ExchangeSpace.Kind.RMM: (CASES, EVALUATIONS),
    ExchangeSpace.Kind.RISK_CAFE: (CASES, CONCERNING_INDICATORS),
    ExchangeSpace.Kind.QUALITY_CIRCLE: None,
    ExchangeSpace.Kind.QUALITY_MEETING: None,
    ExchangeSpace.Kind.OTHER: None,
}


class SpaceMember(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    space = models.ForeignKey(ExchangeSpace, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    role = models.CharField(_("role in the space"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("space member")
        verbose_name_plural = _("space members")
        constraints = [models.UniqueConstraint(fields=["space", "member"], name="space_member_once")]

    def __str__(self) -> str:
        return f"{self.member.user} ({self.get_role_display()})"


class SessionQuerySet(OrgQuerySet["Session"]):
    def upcoming(self) -> Self:
        return self.filter(status=Session.Status.PLANNED, starts_at__gte=timezone.now())

    def in_year(self, year: int) -> Self:
        return self.filter(starts_at__year=year)


class Session(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PLANNED: frozenset({Status.HELD, Status.CANCELLED}),
        Status.HELD: frozenset({Status.PLANNED}),
        Status.CANCELLED: frozenset({Status.PLANNED}),
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(ExchangeSpace, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"), validators=[check_plausible_date])
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    location = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(_("general minutes"), blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minutes approved by"),
    )
    history = HistoricalRecords()

    objects: ClassVar[SessionQuerySet] = SessionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        indexes = [
            # A space's calendar and yearly report; the upcoming sessions of an organization.
            models.Index(fields=["space", "starts_at"]),
            models.Index(fields=["organization", "status", "starts_at"]),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.space} — {local:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:session_detail", kwargs={"org_slug": self.organization.slug, "session_id": self.pk})

    @property
    def ends_at(self) -> datetime:
        try:
            return self.starts_at + timedelta(minutes=self.duration_minutes)
        except OverflowError:  # a start on 31/12/9999, stored before typed dates were bounded
            return self.starts_at

    @property
    def is_frozen(self) -> bool:
        return self.minutes_approved_at is not None

    def check_editable(self) -> None:
        """Refuse any change to the agenda, attendance, minutes or decisions of a frozen session."""
        if self.is_frozen:
            raise ValidationError(MINUTES_APPROVED, code="frozen")
        if self.status == self.Status.CANCELLED:
            raise ValidationError(SESSION_CANCELLED, code="cancelled")

    def allowed_transitions(self) -> list[str]:
        if self.is_frozen:
            return []
        return [s for s in self.Status.values if s in self.TRANSITIONS[self.status]]

    def move_to(self, wanted: str, *, today: date | None = None) -> None:
        if self.is_frozen:
            raise ValidationError(MINUTES_APPROVED, code="frozen")
        if wanted not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                _("A session cannot go from “%(current)s” to “%(wanted)s”."),
                code="transition",
                params={"current": self.get_status_display(), "wanted": self.Status(wanted).label},
            )
        day = timezone.localdate(self.starts_at)
        if wanted == self.Status.HELD and day > (today or timezone.localdate()):
            # Held before it happens, it would count in the yearly report and the space's figures.
            raise ValidationError(
                SESSION_NOT_YET_HELD, code="not_yet_held", params={"date": date_format(day, "SHORT_DATE_FORMAT")}
            )
        self.status = wanted

    def approve_minutes(self, *, by: Membership) -> None:
        if self.is_frozen:
            raise ValidationError(MINUTES_APPROVED, code="frozen")
        if self.status != self.Status.HELD:
            raise ValidationError(SESSION_NOT_HELD, code="not_held")
        self.minutes_approved_at = timezone.now()
        self.minutes_approved_by = by


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Attended")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="attendance_once_per_member")]

    def __str__(self) -> str:
        return f"{self.member.user}: {self.get_status_display()}"


class AgendaItem(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=300)
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    source_key = models.CharField(max_length=100, blank=True, editable=False)
    source_url = models.CharField(max_length=300, blank=True, editable=False)
    minutes = models.TextField(_("minutes"), blank=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[AgendaItem]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "pk"]
        constraints = [
            # An object waiting for a meeting is put on a session's agenda once.
            models.UniqueConstraint(
                fields=["session", "source_key"], condition=~models.Q(source_key=""), name="agenda_source_once"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("decision"), max_length=300)
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    action = models.ForeignKey(
        "plans.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("action")
    )
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Decision]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.session.get_absolute_url()


class MemberCalendar(models.Model):
    """The secret address of a member's calendar feed (all the sessions of the spaces they belong to)."""

    member = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_token)

    class Meta:
        verbose_name = _("member calendar")
        verbose_name_plural = _("member calendars")

    def __str__(self) -> str:
        return str(self.member.user)


class MissionLetter(models.Model):
    """A role entrusted to one person (facilitating a space, piloting a process, sitting on the quality cell).

    Issued by a manager, then signed by the person themself: the signature says they accept the mission,
    its scope, the time allotted and the period. The signed text may live in a controlled document
    (``documents``, kind mission letter); this row holds what the platform needs to follow the mission.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued, awaiting signature")
        SIGNED = "signed", _("Signed")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.ISSUED}),
        Status.ISSUED: frozenset({Status.SIGNED}),
        Status.SIGNED: frozenset(),
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    role = models.CharField(
        _("role"),
        max_length=200,
        help_text=_("For example “Medical and nursing pair facilitating the quality circle”."),
    )
    space = models.ForeignKey(
        ExchangeSpace,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mission_letters",
        verbose_name=_("exchange space"),
        help_text=_("The space the mission is about, if any."),
    )
    scope = models.TextField(_("what the mission covers"))
    hours_per_month = models.DecimalField(
        _("time allotted (hours per month)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    starts_on = models.DateField(_("starts on"), validators=[check_plausible_date])
    ends_on = models.DateField(
        _("ends on"),
        null=True,
        blank=True,
        help_text=_("Leave empty for an open mission."),
        validators=[check_plausible_date],
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed text"),
        help_text=_("The controlled document (type “mission letter”) that holds the text of the letter."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("issued by")
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[MissionLetter]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("mission letter")
        verbose_name_plural = _("mission letters")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="mission_letter_ends_after_start",
                violation_error_message=LETTER_ENDS_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=~models.Q(status="signed") | models.Q(signed_at__isnull=False),
                name="mission_letter_signed_has_date",
            ),
        ]
        indexes = [
            # The list page filtered by status; "my mission letters" (dashboard card, list filter).
            models.Index(fields=["organization", "status", "starts_on"]),
            models.Index(fields=["person", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.role} — {self.person.user}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:letter_detail", kwargs={"org_slug": self.organization.slug, "letter_id": self.pk})

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors.setdefault("ends_on", []).append(ValidationError(LETTER_ENDS_BEFORE_START, code="ends_before"))
        if self.document is not None and self.document.kind != DocumentKind.MISSION_LETTER:
            errors.setdefault("document", []).append(
                ValidationError(LETTER_NOT_A_MISSION_LETTER, code="not_mission_letter")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    def check_editable(self) -> None:
        if self.is_signed:
            raise ValidationError(LETTER_SIGNED, code="signed")

    def issue(self, *, by: Membership) -> list[str]:
        """Send the letter to the person; returns the fields to save."""
        if self.status != self.Status.DRAFT:
            raise ValidationError(LETTER_NOT_DRAFT, code="not_draft")
        self.status = self.Status.ISSUED
        self.issued_at = timezone.now()
        self.issued_by = by
        return ["status", "issued_at", "issued_by"]

    def sign(self, *, by: Membership) -> list[str]:
        """The person named in the letter accepts it; nobody signs for them."""
        if by.pk != self.person_id:
            raise ValidationError(LETTER_NOT_THE_PERSON, code="not_the_person")
        if self.status != self.Status.ISSUED:
            raise ValidationError(LETTER_SIGNED if self.is_signed else LETTER_NOT_ISSUED, code="not_issued")
        self.status = self.Status.SIGNED
        self.signed_at = timezone.now()
        return ["status", "signed_at"]


GUEST_ENDS_BEFORE_START = _("The guest access cannot end before it starts.")


class SpaceGuestQuerySet(OrgQuerySet["SpaceGuest"]):
    def open_on(self, day: date) -> Self:
        """Accepted, not revoked, and ``day`` within the period: the passes that open their space that day."""
        return self.filter(
            user__isnull=False, revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day, space__active=True
        )


class SpaceGuest(models.Model):
    """A person outside the organization invited to one exchange space for a bounded period.

    A professional of another organization or an external professional, invited by email; they sign in
    (or create their account) through the link and then see that space only, read-only: its sessions
    within the period, their agenda, the documents presented and the minutes, with cases de-identified
    (``meetings/guest_views.py``). They confirm their own attendance. From the day after ``valid_until``
    (or once revoked) the space answers them 404 like any other page of the organization.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(ExchangeSpace, on_delete=models.CASCADE, related_name="guests")
    email = models.EmailField(_("email"))
    profession = models.CharField(
        _("profession or organization"),
        max_length=200,
        blank=True,
        help_text=_("Shown in the attendance, e.g. “General practitioner, CPTS Lauragais Sud”."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="space_guest_passes"
    )
    valid_from = models.DateField(_("access from"), validators=[check_plausible_date])
    valid_until = models.DateField(_("access until"), validators=[check_plausible_date])
    invited_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invited by")
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    history = HistoricalRecords(excluded_fields=["token"])

    objects: ClassVar[SpaceGuestQuerySet] = SpaceGuestQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("space guest")
        verbose_name_plural = _("space guests")
        ordering = ["valid_from", "email"]
        constraints = [
            models.UniqueConstraint(fields=["space", "email"], name="space_guest_once_per_email"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="space_guest_ends_after_start",
                violation_error_message=GUEST_ENDS_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user is not None else self.email

    def get_absolute_url(self) -> str:
        return reverse("meetings_public:guest_invitation", kwargs={"token": self.token})

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": ValidationError(GUEST_ENDS_BEFORE_START, code="ends_before")})

    @property
    def may_accept(self) -> bool:
        """The link still works: not revoked and the period not over."""
        return self.revoked_at is None and self.valid_until >= timezone.localdate()

    def status_label(self) -> str:
        today = timezone.localdate()
        if self.revoked_at is not None:
            return str(_("Revoked"))
        if self.valid_until < today:
            return str(_("Ended"))
        if self.user_id is None:
            return str(_("Invitation sent"))
        if self.valid_from > today:
            return str(_("Starts later"))
        return str(_("Active"))


class GuestAttendance(models.Model):
    """A guest's attendance at a session: confirmed by the guest, or recorded by the secretary."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="guest_attendance")
    guest = models.ForeignKey(SpaceGuest, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=10, choices=Attendance.Status.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guest attendance")
        verbose_name_plural = _("guest attendance")
        constraints = [models.UniqueConstraint(fields=["session", "guest"], name="guest_attendance_once")]

    def __str__(self) -> str:
        return f"{self.guest}: {self.get_status_display()}"
