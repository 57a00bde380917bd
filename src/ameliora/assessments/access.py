"""The one way views and the API reach grids, campaigns and answers: scoped to the member's
organization, else 404. Who may *answer* what is decided here too (:func:`answerable_sections`)."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ameliora.assessments.models import CAMPAIGN_FROZEN, Answer, Campaign, Criterion, Grid, Respondent
from ameliora.core.access import register_freeze_check
from ameliora.core.models import Membership
from ameliora.core.permissions import can


def grids_for(membership: Membership) -> QuerySet[Grid]:
    return Grid.objects.for_org(membership.organization)


def get_grid_for(membership: Membership, grid_id: int) -> Grid:
    return get_object_or_404(grids_for(membership).select_related("organization"), pk=grid_id)


def get_criterion_for(membership: Membership, criterion_id: int) -> Criterion:
    return get_object_or_404(
        Criterion.objects.for_org(membership.organization).select_related("grid", "section", "organization"),
        pk=criterion_id,
    )


def campaigns_for(membership: Membership) -> QuerySet[Campaign]:
    return Campaign.objects.for_org(membership.organization)


def get_campaign_for(membership: Membership, campaign_id: int) -> Campaign:
    return get_object_or_404(
        campaigns_for(membership).select_related("grid", "organization", "previous", "closed_by__user"),
        pk=campaign_id,
    )


def get_answer_for(membership: Membership, campaign: Campaign, answer_id: int) -> Answer:
    """An answer of ``campaign`` (itself reached through :func:`get_campaign_for`)."""
    return get_object_or_404(
        Answer.objects.for_org(membership.organization)
        .filter(campaign=campaign)
        .select_related("criterion__section", "campaign__grid", "organization", "answered_by"),
        pk=answer_id,
    )


def get_respondent_for(membership: Membership, campaign: Campaign, respondent_id: int) -> Respondent:
    return get_object_or_404(
        Respondent.objects.for_org(membership.organization).filter(campaign=campaign), pk=respondent_id
    )


def answerable_sections(membership: Membership, campaign: Campaign) -> set[int] | None:
    """Ids of the sections ``membership`` may answer in ``campaign``; ``None`` means every section.

    Nobody answers a campaign that is not open. Managers (``assessments.manage``) may answer any
    section, as the quality referent completes or corrects with the team. A respondent needs
    ``assessments.answer`` and answers the sections chosen for them (all when none was chosen).
    """
    if campaign.status != Campaign.Status.OPEN:
        return set()
    if can(membership, "assessments.manage"):
        return None
    if not can(membership, "assessments.answer"):
        return set()
    respondent = (
        Respondent.objects.for_org(membership.organization)
        .filter(campaign=campaign, membership=membership)
        .prefetch_related("sections")
        .first()
    )
    if respondent is None:
        return set()
    chosen = {section.pk for section in respondent.sections.all()}
    return chosen or None


def may_answer(allowed: set[int] | None, section_id: int) -> bool:
    return allowed is None or section_id in allowed


def _answer_frozen(answer: models.Model) -> str | None:
    """Evidence joins an answer only while its campaign is not closed (a closed campaign is frozen)."""
    frozen = isinstance(answer, Answer) and answer.campaign.is_frozen
    return str(CAMPAIGN_FROZEN) if frozen else None


register_freeze_check(Answer, _answer_frozen)
