"""The REX dossier: every section in the PDF text and the DOCX, and missing parts named, not failing."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone, translation
from docx import Document
from PIL import Image
from pypdf import PdfReader
from pytest_django import DjangoAssertNumQueries

from ameliora.analytics.svg import Chart, Phase
from ameliora.core.demo import build_demo
from ameliora.core.models import Membership
from ameliora.learning import chart_png, dossier, services
from ameliora.learning.demo import MAIN_TITLE, build_pharmacy
from ameliora.learning.models import LearningSituation
from ameliora.learning.tests.factories import make_situation

pytestmark = pytest.mark.django_db

SECTIONS = [
    "Experience feedback dossier",
    "1. Self-assessment results",
    "Weaknesses",
    "2. Action plans",
    "a. Quality objectives",
    "b. Follow-up indicators and timeline",
    "c. Tools created",
    "d. Communication to the team",
    "e. Putting the plan into practice",
    "f. Progress and results, before and after",
    "g. Revisions: improvement axes",
    "Evidence",
    "3. Self-critique",
    "4. Debrief with the supervisor",
    "5. Competencies involved",
]


@pytest.fixture
def complete() -> LearningSituation:
    """The demo intern's dossier: campaign, two plans with evidence, self-critique, signed debrief, ratings."""
    build_demo()
    return LearningSituation.objects.get(title=MAIN_TITLE)


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_the_pdf_holds_every_section_of_the_rex(complete: LearningSituation) -> None:
    with translation.override("en"):
        content, name = dossier.render(complete, "pdf")
    text, pages = pdf_text(content)
    for section in SECTIONS:
        assert section in text, section
    assert name.endswith(".pdf")
    assert text.count("a. Quality objectives") == 2  # one per plan
    for code in ("PAQ-TIL-01", "PAQ-TIL-02", "CP-09", "QUA-2"):
        assert code in text
    assert "Signed by the supervisor, Anne Dubois" in text
    assert 4 <= pages <= 30


def test_the_docx_holds_the_same_sections(complete: LearningSituation) -> None:
    with translation.override("en"):
        content, _name = dossier.render(complete, "docx")
    document = Document(io.BytesIO(content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    for section in SECTIONS:
        assert section in paragraphs, section
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Lucas Martin" in paragraphs
    assert "QUA-2" in cells  # a competency rated in the situation
    assert "Signed by the learner, Lucas Martin" in paragraphs


def test_step_f_shows_each_linked_indicator_with_its_chart(
    complete: LearningSituation, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for plan in complete.plans.all():
        with django_assert_max_num_queries(5):  # whatever the number of indicators
            assert len(dossier.indicator_parts(plan, timezone.localdate())) == 2
    with translation.override("en"):
        gathered = dossier.gather(complete)
        text, _pages = pdf_text(dossier.render(complete, "pdf")[0])
    results = [r for part in gathered.plans for r in part.results]
    assert len(results) == 4  # two indicators per demo plan
    step_f = text.split("f. Progress and results, before and after", 1)[1]
    for result in results:
        assert "<svg" in result.svg
        assert result.indicator.name in step_f, result.indicator.name
    assert any(r.before_after is not None for r in results)
    assert "Before: " in step_f  # the before/after sentence of an indicator with a phase


def test_the_docx_embeds_one_picture_per_chart(complete: LearningSituation) -> None:
    with translation.override("en"):
        gathered = dossier.gather(complete)
        document = Document(io.BytesIO(dossier.render(complete, "docx")[0]))
    charts = 1 + sum(len(part.results) for part in gathered.plans)  # score per section + each indicator
    assert len(document.inline_shapes) == charts == 5
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    for part in gathered.plans:
        for result in part.results:
            assert f"{result.indicator.name} : " in paragraphs


def _inked(png: bytes) -> tuple[tuple[int, int], int]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return image.size, sum(image.histogram()[:200])  # pixels darker than light grey


def test_the_section_bars_are_drawn() -> None:
    png = chart_png.bars_png(["Accueil", "Circuit du médicament"], [80.0, 35.5], title="Score", previous=[60.0, None])
    size, inked = _inked(png)
    assert size[0] == chart_png.WIDTH == 945  # 16 cm at 150 dpi
    assert 80 < size[1] < 250
    assert inked > 2000
    assert Image.open(io.BytesIO(png)).info["dpi"][0] == pytest.approx(chart_png.DPI, abs=0.1)


def test_an_indicator_series_is_drawn_with_phases_centre_and_target() -> None:
    chart = Chart(
        title="Erreurs de dispensation",
        description="",
        x_labels=[f"S{i}" for i in range(1, 13)],
        y=[5, 6, 4, 7, 5, 6, None, 2, 3, 2, 1, 2],
        signals=[False] * 11 + [True],
        phases=[Phase(0, 6, "Baseline", centre=5.5), Phase(6, 12, "Double contrôle", centre=2.0)],
        target=3.0,
        target_label="Target 3",
    )
    png = chart_png.series_png(chart, number=str)
    size, inked = _inked(png)
    assert size == (chart_png.WIDTH, chart_png.SERIES_HEIGHT)
    assert inked > 2000
    empty = chart_png.series_png(Chart(title="Rien", description="", x_labels=[], y=[]), number=str)
    assert _inked(empty)[0] == size


def test_a_situation_with_missing_parts_says_what_is_missing(lucas: Membership, anne: Membership) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    with translation.override("en"):
        text, pages = pdf_text(dossier.render(situation, "pdf")[0])
        docx = Document(io.BytesIO(dossier.render(situation, "docx")[0]))
    assert pages >= 1
    for missing in (
        "Missing parts",
        "No self-assessment is linked to this situation.",
        "No action plan is linked to this situation.",
        "The self-critique has not been submitted.",
        "The debrief has not been signed by both the learner and the supervisor.",
        "No competency has been rated for this situation.",
    ):
        assert missing in text, missing
        assert missing in "\n".join(p.text for p in docx.paragraphs), missing
    assert len(docx.inline_shapes) == 0  # no campaign, no plan: no chart


def test_a_plan_without_final_review_is_named(lucas: Membership, anne: Membership) -> None:
    from ameliora.plans.tests.factories import PlanFactory

    plan = PlanFactory.create(organization=lucas.organization, code="PAQ-X")
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    services.update_situation(
        situation,
        acting=anne,
        title=situation.title,
        supervisor=anne,
        context="",
        period_start=None,
        period_end=None,
        campaign=None,
        plans=[plan],
    )
    with translation.override("en"):
        text, _pages = pdf_text(dossier.render(situation, "pdf")[0])
    assert "Plan PAQ-X: no final review yet." in text
    assert "No final review yet." in text


def test_the_demo_is_idempotent(db: None) -> None:
    build_demo()
    before = LearningSituation.objects.count()
    organization = LearningSituation.objects.first().organization  # type: ignore[union-attr]
    build_pharmacy(organization)
    assert LearningSituation.objects.count() == before == 2
