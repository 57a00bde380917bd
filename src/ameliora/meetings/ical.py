"""iCalendar feeds of sessions (RFC 5545), built with the ``icalendar`` library.

Events carry the space's kind and name, the place, the status and the session page's address —
never the agenda, whose items may name a case: a calendar feed leaves the application.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.utils import timezone
from icalendar import Calendar, Event

from ameliora.meetings.models import Session

PRODID = "-//Ameliora//Exchange spaces//FR"


def calendar_bytes(sessions: Iterable[Session], *, name: str, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(UTC)
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}@ameliora")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at.astimezone(UTC))
        event.add("dtend", session.ends_at.astimezone(UTC))
        event.add("summary", f"{session.space.name} ({session.space.get_kind_display()})")
        if session.location:
            event.add("location", session.location)
        event.add("status", "CANCELLED" if session.status == Session.Status.CANCELLED else "CONFIRMED")
        event.add("url", base_url + session.get_absolute_url())
        calendar.add_component(event)
    return bytes(calendar.to_ical())
