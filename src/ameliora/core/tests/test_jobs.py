"""Background jobs: the member export runs as a job whose page offers the file to the person who started it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django_tasks import TaskResult
from pytest_django import DjangoCaptureOnCommitCallbacks

from ameliora.core import services
from ameliora.core.jobs import JOB_RUNNERS
from ameliora.core.models import Job, Membership, Role
from ameliora.core.spreadsheets import FORMULA_STARTS
from ameliora.core.tests.assertions import downloaded, page_text
from ameliora.core.tests.conftest import ClientFor
from ameliora.core.tests.factories import JobFactory, MembershipFactory


@pytest.fixture
def export(
    alice: Membership,
    bob: Membership,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Job:
    """Alice exports the member list; once the request commits, the immediate backend runs the job."""
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post("/o/tilleuls/members/export/")
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    return job


def test_the_member_export_runs_as_a_job_and_its_page_offers_the_file(export: Job, alice_client: Client) -> None:
    page = page_text(alice_client.get(export.get_absolute_url()))
    download = alice_client.get(f"{export.get_absolute_url()}download/")

    export.refresh_from_db()
    assert (export.status, export.progress) == (Job.Status.DONE, 100)
    assert f'href="{export.get_absolute_url()}download/"' in page
    assert "tilleuls-members.csv" in page
    assert download.status_code == 200
    csv = downloaded(download).decode("utf-8-sig")
    assert "alice@tilleuls.test" in csv
    assert "bob@tilleuls.test" in csv
    assert csv.splitlines()[0].count(";") == 4


def test_the_job_page_polls_while_the_job_runs(bob: Membership, bob_client: Client) -> None:
    job = JobFactory.create(organization=bob.organization, created_by=bob.user, status=Job.Status.RUNNING, progress=40)

    full = page_text(bob_client.get(job.get_absolute_url()))
    fragment = page_text(bob_client.get(job.get_absolute_url(), headers={"HX-Request": "true"}))

    assert 'hx-trigger="every 1s"' in full
    assert 'aria-valuenow="40"' in fragment
    assert "<html" not in fragment
    assert bob_client.get(f"{job.get_absolute_url()}download/").status_code == 404


def test_a_colleague_gets_404_on_someone_elses_job(export: Job, bob_client: Client, client_for: ClientFor) -> None:
    other_manager = client_for(MembershipFactory.create(organization=export.organization, roles=[Role.QUALITY_MANAGER]))

    for client in (bob_client, other_manager):
        assert client.get(export.get_absolute_url()).status_code == 404
        assert client.get(f"{export.get_absolute_url()}download/").status_code == 404


def test_a_plain_member_cannot_export_the_member_list(bob: Membership, bob_client: Client) -> None:
    assert bob_client.post("/o/tilleuls/members/export/").status_code == 403
    assert not Job.objects.exists()
    assert "/members/export/" not in page_text(bob_client.get("/o/tilleuls/members/"))


def test_an_outsider_gets_404_on_a_job(export: Job, charlie_client: Client) -> None:
    assert charlie_client.get(export.get_absolute_url()).status_code == 404
    assert charlie_client.get(f"/o/coteaux/jobs/{export.pk}/").status_code == 404


def test_a_failing_job_is_marked_failed_and_its_page_says_so(
    bob: Membership,
    bob_client: Client,
    task_failures: list[TaskResult[Any]],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    def broken(job: Job) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setitem(JOB_RUNNERS, "members_export", broken)

    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_job(organization=bob.organization, kind="members_export", label="Export", user=bob.user)

    assert len(task_failures) == 1
    task_failures.clear()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.finished_at is not None
    assert "alert-danger" in page_text(bob_client.get(job.get_absolute_url()))


def test_the_export_reports_progress_on_large_organizations(alice: Membership) -> None:
    MembershipFactory.create_batch(120, organization=alice.organization)
    job = services.start_job(organization=alice.organization, kind="members_export", label="Export", user=alice.user)

    services.export_members_csv(job)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result.read().decode("utf-8-sig").count("\n") == 122  # header + 121 members


def test_the_page_of_an_export_whose_file_was_pruned_says_so_instead_of_a_dead_link(
    export: Job, alice_client: Client
) -> None:
    export.refresh_from_db()
    export.result.delete(save=False)
    export.save(update_fields=["result"])

    page = page_text(alice_client.get(export.get_absolute_url()))

    assert "download/" not in page
    assert "Relancez l'export" in page


def test_a_late_progress_report_does_not_reopen_a_finished_job(export: Job) -> None:
    stale = Job.objects.get(pk=export.pk)
    stale.status = Job.Status.RUNNING

    services.report_progress(stale, progress=40)

    export.refresh_from_db()
    assert (export.status, export.progress) == (Job.Status.DONE, 100)


def test_the_member_export_neutralises_formula_looking_cells(alice: Membership) -> None:
    """As every other export: a spreadsheet must show a typed "=HYPERLINK(…)" as text, never run it."""
    MembershipFactory.create(
        organization=alice.organization,
        user__first_name='=HYPERLINK("http://evil.test","Voir")',
        user__last_name="-2+3",
        title="@SUM(A1)",
    )
    job = services.start_job(organization=alice.organization, kind="members_export", label="Export", user=alice.user)

    services.export_members_csv(job)

    job.refresh_from_db()
    rows = list(csv.reader(io.StringIO(job.result.read().decode("utf-8-sig")), delimiter=";"))
    forged = next(row for row in rows if "evil.test" in row[0])
    assert forged[0].startswith("'=HYPERLINK")
    assert forged[2] == "'@SUM(A1)"
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)
