"""Forms of the indicator pages. Numbers are localized: "1,5" is accepted in French."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ameliora.core.dates import DATE_INPUT, PlausibleDateField
from ameliora.core.models import Membership, Organization
from ameliora.indicators import services
from ameliora.indicators.models import (
    Annotation,
    Indicator,
    IndicatorType,
    Kind,
    Phase,
    Status,
)
from ameliora.indicators.periods import period_start_of
from ameliora.indicators.services import MeasurementInput
from ameliora.indicators.sources import get_source, source_choices
from ameliora.plans.models import Objective


def _number(label: Any, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        localize=True,
        max_digits=14,
        decimal_places=4,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _yes_no(choice: str) -> Decimal:
    """``"1"`` → 1, ``"0"`` → 0. Anything else raises ``ValueError``, which the field turns into its
    "not one of the choices" error (``Decimal("abc")`` would raise ``InvalidOperation``, which it does not
    catch: a forged value answered 500)."""
    return Decimal(int(choice))


class IndicatorForm(forms.ModelForm[Indicator]):
    target_value = _number(_("Target"))
    alert_threshold = _number(_("Alert threshold"))
    freeze_points = forms.IntegerField(
        label=_("Baseline frozen on the first values"),
        required=False,
        min_value=1,
        help_text=_("Number of values, counted from the first one; or give the last period of the baseline below."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "kind",
            "indicator_type",
            "description",
            "numerator_definition",
            "denominator_definition",
            "exclusions",
            "unit",
            "multiplier",
            "periodicity",
            "direction",
            "target_value",
            "target_date",
            "alert_threshold",
            "owner",
            "data_source",
            "source_parameter",
            "chart",
            "rules",
            "active",
            "objectives",
            "freeze_until",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "numerator_definition": forms.Textarea(attrs={"rows": 2}),
            "denominator_definition": forms.Textarea(attrs={"rows": 2}),
            "exclusions": forms.Textarea(attrs={"rows": 2}),
            "target_date": DATE_INPUT,
            "freeze_until": DATE_INPUT,
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization
        owner = self.fields["owner"]
        if not isinstance(owner, forms.ModelChoiceField):  # pragma: no cover — the Meta above decides
            raise TypeError(owner)
        owner.queryset = Membership.objects.for_org(organization).select_related("user")
        owner.label_from_instance = lambda m: str(m.user)  # type: ignore[method-assign,assignment]
        objectives = self.fields["objectives"]
        if not isinstance(objectives, forms.ModelMultipleChoiceField):  # pragma: no cover — the Meta above decides
            raise TypeError(objectives)
        objectives.queryset = (
            Objective.objects.for_org(organization).select_related("plan").order_by("plan__code", "position", "pk")
        )
        objectives.label_from_instance = lambda o: f"{o.plan.code} — {o.statement}"  # type: ignore[method-assign,assignment]
        objectives.widget.attrs["size"] = 6
        self.fields["data_source"] = forms.ChoiceField(
            label=_("Data source"),
            choices=[("", _("Entered by hand")), *source_choices()],
            required=False,
            widget=forms.Select(
                attrs={
                    "hx-get": "",
                    "hx-trigger": "change",
                    "hx-include": "this",
                    "hx-select": "#source-parameter",
                    "hx-target": "#source-parameter",
                    "hx-swap": "outerHTML",
                }
            ),
        )
        self._set_up_source_parameter()
        self.fields["target_value"].help_text = _("On the displayed scale: a percentage for a proportion.")
        if not self.is_bound and self.instance.pk and self.instance.freeze_until:
            periods = self.instance.measurements.values_list("period_start", flat=True)
            self.initial["freeze_points"] = self.instance.baseline_points(periods)

    def _set_up_source_parameter(self) -> None:
        """Offer the choices of the selected source's parameter (the organization's only), if it has one.

        The field is rendered inside ``#source-parameter`` with a hidden ``source_parameter_for`` naming
        the source whose choices were shown: a source changed without JavaScript is caught in ``clean``.
        """
        if self.is_bound:
            key = self.data.get("data_source", "")
        else:
            key = self.initial.get("data_source", self.instance.data_source)
        source = get_source(key or "")
        self.offered_source = key if source is not None and source.parameter is not None else ""
        field: forms.Field = forms.CharField(required=False)  # no filter: whatever is posted is dropped in clean
        if source is not None and source.parameter is not None:
            field = forms.ChoiceField(
                label=str(source.parameter.label),
                choices=[("", _("All")), *source.parameter_choices(self.organization)],
                required=False,
                help_text=_("What the source counts; “All” pools everything."),
            )
        field.template_name = "indicators/_source_parameter.html"  # type: ignore[attr-defined]  # Django 5.0+, not in the stubs
        self.fields["source_parameter"] = field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_freeze(cleaned)
        key = cleaned.get("data_source") or ""
        source = get_source(key)
        if source is None or source.parameter is None:
            cleaned["source_parameter"] = ""
        elif self.data.get("source_parameter_for") != key:
            self.add_error(
                "source_parameter",
                _("This data source can be narrowed: choose what it counts (or “All”) and save again."),
            )
        return cleaned

    def _clean_freeze(self, cleaned: dict[str, Any]) -> None:
        """One frozen baseline, given by its number of values or its last period (the other derived).

        Editing the period alone, when the number shown was the derived one, follows the period.
        """
        points, until = cleaned.get("freeze_points"), cleaned.get("freeze_until")
        if "freeze_until" in self.changed_data and "freeze_points" not in self.changed_data:
            points = None
        elif "freeze_points" in self.changed_data and "freeze_until" not in self.changed_data:
            until = None
        try:
            cleaned["freeze_until"] = services.resolve_freeze(self.instance, points=points, until=until)
        except ValidationError as exc:
            self.add_error(None, exc)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        taken = Indicator.objects.for_org(self.organization).filter(name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("An indicator with this name already exists."))
        return name


class MeasurementForm(forms.Form):
    """One period of one indicator. The fields shown depend on the indicator's kind."""

    period_start = PlausibleDateField(label=_("Period (any day in it)"))
    value = _number(_("Value"))
    numerator = _number(_("Numerator"))
    denominator = _number(_("Denominator"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    replace = forms.BooleanField(
        label=_("Replace the value already recorded for this period (the old one stays in the history)"),
        required=False,
    )

    def __init__(self, *args: Any, indicator: Indicator, with_replace: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.uses_ratio:
            del self.fields["value"]
            self.fields["numerator"].required = True
            self.fields["denominator"].required = True
            self.fields["numerator"].help_text = indicator.numerator_definition
            self.fields["denominator"].help_text = indicator.denominator_definition
        else:
            del self.fields["numerator"], self.fields["denominator"]
            self.fields["value"].required = True
            if indicator.kind == Kind.YES_NO:
                self.fields["value"] = forms.TypedChoiceField(
                    label=_("In place?"), choices=[("1", _("yes")), ("0", _("no"))], coerce=_yes_no
                )
            elif indicator.display_unit:
                self.fields["value"].label = _("Value (%(unit)s)") % {"unit": indicator.display_unit}
        if not with_replace:
            del self.fields["replace"]

    def to_input(self, line: int = 0) -> MeasurementInput:
        data = self.cleaned_data
        day: date = data["period_start"]
        return MeasurementInput(
            period_start=period_start_of(day, self.indicator.periodicity),
            value=data.get("value"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            note=data.get("note", ""),
            line=line,
        )


class GridRowForm(MeasurementForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, with_replace=False, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


class BaseGridFormSet(forms.BaseFormSet[GridRowForm]):
    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        self.indicator = indicator
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"indicator": self.indicator}


GridFormSet = forms.formset_factory(GridRowForm, formset=BaseGridFormSet, extra=0, min_num=1, max_num=200)


class ExclusionForm(forms.Form):
    """Leave one value out of the centre line and limits: an explained outlier."""

    exclusion_reason = forms.CharField(
        label=_("Why is this value left out of the limits?"),
        max_length=300,
        help_text=_(
            "An explained, one-off cause (e.g. “software outage: prescriptions entered by hand”). "
            "The value stays on the chart, marked, but no longer widens the limits."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PhaseForm(forms.ModelForm[Phase]):
    class Meta:
        model = Phase
        fields = ["start", "label"]
        widgets = {"start": DATE_INPUT}
        help_texts = {"label": _("e.g. “double check in place”")}


class SuggestedPhaseForm(PhaseForm):
    """The phase the reading proposes: its start is fixed (hidden), the team names it."""

    prefix = "suggested"

    class Meta(PhaseForm.Meta):
        widgets = {"start": forms.HiddenInput()}  # type: ignore[dict-item]  # django-stubs types the parent's widgets
        labels = {"label": _("What changed then?")}


class AnnotationForm(forms.ModelForm[Annotation]):
    class Meta:
        model = Annotation
        fields = ["date", "text"]
        widgets = {"date": DATE_INPUT}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    replace = forms.BooleanField(
        label=_("Replace the periods that already have a value (old values stay in the history)"), required=False
    )


SAME_COLUMN_TWICE = _("Each column can be used once: choose another column here.")
COLUMN_NEEDED = _("Choose the column to read as “%(role)s”.")


def column_roles(uses_ratio: bool) -> list[tuple[str, str, bool]]:
    """(role, label, required) of the import's columns, in the form's order (labels in the active language)."""
    numbers = (
        [("numerator", gettext("numerator"), True), ("denominator", gettext("denominator"), True)]
        if uses_ratio
        else [("value", gettext("value"), True)]
    )
    return [("period", gettext("period"), True), *numbers, ("note", gettext("note"), False)]


class ImportColumnsForm(forms.Form):
    """Which column of the file is the period, the value (or numerator and denominator) and the note."""

    def __init__(
        self, *args: Any, headers: list[str], samples: list[list[str]], uses_ratio: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str | Promise]] = [("", _("— none —"))]
        for index, header in enumerate(headers):
            example = next((line[index] for line in samples if index < len(line) and line[index]), "")
            name = header or _("column %(number)s") % {"number": index + 1}
            shown = _("%(name)s (e.g. %(example)s)") % {"name": name, "example": example[:30]} if example else name
            choices.append((str(index), shown))
        self.roles = column_roles(uses_ratio)
        for role, label, _required in self.roles:
            self.fields[role] = forms.TypedChoiceField(
                label=capfirst(label),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": _("Choose one of the file's columns.")},
            )
            self.fields[role].widget.attrs["class"] = "form-select"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[int, str] = {}
        for role, label, required in self.roles:
            index = data.get(role)
            if index is None:
                if required and role not in self.errors:
                    self.add_error(role, COLUMN_NEEDED % {"role": label})
                continue
            if index in used:
                self.add_error(role, SAME_COLUMN_TWICE)
            used[index] = role
        return data

    def columns(self) -> dict[str, int]:
        chosen = ((role, self.cleaned_data.get(role)) for role, _label, _required in self.roles)
        return {role: index for role, index in chosen if index is not None}


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Status.choices])
    indicator_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All")), *IndicatorType.choices]
    )
    kind = forms.ChoiceField(label=_("Kind of data"), required=False, choices=[("", _("All")), *Kind.choices])
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=Membership.objects.none())
    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[("1", _("Active")), ("0", _("Retired")), ("all", _("All"))],
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        if not isinstance(owner, forms.ModelChoiceField):  # pragma: no cover — the Meta above decides
            raise TypeError(owner)
        owner.queryset = Membership.objects.for_org(organization).select_related("user")
        owner.label_from_instance = lambda m: str(m.user)  # type: ignore[method-assign,assignment]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class ObjectiveLinkForm(forms.Form):
    """Pick an existing indicator of the organization to measure an objective."""

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())

    def __init__(self, *args: Any, objective: Objective, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        if not isinstance(field, forms.ModelChoiceField):  # pragma: no cover — declared above
            raise TypeError(field)
        field.queryset = (
            Indicator.objects.for_org(objective.organization)
            .active()
            .exclude(objectives=objective)
            .order_by("name", "pk")
        )


class ObjectiveTargetsForm(forms.Form):
    """The target value and date of each indicator measuring an objective, pre-filled with today's."""

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            value = _number(_("Target of “%(name)s”") % {"name": indicator.name})
            value.help_text = indicator.display_unit
            value.initial = indicator.target_value
            self.fields[f"target_{indicator.pk}"] = value
            self.fields[f"date_{indicator.pk}"] = PlausibleDateField(
                label=_("Target date of “%(name)s”") % {"name": indicator.name},
                required=False,
                initial=indicator.target_date,
            )

    def targets(self) -> list[tuple[Indicator, Decimal | None, date | None]]:
        return [(i, self.cleaned_data[f"target_{i.pk}"], self.cleaned_data[f"date_{i.pk}"]) for i in self.indicators]
