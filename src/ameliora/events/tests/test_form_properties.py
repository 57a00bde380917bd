"""Hostile posts into the declaration, triage and public forms: never a 5xx, a refusal is a 422 that
says why and writes nothing (files included).

See ``core/tests/properties.py`` for what is drawn and checked.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ameliora.core.models import Attachment, Membership, Notification
from ameliora.core.tests.assertions import shows
from ameliora.core.tests.factories import UnitFactory
from ameliora.core.tests.properties import PROPERTY, check_contract, form_on_page, post_for, rolled_back
from ameliora.events import services
from ameliora.events.models import Event, EventSettings, EventTransition, TrackingMessage, VigilanceReport
from ameliora.events.public_views import UNKNOWN_CODE
from ameliora.events.tests.factories import EventFactory, any_category_id

pytestmark = pytest.mark.django_db

WRITTEN_BY_A_DECLARATION = [Event, Attachment, VigilanceReport, Notification, EventTransition]


@pytest.fixture
def other_organization(charlie: Membership) -> None:
    """Rows of another organization, whose ids a forged post may name (a category, a unit, a member)."""
    any_category_id(charlie.organization, charlie)
    UnitFactory.create(organization=charlie.organization, name="Accueil")


@pytest.fixture
def with_units(event_settings: EventSettings) -> EventSettings:
    """The pharmacy has units, so both declaration forms ask where it happened."""
    UnitFactory.create(organization=event_settings.organization, name="Officine")
    return event_settings


@pytest.fixture
def event(event_settings: EventSettings) -> Event:
    """A member's declaration waiting to be triaged."""
    return EventFactory.create(organization=event_settings.organization)


@pytest.fixture
def code(event_settings: EventSettings) -> str:
    """The tracking code of a public declaration."""
    declaration = services.Declaration(occurred_at=EventFactory.build().occurred_at, description="Erreur d'étiquette")
    return services.declare_public_event(event_settings.organization, declaration)[1]


def _visitor() -> Client:
    """Someone without an account, with no cookie of an earlier post."""
    visitor = Client(REMOTE_ADDR="203.0.113.9")
    visitor.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return visitor


@PROPERTY
@given(data=st.data())
def test_a_member_s_declaration(
    alice_client: Client, with_units: EventSettings, other_organization: None, data: st.DataObject
) -> None:
    url = reverse("events:declare", kwargs={"org_slug": with_units.organization.slug})
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=WRITTEN_BY_A_DECLARATION)


@PROPERTY
@given(data=st.data())
def test_the_triage_of_an_event(
    alice_client: Client, event: Event, other_organization: None, data: st.DataObject
) -> None:
    form = alice_client.get(event.get_absolute_url()).context["triage_form"]
    url = reverse("events:triage", kwargs={"org_slug": event.organization.slug, "event_id": event.pk})
    with rolled_back():
        check_contract(
            alice_client, url, data.draw(post_for(form)), models=[EventTransition, Notification], rows=[event]
        )


@PROPERTY
@given(data=st.data())
def test_the_public_declaration(with_units: EventSettings, other_organization: None, data: st.DataObject) -> None:
    url = reverse("events_public:declare", kwargs={"public_key": with_units.public_key})
    form = form_on_page(_visitor(), url)
    with rolled_back():
        # The honeypot stays empty (a robot's post is answered like a success, see test_public.py).
        body = data.draw(post_for(form, coherent={"charter_accepted": "on"}, skip={"website"}))
        check_contract(_visitor(), url, body, models=WRITTEN_BY_A_DECLARATION, saved=(201,))


@PROPERTY
@given(data=st.data())
def test_the_tracking_code_lookup(code: str, data: st.DataObject) -> None:
    url = reverse("events_public:track")
    form = form_on_page(_visitor(), url)
    with rolled_back():
        response = check_contract(
            _visitor(),
            url,
            data.draw(post_for(form, coherent={"code": code})),
            models=[Event, TrackingMessage],
            unchanged=(200, 404),
        )
        if response.status_code == 404:
            assert shows(response, UNKNOWN_CODE)
