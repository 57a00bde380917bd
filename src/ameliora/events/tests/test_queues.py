"""The queues, overdue marking and bounded query counts of the list."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from ameliora.core.models import Membership
from ameliora.core.tests.assertions import page_text
from ameliora.events import services
from ameliora.events.models import Event, EventSettings
from ameliora.events.tests.factories import EventFactory
from ameliora.events.tests.support import declared_by


def _list(client: Client, queue: str) -> str:
    return page_text(client.get(reverse("events:home", kwargs={"org_slug": "tilleuls"}) + f"?queue={queue}"))


def test_each_queue_holds_its_events(
    alice: Membership, bob: Membership, alice_client: Client, rex_settings: EventSettings
) -> None:
    fresh = declared_by(bob)
    oriented = declared_by(bob)
    services.triage_event(oriented, severity=2, likelihood=2, handler=alice, level=2, criteria={}, acting=alice)
    Event.objects.filter(pk=oriented.pk).update(check_back_due=timezone.localdate() - timedelta(days=1))
    meeting = declared_by(bob)
    services.triage_event(meeting, severity=4, likelihood=3, handler=None, level=3, criteria={}, acting=alice)
    closed = declared_by(bob)
    services.triage_event(closed, severity=1, likelihood=1, handler=None, level=1, criteria={}, acting=alice)
    services.move_event(closed, "close", acting=alice)

    def shown(queue: str) -> set[str]:
        page = _list(alice_client, queue)
        return {e.reference for e in (fresh, oriented, meeting, closed) if f">{e.reference}</a>" in page}

    assert shown("to_triage") == {fresh.reference}
    assert shown("mine") == {oriented.reference}
    assert shown("check_backs") == {oriented.reference}
    assert shown("meeting") == {meeting.reference}
    assert shown("no_feedback") == {closed.reference}
    assert 'class="table-danger ev-overdue"' in _list(alice_client, "check_backs")  # overdue in red


def test_an_old_untriaged_declaration_is_overdue(
    alice_client: Client, bob: Membership, event_settings: EventSettings
) -> None:
    event = declared_by(bob)
    Event.objects.filter(pk=event.pk).update(received_at=timezone.now() - timedelta(days=10))

    assert "table-danger" in _list(alice_client, "to_triage")


def test_a_plain_member_has_the_register_and_his_declarations_only(
    bob: Membership, bob_client: Client, event_settings: EventSettings
) -> None:
    page = _list(bob_client, "to_triage")  # not his queue: falls back to the register

    assert 'href="?queue=declared"' in page
    assert 'href="?queue=to_triage"' not in page


def test_the_list_makes_the_same_number_of_queries_for_5_or_50_events(
    alice: Membership,
    alice_client: Client,
    event_settings: EventSettings,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    url = reverse("events:home", kwargs={"org_slug": "tilleuls"}) + "?queue=all"
    EventFactory.create_batch(5, organization=alice.organization, handler=alice)
    alice_client.get(url)
    with django_assert_max_num_queries(14):
        assert alice_client.get(url).status_code == 200
    EventFactory.create_batch(45, organization=alice.organization, handler=alice)
    with django_assert_max_num_queries(14):
        response = alice_client.get(url)
    assert page_text(response).count("/events/") >= 25
