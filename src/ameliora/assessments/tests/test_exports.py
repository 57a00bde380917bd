"""Exports carry answers, comments, evidence and linked actions; formulas are neutralised."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document
from openpyxl import load_workbook  # type: ignore[import-untyped]

from ameliora.assessments import exports, services
from ameliora.assessments.models import Answer, Campaign
from ameliora.assessments.results import campaign_results
from ameliora.assessments.tests.factories import answer_all, make_campaign
from ameliora.core.models import Job, Link, Membership
from ameliora.core.services import link_objects
from ameliora.core.tests.factories import PDF_BYTES


@pytest.fixture
def reviewed(alice: Membership) -> Campaign:
    """A campaign with a comment that looks like a formula, a piece of evidence and a linked object."""
    campaign = make_campaign(alice, name="Revue 2026")
    answer_all(campaign, alice, {"S1-01": "no"})
    answer = Answer.objects.select_related("criterion", "campaign__grid").get(
        campaign=campaign, criterion__code="S1-01"
    )
    services.save_answer(answer, value="no", comment='=HYPERLINK("http://x")', final=True, acting=alice)
    second = Answer.objects.select_related("criterion", "campaign__grid").get(
        campaign=campaign, criterion__code="S1-02"
    )
    services.save_answer(second, value="yes", comment="Relevés quotidiens affichés", final=True, acting=alice)
    services.add_evidence(
        second, upload=SimpleUploadedFile("releves-janvier.pdf", PDF_BYTES), description="", acting=alice
    )
    link_objects(alice, answer, kind=Link.Kind.SOURCE, acting=alice)
    return campaign


def test_the_xlsx_carries_comments_evidence_and_links_and_neutralises_formulas(reviewed: Campaign) -> None:
    content, name = exports.render_export(reviewed, "xlsx")

    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[1]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert name == "revue-2026.xlsx"
    assert rows["S1-02"][8] == "Relevés quotidiens affichés"
    assert "releves-janvier.pdf" in rows["S1-02"][9]
    assert rows["S1-01"][8] == '\'=HYPERLINK("http://x")'
    assert rows["S1-01"][10] == str(reviewed.created_by)
    cell = sheet.cell(row=2, column=9)
    assert cell.data_type == "s"
    assert workbook.worksheets[0]["A1"].value == "Revue 2026"


def test_the_docx_carries_comments_evidence_and_links(reviewed: Campaign) -> None:
    content, _name = exports.render_export(reviewed, "docx")

    document = Document(io.BytesIO(content))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Relevés quotidiens affichés" in text
    assert "releves-janvier.pdf" in text
    assert str(reviewed.created_by) in text
    assert any("Revue 2026" in p.text for p in document.paragraphs)


def test_the_pdf_is_built_from_html_carrying_everything(reviewed: Campaign) -> None:
    html = exports.export_html(campaign_results(reviewed, with_details=True))

    assert "Relevés quotidiens affichés" in html
    assert "releves-janvier.pdf" in html
    assert "<svg" in html
    content, _name = exports.render_export(reviewed, "pdf")
    assert content.startswith(b"%PDF")


def test_a_small_campaign_exports_inline(alice: Membership, alice_client: Client, reviewed: Campaign) -> None:
    response = alice_client.post(f"{reviewed.get_absolute_url()}export.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="revue-2026.xlsx"'


def test_a_large_campaign_exports_through_a_job(
    alice: Membership,
    alice_client: Client,
    reviewed: Campaign,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(exports, "INLINE_LIMIT", 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(f"{reviewed.get_absolute_url()}export.docx")

    job = Job.objects.get(kind="assessment_export")
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result_name == "revue-2026.docx"
    assert "Revue" not in job.label  # labels carry references, not typed names
