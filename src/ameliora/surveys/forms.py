"""Forms of the builder, the campaigns and the answer page (public and paper).

:class:`AnswerForm` is built from a questionnaire's questions. Every check runs on the server with a
plain French message on the field concerned; nothing relies on ``maxlength`` or ``required``
attributes (a robot or an old browser ignores them). Questions hidden by their condition are
neither required nor stored.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ameliora.core.dates import DATE_INPUT
from ameliora.core.models import Organization
from ameliora.plans.models import ActionPlan
from ameliora.surveys.models import Campaign, Question, Questionnaire, Section
from ameliora.surveys.templates_builtin import TEMPLATES

ANSWER_REQUIRED = _("This question needs an answer.")
CHOICE_INVALID = _("Choose one of the proposed answers.")
NUMBER_INVALID = _("Type a number, for example 12 or 3,5.")
NUMBER_BETWEEN = _("Type a number between %(min)s and %(max)s.")
NUMBER_AT_LEAST = _("Type a number of at least %(min)s.")
NUMBER_AT_MOST = _("Type a number of at most %(max)s.")
TEXT_TOO_LONG = _("At most %(limit)s characters, please: your text has %(count)s.")
NUMBER_LIMIT = Decimal("9999999999")


class QuestionnaireForm(forms.ModelForm[Questionnaire]):
    class Meta:
        model = Questionnaire
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TemplateCopyForm(forms.Form):
    key = forms.ChoiceField(label=_("Template"), choices=[(key, t.title) for key, t in TEMPLATES.items()])


class SectionForm(forms.ModelForm[Section]):
    class Meta:
        model = Section
        fields = ["title"]


class QuestionForm(forms.ModelForm[Question]):
    field_order = (
        "section",
        "kind",
        "text",
        "choices_text",
        "help_text",
        "required",
        "min_value",
        "max_value",
        "condition_question",
        "condition_value",
    )
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Single and multiple choice: one choice per line."),
    )

    class Meta:
        model = Question
        fields = [
            "section",
            "kind",
            "text",
            "help_text",
            "required",
            "min_value",
            "max_value",
            "condition_question",
            "condition_value",
        ]
        help_texts = {
            "min_value": _("Number questions only."),
            "condition_value": _("A choice, “yes” or “no”, or a number (1 to 5 for the agreement scale)."),
        }

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = questionnaire.sections.all()  # type: ignore[attr-defined]
        others = questionnaire.questions.exclude(kind__in=Question.TEXT_KINDS)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk).filter(position__lt=self.instance.position)
            self.initial.setdefault("choices_text", "\n".join(c.label for c in self.instance.choices.all()))
        self.fields["condition_question"].queryset = others  # type: ignore[attr-defined]

    def clean_condition_value(self) -> str:
        """Accept the answer as the manager reads it ("Oui", "Plutôt d'accord") and store its token."""
        value = str(self.cleaned_data.get("condition_value") or "").strip()
        condition: Question | None = self.cleaned_data.get("condition_question")
        if condition is None:
            return ""
        for token, label in condition.token_options():
            if value.casefold() in (token.casefold(), label.casefold()):
                return str(token)
        return value

    def choice_labels(self) -> list[str]:
        return str(self.cleaned_data.get("choices_text") or "").splitlines()

    def model_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CampaignForm(forms.ModelForm[Campaign]):
    class Meta:
        model = Campaign
        fields = ["name", "period_start", "period_end", "audience", "audience_size", "anonymous"]
        widgets = {"period_start": DATE_INPUT, "period_end": DATE_INPUT}


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(action, action) for action in Campaign.TRANSITIONS])


class QuestionActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=ActionPlan.objects.none(),
        required=False,
        empty_label=_("This year’s survey plan (created if needed)"),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = ActionPlan.objects.for_org(organization).open()  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    """One field ``q<id>`` per question; :meth:`values` returns what :func:`submit_response` stores."""

    # Honeypot: hidden from people by CSS, filled in by robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, questions: list[Question], ask_name: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if ask_name:  # a campaign that is not anonymous: the name is optional
            self.fields["respondent_name"] = forms.CharField(
                label=_("Your name (optional)"),
                help_text=_("This survey is not anonymous: only the team that runs it sees your name."),
                max_length=200,
                required=False,
            )
        # Display order (sections, then questions) is also the order conditions are evaluated in.
        self.questions = sorted(questions, key=_display_order)
        self.by_name: dict[str, Question] = {}
        for question in questions:
            name = f"q{question.pk}"
            self.by_name[name] = question
            self.fields[name] = self._field(question)

    @staticmethod
    def _field(question: Question) -> forms.Field:
        label = question.text
        help_text = question.help_text
        errors = {"invalid_choice": CHOICE_INVALID}
        options = question.token_options(list(question.choices.all()))
        if question.kind == Question.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                label=label,
                help_text=help_text,
                required=False,
                choices=options,
                widget=forms.CheckboxSelectMultiple,
                error_messages=errors,
            )
        if options:
            return forms.ChoiceField(
                label=label,
                help_text=help_text,
                required=False,
                choices=options,
                widget=forms.RadioSelect,
                error_messages=errors,
            )
        if question.kind == Question.Kind.NUMBER:
            return forms.CharField(
                label=label, help_text=help_text, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
            )
        widget = forms.Textarea(attrs={"rows": 4}) if question.kind == Question.Kind.LONG_TEXT else forms.TextInput
        return forms.CharField(label=label, help_text=help_text, required=False, widget=widget)

    @property
    def is_robot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tokens: dict[int, set[str]] = {}
        visible: set[int] = set()
        self._values: dict[int, Any] = {}
        for question in self.questions:
            name = f"q{question.pk}"
            if question.condition_question_id is not None and (
                question.condition_question_id not in visible
                or question.condition_value not in tokens.get(question.condition_question_id, set())
            ):
                continue  # hidden by its condition: neither required nor stored
            visible.add(question.pk)
            if name in self.errors:
                continue
            value = self._parse(question, name, data.get(name))
            if value in (None, "", []):
                if question.required and name not in self.errors:
                    self.add_error(name, ANSWER_REQUIRED)
                continue
            self._values[question.pk] = value
            tokens[question.pk] = {str(v) for v in value} if isinstance(value, list) else {_token(value)}
        return data

    def _parse(self, question: Question, name: str, raw: Any) -> Any:
        if question.kind in (Question.Kind.LIKERT, Question.Kind.NPS) and raw:
            return Decimal(raw)
        if question.kind == Question.Kind.NUMBER:
            return self._number(question, name, str(raw or "").strip())
        if question.is_text:
            text = str(raw or "").strip()
            if len(text) > question.text_limit:
                self.add_error(
                    name,
                    forms.ValidationError(
                        TEXT_TOO_LONG,
                        params={
                            "limit": number_format(question.text_limit, force_grouping=True),
                            "count": number_format(len(text), force_grouping=True),
                        },
                    ),
                )
                return None
            return text
        return raw

    def _number(self, question: Question, name: str, raw: str) -> Decimal | None:
        if not raw:
            return None
        try:
            number = Decimal(raw.replace(",", ".").replace(" ", "").replace("\u202f", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) > NUMBER_LIMIT:
            self.add_error(name, NUMBER_INVALID)
            return None
        low, high = question.min_value, question.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                message = forms.ValidationError(NUMBER_BETWEEN, params={"min": low, "max": high})
            elif low is not None:
                message = forms.ValidationError(NUMBER_AT_LEAST, params={"min": low})
            else:
                message = forms.ValidationError(NUMBER_AT_MOST, params={"max": high})
            self.add_error(name, message)
            return None
        return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def respondent_name(self) -> str:
        """The name given on a campaign that is not anonymous, else "" (after :meth:`is_valid`)."""
        return str(self.cleaned_data.get("respondent_name") or "").strip()

    def values(self) -> dict[int, Any]:
        """Answers of the visible questions, by question id (after :meth:`is_valid`)."""
        return dict(self._values)

    def sections(self) -> list[tuple[Section | None, list[tuple[forms.BoundField, Question, str]]]]:
        """(bound field, question, label of its condition's answer) grouped by section, in display order."""
        by_id = {question.pk: question for question in self.questions}
        groups: dict[int | None, tuple[Section | None, list[tuple[forms.BoundField, Question, str]]]] = {}
        for question in self.questions:
            condition = by_id.get(question.condition_question_id or 0)
            labels = dict(condition.token_options(list(condition.choices.all()))) if condition else {}
            groups.setdefault(question.section_id, (question.section, []))[1].append(
                (self[f"q{question.pk}"], question, labels.get(question.condition_value, question.condition_value))
            )
        return list(groups.values())


def _display_order(question: Question) -> tuple[int, int, int, int]:
    section = question.section
    return (
        (section.position, section.pk, question.position, question.pk)
        if section
        else (-1, 0, question.position, question.pk)
    )


def _token(value: Any) -> str:
    if isinstance(value, Decimal):
        normalized = value.normalize()
        return format(normalized, "f")
    return str(value)
