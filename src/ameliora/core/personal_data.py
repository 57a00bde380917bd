"""A person's own data as JSON (GDPR right of access and portability): "Download my data".

Core writes the profile, memberships, comments, attachments, notifications and API tokens; each
module adds what it holds about the person through :func:`register_personal_data` (in its
``AppConfig.ready``), so that core imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from ameliora.core.models import ApiToken, Attachment, Comment, Membership, Notification, User

PersonalDataProvider = Callable[[User], list[dict[str, Any]]]
PERSONAL_DATA_PROVIDERS: dict[str, PersonalDataProvider] = {}


def register_personal_data(section: str) -> Callable[[PersonalDataProvider], PersonalDataProvider]:
    def register(provider: PersonalDataProvider) -> PersonalDataProvider:
        PERSONAL_DATA_PROVIDERS[section] = provider
        return provider

    return register


def when(value: date | datetime | None) -> str | None:
    """A date or moment as ISO 8601 (moments in local time)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _object(content_object: Any) -> str:
    return str(content_object) if content_object is not None else ""


def personal_data(user: User) -> dict[str, Any]:
    """Everything Ameliora holds about ``user`` that is theirs, by section."""
    memberships = (
        Membership.objects.filter(user=user).select_related("organization").prefetch_related("role_set", "units")
    )
    data: dict[str, Any] = {
        "exported_at": when(timezone.now()),
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "profession": user.get_profession_display() if user.profession else "",
            "job_title": user.job_title,
            "phone": user.phone,
            "language": user.language,
            "notification_preference": user.notification_preference,
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
        },
        "memberships": [
            {
                "organization": m.organization.name,
                "job_title": m.title,
                "roles": m.role_labels(),
                "units": [unit.name for unit in m.units.all()],
                "joined_at": when(m.joined_at),
                "left_at": when(m.left_at),
            }
            for m in memberships
        ],
        "comments": [
            {
                "organization": c.organization.name,
                "on": _object(c.content_object),
                "written_at": when(c.created_at),
                "comment": c.body,
            }
            for c in Comment.objects.filter(author=user).select_related("organization")
        ],
        "attachments": [
            {
                "organization": a.organization.name,
                "on": _object(a.content_object),
                "file": a.original_name,
                "uploaded_at": when(a.uploaded_at),
            }
            for a in Attachment.objects.filter(uploaded_by=user).select_related("organization")
        ],
        "notifications": [
            {
                "organization": n.organization.name,
                "title": n.title,
                "at": when(n.created_at),
                "read_at": when(n.read_at),
            }
            for n in Notification.objects.filter(recipient=user).select_related("organization")
        ],
        "api_tokens": [
            {"name": t.name, "created_at": when(t.created_at), "revoked_at": when(t.revoked_at)}
            for t in ApiToken.objects.personal_of(user)
        ],
    }
    for section, provider in PERSONAL_DATA_PROVIDERS.items():
        data[section] = provider(user)
    return data
