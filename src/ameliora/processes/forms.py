from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ameliora.core.dates import PlausibleDateField
from ameliora.core.forms import MemberSelectField, members_of
from ameliora.core.models import Membership, Organization
from ameliora.core.scales import Likelihood, Severity
from ameliora.indicators.models import Indicator
from ameliora.plans.models import ActionPlan
from ameliora.processes.models import Process, Risk, RiskSettings, Zone
from ameliora.processes.register import GROSS, RESIDUAL, RegisterFilter

CODE_TAKEN = _("Another process of your organization already uses this code.")


class ProcessForm(forms.ModelForm[Process]):
    pilot = MemberSelectField(label=_("Pilot"), queryset=Membership.objects.none(), required=False)

    class Meta:
        model = Process
        fields = [
            "kind",
            "code",
            "name",
            "pilot",
            "purpose",
            "beginning",
            "end",
            "inputs",
            "outputs",
            "indicators",
            "position",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "inputs": forms.Textarea(attrs={"rows": 2}),
            "outputs": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        cast(forms.ModelChoiceField, self.fields["pilot"]).queryset = members_of(organization)  # type: ignore[type-arg]
        indicators = cast(forms.ModelMultipleChoiceField, self.fields["indicators"])  # type: ignore[type-arg]
        indicators.queryset = Indicator.objects.for_org(organization).filter(active=True).order_by("name")
        indicators.widget.attrs["size"] = 6

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip().upper()
        taken = Process.objects.for_org(self.organization).filter(code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(CODE_TAKEN)
        return code


class RiskForm(forms.ModelForm[Risk]):
    class Meta:
        model = Risk
        fields = [
            "hazard",
            "consequence",
            "severity",
            "likelihood",
            "existing_controls",
            "residual_severity",
            "residual_likelihood",
        ]
        widgets = {
            "consequence": forms.Textarea(attrs={"rows": 2}),
            "existing_controls": forms.Textarea(attrs={"rows": 2}),
        }


class ThresholdsForm(forms.ModelForm[RiskSettings]):
    class Meta:
        model = RiskSettings
        fields = ["acceptable_max", "unacceptable_min"]


class RiskActionForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=ActionPlan.objects.none())
    title = forms.CharField(label=_("Action"), max_length=200)
    due_date = PlausibleDateField(label=_("Due date"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = ActionPlan.objects.for_org(organization).exclude(status=ActionPlan.Status.CLOSED).order_by("code")
        cast(forms.ModelChoiceField, self.fields["plan"]).queryset = plans  # type: ignore[type-arg]


class RegisterFilterForm(forms.Form):
    """The register's filters (GET): a value that does not parse is named on its field and ignored."""

    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    process = forms.ModelChoiceField(
        label=_("Process"), queryset=Process.objects.none(), required=False, empty_label=_("All processes")
    )
    basis = forms.ChoiceField(
        label=_("Scores"),
        choices=[(GROSS, _("Gross (before controls)")), (RESIDUAL, _("Residual (with controls)"))],
        required=False,
    )
    zone = forms.ChoiceField(label=_("Zone"), choices=[("", _("All zones")), *Zone.choices], required=False)
    severity = forms.TypedChoiceField(
        label=_("Severity"), choices=[("", _("Any")), *Severity.choices], coerce=int, empty_value=None, required=False
    )
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood"),
        choices=[("", _("Any")), *Likelihood.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        processes = Process.objects.for_org(organization).order_by("kind", "position", "code")
        cast(forms.ModelChoiceField, self.fields["process"]).queryset = processes  # type: ignore[type-arg]

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs.update({"class": "is-invalid", "aria-describedby": f"id_{name}_error"})

    def wanted(self) -> RegisterFilter:
        """The filter from the fields that are valid (call after ``is_valid()``)."""
        data = getattr(self, "cleaned_data", {})
        process = data.get("process")
        return RegisterFilter(
            process_id=process.pk if process else None,
            basis=data.get("basis") or GROSS,
            zone=data.get("zone") or "",
            severity=data.get("severity"),
            likelihood=data.get("likelihood"),
            words=(data.get("q") or "").strip(),
        )
