"""iCalendar feeds of sessions (RFC 5545), built with the ``icalendar`` library.

Events carry the space's kind and name, the place, the status and the session page's address, and a
``DESCRIPTION``: the agenda, then the session page's absolute address. A calendar feed leaves the
application, so the agenda lists only the items proposed from the other modules (their titles are built
by Ameliora: an event's number and category, an action's or a document's title); an item typed by
hand may name a case ("Cas de M. …"), so it is only counted, to be read on the session page. Minutes
never travel.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from ameliora.meetings.models import AgendaItem, Session

PRODID = "-//Ameliora//Exchange spaces//FR"


def with_agenda(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """The sessions with their agenda items fetched in one more query."""
    return sessions.prefetch_related(Prefetch("items", queryset=AgendaItem.objects.order_by("position", "pk")))


def description(session: Session, url: str) -> str:
    """The agenda (items proposed from the modules by title, typed ones counted) and the page's address."""
    items = list(session.items.all())
    shown = [item.title for item in items if item.source_key]
    typed = len(items) - len(shown)
    lines = [_("Agenda:")] if items else [_("No agenda yet.")]
    lines += [f"{number}. {title}" for number, title in enumerate(shown, start=1)]
    if typed:
        lines.append(
            ngettext(
                "+ %(count)d item written by the team, on the session page.",
                "+ %(count)d items written by the team, on the session page.",
                typed,
            )
            % {"count": typed}
        )
    lines += ["", _("Session page: %(url)s") % {"url": url}]
    return "\n".join(lines)


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
        url = base_url + session.get_absolute_url()
        event.add("url", url)
        event.add("description", description(session, url))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
