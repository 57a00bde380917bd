"""The annual report's PDF is made by a background job: the button, the progress page, the file, who may see it."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from ameliora.core.models import Job, Membership, MembershipRole, Role
from ameliora.reports.exports import REPORT_NOT_ALLOWED

YEAR = timezone.localdate().year


def _start(client: Client, membership: Membership, year: int = YEAR) -> Any:
    address = reverse("reports:annual_pdf", kwargs={"org_slug": membership.organization.slug})
    return client.post(f"{address}?year={year}")


def _download(job: Job) -> str:
    return reverse("core:job_download", kwargs={"org_slug": job.organization.slug, "job_id": job.pk})


def test_the_button_starts_one_job_whose_page_shows_progress_then_offers_the_pdf(
    alice: Membership, alice_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    page = alice_client.get(reverse("reports:home", kwargs={"org_slug": alice.organization.slug})).content.decode()
    assert f'action="{reverse("reports:annual_pdf", kwargs={"org_slug": alice.organization.slug})}?year={YEAR}"' in page

    with django_capture_on_commit_callbacks() as worker_queue:
        first = _start(alice_client, alice)
        second = _start(alice_client, alice)  # a second click while it is under way: the same job

    job = Job.objects.get()
    assert first["Location"] == second["Location"] == job.get_absolute_url()
    waiting = alice_client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert 'role="progressbar"' in waiting
    assert 'hx-trigger="every 1s"' in waiting
    assert _download(job) not in waiting

    for run in worker_queue:  # the worker picks the job up
        run()

    job.refresh_from_db()
    assert (job.status, job.result_name) == (Job.Status.DONE, f"bilan-qualite-{YEAR}.pdf")
    done = alice_client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert _download(job) in done
    assert "every 1s" not in done  # polling stops
    download = alice_client.get(_download(job))
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_another_year_or_a_finished_job_gives_a_new_job(
    alice: Membership, alice_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks():  # no worker runs here
        _start(alice_client, alice)
        Job.objects.update(status=Job.Status.DONE)
        _start(alice_client, alice)  # the first one is done: a fresh file
        _start(alice_client, alice, year=YEAR - 1)

    assert Job.objects.count() == 3


def test_the_old_address_of_the_file_leads_to_the_report_of_its_year(alice: Membership, alice_client: Client) -> None:
    address = reverse("reports:annual_pdf", kwargs={"org_slug": alice.organization.slug})

    response = alice_client.get(address, {"year": YEAR - 1})

    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{reverse('reports:home', kwargs={'org_slug': alice.organization.slug})}?year={YEAR - 1}"
    )
    assert not Job.objects.exists()


def test_only_its_author_in_its_organization_sees_the_job(
    alice: Membership,
    alice_client: Client,
    *,
    bob_client: Client,
    charlie: Membership,
    charlie_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks():  # queued: who may see it does not depend on its state
        _start(alice_client, alice)
    job = Job.objects.get()
    theirs = reverse("core:job_detail", kwargs={"org_slug": charlie.organization.slug, "job_id": job.pk})

    assert charlie_client.get(job.get_absolute_url()).status_code == 404
    assert charlie_client.get(_download(job)).status_code == 404
    assert charlie_client.get(theirs).status_code == 404  # nor through their own organization's address
    assert _start(charlie_client, alice).status_code == 404
    assert bob_client.get(job.get_absolute_url()).status_code == 404  # a colleague: not his job
    assert _start(bob_client, alice).status_code == 403  # nor may he open the report


def test_a_person_who_lost_the_right_before_the_worker_ran_reads_why_on_the_job_page(
    alice: Membership, alice_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as worker_queue:
        _start(alice_client, alice)
    MembershipRole.objects.filter(membership=alice).update(role=Role.MEMBER)
    for run in worker_queue:
        run()

    job = Job.objects.get()
    assert (job.status, job.result_name) == (Job.Status.FAILED, "")
    with translation.override("fr"):  # the language of the page the button was on
        assert job.message == str(REPORT_NOT_ALLOWED)
    page = alice_client.get(job.get_absolute_url()).content.decode()
    assert escape(job.message) in page
