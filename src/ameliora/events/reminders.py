"""Daily: remind the handler of each level-2 event whose check-back falls due (then weekly while not done)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core.reminders import register_reminder
from ameliora.core.services import message, notify
from ameliora.events.models import Event, RexLevel
from ameliora.events.services import triage_team

REMIND_EVERY_DAYS = 7


@register_reminder("event check-backs")
@transaction.atomic
def remind_check_backs() -> int:
    """Idempotent within a day: the day of each reminder is recorded on the event."""
    today = timezone.localdate()
    due = (
        Event.objects.open()
        .filter(level=RexLevel.ORIENTED, check_back_done_at__isnull=True, check_back_due__lte=today)
        .exclude(check_back_reminded_on__gt=today - timedelta(days=REMIND_EVERY_DAYS))
        .select_related("organization", "handler__user")
        .select_for_update(of=("self",))
    )
    count = 0
    for event in due:
        due_on = event.check_back_due or today
        late = due_on < today
        title = message(
            _("Check-back overdue for %(reference)s (due %(date)s)")
            if late
            else _("Check-back due today for %(reference)s"),
            reference=event.reference,
            date=due_on.strftime("%d/%m/%Y"),
        )
        recipients = [event.handler.user] if event.handler is not None else triage_team(event.organization)
        notify(recipients, organization=event.organization, title=title, url=event.get_absolute_url())
        event.check_back_reminded_on = today
        event.save(update_fields=["check_back_reminded_on"])
        count += 1
    return count
