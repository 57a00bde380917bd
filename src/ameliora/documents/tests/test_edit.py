"""The details of a document (type, code, title, owner) change after creation; history keeps the old values."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Notification
from ameliora.core.tests.assertions import page_text, shows
from ameliora.documents.forms import CODE_TAKEN
from ameliora.documents.models import Document
from ameliora.documents.tests.factories import draft_document


def _edit_url(document: Document) -> str:
    return reverse(
        "documents:document_edit", kwargs={"org_slug": document.organization.slug, "document_id": document.pk}
    )


def test_an_admin_changes_the_details_and_the_new_owner_is_told(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    document = draft_document(alice, code="PR-DISP-01", title="Double contrôle")

    response = alice_client.post(
        _edit_url(document), {"kind": "work_instruction", "code": "it-disp-02", "title": "Contrôle", "owner": bob.pk}
    )

    document.refresh_from_db()
    assert response.status_code == 302
    assert (document.kind, document.code, document.title, document.owner) == (
        "work_instruction",
        "IT-DISP-02",
        "Contrôle",
        bob,
    )
    assert Notification.objects.filter(recipient=bob.user, url=document.get_absolute_url()).count() == 1
    old = document.history.order_by("history_date").first()
    assert old is not None
    assert (old.code, old.title, old.owner_id) == ("PR-DISP-01", "Double contrôle", alice.pk)


def test_the_edit_form_starts_from_the_current_values(alice: Membership, alice_client: Client) -> None:
    document = draft_document(alice, code="PR-DISP-01", title="Double contrôle")

    text = page_text(alice_client.get(_edit_url(document)))

    assert 'value="PR-DISP-01"' in text
    assert 'value="Double contrôle"' in text
    assert _edit_url(document) in page_text(alice_client.get(document.get_absolute_url()))


def test_keeping_its_own_code_is_not_a_duplicate(alice: Membership, alice_client: Client) -> None:
    document = draft_document(alice, code="PR-DISP-01")

    response = alice_client.post(
        _edit_url(document), {"kind": "procedure", "code": "PR-DISP-01", "title": "Nouveau titre", "owner": alice.pk}
    )

    assert response.status_code == 302
    assert Document.objects.get(pk=document.pk).title == "Nouveau titre"


def test_a_code_taken_by_another_document_is_refused_and_what_was_typed_is_kept(
    alice: Membership, alice_client: Client
) -> None:
    draft_document(alice, code="PR-RECEP-01")
    document = draft_document(alice, code="PR-DISP-01", title="Double contrôle")

    response = alice_client.post(
        _edit_url(document), {"kind": "procedure", "code": "PR-RECEP-01", "title": "Mon titre tapé", "owner": alice.pk}
    )

    assert response.status_code == 422
    assert shows(response, CODE_TAKEN)
    assert 'value="Mon titre tapé"' in page_text(response)
    assert 'value="PR-RECEP-01"' in page_text(response)
    assert Document.objects.get(pk=document.pk).code == "PR-DISP-01"


def test_the_same_code_in_another_organization_is_allowed(
    alice: Membership, charlie: Membership, alice_client: Client
) -> None:
    draft_document(charlie, code="PR-RECEP-01")
    document = draft_document(alice, code="PR-DISP-01")

    response = alice_client.post(
        _edit_url(document), {"kind": "procedure", "code": "PR-RECEP-01", "title": "Réception", "owner": alice.pk}
    )

    assert response.status_code == 302


def test_an_owner_from_another_organization_is_refused(
    alice: Membership, charlie: Membership, alice_client: Client
) -> None:
    document = draft_document(alice)

    response = alice_client.post(
        _edit_url(document), {"kind": "procedure", "code": "PR-DISP-01", "title": "X", "owner": charlie.pk}
    )

    assert response.status_code == 422
    assert Document.objects.get(pk=document.pk).owner == alice


def test_a_plain_member_cannot_edit(alice: Membership, bob_client: Client) -> None:
    document = draft_document(alice)

    assert bob_client.get(_edit_url(document)).status_code == 403
    assert bob_client.post(_edit_url(document), {"kind": "memo", "code": "X", "title": "X"}).status_code == 403


def test_a_document_of_another_organization_is_not_found(
    alice: Membership, charlie: Membership, alice_client: Client
) -> None:
    foreign = draft_document(charlie, code="PR-COTEAUX")
    address = reverse("documents:document_edit", kwargs={"org_slug": "tilleuls", "document_id": foreign.pk})

    assert alice_client.get(address).status_code == 404
    posted = alice_client.post(address, {"kind": "memo", "code": "X", "title": "X", "owner": alice.pk})
    assert posted.status_code == 404
    assert Document.objects.get(pk=foreign.pk).code == "PR-COTEAUX"
