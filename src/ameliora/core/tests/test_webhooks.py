"""Webhooks: administrators register HTTPS addresses; deliveries are signed, retried by the worker, logged."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from ameliora.core import webhooks
from ameliora.core.models import Membership, Organization, WebhookDelivery, WebhookEndpoint, WebhookTopic
from ameliora.core.tests.receiver import Receiver

pytestmark = pytest.mark.django_db


Emit = Callable[..., None]


@pytest.fixture
def emit(django_capture_on_commit_callbacks: Any) -> Emit:
    """``webhooks.emit``, then what waits for the commit (the deliveries' tasks), as a request's commit would."""

    def send(organization: Organization, topic: WebhookTopic, data: dict[str, Any]) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.emit(organization, topic, data=data)

    return send


LIST = "/o/tilleuls/settings/webhooks/"


def endpoint_for(membership: Membership, url: str, topics: tuple[str, ...] = ("event.declared",)) -> WebhookEndpoint:
    return webhooks.create_endpoint(
        organization=membership.organization, url=url, topics=list(topics), created_by=membership.user
    )


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiving system does (the snippet of docs/api.md)."""
    parts = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_a_delivery_is_signed_with_the_endpoints_secret_and_carries_only_what_it_was_given(
    alice: Membership, receiver: Receiver, emit: Emit
) -> None:
    endpoint = endpoint_for(alice, receiver.url)

    emit(alice.organization, WebhookTopic.EVENT_DECLARED, {"event": {"id": 7, "reference": "EI-1"}})

    [request] = receiver.requests
    assert request.headers["X-Ameliora-Topic"] == "event.declared"
    assert verify(endpoint.secret, request.headers["X-Ameliora-Signature"], request.body)
    assert not verify("whsec_other", request.headers["X-Ameliora-Signature"], request.body)
    body = json.loads(request.body)
    assert body["topic"] == "event.declared"
    assert body["organization"] == "tilleuls"
    assert body["data"] == {"event": {"id": 7, "reference": "EI-1"}}
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)


def test_a_topic_not_subscribed_and_another_organizations_events_send_nothing(
    alice: Membership, charlie: Membership, receiver: Receiver, emit: Emit
) -> None:
    endpoint_for(alice, receiver.url)

    emit(alice.organization, WebhookTopic.SURVEY_CLOSED, {})
    emit(charlie.organization, WebhookTopic.EVENT_DECLARED, {})

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks, as in production
def test_the_task_worker_retries_after_a_server_error(
    alice: Membership, receiver: Receiver, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    endpoint = endpoint_for(alice, receiver.url)
    receiver.answers = [500]

    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit(alice.organization, WebhookTopic.EVENT_DECLARED, data={"event": {"id": 1}})
    assert receiver.requests == []  # queued, not sent: the worker sends it
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")

    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first.body == second.body
    assert verify(endpoint.secret, second.headers["X-Ameliora-Signature"], second.body)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)


def test_the_back_off_doubles_and_a_delivery_fails_after_the_last_attempt(
    alice: Membership, receiver: Receiver, settings: Settings, emit: Emit
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    endpoint_for(alice, receiver.url)
    receiver.answers = [500, 503, 502, 200]

    emit(alice.organization, WebhookTopic.EVENT_DECLARED, {})

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 3, 502)
    assert len(receiver.requests) == 3
    settings.WEBHOOK_RETRY_SECONDS = 60
    assert [webhooks.retry_delay(n) for n in (1, 2, 3)] == [timedelta(seconds=s) for s in (60, 120, 240)]


def test_an_unreachable_address_is_logged_and_retried(alice: Membership, settings: Settings, emit: Emit) -> None:
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_RETRY_SECONDS = 0
    endpoint_for(alice, "http://127.0.0.1:9/nobody")

    emit(alice.organization, WebhookTopic.EVENT_DECLARED, {})

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 2, None)
    assert delivery.last_error


def test_only_https_addresses_are_accepted(alice: Membership, alice_client: Client) -> None:
    with pytest.raises(ValidationError):
        endpoint_for(alice, "http://example.org/hooks")

    refused = alice_client.post(LIST, {"url": "http://example.org/hooks", "topics": ["event.declared"]})

    assert refused.status_code == 422
    assert not WebhookEndpoint.objects.exists()


def test_an_administrator_registers_an_address_and_reads_its_deliveries(
    alice: Membership, alice_client: Client, receiver: Receiver, emit: Emit
) -> None:
    receiver.answers = [500]
    created = alice_client.post(
        LIST, {"url": "https://siem.example.org/hooks", "topics": ["event.declared", "action.overdue"]}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert created.status_code == 302
    assert endpoint.topics == ["event.declared", "action.overdue"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)

    emit(alice.organization, WebhookTopic.ACTION_OVERDUE, {})
    page = alice_client.get(endpoint.get_absolute_url()).content.decode()

    assert endpoint.secret in page
    assert "text-bg-success" in page  # delivered
    assert "<td>2</td>" in page  # two attempts: 500, then 200


def test_webhooks_are_for_administrators_of_the_organization_only(
    alice: Membership, bob_client: Client, charlie_client: Client, tilleuls: Organization
) -> None:
    endpoint = endpoint_for(alice, "https://siem.example.org/hooks")

    assert bob_client.get(LIST).status_code == 403
    assert charlie_client.get(endpoint.get_absolute_url()).status_code == 404
    assert charlie_client.get(f"/o/{charlie_slug(charlie_client)}/settings/webhooks/{endpoint.pk}/").status_code == 404
    assert (
        charlie_client.post(f"/o/{charlie_slug(charlie_client)}/settings/webhooks/{endpoint.pk}/delete/").status_code
        == 404
    )
    assert WebhookEndpoint.objects.for_org(tilleuls).count() == 1


def charlie_slug(client: Client) -> str:
    return Membership.objects.get(user_id=client.session["_auth_user_id"]).organization.slug
