"""Every write of practice evaluations: atomic, keyword-only, with the acting member."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core.models import Membership
from ameliora.evaluations.models import NOT_COLLECTING, AuditCase, CaseAnswer, Criterion, Evaluation
from ameliora.plans import services as plan_services
from ameliora.plans.models import Action, ActionPlan

OTHER_ORGANIZATION = gettext_lazy("This person or object belongs to another organization.")
ALL_CRITERIA = gettext_lazy("Answer every criterion (yes, no or not applicable).")


def _same_org(evaluation: Evaluation, *objects: models.Model | None) -> None:
    for obj in objects:
        if obj is not None and obj.organization_id != evaluation.organization_id:  # type: ignore[attr-defined]
            raise ValidationError(OTHER_ORGANIZATION, code="other_organization")


@transaction.atomic
def create_evaluation(*, acting: Membership, criteria: Iterable[str] = (), **fields: Any) -> Evaluation:
    evaluation = Evaluation(organization=acting.organization, **fields)
    _same_org(evaluation, evaluation.owner)
    evaluation.full_clean()
    evaluation.save()
    set_criteria(evaluation, criteria=criteria, acting=acting)
    return evaluation


@transaction.atomic
def update_evaluation(evaluation: Evaluation, *, acting: Membership, **fields: Any) -> Evaluation:
    for name, value in fields.items():
        setattr(evaluation, name, value)
    _same_org(evaluation, evaluation.owner)
    evaluation.full_clean()
    evaluation.save(update_fields=list(fields))
    return evaluation


@transaction.atomic
def set_criteria(evaluation: Evaluation, *, criteria: Iterable[str], acting: Membership) -> None:
    """Replace the criteria (one statement each); refused once cases have been recorded."""
    statements = [s.strip() for s in criteria if s.strip()]
    existing = [c.statement for c in evaluation.criteria.all()]
    if statements == existing:
        return
    if evaluation.cases.exists():
        raise ValidationError(_("Cases are already recorded: the criteria can no longer change."), code="has_cases")
    evaluation.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(evaluation=evaluation, position=i, statement=s[:300]) for i, s in enumerate(statements, start=1)
    )


@transaction.atomic
def move_evaluation(evaluation: Evaluation, *, wanted: str, acting: Membership) -> Evaluation:
    if wanted == Evaluation.Status.IN_PROGRESS and evaluation.is_audit and not evaluation.criteria.exists():
        raise ValidationError(_("Write the audit's criteria before collecting cases."), code="no_criteria")
    evaluation.move_to(wanted)
    evaluation.save(update_fields=["status", "closed_at"])
    return evaluation


@transaction.atomic
def record_case(
    evaluation: Evaluation,
    *,
    acting: Membership,
    label: str,
    answers: Mapping[int, str],
    observed_on: date | None = None,
) -> AuditCase:
    """Record one observed case with an answer to every criterion, or nothing."""
    if evaluation.status != Evaluation.Status.IN_PROGRESS:
        raise ValidationError(NOT_COLLECTING, code="not_collecting")
    criteria = list(evaluation.criteria.all())
    if {c.pk for c in criteria} != set(answers) or any(v not in CaseAnswer.Value.values for v in answers.values()):
        raise ValidationError(ALL_CRITERIA, code="incomplete")
    if evaluation.cases.filter(label=label).exists():
        raise ValidationError(
            {"label": _("Case “%(label)s” is already recorded in this audit.") % {"label": label}}, code="duplicate"
        )
    case = AuditCase(
        organization=evaluation.organization,
        evaluation=evaluation,
        label=label,
        observed_on=observed_on or timezone.localdate(),
        observer=acting,
    )
    case.full_clean()
    case.save()
    CaseAnswer.objects.bulk_create(CaseAnswer(case=case, criterion=c, value=answers[c.pk]) for c in criteria)
    return case


@transaction.atomic
def update_case(
    case: AuditCase,
    *,
    acting: Membership,
    label: str,
    answers: Mapping[int, str],
    observed_on: date | None = None,
) -> AuditCase:
    """Correct a recorded case (label, day, every answer) while its round is collecting; a closed round is frozen."""
    evaluation = case.evaluation
    if evaluation.status != Evaluation.Status.IN_PROGRESS:
        raise ValidationError(NOT_COLLECTING, code="not_collecting")
    criteria = list(evaluation.criteria.all())
    if {c.pk for c in criteria} != set(answers) or any(v not in CaseAnswer.Value.values for v in answers.values()):
        raise ValidationError(ALL_CRITERIA, code="incomplete")
    if evaluation.cases.filter(label=label).exclude(pk=case.pk).exists():
        raise ValidationError(
            {"label": _("Case “%(label)s” is already recorded in this audit.") % {"label": label}}, code="duplicate"
        )
    case.label = label
    case.observed_on = observed_on or case.observed_on
    case.full_clean()
    case.save(update_fields=["label", "observed_on"])
    current = {a.criterion_id: a for a in case.answers.all()}
    for criterion in criteria:  # row by row, so that the history records each corrected answer
        answer = current.get(criterion.pk)
        if answer is None:
            CaseAnswer.objects.create(case=case, criterion=criterion, value=answers[criterion.pk])
        elif answer.value != answers[criterion.pk]:
            answer.value = answers[criterion.pk]
            answer.save(update_fields=["value"])
    return case


@transaction.atomic
def delete_case(case: AuditCase, *, acting: Membership) -> None:
    if case.evaluation.status != Evaluation.Status.IN_PROGRESS:
        raise ValidationError(NOT_COLLECTING, code="not_collecting")
    case.delete()


@transaction.atomic
def start_next_round(evaluation: Evaluation, *, acting: Membership) -> Evaluation:
    """A new audit on the same criteria, pointing back at this one so that both rounds compare."""
    if evaluation.status != Evaluation.Status.CLOSED:
        raise ValidationError(_("Close this round before starting the next one."), code="not_closed")
    round_number = 2
    walker = evaluation
    while walker.previous_id is not None and walker.previous is not None:
        round_number += 1
        walker = walker.previous
    return create_evaluation(
        acting=acting,
        method=evaluation.method,
        title=_("%(title)s — round %(n)s") % {"title": walker.title, "n": round_number},
        purpose=evaluation.purpose,
        owner=evaluation.owner,
        planned_sample=evaluation.planned_sample,
        previous=evaluation,
        criteria=[c.statement for c in evaluation.criteria.all()],
    )


@transaction.atomic
def open_action(
    evaluation: Evaluation,
    *,
    acting: Membership,
    title: str,
    criterion: Criterion | None = None,
    plan: ActionPlan | None = None,
    owner: Membership | None = None,
    due_date: date | None = None,
) -> Action:
    """An action whose source is the evaluation (criterion named).

    It goes in the chosen plan, or the default one: the single plan, or the year's EPP plan.
    """
    _same_org(evaluation, plan, owner)
    if criterion is not None and criterion.evaluation_id != evaluation.pk:
        raise ValidationError(OTHER_ORGANIZATION, code="other_evaluation")
    if plan is None:
        year = timezone.localdate().year
        plan = plan_services.default_plan(
            acting=acting,
            code=f"PAQ-EPP-{year}",
            title=_("Practice evaluations %(year)s") % {"year": year},
            context=_("Actions decided from the results of practice evaluations."),
        )
    return plan_services.create_action(
        plan,
        acting=acting,
        title=title,
        description=_("Criterion: %(statement)s") % {"statement": criterion.statement} if criterion else "",
        owner=owner,
        due_date=due_date,
        phase=Action.Phase.ACT,
        source=evaluation,
    )
