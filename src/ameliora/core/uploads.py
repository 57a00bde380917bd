"""Checks every uploaded file passes before it is stored: size, extension, and real content.

The extension alone proves nothing, so each accepted type is also recognised from its first
bytes (or, for office documents, from the archive's own manifest). A picture's dimensions are read
from its header before anything is decoded: a 74-byte PNG may claim 30000 x 30000 pixels (a
"decompression bomb", gigabytes once decoded), so anything over :data:`IMAGE_MAX_PIXELS` is refused
with a message. Photos are then stored without their metadata (:func:`without_metadata`): a phone's
EXIF block may hold where and when a picture of a ward or a prescription was taken, and who took it.
"""

from __future__ import annotations

import io
import warnings
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
IMAGE_TOO_LARGE = _(
    "This picture is too large (over %(limit)s megapixels): export it in a smaller size and attach it again."
)

#: The most pixels (width x height) a picture may have: above what phones save by default (12 to
#: 24 megapixels) and a 36-megapixel camera, below the full-resolution modes of 48 to 200-megapixel
#: sensors. Decoding 40 megapixels takes about 160 MB of memory; Pillow's own alarm rings only at 89.
IMAGE_MAX_PIXELS = 40_000_000
#: Pictures are stored at most this many pixels on their long side: more shows nothing on a screen
#: or a printed page, and costs time to re-encode.
IMAGE_MAX_SIDE = 4000


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
    if kind.mime in PICTURES:
        _check_dimensions(upload)
    return kind


PICTURES = frozenset({"image/png", "image/jpeg"})


def _too_large() -> ValidationError:
    return ValidationError(IMAGE_TOO_LARGE, code="too_many_pixels", params={"limit": IMAGE_MAX_PIXELS // 1_000_000})


def _check_dimensions(upload: UploadedFile) -> None:
    """Refuse a picture whose header claims more than :data:`IMAGE_MAX_PIXELS`, without decoding it."""
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and raises above twice it; both mean "too large" here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as picture:  # reads the header only
                width, height = picture.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(IMAGE_UNREADABLE, code="content") from exc
    finally:
        upload.seek(0)
    if width * height > IMAGE_MAX_PIXELS:
        raise _too_large()


def without_metadata(upload: UploadedFile, kind: FileKind) -> File:  # type: ignore[type-arg]
    """The file to store: a PNG or JPEG redrawn without its metadata (EXIF, GPS, text chunks), upright.

    Other kinds are returned as they are. The picture is re-encoded at high quality; its orientation
    tag is applied to the pixels first, so it does not turn sideways when the tag is dropped. A picture
    over :data:`IMAGE_MAX_SIDE` pixels on its long side is scaled down, a JPEG while it is decoded
    (``draft`` decodes at 1/2, 1/4 or 1/8 of its size when that is still large enough). Call
    :func:`validate_upload` first: it refuses pictures with too many pixels before any decoding.
    """
    if kind.mime not in PICTURES:
        upload.seek(0)
        return upload
    from PIL import Image, ImageOps, UnidentifiedImageError

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as original:
                original.draft("RGB", (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
                original.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))  # in place; never enlarges
                picture = ImageOps.exif_transpose(original)
                clean = io.BytesIO()
                # No `optimize`: its extra passes cost seconds on a large picture and save little.
                if kind.mime == "image/jpeg":
                    picture.convert("RGB").save(clean, format="JPEG", quality=92)
                else:
                    picture.save(clean, format="PNG")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(IMAGE_UNREADABLE, code="content") from exc
    return ContentFile(clean.getvalue(), name=upload.name)
