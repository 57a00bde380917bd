"""Practice evaluations (EPP): clinical audits answered case by case, and structured reviews.

An audit is a list of criteria answered yes / no / not applicable for each observed case (a record,
a prescription, a preparation). Compliance per criterion is yes ÷ (yes + no). A second round copies
the criteria and points back at the first (``previous``) so the results can be compared.

Case reviews (RMM), patient tracers and peer reviews are structured write-ups on the same model, each
method with its own fields (RMM: case summary, chronology, avoidability and why, lessons; tracer: the path
followed step by step, professionals met, strengths, weaknesses; peer review: practice reviewed, reference,
peers, agreements, divergences, changes agreed); ``forms.WRITEUP_FORMS`` asks for them per method. Cases carry a
label such as "Ordonnance 12", never a patient's identity.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ameliora.core.dates import check_plausible_date
from ameliora.core.models import Membership, Organization, OrgQuerySet

NOT_COLLECTING = _("Cases are recorded while the evaluation is in progress.")
BAD_STEPS = _("Each step of the path needs a place or moment and what was observed.")
PERIOD_IN_ORDER = _("The end cannot be before the start.")
STEP_KEYS = ("place", "observed", "gaps")


def _valid_steps(steps: object) -> bool:
    """A patient tracer's path: a list of {"place", "observed", "gaps"} strings, the first two filled in."""
    if not isinstance(steps, list):
        return False
    return all(
        isinstance(step, dict)
        and set(step) == set(STEP_KEYS)
        and all(isinstance(step[key], str) for key in STEP_KEYS)
        and step["place"].strip()
        and step["observed"].strip()
        for step in steps
    )


class Evaluation(models.Model):
    class Method(models.TextChoices):
        AUDIT = "audit", _("Clinical audit (criteria per case)")
        CASE_REVIEW = "case_review", _("Case review / RMM")
        PATIENT_TRACER = "patient_tracer", _("Patient tracer")
        PEER_REVIEW = "peer_review", _("Peer review")

    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        IN_PROGRESS = "in_progress", _("Collecting")
        CLOSED = "closed", _("Results")

    class Avoidability(models.TextChoices):
        AVOIDABLE = "avoidable", _("Avoidable")
        NOT_AVOIDABLE = "not_avoidable", _("Not avoidable")
        UNCERTAIN = "uncertain", _("Uncertain")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.IN_PROGRESS}),
        Status.IN_PROGRESS: frozenset({Status.DRAFT, Status.CLOSED}),
        Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.AUDIT)
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True, help_text=_("What practice is evaluated, and why."))
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    planned_sample = models.PositiveIntegerField(
        _("planned sample"), null=True, blank=True, help_text=_("How many cases the audit will observe, e.g. 30.")
    )
    period_start = models.DateField(_("start"), null=True, blank=True, validators=[check_plausible_date])
    period_end = models.DateField(_("end"), null=True, blank=True, validators=[check_plausible_date])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_rounds",
        verbose_name=_("previous round"),
    )
    case_summary = models.TextField(_("case summary"), blank=True)
    chronology = models.TextField(_("chronology"), blank=True)
    avoidability = models.CharField(_("avoidable?"), max_length=15, choices=Avoidability.choices, blank=True)
    avoidability_reason = models.TextField(_("why (avoidable or not)"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    # Patient tracer: the path followed, step by step ({"place", "observed", "gaps"} each), and who was met.
    tracer_steps = models.JSONField(_("path steps followed"), default=list, blank=True)
    professionals_met = models.TextField(_("professionals met"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    # Peer review: the practice reviewed against a reference, by whom, and what the peers concluded.
    practice_reviewed = models.CharField(_("topic or practice reviewed"), max_length=200, blank=True)
    reference_used = models.TextField(_("reference used"), blank=True)
    peers_involved = models.TextField(_("peers involved"), blank=True)
    agreements = models.TextField(_("points of agreement"), blank=True)
    divergences = models.TextField(_("divergences"), blank=True)
    changes_agreed = models.TextField(_("practice changes agreed"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Evaluation]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("practice evaluation")
        verbose_name_plural = _("practice evaluations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True)
                | models.Q(period_start__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="evaluation_period_in_order",
                violation_error_message=PERIOD_IN_ORDER,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluations:detail", kwargs={"org_slug": self.organization.slug, "evaluation_id": self.pk})

    @property
    def is_audit(self) -> bool:
        return self.method == self.Method.AUDIT

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": PERIOD_IN_ORDER})
        if not _valid_steps(self.tracer_steps):
            raise ValidationError({"tracer_steps": BAD_STEPS})
        if self.tracer_steps and self.method != self.Method.PATIENT_TRACER:
            raise ValidationError({"tracer_steps": _("Only a patient tracer follows a path step by step.")})

    def allowed_transitions(self) -> list[str]:
        return [s for s in self.Status.values if s in self.TRANSITIONS[self.status]]

    def move_to(self, wanted: str) -> None:
        if wanted not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                _("An evaluation cannot go from “%(current)s” to “%(wanted)s”."),
                code="transition",
                params={"current": self.get_status_display(), "wanted": self.Status(wanted).label},
            )
        self.status = wanted
        self.closed_at = timezone.now() if wanted == self.Status.CLOSED else None


class Criterion(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(_("order"), default=0)
    statement = models.CharField(_("criterion"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit criterion")
        verbose_name_plural = _("audit criteria")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.statement


class AuditCase(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="cases")
    label = models.CharField(
        _("case"), max_length=60, help_text=_("A number or short label, e.g. “Ordonnance 12”: never a patient's name.")
    )
    observed_on = models.DateField(_("observed on"), default=timezone.localdate)
    observer = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("observer")
    )
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[AuditCase]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("audited case")
        verbose_name_plural = _("audited cases")
        ordering = ["-observed_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "label"], name="audit_case_label_once")]

    def __str__(self) -> str:
        return self.label


class CaseAnswer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NOT_APPLICABLE = "na", _("N/A")

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="answers")
    value = models.CharField(_("answer"), max_length=3, choices=Value.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case answer")
        verbose_name_plural = _("case answers")
        constraints = [models.UniqueConstraint(fields=["case", "criterion"], name="case_answer_once")]

    def __str__(self) -> str:
        return f"{self.case} / {self.criterion}: {self.get_value_display()}"
