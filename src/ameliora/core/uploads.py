"""Checks every uploaded file passes before it is stored: size, extension, and real content.

The extension alone proves nothing, so each accepted type is also recognised from its first
bytes (or, for office documents, from the archive's own manifest). Photos are then stored without
their metadata (:func:`without_metadata`): a phone's EXIF block may hold where and when a picture of
a ward or a prescription was taken, and who took it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

FILE_TOO_LARGE = _("This file is %(size)s; the limit is %(limit)s.")
FILE_TYPE_NOT_ALLOWED = _("Files of type “.%(ext)s” are not accepted. Accepted: %(accepted)s.")
FILE_CONTENT_MISMATCH = _("This file's content does not match its “.%(ext)s” extension.")
FILE_EMPTY = _("This file is empty.")
IMAGE_UNREADABLE = _("This image cannot be read; export it again as PNG or JPEG.")


@dataclass(frozen=True)
class FileKind:
    mime: str
    magic: tuple[bytes, ...] = ()
    office_marker: str | None = None  # a member every genuine archive of this kind contains
    text: bool = False


KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", magic=(b"%PDF-",)),
    "png": FileKind("image/png", magic=(b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileKind("image/jpeg", magic=(b"\xff\xd8\xff",)),
    "jpeg": FileKind("image/jpeg", magic=(b"\xff\xd8\xff",)),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        office_marker="word/document.xml",
    ),
    "xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", office_marker="xl/workbook.xml"
    ),
    "pptx": FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        office_marker="ppt/presentation.xml",
    ),
    "odt": FileKind("application/vnd.oasis.opendocument.text", office_marker="content.xml"),
    "ods": FileKind("application/vnd.oasis.opendocument.spreadsheet", office_marker="content.xml"),
    "csv": FileKind("text/csv", text=True),
    "txt": FileKind("text/plain", text=True),
}


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _is_office_archive(marker: str, upload: UploadedFile) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return marker in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the 8 KiB boundary is still text.
        return exc.start >= len(head) - 3
    return True


def _content_matches(kind: FileKind, upload: UploadedFile) -> bool:
    upload.seek(0)
    head: bytes = upload.read(8192)
    upload.seek(0)
    if kind.magic:
        return head.startswith(kind.magic)
    if kind.office_marker:
        return _is_office_archive(kind.office_marker, upload)
    return bool(kind.text) and _is_text(head)


def validate_upload(upload: UploadedFile, *, allowed: frozenset[str] | None = None) -> FileKind:
    """Return the recognised kind of ``upload`` or raise a ``ValidationError`` that says why not."""
    accepted = sorted(allowed or KINDS)
    size = upload.size or 0
    if size == 0:
        raise ValidationError(FILE_EMPTY, code="empty")
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            FILE_TOO_LARGE,
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    ext = _extension(upload.name or "")
    if ext not in accepted:
        raise ValidationError(FILE_TYPE_NOT_ALLOWED, code="type", params={"ext": ext, "accepted": ", ".join(accepted)})
    kind = KINDS[ext]
    if not _content_matches(kind, upload):
        raise ValidationError(FILE_CONTENT_MISMATCH, code="content", params={"ext": ext})
    return kind


def without_metadata(upload: UploadedFile, kind: FileKind) -> File:  # type: ignore[type-arg]
    """The file to store: a PNG or JPEG redrawn without its metadata (EXIF, GPS, text chunks), upright.

    Other kinds are returned as they are. The picture is re-encoded at high quality; its orientation
    tag is applied to the pixels first, so it does not turn sideways when the tag is dropped.
    """
    if kind.mime not in {"image/png", "image/jpeg"}:
        upload.seek(0)
        return upload
    from PIL import Image, ImageOps, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as original:
            picture = ImageOps.exif_transpose(original)
            clean = io.BytesIO()
            if kind.mime == "image/jpeg":
                picture.convert("RGB").save(clean, format="JPEG", quality=92, optimize=True)
            else:
                picture.save(clean, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(IMAGE_UNREADABLE, code="content") from exc
    return ContentFile(clean.getvalue(), name=upload.name)
