"""Files and the unit on the public declaration page: checked like a member's, stored without identity."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Attachment, Membership, Organization
from ameliora.core.tests.assertions import page_text, shows
from ameliora.core.tests.factories import PDF_BYTES, PNG_BYTES, UnitFactory, bomb_jpeg, bomb_png
from ameliora.core.uploads import FILE_CONTENT_MISMATCH, FILE_TOO_LARGE, IMAGE_TOO_LARGE
from ameliora.events.forms import FILES_NOT_KEPT, TOO_MANY_FILES
from ameliora.events.models import Event, EventSettings
from ameliora.events.public_views import TOO_MANY_DECLARATIONS
from ameliora.events.ratelimit import LIMITS
from ameliora.events.tests.support import form_data
from ameliora.events.tests.test_public import CLIENT_IP, _declare_url, _public_client

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def _post(settings: EventSettings, *files: SimpleUploadedFile, **overrides: str) -> TestResponse:
    data = form_data(charter_accepted="on", contact_choice="anonymous", **overrides)
    if files:
        data["attachments"] = list(files)
    return _public_client().post(_declare_url(settings), data)


def _png(name: str = "etiquette.png", content: bytes = PNG_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_a_disguised_file_is_refused_clearly_and_nothing_typed_is_lost(event_settings: EventSettings) -> None:
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is an executable", content_type="image/png")

    response = _post(event_settings, fake, description="Texte à garder", consequences="Conséquence gardée")

    assert response.status_code == 422
    assert shows(response, FILE_CONTENT_MISMATCH % {"ext": "png"})
    assert shows(response, FILES_NOT_KEPT)
    page = page_text(response)
    assert "Texte à garder" in page
    assert "Conséquence gardée" in page
    assert not Event.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"), [("photo.png", bomb_png(30000, 30000)), ("photo.jpg", bomb_jpeg(30000, 30000))]
)
def test_a_decompression_bomb_is_refused_with_a_message_and_nothing_typed_is_lost(
    event_settings: EventSettings, name: str, content: bytes
) -> None:
    bomb = SimpleUploadedFile(name, content, content_type="image/png")

    response = _post(event_settings, bomb, description="Texte à garder", consequences="Conséquence gardée")

    assert response.status_code == 422
    assert shows(response, f"{name}: {IMAGE_TOO_LARGE % {'limit': 40}}")
    page = page_text(response)
    assert "Texte à garder" in page
    assert "Conséquence gardée" in page
    assert not Event.objects.exists()
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_refused(event_settings: EventSettings, settings: object) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100  # type: ignore[attr-defined]

    response = _post(event_settings, _png(content=PNG_BYTES * 4))

    assert response.status_code == 422
    expected = FILE_TOO_LARGE % {"size": filesizeformat(len(PNG_BYTES * 4)), "limit": filesizeformat(100)}
    assert shows(response, expected)
    assert not Event.objects.exists()


def test_more_than_three_files_are_refused(event_settings: EventSettings) -> None:
    response = _post(event_settings, *[_png(f"p{n}.png") for n in range(4)])

    assert response.status_code == 422
    assert shows(response, TOO_MANY_FILES % {"limit": 3})
    assert not Event.objects.exists()


def test_valid_files_are_attached_without_identity_and_seen_by_the_quality_cell_only(
    event_settings: EventSettings, alice: Membership, alice_client: Client, bob_client: Client
) -> None:
    pdf = SimpleUploadedFile("compte-rendu Jeanne Dupont.pdf", PDF_BYTES, content_type="application/pdf")

    response = _post(event_settings, _png(), pdf)

    assert response.status_code == 201
    event = Event.objects.get()
    attachments = list(Attachment.objects.order_by("original_name"))
    assert [a.content_object for a in attachments] == [event, event]
    assert [a.original_name for a in attachments] == [f"{event.reference}-1.png", f"{event.reference}-2.pdf"]
    assert [a.uploaded_by for a in attachments] == [None, None]
    with connection.cursor() as cursor:  # no address and no file name typed by the reporter, anywhere
        for table in ("core_attachment", "core_historicalattachment"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            rows = str(cursor.fetchall())
            assert CLIENT_IP not in rows
            assert "Dupont" not in rows
    # The quality cell sees and downloads them; a plain member reaches neither the event nor the files.
    detail = reverse("events:detail", kwargs={"org_slug": "tilleuls", "event_id": event.pk})
    assert f"{event.reference}-1.png" in page_text(alice_client.get(detail))
    for attachment in attachments:
        assert alice_client.get(attachment.get_absolute_url()).status_code == 200
        assert bob_client.get(attachment.get_absolute_url()).status_code == 404
    assert bob_client.get(detail).status_code == 404


def test_refused_uploads_count_against_the_rate_limit(event_settings: EventSettings) -> None:
    fake = SimpleUploadedFile("photo.png", b"not a png", content_type="image/png")
    for _ in range(LIMITS["declare"][0]):
        assert _post(event_settings, fake).status_code == 422
        fake.seek(0)

    response = _post(event_settings, description="Gardé")

    assert response.status_code == 429
    assert shows(response, TOO_MANY_DECLARATIONS)


def test_the_unit_is_asked_only_when_the_organization_has_units(
    event_settings: EventSettings, tilleuls: Organization
) -> None:
    assert 'name="unit"' not in page_text(_public_client().get(_declare_url(event_settings)))
    unit = UnitFactory.create(organization=tilleuls, name="Préparatoire")
    other = UnitFactory.create(name="Ailleurs")

    page = page_text(_public_client().get(_declare_url(event_settings)))
    assert 'name="unit"' in page
    assert "Préparatoire" in page
    assert "Ailleurs" not in page

    assert _post(event_settings, unit=str(other.pk)).status_code == 422
    assert _post(event_settings, unit=str(unit.pk)).status_code == 201
    assert _post(event_settings).status_code == 201  # the unit is optional
    assert [e.unit for e in Event.objects.order_by("pk")] == [unit, None]
