"""Small readers of responses, so that tests state what a person sees on the page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.messages import get_messages
from django.utils.html import escape

if TYPE_CHECKING:
    # The test client's response type in django-stubs (content, json(), wsgi_request, redirect_chain…).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def page_text(response: TestResponse) -> str:
    return response.content.decode()


def shows(response: TestResponse, message: Any) -> bool:
    """True when ``message`` (a lazy translation is rendered in the active language) is on the page."""
    return escape(str(message)) in page_text(response)


def flash_messages(response: TestResponse) -> list[str]:
    """The messages (``django.contrib.messages``) queued for the next page the person sees."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def downloaded(response: TestResponse) -> bytes:
    """The body of a file download (``FileResponse`` streams it)."""
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]
