"""Writes on action plans: each runs in one transaction, checks the organization, records who acted.

Other apps open actions from their findings with :func:`create_plan` and :func:`create_action`
(keyword-only, every argument but the title optional), then point the action at its source with
``core.services.link_objects(action, source, kind=Link.Kind.SOURCE, acting=...)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core import services as core_services
from ameliora.core.models import Link, Membership, Organization
from ameliora.plans.models import (
    ALREADY_ACKNOWLEDGED,
    NOT_IN_AUDIENCE,
    PLAN_CLOSED,
    Acknowledgement,
    Action,
    ActionPlan,
    Communication,
    FinalReview,
    Objective,
    ProgressReview,
    Revision,
    Tool,
)

OTHER_ORGANIZATION = gettext_lazy("This person or object belongs to another organization.")
TOOL_NEEDS_CONTENT = gettext_lazy("Give the tool a link or attach its file.")
REVISION_NEEDS_CHANGE = gettext_lazy("A revision adds actions or changes an objective's target.")


def _same_org(organization: Organization, *objects: models.Model | None) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "organization_id", None) != organization.pk:
            raise ValidationError(OTHER_ORGANIZATION, code="other_organization")


def _open_for_changes(plan: ActionPlan) -> None:
    if plan.is_closed:
        raise ValidationError(PLAN_CLOSED, code="plan_closed")


def next_plan_code(organization: Organization, year: int | None = None) -> str:
    """``PAQ-<year>-<n>``: the next free number of the year in this organization."""
    year = year or timezone.localdate().year
    prefix = f"PAQ-{year}-"
    taken = set(ActionPlan.objects.for_org(organization).filter(code__startswith=prefix).values_list("code", flat=True))
    number = len(taken) + 1
    while f"{prefix}{number:02d}" in taken:
        number += 1
    return f"{prefix}{number:02d}"


# --- plans ---------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *,
    acting: Membership,
    title: str,
    code: str = "",
    scope_kind: str = ActionPlan.ScopeKind.ORGANIZATION,
    scope_label: str = "",
    owner: Membership | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    context: str = "",
    sources: Iterable[models.Model] = (),
) -> ActionPlan:
    """Create a draft plan (owned by ``acting`` unless told) and link it to what revealed the need."""
    organization = acting.organization
    owner = owner or acting
    _same_org(organization, owner)
    plan = ActionPlan(
        organization=organization,
        code=code or next_plan_code(organization),
        title=title,
        scope_kind=scope_kind,
        scope_label=scope_label,
        owner=owner,
        start_date=start_date,
        end_date=end_date,
        context=context,
    )
    plan.full_clean()
    plan.save()
    for source in sources:
        core_services.link_objects(plan, source, kind=Link.Kind.SOURCE, acting=acting)
    return plan


@transaction.atomic
def update_plan(plan: ActionPlan, *, acting: Membership, **fields: Any) -> ActionPlan:
    _open_for_changes(plan)
    _same_org(plan.organization, fields.get("owner"))
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save(update_fields=list(fields))
    return plan


@transaction.atomic
def change_plan_status(plan: ActionPlan, *, wanted: str, acting: Membership) -> ActionPlan:
    """Run the plan's transition towards ``wanted`` (the model refuses what its workflow forbids)."""
    plan.save(update_fields=plan.move_to(wanted, by=acting))
    return plan


# --- objectives -----------------------------------------------------------------------------------


@transaction.atomic
def add_objective(
    plan: ActionPlan,
    *,
    acting: Membership,
    statement: str,
    rationale: str = "",
    target_description: str = "",
    target_value: Decimal | None = None,
    deadline: date | None = None,
) -> Objective:
    _open_for_changes(plan)
    position = (plan.objectives.aggregate(m=Max("position"))["m"] or 0) + 1
    return Objective.objects.create(
        organization=plan.organization,
        plan=plan,
        statement=statement,
        rationale=rationale,
        target_description=target_description,
        target_value=target_value,
        deadline=deadline,
        position=position,
    )


@transaction.atomic
def update_objective(objective: Objective, *, acting: Membership, **fields: Any) -> Objective:
    _open_for_changes(objective.plan)
    for name, value in fields.items():
        setattr(objective, name, value)
    objective.save(update_fields=list(fields))
    return objective


# --- actions --------------------------------------------------------------------------------------


@transaction.atomic
def get_or_create_plan(*, acting: Membership, code: str, title: str, context: str = "") -> ActionPlan:
    """The organization's plan with this code, created (as a draft owned by ``acting``) the first time.

    Modules that collect findings all year long (events, surveys) keep their actions in one plan per
    year, found again by its code, e.g. ``PAQ-EI-2026``.
    """
    existing = ActionPlan.objects.for_org(acting.organization).filter(code=code).first()
    if existing is not None:
        return existing
    return create_plan(acting=acting, code=code, title=title, context=context)


def single_plan(organization: Organization) -> ActionPlan | None:
    """The plan chosen to receive every module's actions, or ``None`` (one plan per source and year)."""
    return ActionPlan.objects.for_org(organization).filter(receives_all_actions=True).first()


@transaction.atomic
def choose_single_plan(*, acting: Membership, plan: ActionPlan | None) -> None:
    """Send every module's actions to ``plan`` by default, or (``None``) back to one plan per source and year.

    The flag moves plan by plan (not with ``update()``) so that each plan's history says who changed it.
    """
    if plan is not None:
        _same_org(acting.organization, plan)
        _open_for_changes(plan)
    for previous in ActionPlan.objects.for_org(acting.organization).filter(receives_all_actions=True):
        if plan is None or previous.pk != plan.pk:
            previous.receives_all_actions = False
            previous.save(update_fields=["receives_all_actions"])
    if plan is not None and not plan.receives_all_actions:
        plan.receives_all_actions = True
        plan.save(update_fields=["receives_all_actions"])


@transaction.atomic
def default_plan(*, acting: Membership, code: str, title: str, context: str = "") -> ActionPlan:
    """Where an action opened from a module's finding goes when nobody chose a plan for it.

    The organization's single plan when it has chosen one and that plan is still open (seed 001: the
    care service's QSE plan fed by its quality circle); otherwise the source's own plan, found again by
    its ``code`` (e.g. ``PAQ-EI-2026``) and created the first time.
    """
    chosen = single_plan(acting.organization)
    if chosen is not None and not chosen.is_closed:
        return chosen
    return get_or_create_plan(acting=acting, code=code, title=title, context=context)


@transaction.atomic
def create_action(
    plan: ActionPlan,
    *,
    acting: Membership,
    title: str,
    description: str = "",
    objective: Objective | None = None,
    owner: Membership | None = None,
    participants: Iterable[Membership] = (),
    start_date: date | None = None,
    due_date: date | None = None,
    priority: str = Action.Priority.NORMAL,
    phase: str = Action.Phase.DO,
    effort: str = "",
    source: models.Model | None = None,
    revision: Revision | None = None,
) -> Action:
    """Add an action to ``plan``; ``source`` (any object of the organization) is linked as its origin."""
    _open_for_changes(plan)
    participants = list(participants)
    _same_org(plan.organization, owner, objective, *participants)
    if objective is not None and objective.plan_id != plan.pk:
        raise ValidationError(OTHER_ORGANIZATION, code="other_plan")
    position = (plan.actions.aggregate(m=Max("position"))["m"] or 0) + 1
    action = Action(
        organization=plan.organization,
        plan=plan,
        objective=objective,
        revision=revision,
        title=title,
        description=description,
        owner=owner,
        start_date=start_date,
        due_date=due_date,
        priority=priority,
        phase=phase,
        effort=effort,
        position=position,
    )
    action.full_clean(exclude=["participants"])
    action.save()
    if participants:
        action.participants.set(participants)
    if source is not None:
        core_services.link_objects(action, source, kind=Link.Kind.SOURCE, acting=acting)
    if owner is not None and owner.pk != acting.pk:
        core_services.notify(
            [owner.user],
            organization=plan.organization,
            title=lambda: _("An action of plan %(code)s was given to you") % {"code": plan.code},
            url=action.get_absolute_url(),
        )
    return action


@transaction.atomic
def update_action(
    action: Action, *, acting: Membership, participants: Iterable[Membership] | None = None, **fields: Any
) -> Action:
    _open_for_changes(action.plan)
    _same_org(action.organization, fields.get("owner"), fields.get("objective"))
    previous_owner_id = action.owner_id
    for name, value in fields.items():
        setattr(action, name, value)
    action.full_clean(exclude=["participants"])
    action.save(update_fields=list(fields))
    if participants is not None:
        people = list(participants)
        _same_org(action.organization, *people)
        action.participants.set(people)
    if action.owner is not None and action.owner_id not in (previous_owner_id, acting.pk):
        core_services.notify(
            [action.owner.user],
            organization=action.organization,
            title=lambda: _("An action of plan %(code)s was given to you") % {"code": action.plan.code},
            url=action.get_absolute_url(),
        )
    return action


@transaction.atomic
def move_action(action: Action, *, wanted: str, acting: Membership) -> Action:
    """Move an action on the board; the model's workflow refuses forbidden moves."""
    _open_for_changes(action.plan)
    action.save(update_fields=action.move_to(wanted, by=acting))
    return action


@transaction.atomic
def set_action_progress(action: Action, *, progress: int, acting: Membership) -> Action:
    _open_for_changes(action.plan)
    action.progress = max(0, min(100, progress))
    fields = ["progress"]
    if action.status == Action.Status.PLANNED and action.progress > 0:
        fields += action.start(by=acting)
    action.save(update_fields=fields)
    return action


def may_update_action(membership: Membership, action: Action, *, participant_ids: Iterable[int] = ()) -> bool:
    """Editors update any action; others only the actions they own or take part in."""
    from ameliora.core.permissions import can

    if can(membership, "plans.edit"):
        return True
    if not can(membership, "actions.update_own"):
        return False
    return action.owner_id == membership.pk or membership.pk in set(participant_ids)


# --- tools, communication, reviews, revisions -----------------------------------------------------


@transaction.atomic
def add_tool(
    plan: ActionPlan,
    *,
    acting: Membership,
    kind: str,
    title: str,
    description: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
) -> Tool:
    if not url and upload is None:
        raise ValidationError(TOOL_NEEDS_CONTENT, code="tool_empty")
    tool = Tool.objects.create(
        organization=plan.organization,
        plan=plan,
        kind=kind,
        title=title,
        description=description,
        url=url,
        created_by=acting,
    )
    if upload is not None:
        core_services.add_attachment(tool, upload=upload, acting=acting)
    return tool


@transaction.atomic
def record_communication(
    plan: ActionPlan,
    *,
    acting: Membership,
    kind: str,
    date: date,
    audience: str = "",
    audience_members: Iterable[Membership] = (),
    material: str = "",
    upload: UploadedFile | None = None,
) -> Communication:
    """Record a communication (and the support shown, as its attachment); the members named are asked
    to acknowledge it. A support refused by the upload checks records nothing."""
    members = list(audience_members)
    _same_org(plan.organization, *members)
    communication = Communication.objects.create(
        organization=plan.organization,
        plan=plan,
        kind=kind,
        date=date,
        audience=audience,
        material=material,
        recorded_by=acting,
    )
    if upload is not None:
        core_services.add_attachment(communication, upload=upload, acting=acting)
    if members:
        communication.audience_members.set(members)
        core_services.notify(
            [m.user for m in members if m.pk != acting.pk],
            organization=plan.organization,
            title=lambda: _("Plan %(code)s: a communication awaits your acknowledgement") % {"code": plan.code},
            url=plan.get_absolute_url() + "#communication",
        )
    return communication


@transaction.atomic
def remove_plan_record(record: Tool | Communication | ProgressReview, *, acting: Membership) -> None:
    """Take back a tool, a communication (with its acknowledgements) or a progress review recorded by
    mistake. The plan must be open; the history keeps what was removed and who removed it."""
    _same_org(acting.organization, record)
    _open_for_changes(record.plan)
    record.delete()


@transaction.atomic
def acknowledge(communication: Communication, *, member: Membership, when: Any = None) -> Acknowledgement:
    """Record the member's "I have read / I was there" once; refuse members outside a named audience."""
    _same_org(communication.organization, member)
    named = communication.audience_members.all()
    if named.exists() and not named.filter(pk=member.pk).exists():
        raise ValidationError(NOT_IN_AUDIENCE, code="not_in_audience")
    try:
        with transaction.atomic():
            return Acknowledgement.objects.create(
                organization=communication.organization,
                communication=communication,
                member=member,
                acknowledged_at=when or timezone.now(),
            )
    except IntegrityError as exc:
        raise ValidationError(ALREADY_ACKNOWLEDGED, code="already_acknowledged") from exc


@dataclass(frozen=True)
class Adherence:
    acknowledged: int
    audience: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.acknowledged / self.audience) if self.audience else None


def communications_with_adherence(plan: ActionPlan) -> list[tuple[Communication, Adherence]]:
    """Each communication of the plan with its adherence: share of its audience who acknowledged.

    The audience is the members named, else every member of the organization. Three queries in all.
    """
    team_size = Membership.objects.for_org(plan.organization).count()
    communications = (
        plan.communications.annotate(
            ack_count=Count("acknowledgements", distinct=True),
            named_count=Count("audience_members", distinct=True),
        )
        .prefetch_related("acknowledgements__member__user")
        .order_by("date", "pk")
    )
    return [(c, Adherence(c.ack_count, c.named_count or team_size)) for c in communications]


@transaction.atomic
def add_progress_review(
    plan: ActionPlan,
    *,
    acting: Membership,
    review_date: date,
    done_summary: str,
    obstacles: str = "",
    indicator_values: str = "",
) -> ProgressReview:
    return ProgressReview.objects.create(
        organization=plan.organization,
        plan=plan,
        review_date=review_date,
        done_summary=done_summary,
        obstacles=obstacles,
        indicator_values=indicator_values,
        recorded_by=acting,
    )


@transaction.atomic
def record_final_review(
    plan: ActionPlan,
    *,
    acting: Membership,
    review_date: date,
    before_after: str,
    lessons: str,
    outcomes: dict[int, str],
) -> FinalReview:
    """Write (or rewrite) the plan's final review and set each objective met / not met."""
    review, _created = FinalReview.objects.update_or_create(
        plan=plan,
        defaults={
            "organization": plan.organization,
            "review_date": review_date,
            "before_after": before_after,
            "lessons": lessons,
            "recorded_by": acting,
        },
    )
    for objective in plan.objectives.filter(pk__in=list(outcomes)):
        status = Objective.Status(outcomes[objective.pk])
        if objective.status != status:
            objective.status = status
            objective.save(update_fields=["status"])
    return review


@transaction.atomic
def revise_plan(
    plan: ActionPlan,
    *,
    acting: Membership,
    revision_date: date,
    description: str,
    objective: Objective | None = None,
    new_target: str = "",
    new_actions: Sequence[str] = (),
) -> Revision:
    """Adopt an improvement axis: change an objective's target and/or add actions, all or nothing.

    A closed plan is reopened (its status goes back to active) since it has work to do again.
    """
    titles = [t.strip() for t in new_actions if t.strip()]
    if not titles and not (objective is not None and new_target.strip()):
        raise ValidationError(REVISION_NEEDS_CHANGE, code="revision_empty")
    if objective is not None and objective.plan_id != plan.pk:
        raise ValidationError(OTHER_ORGANIZATION, code="other_plan")
    if plan.is_closed:
        plan.save(update_fields=plan.activate(by=acting))
    revision = Revision.objects.create(
        organization=plan.organization,
        plan=plan,
        revision_date=revision_date,
        description=description,
        objective=objective if new_target.strip() else None,
        previous_target=objective.target_description if objective is not None and new_target.strip() else "",
        new_target=new_target.strip(),
        proposed_by=acting,
    )
    if objective is not None and new_target.strip():
        objective.target_description = new_target.strip()
        objective.status = Objective.Status.IN_PROGRESS
        objective.save(update_fields=["target_description", "status"])
    for title in titles:
        create_action(plan, acting=acting, title=title, objective=objective, revision=revision, owner=acting)
    return revision
