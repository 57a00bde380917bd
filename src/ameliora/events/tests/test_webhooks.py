"""Webhooks of events: declared and triaged reach the registered address, with numbers and links only."""

from __future__ import annotations

import json
from typing import Any

from ameliora.core import webhooks
from ameliora.core.models import Membership, WebhookDelivery
from ameliora.core.tests.receiver import Receiver
from ameliora.events import services
from ameliora.events.models import EventSettings
from ameliora.events.tests.support import SECRET_TEXT, declared_by


def test_declaring_then_triaging_sends_two_signed_messages_without_text_or_reporter(
    alice: Membership,
    bob: Membership,
    event_settings: EventSettings,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    webhooks.create_endpoint(
        organization=alice.organization,
        url=receiver.url,
        topics=["event.declared", "event.triaged"],
        created_by=alice.user,
    )

    with django_capture_on_commit_callbacks(execute=True):
        event = declared_by(bob, consequences="Mme Confidentielle a chuté")
    with django_capture_on_commit_callbacks(execute=True):
        services.triage_event(event, severity=3, likelihood=2, handler=alice, level=None, criteria={}, acting=alice)

    assert [r.headers["X-Ameliora-Topic"] for r in receiver.requests] == ["event.declared", "event.triaged"]
    declared, triaged = (json.loads(r.body)["data"]["event"] for r in receiver.requests)
    assert declared["reference"] == event.reference
    assert declared["url"].endswith(f"/o/tilleuls/events/{event.pk}/")
    assert (triaged["status"], triaged["criticity"]) == ("triaged", 6)
    everything = b"".join(r.body for r in receiver.requests).decode()
    for leak in (SECRET_TEXT, "Confidentielle", "Bob", "Roux", "bob@", "Alice", "alice@"):
        assert leak not in everything


def test_another_organizations_endpoint_hears_nothing(
    charlie: Membership, bob: Membership, event_settings: EventSettings, receiver: Receiver
) -> None:
    webhooks.create_endpoint(
        organization=charlie.organization, url=receiver.url, topics=["event.declared"], created_by=charlie.user
    )

    declared_by(bob)

    assert not WebhookDelivery.objects.exists()
