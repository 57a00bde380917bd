"""Mission letters: validation, who may write, issue and sign them, the pages and their query bounds."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ameliora.core.models import Membership, Notification, Organization, Role
from ameliora.core.tests.factories import MembershipFactory
from ameliora.documents import services as document_services
from ameliora.documents.models import Document, DocumentKind
from ameliora.documents.tests.factories import document_in_force
from ameliora.meetings import services
from ameliora.meetings.models import (
    LETTER_ENDS_BEFORE_START,
    LETTER_NOT_A_MISSION_LETTER,
    LETTER_NOT_ISSUED,
    LETTER_NOT_THE_PERSON,
    LETTER_SIGNED,
    MissionLetter,
)
from ameliora.meetings.report import yearly_report
from ameliora.meetings.tests.factories import SpaceFactory, make_letter


def _document(author: Membership, kind: str, code: str) -> Document:
    return document_services.create_document(
        acting=author, kind=kind, code=code, title="Lettre de mission", owner=author, body="Texte."
    )


def _url(name: str, org: Organization, **kwargs: Any) -> str:
    return reverse(f"meetings:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def letter(alice: Membership, bob: Membership) -> MissionLetter:
    """A draft letter written by alice (administrator) for bob (plain member)."""
    return services.save_mission_letter(
        MissionLetter(
            person=bob,
            role="Binôme médico-soignant animateur du cercle qualité",
            scope="Animer les séances.",
            hours_per_month=Decimal("2.5"),
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        ),
        acting=alice,
    )


@pytest.fixture
def issued(letter: MissionLetter, alice: Membership) -> MissionLetter:
    """The same letter, sent to bob for signature."""
    return services.issue_mission_letter(letter, acting=alice)


# --- model validation ----------------------------------------------------------------------------


def test_a_mission_cannot_end_before_it_starts(alice: Membership, bob: Membership) -> None:
    letter = MissionLetter(person=bob, role="Pilote", scope="…", starts_on=date(2026, 6, 1), ends_on=date(2026, 5, 31))
    with pytest.raises(ValidationError) as caught:
        services.save_mission_letter(letter, acting=alice)
    assert caught.value.message_dict["ends_on"] == [str(LETTER_ENDS_BEFORE_START)]
    assert not MissionLetter.objects.exists()


def test_a_mission_may_end_the_day_it_starts_or_stay_open(alice: Membership, bob: Membership) -> None:
    for ends_on in (date(2026, 6, 1), None):
        services.save_mission_letter(
            MissionLetter(person=bob, role="Pilote", scope="…", starts_on=date(2026, 6, 1), ends_on=ends_on),
            acting=alice,
        )
    assert MissionLetter.objects.count() == 2


def test_the_signed_text_must_be_a_mission_letter_document(alice: Membership, letter: MissionLetter) -> None:
    letter.document = _document(alice, DocumentKind.PROCEDURE, "PR-01")
    with pytest.raises(ValidationError) as caught:
        services.save_mission_letter(letter, acting=alice)
    assert caught.value.message_dict["document"] == [str(LETTER_NOT_A_MISSION_LETTER)]

    letter.document = _document(alice, DocumentKind.MISSION_LETTER, "LM-01")
    services.save_mission_letter(letter, acting=alice)
    letter.refresh_from_db()
    assert isinstance(letter.document, Document)


def test_a_person_space_or_document_of_another_organization_is_refused(
    alice: Membership, charlie: Membership, letter: MissionLetter
) -> None:
    for field, other in (
        ("person", charlie),
        ("space", SpaceFactory.create(organization=charlie.organization)),
        ("document", _document(charlie, DocumentKind.MISSION_LETTER, "LM-01")),
    ):
        fresh = MissionLetter.objects.get(pk=letter.pk)
        setattr(fresh, field, other)
        with pytest.raises(ValidationError):
            services.save_mission_letter(fresh, acting=alice)
    letter.refresh_from_db()
    assert (letter.person_id, letter.space_id, letter.document_id) == (letter.person_id, None, None)


# --- permissions ---------------------------------------------------------------------------------


def test_a_plain_member_cannot_write_or_issue_a_letter(bob: Membership, letter: MissionLetter) -> None:
    with pytest.raises(PermissionDenied):
        services.save_mission_letter(
            MissionLetter(person=bob, role="Pilote", scope="…", starts_on=date(2026, 1, 1)), acting=bob
        )
    with pytest.raises(PermissionDenied):
        services.issue_mission_letter(letter, acting=bob)


def test_a_plain_member_gets_403_on_the_create_page(bob_client: Client, tilleuls: Organization) -> None:
    assert bob_client.get(_url("letter_create", tilleuls)).status_code == 403
    response = bob_client.post(
        _url("letter_create", tilleuls), {"role": "Pilote", "scope": "…", "starts_on": "2026-01-01"}
    )
    assert response.status_code == 403
    assert not MissionLetter.objects.exists()


def test_another_organization_gets_404_on_a_letter(charlie_client: Client, issued: MissionLetter) -> None:
    org = issued.organization
    assert charlie_client.get(_url("letter_detail", org, letter_id=issued.pk)).status_code == 404
    # charlie's own organization does not hold this letter either.
    other = charlie_client.get(
        reverse("meetings:letter_detail", kwargs={"org_slug": "coteaux", "letter_id": issued.pk})
    )
    assert other.status_code == 404


def test_a_draft_is_hidden_from_everyone_but_the_managers(
    alice_client: Client, bob_client: Client, letter: MissionLetter
) -> None:
    url = _url("letter_detail", letter.organization, letter_id=letter.pk)
    assert bob_client.get(url).status_code == 404
    assert alice_client.get(url).status_code == 200


# --- issuing and signing -------------------------------------------------------------------------


def test_issuing_tells_the_person_with_a_label_only(issued: MissionLetter, bob: Membership) -> None:
    assert issued.status == MissionLetter.Status.ISSUED
    assert issued.issued_at is not None
    notification = Notification.objects.get(recipient=bob.user)
    assert issued.role not in notification.title
    assert notification.url == issued.get_absolute_url()


def test_a_letter_is_issued_once(issued: MissionLetter, alice: Membership) -> None:
    with pytest.raises(ValidationError):
        services.issue_mission_letter(issued, acting=alice)


def test_only_the_person_signs_and_only_once_issued(letter: MissionLetter, alice: Membership, bob: Membership) -> None:
    with pytest.raises(ValidationError) as caught:
        services.sign_mission_letter(letter, acting=bob)
    assert caught.value.messages == [str(LETTER_NOT_ISSUED)]

    services.issue_mission_letter(letter, acting=alice)
    with pytest.raises(ValidationError) as caught:
        services.sign_mission_letter(letter, acting=alice)  # an administrator cannot sign for bob
    assert caught.value.messages == [str(LETTER_NOT_THE_PERSON)]

    signed = services.sign_mission_letter(letter, acting=bob)
    assert signed.status == MissionLetter.Status.SIGNED
    assert signed.signed_at is not None
    with pytest.raises(ValidationError) as caught:
        services.sign_mission_letter(letter, acting=bob)
    assert caught.value.messages == [str(LETTER_SIGNED)]


def test_a_signed_letter_can_no_longer_be_changed(issued: MissionLetter, alice: Membership, bob: Membership) -> None:
    services.sign_mission_letter(issued, acting=bob)
    issued.hours_per_month = Decimal(10)
    with pytest.raises(ValidationError) as caught:
        services.save_mission_letter(issued, acting=alice)
    assert caught.value.messages == [str(LETTER_SIGNED)]
    issued.refresh_from_db()
    assert issued.hours_per_month == Decimal("2.5")


def test_the_person_signs_from_the_letter_page(bob_client: Client, alice_client: Client, issued: MissionLetter) -> None:
    org = issued.organization
    sign = _url("letter_sign", org, letter_id=issued.pk)
    assert alice_client.post(sign).status_code == 403
    page = bob_client.get(_url("letter_detail", org, letter_id=issued.pk))
    assert sign.encode() in page.content

    response = bob_client.post(sign)

    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == MissionLetter.Status.SIGNED
    history = list(issued.history.order_by("history_date").values_list("status", flat=True))
    assert history == ["draft", "issued", "signed"]


def test_a_manager_creates_then_issues_a_letter_through_the_pages(
    alice_client: Client, tilleuls: Organization, bob: Membership
) -> None:
    space = SpaceFactory.create(organization=tilleuls)
    response = alice_client.post(
        _url("letter_create", tilleuls),
        {
            "person": bob.pk,
            "role": "Membre de la cellule qualité",
            "space": space.pk,
            "scope": "Analyser les situations de niveau 3.",
            "hours_per_month": "3,5",
            "starts_on": "2026-01-01",
            "ends_on": "2025-12-31",
        },
    )
    assert response.status_code == 422  # ends before it starts
    assert not MissionLetter.objects.exists()

    response = alice_client.post(
        _url("letter_create", tilleuls),
        {
            "person": bob.pk,
            "role": "Membre de la cellule qualité",
            "space": space.pk,
            "scope": "Analyser les situations de niveau 3.",
            "hours_per_month": "3,5",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    letter = MissionLetter.objects.get()
    assert response.status_code == 302
    assert (letter.space, letter.hours_per_month, letter.status) == (space, Decimal("3.5"), "draft")

    alice_client.post(_url("letter_issue", tilleuls, letter_id=letter.pk))
    letter.refresh_from_db()
    assert letter.status == MissionLetter.Status.ISSUED


# --- lists, space page, report -------------------------------------------------------------------


def test_the_list_filters_by_status_and_by_person(
    alice_client: Client, bob_client: Client, tilleuls: Organization, alice: Membership, bob: Membership
) -> None:
    mine = make_letter(bob, role="Pilote du processus R2", status=MissionLetter.Status.ISSUED)
    carol = MembershipFactory.create(organization=tilleuls, roles=[Role.MEMBER])
    other = make_letter(carol, role="Responsable qualité", status=MissionLetter.Status.ISSUED)
    draft = make_letter(alice, role="Brouillon confidentiel")

    everything = bob_client.get(_url("letters", tilleuls)).content.decode()
    assert mine.role in everything
    assert other.role in everything
    assert draft.role not in everything  # a plain member does not see drafts
    assert draft.role in alice_client.get(_url("letters", tilleuls)).content.decode()

    drafts = alice_client.get(_url("letters", tilleuls), {"status": "draft"}).content.decode()
    assert draft.role in drafts
    assert other.role not in drafts

    only_mine = bob_client.get(_url("letters", tilleuls), {"mine": "on"}).content.decode()
    assert mine.role in only_mine
    assert other.role not in only_mine


def test_the_list_query_count_does_not_grow_with_letters(
    alice_client: Client, tilleuls: Organization, alice: Membership, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        person = MembershipFactory.create(organization=tilleuls, roles=[Role.MEMBER])
        make_letter(person, space=SpaceFactory.create(organization=tilleuls), status=MissionLetter.Status.ISSUED)
    make_letter(alice, status=MissionLetter.Status.ISSUED)
    with django_assert_max_num_queries(12):
        response = alice_client.get(_url("letters", tilleuls))
    assert response.status_code == 200
    assert response.content.count(b"/mission-letters/") >= 25


def test_the_space_page_and_its_report_show_its_letters(
    bob_client: Client, tilleuls: Organization, bob: Membership, alice: Membership
) -> None:
    space = SpaceFactory.create(organization=tilleuls)
    signed = make_letter(
        bob,
        space=space,
        role="Binôme animateur",
        hours_per_month=Decimal("2.5"),
        status=MissionLetter.Status.SIGNED,
        signed_at="2026-01-05T10:00:00Z",
    )
    make_letter(alice, space=space, role="Brouillon")
    make_letter(alice, space=space, role="Mission passée", starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))

    page = bob_client.get(_url("space_detail", tilleuls, space_id=space.pk)).content.decode()
    assert signed.role in page
    assert "Brouillon" not in page

    report = yearly_report(space, 2026)
    assert report.letters == [signed]
    body = bob_client.get(_url("report", tilleuls, space_id=space.pk), {"year": 2026}).content.decode()
    assert "2,5" in body  # the time allotted, with the French decimal comma


def test_the_dashboard_card_lists_the_letters_awaiting_my_signature(
    bob_client: Client, issued: MissionLetter, tilleuls: Organization
) -> None:
    response = bob_client.get(reverse("core:dashboard", kwargs={"org_slug": tilleuls.slug}))
    assert issued.get_absolute_url().encode() in response.content


# --- the PDF ------------------------------------------------------------------------------------


def _pdf_text(client: Client, letter: MissionLetter) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(_url("letter_pdf", letter.organization, letter_id=letter.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())


def test_the_pdf_carries_the_letter_its_signed_text_and_who_signed_it(
    alice: Membership, bob: Membership, bob_client: Client, issued: MissionLetter
) -> None:
    version = document_in_force(alice, code="LM-01", readers=[])
    Document.objects.filter(pk=version.document_id).update(kind=DocumentKind.MISSION_LETTER)
    MissionLetter.objects.filter(pk=issued.pk).update(document=version.document)
    issued.refresh_from_db()

    before = _pdf_text(bob_client, issued)
    services.sign_mission_letter(issued, acting=bob)
    after = _pdf_text(bob_client, issued)

    for text in (before, after):
        assert "Binôme médico-soignant animateur du cercle qualité" in text
        assert "Animer les séances." in text
        assert "Deux regards." in text  # the controlled document's version in force
        assert "2.5 h per month" in text
    name = str(bob.user)
    assert f"Awaiting the signature of {name}" in before
    assert "Accepted and signed on" not in before
    assert f"Awaiting the signature of {name}" not in after
    assert "Accepted and signed on" in after
    assert name in after


def test_another_organization_gets_404_on_a_letter_pdf(charlie_client: Client, issued: MissionLetter) -> None:
    assert charlie_client.get(_url("letter_pdf", issued.organization, letter_id=issued.pk)).status_code == 404
