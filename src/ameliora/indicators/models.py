"""Indicators: definitions, one measurement per period, phases and annotations.

Invariants held by the database: one measurement per indicator and period, positive
denominators, non-negative numerators. Invariants that depend on the kind (a proportion needs a
numerator not above its denominator, a yes/no value is 0 or 1, a period starts on its first
day) are checked by :meth:`Measurement.check_for` and the services, which every entry path uses.

The status shown on the list is *stored* (``Indicator.status``), refreshed by the services after
every write that changes the analysis (see :func:`ameliora.indicators.services.refresh_status`):
filtering a paginated list by status needs it in the database, and the list then costs a fixed
number of queries whatever the number of indicators. "Data due" depends on today's date, so it is
derived at read time from the stored ``last_period_start`` (:meth:`IndicatorQuerySet.with_due`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import ClassVar, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ameliora.core.dates import check_plausible_date, is_plausible, out_of_range_message
from ameliora.core.figures import NO_VALUE, format_figure, format_target
from ameliora.core.models import Membership, Organization, OrgQuerySet
from ameliora.indicators.periods import Periodicity, due_threshold, is_period_start
from ameliora.indicators.sources import get_source
from ameliora.plans.models import Objective

NUMERATOR_ABOVE_DENOMINATOR = _("The numerator cannot be greater than the denominator for a proportion.")
NEEDS_NUMERATOR_AND_DENOMINATOR = _("Enter both the numerator and the denominator.")
NEEDS_VALUE = _("Enter a value.")
YES_NO_VALUE = _("A yes/no indicator takes 1 (yes) or 0 (no).")
COUNT_VALUE = _("A count is a whole number, zero or more.")
MULTIPLIER_AT_LEAST_1 = _("The multiplier is 1 or more (1, 100, 1000…).")
NOT_PERIOD_START = _("A period of this indicator starts on %(expected)s, not on %(given)s.")


class Kind(models.TextChoices):
    YES_NO = "yes_no", _("Yes/no (milestone)")
    COUNT = "count", _("Count")
    PROPORTION = "proportion", _("Proportion")
    RATE = "rate", _("Rate")
    MEASUREMENT = "measurement", _("Measurement")


class IndicatorType(models.TextChoices):
    STRUCTURE = "structure", _("Structure")
    PROCESS = "process", _("Process")
    OUTCOME = "outcome", _("Outcome")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class ChartKind(models.TextChoices):
    AUTO = "", _("Default for the kind")
    RUN = "run", _("Run chart")
    I = "i", _("Individuals (I) chart")  # noqa: E741 — the chart's name
    C = "c", _("C chart (counts)")
    U = "u", _("U chart (rates)")
    P = "p", _("P chart (proportions)")
    PP = "pp", _("P′ chart (Laney, large denominators)")
    UP = "up", _("U′ chart (Laney, large denominators)")


class RuleSet(models.TextChoices):
    ANHOEJ = "anhoej", _("Anhøj run-chart rules (qicharts2)")
    NHS = "nhs", _("NHS “Making Data Count” rules")


class Status(models.TextChoices):
    NO_DATA = "no_data", _("No data")
    ON_TARGET = "on_target", _("On target")
    IMPROVING = "improving", _("Improving")
    CONCERNING = "concerning", _("Concerning")
    STABLE = "stable", _("Stable")
    DATA_DUE = "data_due", _("Data due")  # derived at read time, never stored


MANUAL_SOURCE = ""

#: Chart drawn when the indicator does not choose one.
DEFAULT_CHART: dict[str, str] = {
    Kind.YES_NO: "",  # a milestone timeline, no statistics
    Kind.COUNT: "c",
    Kind.PROPORTION: "p",
    Kind.RATE: "u",
    Kind.MEASUREMENT: "i",
}

#: Chart types that make sense for each kind (the form offers these only).
ALLOWED_CHARTS: dict[str, frozenset[str]] = {
    Kind.YES_NO: frozenset({""}),
    Kind.COUNT: frozenset({"", "c", "run", "i"}),
    Kind.PROPORTION: frozenset({"", "p", "pp", "run"}),
    Kind.RATE: frozenset({"", "u", "up", "run"}),
    Kind.MEASUREMENT: frozenset({"", "i", "run"}),
}


class IndicatorQuerySet(OrgQuerySet["Indicator"]):
    def active(self) -> Self:
        return self.filter(active=True)

    def due_q(self, today: date) -> Q:
        """Active indicators whose next period ended (plus a grace delay) without a value."""
        late = Q()
        for periodicity in Periodicity.values:
            late |= Q(periodicity=periodicity, last_period_start__lte=due_threshold(today, periodicity))
        return Q(active=True) & late

    def with_status(self, status: str, today: date) -> Self:
        """Filter on the status shown on the list (stored status, overridden by "data due")."""
        due = self.due_q(today)
        if status == Status.DATA_DUE:
            return self.filter(due)
        if status == Status.CONCERNING:
            return self.filter(status=status)
        return self.filter(status=status).exclude(due)


class Indicator(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    indicator_type = models.CharField(
        _("indicator type"), max_length=20, choices=IndicatorType.choices, default=IndicatorType.PROCESS
    )
    description = models.TextField(_("what it measures and why"), blank=True)
    numerator_definition = models.TextField(_("numerator (what is counted)"), blank=True)
    denominator_definition = models.TextField(_("denominator (the population or exposure)"), blank=True)
    exclusions = models.TextField(_("exclusions"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("e.g. days, errors, %"))
    multiplier = models.PositiveIntegerField(
        _("rate per"), default=1000, help_text=_("Rates only: events per this many units of exposure.")
    )
    data_source = models.CharField(
        _("data source"), max_length=80, blank=True, default=MANUAL_SOURCE, help_text=_("Empty: entered by hand.")
    )
    source_parameter = models.CharField(
        _("data source filter"),
        max_length=80,
        blank=True,
        help_text=_("What the computed source is narrowed to (e.g. a questionnaire); empty: all."),
    )
    owner = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_indicators",
        verbose_name=_("owner"),
    )
    periodicity = models.CharField(_("periodicity"), max_length=10, choices=Periodicity.choices)
    direction = models.CharField(_("direction of improvement"), max_length=4, choices=Direction.choices)
    target_value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=4, null=True, blank=True, help_text=_("On the displayed scale.")
    )
    target_date = models.DateField(_("target date"), null=True, blank=True, validators=[check_plausible_date])
    alert_threshold = models.DecimalField(
        _("alert threshold"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A value beyond this (in the wrong direction) makes the indicator concerning."),
    )
    chart = models.CharField(_("chart"), max_length=5, choices=ChartKind.choices, blank=True, default="")
    rules = models.CharField(_("special-cause rules"), max_length=10, choices=RuleSet.choices, default=RuleSet.ANHOEJ)
    # The frozen baseline (qicharts2's ``freeze``) is stored as its last period; the number of baseline
    # points is derived from the measurements (see ``baseline_points``), so that it stays the same
    # baseline when later periods are added.
    freeze_until = models.DateField(
        _("baseline frozen up to"),
        null=True,
        blank=True,
        help_text=_(
            "The centre line and limits are computed from the periods up to this one and extended over "
            "the later ones, which are tested against them. Empty: computed from every period of the phase."
        ),
        validators=[check_plausible_date],
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to retire the indicator."))
    objectives = models.ManyToManyField(
        Objective,
        blank=True,
        related_name="indicators",
        verbose_name=_("objectives measured"),
        help_text=_("The action-plan objectives whose target this indicator measures."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Cached analysis, refreshed by services.refresh_status after each write (see module docstring).
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NO_DATA)
    last_period_start = models.DateField(_("last period"), null=True, blank=True)
    last_value = models.FloatField(_("last value"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["status", "last_period_start", "last_value"])

    objects: ClassVar[IndicatorQuerySet] = IndicatorQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="indicator_unique_name_per_org"),
            models.CheckConstraint(
                condition=Q(multiplier__gte=1),
                name="indicator_multiplier_positive",
                violation_error_message=MULTIPLIER_AT_LEAST_1,
            ),
        ]
        indexes = [
            # The list's status filter and the dashboard card: an organization's indicators by status.
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("indicators:detail", kwargs={"org_slug": self.organization.slug, "indicator_id": self.pk})

    @property
    def uses_ratio(self) -> bool:
        return self.kind in {Kind.PROPORTION, Kind.RATE}

    @property
    def chart_type(self) -> str:
        """The chart drawn: the override if it suits the kind, else the kind's default."""
        if self.chart and self.chart in ALLOWED_CHARTS[self.kind]:
            return self.chart
        return DEFAULT_CHART[self.kind]

    @property
    def chart_label(self) -> str:
        return str(ChartKind(self.chart_type).label)

    @property
    def scale(self) -> float:
        """Factor from the engine's scale (a fraction, a rate per unit) to the displayed one."""
        if self.kind == Kind.PROPORTION:
            return 100.0
        if self.kind == Kind.RATE:
            return float(self.multiplier)
        return 1.0

    @property
    def display_unit(self) -> str:
        if self.kind == Kind.PROPORTION:
            return "%"
        if self.kind == Kind.RATE and not self.unit:
            return str(_("per %(multiplier)s") % {"multiplier": self.multiplier})
        return self.unit

    def value_label(self, value: float | None) -> str:
        """A value on the displayed scale as every page and export writes it ("63,2 %", "yes")."""
        if value is None or not math.isfinite(value):
            return NO_VALUE
        if self.kind == Kind.YES_NO:
            return str(_("yes") if value >= 0.5 else _("no"))
        return format_figure(value, self.display_unit)

    @property
    def last_value_label(self) -> str:
        return self.value_label(self.last_value)

    @property
    def target_label(self) -> str:
        """The target with its sense and unit ("≤ 21 jours", "≥ 75 %"), as pages and exports show it."""
        if self.kind == Kind.YES_NO and self.target_value is not None:
            return str(_("yes") if self.target_value >= Decimal("0.5") else _("no"))
        return format_target(self.target_value, at_most=self.direction == Direction.DOWN, unit=self.display_unit)

    @property
    def alert_label(self) -> str:
        """The alert threshold with its unit ("30 jours"), or "—"."""
        return format_figure(self.alert_threshold, self.display_unit)

    @property
    def is_computed(self) -> bool:
        return self.data_source != MANUAL_SOURCE

    def baseline_points(self, periods: Iterable[date]) -> int | None:
        """Number of baseline points among ``periods`` (those up to ``freeze_until``); ``None`` if not frozen."""
        if self.freeze_until is None:
            return None
        return sum(1 for period in periods if period <= self.freeze_until)

    @property
    def source_parameter_label(self) -> str:
        """What the computed source is narrowed to, as offered in the form ("" for all; the raw value if gone)."""
        source = get_source(self.data_source)
        if not self.source_parameter or source is None or source.parameter is None:
            return ""
        return dict(source.parameter_choices(self.organization)).get(self.source_parameter, self.source_parameter)

    def clean(self) -> None:
        if self.chart and self.chart not in ALLOWED_CHARTS.get(self.kind, frozenset()):
            raise ValidationError({"chart": _("This chart does not suit this kind of indicator.")})
        if self.kind == Kind.PROPORTION and self.target_value is not None and not 0 <= self.target_value <= 100:
            raise ValidationError({"target_value": _("A proportion's target is a percentage between 0 and 100.")})


class MeasurementQuerySet(OrgQuerySet["Measurement"]):
    pass


class Measurement(models.Model):
    """The value of an indicator for one period (keyed by the period's first day).

    Yes/no, count and measurement indicators use ``value``; proportions and rates use
    ``numerator`` and ``denominator`` (``value`` is then their ratio, kept for display and sorting).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period_start = models.DateField(_("period"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=14, decimal_places=4, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # An explained outlier (qicharts2's ``exclude``): still plotted, left out of the centre line and limits.
    excluded = models.BooleanField(_("excluded from the limits"), default=False)
    exclusion_reason = models.CharField(_("reason for the exclusion"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    history = HistoricalRecords()

    objects: ClassVar[MeasurementQuerySet] = MeasurementQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_start"], name="measurement_one_per_period"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0), name="measurement_denominator_positive"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0), name="measurement_numerator_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | (Q(numerator__isnull=False) & Q(denominator__isnull=False)),
                name="measurement_has_a_value",
            ),
            models.CheckConstraint(
                condition=Q(excluded=False) | ~Q(exclusion_reason=""), name="measurement_exclusion_explained"
            ),
        ]
        indexes = [models.Index(fields=["organization", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_start:%Y-%m-%d}"

    @staticmethod
    def check_for(
        indicator: Indicator,
        *,
        period_start: date,
        value: Decimal | None,
        numerator: Decimal | None,
        denominator: Decimal | None,
    ) -> dict[str, str]:
        """Errors (field → message) of a measurement of ``indicator``; empty when valid."""
        from ameliora.indicators.periods import period_start_of

        errors: dict[str, str] = {}
        if not is_plausible(period_start):
            errors["period_start"] = out_of_range_message()
        elif not is_period_start(period_start, indicator.periodicity):
            expected = period_start_of(period_start, indicator.periodicity)
            errors["period_start"] = str(
                NOT_PERIOD_START % {"expected": f"{expected:%d/%m/%Y}", "given": f"{period_start:%d/%m/%Y}"}
            )
        if indicator.uses_ratio:
            if numerator is None or denominator is None:
                errors["numerator"] = str(NEEDS_NUMERATOR_AND_DENOMINATOR)
            elif denominator <= 0:
                errors["denominator"] = str(_("The denominator must be greater than zero."))
            elif numerator < 0:
                errors["numerator"] = str(_("The numerator cannot be negative."))
            elif indicator.kind == Kind.PROPORTION and numerator > denominator:
                errors["numerator"] = str(NUMERATOR_ABOVE_DENOMINATOR)
            return errors
        if value is None:
            errors["value"] = str(NEEDS_VALUE)
        elif indicator.kind == Kind.YES_NO and value not in (0, 1):
            errors["value"] = str(YES_NO_VALUE)
        elif indicator.kind == Kind.COUNT and (value < 0 or value != value.to_integral_value()):
            errors["value"] = str(COUNT_VALUE)
        return errors


class Phase(models.Model):
    """From ``start`` on, something changed (e.g. "double contrôle mis en place"): a new phase."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="phases")
    start = models.DateField(_("from"), validators=[check_plausible_date])
    label = models.CharField(_("what changed"), max_length=120)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Phase]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["indicator", "start"]
        constraints = [models.UniqueConstraint(fields=["indicator", "start"], name="phase_one_per_start")]

    def __str__(self) -> str:
        return self.label


class Annotation(models.Model):
    """A note on one date of the series (e.g. "staff shortage", "new software")."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="annotations")
    date = models.DateField(_("date"), validators=[check_plausible_date])
    text = models.CharField(_("note"), max_length=300)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Annotation]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        ordering = ["indicator", "date", "pk"]

    def __str__(self) -> str:
        return self.text


def import_path(instance: MeasurementImport, filename: str) -> str:
    # A random stored name; the original is kept in the row and never trusted on disk.
    import secrets

    suffix = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return f"indicator-imports/{instance.organization_id}/{secrets.token_hex(16)}.{suffix}"


class MeasurementImport(models.Model):
    """A file waiting between its preview and its commit (inline, or as a background job)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(_("file"), upload_to=import_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    replace = models.BooleanField(_("replace existing periods"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    job = models.OneToOneField("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    committed_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    replaced_count = models.PositiveIntegerField(default=0)
    # Role ("period", "value", "numerator", "denominator", "note") → column index, when the person
    # chose the columns; empty when the header or the indicator's remembered mapping says them.
    columns = models.JSONField(_("columns chosen"), default=dict, blank=True)
    # The person asked to import the valid lines and leave the rejected ones out.
    skip_rejected = models.BooleanField(_("leave the rejected lines out"), default=False)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[MeasurementImport]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("measurement import")
        verbose_name_plural = _("measurement imports")

    def __str__(self) -> str:
        return self.original_name


class ImportMapping(models.Model):
    """The columns of an indicator's last import (role → header as written in the file), proposed
    again when a file with the same headers comes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="import_mapping")
    columns = models.JSONField(_("columns"), default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[ImportMapping]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("import columns")
        verbose_name_plural = _("import columns")

    def __str__(self) -> str:
        return ", ".join(f"{role}: {header}" for role, header in self.columns.items())
