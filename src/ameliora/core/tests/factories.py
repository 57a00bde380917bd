"""Factories for the core models. Other apps' tests reuse them to build organizations and people.

Call ``XFactory.create(...)`` (typed: it returns the model instance) rather than ``XFactory(...)``.
"""

# factory_boy types its factories (create() returns the model) but not its declarations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from factory.declarations import LazyAttribute, LazyFunction, PostGeneration, SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory, Password
from factory.faker import Faker
from PIL import Image

from ameliora.core.models import (
    Attachment,
    Comment,
    Invitation,
    Job,
    Membership,
    MembershipRole,
    Notification,
    Organization,
    Role,
    Unit,
    User,
)

PASSWORD = "correct-horse-battery-staple"


def _png() -> bytes:
    """A real 4 by 4 picture: stored images are decoded and redrawn without their metadata."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


PNG_BYTES = _png()
JPEG_BYTES = _jpeg()
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + _png_chunk(b"IEND", b"")
    )


def bomb_jpeg(width: int, height: int) -> bytes:
    """A JPEG of a few dozen bytes whose frame header claims ``width`` x ``height`` pixels."""
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    scan = b"\xff\xda" + struct.pack(">HB", 12, 3) + b"\x01\x00\x02\x11\x03\x11\x00\x3f\x00"
    return b"\xff\xd8" + frame + scan + b"\xff\xd9"


def _verify_email(user: User, create: bool, extracted: bool | None, **kwargs: Any) -> None:
    """Give the user a verified primary address (allauth refuses to sign in unverified ones); opt out with False."""
    if create and extracted is not False:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def _add_roles(membership: Membership, create: bool, extracted: Iterable[Role] | None, **kwargs: Any) -> None:
    if create:
        for role in extracted if extracted is not None else [Role.MEMBER]:
            MembershipRole.objects.create(membership=membership, role=role)


class UserFactory(DjangoModelFactory[User]):
    """A user who can sign in through the login form with :data:`PASSWORD` (verified email)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = Sequence(lambda n: f"person{n}@example.test")
    first_name = Faker("first_name", locale="fr_FR")
    last_name = Faker("last_name", locale="fr_FR")
    password = Password(PASSWORD)

    verified_email = PostGeneration(_verify_email)


class OrganizationFactory(DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = Sequence(lambda n: f"Pharmacie n°{n}")
    slug = Sequence(lambda n: f"pharmacie-{n}")
    kind = Organization.Kind.PHARMACY


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    organization = SubFactory(OrganizationFactory)
    name = Sequence(lambda n: f"Unité {n}")


class MembershipFactory(DjangoModelFactory[Membership]):
    """A membership with the roles given as ``roles=[Role.ADMIN, ...]`` (a plain member by default)."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    organization = SubFactory(OrganizationFactory)
    user = SubFactory(UserFactory)
    title = "Préparateur"

    roles = PostGeneration(_add_roles)


class InvitationFactory(DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    organization = SubFactory(OrganizationFactory)
    email = Sequence(lambda n: f"invitee{n}@example.test")
    roles = LazyFunction(lambda: [Role.MEMBER.value])
    invited_by = SubFactory(UserFactory)


class NotificationFactory(DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    organization = SubFactory(OrganizationFactory)
    recipient = SubFactory(UserFactory)
    title = Sequence(lambda n: f"Action n°{n} vous a été attribuée")
    url = LazyAttribute(lambda o: f"/o/{o.organization.slug}/")


class JobFactory(DjangoModelFactory[Job]):
    class Meta:
        model = Job

    organization = SubFactory(OrganizationFactory)
    kind = "members_export"
    label = "Export"
    created_by = SubFactory(UserFactory)
    status = Job.Status.DONE
    progress = 100
    result = LazyFunction(lambda: ContentFile(b"a;b\n", name="export.csv"))
    result_name = "export.csv"


class AttachmentFactory(DjangoModelFactory[Attachment]):
    """A PNG attached to the organization itself (every tenant object works the same way)."""

    class Meta:
        model = Attachment

    organization = SubFactory(OrganizationFactory)
    content_type = LazyFunction(lambda: ContentType.objects.get_for_model(Organization))
    object_id = SelfAttribute("organization.pk")
    file = LazyFunction(lambda: ContentFile(PNG_BYTES, name="photo.png"))
    original_name = "photo.png"
    mime_type = "image/png"
    size = len(PNG_BYTES)
    uploaded_by = SubFactory(UserFactory)


class CommentFactory(DjangoModelFactory[Comment]):
    class Meta:
        model = Comment

    organization = SubFactory(OrganizationFactory)
    content_type = LazyFunction(lambda: ContentType.objects.get_for_model(Organization))
    object_id = SelfAttribute("organization.pk")
    author = SubFactory(UserFactory)
    body = "Texte libre"
