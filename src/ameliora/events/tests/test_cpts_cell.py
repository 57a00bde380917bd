"""The CPTS cell as it works (issue 18): who may handle a case, level-2 orientation, the reporter's
profession, REX numbering, no meaningless unit, and a tracking code that can be copied and printed."""

from __future__ import annotations

from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.urls import reverse

from ameliora.core.models import Membership, Organization, Role, Unit
from ameliora.core.tests.assertions import page_text
from ameliora.core.tests.conftest import ClientFor
from ameliora.core.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from ameliora.events import services
from ameliora.events.forms import DeclarationForm, HandlerForm, PublicDeclarationForm, TriageForm
from ameliora.events.models import Event
from ameliora.events.tests.support import declaration, declared_by, form_data
from ameliora.events.tests.test_public import _declare, _public_client


@pytest.fixture
def cpts(db: None) -> Organization:
    organization = OrganizationFactory.create(name="CPTS du test", slug="cpts-test", kind=Organization.Kind.CPTS)
    Unit.objects.create(organization=organization, name="Cellule qualité")
    services.ensure_event_settings(organization)
    return organization


@pytest.fixture
def pilot(cpts: Organization) -> Membership:
    return MembershipFactory.create(
        organization=cpts, user=UserFactory.create(email="pilote@cpts.test"), roles=[Role.QUALITY_MANAGER]
    )


@pytest.fixture
def cell(cpts: Organization) -> Membership:
    return MembershipFactory.create(
        organization=cpts, user=UserFactory.create(email="cellule@cpts.test"), roles=[Role.QUALITY_CELL]
    )


@pytest.fixture
def plain(cpts: Organization) -> Membership:
    return MembershipFactory.create(
        organization=cpts, user=UserFactory.create(email="membre@cpts.test"), roles=[Role.MEMBER]
    )


def _public_case(organization: Organization) -> Event:
    event, _code = services.declare_public_event(organization, declaration(organization))
    return event


def test_the_handler_list_offers_only_members_who_can_open_the_case(
    cpts: Organization, pilot: Membership, cell: Membership, plain: Membership
) -> None:
    for form in (TriageForm(organization=cpts, rex_levels=True), HandlerForm(organization=cpts)):
        field = cast(ModelChoiceField, form.fields["handler"])  # type: ignore[type-arg]
        assert {member.pk for member in field.queryset or []} == {pilot.pk, cell.pk}

    event = _public_case(cpts)
    with pytest.raises(ValidationError):
        services.assign_handler(event, handler=plain, acting=pilot)
    assert not HandlerForm({"handler": plain.pk}, organization=cpts).is_valid()


def test_level_2_records_who_the_reporter_was_oriented_to(
    cpts: Organization, pilot: Membership, client_for: ClientFor
) -> None:
    event = _public_case(cpts)
    services.triage_event(
        event, severity=2, likelihood=3, handler=pilot, level=2, criteria={},
        oriented_to="Ergothérapeute de la CPTS", acting=pilot,
    )  # fmt: skip

    assert Event.objects.get(pk=event.pk).oriented_to == "Ergothérapeute de la CPTS"
    assert "Ergothérapeute de la CPTS" in page_text(client_for(pilot).get(event.get_absolute_url()))


def test_other_levels_keep_no_orientation(cpts: Organization, pilot: Membership) -> None:
    event = _public_case(cpts)
    services.triage_event(
        event, severity=2, likelihood=3, handler=pilot, level=1, criteria={}, oriented_to="Kiné", acting=pilot
    )

    assert Event.objects.get(pk=event.pk).oriented_to == ""


def test_the_public_form_asks_the_reporters_profession_shown_only_to_the_cell(
    cpts: Organization, cell: Membership, client_for: ClientFor
) -> None:
    admin = MembershipFactory.create(organization=cpts, roles=[Role.ADMIN])  # triages, never learns who reported
    settings = services.ensure_event_settings(cpts)
    status, code = _declare(_public_client(), settings, reporter_profession="Orthophoniste")

    assert status == 201
    assert code
    event = Event.objects.get(organization=cpts)
    assert event.reporter_profession == "Orthophoniste"
    assert "Orthophoniste" in page_text(client_for(cell).get(event.get_absolute_url()))
    admin_page = client_for(admin).get(event.get_absolute_url())
    assert admin_page.status_code == 200
    assert "Orthophoniste" not in page_text(admin_page)
    assert not hasattr(event.history.model, "reporter_profession")  # like the rest of the reporter's identity


def test_the_profession_is_optional(cpts: Organization) -> None:
    status, code = _declare(_public_client(), services.ensure_event_settings(cpts))

    assert status == 201
    assert code


def test_a_cpts_numbers_its_cases_rex_and_others_keep_ei(
    cpts: Organization, pilot: Membership, alice: Membership, event_settings: object
) -> None:
    year = _public_case(cpts).received_at.year

    assert _public_case(cpts).reference == f"REX-{year}-002"
    assert declared_by(alice).reference == f"EI-{year}-001"


def test_a_cpts_is_not_asked_for_a_unit(cpts: Organization, tilleuls: Organization, event_settings: object) -> None:
    assert "unit" not in PublicDeclarationForm(organization=cpts).fields
    assert "unit" not in DeclarationForm(organization=cpts).fields
    Unit.objects.create(organization=tilleuls, name="Comptoir")
    assert "unit" in PublicDeclarationForm(organization=tilleuls).fields
    assert "unit" in DeclarationForm(organization=tilleuls).fields


def test_the_tracking_code_can_be_copied_and_printed(cpts: Organization) -> None:
    settings = services.ensure_event_settings(cpts)
    response = _public_client().post(
        reverse("events_public:declare", kwargs={"public_key": settings.public_key}),
        form_data(charter_accepted="on", contact_choice="anonymous"),
    )
    page = page_text(response)

    assert 'data-copy="tracking-code"' in page
    assert "data-print" in page
