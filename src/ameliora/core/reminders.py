"""Daily reminders. Each module registers a provider that sends its own reminders and says how many.

A provider must be idempotent within a day (``send_reminders`` may run twice): it records what it
reminded, or selects only what falls due on exactly one day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ameliora.core.models import Invitation, Job, NotificationPreference, User

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
    from ameliora.core.services import message, notify

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
            title=message(
                gettext_lazy("The invitation sent to %(email)s expires tomorrow and was not accepted yet"),
                email=invitation.email,
            ),
            url=reverse("core:member_list", kwargs={"org_slug": invitation.organization.slug}),
        )
        invitation.reminded_at = now
        invitation.save(update_fields=["reminded_at"])
        count += 1
    return count


@register_reminder("notification digest")
def send_notification_digests() -> int:
    """One email a day to each person who chose the daily digest, listing what they have not read."""
    from ameliora.core.tasks import send_notification_digest

    users = User.objects.filter(
        is_active=True,
        notification_preference=NotificationPreference.DAILY_DIGEST,
        notifications__emailed_at__isnull=True,
        notifications__read_at__isnull=True,
    ).distinct()
    return sum(1 for user in users if send_notification_digest(user))


JOB_RESULT_DAYS = 7


@register_reminder("expired job results")
def delete_old_job_results() -> int:
    """Exports may hold personal data (member lists, event reports): keep their files one week only."""
    old = Job.objects.filter(finished_at__lt=timezone.now() - timedelta(days=JOB_RESULT_DAYS)).exclude(result="")
    count = 0
    for job in old:
        job.result.delete(save=False)
        job.result_name = ""
        job.save(update_fields=["result", "result_name"])
        count += 1
    return count
