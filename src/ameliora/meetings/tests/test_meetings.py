"""Exchange spaces: calendar, proposed agenda, attendance, decisions into the plan, frozen minutes, report, feeds."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from ameliora.core import services as core_services
from ameliora.core.models import Link, Membership, Notification, Organization
from ameliora.core.tests.factories import PDF_BYTES, MembershipFactory
from ameliora.events.models import Event
from ameliora.events.tests.factories import EventFactory
from ameliora.meetings import services
from ameliora.meetings.models import AgendaItem, Attendance, Decision, ExchangeSpace, Session, SpaceMember
from ameliora.meetings.report import yearly_report
from ameliora.meetings.tests.factories import SpaceFactory, make_session
from ameliora.plans import services as plan_services
from ameliora.plans.models import Action, ActionPlan
from ameliora.plans.tests.factories import ActionFactory, PlanFactory

TZ = timezone.get_current_timezone()


@pytest.fixture
def space(alice: Membership, bob: Membership) -> ExchangeSpace:
    return services.save_space(
        ExchangeSpace(kind=ExchangeSpace.Kind.QUALITY_CIRCLE, name="Cercle qualité", code="CQ"),
        acting=alice,
        facilitators=[alice],
        members=[bob],
    )


@pytest.fixture
def session(space: ExchangeSpace) -> Session:
    return make_session(space, days=-1)


def held(session: Session, acting: Membership) -> Session:
    return services.move_session(session, wanted=Session.Status.HELD, acting=acting)


# --- spaces and calendar -------------------------------------------------------------------------


def test_a_space_records_each_member_with_one_role(space: ExchangeSpace, alice: Membership, bob: Membership) -> None:
    roles = dict(space.members.values_list("member_id", "role"))
    assert roles == {alice.pk: SpaceMember.Role.FACILITATOR, bob.pk: SpaceMember.Role.MEMBER}

    services.save_space(space, acting=alice, facilitators=[alice, bob], members=[bob])
    assert dict(space.members.values_list("member_id", "role"))[bob.pk] == SpaceMember.Role.FACILITATOR
    services.save_space(space, acting=alice, facilitators=[alice], members=[])
    assert list(space.members.values_list("member_id", flat=True)) == [alice.pk]


def test_a_member_of_another_organization_cannot_join_a_space(
    space: ExchangeSpace, alice: Membership, charlie: Membership
) -> None:
    with pytest.raises(ValidationError):
        services.save_space(space, acting=alice, facilitators=[alice], members=[charlie])
    assert not space.members.filter(member=charlie).exists()


def test_six_sessions_a_year_every_two_months_at_the_same_local_time(space: ExchangeSpace, alice: Membership) -> None:
    first = datetime(2026, 1, 20, 14, 0, tzinfo=TZ)
    sessions = services.plan_sessions(space, acting=alice, first=first, count=6, every_months=2)

    local = [timezone.localtime(s.starts_at) for s in sessions]
    assert [(d.month, d.day, d.hour) for d in local] == [(m, 20, 14) for m in (1, 3, 5, 7, 9, 11)]
    assert all(s.duration_minutes == space.duration_minutes for s in sessions)


def test_a_day_missing_in_a_month_falls_on_its_last_day() -> None:
    first = datetime(2026, 1, 31, 9, 0, tzinfo=TZ)
    assert services.add_months(first, 1).date().isoformat() == "2026-02-28"
    assert services.add_months(first, 13).date().isoformat() == "2027-02-28"


def test_planning_refuses_silly_counts_and_creates_nothing(space: ExchangeSpace, alice: Membership) -> None:
    with pytest.raises(ValidationError):
        services.plan_sessions(space, acting=alice, first=timezone.now(), count=200, every_months=1)
    assert not space.sessions.exists()


# --- agenda --------------------------------------------------------------------------------------


def test_the_agenda_proposes_waiting_cases_and_overdue_actions_once(
    session: Session, alice: Membership, tilleuls: Organization
) -> None:
    case = EventFactory.create(organization=tilleuls, level=3, status=Event.Status.TRIAGED)
    EventFactory.create(organization=tilleuls, level=1, status=Event.Status.CLOSED)
    late = ActionFactory.create(
        plan=PlanFactory.create(organization=tilleuls),
        start_date=timezone.localdate() - timedelta(days=30),
        due_date=timezone.localdate() - timedelta(days=2),
    )

    keys = {p.key for p in services.proposed_agenda(session)}
    assert keys == {f"events.event:{case.pk}", f"plans.action:{late.pk}"}

    items = services.accept_agenda(session, keys=[f"events.event:{case.pk}"], acting=alice)

    assert [i.title for i in items] == [f"{case.reference} — {case.category}"]
    assert Link.objects.filter(from_id=items[0].pk, to_id=case.pk).exists()
    assert {p.key for p in services.proposed_agenda(session)} == {f"plans.action:{late.pk}"}
    # Accepting the same key again adds nothing.
    assert services.accept_agenda(session, keys=[f"events.event:{case.pk}"], acting=alice) == []


def test_items_are_reordered_and_an_item_with_decisions_stays(session: Session, alice: Membership) -> None:
    first = services.add_agenda_item(session, acting=alice, title="Point A")
    second = services.add_agenda_item(session, acting=alice, title="Point B")
    services.move_agenda_item(second, up=True, acting=alice)
    assert list(session.items.values_list("title", flat=True)) == ["Point B", "Point A"]

    services.record_decision(session, acting=alice, title="Faire X", item=first)
    with pytest.raises(ValidationError):
        services.remove_agenda_item(first, acting=alice)
    services.remove_agenda_item(second, acting=alice)
    assert list(session.items.values_list("title", flat=True)) == ["Point A"]


# --- decisions -----------------------------------------------------------------------------------


def test_a_decision_becomes_an_action_of_the_space_plan(
    session: Session, space: ExchangeSpace, alice: Membership, bob: Membership
) -> None:
    due = timezone.localdate() + timedelta(days=30)
    decision = services.record_decision(session, acting=alice, title="Double contrôle", owner=bob, due_date=due)

    space.refresh_from_db()
    assert space.plan is not None
    assert space.plan.code == "PAQ-CQ"
    action = decision.action
    assert action is not None
    assert (action.plan_id, action.title, action.owner_id, action.due_date) == (
        space.plan.pk,
        "Double contrôle",
        bob.pk,
        due,
    )
    assert Link.objects.filter(from_id=action.pk, to_id=decision.pk, kind=Link.Kind.SOURCE).exists()

    second = services.record_decision(session, acting=alice, title="Affiche")
    assert second.action is not None
    assert second.action.plan_id == space.plan.pk
    assert ActionPlan.objects.filter(code="PAQ-CQ").count() == 1


def test_a_decision_goes_to_the_plan_chosen_for_the_space(
    session: Session, space: ExchangeSpace, alice: Membership, tilleuls: Organization
) -> None:
    plan = PlanFactory.create(organization=tilleuls)
    space.plan = plan
    services.save_space(space, acting=alice, facilitators=[alice], members=[])

    decision = services.record_decision(session, acting=alice, title="Revoir la procédure")
    assert decision.action is not None
    assert decision.action.plan_id == plan.pk


# --- approval and freezing -----------------------------------------------------------------------


def test_minutes_are_approved_only_once_held_then_the_session_is_frozen(
    session: Session, alice: Membership, bob: Membership
) -> None:
    item = services.add_agenda_item(session, acting=alice, title="Chutes")
    with pytest.raises(ValidationError):
        services.approve_minutes(session, acting=alice)

    held(session, alice)
    services.approve_minutes(session, acting=alice)

    for change in (
        lambda: services.write_minutes(session, acting=alice, summary="x", item_minutes={item.pk: "y"}),
        lambda: services.add_agenda_item(session, acting=alice, title="Tard"),
        lambda: services.record_decision(session, acting=alice, title="Tard"),
        lambda: services.record_attendance(session, acting=alice, statuses={bob: Attendance.Status.ABSENT}),
        lambda: services.move_session(session, wanted=Session.Status.PLANNED, acting=alice),
        lambda: core_services.add_attachment(
            session, upload=SimpleUploadedFile("cr.pdf", PDF_BYTES, content_type="application/pdf"), acting=alice
        ),
    ):
        with pytest.raises(ValidationError):
            change()
    assert not Decision.objects.filter(session=session).exists()
    assert session.items.count() == 1


def test_approved_minutes_are_sent_to_who_was_there_or_excused(
    session: Session, alice: Membership, bob: Membership, tilleuls: Organization
) -> None:
    absent = MembershipFactory.create(organization=tilleuls)
    services.record_attendance(
        session,
        acting=alice,
        statuses={alice: Attendance.Status.PRESENT, bob: Attendance.Status.EXCUSED, absent: Attendance.Status.ABSENT},
    )
    services.write_minutes(session, acting=alice, summary="Mme D., 82 ans, chute", item_minutes={})
    held(session, alice)

    services.approve_minutes(session, acting=alice)

    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert notified == {alice.user_id, bob.user_id}
    # The title carries the kind of meeting and its date, never what the minutes say.
    assert all("Mme D." not in n.title for n in Notification.objects.all())


# --- report --------------------------------------------------------------------------------------


def test_the_yearly_report_counts_sessions_attendance_cases_and_completed_decisions(
    space: ExchangeSpace, alice: Membership, bob: Membership, tilleuls: Organization
) -> None:
    year = timezone.localdate().year - 1
    sessions = services.plan_sessions(
        space, acting=alice, first=datetime(year, 1, 15, 14, tzinfo=TZ), count=6, every_months=2
    )
    case = EventFactory.create(organization=tilleuls, level=3, status=Event.Status.IN_ANALYSIS)
    for session in sessions[:4]:
        services.record_attendance(
            session, acting=alice, statuses={alice: Attendance.Status.PRESENT, bob: Attendance.Status.ABSENT}
        )
        held(session, alice)
    services.accept_agenda(sessions[0], keys=[f"events.event:{case.pk}"], acting=alice)
    services.add_agenda_item(sessions[1], acting=alice, title="Indicateurs")
    done = services.record_decision(sessions[0], acting=alice, title="A")
    services.record_decision(sessions[1], acting=alice, title="B")
    assert done.action is not None
    plan_services.move_action(done.action, wanted=Action.Status.DONE, acting=alice)
    services.move_session(sessions[5], wanted=Session.Status.CANCELLED, acting=alice)

    report = yearly_report(space, year)

    assert (report.planned, report.held, report.cancelled) == (6, 4, 1)
    assert (report.present, report.recorded, report.attendance_rate) == (4, 8, 50.0)
    assert (report.cases_analysed, report.items, report.decisions) == (1, 2, 2)
    assert (report.decisions_done, report.completion_rate) == (1, 50.0)
    assert [r.present for r in report.rows] == [1, 1, 1, 1, 0, 0]


# --- calendar feeds ------------------------------------------------------------------------------


def _feed(client: Client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_the_space_feed_parses_back_with_every_session_and_no_typed_agenda_item(
    space: ExchangeSpace, alice: Membership, client: Client
) -> None:
    sessions = services.plan_sessions(
        space, acting=alice, first=datetime(2026, 1, 20, 14, tzinfo=TZ), count=6, every_months=2
    )
    services.add_agenda_item(sessions[0], acting=alice, title="Cas de M. Martin")
    AgendaItem.objects.create(
        organization=space.organization,
        session=sessions[0],
        position=5,
        title="EI-2026-004 — Médicament",
        source_key="events.event:4",
        source_url="/o/tilleuls/events/4/",
    )
    services.move_session(sessions[1], wanted=Session.Status.CANCELLED, acting=alice)

    calendar = _feed(client, reverse("meetings_public:space_feed", kwargs={"token": space.calendar_token}))

    events = calendar.walk("VEVENT")
    assert len(events) == 6
    first = events[0]
    assert first.decoded("dtstart") == sessions[0].starts_at
    assert first.decoded("dtend") - first.decoded("dtstart") == timedelta(minutes=space.duration_minutes)
    assert str(first["summary"]).startswith("Cercle qualité")
    assert str(first["uid"]) == f"session-{sessions[0].pk}@ameliora"
    assert [str(e["status"]) for e in events[:2]] == ["CONFIRMED", "CANCELLED"]
    assert b"Martin" not in calendar.to_ical()
    page = "http://testserver" + sessions[0].get_absolute_url()
    assert str(first["description"]).split("\n") == [
        "Ordre du jour :",
        "1. EI-2026-004 — Médicament",
        "+ 1 point rédigé par l’équipe, sur la page de la séance.",
        "",
        f"Page de la séance : {page}",
    ]
    assert str(events[2]["description"]).startswith("Pas encore d’ordre du jour.")


def test_a_member_feed_lists_only_the_spaces_they_belong_to(
    space: ExchangeSpace, alice: Membership, bob: Membership, tilleuls: Organization, client: Client
) -> None:
    make_session(space)
    other = SpaceFactory.create(organization=tilleuls)
    make_session(other)
    token = services.calendar_of(bob).token

    calendar = _feed(client, reverse("meetings_public:member_feed", kwargs={"token": token}))

    assert [str(e["summary"]).split(" (")[0] for e in calendar.walk("VEVENT")] == [space.name]


def test_an_unknown_token_is_404(client: Client, db: None) -> None:
    assert client.get(reverse("meetings_public:space_feed", kwargs={"token": "nope"})).status_code == 404
    assert client.get(reverse("meetings_public:member_feed", kwargs={"token": "nope"})).status_code == 404


# --- pages ---------------------------------------------------------------------------------------


def _url(name: str, org: Organization, **kwargs: Any) -> str:
    return reverse(f"meetings:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_the_home_page_query_count_does_not_grow_with_spaces(
    alice_client: Client, tilleuls: Organization, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        make_session(SpaceFactory.create(organization=tilleuls))
    with django_assert_max_num_queries(12):
        response = alice_client.get(_url("home", tilleuls))
    assert response.status_code == 200
    assert response.content.count(b'href="/o/tilleuls') >= 25


def test_a_decision_without_a_title_is_refused_and_the_typed_values_kept(
    session: Session, alice_client: Client, bob: Membership, tilleuls: Organization
) -> None:
    response = alice_client.post(
        _url("decision_add", tilleuls, session_id=session.pk),
        {"decision-title": "", "decision-owner": bob.pk, "decision-due_date": "2026-12-01"},
    )
    assert response.status_code == 422
    form = response.context["decision_form"]
    assert "title" in form.errors
    assert 'value="2026-12-01"' in response.content.decode()
    assert not Decision.objects.exists()


def test_recording_a_decision_from_the_page_opens_the_action(
    session: Session, alice_client: Client, bob: Membership, tilleuls: Organization
) -> None:
    response = alice_client.post(
        _url("decision_add", tilleuls, session_id=session.pk),
        {"decision-title": "Affiche au comptoir", "decision-owner": bob.pk},
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Affiche au comptoir")
    assert action.owner_id == bob.pk
    page = alice_client.get(session.get_absolute_url()).content.decode()
    assert action.get_absolute_url() in page


def test_a_plain_member_reads_the_session_but_cannot_run_it(
    session: Session, bob_client: Client, tilleuls: Organization
) -> None:
    page = bob_client.get(session.get_absolute_url())
    assert page.status_code == 200
    assert "decision_add" not in page.content.decode()
    response = bob_client.post(_url("item_add", tilleuls, session_id=session.pk), {"item-title": "Point"})
    assert response.status_code == 403
    assert not AgendaItem.objects.exists()


def test_a_facilitator_runs_the_session_without_being_a_manager(
    session: Session, alice: Membership, bob: Membership, bob_client: Client, tilleuls: Organization
) -> None:
    space = session.space
    services.save_space(space, acting=alice, facilitators=[alice, bob], members=[])
    response = bob_client.post(_url("item_add", tilleuls, session_id=session.pk), {"item-title": "Point divers"})
    assert response.status_code == 302
    assert session.items.get().title == "Point divers"


def test_attendance_is_recorded_from_the_page(
    session: Session, alice_client: Client, alice: Membership, bob: Membership, tilleuls: Organization
) -> None:
    response = alice_client.post(
        _url("attendance", tilleuls, session_id=session.pk),
        {f"att-m{alice.pk}": "present", f"att-m{bob.pk}": "excused"},
    )
    assert response.status_code == 302
    assert dict(session.attendance.values_list("member_id", "status")) == {alice.pk: "present", bob.pk: "excused"}


def test_the_report_pdf_carries_the_figures(space: ExchangeSpace, alice_client: Client, tilleuls: Organization) -> None:
    import io

    from pypdf import PdfReader

    make_session(space, days=-3)
    response = alice_client.get(_url("report_pdf", tilleuls, space_id=space.pk) + f"?year={timezone.localdate().year}")
    assert response.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert space.name in text
    assert "0 / 6" in text


# --- indicators ----------------------------------------------------------------------------------


def test_sessions_attendance_and_decisions_feed_indicators(
    session: Session, alice: Membership, bob: Membership
) -> None:
    from ameliora.indicators.sources import SOURCES

    services.record_attendance(
        session, acting=alice, statuses={alice: Attendance.Status.PRESENT, bob: Attendance.Status.ABSENT}
    )
    decision = services.record_decision(session, acting=alice, title="A")
    services.record_decision(session, acting=alice, title="B")
    assert decision.action is not None
    plan_services.move_action(decision.action, wanted=Action.Status.DONE, acting=alice)
    held(session, alice)
    day = timezone.localtime(session.starts_at).date()
    org = session.organization

    assert SOURCES["meetings.sessions_held"].compute(org, day, day, "day") == (1, None)
    assert SOURCES["meetings.attendance_rate"].compute(org, day, day, "day") == (1, 2)
    assert SOURCES["meetings.decisions_completed"].compute(org, day, day, "day") == (1, 2)
    before = day - timedelta(days=1)
    assert SOURCES["meetings.attendance_rate"].compute(org, before, before, "day") == (None, None)


def test_feeds_leave_out_sessions_older_than_a_year(space: ExchangeSpace, client: Client) -> None:
    make_session(space, days=-400)
    recent = make_session(space, days=-30)

    calendar = _feed(client, reverse("meetings_public:space_feed", kwargs={"token": space.calendar_token}))

    assert [str(e["uid"]) for e in calendar.walk("VEVENT")] == [f"session-{recent.pk}@ameliora"]


def test_the_dashboard_shows_the_member_s_next_sessions_only(
    space: ExchangeSpace, alice: Membership, tilleuls: Organization, bob_client: Client
) -> None:
    coming = make_session(space, days=3)
    make_session(space, days=-3)
    other = SpaceFactory.create(organization=tilleuls, name="Espace sans Bob")
    make_session(other, days=2)

    page = bob_client.get(reverse("core:dashboard", kwargs={"org_slug": tilleuls.slug})).content.decode()

    assert coming.get_absolute_url() in page
    assert "Espace sans Bob" not in page


def test_a_session_stored_on_the_last_day_of_the_calendar_still_shows_and_feeds(
    client: Client, alice_client: Client, space: ExchangeSpace
) -> None:
    """A start on 31/12/9999 at 23:30 (typed before dates were bounded) overflowed its end time."""
    session = make_session(space)
    session.starts_at = datetime(9999, 12, 31, 23, 30, tzinfo=timezone.get_current_timezone())
    session.save(update_fields=["starts_at"])

    assert session.ends_at == session.starts_at
    assert alice_client.get(session.get_absolute_url()).status_code == 200
    assert client.get(reverse("meetings_public:space_feed", kwargs={"token": space.calendar_token})).status_code == 200


def test_with_a_single_plan_decisions_feed_it_and_the_space_keeps_no_plan_of_its_own(
    session: Session, space: ExchangeSpace, alice: Membership, tilleuls: Organization
) -> None:
    qse = plan_services.create_plan(acting=alice, code="QSE-2026", title="Plan QSE")
    plan_services.choose_single_plan(acting=alice, plan=qse)

    decision = services.record_decision(session, acting=alice, title="Revoir l'accueil")

    assert decision.action is not None
    assert decision.action.plan_id == qse.pk
    space.refresh_from_db()
    assert space.plan is None, "the space follows the setting, so going back to one plan per source works"
    assert not ActionPlan.objects.filter(code="PAQ-CQ").exists()

    plan_services.choose_single_plan(acting=alice, plan=None)
    later = services.record_decision(session, acting=alice, title="Afficher les horaires")
    assert later.action is not None
    assert later.action.plan.code == "PAQ-CQ"


def test_a_session_cannot_be_marked_held_before_its_day(
    space: ExchangeSpace, alice: Membership, alice_client: Client
) -> None:
    """Issue 18: a session planned for 15/12 was marked held on 03/12, and counted in the report."""
    later = make_session(space, days=12)

    with pytest.raises(ValidationError) as refused:
        held(later, alice)
    assert refused.value.code == "not_yet_held"
    response = alice_client.post(
        reverse("meetings:session_status", kwargs={"org_slug": space.organization.slug, "session_id": later.pk}),
        {"status": Session.Status.HELD},
        follow=True,
    )

    assert timezone.localtime(later.starts_at).strftime("%d/%m/%Y") in response.content.decode()
    assert Session.objects.get(pk=later.pk).status == Session.Status.PLANNED
    assert held(make_session(space, days=0), alice).status == Session.Status.HELD
