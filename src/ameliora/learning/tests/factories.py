"""Builders for learning tests, written with the services so rows look like the app's own."""

from __future__ import annotations

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.factories import MembershipFactory
from ameliora.learning import services
from ameliora.learning.models import Competency, LearningSituation

ANSWERS = {
    "knew": "Les règles de dispensation.",
    "needed_to_know": "Choisir un indicateur simple.",
    "went_well": "Le double contrôle est en place.",
    "was_harder": "L’adhésion aux heures de pointe.",
    "to_improve": "Animer une réunion courte.",
    "progress": "Je conduis un plan de bout en bout.",
}


def make_situation(
    organization: Organization,
    *,
    learner: Membership | None = None,
    supervisor: Membership | None = None,
    title: str = "Retour d’expérience",
) -> LearningSituation:
    learner = learner or MembershipFactory.create(organization=organization, roles=[Role.LEARNER])
    supervisor = supervisor or MembershipFactory.create(organization=organization, roles=[Role.SUPERVISOR])
    return services.create_situation(acting=supervisor, learner=learner, supervisor=supervisor, title=title)


def any_situation_id(organization: Organization, owner: Membership) -> int:
    """For the tenancy walk: a situation of ``organization`` (its administrator sees every one)."""
    return make_situation(organization).pk


def any_competency_id(organization: Organization, owner: Membership) -> int:
    services.install_framework(organization=organization, acting=None)
    return Competency.objects.for_org(organization).order_by("pk").values_list("pk", flat=True)[0]


def any_training_need_id(organization: Organization, owner: Membership) -> int:
    """For the tenancy walk: a training need of ``organization`` (its administrator sees the whole plan)."""
    member = MembershipFactory.create(organization=organization)
    return services.add_training_need(acting=owner, member=member, need="Contrôle des pesées").pk
