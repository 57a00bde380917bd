"""The vigilance a serious event's category suggests: on the event page and on the confirmations."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.assertions import flash_messages, page_text
from ameliora.core.tests.conftest import ClientFor
from ameliora.core.tests.factories import MembershipFactory
from ameliora.events.models import Event, EventCategory, EventSettings, Vigilance, suggested_vigilances
from ameliora.events.tests.support import declared_by, form_data
from ameliora.events.tests.test_public import _declare_url, _public_client

SUGGESTION = 'id="vigilance-suggestion"'


def _category(organization: Organization, code: str) -> EventCategory:
    return EventCategory.objects.for_org(organization).get(code=code)


def _suggestion(page: str) -> str:
    """The text of the suggestion paragraph, or "" when the page has none."""
    start = page.find(SUGGESTION)
    return page[start : page.find("</p>", start)] if start >= 0 else ""


def _detail(client: Client, event: Event) -> str:
    url = reverse("events:detail", kwargs={"org_slug": event.organization.slug, "event_id": event.pk})
    return page_text(client.get(url))


def test_the_mapping_suggests_from_the_category_less_what_is_recorded() -> None:
    assert suggested_vigilances("medication") == [Vigilance.PHARMACO]
    assert suggested_vigilances("equipment") == [Vigilance.DEVICE]
    assert suggested_vigilances("infection") == [Vigilance.INFECTIO]
    assert suggested_vigilances("medication", already=["pharmaco"]) == []
    assert suggested_vigilances("communication") == []
    assert suggested_vigilances(None) == []


def test_a_serious_event_page_suggests_its_vigilance(
    alice_client: Client, bob: Membership, event_settings: EventSettings
) -> None:
    medication = declared_by(bob, is_serious=True)
    equipment = declared_by(bob, is_serious=True, category=_category(bob.organization, "equipment"))

    assert str(Vigilance.PHARMACO.label) in _suggestion(_detail(alice_client, medication))
    equipment_suggestion = _suggestion(_detail(alice_client, equipment))
    assert str(Vigilance.DEVICE.label) in equipment_suggestion
    assert str(Vigilance.PHARMACO.label) not in equipment_suggestion


def test_no_suggestion_when_not_serious_or_already_ticked(
    alice_client: Client, bob: Membership, event_settings: EventSettings
) -> None:
    not_serious = declared_by(bob, is_serious=False)
    already = declared_by(bob, is_serious=True, vigilances=["pharmaco"])
    other = declared_by(bob, is_serious=True, category=_category(bob.organization, "communication"))

    for event in (not_serious, already, other):
        assert _suggestion(_detail(alice_client, event)) == ""


def test_the_public_confirmation_of_a_serious_event_suggests_its_vigilance(event_settings: EventSettings) -> None:
    infection = _category(event_settings.organization, "infection")
    data = form_data(charter_accepted="on", contact_choice="anonymous", is_serious="on", category=str(infection.pk))

    response = _public_client().post(_declare_url(event_settings), data)

    assert response.status_code == 201
    assert str(Vigilance.INFECTIO.label) in _suggestion(page_text(response))
    plain = form_data(charter_accepted="on", contact_choice="anonymous", category=str(infection.pk))
    assert _suggestion(page_text(_public_client().post(_declare_url(event_settings), plain))) == ""


def test_the_form_carries_the_mapping_for_the_pre_ticking_script(
    bob: Membership, bob_client: Client, event_settings: EventSettings
) -> None:
    page = page_text(bob_client.get(reverse("events:declare", kwargs={"org_slug": bob.organization.slug})))

    medication = _category(bob.organization, "medication")
    assert "events/vigilances.js" in page
    assert f"&quot;{medication.pk}&quot;: [&quot;pharmaco&quot;]" in page


def test_a_member_who_cannot_open_the_event_is_told_on_declaring(
    client_for: ClientFor, tilleuls: Organization, event_settings: EventSettings
) -> None:
    declarer = MembershipFactory.create(organization=tilleuls, roles=[Role.USER_REPRESENTATIVE])
    client = client_for(declarer)
    medication = _category(tilleuls, "medication")

    response = client.post(
        reverse("events:declare", kwargs={"org_slug": tilleuls.slug}),
        form_data(is_serious="on", category=str(medication.pk)),
    )

    assert response.status_code == 302
    assert any(str(Vigilance.PHARMACO.label) in text for text in flash_messages(response))
