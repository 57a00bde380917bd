"""The REX dossier: every section in the PDF text and the DOCX, and missing parts named, not failing."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from ameliora.core.demo import build_demo
from ameliora.core.models import Membership
from ameliora.learning import dossier, services
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
