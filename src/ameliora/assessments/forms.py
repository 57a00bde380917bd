from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ameliora.assessments import scales
from ameliora.assessments.models import Campaign, Criterion, Grid, Section
from ameliora.core.dates import PlausibleDateField
from ameliora.core.models import Membership, Organization

PERIOD_ORDER = _("The end of the period must not be before its start.")


class GridImportForm(forms.Form):
    file = forms.FileField(label=_("Grid file (YAML)"), help_text=_("The schema is described in the documentation."))


class BuiltinGridForm(forms.Form):
    key = forms.ChoiceField(label=_("Built-in grid"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = choices  # type: ignore[attr-defined]


class GridForm(forms.ModelForm[Grid]):
    """Wording of a grid; its scale and kinds too while no campaign has copied it."""

    kinds = forms.MultipleChoiceField(
        label=_("Applicable organization kinds"),
        choices=Organization.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None checked: every kind."),
    )

    class Meta:
        model = Grid
        fields = ["name", "source", "description", "answer_scale", "kinds"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.has_campaigns():
            del self.fields["answer_scale"]
            del self.fields["kinds"]


class NewGridVersionForm(forms.Form):
    version = forms.CharField(
        label=_("New version"), max_length=30, help_text=_("For example the year, or “2” after “1”.")
    )

    def __init__(self, *args: Any, grid: Grid, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grid = grid

    def clean_version(self) -> str:
        version: str = self.cleaned_data["version"].strip()
        if Grid.objects.filter(organization=self.grid.organization, key=self.grid.key, version=version).exists():
            raise forms.ValidationError(_("This version of the grid already exists."), code="unique")
        return version


class SectionForm(forms.ModelForm[Section]):
    class Meta:
        model = Section
        fields = ["code", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class CriterionForm(forms.ModelForm[Criterion]):
    kinds = forms.MultipleChoiceField(
        label=_("Applicable organization kinds"),
        choices=Organization.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None checked: every kind."),
    )

    class Meta:
        model = Criterion
        fields = [
            "section",
            "code",
            "statement",
            "guidance",
            "expected_evidence",
            "mandatory",
            "level",
            "answer_scale",
            "weight",
            "kinds",
        ]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "guidance": forms.Textarea(attrs={"rows": 2}),
            "expected_evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(grid=self.instance.grid)  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        taken = Criterion.objects.filter(grid=self.instance.grid, code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another criterion of this grid already has this code."), code="unique")
        return code


class CampaignForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    period_start = PlausibleDateField(label=_("Period start"))
    period_end = PlausibleDateField(label=_("Period end"))
    from_previous = forms.BooleanField(
        label=_("Start from the previous campaign on this grid"),
        required=False,
        initial=True,
        help_text=_("Its answers are shown as the baseline; every criterion starts again “to answer”."),
    )

    def __init__(self, *args: Any, grids: QuerySet[Grid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", PERIOD_ORDER)
        return data


class RespondentForm(forms.Form):
    membership = forms.ModelChoiceField(label=_("Member"), queryset=Membership.objects.none())
    sections = forms.ModelMultipleChoiceField(
        label=_("Sections to answer"),
        queryset=Section.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None checked: every section."),
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.for_org(campaign.organization).select_related("user")
        self.fields["membership"].queryset = members  # type: ignore[attr-defined]
        self.fields["membership"].label_from_instance = lambda m: str(m.user)  # type: ignore[attr-defined]
        self.fields["sections"].queryset = Section.objects.filter(grid=campaign.grid)  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    value = forms.ChoiceField(label=_("Answer"), required=False, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, scale: str, weights: dict[str, dict[str, float]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = [(o.value, o.label) for o in scales.options(scale, weights)]  # type: ignore[attr-defined]


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
