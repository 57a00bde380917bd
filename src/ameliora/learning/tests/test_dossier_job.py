"""The REX dossier (PDF and Word) is made by a background job: the buttons, the progress page, the files, who may
see them."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from docx import Document

from ameliora.core.models import Job, Membership, MembershipRole, Role
from ameliora.learning.dossier import DOSSIER_NOT_VISIBLE
from ameliora.learning.models import LearningSituation
from ameliora.learning.tests.factories import make_situation

pytestmark = pytest.mark.django_db


def url(name: str, situation: LearningSituation) -> str:
    return reverse(f"learning:{name}", kwargs={"org_slug": situation.organization.slug, "situation_id": situation.pk})


def _download(job: Job) -> str:
    return reverse("core:job_download", kwargs={"org_slug": job.organization.slug, "job_id": job.pk})


def _file(client: Client, job: Job) -> bytes:
    response = client.get(_download(job))
    assert response.status_code == 200, job.message
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_the_buttons_start_jobs_whose_pages_show_progress_then_offer_the_pdf_and_the_word_file(
    lucas: Membership,
    anne: Membership,
    client_for: Callable[[Membership], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne, title="Les promis du samedi")
    learner = client_for(lucas)
    page = learner.get(url("situation_detail", situation)).content.decode()
    assert f'method="post" action="{url("dossier_pdf", situation)}"' in page
    assert f'method="post" action="{url("dossier_docx", situation)}"' in page

    with django_capture_on_commit_callbacks() as worker_queue:
        pdf_page = learner.post(url("dossier_pdf", situation))["Location"]
        assert learner.post(url("dossier_pdf", situation))["Location"] == pdf_page  # a second click: the same job
        docx_page = learner.post(url("dossier_docx", situation))["Location"]
    pdf_job, docx_job = Job.objects.order_by("pk")
    assert (pdf_page, docx_page) == (pdf_job.get_absolute_url(), docx_job.get_absolute_url())
    waiting = learner.get(pdf_page, headers={"HX-Request": "true"}).content.decode()
    assert 'role="progressbar"' in waiting
    assert _download(pdf_job) not in waiting

    for run in worker_queue:  # the worker picks the jobs up
        run()

    assert _download(pdf_job) in learner.get(pdf_page, headers={"HX-Request": "true"}).content.decode()
    pdf_job.refresh_from_db()
    assert pdf_job.result_name == "rex-les-promis-du-samedi.pdf"
    assert _file(learner, pdf_job).startswith(b"%PDF")
    document = Document(io.BytesIO(_file(learner, docx_job)))
    assert any("Les promis du samedi" in paragraph.text for paragraph in document.paragraphs)


def test_the_old_address_of_the_file_leads_to_the_situation(
    lucas: Membership, anne: Membership, client_for: Callable[[Membership], Client]
) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)

    for name in ("dossier_pdf", "dossier_docx"):
        response = client_for(lucas).get(url(name, situation))
        assert (response.status_code, response["Location"]) == (302, f"{situation.get_absolute_url()}#dossier")
    assert not Job.objects.exists()


def test_only_those_who_see_the_situation_start_it_and_only_its_author_sees_the_job(
    lucas: Membership,
    anne: Membership,
    *,
    bob_client: Client,
    charlie_client: Client,
    client_for: Callable[[Membership], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    with django_capture_on_commit_callbacks():  # queued: who may see it does not depend on its state
        client_for(lucas).post(url("dossier_pdf", situation))
    job = Job.objects.get()

    assert bob_client.post(url("dossier_pdf", situation)).status_code == 404  # a colleague outside the situation
    assert charlie_client.post(url("dossier_docx", situation)).status_code == 404  # another organization
    for client in (bob_client, charlie_client, client_for(anne)):  # the supervisor sees the situation, not the job
        assert client.get(job.get_absolute_url()).status_code == 404
        assert client.get(_download(job)).status_code == 404
    assert Job.objects.count() == 1


def test_a_manager_who_lost_the_right_before_the_worker_ran_reads_why_on_the_job_page(
    lucas: Membership,
    anne: Membership,
    alice: Membership,
    alice_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    with django_capture_on_commit_callbacks() as worker_queue:
        alice_client.post(url("dossier_pdf", situation))
    MembershipRole.objects.filter(membership=alice).update(role=Role.MEMBER)
    for run in worker_queue:
        run()

    job = Job.objects.get()
    assert (job.status, job.result_name) == (Job.Status.FAILED, "")
    with translation.override("fr"):  # the language of the page the button was on
        assert job.message == str(DOSSIER_NOT_VISIBLE)
    assert escape(job.message) in alice_client.get(job.get_absolute_url()).content.decode()
