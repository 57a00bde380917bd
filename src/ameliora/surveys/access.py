"""The one way views and the API reach survey rows: scoped to the member's organization, else 404."""

from __future__ import annotations

from django.db import models
from django.shortcuts import get_object_or_404

from ameliora.core.access import register_freeze_check
from ameliora.core.models import Membership, OrgQuerySet
from ameliora.surveys.models import CAMPAIGN_FROZEN, Answer, Campaign, Question, Questionnaire, Section


def questionnaires_for(membership: Membership) -> OrgQuerySet[Questionnaire]:
    return Questionnaire.objects.for_org(membership.organization)


def campaigns_for(membership: Membership) -> OrgQuerySet[Campaign]:
    return Campaign.objects.for_org(membership.organization)


def get_questionnaire_for(membership: Membership, questionnaire_id: int) -> Questionnaire:
    return get_object_or_404(questionnaires_for(membership).select_related("organization"), pk=questionnaire_id)


def get_section_for(membership: Membership, section_id: int) -> Section:
    return get_object_or_404(
        Section.objects.for_org(membership.organization).select_related("questionnaire__organization"), pk=section_id
    )


def get_question_for(membership: Membership, question_id: int) -> Question:
    return get_object_or_404(
        Question.objects.for_org(membership.organization).select_related("questionnaire__organization", "section"),
        pk=question_id,
    )


def get_campaign_for(membership: Membership, campaign_id: int) -> Campaign:
    return get_object_or_404(campaigns_for(membership).select_related("organization", "questionnaire"), pk=campaign_id)


def get_answer_for(membership: Membership, answer_id: int) -> Answer:
    return get_object_or_404(
        Answer.objects.for_org(membership.organization).select_related("response__campaign", "question"),
        pk=answer_id,
    )


def _campaign_frozen(obj: models.Model) -> str | None:
    """A closed campaign takes no more evidence (its answers are frozen)."""
    campaign = obj if isinstance(obj, Campaign) else obj.response.campaign  # type: ignore[attr-defined]
    return str(CAMPAIGN_FROZEN) if campaign.is_frozen else None


for _model in (Campaign, Answer):
    register_freeze_check(_model, _campaign_frozen)
