"""Daily: tell each owner when a document in force falls due for review or expires (30 days ahead), or is late.

An expired version stays in force: nothing changes its status by itself. The owner is told, and must
publish a new version or archive it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core.reminders import register_reminder
from ameliora.core.services import Title, message, notify
from ameliora.documents.models import DocumentVersion

REVIEW_NOTICE_DAYS = 30
REMIND_EVERY_DAYS = 7


def _remind_owner(version: DocumentVersion, *, title: Title, reminded_field: str, today: date) -> None:
    """Notify the document's owner and remember the day, so the next reminder waits its turn."""
    notify(
        [version.document.owner.user],  # type: ignore[union-attr]
        organization=version.document.organization,
        title=title,
        url=version.document.get_absolute_url(),
    )
    setattr(version, reminded_field, today)
    version.save(update_fields=[reminded_field])


@register_reminder("document reviews")
@transaction.atomic
def remind_document_reviews() -> int:
    """One reminder when the review date comes within 30 days, then one a week until it is reviewed."""
    today = timezone.localdate()
    due = (
        DocumentVersion.objects.filter(
            status=DocumentVersion.Status.IN_FORCE,
            next_review_date__lte=today + timedelta(days=REVIEW_NOTICE_DAYS),
            document__owner__isnull=False,
        )
        .exclude(review_reminded_on__gt=today - timedelta(days=REMIND_EVERY_DAYS))
        .select_related("document__organization", "document__owner__user")
        .select_for_update(of=("self",))
    )
    count = 0
    for version in due:
        due_on = version.next_review_date or today
        late = due_on < today
        title = message(
            _("Review overdue: %(document)s (due %(date)s)") if late else _("Review due: %(document)s by %(date)s"),
            document=version.document.code,
            date=due_on.strftime("%d/%m/%Y"),
        )
        _remind_owner(version, title=title, reminded_field="review_reminded_on", today=today)
        count += 1
    return count


@register_reminder("document expiries")
@transaction.atomic
def remind_document_expiries() -> int:
    """One reminder when the expiry date comes within 30 days, then one a week, and one on the day it expires."""
    today = timezone.localdate()
    due = (
        DocumentVersion.objects.filter(
            status=DocumentVersion.Status.IN_FORCE,
            expiry_date__lte=today + timedelta(days=REVIEW_NOTICE_DAYS),
            document__owner__isnull=False,
        )
        .filter(
            Q(expiry_reminded_on__isnull=True)
            | Q(expiry_reminded_on__lte=today - timedelta(days=REMIND_EVERY_DAYS))
            # The day it expires, even if the weekly notice went out a few days before.
            | Q(expiry_date__lte=today, expiry_reminded_on__lt=F("expiry_date"))
        )
        .select_related("document__organization", "document__owner__user")
        .select_for_update(of=("self",))
    )
    count = 0
    for version in due:
        expires_on = version.expiry_date or today
        title = message(
            _("Expired: %(document)s (on %(date)s), publish a new version or archive it")
            if version.is_expired(today)
            else _("Expires soon: %(document)s on %(date)s"),
            document=version.document.code,
            date=expires_on.strftime("%d/%m/%Y"),
        )
        _remind_owner(version, title=title, reminded_field="expiry_reminded_on", today=today)
        count += 1
    return count
