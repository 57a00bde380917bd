"""People are shown by their name: a walk through the demo finds no bare email where a name belongs.

Every demo persona has a first and a last name, so a demo address (``…@….test``) on a page or in an
export means some code shows a person by email. Contacting is the point of two places only, where
the email may appear: the contact column of the team list and the member's contact line
(``am-contact``), and the person's own profile page. The exports reached by a link (PDF, XLSX, DOCX,
iCalendar) are read too; those made by a background job from a form are not.
"""

from __future__ import annotations

import io
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import Resolver404, resolve
from docx import Document
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader
from pytest_django import DjangoCaptureOnCommitCallbacks

from ameliora.core.demo import build_demo
from ameliora.core.models import User
from tests.prod.crawler import NOT_FOLLOWED, parse_html

DEMO_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.test\b")
# The contact column and line, where an email is the point: cut before looking.
CONTACT = re.compile(r'<(td|p) class="am-contact">.*?</\1>', re.S)
PAGES_WHOSE_POINT_IS_CONTACTING = {"core:profile"}
# Files people uploaded (the demo's are stand-ins), not made by Ameliora: not read.
NOT_READ = {"core:attachment_download"}
# One persona per kind of organization with the widest view, and the learner for the portfolio.
PERSONAS = (
    "marc.lefevre@tilleuls.test",
    "lucas.martin@tilleuls.test",
    "claire.moreau@coteaux.test",
)
# Pages of one shape (the same view with other ids) are visited at most this many times.
PER_SHAPE = 2
MAX_PAGES = 80


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


def _view(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def file_text(content_type: str, content: bytes) -> str:
    """The text of a downloaded file, whatever its format."""
    if content_type.startswith("application/pdf"):
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if "spreadsheetml" in content_type:
        book = load_workbook(io.BytesIO(content), read_only=True)
        return " ".join(
            str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
        )
    if "wordprocessingml" in content_type:
        document = Document(io.BytesIO(content))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return " ".join([paragraph.text for paragraph in document.paragraphs] + cells)
    return content.decode("utf-8", errors="replace")


def emails_in(view: str | None, content_type: str, content: bytes) -> set[str]:
    if view in PAGES_WHOSE_POINT_IS_CONTACTING or view in NOT_READ:
        return set()
    text = file_text(content_type, content)
    if content_type.startswith("text/html"):
        text = CONTACT.sub("", text)
    return set(DEMO_EMAIL.findall(text))


def walk(client: Client, start: str) -> tuple[dict[str, set[str]], int]:
    """Crawl from ``start`` (GET links, exports included), return the bare emails found per URL."""
    found: dict[str, set[str]] = {}
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = deque([start])
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        if url in seen or shapes[_shape(url)] >= PER_SHAPE or NOT_FOLLOWED.search(url):
            continue
        seen.add(url)
        shapes[_shape(url)] += 1
        response = client.get(url, follow=True)
        visited += 1
        if response.status_code != 200:
            continue
        content_type = response.get("Content-Type", "")
        content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        emails = emails_in(_view(url), content_type, content)
        if emails:
            found[url] = emails
        if not content_type.startswith("text/html"):
            continue
        parsed = parse_html(content.decode(errors="replace"))
        for href in parsed.links:
            link = urldefrag(href)[0]
            if link.startswith(("/o/", "/account/profile/")):
                queue.append(link)
    return found, visited


@pytest.mark.django_db(transaction=False)
def test_the_demo_shows_people_by_name_on_every_page_and_export(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        organizations = build_demo()
    assert not User.objects.filter(memberships__organization__in=organizations.values(), first_name="").exists()
    found: dict[str, set[str]] = {}
    for email in PERSONAS:
        client = Client()
        client.force_login(User.objects.get(email=email))
        slug = User.objects.get(email=email).memberships.get().organization.slug
        pages, visited = walk(client, f"/o/{slug}/")
        assert visited > 30, f"{email} reached only {visited} pages"
        found |= {f"{email} → {url}": emails for url, emails in pages.items()}
    # The notification emails the demo sent name people too.
    for message in mail.outbox:
        emails = set(DEMO_EMAIL.findall(str(message.body))) - set(message.to)
        if emails:
            found[f"email « {message.subject} »"] = emails

    assert found == {}
    # The rule's exceptions are real: the walk would not notice a page that lost them.
    client = Client()
    client.force_login(User.objects.get(email="marc.lefevre@tilleuls.test"))
    team = client.get("/o/pharmacie-des-tilleuls/members/").content.decode()
    assert 'href="mailto:sophie.roux@tilleuls.test"' in team
    assert "marc.lefevre@tilleuls.test" in client.get("/account/profile/").content.decode()
