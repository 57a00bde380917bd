"""The approver asks people to read a new version by roles, units or names."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from ameliora.core.models import Membership, Role
from ameliora.core.tests.assertions import page_text
from ameliora.core.tests.factories import MembershipFactory, UnitFactory
from ameliora.documents import services
from ameliora.documents.forms import PublishForm
from ameliora.documents.models import DocumentVersion
from ameliora.documents.tests.factories import draft_document


def _approved(author: Membership, reviewer: Membership) -> DocumentVersion:
    version = draft_document(author).versions.get()
    services.submit_for_review(version, reviewers=[reviewer], acting=author)
    services.record_review(version, reviewer=reviewer, approve=True, comment="")
    services.approve_version(version, acting=author)
    return version


def test_readers_are_the_members_of_the_chosen_units_plus_roles_and_names(alice: Membership) -> None:
    organization = alice.organization
    counter, reserve = (UnitFactory.create(organization=organization, name=n) for n in ("Comptoir", "Réserve"))
    at_counter = MembershipFactory.create(organization=organization, roles=[Role.MEMBER])
    at_counter.units.add(counter)
    in_both = MembershipFactory.create(organization=organization, roles=[Role.MEMBER])
    in_both.units.add(counter, reserve)
    at_reserve = MembershipFactory.create(organization=organization, roles=[Role.LEARNER])
    at_reserve.units.add(reserve)
    supervisor = MembershipFactory.create(organization=organization, roles=[Role.SUPERVISOR])
    named = MembershipFactory.create(organization=organization, roles=[Role.LEARNER])

    form = PublishForm(
        {
            "effective_date": timezone.localdate().isoformat(),
            "reader_units": [counter.pk],
            "reader_roles": [Role.SUPERVISOR],
            "reader_people": [named.pk],
        },
        organization=organization,
    )

    assert form.is_valid(), form.errors
    assert sorted(m.pk for m in form.readers()) == sorted([at_counter.pk, in_both.pk, supervisor.pk, named.pk])
    assert at_reserve.pk not in {m.pk for m in form.readers()}


def test_only_units_chosen_asks_only_their_members(alice: Membership, bob: Membership) -> None:
    unit = UnitFactory.create(organization=alice.organization, name="Préparatoire")
    bob.units.add(unit)

    form = PublishForm(
        {"effective_date": timezone.localdate().isoformat(), "reader_units": [unit.pk]},
        organization=alice.organization,
    )

    assert form.is_valid(), form.errors
    assert [m.pk for m in form.readers()] == [bob.pk]


def test_a_unit_of_another_organization_cannot_be_chosen(alice: Membership, charlie: Membership) -> None:
    foreign = UnitFactory.create(organization=charlie.organization, name="Consultations")
    UnitFactory.create(organization=alice.organization, name="Comptoir")

    form = PublishForm(
        {"effective_date": timezone.localdate().isoformat(), "reader_units": [foreign.pk]},
        organization=alice.organization,
    )

    assert not form.is_valid()
    assert "reader_units" in form.errors


def test_without_units_the_field_is_not_offered(alice: Membership) -> None:
    assert "reader_units" not in PublishForm(organization=alice.organization).fields


def test_publishing_to_a_unit_asks_its_members_to_read(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    unit = UnitFactory.create(organization=alice.organization, name="Préparatoire")
    bob.units.add(unit)
    colleague = MembershipFactory.create(organization=alice.organization, roles=[Role.MEMBER])
    version = _approved(alice, colleague)

    assert "Préparatoire" in page_text(alice_client.get(f"{version.get_absolute_url()}publish/"))
    response = alice_client.post(
        f"{version.get_absolute_url()}publish/",
        {"effective_date": timezone.localdate().isoformat(), "reader_units": [unit.pk]},
    )

    assert response.status_code == 302
    assert list(version.read_receipts.values_list("reader", flat=True)) == [bob.pk]


def test_the_roles_offered_are_those_held_in_the_organization(alice: Membership, bob: Membership) -> None:
    MembershipFactory.create(organization=alice.organization, roles=[Role.LEARNER])

    form = PublishForm(organization=alice.organization)
    offered = [option.data["value"] for option in form["reader_roles"]]

    assert offered == [Role.ADMIN, Role.MEMBER, Role.LEARNER]


def test_a_role_nobody_holds_here_cannot_be_chosen(alice: Membership) -> None:
    form = PublishForm(
        {"effective_date": timezone.localdate().isoformat(), "reader_roles": [Role.QUALITY_CELL]},
        organization=alice.organization,
    )

    assert not form.is_valid()
    assert "reader_roles" in form.errors
