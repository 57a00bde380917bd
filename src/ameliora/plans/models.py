"""Improvement action plans (plan d'action d'amélioration, PAQSS): the PDCA loop from objective to proof.

A plan tells one story, in order: its context (what revealed the need, linked to source objects
through :class:`ameliora.core.models.Link`), its objectives, its actions, the tools made for it,
how it was communicated to the team, its progress reviews, its final review and its revisions.

Workflows are explicit state machines: :attr:`ActionPlan.TRANSITIONS` and :attr:`Action.TRANSITIONS`
are the only place that says which status may follow which; each transition is a method that
records who and when, and refuses anything else with a message constant that tests reuse.
Objectives are linked to indicators from the indicators app (``Indicator.objectives``), which
imports this one; ``plans`` never imports it back.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ameliora.core.dates import check_plausible_date
from ameliora.core.models import Job, Membership, Organization, OrgQuerySet

PLAN_TRANSITION_REFUSED = _("A plan cannot go from “%(current)s” to “%(wanted)s”.")
ACTION_TRANSITION_REFUSED = _("An action cannot go from “%(current)s” to “%(wanted)s”.")
END_BEFORE_START = _("The end date cannot be before the start date.")
DUE_BEFORE_START = _("The due date cannot be before the start date.")
PROGRESS_AT_MOST_100 = _("Progress is a percentage, at most 100.")
ALREADY_ACKNOWLEDGED = _("You already acknowledged this communication.")
NOT_IN_AUDIENCE = _("This communication was not addressed to you.")
PLAN_CLOSED = _("This plan is closed: reopen it with a revision before changing it.")


class ActionPlanQuerySet(OrgQuerySet["ActionPlan"]):
    def open(self) -> Self:
        """Plans that still take actions: every status but closed."""
        return self.exclude(status=ActionPlan.Status.CLOSED)

    def with_action_counts(self) -> Self:
        """Counts per plan for lists: one aggregate query, whatever the number of actions."""
        today = timezone.localdate()
        open_statuses = [Action.Status.PLANNED, Action.Status.IN_PROGRESS]
        return self.annotate(
            action_count=models.Count("actions", distinct=True),
            done_count=models.Count("actions", filter=Q(actions__status=Action.Status.DONE), distinct=True),
            late_count=models.Count(
                "actions",
                filter=Q(actions__status__in=open_statuses, actions__due_date__lt=today),
                distinct=True,
            ),
        )


class ActionPlan(models.Model):
    class ScopeKind(models.TextChoices):
        ORGANIZATION = "organization", _("The whole organization")
        PROCESS = "process", _("One process")
        PROJECT = "project", _("One project")
        LEARNING_SITUATION = "learning_situation", _("One learning situation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        UNDER_REVIEW = "under_review", _("Under review")
        CLOSED = "closed", _("Closed")

    # The one declaration of the plan's workflow: a closed plan reopens through a revision.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.ACTIVE}),
        Status.ACTIVE: frozenset({Status.UNDER_REVIEW}),
        Status.UNDER_REVIEW: frozenset({Status.ACTIVE, Status.CLOSED}),
        Status.CLOSED: frozenset({Status.ACTIVE}),
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    scope_kind = models.CharField(_("scope"), max_length=30, choices=ScopeKind.choices, default=ScopeKind.ORGANIZATION)
    scope_label = models.CharField(
        _("scope in words"), max_length=200, blank=True, help_text=_("e.g. “Circuit of health products”.")
    )
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True, validators=[check_plausible_date])
    end_date = models.DateField(_("end date"), null=True, blank=True, validators=[check_plausible_date])
    context = models.TextField(
        _("context"),
        blank=True,
        help_text=_("What the self-assessment, an event, a survey or a meeting revealed."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    activated_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    review_started_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    review_started_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    receives_all_actions = models.BooleanField(
        _("receives the actions of every module"),
        default=False,
        help_text=_(
            "The organization's single plan: actions opened from events, evaluations, surveys and meetings "
            "go here unless another plan is chosen."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[ActionPlanQuerySet] = ActionPlanQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="plan_unique_code_per_org"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(receives_all_actions=True),
                name="plan_one_single_plan_per_org",
                violation_error_message=_("The organization already has a single plan."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="plan_end_after_start",
                violation_error_message=END_BEFORE_START,
            ),
        ]
        indexes = [
            # The plans list filtered by status within one organization.
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", kwargs={"org_slug": self.organization.slug, "plan_id": self.pk})

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": END_BEFORE_START})

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def allowed_transitions(self) -> list[str]:
        return sorted(self.TRANSITIONS[self.status])

    def _move(self, wanted: str) -> list[str]:
        if wanted not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                PLAN_TRANSITION_REFUSED
                % {"current": self.get_status_display(), "wanted": dict(self.Status.choices).get(wanted, wanted)},
                code="plan_transition",
            )
        self.status = wanted
        return ["status"]

    def activate(self, *, by: Membership) -> list[str]:
        """Start carrying out the plan (from a draft, from review, or reopening a closed plan)."""
        fields = self._move(self.Status.ACTIVE)
        self.activated_at, self.activated_by = timezone.now(), by
        return [*fields, "activated_at", "activated_by"]

    def start_review(self, *, by: Membership) -> list[str]:
        fields = self._move(self.Status.UNDER_REVIEW)
        self.review_started_at, self.review_started_by = timezone.now(), by
        return [*fields, "review_started_at", "review_started_by"]

    def move_to(self, wanted: str, *, by: Membership) -> list[str]:
        """Run the transition towards ``wanted``; a draft is never a destination, so it is refused."""
        if wanted == self.Status.ACTIVE:
            return self.activate(by=by)
        if wanted == self.Status.UNDER_REVIEW:
            return self.start_review(by=by)
        if wanted == self.Status.CLOSED:
            return self.close(by=by)
        return self._move(wanted)

    def close(self, *, by: Membership) -> list[str]:
        """Close after the final review, once results are judged sustainable."""
        fields = self._move(self.Status.CLOSED)
        self.closed_at, self.closed_by = timezone.now(), by
        return [*fields, "closed_at", "closed_by"]


class Objective(models.Model):
    """A SMART objective. Its indicators point at it from the indicators app (``Indicator.objectives``)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="objectives")
    statement = models.CharField(_("objective"), max_length=300)
    rationale = models.TextField(_("why"), blank=True)
    target_description = models.CharField(
        _("measurable target"), max_length=300, blank=True, help_text=_("e.g. “≤ 1 dispensing error per week”.")
    )
    target_value = models.DecimalField(
        _("target value"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "The number the measuring indicators are judged against, on their displayed scale (e.g. 5 for 5 %). "
            "Empty: each indicator's own target."
        ),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True, validators=[check_plausible_date])
    # Declared by hand at the final review; an objective measured by indicators is judged from them
    # instead (plans.attainment), and this field is only its fallback.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    position = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Objective]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.statement


# Statuses in which an action still has work to do (and can be late).
OPEN_STATUSES: tuple[str, ...] = ("planned", "in_progress")


class ActionQuerySet(OrgQuerySet["Action"]):
    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)

    def late(self, today: date | None = None) -> Self:
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def with_lateness(self, today: date | None = None) -> Self:
        """Annotate ``late`` (due date passed, neither done nor cancelled) for lists, in SQL."""
        today = today or timezone.localdate()
        return self.annotate(
            late=Case(
                When(Q(status__in=OPEN_STATUSES, due_date__lt=today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def for_lists(self) -> Self:
        return self.select_related("owner__user", "plan__organization", "organization").with_lateness()


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    # The one declaration of the action's workflow.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PLANNED: frozenset({Status.IN_PROGRESS, Status.DONE, Status.CANCELLED}),
        Status.IN_PROGRESS: frozenset({Status.PLANNED, Status.DONE, Status.CANCELLED}),
        Status.DONE: frozenset({Status.IN_PROGRESS}),
        Status.CANCELLED: frozenset({Status.PLANNED}),
    }

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Phase(models.TextChoices):
        PLAN = "plan", _("Plan")
        DO = "do", _("Do")
        CHECK = "check", _("Check")
        ACT = "act", _("Act")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(
        Objective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("objective served"),
    )
    revision = models.ForeignKey(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="new_actions",
        verbose_name=_("added by revision"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    participants = models.ManyToManyField(Membership, blank=True, related_name="+", verbose_name=_("participants"))
    start_date = models.DateField(_("start date"), null=True, blank=True, validators=[check_plausible_date])
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=[check_plausible_date])
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    phase = models.CharField(_("PDCA phase"), max_length=10, choices=Phase.choices, default=Phase.DO)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    effort = models.CharField(_("effort and resources"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("order"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Reminder bookkeeping, not a change of the action: kept out of its history.
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["reminded_on"])

    objects: ClassVar[ActionQuerySet] = ActionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="action_progress_at_most_100",
                violation_error_message=PROGRESS_AT_MOST_100,
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="action_due_after_start",
                violation_error_message=DUE_BEFORE_START,
            ),
        ]
        indexes = [
            # The action list and board of one plan, filtered by status.
            models.Index(fields=["plan", "status"]),
            # "My actions" and the daily reminders: open actions by owner and due date.
            models.Index(fields=["owner", "status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:action_detail", kwargs={"org_slug": self.organization.slug, "action_id": self.pk})

    def clean(self) -> None:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": DUE_BEFORE_START})

    @property
    def is_late(self) -> bool:
        """Due date passed and neither done nor cancelled (lists use ``ActionQuerySet.with_lateness``)."""
        return self.status in OPEN_STATUSES and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def allowed_transitions(self) -> list[str]:
        return [s for s in self.Status.values if s in self.TRANSITIONS[self.status]]

    def move_to(self, wanted: str, *, by: Membership) -> list[str]:
        """Change status if the workflow allows it; record who and when. Returns the fields to save."""
        if wanted not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                ACTION_TRANSITION_REFUSED
                % {"current": self.get_status_display(), "wanted": dict(self.Status.choices).get(wanted, wanted)},
                code="action_transition",
            )
        now = timezone.now()
        self.status = wanted
        fields = ["status"]
        if wanted == self.Status.IN_PROGRESS:
            self.started_at, self.started_by = now, by
            fields += ["started_at", "started_by"]
        elif wanted == self.Status.DONE:
            self.done_at, self.done_by, self.progress = now, by, 100
            fields += ["done_at", "done_by", "progress"]
        elif wanted == self.Status.CANCELLED:
            self.cancelled_at, self.cancelled_by = now, by
            fields += ["cancelled_at", "cancelled_by"]
        return fields

    def start(self, *, by: Membership) -> list[str]:
        return self.move_to(self.Status.IN_PROGRESS, by=by)

    def complete(self, *, by: Membership) -> list[str]:
        return self.move_to(self.Status.DONE, by=by)

    def cancel(self, *, by: Membership) -> list[str]:
        return self.move_to(self.Status.CANCELLED, by=by)


class Tool(models.Model):
    """Something made for the plan: a procedure, a form, a checklist, a poster, a software setting."""

    class Kind(models.TextChoices):
        PROCEDURE = "procedure", _("Procedure")
        FORM = "form", _("Form or record sheet")
        CHECKLIST = "checklist", _("Checklist")
        POSTER = "poster", _("Poster")
        SOFTWARE_SETTING = "software_setting", _("Software setting")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="tools")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), blank=True, max_length=500)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Tool]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("tool")
        verbose_name_plural = _("tools")
        ordering = ["plan", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Communication(models.Model):
    """One dissemination of the plan to the team; members acknowledge it, which measures adherence."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Team meeting")
        POSTER = "poster", _("Poster or notice board")
        EMAIL = "email", _("Email")
        TRAINING = "training", _("Training")
        HUDDLE = "huddle", _("Huddle")

    # Kinds one attends; the others one reads.
    ATTENDED: ClassVar[frozenset[str]] = frozenset({Kind.MEETING, Kind.TRAINING, Kind.HUDDLE})

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="communications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"), validators=[check_plausible_date])
    audience = models.CharField(_("audience"), max_length=300, blank=True, help_text=_("e.g. “the whole team”."))
    audience_members = models.ManyToManyField(
        Membership,
        blank=True,
        related_name="+",
        verbose_name=_("members addressed"),
        help_text=_("Leave empty when the whole organization is addressed."),
    )
    material = models.TextField(_("material and message"), blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Communication]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        ordering = ["plan", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"

    @property
    def is_attended(self) -> bool:
        return self.kind in self.ATTENDED


class Acknowledgement(models.Model):
    """A member's "I have read" (email, poster) or "I was there" (meeting, training, huddle)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    communication = models.ForeignKey(Communication, on_delete=models.CASCADE, related_name="acknowledgements")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Acknowledgement]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["communication", "member"], name="acknowledgement_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.acknowledged_at:%Y-%m-%d}"


class ProgressReview(models.Model):
    """État d'avancement at a chosen date."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="progress_reviews")
    review_date = models.DateField(_("date"), validators=[check_plausible_date])
    done_summary = models.TextField(_("what was done"))
    obstacles = models.TextField(_("obstacles"), blank=True)
    indicator_values = models.TextField(
        _("indicator values at that date"), blank=True, help_text=_("e.g. “3 dispensing errors this week”.")
    )
    recorded_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[ProgressReview]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("progress review")
        verbose_name_plural = _("progress reviews")
        ordering = ["plan", "review_date", "pk"]

    def __str__(self) -> str:
        return f"{self.review_date:%d/%m/%Y}"


class FinalReview(models.Model):
    """Bilan: objectives met or not (stored on each objective), before/after, lessons."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    plan = models.OneToOneField(ActionPlan, on_delete=models.CASCADE, related_name="final_review")
    review_date = models.DateField(_("date"), validators=[check_plausible_date])
    before_after = models.TextField(_("before and after"), blank=True)
    lessons = models.TextField(_("lessons learnt"), blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[FinalReview]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("final review")
        verbose_name_plural = _("final reviews")

    def __str__(self) -> str:
        return f"{self.review_date:%d/%m/%Y}"


class Revision(models.Model):
    """An improvement axis adopted after review: new actions and/or a changed objective target.

    The previous target stays in the objective's history; ``previous_target`` keeps it at hand.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="revisions")
    revision_date = models.DateField(_("date"), validators=[check_plausible_date])
    description = models.TextField(_("what changes and why"))
    objective = models.ForeignKey(
        Objective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("objective whose target changes"),
    )
    previous_target = models.CharField(_("previous target"), max_length=300, blank=True)
    new_target = models.CharField(_("new target"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Revision]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["plan", "revision_date", "pk"]

    def __str__(self) -> str:
        return f"{self.revision_date:%d/%m/%Y}"


class PlanExport(models.Model):
    """Which plan a PDF export job renders (the job itself lives in core)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="+")

    objects: ClassVar[OrgQuerySet[PlanExport]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("plan export")
        verbose_name_plural = _("plan exports")

    def __str__(self) -> str:
        return str(self.job_id)
