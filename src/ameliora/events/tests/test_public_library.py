"""The library of lessons learned: its audience (team or territory) and the public page of the territory's lessons.

A CPTS's member professionals mostly have no account: the lessons published "to the territory" are
what they can read, without signing in, at ``/retours/<public_key>/`` — only the de-identified title
and summary, never who reported, what the declaration said, or its files.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from ameliora.core.models import Attachment, Membership, Organization
from ameliora.core.tests.assertions import page_text
from ameliora.core.tests.factories import PNG_BYTES
from ameliora.events import services
from ameliora.events.models import PUBLICATION_NEEDS_CONSENT, Event, EventSettings, LibraryAudience
from ameliora.events.tests.factories import EventFactory
from ameliora.events.tests.support import SECRET_TEXT, declaration, declared_by
from ameliora.events.tests.test_public import _declare_url, _public_client

REPORTER_NAME = "Jeanne Témoin"
REPORTER_PHONE = "06 12 34 56 78"
INTERNAL_LESSONS = "Note interne de la cellule : Mme Confidentielle"


def _library_url(settings: EventSettings) -> str:
    return reverse("events_public:library", kwargs={"public_key": settings.public_key})


@pytest.fixture
def open_library(event_settings: EventSettings) -> EventSettings:
    event_settings.public_library_enabled = True
    event_settings.save()
    return event_settings


def _publish(event: Event, acting: Membership, title: str, audience: str = LibraryAudience.TERRITORY) -> Event:
    return services.publish_summary(
        event,
        title=title,
        summary=f"Résumé désidentifié : {title.lower()}.",
        publish=True,
        audience=audience,
        acting=acting,
    )


def _public_case(organization: Organization) -> Event:
    """Like the demo's CPTS case: a public declaration with a name, a phone, free text and a file."""
    event, _code = services.declare_public_event(
        organization,
        declaration(organization, publication_consent=True, consequences="Réhospitalisation de M. Secret"),
        contact_name=REPORTER_NAME,
        contact_phone=REPORTER_PHONE,
        uploads=[SimpleUploadedFile("ordonnance-patient.png", PNG_BYTES, content_type="image/png")],
    )
    return event


# --- publishing: the audience ------------------------------------------------------------------


def test_a_lesson_is_published_to_the_team_by_default(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    event = services.publish_summary(
        declared_by(bob, publication_consent=True), title="Titre", summary="Résumé", publish=True, acting=alice
    )

    assert event.library_audience == LibraryAudience.TEAM
    assert list(Event.objects.published_to_territory()) == []


def test_the_event_page_publishes_to_the_territory(
    alice: Membership, bob: Membership, alice_client: Client, open_library: EventSettings
) -> None:
    event = declared_by(bob, publication_consent=True)
    url = reverse("events:summary", kwargs={"org_slug": "tilleuls", "event_id": event.pk})

    response = alice_client.post(
        url,
        {
            "summary_title": "Dosages voisins",
            "summary": "Séparer les dosages.",
            "audience": "territory",
            "publish": "1",
        },
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.published_at is not None, event.library_audience) == (True, LibraryAudience.TERRITORY)
    assert "Dosages voisins" in page_text(_public_client().get(_library_url(open_library)))


def test_without_consent_nothing_reaches_the_territory(
    alice: Membership, bob: Membership, open_library: EventSettings
) -> None:
    event = declared_by(bob, publication_consent=False)

    with pytest.raises(ValidationError) as refused:
        _publish(event, alice, "Sans accord")

    assert refused.value.messages == [str(PUBLICATION_NEEDS_CONSENT)]
    assert Event.objects.get(pk=event.pk).published_at is None


# --- the public page ---------------------------------------------------------------------------


def test_only_lessons_published_to_the_territory_are_shown(
    alice: Membership, bob: Membership, open_library: EventSettings, charlie: Membership
) -> None:
    _publish(declared_by(bob, publication_consent=True), alice, "Leçon pour le territoire")
    _publish(declared_by(bob, publication_consent=True), alice, "Leçon pour l'équipe", audience=LibraryAudience.TEAM)
    withdrawn = _publish(declared_by(bob, publication_consent=True), alice, "Leçon retirée")
    services.publish_summary(
        withdrawn, title=withdrawn.summary_title, summary=withdrawn.summary, publish=False,
        audience=LibraryAudience.TERRITORY, acting=alice,
    )  # fmt: skip
    other_org = EventFactory.create(organization=charlie.organization, publication_consent=True)
    _publish(other_org, charlie, "Leçon d'une autre structure")

    page = page_text(_public_client().get(_library_url(open_library)))

    assert "Leçon pour le territoire" in page
    assert "Leçon pour l&#x27;équipe" not in page
    assert "Leçon pour l'équipe" not in page
    assert "Leçon retirée" not in page
    assert "autre structure" not in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_page_shows_no_identity_no_declaration_text_and_no_file(
    alice: Membership, open_library: EventSettings, tilleuls: Organization
) -> None:
    event = _public_case(tilleuls)
    services.save_lessons(event, lessons=INTERNAL_LESSONS, acting=alice)
    services.give_feedback(event, message="Merci Jeanne Témoin pour votre appel.", acting=alice)
    _publish(event, alice, "Sortie sans transmission")
    attachment = Attachment.objects.get()

    response = _public_client().get(_library_url(open_library))

    page = page_text(response)
    assert response.status_code == 200
    assert "Sortie sans transmission" in page
    for secret in (REPORTER_NAME, REPORTER_PHONE, SECRET_TEXT, "M. Secret", INTERNAL_LESSONS, "Merci Jeanne"):
        assert secret not in page
    assert event.reference not in page
    assert attachment.original_name not in page
    assert "ordonnance-patient" not in page
    assert attachment.get_absolute_url() not in page


def test_a_closed_library_is_not_found(alice: Membership, bob: Membership, event_settings: EventSettings) -> None:
    _publish(declared_by(bob, publication_consent=True), alice, "Leçon")

    assert event_settings.public_library_enabled is False  # off until the quality manager opens it
    assert _public_client().get(_library_url(event_settings)).status_code == 404


def test_a_wrong_key_or_the_slug_is_not_found(open_library: EventSettings, tilleuls: Organization) -> None:
    assert _public_client().get("/retours/not-the-key/").status_code == 404
    assert _public_client().get(f"/retours/{tilleuls.slug}/").status_code == 404


def test_search_looks_in_the_title_and_summary_only(
    alice: Membership, bob: Membership, open_library: EventSettings
) -> None:
    _publish(declared_by(bob, publication_consent=True), alice, "Anticoagulant relu à deux")
    _publish(declared_by(bob, publication_consent=True), alice, "Sortie du vendredi")
    url = _library_url(open_library)

    by_title = page_text(_public_client().get(url, {"q": "anticoagulant"}))
    by_summary = page_text(_public_client().get(url, {"q": "désidentifié : sortie"}))
    by_declaration = page_text(_public_client().get(url, {"q": "Confidentielle"}))  # in the description only

    assert "Anticoagulant relu à deux" in by_title
    assert "Sortie du vendredi" not in by_title
    assert "Sortie du vendredi" in by_summary
    assert "Anticoagulant" not in by_summary
    assert "Anticoagulant" not in by_declaration
    assert "Sortie du vendredi" not in by_declaration


def test_the_page_is_paginated_with_the_same_number_of_queries(
    alice: Membership,
    open_library: EventSettings,
    tilleuls: Organization,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    url = _library_url(open_library)
    EventFactory.create_batch(
        3, organization=tilleuls, publication_consent=True, library_audience=LibraryAudience.TERRITORY,
        summary_title="Leçon", summary="Résumé", published_at="2026-01-15T10:00:00Z",
        territory_approved_at="2026-01-16T10:00:00Z",
    )  # fmt: skip
    with django_assert_max_num_queries(4):
        assert _public_client().get(url).status_code == 200
    EventFactory.create_batch(
        40, organization=tilleuls, publication_consent=True, library_audience=LibraryAudience.TERRITORY,
        summary_title="Leçon", summary="Résumé", published_at="2026-01-15T10:00:00Z",
        territory_approved_at="2026-01-16T10:00:00Z",
    )  # fmt: skip
    with django_assert_max_num_queries(4):
        response = _public_client().get(url, {"page": "2"})

    assert page_text(response).count('class="card mb-3"') == 20
    assert "Page 2 of 3" in page_text(response)


# --- links and settings ------------------------------------------------------------------------


def test_the_declaration_and_printable_pages_link_to_an_open_library(
    alice_client: Client, event_settings: EventSettings
) -> None:
    public_link = reverse("events:public_link", kwargs={"org_slug": "tilleuls"})
    library = _library_url(event_settings)
    assert library not in page_text(_public_client().get(_declare_url(event_settings)))
    assert library not in page_text(alice_client.get(public_link))

    event_settings.public_library_enabled = True
    event_settings.save()

    assert library in page_text(_public_client().get(_declare_url(event_settings)))
    assert library in page_text(alice_client.get(public_link))


def test_the_quality_manager_opens_the_public_library(alice_client: Client, event_settings: EventSettings) -> None:
    response = alice_client.post(
        reverse("events:settings", kwargs={"org_slug": "tilleuls"}),
        {
            "save_settings": "1",
            "check_back_days": "15",
            "public_enabled": "on",
            "public_library_enabled": "on",
        },
    )

    assert response.status_code == 302
    event_settings.refresh_from_db()
    assert event_settings.public_library_enabled is True


def test_the_members_library_still_shows_every_published_lesson(
    alice: Membership, bob: Membership, bob_client: Client, event_settings: EventSettings
) -> None:
    _publish(declared_by(bob, publication_consent=True), alice, "Leçon pour le territoire")
    _publish(declared_by(bob, publication_consent=True), alice, "Leçon interne", audience=LibraryAudience.TEAM)

    page = page_text(bob_client.get(reverse("events:library", kwargs={"org_slug": "tilleuls"})))

    assert "Leçon pour le territoire" in page
    assert "Leçon interne" in page
    assert page.count("also on the public library") == 1
