"""Each space chooses what feeds its proposed agenda, and an item scheduled elsewhere is not offered twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from ameliora.core import agenda
from ameliora.core.models import Membership, Organization
from ameliora.evaluations.models import Evaluation
from ameliora.evaluations.tests.factories import make_audit
from ameliora.events.models import Event
from ameliora.events.tests.factories import EventFactory
from ameliora.indicators.models import Status as IndicatorStatus
from ameliora.indicators.tests.factories import IndicatorFactory
from ameliora.meetings import services
from ameliora.meetings.models import ExchangeSpace, Session
from ameliora.meetings.tests.factories import SpaceFactory, make_session
from ameliora.plans.tests.factories import ActionFactory, PlanFactory

Kind = ExchangeSpace.Kind
EVERY_SOURCE = ["events.cases", "plans.overdue", "indicators.concerning", "evaluations.results"]


@pytest.fixture
def waiting(tilleuls: Organization) -> dict[str, str]:
    """One waiting object per source a kind's defaults name, by source name → proposal key."""
    case = EventFactory.create(organization=tilleuls, level=3, status=Event.Status.TRIAGED)
    late = ActionFactory.create(
        plan=PlanFactory.create(organization=tilleuls),
        start_date=timezone.localdate() - timedelta(days=30),
        due_date=timezone.localdate() - timedelta(days=2),
    )
    indicator = IndicatorFactory.create(organization=tilleuls, status=IndicatorStatus.CONCERNING)
    evaluation = make_audit(tilleuls, status=Evaluation.Status.CLOSED)
    Evaluation.objects.filter(pk=evaluation.pk).update(closed_at=timezone.now() - timedelta(days=3))
    return {
        "events.cases": f"events.event:{case.pk}",
        "plans.overdue": f"plans.action:{late.pk}",
        "indicators.concerning": f"indicators.indicator:{indicator.pk}",
        "evaluations.results": f"evaluations.evaluation:{evaluation.pk}",
    }


def _keys(session: Session) -> set[str]:
    return {p.key for p in services.proposed_agenda(session)}


# --- sources and their labels --------------------------------------------------------------------


def test_every_source_is_registered_with_a_translated_label(db: None) -> None:
    names = [name for name, _label in agenda.source_choices()]
    assert set(names) >= {*EVERY_SOURCE, "documents.review", "surveys.results"}
    with translation.override("en"):
        labels = dict(agenda.source_choices())
        assert labels["events.cases"] == "Cases to analyse"
        assert labels["plans.overdue"] == "Overdue actions"


def test_proposals_are_filtered_by_source_and_unknown_names_ignored(
    tilleuls: Organization, waiting: dict[str, str]
) -> None:
    everything = {p.key for p in agenda.proposals(tilleuls)}
    assert everything >= set(waiting.values())
    chosen = {p.key for p in agenda.proposals(tilleuls, sources=["plans.overdue", "nowhere.gone"])}
    assert chosen == {waiting["plans.overdue"]}
    assert agenda.proposals(tilleuls, sources=[]) == []


# --- per kind defaults and a space's own choice --------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (Kind.QUALITY_CELL, ["events.cases", "plans.overdue", "indicators.concerning"]),
        (Kind.CREX, ["events.cases", "plans.overdue", "indicators.concerning"]),
        (Kind.RMM, ["events.cases", "evaluations.results"]),
        (Kind.RISK_CAFE, ["events.cases", "indicators.concerning"]),
        (Kind.QUALITY_CIRCLE, EVERY_SOURCE),
        (Kind.QUALITY_MEETING, EVERY_SOURCE),
        (Kind.OTHER, EVERY_SOURCE),
    ],
)
def test_each_kind_of_space_is_offered_its_default_sources(
    kind: str, expected: list[str], tilleuls: Organization, waiting: dict[str, str]
) -> None:
    session = make_session(SpaceFactory.create(organization=tilleuls, kind=kind))
    assert _keys(session) == {waiting[name] for name in expected}


def test_every_kind_has_defaults() -> None:
    from ameliora.meetings.models import DEFAULT_AGENDA_SOURCES

    assert set(DEFAULT_AGENDA_SOURCES) == set(Kind.values)
    assert ExchangeSpace(kind=Kind.QUALITY_CIRCLE).agenda_source_names() is None  # every source, present and future


def test_a_space_s_own_choice_replaces_the_defaults_of_its_kind(
    tilleuls: Organization, waiting: dict[str, str]
) -> None:
    space = SpaceFactory.create(organization=tilleuls, kind=Kind.CREX, agenda_sources=["evaluations.results"])
    assert _keys(make_session(space)) == {waiting["evaluations.results"]}
    with translation.override("en"):
        assert services.agenda_source_labels(space) == ["EPP with results"]


# --- already scheduled elsewhere -----------------------------------------------------------------


def test_an_item_scheduled_for_another_upcoming_session_is_not_proposed_again(
    alice: Membership, tilleuls: Organization, coteaux: Organization, waiting: dict[str, str]
) -> None:
    case = waiting["events.cases"]
    crex = make_session(SpaceFactory.create(organization=tilleuls, kind=Kind.CREX), days=5)
    circle = make_session(SpaceFactory.create(organization=tilleuls, kind=Kind.QUALITY_CIRCLE), days=20)
    later_crex = make_session(crex.space, days=40)
    assert case in _keys(circle)

    services.accept_agenda(crex, keys=[case], acting=alice)

    assert case not in _keys(circle)  # the CREX takes it up next week
    assert case not in _keys(later_crex)  # nor the same space's next session
    assert services.accept_agenda(circle, keys=[case], acting=alice) == []
    assert waiting["plans.overdue"] in _keys(circle)  # the rest is still offered
    # Another organization's sessions have their own agenda.
    other = make_session(SpaceFactory.create(organization=coteaux))
    assert not any(p.key == case for p in services.proposed_agenda(other))


def test_an_item_discussed_in_a_past_session_comes_back_while_still_waiting(
    alice: Membership, tilleuls: Organization, waiting: dict[str, str]
) -> None:
    case = waiting["events.cases"]
    crex = make_session(SpaceFactory.create(organization=tilleuls, kind=Kind.CREX), days=5)
    circle = make_session(SpaceFactory.create(organization=tilleuls, kind=Kind.QUALITY_CIRCLE), days=20)
    services.accept_agenda(crex, keys=[case], acting=alice)

    Session.objects.filter(pk=crex.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    crex.refresh_from_db()
    services.move_session(crex, wanted=Session.Status.HELD, acting=alice)  # held on its day, not before
    assert case in _keys(circle)  # held: the case is still waiting (level 3, not closed)

    services.move_session(crex, wanted=Session.Status.PLANNED, acting=alice)
    Session.objects.filter(pk=crex.pk).update(starts_at=timezone.now() - timedelta(days=1))
    assert case in _keys(circle)  # its date is past: not "upcoming" any more

    Session.objects.filter(pk=crex.pk).update(starts_at=timezone.now() + timedelta(days=1))
    services.move_session(crex, wanted=Session.Status.CANCELLED, acting=alice)
    assert case in _keys(circle)  # a cancelled session will not take it up


# --- the space form ------------------------------------------------------------------------------


def _form_data(**fields: Any) -> dict[str, Any]:
    return {
        "kind": Kind.CREX,
        "name": "CREX des urgences",
        "code": "CREX",
        "sessions_per_year": 6,
        "duration_minutes": 90,
        "active": "on",
        **fields,
    }


def test_the_space_form_offers_the_sources_as_checkboxes_and_saves_the_choice(
    alice_client: Client, tilleuls: Organization
) -> None:
    url = reverse("meetings:space_create", kwargs={"org_slug": tilleuls.slug})
    response = alice_client.get(url)
    assert 'type="checkbox" name="agenda_sources" value="events.cases"' in response.content.decode()
    with translation.override("en"):
        assert dict(response.context["form"].fields["agenda_sources"].choices)["events.cases"] == "Cases to analyse"

    response = alice_client.post(url, _form_data(agenda_sources=["events.cases", "plans.overdue"]))
    assert response.status_code == 302
    space = ExchangeSpace.objects.get(organization=tilleuls, code="CREX")
    assert space.agenda_sources == ["events.cases", "plans.overdue"]

    edit = reverse("meetings:space_edit", kwargs={"org_slug": tilleuls.slug, "space_id": space.pk})
    assert alice_client.get(edit).context["form"]["agenda_sources"].value() == ["events.cases", "plans.overdue"]
    response = alice_client.post(edit, _form_data())  # nothing ticked: back to the defaults of its kind
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.agenda_sources == []
    assert space.agenda_source_names() == ["events.cases", "plans.overdue", "indicators.concerning"]


def test_the_space_form_refuses_an_unknown_source(alice_client: Client, tilleuls: Organization) -> None:
    url = reverse("meetings:space_create", kwargs={"org_slug": tilleuls.slug})
    response = alice_client.post(url, _form_data(agenda_sources=["nowhere.gone"]))
    assert response.status_code == 422
    assert "agenda_sources" in response.context["form"].errors
    assert not ExchangeSpace.objects.filter(organization=tilleuls).exists()


def test_the_space_page_names_the_sources_of_its_agenda(alice_client: Client, tilleuls: Organization) -> None:
    space = SpaceFactory.create(organization=tilleuls, kind=Kind.RMM)
    with translation.override("en"):
        response = alice_client.get(space.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["agenda_sources"] == [
        str(label) for name, label in agenda.source_choices() if name in {"events.cases", "evaluations.results"}
    ]


# --- the session page stays bounded --------------------------------------------------------------


def _waiting_everywhere(alice: Membership, tilleuls: Organization, count: int) -> None:
    """``count`` cases, overdue actions, concerning indicators, and upcoming sessions of other spaces."""
    plan = PlanFactory.create(organization=tilleuls)
    for n in range(count):
        EventFactory.create(organization=tilleuls, level=3, status=Event.Status.TRIAGED)
        ActionFactory.create(
            plan=plan,
            start_date=timezone.localdate() - timedelta(days=30),
            due_date=timezone.localdate() - timedelta(days=2),
        )
        IndicatorFactory.create(organization=tilleuls, status=IndicatorStatus.CONCERNING)
        other = make_session(SpaceFactory.create(organization=tilleuls, kind=Kind.CREX), days=n + 1)
        services.add_agenda_item(other, acting=alice, title=f"Point {n}")


def test_the_session_page_query_count_does_not_grow_with_proposals_or_sessions(
    alice: Membership, alice_client: Client, tilleuls: Organization, django_assert_max_num_queries: Any
) -> None:
    session = make_session(SpaceFactory.create(organization=tilleuls, kind=Kind.QUALITY_CIRCLE))
    _waiting_everywhere(alice, tilleuls, 2)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(session.get_absolute_url())

    _waiting_everywhere(alice, tilleuls, 25)
    with django_assert_max_num_queries(len(few)):
        response = alice_client.get(session.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["proposals"]) >= 3 * agenda.LIMIT
    assert len(few) <= 32


def test_the_space_form_help_texts_open_no_html_element(alice_client: Client, tilleuls: Organization) -> None:
    """Help texts are rendered as HTML: a stray "<code>" once turned the rest of the form into code."""
    page = alice_client.get(reverse("meetings:space_create", kwargs={"org_slug": tilleuls.slug})).content.decode()

    assert page.count("<code") == page.count("</code>")
    assert "PAQ-CQ" in page
