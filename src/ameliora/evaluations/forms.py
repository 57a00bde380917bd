from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from ameliora.core.dates import DATE_INPUT, PlausibleDateField
from ameliora.core.forms import MemberSelectField, members_of
from ameliora.core.models import Membership, Organization
from ameliora.evaluations.models import STEP_KEYS, AuditCase, CaseAnswer, Criterion, Evaluation
from ameliora.plans.models import ActionPlan

MAX_CRITERIA = 40
MAX_STEPS = 30


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


TEXTAREA = forms.Textarea(attrs={"rows": 3})


class WriteUpForm(forms.ModelForm[Evaluation]):
    """The write-up of a structured review; each method has its own subclass, with the fields it needs."""

    required: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.required:
            self.fields[name].required = True

    def values(self) -> dict[str, Any]:
        """The model fields this form writes, for ``services.update_evaluation``."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class CaseReviewForm(WriteUpForm):
    """RMM: what happened, in order, whether it was avoidable and why, and what is learnt."""

    required = ("case_summary", "chronology", "avoidability", "avoidability_reason")

    class Meta:
        model = Evaluation
        fields = ["case_summary", "chronology", "avoidability", "avoidability_reason", "findings", "lessons"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["case_summary", "chronology", "avoidability_reason", "findings", "lessons"]
        }


class StepForm(forms.Form):
    place = forms.CharField(label=_("Place or moment"), max_length=200, required=False)
    observed = forms.CharField(label=_("What was observed"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    gaps = forms.CharField(label=_("Gaps"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("place") or data.get("gaps")) and not data.get("observed"):
            self.add_error("observed", _("Say what was observed at this step."))
        if (data.get("observed") or data.get("gaps")) and not data.get("place"):
            self.add_error("place", _("Say where or when this step took place."))
        return data

    def step(self) -> dict[str, str] | None:
        """The step as stored, or None for a row left empty."""
        if not self.cleaned_data.get("place"):
            return None
        return {key: self.cleaned_data.get(key, "").strip() for key in STEP_KEYS}


StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=MAX_STEPS, validate_max=True)


class PatientTracerForm(WriteUpForm):
    """Patient tracer: the path followed step by step (rows of ``self.steps``), who was met, strengths, weaknesses."""

    required = ("professionals_met",)

    class Meta:
        model = Evaluation
        fields = ["professionals_met", "strengths", "weaknesses"]
        widgets = dict.fromkeys(["professionals_met", "strengths", "weaknesses"], TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps = StepFormSet(self.data or None, prefix="step", initial=self.instance.tracer_steps or None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.steps.is_valid():
            self.add_error(None, _("Check the steps of the path."))
            return data
        steps = [step for form in self.steps.forms if (step := form.step()) is not None]
        if not steps:
            self.add_error(None, _("A patient tracer follows at least one step of the path."))
        data["tracer_steps"] = steps
        return data

    def values(self) -> dict[str, Any]:
        return {**super().values(), "tracer_steps": self.cleaned_data["tracer_steps"]}


class PeerReviewForm(WriteUpForm):
    """Peer review: the practice, the reference it is held against, the peers, and what they concluded."""

    required = ("practice_reviewed", "reference_used", "peers_involved")

    class Meta:
        model = Evaluation
        fields = [
            "practice_reviewed",
            "reference_used",
            "peers_involved",
            "agreements",
            "divergences",
            "changes_agreed",
        ]
        widgets = dict.fromkeys(fields[1:], TEXTAREA)


WRITEUP_FORMS: dict[str, type[WriteUpForm]] = {
    Evaluation.Method.CASE_REVIEW: CaseReviewForm,
    Evaluation.Method.PATIENT_TRACER: PatientTracerForm,
    Evaluation.Method.PEER_REVIEW: PeerReviewForm,
}


def writeup_form_for(evaluation: Evaluation, data: Any = None) -> WriteUpForm:
    return WRITEUP_FORMS[evaluation.method](data, instance=evaluation)


class CaseForm(forms.Form):
    """One observed case: its label, the day, and a yes / no / N/A answer per criterion (fields ``c<id>``)."""

    label = forms.CharField(label=_("Case"), max_length=60, help_text=AuditCase._meta.get_field("label").help_text)
    observed_on = PlausibleDateField(label=_("Observed on"), required=False)

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

    @staticmethod
    def initial_for(case: AuditCase) -> dict[str, Any]:
        """What the form shows to correct a recorded case."""
        return {
            "label": case.label,
            "observed_on": case.observed_on,
            **{f"c{answer.criterion_id}": answer.value for answer in case.answers.all()},
        }


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
    due_date = PlausibleDateField(label=_("Due date"), required=False)

    def __init__(self, *args: Any, evaluation: Evaluation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = evaluation.criteria.all()  # type: ignore[attr-defined]
        self.fields["plan"].queryset = ActionPlan.objects.for_org(evaluation.organization).open()  # type: ignore[attr-defined]
        self.fields["owner"].queryset = members_of(evaluation.organization)  # type: ignore[attr-defined]
