"""Factories for plans. Call ``XFactory.create(...)`` (typed) rather than ``XFactory(...)``."""

# factory_boy types its factories (create() returns the model) but not its declarations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from factory.declarations import LazyFunction, SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory

from ameliora.core.models import Membership, Organization
from ameliora.core.tests.factories import OrganizationFactory
from ameliora.plans.models import Action, ActionPlan, Communication, Objective, ProgressReview, Tool


class PlanFactory(DjangoModelFactory[ActionPlan]):
    class Meta:
        model = ActionPlan

    organization = SubFactory(OrganizationFactory)
    code = Sequence(lambda n: f"PAQ-2026-{n:03d}")
    title = "Sécuriser la dispensation"
    scope_kind = ActionPlan.ScopeKind.PROCESS
    scope_label = "Circuit des produits de santé"
    status = ActionPlan.Status.ACTIVE
    start_date = LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    end_date = LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


class ObjectiveFactory(DjangoModelFactory[Objective]):
    class Meta:
        model = Objective

    plan = SubFactory(PlanFactory)
    organization = SelfAttribute("plan.organization")
    statement = "Mettre en place un double contrôle quotidien des dispensations"
    target_description = "≤ 1 erreur de dispensation par semaine"


class ActionFactory(DjangoModelFactory[Action]):
    class Meta:
        model = Action

    plan = SubFactory(PlanFactory)
    organization = SelfAttribute("plan.organization")
    title = Sequence(lambda n: f"Action n°{n}")
    start_date = LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    due_date = LazyFunction(lambda: timezone.localdate() + timedelta(days=20))


class CommunicationFactory(DjangoModelFactory[Communication]):
    class Meta:
        model = Communication

    plan = SubFactory(PlanFactory)
    organization = SelfAttribute("plan.organization")
    kind = Communication.Kind.MEETING
    date = LazyFunction(timezone.localdate)
    audience = "Toute l'équipe"


# For the project-wide tenancy walk: an object of ``organization`` for each URL keyword argument.
def any_plan_id(organization: Organization, owner: Membership) -> int:
    return PlanFactory.create(organization=organization, owner=owner).pk


def any_action_id(organization: Organization, owner: Membership) -> int:
    return ActionFactory.create(plan=PlanFactory.create(organization=organization), owner=owner).pk


def any_objective_id(organization: Organization, owner: Membership) -> int:
    return ObjectiveFactory.create(plan=PlanFactory.create(organization=organization)).pk


def any_communication_id(organization: Organization, owner: Membership) -> int:
    return CommunicationFactory.create(plan=PlanFactory.create(organization=organization)).pk


def any_tool_id(organization: Organization, owner: Membership) -> int:
    plan = PlanFactory.create(organization=organization)
    return Tool.objects.create(organization=organization, plan=plan, kind=Tool.Kind.CHECKLIST, title="Check-list").pk


def any_progress_review_id(organization: Organization, owner: Membership) -> int:
    plan = PlanFactory.create(organization=organization)
    return ProgressReview.objects.create(
        organization=organization, plan=plan, review_date=timezone.localdate(), done_summary="Point d'étape"
    ).pk
