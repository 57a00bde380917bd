"""Process map (cartographie des processus) and the a-priori risk register of each process.

Three families of processes (ISO 9001 practice): management (pilotage), operational (réalisation)
and support. Each has a pilot. Each risk scores severity x likelihood = criticity (1-25), before and
after existing controls; the zone (acceptable / under control / unacceptable) follows thresholds
each organization may set (:class:`RiskSettings`, with the defaults below).
A process lists the indicators that follow it (``Process.indicators``); risks are reduced by plan
actions linked to them through ``core.models.Link``.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ameliora.core.models import Membership, Organization, OrgQuerySet
from ameliora.core.scales import Likelihood, Severity
from ameliora.indicators.models import Indicator

# Defaults of the three zones on the 1-25 scale: ≤ 4 acceptable as is, ≥ 12 unacceptable.
DEFAULT_ACCEPTABLE_MAX = 4
DEFAULT_UNACCEPTABLE_MIN = 12
THRESHOLDS_ORDER = _("The acceptable maximum must be below the unacceptable minimum.")
RESIDUAL_BOTH = _("Give both residual severity and residual likelihood, or neither.")
SCORES_1_TO_5 = _("Severity and likelihood each go from 1 to 5.")

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Zone(models.TextChoices):
    ACCEPTABLE = "acceptable", _("Acceptable as is")
    UNDER_CONTROL = "under_control", _("Acceptable under control")
    UNACCEPTABLE = "unacceptable", _("Unacceptable: act now")


class Process(models.Model):
    class Kind(models.TextChoices):
        MANAGEMENT = "management", _("Management")
        OPERATIONAL = "operational", _("Operational")
        SUPPORT = "support", _("Support")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("family"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    pilot = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("pilot")
    )
    purpose = models.TextField(_("purpose"), blank=True)
    beginning = models.CharField(_("begins with"), max_length=300, blank=True)
    end = models.CharField(_("ends with"), max_length=300, blank=True)
    inputs = models.TextField(_("inputs"), blank=True)
    outputs = models.TextField(_("outputs"), blank=True)
    position = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Order in its band; operational processes are drawn as a flow.")
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="processes", verbose_name=_("indicators of the process")
    )
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Process]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["kind", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="process_unique_code_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("processes:process_detail", kwargs={"org_slug": self.organization.slug, "process_id": self.pk})


class RiskSettings(models.Model):
    """The organization's zone thresholds on the criticity scale (local choices, per the HAS guides)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    acceptable_max = models.PositiveSmallIntegerField(
        _("acceptable up to"), default=DEFAULT_ACCEPTABLE_MAX, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    unacceptable_min = models.PositiveSmallIntegerField(
        _("unacceptable from"),
        default=DEFAULT_UNACCEPTABLE_MIN,
        validators=[MinValueValidator(2), MaxValueValidator(25)],
    )
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[RiskSettings]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("risk zone thresholds")
        verbose_name_plural = _("risk zone thresholds")
        constraints = [
            models.CheckConstraint(
                condition=Q(acceptable_max__lt=F("unacceptable_min")),
                name="risk_thresholds_order",
                violation_error_message=THRESHOLDS_ORDER,
            ),
        ]

    def __str__(self) -> str:
        return f"≤{self.acceptable_max} / ≥{self.unacceptable_min}"

    def clean(self) -> None:
        if self.acceptable_max >= self.unacceptable_min:
            raise ValidationError(THRESHOLDS_ORDER)

    def zone(self, criticity: int | None) -> str | None:
        if criticity is None:
            return None
        if criticity <= self.acceptable_max:
            return Zone.ACCEPTABLE
        if criticity >= self.unacceptable_min:
            return Zone.UNACCEPTABLE
        return Zone.UNDER_CONTROL

    @classmethod
    def for_org(cls, organization: Organization) -> RiskSettings:
        """The saved thresholds, or unsaved defaults (nothing is written when reading)."""
        found = cls.objects.filter(organization=organization).first()
        return found or cls(organization=organization)


class Risk(models.Model):
    """One line of the risk register. Criticities are stored (for queries and the heat map) and the
    database checks that they are the products of their scores."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="risks")
    hazard = models.CharField(_("hazard (what could go wrong)"), max_length=300)
    consequence = models.TextField(_("consequence"), blank=True)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, validators=SCORE)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=Likelihood.choices, validators=SCORE)
    criticity = models.PositiveSmallIntegerField(_("criticity"), editable=False)
    existing_controls = models.TextField(_("existing controls"), blank=True)
    residual_severity = models.PositiveSmallIntegerField(
        _("residual severity"), choices=Severity.choices, validators=SCORE, null=True, blank=True
    )
    residual_likelihood = models.PositiveSmallIntegerField(
        _("residual likelihood"), choices=Likelihood.choices, validators=SCORE, null=True, blank=True
    )
    residual_criticity = models.PositiveSmallIntegerField(_("residual criticity"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Risk]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-criticity", "hazard"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5, likelihood__gte=1, likelihood__lte=5),
                name="risk_scores_1_to_5",
                violation_error_message=SCORES_1_TO_5,
            ),
            models.CheckConstraint(
                condition=Q(criticity=F("severity") * F("likelihood")), name="risk_criticity_is_product"
            ),
            models.CheckConstraint(
                condition=Q(
                    residual_severity__isnull=True, residual_likelihood__isnull=True, residual_criticity__isnull=True
                )
                | Q(residual_criticity=F("residual_severity") * F("residual_likelihood")),
                name="risk_residual_criticity_is_product",
            ),
        ]
        indexes = [
            # The organization-wide heat map counts risks by (severity, likelihood).
            models.Index(fields=["organization", "severity", "likelihood"]),
        ]

    def __str__(self) -> str:
        return self.hazard

    def get_absolute_url(self) -> str:
        return reverse("processes:risk_edit", kwargs={"org_slug": self.organization.slug, "risk_id": self.pk})

    def clean(self) -> None:
        if (self.residual_severity is None) != (self.residual_likelihood is None):
            raise ValidationError(RESIDUAL_BOTH)

    def score(self) -> list[str]:
        """Compute both criticities from the scores; returns the fields it set."""
        self.criticity = self.severity * self.likelihood
        if self.residual_severity is not None and self.residual_likelihood is not None:
            self.residual_criticity = self.residual_severity * self.residual_likelihood
        else:
            self.residual_criticity = None
        return ["criticity", "residual_criticity"]
