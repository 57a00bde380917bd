"""Webhooks: what happened in an organization, sent signed to the addresses its administrators registered.

Domain apps call :func:`emit` with a topic (:class:`~ameliora.core.models.WebhookTopic`) and a small
``data`` dict: **ids, numbers, titles, statuses, dates and links only** — never a description, a note,
a message or anyone's identity (the payload leaves the application). :func:`emit` records one
:class:`~ameliora.core.models.WebhookDelivery` per subscribed endpoint and hands it to the task worker
once the transaction commits (``core.tasks.deliver_webhook``).

A delivery is a ``POST`` of the JSON body ``{"id", "topic", "organization", "created_at", "data"}`` with
the headers ``X-Ameliora-Topic``, ``X-Ameliora-Delivery`` and ``X-Ameliora-Signature: t=<unix time>,
v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the endpoint's secret>``. Any 2xx answer delivers it;
anything else (or no answer within :data:`TIMEOUT_SECONDS`) is retried by the worker after
``WEBHOOK_RETRY_SECONDS * 2^(attempt-1)`` (exponential back-off), up to ``WEBHOOK_MAX_ATTEMPTS`` attempts,
then the delivery is failed. Each attempt's answer code or error is kept for the endpoint's page.

Addresses must be HTTPS; ``WEBHOOK_ALLOW_HTTP_HOSTS`` lists hosts allowed over plain HTTP (tests only).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ameliora.core.models import Organization, WebhookDelivery, WebhookEndpoint, WebhookTopic

TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Ameliora-Signature"
USER_AGENT = "Ameliora-Webhooks/1"


def check_url(url: str) -> None:
    """Refuse an address that is not HTTPS (unless its host is allowed over HTTP by the settings)."""
    parts = urlsplit(url)
    allowed_http = parts.scheme == "http" and parts.hostname in settings.WEBHOOK_ALLOW_HTTP_HOSTS
    if parts.scheme != "https" and not allowed_http:
        raise ValidationError(_("The address must start with https://."), code="not_https")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` keyed by the endpoint's secret."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def create_endpoint(*, organization: Organization, url: str, topics: list[str], created_by: Any) -> WebhookEndpoint:
    check_url(url)
    endpoint = WebhookEndpoint(
        organization=organization,
        url=url,
        topics=[t for t in WebhookTopic.values if t in topics],
        created_by=created_by,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def emit(organization: Organization, topic: WebhookTopic, *, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue ``data`` for every active endpoint of the organization subscribed to ``topic``."""
    from ameliora.core import tasks

    endpoints = [
        e for e in WebhookEndpoint.objects.for_org(organization).filter(active=True) if topic.value in e.topics
    ]
    deliveries = []
    now = timezone.now()
    for endpoint in endpoints:
        delivery = WebhookDelivery.objects.create(
            organization=organization, endpoint=endpoint, topic=topic.value, created_at=now
        )
        delivery.payload = {
            "id": delivery.pk,
            "topic": topic.value,
            "organization": organization.slug,
            "created_at": now.isoformat(),
            "data": data,
        }
        delivery.save(update_fields=["payload"])
        deliveries.append(delivery)
        transaction.on_commit(partial(tasks.deliver_webhook.enqueue, delivery_id=delivery.pk))
    return deliveries


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: the base delay, doubled each time."""
    return timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS * 2 ** (attempts - 1))


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery, now: datetime) -> int:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(now.timestamp())
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked (https, or http for allowed hosts)
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Ameliora-Topic": delivery.topic,
            "X-Ameliora-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: f"t={timestamp},v1={signature(endpoint.secret, timestamp, body)}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - see above
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def attempt(delivery: WebhookDelivery, *, now: datetime | None = None) -> datetime | None:
    """Send the delivery once and record the outcome; the time of the next attempt if one is due."""
    now = now or timezone.now()
    endpoint = delivery.endpoint
    delivery.attempts += 1
    delivery.next_attempt_at = None
    try:
        check_url(endpoint.url)
        code = _post(endpoint, delivery, now)
        delivery.last_status_code, delivery.last_error = code, ""
    except (OSError, ValidationError) as exc:
        code = 0
        delivery.last_status_code, delivery.last_error = None, str(exc)[:300]
    if 200 <= code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS or not endpoint.active:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save()
    return delivery.next_attempt_at
