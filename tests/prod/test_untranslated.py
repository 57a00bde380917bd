"""The English-on-French-pages check can fail: on the real catalogue, a fake site and real PDFs.

These run with the ordinary test suite; the production stage applies the same finder to every page
and generated PDF the personas reach (``test_production.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from weasyprint import HTML  # type: ignore[import-untyped]

from tests.prod.crawler import Shared, Visitor
from tests.prod.site import view_name
from tests.prod.untranslated import EnglishFinder, catalogue_phrases, visible_text

ORIGIN = "https://qualite.example.fr"
STYLE = f'<link rel="stylesheet" href="{ORIGIN}/static/app.0123456789ab.css">'


@pytest.fixture(scope="module")
def finder() -> EnglishFinder:
    return EnglishFinder(catalogue_phrases())


def test_the_catalogue_gives_english_phrases_and_never_a_french_one(finder: EnglishFinder) -> None:
    assert "Export as PDF" in finder.phrases
    assert "Declare an event" in finder.phrases
    assert not {"Exporter en PDF", "Déclarer un événement"} & finder.phrases
    assert all(len(phrase.split()) >= 2 for phrase in finder.phrases)


def test_a_french_page_passes_and_the_english_left_on_it_is_named(finder: EnglishFinder) -> None:
    french = "<main><h1>Plans d’actions</h1><button>Exporter en PDF</button></main>"
    mixed = (
        '<main><h1>Plans d’actions</h1><a href="/x" title="Export as PDF">PDF</a>'
        "<p>Declare an event</p><script>const label = 'Exported by a script';</script></main>"
    )

    assert finder.in_html(french) == []
    assert finder.in_html(mixed) == ["Declare an event", "Export as PDF"]


def test_a_phrase_counts_only_as_whole_words(finder: EnglishFinder) -> None:
    assert finder.find("Declare an events") == []
    assert finder.find("Undeclare an event") == []
    assert visible_text("<p>a</p><style>p{}</style><p>b</p>") == "a b"


def test_a_generated_pdf_is_read_and_an_uploaded_one_is_not_judged(finder: EnglishFinder) -> None:
    generated = HTML(string="<h1>Bilan</h1><p>Export as PDF</p>").write_pdf()
    uploaded = b"%PDF-1.4 not really a PDF"

    assert finder.in_pdf(generated) == ["Export as PDF"]
    assert finder.in_pdf(uploaded) == []


def english_site(request: httpx.Request) -> httpx.Response:
    if request.url.path.startswith("/static/"):
        return httpx.Response(200, text="body{}", headers={"content-type": "text/css"})
    pages = {
        "/o/acme/": f'{STYLE}<a href="/o/acme/plans/">Plans</a><a href="/o/acme/events/">Événements</a>',
        "/o/acme/plans/": f"{STYLE}<h1>Plans d’actions</h1><p>Done by Alice</p><button>Export as PDF</button>",
        "/o/acme/events/": f"{STYLE}<h1>Événements</h1>",
    }
    if request.url.path in pages:
        return httpx.Response(200, html=pages[request.url.path])
    return httpx.Response(404, html="<h1>Introuvable</h1>")


@pytest.fixture
def visitor(finder: EnglishFinder) -> Iterator[Visitor]:
    crawler = Visitor(
        "alice@acme.test",
        origin=ORIGIN,
        upstream="http://127.0.0.1:1",
        client_address="203.0.113.1",
        view_name=view_name,
        shared=Shared(english=finder),
        transport=httpx.MockTransport(english_site),
    )
    yield crawler
    crawler.close()


def test_the_crawl_names_each_page_with_english_and_the_phrase(visitor: Visitor) -> None:
    visitor.crawl("/o/acme/", scope="/o/acme/", max_pages=10, per_view=1)

    assert visitor.visit.untranslated == [f'{ORIGIN}/o/acme/plans/: "Export as PDF"']
