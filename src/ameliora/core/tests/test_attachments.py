"""Files kept as evidence: what is accepted, where it is stored, and who may download it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from PIL import Image
from pytest_django.fixtures import Settings

from ameliora.core import uploads
from ameliora.core.models import Attachment, Comment, Membership, Organization, Role
from ameliora.core.tests.assertions import downloaded, page_text, shows
from ameliora.core.tests.conftest import ClientFor
from ameliora.core.tests.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    AttachmentFactory,
    MembershipFactory,
    bomb_jpeg,
    bomb_png,
)

SETTINGS = "/o/tilleuls/settings/"


def attach_url(organization: Organization) -> str:
    content_type = ContentType.objects.get_for_model(Organization)
    return f"/o/{organization.slug}/attach/{content_type.pk}/{organization.pk}/"


def upload(client: Client, organization: Organization, name: str, content: bytes):
    """Attach a file to the organization itself, as the settings page's form does; follow to the page."""
    data = {"file": SimpleUploadedFile(name, content), "description": "Contrat", "next": SETTINGS}
    return client.post(attach_url(organization), data, follow=True)


def office_file(marker: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(marker, "<document/>")
    return buffer.getvalue()


def test_a_member_attaches_a_pdf_and_a_colleague_downloads_it(
    alice: Membership, bob: Membership, bob_client: Client, alice_client: Client
) -> None:
    response = upload(bob_client, bob.organization, "Contrat d'entretien.pdf", PDF_BYTES)

    assert response.redirect_chain == [(SETTINGS, 302)]
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.mime_type, attachment.size) == (
        "Contrat d'entretien.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert attachment.uploaded_by == bob.user
    assert attachment.get_absolute_url() in page_text(response)
    download = alice_client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert downloaded(download) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert "attachment;" in download["Content-Disposition"]


def test_the_stored_file_name_is_not_the_original_name(
    alice: Membership, alice_client: Client, media_root: Path
) -> None:
    upload(alice_client, alice.organization, "Patient Dupont compte rendu.pdf", PDF_BYTES)

    stored = Attachment.objects.get().file.name
    assert "Dupont" not in stored
    assert stored.startswith(f"attachments/{alice.organization.pk}/")
    assert stored.endswith(".pdf")
    assert (media_root / stored).read_bytes() == PDF_BYTES
    assert [p.name for p in media_root.rglob("*") if p.is_file()] == [Path(stored).name]


def test_a_file_over_the_size_limit_is_refused_with_the_message(
    alice: Membership, alice_client: Client, settings: Settings
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 40
    content = PDF_BYTES[:41] + b"x" * 10

    response = upload(alice_client, alice.organization, "gros.pdf", content)

    expected = uploads.FILE_TOO_LARGE % {"size": filesizeformat(len(content)), "limit": filesizeformat(40)}
    assert shows(response, expected)
    assert not Attachment.objects.exists()


def test_a_file_type_that_is_not_accepted_is_refused_with_the_message(alice: Membership, alice_client: Client) -> None:
    response = upload(alice_client, alice.organization, "outil.exe", b"MZ\x90\x00")

    expected = uploads.FILE_TYPE_NOT_ALLOWED % {"ext": "exe", "accepted": ", ".join(sorted(uploads.KINDS))}
    assert shows(response, expected)
    assert not Attachment.objects.exists()


def test_a_pdf_that_is_really_a_png_is_refused_with_the_message(alice: Membership, alice_client: Client) -> None:
    response = upload(alice_client, alice.organization, "scan.pdf", PNG_BYTES)

    assert shows(response, uploads.FILE_CONTENT_MISMATCH % {"ext": "pdf"})
    assert not Attachment.objects.exists()


def test_an_empty_file_is_refused(alice: Membership, alice_client: Client) -> None:
    upload(alice_client, alice.organization, "vide.txt", b"")

    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("photo.png", PNG_BYTES, True),
        ("photo.JPG", JPEG_BYTES, True),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, False),  # the right first bytes, but no picture
        ("procedure.docx", office_file("word/document.xml"), True),
        ("tableau.xlsx", office_file("xl/workbook.xml"), True),
        ("tableau.xlsx", office_file("word/document.xml"), False),
        ("procedure.docx", b"PK\x03\x04 not really a zip", False),
        ("mesures.csv", b"date;valeur\n2025-01-01;3,5\n", True),
        ("notes.txt", b"\x00\x01\x02 binary", False),
        ("sans-extension", b"hello", False),
    ],
)
def test_uploads_are_recognised_by_their_content(name: str, content: bytes, accepted: bool) -> None:
    file = SimpleUploadedFile(name, content)

    if accepted:
        assert uploads.validate_upload(file).mime
    else:
        with pytest.raises(ValidationError):
            uploads.validate_upload(file)


def test_a_member_of_another_organization_gets_404_on_a_download(
    alice: Membership, alice_client: Client, charlie_client: Client
) -> None:
    upload(alice_client, alice.organization, "scan.png", PNG_BYTES)
    attachment = Attachment.objects.get()

    assert charlie_client.get(attachment.get_absolute_url()).status_code == 404
    # Charlie's own organization slug with alice's attachment id: still 404.
    assert charlie_client.get(f"/o/coteaux/attachments/{attachment.pk}/").status_code == 404


def test_a_user_representative_cannot_attach_files(tilleuls: Organization, client_for: ClientFor) -> None:
    representative = client_for(MembershipFactory.create(organization=tilleuls, roles=[Role.USER_REPRESENTATIVE]))

    response = representative.post(attach_url(tilleuls), {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)})

    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_the_next_address_cannot_send_the_member_to_another_site(alice: Membership, alice_client: Client) -> None:
    data = {"file": SimpleUploadedFile("a.pdf", PDF_BYTES), "next": "https://evil.example/phish"}

    response = alice_client.post(attach_url(alice.organization), data)

    assert response["Location"] == alice.organization.get_absolute_url()


def test_a_member_comments_on_an_object_of_the_organization(bob: Membership, bob_client: Client) -> None:
    content_type = ContentType.objects.get_for_model(Organization)
    url = f"/o/tilleuls/comment/{content_type.pk}/{bob.organization.pk}/"

    response = bob_client.post(url, {"body": "Penser à relancer le fournisseur", "next": SETTINGS})

    assert response["Location"] == SETTINGS
    comment = Comment.objects.get()
    assert (comment.author, comment.body, comment.organization) == (
        bob.user,
        "Penser à relancer le fournisseur",
        bob.organization,
    )


def test_the_attachments_panel_lists_only_the_organizations_own_files(
    alice: Membership, coteaux: Organization, alice_client: Client
) -> None:
    # A row of another organization pointing at the same object (only a bug elsewhere could make one).
    stray = AttachmentFactory.create(organization=coteaux, object_id=alice.organization.pk, original_name="autre.png")
    own = AttachmentFactory.create(organization=alice.organization, original_name="nôtre.png")

    text = page_text(alice_client.get(SETTINGS))

    assert own.get_absolute_url() in text
    assert stray.original_name not in text


def _photo_with_location(fmt: str) -> bytes:
    """A phone photo: EXIF with a GPS position and the camera owner, stored sideways (orientation 6)."""
    exif = Image.Exif()
    exif[0x013B] = "Dr Jeanne Martin"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    exif[0x8825] = {1: "N", 2: (43.0, 36.0, 18.0), 3: "E", 4: (1.0, 26.0, 40.0)}  # GPSInfo
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 120, 200)).save(buffer, format=fmt, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "fmt"), [("chambre.jpg", "JPEG"), ("chambre.png", "PNG")])
def test_a_photo_is_stored_without_its_metadata_and_upright(
    alice: Membership, alice_client: Client, name: str, fmt: str
) -> None:
    original = _photo_with_location(fmt)
    assert Image.open(io.BytesIO(original)).getexif()  # the test photo does carry metadata

    upload(alice_client, alice.organization, name, original)

    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as stored_file, Image.open(stored_file) as stored:
        assert not stored.getexif()
        assert "Dr Jeanne Martin" not in str(stored.info)
        assert stored.size == (20, 40)  # the orientation tag was applied to the pixels, not dropped
    assert attachment.size == attachment.file.size


def test_an_image_that_cannot_be_decoded_is_refused_with_a_clear_message(
    alice: Membership, alice_client: Client
) -> None:
    response = upload(alice_client, alice.organization, "scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    assert shows(response, uploads.IMAGE_UNREADABLE)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.png", bomb_png(30000, 30000)),  # Pillow's own alarm: 900 megapixels
        ("scan.jpg", bomb_jpeg(30000, 30000)),
        ("scan.png", bomb_png(8000, 5001)),  # just over our limit, under Pillow's
        ("scan.jpg", bomb_jpeg(8000, 5001)),
    ],
)
def test_a_picture_claiming_too_many_pixels_is_refused_before_it_is_decoded(
    alice: Membership, alice_client: Client, name: str, content: bytes
) -> None:
    assert len(content) < 100

    response = upload(alice_client, alice.organization, name, content)

    assert response.status_code == 200
    assert shows(response, uploads.IMAGE_TOO_LARGE % {"limit": 40})
    assert not Attachment.objects.exists()


def test_a_picture_at_the_pixel_limit_passes_the_check() -> None:
    assert uploads.validate_upload(SimpleUploadedFile("scan.png", bomb_png(8000, 5000))).mime == "image/png"


def test_a_wide_picture_is_stored_at_most_4000_pixels_on_its_long_side(alice: Membership, alice_client: Client) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4500, 90), (10, 120, 200)).save(buffer, format="JPEG")

    upload(alice_client, alice.organization, "panorama.jpg", buffer.getvalue())

    with Attachment.objects.get().file.open("rb") as stored_file, Image.open(stored_file) as stored:
        assert stored.size == (4000, 80)
