"""The sessions that took a case up, on the event page, and the next cell meeting above its queue.

Events reads them through ``core.agenda`` (the meetings app answers); only this test touches meetings.
"""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from ameliora.core.models import Membership, Organization
from ameliora.core.tests.assertions import page_text
from ameliora.events.models import Event, EventSettings
from ameliora.events.tests.factories import EventFactory
from ameliora.meetings import services as meeting_services
from ameliora.meetings.models import ExchangeSpace, Session
from ameliora.meetings.tests.factories import SpaceFactory, make_session


def _section(page: str, anchor: str, end: str = "</section>") -> str:
    start = page.find(anchor)
    return page[start : page.find(end, start)] if start >= 0 else ""


def _queue(client: Client) -> str:
    return page_text(client.get(reverse("events:home", kwargs={"org_slug": "tilleuls"}) + "?queue=meeting"))


def test_the_event_page_names_the_sessions_that_took_the_case_up(
    alice: Membership, alice_client: Client, tilleuls: Organization, event_settings: EventSettings
) -> None:
    case = EventFactory.create(organization=tilleuls, level=3, status=Event.Status.TRIAGED)
    other = EventFactory.create(organization=tilleuls, level=3, status=Event.Status.TRIAGED)
    cell = SpaceFactory.create(organization=tilleuls, kind=ExchangeSpace.Kind.QUALITY_CELL, name="Cellule qualité")
    session = make_session(cell, days=3)
    meeting_services.accept_agenda(session, keys=[f"events.event:{case.pk}"], acting=alice)
    url = reverse("events:detail", kwargs={"org_slug": "tilleuls", "event_id": case.pk})

    sessions = _section(page_text(alice_client.get(url)), 'id="sessions"')

    assert "Cellule qualité" in sessions
    assert session.get_absolute_url() in sessions
    assert "Planned" in sessions
    other_url = reverse("events:detail", kwargs={"org_slug": "tilleuls", "event_id": other.pk})
    assert 'id="sessions"' not in page_text(alice_client.get(other_url))


def test_the_meeting_queue_shows_the_cell_s_next_planned_session(
    alice_client: Client, tilleuls: Organization, event_settings: EventSettings
) -> None:
    cell = SpaceFactory.create(organization=tilleuls, kind=ExchangeSpace.Kind.QUALITY_CELL, name="Cellule qualité")
    circle = SpaceFactory.create(organization=tilleuls, kind=ExchangeSpace.Kind.QUALITY_CIRCLE, name="Cercle")
    make_session(circle, days=1)  # another kind of space: not the cell's meeting
    make_session(cell, days=-2)  # past
    cancelled = make_session(cell, days=2)
    cancelled.status = Session.Status.CANCELLED
    cancelled.save()
    later = make_session(cell, days=20)
    next_one = make_session(cell, days=9)

    banner = _section(_queue(alice_client), 'id="next-meeting"', "</p>")

    assert next_one.get_absolute_url() in banner
    assert later.get_absolute_url() not in banner
    assert "Cercle" not in banner


def test_without_a_planned_session_the_queue_shows_the_settings_date(
    alice_client: Client, event_settings: EventSettings
) -> None:
    assert "No quality-cell meeting is planned yet." in _queue(alice_client)
    event_settings.next_meeting_on = timezone.localdate() + timedelta(days=12)
    event_settings.save()

    page = _queue(alice_client)

    assert "Next quality-cell meeting" in page
    assert date_format(event_settings.next_meeting_on, "DATE_FORMAT") in page
