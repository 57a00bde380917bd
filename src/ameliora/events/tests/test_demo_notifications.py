"""The demo's notifications about an event open the event they name (references are renumbered after them)."""

from __future__ import annotations

import re

from django.urls import resolve

from ameliora.core.demo import build_demo
from ameliora.core.models import Notification
from ameliora.events.models import Event

REFERENCE = re.compile(r"(?:EI|REX)-\d{4}-\d{3}")


def test_every_notification_naming_an_event_opens_that_event(db: None) -> None:
    build_demo()
    checked = 0
    for notification in Notification.objects.all():
        if not REFERENCE.search(notification.title):
            continue
        match = resolve(notification.url.split("#")[0])
        if match.view_name != "events:detail":
            continue
        event = Event.objects.get(pk=match.kwargs["event_id"])
        assert REFERENCE.findall(notification.title) == [event.reference], notification.title
        checked += 1
    assert checked >= 5  # the demo tells several events' stories through notifications
