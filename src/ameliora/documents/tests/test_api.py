"""The documents API lists the organization's documents with the version in force."""

from __future__ import annotations

from django.test import Client

from ameliora.core.models import Membership
from ameliora.documents.tests.factories import document_in_force, draft_document


def test_the_api_lists_documents_with_their_version_in_force(
    alice: Membership, bob: Membership, bob_client: Client
) -> None:
    document_in_force(alice, readers=[bob], code="PR-DISP-01")
    draft_document(alice, code="PR-RECEP-01")

    response = bob_client.get("/api/v1/o/tilleuls/documents")

    assert response.status_code == 200
    items = {item["code"]: item for item in response.json()["items"]}
    assert items["PR-DISP-01"]["version_in_force"] == 1
    assert items["PR-RECEP-01"]["version_in_force"] is None


def test_an_outsider_gets_a_json_404(alice: Membership, charlie_client: Client) -> None:
    draft_document(alice)

    response = charlie_client.get("/api/v1/o/tilleuls/documents")

    assert response.status_code == 404
    assert response.json() == {"message": "Introuvable."}
