"""Daily: tell each owner about their actions due within 3 days and their late actions, once a day each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core import webhooks
from ameliora.core.models import WebhookTopic
from ameliora.core.reminders import register_reminder
from ameliora.core.services import message, notify
from ameliora.plans.models import Action

DUE_SOON_DAYS = 3


def _webhook_data(action: Action) -> dict[str, Any]:
    return {
        "action": {
            "id": action.pk,
            "title": action.title,
            "status": action.status,
            "due_date": action.due_date.isoformat() if action.due_date else None,
            "plan": {"id": action.plan_id, "code": action.plan.code},
            "url": webhooks.absolute(action.get_absolute_url()),
        }
    }


@register_reminder("actions")
@transaction.atomic
def remind_actions() -> int:
    """One notification per open action due within 3 days or overdue, at most once a day.

    ``reminded_on`` records the day: a second run the same day finds nothing to send.
    """
    today = timezone.localdate()
    due = (
        Action.objects.open()
        .filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS), owner__isnull=False)
        .exclude(reminded_on=today)
        .select_related("organization", "plan", "owner__user")
        .select_for_update(of=("self",))
    )
    count = 0
    for action in due:
        due_on = action.due_date
        if due_on is None:  # excluded by the filter; keeps the type checker informed
            continue
        title = message(
            _("Action overdue in plan %(code)s (due %(date)s)")
            if due_on < today
            else _("Action due in plan %(code)s by %(date)s"),
            code=action.plan.code,
            date=due_on.strftime("%d/%m/%Y"),
        )
        if due_on < today and (action.reminded_on is None or action.reminded_on <= due_on):
            # The first reminder since the action fell late: tell the other systems once.
            webhooks.emit(action.organization, WebhookTopic.ACTION_OVERDUE, data=_webhook_data(action))
        notify([action.owner.user], organization=action.organization, title=title, url=action.get_absolute_url())  # type: ignore[union-attr]
        count += 1
        # A queryset update: bookkeeping, not a change of the action, so no history record.
        Action.objects.filter(pk=action.pk).update(reminded_on=today)
    return count
