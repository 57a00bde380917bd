"""The project-wide tenancy walk, restricted to the events URLs (so it runs even while other apps are
being written), plus the public URLs, which take no organization slug and are tested here."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership
from ameliora.core.tests.test_tenancy import OBJECT_KWARGS, build_url, is_api, organization_urls


def _event_urls() -> list[Any]:
    return [u for u in organization_urls() if (u.name or "").startswith(("events:", "api:")) and "/events" in u.route]


def test_outsiders_get_404_on_every_events_url(alice: Membership, charlie: Membership, charlie_client: Client) -> None:
    urls = _event_urls()
    assert len(urls) >= 20
    failures = []
    for url in urls:
        address = build_url(url, alice.organization, alice)
        for method in ("get", "post"):
            status = getattr(charlie_client, method)(address).status_code
            if status != 404:
                failures.append(f"{method} {address} {status}")
        # Charlie's own slug, alice's objects: only the object lookups stand between him and them.
        if url.object_kwargs:
            kwargs: dict[str, Any] = {"org_slug": charlie.organization.slug}
            for name in sorted(url.object_kwargs):
                kwargs[name] = OBJECT_KWARGS[name](alice.organization, alice)
            own = reverse(url.name, kwargs=kwargs)
            statuses = {m: getattr(charlie_client, m)(own).status_code for m in ("get", "post")}
            if {s for s in statuses.values() if s != 405} != {404}:
                failures.append(f"{own} {statuses}")
    assert not failures, failures


def test_anonymous_visitors_are_sent_to_sign_in_on_member_urls(alice: Membership, client: Client) -> None:
    for url in _event_urls():
        address = build_url(url, alice.organization, alice)
        response = client.get(address)
        assert response.status_code == (401 if is_api(address) else 302), address
