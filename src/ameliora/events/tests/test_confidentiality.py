"""Who reported is known to the quality manager and cell only: not on pages, lists, API or history for others."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Notification
from ameliora.core.tests.assertions import page_text
from ameliora.events import services
from ameliora.events.models import EventSettings
from ameliora.events.tests.support import SECRET_TEXT, declared_by


def reporter_cell(page: str) -> str:
    """What the event page says in its "Reporter" line."""
    return page.split('id="event-reporter"', 1)[1].split("</dd>", 1)[0]


def test_the_quality_manager_sees_who_reported(
    alice_client: Client, bob: Membership, event_settings: EventSettings
) -> None:
    event = declared_by(bob)

    assert "Bob Roux" in reporter_cell(page_text(alice_client.get(event.get_absolute_url())))


def test_a_plain_member_never_sees_another_reporters_identity(
    client_for: object, bob: Membership, event_settings: EventSettings, tilleuls: object
) -> None:
    from ameliora.core.tests.factories import MembershipFactory, UserFactory

    erin = MembershipFactory.create(
        organization=tilleuls, user=UserFactory.create(first_name="Erin", last_name="Lemaire")
    )
    event = declared_by(erin)
    client = client_for(bob)  # type: ignore[operator]
    org = bob.organization.slug

    detail = page_text(client.get(event.get_absolute_url()))
    listing = page_text(client.get(reverse("events:home", kwargs={"org_slug": org}) + "?queue=all"))
    api = client.get(f"/api/v1/o/{org}/events/{event.pk}").json()
    api_list = client.get(f"/api/v1/o/{org}/events").json()

    assert SECRET_TEXT in detail  # he reads the event…
    assert "bi-lock" in reporter_cell(detail)
    assert "Lemaire" not in reporter_cell(detail)
    assert "Lemaire" not in listing
    assert api["reporter"] is None
    assert "Lemaire" not in str(api)
    assert "Lemaire" not in str(api_list)


def test_an_administrator_outside_the_quality_team_triages_without_learning_the_reporter(
    dana: Membership, dana_client: Client, bob: Membership, event_settings: EventSettings
) -> None:
    event = declared_by(bob)
    services.triage_event(event, severity=2, likelihood=2, handler=dana, level=None, criteria={}, acting=dana)

    page = page_text(dana_client.get(event.get_absolute_url()))

    assert "Triaged" in page
    assert "Bob Roux" not in reporter_cell(page)
    assert "bi-lock" in reporter_cell(page)
    history = page.split('id="history-title"', 1)[1].split("</section>", 1)[0]  # she may read it: it does not name him
    assert "Bob Roux" not in history


def test_the_history_never_records_reporter_fields(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    event = declared_by(bob)

    record = event.history.get()
    assert record.history_user is None
    assert not hasattr(record, "reported_by_id")
    assert not hasattr(record, "contact_phone")


def test_notifications_name_the_reference_never_the_reporter_or_the_text(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    event = declared_by(bob)
    services.give_feedback(event, message=SECRET_TEXT + " : merci", acting=alice)

    titles = list(Notification.objects.values_list("title", flat=True))
    assert titles
    assert all(event.reference in t for t in titles)
    assert not any("Bob" in t or "Confidentielle" in t for t in titles)


def test_public_declarations_are_for_the_quality_team_only(
    alice_client: Client, bob_client: Client, bob: Membership, event_settings: EventSettings, tilleuls: object
) -> None:
    from ameliora.events.tests.support import declaration

    event, _code = services.declare_public_event(tilleuls, declaration(tilleuls))  # type: ignore[arg-type]

    assert bob_client.get(event.get_absolute_url()).status_code == 404
    assert alice_client.get(event.get_absolute_url()).status_code == 200


def test_attachments_of_an_event_follow_its_visibility(
    alice: Membership, bob: Membership, event_settings: EventSettings, tilleuls: object
) -> None:
    from ameliora.core.access import can_see
    from ameliora.events.tests.support import declaration

    public, _code = services.declare_public_event(tilleuls, declaration(tilleuls))  # type: ignore[arg-type]

    assert can_see(alice, public)
    assert not can_see(bob, public)
