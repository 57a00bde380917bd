"""A version put in force is announced to the organization's webhooks: code, title, version, link only."""

from __future__ import annotations

from ameliora.core import webhooks
from ameliora.core.models import Membership, WebhookDelivery
from ameliora.documents.tests.factories import document_in_force


def test_publishing_a_version_queues_a_document_published_delivery(alice: Membership, bob: Membership) -> None:
    endpoint = webhooks.create_endpoint(
        organization=alice.organization,
        url="https://ged.example.org/hooks",
        topics=["document.published"],
        created_by=None,
    )

    version = document_in_force(alice, readers=[bob])

    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    data = delivery.payload["data"]["document"]
    assert (data["id"], data["code"], data["version"]) == (version.document_id, "PR-DISP-01", 1)
    assert data["url"].endswith(version.get_absolute_url())
    assert set(data) == {"id", "code", "title", "kind", "version", "effective_date", "url"}  # no body, no people
