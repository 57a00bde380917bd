"""The events API: list and detail, reporter only for the quality team, JSON errors."""

from __future__ import annotations

from django.test import Client

from ameliora.core.models import Membership
from ameliora.events.models import EventSettings
from ameliora.events.tests.support import declared_by


def test_the_quality_manager_reads_the_reporter_in_the_api(
    alice_client: Client, bob: Membership, event_settings: EventSettings
) -> None:
    event = declared_by(bob)

    listing = alice_client.get("/api/v1/o/tilleuls/events").json()
    detail = alice_client.get(f"/api/v1/o/tilleuls/events/{event.pk}").json()

    assert [item["reference"] for item in listing["items"]] == [event.reference]
    assert "reporter" not in listing["items"][0]
    assert detail["reporter"] == {"anonymous": False, "name": "Bob Roux", "phone": "", "best_time": ""}


def test_errors_are_json_messages(alice_client: Client, charlie_client: Client, event_settings: EventSettings) -> None:
    assert alice_client.get("/api/v1/o/tilleuls/events/999999").json() == {"message": "Not found."}
    outsider = charlie_client.get("/api/v1/o/tilleuls/events")
    assert outsider.status_code == 404
    assert "message" in outsider.json()


def test_events_of_another_organization_are_not_found(
    charlie: Membership, charlie_client: Client, bob: Membership, event_settings: EventSettings
) -> None:
    event = declared_by(bob)

    response = charlie_client.get(f"/api/v1/o/{charlie.organization.slug}/events/{event.pk}")

    assert response.status_code == 404
