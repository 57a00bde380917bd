"""A space's yearly report: sessions held against the plan, attendance, cases analysed, decisions followed up.

Definitions (shown on the page under the figures):

- *sessions planned* is the space's ``sessions_per_year``; *held* counts the year's sessions marked held;
- *attendance rate* = members recorded present ÷ members recorded (present, excused or absent), over held sessions;
- *cases analysed* = agenda items of held sessions that came from an event (``events.*`` proposals);
- *decisions completed* = decisions whose action is done, over the decisions of the year's sessions;
- *mission letters* = the space's letters issued or signed whose period overlaps the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from ameliora.meetings.models import AgendaItem, Attendance, Decision, ExchangeSpace, MissionLetter, Session
from ameliora.plans.models import Action


@dataclass(frozen=True)
class SessionRow:
    session: Session
    present: int
    recorded: int
    items: int
    decisions: int


@dataclass(frozen=True)
class SpaceReport:
    space: ExchangeSpace
    year: int
    planned: int
    held: int
    cancelled: int
    upcoming: int
    present: int
    recorded: int
    cases_analysed: int
    items: int
    decisions: int
    decisions_done: int
    decisions_cancelled: int
    rows: list[SessionRow]
    letters: list[MissionLetter]

    @property
    def attendance_rate(self) -> float | None:
        return 100 * self.present / self.recorded if self.recorded else None

    @property
    def completion_rate(self) -> float | None:
        return 100 * self.decisions_done / self.decisions if self.decisions else None

    @property
    def held_rate(self) -> float | None:
        return 100 * self.held / self.planned if self.planned else None


def yearly_report(space: ExchangeSpace, year: int) -> SpaceReport:
    """The figures of ``year`` for ``space`` in six queries, whatever the number of sessions."""
    sessions = list(
        Session.objects.filter(space=space)
        .in_year(year)
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT), distinct=True),
            recorded=Count("attendance", distinct=True),
            n_items=Count("items", distinct=True),
            n_decisions=Count("decisions", distinct=True),
        )
        .order_by("starts_at")
    )
    held = [s for s in sessions if s.status == Session.Status.HELD]
    held_ids = [s.pk for s in held]
    items = AgendaItem.objects.filter(session_id__in=held_ids)
    decisions = Decision.objects.filter(session__space=space, session__starts_at__year=year)
    action_status = dict(
        decisions.filter(action__isnull=False)
        .values_list("action__status")
        .annotate(n=Count("pk"))
        .values_list("action__status", "n")
    )
    now = timezone.now()
    return SpaceReport(
        space=space,
        year=year,
        planned=space.sessions_per_year,
        held=len(held),
        cancelled=sum(1 for s in sessions if s.status == Session.Status.CANCELLED),
        upcoming=sum(1 for s in sessions if s.status == Session.Status.PLANNED and s.starts_at >= now),
        present=sum(s.present for s in held),  # type: ignore[attr-defined]
        recorded=sum(s.recorded for s in held),  # type: ignore[attr-defined]
        cases_analysed=items.filter(source_key__startswith="events.").count(),
        items=items.count(),
        decisions=decisions.count(),
        decisions_done=action_status.get(Action.Status.DONE, 0),
        decisions_cancelled=action_status.get(Action.Status.CANCELLED, 0),
        rows=[
            SessionRow(s, s.present, s.recorded, s.n_items, s.n_decisions)  # type: ignore[attr-defined]
            for s in sessions
        ],
        letters=list(
            MissionLetter.objects.filter(space=space, starts_on__lte=date(year, 12, 31))
            .exclude(status=MissionLetter.Status.DRAFT)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=date(year, 1, 1)))
            .select_related("person__user")
            .order_by("role", "person__user__last_name")
        ),
    )
