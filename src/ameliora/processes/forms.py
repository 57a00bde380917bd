from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ameliora.core.dates import PlausibleDateField
from ameliora.core.forms import MemberSelectField, members_of
from ameliora.core.models import Membership, Organization
from ameliora.indicators.models import Indicator
from ameliora.plans.models import ActionPlan
from ameliora.processes.models import Process, Risk, RiskSettings

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
