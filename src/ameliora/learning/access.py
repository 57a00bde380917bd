"""Who sees a learning situation: its learner, its supervisor, and those with ``learning.view_all``.

Everyone else gets 404, as for another organization's rows. The predicate is registered with
``core.access`` so that attachments and downloads follow the same rule.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from ameliora.core.access import register_access_check, register_freeze_check
from ameliora.core.models import Membership, OrgQuerySet
from ameliora.core.permissions import can
from ameliora.learning.models import SITUATION_FROZEN, Competency, LearningSituation, TrainingNeed


def situations_for(membership: Membership) -> OrgQuerySet[LearningSituation]:
    situations = LearningSituation.objects.for_org(membership.organization)
    if can(membership, "learning.view_all"):
        return situations
    return situations.filter(Q(learner=membership) | Q(supervisor=membership))


def may_see_situation(membership: Membership, situation: models.Model) -> bool:
    if not isinstance(situation, LearningSituation):
        return False
    return situation.organization_id == membership.organization_id and (
        membership.pk in (situation.learner_id, situation.supervisor_id) or can(membership, "learning.view_all")
    )


def get_situation_for(membership: Membership, situation_id: int) -> LearningSituation:
    return get_object_or_404(
        situations_for(membership).select_related(
            "organization", "learner__user", "supervisor__user", "campaign__grid", "created_by"
        ),
        pk=situation_id,
    )


def may_see_learner(membership: Membership, learner: Membership) -> bool:
    """A learner's competency dashboard: the learner, a supervisor of one of their situations, managers."""
    if learner.organization_id != membership.organization_id:
        return False
    if learner.pk == membership.pk or can(membership, "learning.view_all"):
        return True
    return (
        LearningSituation.objects.for_org(membership.organization)
        .filter(learner=learner, supervisor=membership)
        .exists()
    )


def get_learner_for(membership: Membership, membership_id: int) -> Membership:
    learner = get_object_or_404(
        Membership.objects.for_org(membership.organization).select_related("user", "organization"), pk=membership_id
    )
    if not may_see_learner(membership, learner):
        raise Http404
    return learner


def get_competency_for(membership: Membership, competency_id: int) -> Competency:
    return get_object_or_404(Competency.objects.for_org(membership.organization), pk=competency_id)


def _frozen(obj: models.Model) -> str | None:
    return str(SITUATION_FROZEN) if isinstance(obj, LearningSituation) and obj.is_frozen else None


register_access_check(LearningSituation, may_see_situation)
register_freeze_check(LearningSituation, _frozen)


def training_needs_for(membership: Membership) -> OrgQuerySet[TrainingNeed]:
    """The whole plan for managers and supervisors; a member's own needs otherwise."""
    rows = TrainingNeed.objects.for_org(membership.organization)
    if can(membership, "learning.view_all") or can(membership, "learning.supervise"):
        return rows
    return rows.filter(member=membership)


def get_training_need_for(membership: Membership, need_id: int) -> TrainingNeed:
    return get_object_or_404(training_needs_for(membership).select_related("member__user", "organization"), pk=need_id)
