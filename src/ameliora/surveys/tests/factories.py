"""Factories for surveys. Call ``XFactory.create(...)`` (typed) rather than ``XFactory(...)``."""

# factory_boy types its factories (create() returns the model) but not its declarations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from factory.declarations import LazyFunction, SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory

from ameliora.core.models import Membership, Organization
from ameliora.core.tests.factories import OrganizationFactory
from ameliora.surveys.models import Answer, Campaign, Choice, Question, Questionnaire, Response, Section


class QuestionnaireFactory(DjangoModelFactory[Questionnaire]):
    class Meta:
        model = Questionnaire

    organization = SubFactory(OrganizationFactory)
    title = Sequence(lambda n: f"Satisfaction des patients n°{n}")
    status = Questionnaire.Status.PUBLISHED


class SectionFactory(DjangoModelFactory[Section]):
    class Meta:
        model = Section

    questionnaire = SubFactory(QuestionnaireFactory)
    organization = SelfAttribute("questionnaire.organization")
    title = "Accueil"


class QuestionFactory(DjangoModelFactory[Question]):
    class Meta:
        model = Question

    questionnaire = SubFactory(QuestionnaireFactory)
    organization = SelfAttribute("questionnaire.organization")
    kind = Question.Kind.LIKERT
    text = Sequence(lambda n: f"L’accueil a été chaleureux ({n}).")
    position = Sequence(lambda n: n)


class ChoiceFactory(DjangoModelFactory[Choice]):
    class Meta:
        model = Choice

    question = SubFactory(QuestionFactory, kind=Question.Kind.SINGLE)
    organization = SelfAttribute("question.organization")
    label = Sequence(lambda n: f"Choix {n}")
    position = Sequence(lambda n: n)


class CampaignFactory(DjangoModelFactory[Campaign]):
    class Meta:
        model = Campaign

    questionnaire = SubFactory(QuestionnaireFactory)
    organization = SelfAttribute("questionnaire.organization")
    name = Sequence(lambda n: f"Enquête n°{n}")
    period_start = LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    period_end = LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    status = Campaign.Status.OPEN


class ResponseFactory(DjangoModelFactory[Response]):
    class Meta:
        model = Response

    campaign = SubFactory(CampaignFactory)
    organization = SelfAttribute("campaign.organization")


class AnswerFactory(DjangoModelFactory[Answer]):
    class Meta:
        model = Answer

    response = SubFactory(ResponseFactory)
    organization = SelfAttribute("response.organization")
    question = SubFactory(
        QuestionFactory, kind=Question.Kind.LONG_TEXT, questionnaire=SelfAttribute("..response.campaign.questionnaire")
    )
    text = "Très bon accueil."


# The tenancy walk (core/tests/test_tenancy.py): one object of the given organization per URL argument.
def any_questionnaire_id(organization: Organization, owner: Membership) -> int:
    return QuestionnaireFactory.create(organization=organization).pk


def any_section_id(organization: Organization, owner: Membership) -> int:
    return SectionFactory.create(questionnaire__organization=organization).pk


def any_question_id(organization: Organization, owner: Membership) -> int:
    return QuestionFactory.create(questionnaire__organization=organization).pk


def any_survey_campaign_id(organization: Organization, owner: Membership) -> int:
    return CampaignFactory.create(questionnaire__organization=organization).pk


def any_survey_answer_id(organization: Organization, owner: Membership) -> int:
    campaign = CampaignFactory.create(questionnaire__organization=organization)
    question = QuestionFactory.create(questionnaire=campaign.questionnaire, kind=Question.Kind.LONG_TEXT)
    return AnswerFactory.create(response__campaign=campaign, question=question).pk
