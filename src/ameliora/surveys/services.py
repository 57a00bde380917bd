"""Every write of the surveys app: atomic, keyword-only, ``acting`` is the member doing it.

Public answers have no acting member: :func:`submit_response` takes the values already validated
by :class:`ameliora.surveys.forms.AnswerForm` and stores them, nothing about the respondent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core import webhooks
from ameliora.core.models import Link, Membership, WebhookTopic
from ameliora.core.services import link_objects
from ameliora.plans.models import Action, ActionPlan
from ameliora.plans.services import create_action, default_plan
from ameliora.surveys.models import (
    CAMPAIGN_FROZEN,
    CONDITION_SAME_QUESTIONNAIRE,
    CONDITION_VALUE_UNKNOWN,
    NO_QUESTIONS,
    NOT_PUBLISHED,
    QUESTIONNAIRE_LOCKED,
    Answer,
    Campaign,
    Choice,
    Question,
    Questionnaire,
    Response,
    Section,
)
from ameliora.surveys.templates_builtin import TEMPLATES

CAMPAIGN_NOT_OPEN = "not_open"
CAMPAIGN_OUTSIDE_PERIOD = "outside_period"
OUTSIDE_PERIOD = _("This survey takes answers only within its period.")
DUPLICATE_CHOICES = "duplicate_choices"
NEEDS_CHOICES = "needs_choices"
NEEDS_CHOICES_MESSAGE = _("Give at least two choices, one per line.")
DUPLICATE_CHOICES_MESSAGE = _("Each choice must be different.")
OTHER_QUESTIONNAIRE = _("This section belongs to another questionnaire.")

# One answer value per question id: a choice label, a list of labels (multiple), "yes"/"no", a
# Decimal (likert, NPS, number) or a text. Missing or empty = not answered.
AnswerValues = Mapping[int, Any]


def _check_editable(questionnaire: Questionnaire) -> None:
    if questionnaire.is_locked():
        raise ValidationError(QUESTIONNAIRE_LOCKED, code="locked")


@transaction.atomic
def create_questionnaire(*, acting: Membership, title: str, description: str = "") -> Questionnaire:
    return Questionnaire.objects.create(
        organization=acting.organization, title=title, description=description, created_by=acting
    )


@transaction.atomic
def update_questionnaire(questionnaire: Questionnaire, *, acting: Membership, title: str, description: str) -> None:
    questionnaire.title = title
    questionnaire.description = description
    questionnaire.save(update_fields=["title", "description"])


@transaction.atomic
def publish_questionnaire(questionnaire: Questionnaire, *, acting: Membership) -> None:
    if not questionnaire.questions.exists():
        raise ValidationError(NO_QUESTIONS, code="empty")
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.save(update_fields=["status"])


@transaction.atomic
def copy_template(*, acting: Membership, key: str) -> Questionnaire:
    """Copy the built-in template ``key`` into the member's organization, as a draft they can edit."""
    template = TEMPLATES[key]
    organization = acting.organization
    questionnaire = Questionnaire.objects.create(
        organization=organization,
        title=template.title,
        description=template.description,
        template_key=key,
        created_by=acting,
    )
    made: list[Question] = []
    position = 0
    for section_position, (section_title, questions) in enumerate(template.sections):
        section = Section.objects.create(
            organization=organization, questionnaire=questionnaire, title=section_title, position=section_position
        )
        for spec in questions:
            condition = spec.get("if")
            question = Question.objects.create(
                organization=organization,
                questionnaire=questionnaire,
                section=section,
                position=position,
                kind=spec["kind"],
                text=spec["text"],
                help_text=spec.get("help", ""),
                required=spec.get("required", False),
                min_value=spec.get("min"),
                max_value=spec.get("max"),
                condition_question=made[condition[0]] if condition else None,
                condition_value=condition[1] if condition else "",
            )
            Choice.objects.bulk_create(
                Choice(organization=organization, question=question, label=label, position=index)
                for index, label in enumerate(spec.get("choices", []))
            )
            made.append(question)
            position += 1
    return questionnaire


@transaction.atomic
def duplicate_questionnaire(questionnaire: Questionnaire, *, acting: Membership, title: str) -> Questionnaire:
    """A draft copy (sections, questions, choices, conditions) to change what a started campaign locked."""
    organization = questionnaire.organization
    copy = Questionnaire.objects.create(
        organization=organization,
        title=title,
        description=questionnaire.description,
        template_key=questionnaire.template_key,
        created_by=acting,
    )
    sections = {
        section.pk: Section.objects.create(
            organization=organization, questionnaire=copy, title=section.title, position=section.position
        )
        for section in questionnaire.sections.all()
    }
    made: dict[int, Question] = {}
    originals = list(questionnaire.questions.prefetch_related("choices").order_by("position", "pk"))
    for original in originals:
        made[original.pk] = Question.objects.create(
            organization=organization,
            questionnaire=copy,
            section=sections.get(original.section_id or 0),
            position=original.position,
            kind=original.kind,
            text=original.text,
            help_text=original.help_text,
            required=original.required,
            min_value=original.min_value,
            max_value=original.max_value,
            condition_value=original.condition_value,
        )
        Choice.objects.bulk_create(
            Choice(organization=organization, question=made[original.pk], label=c.label, position=c.position)
            for c in original.choices.all()
        )
    for original in originals:  # conditions point at the copies, once they all exist
        if original.condition_question_id in made:
            question = made[original.pk]
            question.condition_question = made[original.condition_question_id]
            question.save(update_fields=["condition_question"])
    return copy


@transaction.atomic
def save_section(
    questionnaire: Questionnaire, *, acting: Membership, title: str, section: Section | None = None
) -> Section:
    _check_editable(questionnaire)
    if section is None:
        last = questionnaire.sections.aggregate(last=Max("position"))["last"]
        return Section.objects.create(
            organization=questionnaire.organization,
            questionnaire=questionnaire,
            title=title,
            position=0 if last is None else last + 1,
        )
    section.title = title
    section.save(update_fields=["title"])
    return section


def _check_condition(question: Question, condition_question: Question | None, condition_value: str) -> None:
    if condition_question is None:
        return
    if condition_question.questionnaire_id != question.questionnaire_id or condition_question.pk == question.pk:
        raise ValidationError({"condition_question": CONDITION_SAME_QUESTIONNAIRE})
    options = {token for token, _label in condition_question.token_options()}
    if options and condition_value not in options:
        raise ValidationError({"condition_value": CONDITION_VALUE_UNKNOWN})


@transaction.atomic
def save_question(  # noqa: PLR0912 - choices, order and condition checks in one place
    questionnaire: Questionnaire,
    *,
    acting: Membership,
    fields: Mapping[str, Any],
    choices: Sequence[str] = (),
    question: Question | None = None,
) -> Question:
    """Create or update a question and replace its choices (choice kinds only; labels unique)."""
    _check_editable(questionnaire)
    labels = [label.strip() for label in choices if label.strip()]
    if fields["kind"] in Question.CHOICE_KINDS:
        if len(labels) < 2:
            raise ValidationError({"choices": NEEDS_CHOICES_MESSAGE}, code=NEEDS_CHOICES)
        if len(set(labels)) != len(labels):
            raise ValidationError({"choices": DUPLICATE_CHOICES_MESSAGE}, code=DUPLICATE_CHOICES)
    else:
        labels = []
    if question is None:
        last = questionnaire.questions.aggregate(last=Max("position"))["last"]
        question = Question(
            organization=questionnaire.organization,
            questionnaire=questionnaire,
            position=0 if last is None else last + 1,
        )
    for name, value in fields.items():
        setattr(question, name, value)
    if question.section is not None and question.section.questionnaire_id != questionnaire.pk:
        raise ValidationError({"section": OTHER_QUESTIONNAIRE})
    question.full_clean(exclude=["organization", "questionnaire", "condition_question", "section"])
    if question.pk is not None:
        _check_condition(question, question.condition_question, question.condition_value)
    question.save()
    if question.condition_question is not None:
        _check_condition(question, question.condition_question, question.condition_value)
    existing = {choice.label: choice for choice in question.choices.all()}
    for label in set(existing) - set(labels):
        existing[label].delete()
    for index, label in enumerate(labels):
        choice = existing.get(label)
        if choice is None:
            Choice.objects.create(organization=question.organization, question=question, label=label, position=index)
        elif choice.position != index:
            choice.position = index
            choice.save(update_fields=["position"])
    return question


@transaction.atomic
def delete_question(question: Question, *, acting: Membership) -> None:
    _check_editable(question.questionnaire)
    question.delete()


@transaction.atomic
def move_question(question: Question, *, acting: Membership, up: bool) -> None:
    """Swap the question with its neighbour in the questionnaire's order."""
    _check_editable(question.questionnaire)
    ordered = list(question.questionnaire.questions.order_by("position", "pk"))
    index = next(i for i, other in enumerate(ordered) if other.pk == question.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(ordered):
        return
    ordered[index], ordered[other_index] = ordered[other_index], ordered[index]
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def create_campaign(
    questionnaire: Questionnaire,
    *,
    acting: Membership,
    name: str,
    period_start: date,
    period_end: date,
    audience: str = "",
    audience_size: int | None = None,
    anonymous: bool = True,
) -> Campaign:
    campaign = Campaign(
        organization=questionnaire.organization,
        questionnaire=questionnaire,
        name=name,
        period_start=period_start,
        period_end=period_end,
        audience=audience,
        audience_size=audience_size,
        anonymous=anonymous,
        created_by=acting,
    )
    campaign.full_clean(exclude=["organization", "questionnaire", "created_by", "public_key"])
    campaign.save()
    return campaign


@transaction.atomic
def update_campaign(campaign: Campaign, *, acting: Membership, fields: Mapping[str, Any]) -> None:
    if campaign.is_frozen:
        raise ValidationError(CAMPAIGN_FROZEN, code="frozen")
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean(exclude=["organization", "questionnaire", "created_by", "public_key"])
    campaign.save(update_fields=list(fields))


@transaction.atomic
def transition_campaign(campaign: Campaign, *, acting: Membership | None, action: str) -> None:
    """Open or close; opening publishes nothing by itself: the questionnaire must be published.

    ``acting`` is None only when the daily job closes a campaign past its end (:func:`close_ended_campaigns`).
    """
    if action not in Campaign.TRANSITIONS:
        raise ValueError(f"Unknown campaign action {action!r}")
    campaign = Campaign.objects.select_for_update().select_related("questionnaire").get(pk=campaign.pk)
    if action == "open" and not campaign.questionnaire.is_published:
        raise ValidationError(NOT_PUBLISHED, code="not_published")
    if action == "open":
        if acting is None:
            raise ValueError("Only closing may happen without a member")
        fields = campaign.open(by=acting)
    else:
        fields = campaign.close(by=acting)
    campaign.save(update_fields=fields)
    if action == "close":
        webhooks.emit(
            campaign.organization,
            WebhookTopic.SURVEY_CLOSED,
            data={
                "campaign": {
                    "id": campaign.pk,
                    "name": campaign.name,
                    "period_start": campaign.period_start.isoformat(),
                    "period_end": campaign.period_end.isoformat(),
                    "responses": campaign.responses.count(),
                    "url": webhooks.absolute(campaign.get_absolute_url()),
                }
            },
        )


def close_ended_campaigns(*, today: date | None = None) -> int:
    """Close every open campaign whose period ended before ``today``, as a manager would (frozen).

    Idempotent: a closed campaign is no longer selected. Each campaign closes in its own transaction.
    """
    today = today or timezone.localdate()
    ended = Campaign.objects.filter(status=Campaign.Status.OPEN, period_end__lt=today).order_by("pk")
    count = 0
    for campaign in ended:
        transition_campaign(campaign, acting=None, action="close")
        count += 1
    return count


@transaction.atomic
def submit_response(
    campaign: Campaign,
    *,
    values: AnswerValues,
    mode: str = Response.Mode.PUBLIC,
    entered_by: Membership | None = None,
    respondent_name: str = "",
) -> Response:
    """Store one response: ``values`` come from a valid :class:`AnswerForm` (conditions applied).

    Public answers are accepted only while the campaign is open and within its period; staff may
    type paper answers in until it is closed. ``respondent_name`` is kept only when the campaign is
    not anonymous.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_frozen:
        raise ValidationError(CAMPAIGN_FROZEN, code="frozen")
    if mode == Response.Mode.PUBLIC and not campaign.is_open:
        raise ValidationError(CAMPAIGN_FROZEN, code=CAMPAIGN_NOT_OPEN)
    if mode == Response.Mode.PUBLIC and campaign.period_refusal(timezone.localdate()):
        raise ValidationError(OUTSIDE_PERIOD, code=CAMPAIGN_OUTSIDE_PERIOD)
    questions = {q.pk: q for q in campaign.questionnaire.questions.prefetch_related("choices")}
    response = Response.objects.create(
        organization=campaign.organization,
        campaign=campaign,
        mode=mode,
        entered_by=entered_by if mode == Response.Mode.PAPER else None,
        respondent_name="" if campaign.anonymous else respondent_name.strip()[:200],
    )
    rows: list[Answer] = []
    for question_id, value in values.items():
        question = questions.get(question_id)
        if question is None or value in (None, "", []):
            continue
        rows.extend(_answer_rows(response, question, value))
    Answer.objects.bulk_create(rows)
    return response


def _answer_rows(response: Response, question: Question, value: Any) -> Iterable[Answer]:
    base = {"organization": response.organization, "response": response, "question": question}
    if question.has_choices:
        by_label = {choice.label: choice for choice in question.choices.all()}
        labels = value if isinstance(value, list) else [value]
        for label in labels:
            if label in by_label:
                yield Answer(**base, choice=by_label[label])
    elif question.kind == Question.Kind.YES_NO or question.is_text:
        yield Answer(**base, text=str(value))
    else:
        yield Answer(**base, number=Decimal(value))


@transaction.atomic
def flag_identifying(answer: Answer, *, acting: Membership, hidden: bool) -> None:
    """Hide (or show again) a free text that names someone; history keeps both states and who."""
    answer.hidden_identifying = hidden
    answer.hidden_by = acting if hidden else None
    answer.hidden_at = timezone.now() if hidden else None
    answer.save(update_fields=["hidden_identifying", "hidden_by", "hidden_at"])


@transaction.atomic
def open_question_action(
    campaign: Campaign,
    question: Question,
    *,
    acting: Membership,
    title: str,
    plan: ActionPlan | None = None,
    plan_title: str = "",
) -> Action:
    """Open an action from a question's result.

    It goes in ``plan``, or the default one: the single plan, or the year's survey plan ``PAQ-ENQ-<year>``.

    The action's source is the question; it is also linked to the campaign (related) so that the
    results page can list the actions opened from it.
    """
    if plan is None:
        year = timezone.localdate().year
        plan = default_plan(acting=acting, code=f"PAQ-ENQ-{year}", title=plan_title)
    action = create_action(plan, acting=acting, title=title, source=question)
    link_objects(action, campaign, kind=Link.Kind.RELATED, acting=acting)
    return action
