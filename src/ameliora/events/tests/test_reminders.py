"""The daily check-back reminder: to the handler, once a day at most."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ameliora.core.models import Membership, Notification
from ameliora.core.reminders import REMINDER_PROVIDERS
from ameliora.events import services
from ameliora.events.models import Event, EventSettings
from ameliora.events.reminders import remind_check_backs
from ameliora.events.tests.support import declared_by


def _oriented(alice: Membership, bob: Membership, due_in_days: int) -> Event:
    event = declared_by(bob)
    services.triage_event(event, severity=2, likelihood=2, handler=alice, level=2, criteria={}, acting=alice)
    Event.objects.filter(pk=event.pk).update(check_back_due=timezone.localdate() + timedelta(days=due_in_days))
    return Event.objects.get(pk=event.pk)


def test_the_reminder_is_registered() -> None:
    assert REMINDER_PROVIDERS["event check-backs"] is remind_check_backs


def test_a_due_check_back_reminds_the_handler_once_a_day(
    alice: Membership, bob: Membership, rex_settings: EventSettings
) -> None:
    due = _oriented(alice, bob, 0)
    _oriented(alice, bob, 5)  # not due yet
    Notification.objects.all().delete()

    assert remind_check_backs() == 1
    assert remind_check_backs() == 0  # twice the same day: nothing more

    notification = Notification.objects.get(recipient=alice.user)
    assert notification.title == f"Check-back due today for {due.reference}"
    assert notification.url == due.get_absolute_url()


def test_a_done_check_back_is_not_reminded(alice: Membership, bob: Membership, rex_settings: EventSettings) -> None:
    event = _oriented(alice, bob, -2)
    services.record_check_back(event, resolved=True, note="", acting=alice)

    assert remind_check_backs() == 0


def test_an_overdue_check_back_is_reminded_again_a_week_later(
    alice: Membership, bob: Membership, rex_settings: EventSettings
) -> None:
    event = _oriented(alice, bob, -10)
    assert remind_check_backs() == 1
    Event.objects.filter(pk=event.pk).update(check_back_reminded_on=timezone.localdate() - timedelta(days=7))

    assert remind_check_backs() == 1
    assert Notification.objects.filter(title__startswith="Check-back overdue").count() == 2
