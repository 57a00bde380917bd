"""Forms validate input; services act. Choices are always limited to the organization."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ameliora.assessments.models import Campaign
from ameliora.core.dates import DATE_INPUT
from ameliora.core.forms import MemberSelectField, members_of
from ameliora.core.models import Membership, Organization
from ameliora.learning.models import Competency, Debrief, LearningSituation, Level, SelfCritique, TrainingNeed
from ameliora.learning.services import supervisors_of
from ameliora.plans.models import ActionPlan

ANSWER_BEFORE_SUBMITTING = _("Answer this question before submitting.")
CODE_TAKEN = _("Another competency of your organization already uses this code.")


def _limit(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset  # type: ignore[type-arg]


class PlansField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class SituationForm(forms.ModelForm[LearningSituation]):
    learner = MemberSelectField(label=_("Learner"), queryset=Membership.objects.none())
    supervisor = MemberSelectField(label=_("Supervisor"), queryset=Membership.objects.none(), required=False)
    plans = PlansField(label=_("Action plans"), queryset=ActionPlan.objects.none(), required=False)

    class Meta:
        model = LearningSituation
        fields = ["title", "learner", "supervisor", "period_start", "period_end", "context", "campaign", "plans"]
        widgets = {
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "context": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"campaign": _("The self-assessment whose results open the dossier.")}

    def __init__(self, *args: Any, organization: Organization, choose_learner: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "learner", members_of(organization))
        _limit(self, "supervisor", supervisors_of(organization))
        _limit(
            self, "campaign", Campaign.objects.for_org(organization).select_related("grid").order_by("-period_start")
        )
        _limit(self, "plans", ActionPlan.objects.for_org(organization).order_by("code"))
        if not choose_learner or self.instance.pk:
            del self.fields["learner"]


class SelfCritiqueForm(forms.ModelForm[SelfCritique]):
    """Drafts may leave questions empty; a submission points at each question still unanswered."""

    class Meta:
        model = SelfCritique
        fields = list(SelfCritique.QUESTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in SelfCritique.QUESTIONS}

    def __init__(self, *args: Any, submit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submit = submit

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.submit:
            for name in SelfCritique.QUESTIONS:
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, ANSWER_BEFORE_SUBMITTING)
        return cleaned


class DebriefForm(forms.ModelForm[Debrief]):
    class Meta:
        model = Debrief
        fields = ["debrief_date", "supervisor_view", "agreed_goals", "means"]
        widgets = {
            "debrief_date": DATE_INPUT,
            "supervisor_view": forms.Textarea(attrs={"rows": 5}),
            "agreed_goals": forms.Textarea(attrs={"rows": 4}),
            "means": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor_view"].required = True
        self.fields["agreed_goals"].required = True


class RatingForm(forms.Form):
    """One optional level per competency of the framework."""

    def __init__(self, *args: Any, competencies: list[Competency], initial_levels: dict[int, int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        choices = [("", _("Not mobilised")), *Level.choices]
        for competency in competencies:
            self.fields[f"c{competency.pk}"] = forms.TypedChoiceField(
                label=f"{competency.code} — {competency.title}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=initial_levels.get(competency.pk, ""),
            )

    def levels(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.competencies}


class CompetencyForm(forms.ModelForm[Competency]):
    class Meta:
        model = Competency
        fields = ["code", "area", "title", "description", "position", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_code(self) -> str:
        code: str = (self.cleaned_data.get("code") or "").strip().upper()
        taken = Competency.objects.for_org(self.organization).filter(code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(CODE_TAKEN)
        return code


class TrainingNeedForm(forms.Form):
    member = MemberSelectField(label=_("Who"), queryset=Membership.objects.none())
    need = forms.CharField(label=_("Need"), max_length=300, help_text=TrainingNeed._meta.get_field("need").help_text)
    origin = forms.ChoiceField(
        label=_("Identified from"), choices=TrainingNeed.Origin.choices, initial=TrainingNeed.Origin.OTHER
    )
    competency = forms.ModelChoiceField(label=_("Competency"), queryset=Competency.objects.none(), required=False)

    def __init__(self, *args: Any, organization: Organization, members: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        self.fields["competency"].queryset = Competency.objects.for_org(organization).filter(is_active=True)  # type: ignore[attr-defined]


class TrainingPlanForm(forms.ModelForm[TrainingNeed]):
    status = forms.ChoiceField(label=_("Status"), choices=TrainingNeed.Status.choices)

    class Meta:
        model = TrainingNeed
        fields = ["training", "provider", "planned_on", "done_on"]
        widgets = {"planned_on": DATE_INPUT, "done_on": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = {self.instance.status, *self.instance.allowed_transitions()}
        self.fields["status"].choices = [c for c in TrainingNeed.Status.choices if c[0] in allowed]  # type: ignore[attr-defined]
        self.initial.setdefault("status", self.instance.status)


class TrainingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *TrainingNeed.Status.choices], required=False
    )
    origin = forms.ChoiceField(
        label=_("Identified from"), choices=[("", _("All origins")), *TrainingNeed.Origin.choices], required=False
    )
