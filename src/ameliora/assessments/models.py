"""Self-assessment: grids (referentials), campaigns and answers.

Grids belong to an organization. The built-in grids are YAML files shipped with the code
(``assessments/grids/``); an organization *installs* one, which copies it into its own rows. So an
organization can adapt its copy (wording, weights, criteria) without touching anyone else's, and a
new edition of a built-in grid never changes a campaign already run. A grid used by a campaign has
a frozen structure (its answers copied the criteria) and, once the campaign opens, frozen wording:
to change it, make a new version (same ``key``), in the app or by importing YAML. The comparison
between campaigns matches criteria by code across versions of the same key.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ameliora.assessments import scales
from ameliora.core.models import Membership, Organization, OrgQuerySet

TRANSITION_REFUSED = _("A campaign that is “%(status)s” cannot be “%(action)s”.")
CAMPAIGN_FROZEN = _("This campaign is closed: its answers can no longer change.")
GRID_LOCKED = _("This grid is used by a campaign: import a new version to change it.")
WEIGHT_AT_LEAST_1 = _("A weight is a whole number, 1 or more.")


class Grid(models.Model):
    """A referential: sections of criteria answered on a scale. ``key`` + ``version`` name it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    key = models.SlugField(_("identifier"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=30)
    source = models.CharField(_("source"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    kinds = models.JSONField(_("applicable organization kinds"), default=list, blank=True)
    answer_scale = models.CharField(_("answer scale"), max_length=20, choices=scales.Scale.choices)
    answer_weights = models.JSONField(_("worth of each answer"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Grid]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key", "version"], name="grid_unique_version_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    def get_absolute_url(self) -> str:
        return reverse("assessments:grid_detail", kwargs={"org_slug": self.organization.slug, "grid_id": self.pk})

    def is_locked(self) -> bool:
        """Wording is frozen once a campaign has opened on this grid."""
        return Campaign.objects.filter(grid=self).exclude(status=Campaign.Status.DRAFT).exists()

    def has_campaigns(self) -> bool:
        """Structure is frozen once any campaign (even a draft) copied the criteria into answers."""
        return Campaign.objects.filter(grid=self).exists()

    def kind_labels(self) -> list[str]:
        return [str(Organization.Kind(k).label) for k in self.kinds if k in Organization.Kind.values]


class Section(models.Model):
    """A theme or chapter of a grid, in order."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Section]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["grid", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["grid", "code"], name="section_unique_code_per_grid")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Criterion(models.Model):
    class Level(models.TextChoices):
        STANDARD = "standard", _("Standard")
        IMPERATIVE = "imperative", _("Imperative")
        ADVANCED = "advanced", _("Advanced")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=30)
    statement = models.TextField(_("statement"))
    guidance = models.TextField(_("guidance"), blank=True)
    expected_evidence = models.TextField(_("expected evidence"), blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    kinds = models.JSONField(_("applicable organization kinds"), default=list, blank=True)
    answer_scale = models.CharField(_("answer scale"), max_length=20, choices=scales.Scale.choices, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Criterion]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["section__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "code"], name="criterion_unique_code_per_grid"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1),
                name="criterion_weight_positive",
                violation_error_message=WEIGHT_AT_LEAST_1,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.statement[:80]}"

    def get_absolute_url(self) -> str:
        return reverse(
            "assessments:criterion_detail", kwargs={"org_slug": self.organization.slug, "criterion_id": self.pk}
        )

    def scale_for(self, grid: Grid) -> str:
        return self.answer_scale or grid.answer_scale

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class Campaign(models.Model):
    """One self-assessment run of a grid over a period. Closed means frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    # action → (states it may start from, state it leads to). The only place transitions are declared.
    TRANSITIONS: ClassVar[dict[str, tuple[frozenset[str], str]]] = {
        "open": (frozenset({Status.DRAFT}), Status.OPEN),
        "close": (frozenset({Status.OPEN}), Status.CLOSED),
    }
    ACTION_LABELS: ClassVar[dict[str, Any]] = {"open": _("opened"), "close": _("closed")}

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous campaign (baseline)"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    opened_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Campaign]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="campaign_period_in_order"
            ),
        ]
        indexes = [
            # "The previous campaign on the same grid": campaigns of one organization by grid, latest first.
            models.Index(fields=["organization", "grid", "period_start"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "assessments:campaign_detail", kwargs={"org_slug": self.organization.slug, "campaign_id": self.pk}
        )

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.CLOSED

    def allows(self, action: str) -> bool:
        allowed_from, _target = self.TRANSITIONS[action]
        return self.status in allowed_from

    def _move(self, action: str) -> list[str]:
        if not self.allows(action):
            raise ValidationError(
                TRANSITION_REFUSED,
                code="transition",
                params={"status": self.get_status_display(), "action": self.ACTION_LABELS[action]},
            )
        self.status = self.TRANSITIONS[action][1]
        return ["status"]

    def open(self, *, by: Membership) -> list[str]:
        fields = self._move("open")
        self.opened_by = by
        self.opened_at = timezone.now()
        return [*fields, "opened_by", "opened_at"]

    def close(self, *, by: Membership) -> list[str]:
        fields = self._move("close")
        self.closed_by = by
        self.closed_at = timezone.now()
        return [*fields, "closed_by", "closed_at"]


class Respondent(models.Model):
    """A member asked to answer a campaign: every section, or only the chosen ones."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="respondents")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    sections = models.ManyToManyField(Section, blank=True, related_name="+", verbose_name=_("sections"))
    history = HistoricalRecords(m2m_fields=[sections])

    objects: ClassVar[OrgQuerySet[Respondent]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "membership"], name="respondent_unique_per_campaign"),
        ]

    def __str__(self) -> str:
        return str(self.membership.user)


class Answer(models.Model):
    """The answer to one criterion in one campaign. Created for every applicable criterion at once."""

    class Status(models.TextChoices):
        TO_ANSWER = "to_answer", _("To answer")
        DRAFT = "draft", _("Draft")
        ANSWERED = "answered", _("Answered")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TO_ANSWER)
    value = models.CharField(_("answer"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # What the previous campaign answered, copied when this one was started from it.
    baseline_value = models.CharField(_("previous answer"), max_length=20, blank=True)
    baseline_comment = models.TextField(_("previous comment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Answer]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["criterion__section__position", "criterion__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "criterion"], name="answer_unique_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} — {self.campaign}"

    def get_absolute_url(self) -> str:
        return reverse(
            "assessments:answer_detail",
            kwargs={"org_slug": self.organization.slug, "campaign_id": self.campaign_id, "answer_id": self.pk},
        )


class CampaignExport(models.Model):
    """What a background export job must produce (the core ``Job`` carries no parameters).

    A delivery record like ``Job`` itself: no history.
    """

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    job = models.OneToOneField("core.Job", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=5, choices=Format.choices)

    objects: ClassVar[OrgQuerySet[CampaignExport]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"{self.campaign} ({self.format})"
