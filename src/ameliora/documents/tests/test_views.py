"""Documents pages through HTTP: list and search, creation, the lifecycle buttons, reading, access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ameliora.core.models import Membership
from ameliora.core.tests.assertions import page_text
from ameliora.documents import services
from ameliora.documents.forms import CODE_TAKEN
from ameliora.documents.models import Document, DocumentVersion
from ameliora.documents.tests.factories import document_in_force, draft_document
from ameliora.processes.tests.factories import ProcessFactory

LIST = "/o/tilleuls/documents/"


def test_an_admin_creates_a_document_whose_first_version_is_a_draft(alice: Membership, alice_client: Client) -> None:
    response = alice_client.post(
        f"{LIST}new/",
        {"kind": "procedure", "code": "pr-recep-01", "title": "Réception", "owner": alice.pk, "body": "# Étapes"},
    )

    document = Document.objects.get()
    assert response.status_code == 302
    assert document.code == "PR-RECEP-01"
    assert document.versions.get().status == DocumentVersion.Status.DRAFT


def test_a_taken_code_is_refused_next_to_the_field_and_the_text_is_kept(
    alice: Membership, alice_client: Client
) -> None:
    draft_document(alice, code="PR-RECEP-01")

    response = alice_client.post(
        f"{LIST}new/", {"kind": "procedure", "code": "PR-RECEP-01", "title": "Réception", "body": "Mon texte précieux"}
    )

    assert response.status_code == 422
    text = page_text(response)
    assert str(CODE_TAKEN).replace("'", "&#x27;") in text or str(CODE_TAKEN) in text
    assert "Mon texte précieux" in text


def test_a_disguised_file_is_refused_and_nothing_is_created(alice_client: Client) -> None:
    fake_pdf = SimpleUploadedFile("procedure.pdf", b"\x89PNG\r\n\x1a\nnot a pdf", content_type="application/pdf")

    response = alice_client.post(f"{LIST}new/", {"kind": "procedure", "code": "PR-X", "title": "X", "file": fake_pdf})

    assert response.status_code == 422
    assert not Document.objects.exists()


def test_a_plain_member_cannot_create_documents_but_reads_them(
    alice: Membership, bob: Membership, bob_client: Client
) -> None:
    version = document_in_force(alice, readers=[bob])

    assert bob_client.get(f"{LIST}new/").status_code == 403
    page = bob_client.get(version.get_absolute_url())
    assert page.status_code == 200
    assert "Deux regards." in page_text(page)


def test_markdown_is_rendered_without_scripts(alice: Membership, alice_client: Client) -> None:
    document = draft_document(alice, body="**Important**\n\n<script>alert('x')</script><img src=x onerror=alert(1)>")

    text = page_text(alice_client.get(document.versions.get().get_absolute_url()))

    assert "<strong>Important</strong>" in text
    assert "<script>alert" not in text
    assert "onerror" not in text


def test_a_reader_acknowledges_and_the_document_shows_who_has_read(
    alice: Membership, bob: Membership, alice_client: Client, bob_client: Client
) -> None:
    version = document_in_force(alice, readers=[bob, alice])

    response = bob_client.post(f"{version.get_absolute_url()}read/")
    page = page_text(alice_client.get(version.document.get_absolute_url()))

    assert response.status_code == 302
    assert version.read_receipts.get(reader=bob).acknowledged_at is not None
    assert "(50 %)" in page


def test_the_review_buttons_run_the_lifecycle(
    alice: Membership, bob: Membership, alice_client: Client, bob_client: Client
) -> None:
    version = draft_document(alice).versions.get()
    url = version.get_absolute_url()

    alice_client.post(f"{url}submit/", {"reviewers": [bob.pk]})
    bob_client.post(f"{url}review/", {"decision": "approve", "comment": "ok"})
    alice_client.post(f"{url}approve/")
    today = timezone.localdate()
    response = alice_client.post(
        f"{url}publish/",
        {
            "effective_date": today.isoformat(),
            "next_review_date": (today + timedelta(days=365)).isoformat(),
            "reader_roles": ["member"],
        },
    )

    version.refresh_from_db()
    assert response.status_code == 302
    assert version.status == DocumentVersion.Status.IN_FORCE
    assert list(version.read_receipts.values_list("reader", flat=True)) == [bob.pk]


def test_a_publish_form_with_dates_in_the_wrong_order_keeps_what_was_typed(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    version = draft_document(alice).versions.get()
    services.submit_for_review(version, reviewers=[bob], acting=alice)
    services.record_review(version, reviewer=bob, approve=True, comment="")
    services.approve_version(version, acting=alice)

    response = alice_client.post(
        f"{version.get_absolute_url()}publish/",
        {"effective_date": "2026-12-01", "next_review_date": "2026-11-01"},
    )

    assert response.status_code == 422
    assert 'value="2026-11-01"' in page_text(response)
    version.refresh_from_db()
    assert version.status == DocumentVersion.Status.APPROVED


@pytest.mark.parametrize("query", ["contrôle", "regards", "PR-DISP"])
def test_search_finds_documents_by_title_code_or_content(alice: Membership, alice_client: Client, query: str) -> None:
    draft_document(alice, code="PR-DISP-01", title="Double contrôle", body="Deux regards valent mieux qu'un.")
    draft_document(alice, code="PR-RECEP-01", title="Réception des commandes", body="Colis et froid.")

    text = page_text(alice_client.get(LIST, {"q": query}))

    assert "PR-DISP-01" in text
    assert "PR-RECEP-01" not in text


def test_the_list_runs_a_bounded_number_of_queries(
    alice: Membership, bob: Membership, alice_client: Client, django_assert_max_num_queries: object
) -> None:
    for number in range(30):
        draft_document(alice, code=f"PR-{number:03d}")

    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = alice_client.get(LIST)

    assert response.status_code == 200
    assert "PR-024" in page_text(response)
    assert "PR-025" not in page_text(response)  # 25 per page


def test_an_outsider_gets_404_on_a_document(alice: Membership, charlie_client: Client, bob: Membership) -> None:
    version = document_in_force(alice, readers=[bob])

    assert charlie_client.get(version.document.get_absolute_url()).status_code == 404


def test_a_document_serves_processes_shown_on_both_pages(alice: Membership, charlie: Membership) -> None:
    client = Client()
    client.force_login(alice.user)
    mine = ProcessFactory.create(organization=alice.organization, name="Dispensation et conseil")
    foreign = ProcessFactory.create(organization=charlie.organization)
    document = services.create_document(
        acting=alice, kind="procedure", code="PR-DISP-02", title="Double contrôle", owner=None, body="Texte"
    )
    address = reverse(
        "documents:document_processes", kwargs={"org_slug": alice.organization.slug, "document_id": document.pk}
    )

    client.post(address, {"processes": [mine.pk]})
    refused = client.post(address, {"processes": [foreign.pk]})

    assert refused.status_code == 302
    assert list(document.processes.all()) == [mine]
    assert document.get_absolute_url() in client.get(mine.get_absolute_url()).content.decode()
    assert mine.get_absolute_url() in client.get(document.get_absolute_url()).content.decode()
