"""Forms validate input; services act. Member choices are always limited to the organization."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ameliora.core.dates import DATE_INPUT, PlausibleDateField
from ameliora.core.forms import MemberSelectField, MembersField, members_of
from ameliora.core.models import Membership, Organization
from ameliora.plans.models import (
    PROGRESS_AT_MOST_100,
    Action,
    ActionPlan,
    Communication,
    Objective,
    ProgressReview,
    Revision,
    Tool,
)

CODE_TAKEN = _("Another plan of your organization already uses this code.")


def _limit(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset  # type: ignore[type-arg]


class PlanForm(forms.ModelForm[ActionPlan]):
    owner = MemberSelectField(label=_("Owner"), queryset=Membership.objects.none(), required=False)

    class Meta:
        model = ActionPlan
        fields = ["code", "title", "scope_kind", "scope_label", "owner", "start_date", "end_date", "context"]
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "context": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"code": _("Left empty, a code like PAQ-2026-01 is given.")}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["code"].required = False
        _limit(self, "owner", members_of(organization))

    def clean_code(self) -> str:
        code: str = (self.cleaned_data.get("code") or "").strip().upper()
        taken = ActionPlan.objects.for_org(self.organization).filter(code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if code and taken.exists():
            raise forms.ValidationError(CODE_TAKEN)
        return code


class ObjectiveForm(forms.ModelForm[Objective]):
    class Meta:
        model = Objective
        fields = ["statement", "rationale", "target_description", "target_value", "deadline"]
        widgets = {"deadline": DATE_INPUT, "rationale": forms.Textarea(attrs={"rows": 3})}


class ActionForm(forms.ModelForm[Action]):
    owner = MemberSelectField(label=_("Owner"), queryset=Membership.objects.none(), required=False)
    participants = MembersField(label=_("Participants"), queryset=Membership.objects.none(), required=False)

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "objective",
            "owner",
            "participants",
            "start_date",
            "due_date",
            "priority",
            "phase",
            "progress",
            "effort",
        ]
        widgets = {
            "start_date": DATE_INPUT,
            "due_date": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
        }

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = members_of(plan.organization)
        _limit(self, "owner", members)
        _limit(self, "participants", members)
        _limit(self, "objective", plan.objectives.all())
        self.fields["progress"].validators.append(_progress_at_most_100)


def _progress_at_most_100(value: int) -> None:
    if value > 100:
        raise forms.ValidationError(PROGRESS_AT_MOST_100)


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionPlan.Status.choices)


class ToolForm(forms.ModelForm[Tool]):
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)

    class Meta:
        model = Tool
        fields = ["kind", "title", "description", "url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CommunicationForm(forms.ModelForm[Communication]):
    audience_members = MembersField(
        label=_("Members addressed"),
        queryset=Membership.objects.none(),
        required=False,
        help_text=_("Leave empty when the whole organization is addressed."),
    )

    file = forms.FileField(
        label=_("Attached file (poster, slides, handout)"),
        required=False,
        help_text=_("Optional: PDF, image or office file; the team opens it from the plan."),
    )

    class Meta:
        model = Communication
        fields = ["kind", "date", "audience", "audience_members", "material"]
        widgets = {"date": DATE_INPUT, "material": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "audience_members", members_of(organization))


class ProgressReviewForm(forms.ModelForm[ProgressReview]):
    class Meta:
        model = ProgressReview
        fields = ["review_date", "done_summary", "obstacles", "indicator_values"]
        widgets = {
            "review_date": DATE_INPUT,
            "done_summary": forms.Textarea(attrs={"rows": 3}),
            "obstacles": forms.Textarea(attrs={"rows": 2}),
            "indicator_values": forms.Textarea(attrs={"rows": 2}),
        }


class FinalReviewForm(forms.Form):
    review_date = PlausibleDateField(label=_("Date"))
    before_after = forms.CharField(label=_("Before and after"), widget=forms.Textarea(attrs={"rows": 3}))
    lessons = forms.CharField(label=_("Lessons learnt"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, objectives: list[Objective], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = objectives
        for objective in objectives:
            self.fields[f"objective_{objective.pk}"] = forms.ChoiceField(
                label=objective.statement,
                choices=Objective.Status.choices,
                initial=objective.status,
                widget=forms.RadioSelect,
            )

    def outcomes(self) -> dict[int, str]:
        return {o.pk: self.cleaned_data[f"objective_{o.pk}"] for o in self.objectives}


class RevisionForm(forms.ModelForm[Revision]):
    new_actions = forms.CharField(
        label=_("New actions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One action per line."),
    )

    class Meta:
        model = Revision
        fields = ["revision_date", "description", "objective", "new_target"]
        widgets = {"revision_date": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "objective", plan.objectives.all())

    def action_titles(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("new_actions", "").splitlines() if line.strip()]


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All statuses"))], required=False)
    owner = MemberSelectField(label=_("Owner"), queryset=Membership.objects.none(), required=False)

    def __init__(self, *args: Any, organization: Organization, statuses: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("All statuses")), *statuses]
        _limit(self, "owner", members_of(organization))


class RoutingForm(forms.Form):
    """Where actions opened from the other modules go when nobody chooses a plan for them."""

    PER_SOURCE = "per_source"
    SINGLE = "single"

    mode = forms.ChoiceField(
        label=_("Actions opened from events, evaluations, surveys and meetings go to"),
        choices=[
            (
                PER_SOURCE,
                _(
                    "one plan per source and year (PAQ-EI-…, PAQ-EPP-…, PAQ-ENQ-… of the year; "
                    "each exchange space's own plan)"
                ),
            ),
            (SINGLE, _("one single plan for the whole organization")),
        ],
        widget=forms.RadioSelect,
    )
    plan = forms.ModelChoiceField(
        label=_("Single plan"),
        queryset=ActionPlan.objects.none(),
        required=False,
        help_text=_("An open plan; a plan chosen on an exchange space or when opening an action still wins."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = ActionPlan.objects.for_org(organization).open().order_by("code")
        cast(forms.ModelChoiceField[ActionPlan], self.fields["plan"]).queryset = plans

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == self.SINGLE and not data.get("plan"):
            self.add_error("plan", _("Choose the plan that receives every module's actions."))
        return data

    def chosen_plan(self) -> ActionPlan | None:
        return self.cleaned_data["plan"] if self.cleaned_data["mode"] == self.SINGLE else None
