"""Reflective learning: a learning situation (retour d'expérience), its self-critique, its debrief,
and competencies rated by the learner and the supervisor.

A :class:`LearningSituation` links what the learner did: a self-assessment campaign (the one
exception to the import arrows, see docs/architecture.md) and action plans. Its workflow is declared
once in :attr:`LearningSituation.TRANSITIONS`: draft (the learner writes the self-critique) →
submitted (the supervisor writes the debrief; they may send it back) → debriefed (both signed: the
situation, its self-critique, its debrief and its ratings are frozen). Earlier drafts of the
self-critique stay in its history.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ameliora.assessments.models import Campaign
from ameliora.core.dates import check_plausible_date
from ameliora.core.models import Job, Membership, Organization, OrgQuerySet
from ameliora.plans.models import ActionPlan

SITUATION_TRANSITION_REFUSED = _("A learning situation cannot go from “%(current)s” to “%(wanted)s”.")
SITUATION_FROZEN = _("The debrief is signed: this learning situation can no longer change.")
SELF_CRITIQUE_LOCKED = _("The self-critique was submitted: ask your supervisor to send it back to change it.")
SELF_CRITIQUE_INCOMPLETE = _("Answer every question before submitting the self-critique.")
DEBRIEF_NOT_READY = _("The debrief can be written once the self-critique is submitted.")
DEBRIEF_INCOMPLETE = _("Write the supervisor's view and the agreed goals before signing.")
ALREADY_SIGNED = _("You already signed this debrief.")
NOT_A_SIGNATORY = _("Only the learner and the supervisor sign the debrief.")
END_BEFORE_START = _("The end date cannot be before the start date.")
SUPERVISOR_IS_LEARNER = _("The learner cannot be their own supervisor.")
NOT_A_SUPERVISOR = _("Choose a member who may supervise (supervisor, quality manager or administrator).")


class LearningSituation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Self-critique in progress")
        SUBMITTED = "submitted", _("Submitted for debrief")
        DEBRIEFED = "debriefed", _("Debriefed")

    # The one declaration of the workflow: a signed debrief freezes the situation for good.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.SUBMITTED}),
        Status.SUBMITTED: frozenset({Status.DRAFT, Status.DEBRIEFED}),
        Status.DEBRIEFED: frozenset(),
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("learner"))
    supervisor = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervisor"),
        help_text=_("The internship supervisor or the pharmacist who will debrief."),
    )
    title = models.CharField(_("title"), max_length=200)
    context = models.TextField(_("context"), blank=True, help_text=_("What the situation was about, in a few lines."))
    period_start = models.DateField(_("start date"), null=True, blank=True, validators=[check_plausible_date])
    period_end = models.DateField(_("end date"), null=True, blank=True, validators=[check_plausible_date])
    # Under the documented exception to the arrows: learning reads the campaign's results.
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("self-assessment campaign"),
    )
    plans = models.ManyToManyField(ActionPlan, blank=True, related_name="+", verbose_name=_("action plans"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    debriefed_at = models.DateTimeField(_("debriefed at"), null=True, blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[plans])

    objects: ClassVar[OrgQuerySet[LearningSituation]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("learning situation")
        verbose_name_plural = _("learning situations")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="learning_situation_end_after_start",
                violation_error_message=END_BEFORE_START,
            ),
            # Nobody debriefs and signs their own situation as supervisor.
            models.CheckConstraint(
                condition=~Q(supervisor=models.F("learner")),
                name="learning_situation_supervisor_not_learner",
                violation_error_message=SUPERVISOR_IS_LEARNER,
            ),
        ]
        indexes = [
            # "My situations" for a learner and for a supervisor.
            models.Index(fields=["organization", "learner"]),
            models.Index(fields=["organization", "supervisor"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "learning:situation_detail", kwargs={"org_slug": self.organization.slug, "situation_id": self.pk}
        )

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": END_BEFORE_START})

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.DEBRIEFED

    def move_to(self, wanted: str) -> list[str]:
        """Change status if the workflow allows it; return the fields to save."""
        if wanted not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                SITUATION_TRANSITION_REFUSED
                % {"current": self.get_status_display(), "wanted": dict(self.Status.choices).get(wanted, wanted)},
                code="situation_transition",
            )
        self.status = wanted
        fields = ["status"]
        if wanted == self.Status.SUBMITTED:
            self.submitted_at = timezone.now()
            fields.append("submitted_at")
        elif wanted == self.Status.DEBRIEFED:
            self.debriefed_at = timezone.now()
            fields.append("debriefed_at")
        return fields


QUESTION_LABELS = {
    "knew": _("What did I know?"),
    "needed_to_know": _("What would I have needed to know?"),
    "went_well": _("What went well? What am I satisfied with?"),
    "was_harder": _("What was harder? What were my difficulties, and why?"),
    "to_improve": _("What must I improve in my knowledge, skills and attitude, and how will I get there?"),
    "progress": _("How have I progressed through this learning situation?"),
}


class SelfCritique(models.Model):
    """The learner's answers to the guided questions; every saved draft stays in the history."""

    QUESTIONS: ClassVar[tuple[str, ...]] = (
        "knew",
        "needed_to_know",
        "went_well",
        "was_harder",
        "to_improve",
        "progress",
    )

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    situation = models.OneToOneField(LearningSituation, on_delete=models.CASCADE, related_name="self_critique")
    knew = models.TextField(QUESTION_LABELS["knew"], blank=True)
    needed_to_know = models.TextField(QUESTION_LABELS["needed_to_know"], blank=True)
    went_well = models.TextField(QUESTION_LABELS["went_well"], blank=True)
    was_harder = models.TextField(QUESTION_LABELS["was_harder"], blank=True)
    to_improve = models.TextField(QUESTION_LABELS["to_improve"], blank=True)
    progress = models.TextField(QUESTION_LABELS["progress"], blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[SelfCritique]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("self-critique")
        verbose_name_plural = _("self-critiques")

    def __str__(self) -> str:
        return str(self.situation)

    def answers(self) -> list[tuple[str, str]]:
        """(question, answer) in the order of the guide."""
        return [(str(QUESTION_LABELS[name]), getattr(self, name)) for name in self.QUESTIONS]

    @property
    def is_complete(self) -> bool:
        return all(getattr(self, name).strip() for name in self.QUESTIONS)


class Debrief(models.Model):
    """The supervisor's view, the progress goals and means agreed together, and both signatures."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    situation = models.OneToOneField(LearningSituation, on_delete=models.CASCADE, related_name="debrief")
    supervisor_view = models.TextField(
        _("Supervisor's view"),
        blank=True,
        help_text=_("What the learner did well, what to nuance in the self-critique."),
    )
    agreed_goals = models.TextField(_("Progress goals agreed together"), blank=True)
    means = models.TextField(_("Means to reach them"), blank=True)
    debrief_date = models.DateField(_("date of the debrief"), null=True, blank=True, validators=[check_plausible_date])
    written_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    learner_signed_at = models.DateTimeField(_("signed by the learner on"), null=True, blank=True)
    learner_signed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    supervisor_signed_at = models.DateTimeField(_("signed by the supervisor on"), null=True, blank=True)
    supervisor_signed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Debrief]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("debrief")
        verbose_name_plural = _("debriefs")

    def __str__(self) -> str:
        return str(self.situation)

    @property
    def is_signed(self) -> bool:
        return self.learner_signed_at is not None and self.supervisor_signed_at is not None

    @property
    def is_complete(self) -> bool:
        return bool(self.supervisor_view.strip() and self.agreed_goals.strip())


class Competency(models.Model):
    """One competency of the organization's framework (installed from a built-in starter, then edited)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("code"), max_length=20)
    area = models.CharField(_("area"), max_length=120, help_text=_("e.g. “Quality and risk management”."))
    title = models.CharField(_("competency"), max_length=300)
    description = models.TextField(_("what it looks like in practice"), blank=True)
    position = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Competency]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["position", "code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="competency_unique_code_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class Level(models.IntegerChoices):
    NOVICE = 1, _("1 — Beginner")
    DEVELOPING = 2, _("2 — Developing")
    ACQUIRED = 3, _("3 — Acquired")
    PROFICIENT = 4, _("4 — Proficient")


# Below this level a competency is a gap to work on.
EXPECTED_LEVEL = Level.ACQUIRED


class CompetencyRating(models.Model):
    """A level given to a competency mobilised in a situation, by the learner or by the supervisor."""

    class Rater(models.TextChoices):
        SELF = "self", _("Self-rating")
        SUPERVISOR = "supervisor", _("Supervisor")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    situation = models.ForeignKey(LearningSituation, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="ratings")
    rater = models.CharField(_("rated by"), max_length=20, choices=Rater.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    rated_on = models.DateField(_("date"), default=timezone.localdate)
    rated_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[CompetencyRating]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("competency rating")
        verbose_name_plural = _("competency ratings")
        ordering = ["competency__position", "competency__code", "rater"]
        constraints = [
            models.UniqueConstraint(
                fields=["situation", "competency", "rater"], name="rating_once_per_situation_competency_rater"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="rating_level_1_to_4"),
        ]
        indexes = [
            # The competency dashboard of one learner: ratings by competency over time.
            models.Index(fields=["competency", "rated_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.competency_id} {self.rater} {self.level}"


class TrainingNeed(models.Model):
    """One line of the competence development plan: a need identified, the training planned for it, then done."""

    class Origin(models.TextChoices):
        DEBRIEF = "debrief", _("Debrief")
        ASSESSMENT = "assessment", _("Self-assessment")
        EVENT = "event", _("Adverse event")
        EVALUATION = "evaluation", _("Practice evaluation")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        PLANNED = "planned", _("Training planned")
        DONE = "done", _("Training done")
        DROPPED = "dropped", _("Dropped")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.IDENTIFIED: frozenset({Status.PLANNED, Status.DROPPED}),
        Status.PLANNED: frozenset({Status.DONE, Status.IDENTIFIED, Status.DROPPED}),
        Status.DONE: frozenset({Status.PLANNED}),
        Status.DROPPED: frozenset({Status.IDENTIFIED}),
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("who"))
    need = models.CharField(
        _("need"), max_length=300, help_text=_("What must be learnt, e.g. “weighing checks of preparations”.")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("competency")
    )
    origin = models.CharField(_("identified from"), max_length=12, choices=Origin.choices, default=Origin.OTHER)
    situation = models.ForeignKey(
        LearningSituation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_needs",
        verbose_name=_("learning situation"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IDENTIFIED)
    training = models.CharField(_("training"), max_length=200, blank=True)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    planned_on = models.DateField(_("planned on"), null=True, blank=True, validators=[check_plausible_date])
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[check_plausible_date])
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[TrainingNeed]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")
        ordering = ["status", "planned_on", "-created_at"]
        indexes = [
            # The plan's list, filtered by status; a member's own needs.
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["member", "status"]),
        ]

    def __str__(self) -> str:
        return self.need

    def allowed_transitions(self) -> list[str]:
        return [s for s in self.Status.values if s in self.TRANSITIONS[self.status]]

    def move_to(self, wanted: str) -> None:
        if wanted not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                _("A training need cannot go from “%(current)s” to “%(wanted)s”."),
                code="transition",
                params={"current": self.get_status_display(), "wanted": self.Status(wanted).label},
            )
        if wanted == self.Status.PLANNED and not self.training:
            raise ValidationError({"training": _("Name the training before planning it.")}, code="no_training")
        self.status = wanted
        if wanted == self.Status.DONE and self.done_on is None:
            self.done_on = timezone.localdate()
        if wanted != self.Status.DONE:
            self.done_on = None


class DossierExport(models.Model):
    """Which situation and format a REX dossier job renders (the job itself lives in core)."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="+")
    situation = models.ForeignKey(LearningSituation, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The language of the page it was asked from: the worker has no request to read it from.
    language = models.CharField(max_length=10, default="fr")

    objects: ClassVar[OrgQuerySet[DossierExport]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("dossier export")
        verbose_name_plural = _("dossier exports")

    def __str__(self) -> str:
        return str(self.job_id)
