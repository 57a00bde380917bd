"""The member's declaration form: quick when right, clear and lossless when wrong."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ameliora.core.dates import out_of_range_message
from ameliora.core.models import Attachment, Membership, Notification
from ameliora.core.tests.assertions import page_text, shows
from ameliora.core.tests.factories import PNG_BYTES
from ameliora.core.uploads import FILE_CONTENT_MISMATCH, FILE_TOO_LARGE
from ameliora.events.forms import DATE_IN_FUTURE, DESCRIPTION_REQUIRED, TEXT_MAX, TEXT_TOO_LONG
from ameliora.events.models import Event, EventSettings
from ameliora.events.tests.support import form_data


def _url(member: Membership) -> str:
    return reverse("events:declare", kwargs={"org_slug": member.organization.slug})


def test_a_member_declares_in_one_form_and_the_quality_team_is_told(
    bob: Membership, bob_client: Client, alice: Membership, event_settings: EventSettings
) -> None:
    response = bob_client.post(_url(bob), form_data(vigilances=["pharmaco"], is_serious="on"))

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert (event.reported_by, event.source, event.is_serious) == (bob, "member", True)
    assert list(event.vigilances.values_list("vigilance", flat=True)) == ["pharmaco"]
    notification = Notification.objects.get(recipient=alice.user)
    assert notification.title == f"New serious event (EIGS) {event.reference} to triage"
    assert "75" not in notification.title  # never the free text


def test_the_declare_link_is_on_every_page(bob: Membership, bob_client: Client) -> None:
    dashboard = bob_client.get(reverse("core:dashboard", kwargs={"org_slug": bob.organization.slug}))

    assert _url(bob) in page_text(dashboard)


def test_the_eigs_reminder_and_vigilances_are_on_the_form(bob: Membership, bob_client: Client) -> None:
    page = page_text(bob_client.get(_url(bob)))

    assert "signalement.social-sante.gouv.fr" in page
    assert "within 3 months" in page
    for vigilance in ("Pharmacovigilance", "Materiovigilance", "Haemovigilance", "Reactovigilance",
                      "Addictovigilance", "Cosmetovigilance", "Nutrivigilance", "Toxicovigilance"):  # fmt: skip
        assert vigilance in page


def test_an_empty_description_is_refused_and_the_rest_is_kept(
    bob: Membership, bob_client: Client, event_settings: EventSettings
) -> None:
    response = bob_client.post(_url(bob), form_data(description="   ", immediate_measures="Patient rappelé"))

    assert response.status_code == 422
    assert shows(response, DESCRIPTION_REQUIRED)
    assert "Patient rappelé" in page_text(response)
    assert not Event.objects.exists()


def test_a_huge_text_is_refused_with_its_length_and_kept_whole(
    bob: Membership, bob_client: Client, event_settings: EventSettings
) -> None:
    huge = "x" * (TEXT_MAX + 1) + "FIN"

    response = bob_client.post(_url(bob), form_data(description=huge))

    assert response.status_code == 422
    assert shows(response, TEXT_TOO_LONG % {"length": TEXT_MAX + 4, "limit": TEXT_MAX})
    assert huge in page_text(response)  # nothing cut: the reporter can shorten it
    assert "maxlength" not in page_text(response).split('name="description"')[0][-200:]


def test_script_tags_are_stored_as_text_and_escaped_on_every_page(
    alice_client: Client, bob: Membership, bob_client: Client, event_settings: EventSettings
) -> None:
    script = "<script>alert('x')</script> dose doublée"

    bob_client.post(_url(bob), form_data(description=script))

    event = Event.objects.get()
    assert event.description == script
    page = page_text(alice_client.get(event.get_absolute_url()))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; dose doublée" in page


def test_future_and_pre_1900_dates_are_refused_with_clear_messages(
    bob: Membership, bob_client: Client, event_settings: EventSettings
) -> None:
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    future = bob_client.post(_url(bob), form_data(occurred_at=tomorrow, description="Texte gardé"))
    old = bob_client.post(_url(bob), form_data(occurred_at="1899-12-31T10:00"))

    assert future.status_code == old.status_code == 422
    assert shows(future, DATE_IN_FUTURE)
    assert "Texte gardé" in page_text(future)
    assert tomorrow in page_text(future)
    assert shows(old, out_of_range_message())
    assert not Event.objects.exists()


def test_a_disguised_attachment_is_refused_and_the_text_kept(
    bob: Membership, bob_client: Client, event_settings: EventSettings
) -> None:
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is an executable", content_type="image/png")

    response = bob_client.post(_url(bob), {**form_data(description="Texte à garder"), "attachment": fake})

    assert response.status_code == 422
    assert shows(response, FILE_CONTENT_MISMATCH % {"ext": "png"})
    assert "Texte à garder" in page_text(response)
    assert not Event.objects.exists()


def test_an_oversized_attachment_is_refused(
    bob: Membership, bob_client: Client, event_settings: EventSettings, settings: object
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100  # type: ignore[attr-defined]
    big = SimpleUploadedFile("photo.png", PNG_BYTES * 4, content_type="image/png")

    response = bob_client.post(_url(bob), {**form_data(), "attachment": big})

    assert response.status_code == 422
    assert shows(response, FILE_TOO_LARGE % {"size": filesizeformat(len(PNG_BYTES * 4)), "limit": filesizeformat(100)})
    assert not Event.objects.exists()


def test_a_good_attachment_is_kept_without_naming_the_reporter(
    alice_client: Client, bob: Membership, bob_client: Client, event_settings: EventSettings
) -> None:
    photo = SimpleUploadedFile("etiquette.png", PNG_BYTES, content_type="image/png")

    bob_client.post(_url(bob), {**form_data(), "attachment": photo})

    attachment = Attachment.objects.get()
    assert attachment.content_object == Event.objects.get()
    assert attachment.uploaded_by is None
