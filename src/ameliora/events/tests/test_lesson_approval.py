"""Publishing a lesson to the territory: the identifying-data check and the pilot's approval (issue 18).

A plain cell member once published "Mme D., 84 ans, … rue des Lilas" to the public library, readable at
once without an account. Now such a text is refused, pointing at what was found, and a lesson proposed to
the territory by a cell member reaches the public page only once the pilot (quality manager) approves it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Notification, Organization, Role
from ameliora.core.tests.assertions import page_text
from ameliora.core.tests.conftest import ClientFor
from ameliora.core.tests.factories import MembershipFactory, UserFactory
from ameliora.events import services
from ameliora.events.models import Event, EventSettings, LibraryAudience
from ameliora.events.tests.support import declared_by

SEED_CASE = "Mme D., 84 ans, rentrée un vendredi soir au 5 rue des Lilas à Nailloux sans transmission."
CLEAN_CASE = "Une patiente âgée est rentrée un vendredi soir sans transmission à l'infirmière libérale."


@pytest.fixture
def cell(tilleuls: Organization) -> Membership:
    """A plain quality-cell member: analyses cases, may propose a lesson, may not approve it."""
    return MembershipFactory.create(
        organization=tilleuls, user=UserFactory.create(email="cell@tilleuls.test"), roles=[Role.QUALITY_CELL]
    )


@pytest.fixture
def case(bob: Membership, event_settings: EventSettings) -> Event:
    event_settings.public_library_enabled = True
    event_settings.save()
    return declared_by(bob, publication_consent=True)


def _propose(event: Event, acting: Membership, summary: str = CLEAN_CASE) -> Event:
    return services.publish_summary(
        event, title="Sortie du vendredi soir", summary=summary, publish=True,
        audience=LibraryAudience.TERRITORY, acting=acting,
    )  # fmt: skip


def _public(event: Event) -> list[Event]:
    return list(Event.objects.published_to_territory())


def test_identifying_data_blocks_publication_and_names_what_was_found(cell: Membership, case: Event) -> None:
    with pytest.raises(ValidationError) as refused:
        _propose(case, cell, SEED_CASE)

    message = refused.value.messages[0]
    assert "« Mme D. »" in message
    assert "« 84 ans »" in message
    assert "« 5 rue des Lilas »" in message
    case.refresh_from_db()
    assert case.published_at is None
    assert _public(case) == []


def test_the_pilot_cannot_publish_identifying_data_either(alice: Membership, case: Event) -> None:
    with pytest.raises(ValidationError):
        _propose(case, alice, "Rappeler la fille de la patiente au 06 12 34 56 78.")


def test_a_cell_members_proposal_waits_for_the_pilot_who_is_notified(
    alice: Membership, cell: Membership, case: Event
) -> None:
    _propose(case, cell)

    case.refresh_from_db()
    assert case.published_at is not None  # the team reads it at once
    assert case.awaits_territory_approval
    assert _public(case) == []
    assert Notification.objects.filter(recipient=alice.user, title__contains="awaits your approval").exists()

    services.approve_territory_lesson(case, acting=alice)

    assert _public(case) == [case]
    assert case.territory_approved_by == alice


def test_the_pilots_own_publication_is_approved_as_it_stands(alice: Membership, case: Event) -> None:
    _propose(case, alice)

    assert _public(case) == [case]


def test_editing_an_approved_lesson_withdraws_it_from_the_public_page(
    alice: Membership, cell: Membership, case: Event
) -> None:
    _propose(case, alice)

    _propose(case, cell, CLEAN_CASE + " Check-list de sortie en cours.")

    assert _public(case) == []
    assert Event.objects.get(pk=case.pk).awaits_territory_approval


def test_the_event_page_shows_what_blocks_publication(client_for: ClientFor, cell: Membership, case: Event) -> None:
    url = reverse("events:summary", kwargs={"org_slug": case.organization.slug, "event_id": case.pk})
    response = client_for(cell).post(
        url, {"summary_title": "Sortie", "summary": SEED_CASE, "audience": "territory", "publish": "1"}
    )

    assert response.status_code == 422
    text = page_text(response)
    assert "identifying data" in text
    assert "« 5 rue des Lilas »" in text
    assert Event.objects.get(pk=case.pk).published_at is None


def test_only_the_pilot_sees_and_uses_the_approve_button(
    alice_client: Client, client_for: ClientFor, cell: Membership, case: Event
) -> None:
    _propose(case, cell)
    approve = reverse("events:approve_lesson", kwargs={"org_slug": case.organization.slug, "event_id": case.pk})

    assert approve not in client_for(cell).get(case.get_absolute_url()).content.decode()
    assert client_for(cell).post(approve).status_code == 403
    assert _public(case) == []

    assert approve in alice_client.get(case.get_absolute_url()).content.decode()
    alice_client.post(approve)
    assert _public(case) == [case]
