"""Factories for exchange spaces. Call ``XFactory.create(...)`` (typed) rather than ``XFactory(...)``."""

# factory_boy types its factories (create() returns the model) but not its declarations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from factory.declarations import Sequence, SubFactory
from factory.django import DjangoModelFactory

from ameliora.core.models import Membership, Organization, User
from ameliora.core.tests.factories import MembershipFactory, OrganizationFactory
from ameliora.meetings.models import AgendaItem, ExchangeSpace, MissionLetter, Session, SpaceGuest


class SpaceFactory(DjangoModelFactory[ExchangeSpace]):
    class Meta:
        model = ExchangeSpace

    organization = SubFactory(OrganizationFactory)
    kind = ExchangeSpace.Kind.QUALITY_CIRCLE
    name = Sequence(lambda n: f"Cercle qualité {n}")
    code = Sequence(lambda n: f"CQ{n}")


def make_letter(person: Membership, **fields: object) -> MissionLetter:
    """A draft letter for ``person`` in their organization (fields override the defaults)."""
    values: dict[str, object] = {
        "role": "Binôme médico-soignant animateur du cercle qualité",
        "scope": "Animer les six séances de l'année.",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        **fields,
    }
    return MissionLetter.objects.create(organization=person.organization, person=person, **values)


def make_session(space: ExchangeSpace, *, days: int = 7) -> Session:
    return Session.objects.create(
        organization=space.organization, space=space, starts_at=timezone.now() + timedelta(days=days)
    )


# For the project-wide tenancy walk: an object of ``organization`` for each URL keyword argument.
def any_space_id(organization: Organization, owner: Membership) -> int:
    return SpaceFactory.create(organization=organization).pk


def any_session_id(organization: Organization, owner: Membership) -> int:
    return make_session(SpaceFactory.create(organization=organization)).pk


def any_item_id(organization: Organization, owner: Membership) -> int:
    session = make_session(SpaceFactory.create(organization=organization))
    return AgendaItem.objects.create(organization=organization, session=session, title="Point divers").pk


def any_letter_id(organization: Organization, owner: Membership) -> int:
    return make_letter(MembershipFactory.create(organization=organization), status=MissionLetter.Status.ISSUED).pk


def make_guest(space: ExchangeSpace, user: User | None = None, *, days: int = 30, **fields: object) -> SpaceGuest:
    """A guest of ``space`` (accepted when ``user`` is given), whose access runs from yesterday for ``days`` days."""
    today = timezone.localdate()
    values: dict[str, object] = {
        "email": getattr(user, "email", "invite@exemple.test"),
        "valid_from": today - timedelta(days=1),
        "valid_until": today + timedelta(days=days),
        **fields,
    }
    return SpaceGuest.objects.create(organization=space.organization, space=space, user=user, **values)


def any_guest_id(organization: Organization, owner: Membership) -> int:
    return make_guest(SpaceFactory.create(organization=organization)).pk
