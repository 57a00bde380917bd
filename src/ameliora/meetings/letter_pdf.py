"""The PDF of a mission letter, to hand to the person or file: its text and its signature.

The text is what the letter covers and, when the letter points to a controlled document, the version
of it in force (its Markdown, sanitised as the documents page shows it). The signature block says who
issued it and when, and who signed it and when, or that it awaits the person's signature.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from ameliora.documents.models import DocumentVersion
from ameliora.documents.rendering import render_markdown
from ameliora.meetings.models import MissionLetter


def _document_text(letter: MissionLetter) -> SafeString | None:
    if letter.document is None:
        return None
    version = DocumentVersion.objects.filter(document=letter.document, status=DocumentVersion.Status.IN_FORCE).first()
    if version is None or not version.body.strip():
        return None
    return render_markdown(version.body)


def letter_pdf_html(letter: MissionLetter) -> str:
    return render_to_string(
        "meetings/letter_pdf.html",
        {"letter": letter, "document_text": _document_text(letter), "now": timezone.now()},
    )


def render_letter_pdf(letter: MissionLetter) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # late: heavy, only the export needs it

    return bytes(HTML(string=letter_pdf_html(letter)).write_pdf())
