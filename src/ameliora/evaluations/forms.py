from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ameliora.core.forms import MemberSelectField, members_of
from ameliora.core.models import Membership, Organization
from ameliora.evaluations.models import AuditCase, CaseAnswer, Criterion, Evaluation
from ameliora.plans.models import ActionPlan

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_CRITERIA = 40


class EvaluationForm(forms.ModelForm[Evaluation]):
    owner = MemberSelectField(label=_("Owner"), queryset=Membership.objects.none(), required=False)
    criteria = forms.CharField(
        label=_("Criteria"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Audits only: one criterion per line, answered yes / no / not applicable for each case."),
    )

    class Meta:
        model = Evaluation
        fields = ["method", "title", "purpose", "owner", "planned_sample", "period_start", "period_end"]
        widgets = {"period_start": DATE_INPUT, "period_end": DATE_INPUT, "purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members_of(organization)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial.setdefault("criteria", "\n".join(c.statement for c in self.instance.criteria.all()))

    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("criteria", "").splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = self.criteria_list()
        if data.get("method") == Evaluation.Method.AUDIT and not lines:
            self.add_error("criteria", _("An audit needs at least one criterion."))
        if len(lines) > MAX_CRITERIA:
            self.add_error("criteria", _("At most %(n)s criteria.") % {"n": MAX_CRITERIA})
        if any(len(line) > 300 for line in lines):
            self.add_error("criteria", _("A criterion has at most 300 characters."))
        return data


class WriteUpForm(forms.ModelForm[Evaluation]):
    class Meta:
        model = Evaluation
        fields = ["case_summary", "chronology", "avoidability", "findings", "lessons"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in ["case_summary", "chronology", "findings", "lessons"]
        }


class CaseForm(forms.Form):
    """One observed case: its label, the day, and a yes / no / N/A answer per criterion (fields ``c<id>``)."""

    label = forms.CharField(label=_("Case"), max_length=60, help_text=AuditCase._meta.get_field("label").help_text)
    observed_on = forms.DateField(label=_("Observed on"), widget=DATE_INPUT, required=False)

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["label"].widget.attrs["autofocus"] = True  # ready for the next case as the page loads
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.ChoiceField(
                label=f"{criterion.position}. {criterion.statement}",
                choices=CaseAnswer.Value.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer this criterion.")},
            )

    def answers(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Evaluation.Status.choices)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    criterion = forms.ModelChoiceField(
        label=_("About the criterion"), queryset=Criterion.objects.none(), required=False
    )
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=ActionPlan.objects.none(),
        required=False,
        help_text=_("Left empty: the year's practice-evaluation plan."),
    )
    owner = MemberSelectField(label=_("Owner"), queryset=Membership.objects.none(), required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT, required=False)

    def __init__(self, *args: Any, evaluation: Evaluation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = evaluation.criteria.all()  # type: ignore[attr-defined]
        self.fields["plan"].queryset = ActionPlan.objects.for_org(evaluation.organization).open()  # type: ignore[attr-defined]
        self.fields["owner"].queryset = members_of(evaluation.organization)  # type: ignore[attr-defined]
