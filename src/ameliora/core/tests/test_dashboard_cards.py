"""Modules add cards to the dashboard through a registry; core imports none of them."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ameliora.core import dashboard
from ameliora.core.models import Membership


@pytest.fixture
def cards() -> Iterator[list[dashboard.Card]]:
    """The registry, restored after the test (apps register their real cards at start-up)."""
    saved = list(dashboard.CARDS)
    yield dashboard.CARDS
    dashboard.CARDS[:] = saved


def test_a_registered_card_is_rendered_with_its_context(
    cards: list[dashboard.Card], alice: Membership, alice_client: Client, settings: Any, tmp_path: Any
) -> None:
    (tmp_path / "card.html").write_text('<p id="test-card">{{ card.word }} {{ organization.name }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    dashboard.register_card("card.html", lambda request: {"word": "Bonjour"})
    html = alice_client.get(reverse("core:dashboard", kwargs={"org_slug": "tilleuls"})).content.decode()
    assert '<p id="test-card">Bonjour Pharmacie des Tilleuls</p>' in html


def test_a_card_returning_none_is_hidden_and_registering_twice_replaces(
    cards: list[dashboard.Card], alice: Membership, rf: Any
) -> None:
    dashboard.register_card("hidden.html", lambda request: None)
    dashboard.register_card("hidden.html", lambda request: None)
    assert [c.template_name for c in cards].count("hidden.html") == 1
    request = rf.get("/")
    request.membership = alice
    request.organization = alice.organization
    assert all(template != "hidden.html" for template, _ in dashboard.cards_for(request))


def test_the_dashboard_links_only_the_modules_the_member_may_open(
    alice_client: Client, bob: Membership, client_for: Any
) -> None:
    """Bob, a plain member, may not read the annual report: its module is not offered to him (it would 403)."""
    reports = reverse("reports:home", kwargs={"org_slug": "tilleuls"})
    plans = reverse("plans:home", kwargs={"org_slug": "tilleuls"})
    dashboard_url = reverse("core:dashboard", kwargs={"org_slug": "tilleuls"})

    bob_html = client_for(bob).get(dashboard_url).content.decode()
    alice_html = alice_client.get(dashboard_url).content.decode()

    assert f'href="{plans}"' in bob_html
    assert f'href="{reports}"' not in bob_html
    assert client_for(bob).get(reports).status_code == 403
    assert f'href="{reports}"' in alice_html
