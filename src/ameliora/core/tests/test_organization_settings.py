"""The organization's settings page: who changes what, and the history of those changes."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from ameliora.core.models import Membership, Organization, Unit
from ameliora.core.tests.assertions import page_text

SETTINGS = "/o/tilleuls/settings/"


def rename(client: Client, name: str) -> int:
    data = {"name": name, "kind": Organization.Kind.PHARMACY}
    return client.post(SETTINGS, data).status_code


def test_renaming_the_organization_records_who_changed_what_and_when(alice: Membership, alice_client: Client) -> None:
    assert rename(alice_client, "Pharmacie des Tilleuls et du Marché") == 302

    record = alice.organization.history.latest()
    assert record.history_user == alice.user
    assert record.history_type == "~"
    assert record.name == "Pharmacie des Tilleuls et du Marché"
    text = page_text(alice_client.get(SETTINGS))
    assert 'id="history-title"' in text
    assert "Alice Garnier" in text
    assert "<del>Pharmacie des Tilleuls</del> → <ins>Pharmacie des Tilleuls et du Marché</ins>" in text
    assert timezone.localtime(record.history_date).strftime("%d/%m/%Y %H:%M") in text


def test_a_plain_member_sees_the_settings_but_not_the_history_and_cannot_edit(
    alice: Membership, bob: Membership, alice_client: Client, bob_client: Client
) -> None:
    rename(alice_client, "Pharmacie du Marché")

    response = bob_client.get(SETTINGS)

    assert response.status_code == 200
    assert "Pharmacie du Marché" in page_text(response)
    assert 'id="history-title"' not in page_text(response)
    assert "Alice Garnier" not in page_text(response)
    assert rename(bob_client, "Pharmacie de Bob") == 403
    assert Organization.objects.get(pk=alice.organization.pk).name == "Pharmacie du Marché"


def test_an_empty_name_is_refused_and_nothing_changes(alice: Membership, alice_client: Client) -> None:
    assert rename(alice_client, "") == 422
    assert Organization.objects.get(pk=alice.organization.pk).name == "Pharmacie des Tilleuls"


def test_an_admin_adds_a_unit(alice: Membership, alice_client: Client) -> None:
    response = alice_client.post(SETTINGS, {"add_unit": "1", "name": "Préparatoire"})

    assert response.status_code == 302
    assert list(Unit.objects.for_org(alice.organization).values_list("name", flat=True)) == ["Préparatoire"]


def test_a_unit_name_used_twice_is_refused(alice: Membership, alice_client: Client) -> None:
    alice_client.post(SETTINGS, {"add_unit": "1", "name": "Comptoir"})

    response = alice_client.post(SETTINGS, {"add_unit": "1", "name": "Comptoir"})

    assert response.status_code == 422
    assert 'id="id_name_error"' in page_text(response)
    assert Unit.objects.for_org(alice.organization).count() == 1
