"""Answers ``core.agenda``'s questions about sessions, so that other modules need not import meetings:
which sessions took an object up (the agenda items linked to it), and the next planned session."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ameliora.core.agenda import SessionRef, register_session_finder
from ameliora.core.models import Link, Organization
from ameliora.meetings.models import AgendaItem, Session


def _ref(session: Session) -> SessionRef:
    return SessionRef(
        space=session.space.name,
        starts_at=session.starts_at,
        url=session.get_absolute_url(),
        status=str(session.get_status_display()),
        held=session.status == Session.Status.HELD,
    )


class MeetingsSessionFinder:
    def sessions_about(self, obj: models.Model) -> list[SessionRef]:
        # Two queries: the agenda items linked to the object, then their sessions.
        item_ids = Link.objects.filter(
            to_type=ContentType.objects.get_for_model(obj),
            to_id=obj.pk,
            from_type=ContentType.objects.get_for_model(AgendaItem),
        ).values("from_id")
        sessions = (
            Session.objects.filter(items__in=AgendaItem.objects.filter(pk__in=item_ids))
            .select_related("space", "organization")
            .distinct()
            .order_by("starts_at", "pk")
        )
        return [_ref(session) for session in sessions]

    def next_session(self, organization: Organization, space_kind: str) -> SessionRef | None:
        session = (
            Session.objects.for_org(organization)
            .upcoming()
            .filter(space__kind=space_kind)
            .select_related("space", "organization")
            .order_by("starts_at", "pk")
            .first()
        )
        return _ref(session) if session else None


register_session_finder(MeetingsSessionFinder())
