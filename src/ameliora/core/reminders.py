"""Daily reminders. Each module registers a provider that sends its own reminders and says how many.

A provider must be idempotent within a day (``send_reminders`` may run twice): it records what it
reminded, or selects only what falls due on exactly one day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ameliora.core.models import Invitation

ReminderProvider = Callable[[], int]
REMINDER_PROVIDERS: dict[str, ReminderProvider] = {}


def register_reminder(name: str) -> Callable[[ReminderProvider], ReminderProvider]:
    def register(provider: ReminderProvider) -> ReminderProvider:
        REMINDER_PROVIDERS[name] = provider
        return provider

    return register


def send_due_reminders() -> dict[str, int]:
    return {name: provider() for name, provider in REMINDER_PROVIDERS.items()}


@register_reminder("invitations")
@transaction.atomic
def remind_expiring_invitations() -> int:
    """Tell the inviter, once, when a pending invitation expires within the next 24 hours."""
    from ameliora.core.services import notify

    now = timezone.now()
    expiring = (
        Invitation.objects.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=1),
            reminded_at__isnull=True,
            invited_by__isnull=False,
        )
        .select_related("organization", "invited_by")
        .select_for_update()
    )
    count = 0
    for invitation in expiring:
        notify(
            [invitation.invited_by],
            organization=invitation.organization,
            title=_("The invitation sent to %(email)s expires tomorrow and was not accepted yet")
            % {"email": invitation.email},
            url=f"/o/{invitation.organization.slug}/members/",
        )
        invitation.reminded_at = now
        invitation.save(update_fields=["reminded_at"])
        count += 1
    return count
