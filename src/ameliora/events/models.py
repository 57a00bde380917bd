"""Adverse events and experience feedback (REX).

An event goes through one workflow, declared once in :attr:`Event.TRANSITIONS`::

    received → triaged → in analysis → actions decided → closed (feedback given or not)
        └────────┴──→ not retained (with a reason)

Every move is a method that records who and when in :class:`EventTransition`.

Confidentiality: the reporter's identity (``reported_by`` for a member, the call-back details for a
public declaration) is never written to the change history, and is shown only to members holding
``events.view_reporter``. An anonymous public declaration stores no identity and no IP address; its
tracking code is stored only as a SHA-256 hash.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ameliora.core.models import Membership, Organization, OrgQuerySet, Unit
from ameliora.core.scales import Likelihood, Severity
from ameliora.plans.models import Action

TRANSITION_REFUSED = _("An event that is “%(status)s” cannot be %(action)s.")
REASON_REQUIRED = _("Give the reason why the event is not retained.")
LEVEL_REQUIRED = _("Choose the REX level (1, 2 or 3).")
DECISION_REQUIRED = _("Record at least one decision (an action, or no action with its reason) first.")
HANDLER_CANNOT_OPEN = _("This person cannot open the organization's events: choose a member of the quality team.")
NO_CHECK_BACK = _("Only a level-2 event has a check-back.")
CHECK_BACK_DONE = _("The check-back of this event was already recorded.")
NO_ACTION_REASON = _("Say why no action is taken.")
ACTION_TEXT_REQUIRED = _("Describe the action.")
PUBLICATION_NEEDS_CONSENT = _("The reporter did not agree to share a summary of this case.")
PUBLICATION_NEEDS_SUMMARY = _("Write the de-identified title and summary before publishing.")
IDENTIFYING_DATA_FOUND = _(
    "The text still seems to contain identifying data: %(found)s. Edit it before publishing "
    "(a lesson must not let anyone recognise a patient, a relative or a professional)."
)
APPROVAL_NEEDS_PROPOSAL = _("Only a lesson published and proposed to the territory can be approved.")

# Criticity = severity x likelihood (1 to 25). Zone limits are a local choice (domain §1.4).
CRITICITY_UNDER_CONTROL_FROM = 5
CRITICITY_UNACCEPTABLE_FROM = 12


class RexLevel(models.IntegerChoices):
    PHONE = 1, _("Level 1 — resolved by a phone exchange with a cell member")
    ORIENTED = 2, _("Level 2 — oriented to another competent professional (check-back due)")
    CELL_MEETING = 3, _("Level 3 — analysed at the next quality-cell meeting")


class Affected(models.TextChoices):
    PATIENT = "patient", _("A patient")
    PROFESSIONAL = "professional", _("A professional")
    VISITOR = "visitor", _("A visitor or caregiver")
    NONE = "none", _("Nobody")


class Actuality(models.TextChoices):
    ACTUAL = "actual", _("It happened (actual event)")
    NEAR_MISS = "near_miss", _("Near miss: caught before it reached anyone")


class Vigilance(models.TextChoices):
    PHARMACO = "pharmaco", _("Pharmacovigilance (medicines → regional CRPV)")
    DEVICE = "device", _("Materiovigilance (medical devices)")
    HAEMO = "haemo", _("Haemovigilance (blood products)")
    REACTO = "reacto", _("Reactovigilance (in-vitro diagnostics)")
    ADDICTO = "addicto", _("Addictovigilance (dependence → CEIP-A)")
    COSMETO = "cosmeto", _("Cosmetovigilance (cosmetics)")
    NUTRI = "nutri", _("Nutrivigilance (food supplements)")
    TOXICO = "toxico", _("Toxicovigilance (poisonings)")
    INFECTIO = "infectio", _("Infectiovigilance (healthcare-associated infections → ARS and CPias)")


# The vigilances an event of a default category most likely concerns: a suggestion
# shown to the cell, never ticked for it. Categories an organization adds suggest nothing.
SUGGESTED_VIGILANCES: dict[str, tuple[Vigilance, ...]] = {
    "medication": (Vigilance.PHARMACO,),
    "equipment": (Vigilance.DEVICE,),
    "infection": (Vigilance.INFECTIO,),
}


def suggested_vigilances(category_code: str | None, *, already: Iterable[str] = ()) -> list[Vigilance]:
    """The vigilances the category suggests, less those already recorded for the event."""
    recorded = set(already)
    return [v for v in SUGGESTED_VIGILANCES.get(category_code or "", ()) if v not in recorded]


class FactorFamily(models.TextChoices):
    """The seven ALARM families of contributing factors (domain §2.1)."""

    PATIENT = "patient", _("Patient")
    INDIVIDUAL = "individual", _("Individual professional")
    TASK = "task", _("Task")
    TEAM = "team", _("Team")
    ENVIRONMENT = "environment", _("Work environment")
    ORGANISATION = "organisation", _("Organisation and management")
    INSTITUTIONAL = "institutional", _("Institutional context")


COMPLEX_CASE_CRITERIA: tuple[tuple[str, Any, Any], ...] = (
    (
        "complex_environment",
        _("Patient environment"),
        _("violence, alcoholism, family dysfunction or no caregiver, unfit housing, many professionals involved"),
    ),
    (
        "complex_patient",
        _("Patient or caregiver"),
        _("refusal of care, difficulty understanding the care (thought disorders, illiteracy)"),
    ),
    (
        "complex_pathologies",
        _("Pathologies"),
        _("multiple or chronic diseases, degenerative diseases, behavioural disorders"),
    ),
    (
        "complex_coordination",
        _("Health-system coordination"),
        _("breaks in coordination or continuity of care, responsiveness, organisation of returns home"),
    ),
)

DEFAULT_CATEGORIES: tuple[tuple[str, Any], ...] = (
    ("medication", _("Medication")),
    ("care", _("Care")),
    ("identification", _("Patient identification")),
    ("coordination", _("Coordination, city–hospital transition")),
    ("equipment", _("Equipment")),
    ("infection", _("Infection")),
    ("organisation", _("Organisation")),
    ("communication", _("Communication")),
    ("other", _("Other")),
)


def reference_prefix(organization: Organization) -> str:
    """How an organization's cases are numbered: a CPTS speaks of experience feedback (REX), others of events (EI)."""
    return "REX" if organization.kind == Organization.Kind.CPTS else "EI"


def _public_key() -> str:
    return secrets.token_urlsafe(18)


class EventSettings(models.Model):
    """How one organization runs its events: REX levels, check-back delay, public page, numbering."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="event_settings")
    rex_levels_enabled = models.BooleanField(
        _("use the CPTS REX method (levels 1, 2, 3)"),
        default=False,
        help_text=_("Level 1: phone exchange; level 2: orientation and check-back; level 3: quality-cell meeting."),
    )
    check_back_days = models.PositiveSmallIntegerField(_("check-back delay for level 2 (days)"), default=15)
    public_enabled = models.BooleanField(_("public declaration page open"), default=True)
    # Unguessable, unlike the slug: knowing an organization's address does not open its public form.
    public_key = models.CharField(max_length=40, unique=True, default=_public_key, editable=False)
    # Off by default: the quality manager decides to open the library to the territory's professionals.
    public_library_enabled = models.BooleanField(
        _("public library of lessons open"),
        default=False,
        help_text=_(
            "The lessons published to the territory can be read without an account, at an address "
            "built on the same key as the declaration page."
        ),
    )
    next_meeting_on = models.DateField(_("next quality-cell meeting"), null=True, blank=True)
    sequence_year = models.PositiveSmallIntegerField(default=0, editable=False)
    sequence_last = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["public_key", "sequence_year", "sequence_last"])

    objects: ClassVar[OrgQuerySet[EventSettings]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("event settings")
        verbose_name_plural = _("event settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_back_days__gte=1), name="event_settings_check_back_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)


class EventCategory(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="event_categories")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered in the declaration form"), default=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[EventCategory]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="event_category_unique_code_per_org"),
        ]

    def __str__(self) -> str:
        return self.name


TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud on the phone
TRACKING_LENGTH = 20  # 20 x log2(31) ≈ 99 bits


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, TRACKING_LENGTH, 5))


def normalize_tracking_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_tracking_code(code: str) -> str:
    return hashlib.sha256(normalize_tracking_code(code).encode()).hexdigest()


class LibraryAudience(models.TextChoices):
    """Who reads a published lesson. Territory professionals mostly have no account: they read the public page."""

    TEAM = "team", _("The team (members with an account)")
    TERRITORY = "territory", _("Also the territory's professionals (public library page)")


class EventQuerySet(OrgQuerySet["Event"]):
    def open(self) -> EventQuerySet:
        return self.exclude(status__in=[Event.Status.CLOSED, Event.Status.NOT_RETAINED])

    def published(self) -> EventQuerySet:
        """The lessons in the members' library (every audience)."""
        return self.filter(published_at__isnull=False)

    def published_to_territory(self) -> EventQuerySet:
        """The lessons on the public library page: published, consented, meant for the territory and approved."""
        return self.published().filter(
            library_audience=LibraryAudience.TERRITORY, publication_consent=True, territory_approved_at__isnull=False
        )

    def awaiting_territory_approval(self) -> EventQuerySet:
        """Lessons proposed to the territory that the pilot has not approved yet (read by the team meanwhile)."""
        return self.published().filter(library_audience=LibraryAudience.TERRITORY, territory_approved_at__isnull=True)

    def search_library(self, query: str) -> EventQuerySet:
        """Published lessons whose shared title or summary contains ``query``, newest first.

        Only the de-identified fields are searched: a search must not reveal what the declaration said.
        """
        lessons = self
        if query:
            lessons = lessons.filter(models.Q(summary_title__icontains=query) | models.Q(summary__icontains=query))
        return lessons.order_by("-published_at", "-pk")


class Event(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        TRIAGED = "triaged", _("Triaged")
        IN_ANALYSIS = "in_analysis", _("In analysis")
        ACTIONS_DECIDED = "actions_decided", _("Actions decided")
        CLOSED = "closed", _("Closed")
        NOT_RETAINED = "not_retained", _("Not retained")

    class Source(models.TextChoices):
        MEMBER = "member", _("Member of the organization")
        PUBLIC = "public", _("Public declaration page")

    S = Status
    # The workflow, declared once: action -> (allowed from, goes to).
    TRANSITIONS: ClassVar[dict[str, tuple[frozenset[str], str]]] = {
        "triage": (frozenset({S.RECEIVED}), S.TRIAGED),
        "start_analysis": (frozenset({S.TRIAGED}), S.IN_ANALYSIS),
        "decide_actions": (frozenset({S.TRIAGED, S.IN_ANALYSIS}), S.ACTIONS_DECIDED),
        "close": (frozenset({S.TRIAGED, S.IN_ANALYSIS, S.ACTIONS_DECIDED}), S.CLOSED),
        "reject": (frozenset({S.RECEIVED, S.TRIAGED}), S.NOT_RETAINED),
        "reopen": (frozenset({S.CLOSED, S.NOT_RETAINED}), S.IN_ANALYSIS),
    }
    ACTION_LABELS: ClassVar[dict[str, Any]] = {
        "declare": _("declared"),
        "triage": _("triaged"),
        "start_analysis": _("put in analysis"),
        "decide_actions": _("marked as actions decided"),
        "close": _("closed"),
        "reject": _("set as not retained"),
        "reopen": _("reopened"),
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    reference = models.CharField(_("reference"), max_length=30)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MEMBER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    # Reporter identity — confidential (events.view_reporter), never in history.
    reported_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reporter")
    )
    contact_name = models.CharField(_("name"), max_length=150, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_best_time = models.CharField(_("best time to call"), max_length=150, blank=True)
    reporter_profession = models.CharField(_("reporter's profession"), max_length=120, blank=True)
    tracking_code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    # What the reporter says
    occurred_at = models.DateTimeField(_("when did it happen?"))
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("where (unit)")
    )
    category = models.ForeignKey(
        EventCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("category"),
    )
    affected = models.CharField(_("who was affected?"), max_length=20, choices=Affected.choices, default=Affected.NONE)
    actuality = models.CharField(
        _("did it happen?"), max_length=20, choices=Actuality.choices, default=Actuality.ACTUAL
    )
    description = models.TextField(_("what happened?"))
    immediate_measures = models.TextField(_("immediate measures taken"), blank=True)
    consequences = models.TextField(_("consequences"), blank=True)
    reporter_severity = models.PositiveSmallIntegerField(
        _("reporter's severity estimate"), choices=Severity.choices, null=True, blank=True
    )
    is_serious = models.BooleanField(_("serious adverse event associated with care (EIGS)"), default=False)
    publication_consent = models.BooleanField(_("the reporter agrees to share a de-identified summary"), default=False)
    ars_part1_sent_on = models.DateField(_("EIGS part 1 sent to the ARS on"), null=True, blank=True)
    ars_part2_sent_on = models.DateField(_("EIGS part 2 sent to the ARS on"), null=True, blank=True)

    # Triage
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, null=True, blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=Likelihood.choices, null=True, blank=True)
    criticity = models.PositiveSmallIntegerField(_("criticity"), null=True, blank=True)
    handler = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("handler")
    )
    level = models.PositiveSmallIntegerField(_("REX level"), choices=RexLevel.choices, null=True, blank=True)
    complex_environment = models.BooleanField(_("complex case: patient environment"), default=False)
    complex_patient = models.BooleanField(_("complex case: patient or caregiver"), default=False)
    complex_pathologies = models.BooleanField(_("complex case: pathologies"), default=False)
    complex_coordination = models.BooleanField(_("complex case: health-system coordination"), default=False)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    oriented_to = models.CharField(
        _("oriented to"),
        max_length=200,
        blank=True,
        help_text=_("The professional or structure the cell oriented the reporter to (level 2)."),
    )
    check_back_due = models.DateField(_("check-back due on"), null=True, blank=True)
    check_back_done_at = models.DateTimeField(_("check-back done at"), null=True, blank=True)
    check_back_resolved = models.BooleanField(_("problem resolved at check-back"), null=True, blank=True)
    check_back_note = models.TextField(_("check-back note"), blank=True)
    check_back_reminded_on = models.DateField(null=True, blank=True, editable=False)
    not_retained_reason = models.TextField(_("reason for not retaining"), blank=True)

    # Analysis and feedback
    lessons = models.TextField(_("what we learned"), blank=True)
    feedback_message = models.TextField(_("feedback to the reporter"), blank=True)
    feedback_given_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    summary_title = models.CharField(_("title of the shared summary"), max_length=200, blank=True)
    summary = models.TextField(_("de-identified summary"), blank=True)
    published_at = models.DateTimeField(_("published in the library at"), null=True, blank=True)
    library_audience = models.CharField(
        _("library audience"), max_length=20, choices=LibraryAudience.choices, default=LibraryAudience.TEAM
    )
    # A lesson for the territory is public: it waits for the approval of a member holding
    # ``events.approve_lessons`` (the pilot), given to the text as it stands; editing the text withdraws it.
    territory_approved_at = models.DateTimeField(_("approved for the territory at"), null=True, blank=True)
    territory_approved_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved for the territory by"),
    )

    history = HistoricalRecords(
        excluded_fields=[
            "reported_by",
            "contact_name",
            "contact_phone",
            "contact_best_time",
            "reporter_profession",
            "tracking_code_hash",
            "check_back_reminded_on",
        ]
    )

    objects: ClassVar[EventQuerySet] = EventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "reference"], name="event_unique_reference_per_org"),
            models.CheckConstraint(
                condition=models.Q(severity__isnull=True) | models.Q(severity__gte=1, severity__lte=5),
                name="event_severity_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(likelihood__isnull=True) | models.Q(likelihood__gte=1, likelihood__lte=5),
                name="event_likelihood_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__in=[1, 2, 3]), name="event_level_1_to_3"
            ),
        ]
        indexes = [
            # The queues: one organization's events in one status, newest first.
            models.Index(fields=["organization", "status", "received_at"]),
            # "Mine": the open events a handler follows.
            models.Index(fields=["handler", "status"]),
            # The public library: one organization's lessons published to the territory, newest first.
            models.Index(
                fields=["organization", "library_audience", "-published_at"],
                condition=models.Q(published_at__isnull=False),
                name="event_published_lessons",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"org_slug": self.organization.slug, "event_id": self.pk})

    # --- reading -----------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status not in {self.Status.CLOSED, self.Status.NOT_RETAINED}

    @property
    def is_anonymous(self) -> bool:
        return self.reported_by_id is None and not (self.contact_name or self.contact_phone)

    @property
    def criticity_zone(self) -> str:
        if self.criticity is None:
            return ""
        if self.criticity >= CRITICITY_UNACCEPTABLE_FROM:
            return "unacceptable"
        if self.criticity >= CRITICITY_UNDER_CONTROL_FROM:
            return "under_control"
        return "acceptable"

    @property
    def awaits_territory_approval(self) -> bool:
        return (
            self.published_at is not None
            and self.library_audience == LibraryAudience.TERRITORY
            and self.territory_approved_at is None
        )

    @property
    def complex_criteria(self) -> list[Any]:
        return [label for field, label, _help in COMPLEX_CASE_CRITERIA if getattr(self, field)]

    @property
    def ars_part2_due(self) -> date | None:
        if self.ars_part1_sent_on is None:
            return None
        return _add_months(self.ars_part1_sent_on, 3)

    def check_back_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.check_back_due is not None
            and self.check_back_done_at is None
            and self.is_open
            and self.check_back_due < today
        )

    def allowed_actions(self) -> list[str]:
        return [name for name, (sources, _target) in self.TRANSITIONS.items() if self.status in sources]

    # --- the workflow ------------------------------------------------------------------------

    def _move(self, action: str, *, by: Membership | None, note: str = "") -> EventTransition:
        sources, target = self.TRANSITIONS[action]
        if self.status not in sources:
            raise ValidationError(
                TRANSITION_REFUSED % {"status": self.get_status_display(), "action": self.ACTION_LABELS[action]},
                code="transition_refused",
            )
        previous = self.status
        self.status = target
        return EventTransition(
            organization_id=self.organization_id,
            event=self,
            action=action,
            from_status=previous,
            to_status=target,
            by=by,
            note=note,
        )

    def triage(
        self,
        *,
        severity: int,
        likelihood: int,
        handler: Membership | None,
        level: int | None,
        rex_levels: bool,
        check_back_days: int,
        criteria: dict[str, bool],
        by: Membership,
        oriented_to: str = "",
        now: datetime | None = None,
    ) -> EventTransition:
        if rex_levels and level is None:
            raise ValidationError(LEVEL_REQUIRED, code="level_required")
        transition = self._move("triage", by=by)
        now = now or timezone.now()
        self.severity = Severity(severity).value
        self.likelihood = Likelihood(likelihood).value
        self.criticity = self.severity * self.likelihood
        self.handler = handler
        self.level = RexLevel(level).value if level else None
        for field, _label, _help in COMPLEX_CASE_CRITERIA:
            setattr(self, field, bool(criteria.get(field)))
        self.triaged_at = now
        self.oriented_to = oriented_to.strip() if self.level == RexLevel.ORIENTED else ""
        if self.level == RexLevel.ORIENTED:
            self.check_back_due = timezone.localdate(now) + timedelta(days=check_back_days)
        return transition

    def start_analysis(self, *, by: Membership) -> EventTransition:
        return self._move("start_analysis", by=by)

    def decide_actions(self, *, by: Membership, decisions: int) -> EventTransition:
        if decisions == 0:
            raise ValidationError(DECISION_REQUIRED, code="decision_required")
        return self._move("decide_actions", by=by)

    def close(self, *, by: Membership, now: datetime | None = None) -> EventTransition:
        transition = self._move("close", by=by)
        self.closed_at = now or timezone.now()
        return transition

    def reject(self, *, by: Membership, reason: str, now: datetime | None = None) -> EventTransition:
        if not reason.strip():
            raise ValidationError(REASON_REQUIRED, code="reason_required")
        transition = self._move("reject", by=by, note=reason)
        self.not_retained_reason = reason
        self.closed_at = now or timezone.now()
        return transition

    def reopen(self, *, by: Membership) -> EventTransition:
        transition = self._move("reopen", by=by)
        self.closed_at = None
        return transition

    def record_check_back(self, *, resolved: bool, note: str, now: datetime | None = None) -> None:
        if self.level != RexLevel.ORIENTED or self.check_back_due is None:
            raise ValidationError(NO_CHECK_BACK, code="no_check_back")
        if self.check_back_done_at is not None:
            raise ValidationError(CHECK_BACK_DONE, code="check_back_done")
        self.check_back_done_at = now or timezone.now()
        self.check_back_resolved = resolved
        self.check_back_note = note


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    # Clamp to the month's last day (31 Jan + 1 month = 28/29 Feb).
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


class EventTransition(models.Model):
    """Who moved an event from one status to another, and when. ``by`` is empty for the declaration."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Event.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Event.Status.choices)
    by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    objects: ClassVar[OrgQuerySet[EventTransition]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.from_status} → {self.to_status}"

    @property
    def action_label(self) -> Any:
        return Event.ACTION_LABELS.get(self.action, self.action)


class VigilanceReport(models.Model):
    """A regulatory vigilance the event may concern, and when it was reported there (Ameliora only records)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="vigilances")
    vigilance = models.CharField(_("vigilance"), max_length=20, choices=Vigilance.choices)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[VigilanceReport]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("vigilance report")
        verbose_name_plural = _("vigilance reports")
        ordering = ["vigilance"]
        constraints = [
            models.UniqueConstraint(fields=["event", "vigilance"], name="vigilance_report_unique_per_event"),
        ]

    def __str__(self) -> str:
        return str(self.get_vigilance_display())


class TimelineEntry(models.Model):
    """One fact of the chronology ("what happened?"), in the order the analysts arranged them."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="timeline")
    happened_at = models.DateTimeField(_("when"))
    description = models.TextField(_("fact"))
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[TimelineEntry]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("chronology entry")
        verbose_name_plural = _("chronology entries")
        ordering = ["position", "happened_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.position}"


class ContributingFactor(models.Model):
    """A reason why it happened ("why?"), in one ALARM family; root causes are flagged."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="factors")
    family = models.CharField(_("family"), max_length=20, choices=FactorFamily.choices)
    description = models.CharField(_("factor"), max_length=300)
    note = models.TextField(_("notes"), blank=True)
    is_root = models.BooleanField(_("root cause"), default=False)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[ContributingFactor]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("contributing factor")
        verbose_name_plural = _("contributing factors")
        ordering = ["family", "-is_root", "pk"]

    def __str__(self) -> str:
        return str(self.get_family_display())


class Decision(models.Model):
    """What was decided from the analysis: an action (opened in an action plan) or no action."""

    class Kind(models.TextChoices):
        ACTION = "action", _("Action")
        NO_ACTION = "no_action", _("No action")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("action"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    decided_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    # The action opened in an action plan for this decision (kind "action"); its status is the follow-up.
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("plan action")
    )
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Decision]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="action") & ~models.Q(text="")
                | models.Q(kind="no_action") & ~models.Q(reason=""),
                name="decision_action_has_text_no_action_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class TrackingMessage(models.Model):
    """A message between a public reporter (through the tracking code) and the cell."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        CELL = "cell", _("Quality cell")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(_("from"), max_length=10, choices=Author.choices)
    # Only the cell's side names a person; the reporter's side never stores who wrote.
    author = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[TrackingMessage]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("tracking message")
        verbose_name_plural = _("tracking messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.author_kind}"
