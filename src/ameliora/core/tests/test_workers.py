"""Worker leases: work left by a worker that stopped signalling is failed, with a message on the job's page.

``test_worker_process.py`` kills a real worker; these tests state the rules one by one.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from ameliora.core import services, tasks
from ameliora.core.models import Job, Membership, TaskWorker
from ameliora.core.tests.assertions import page_text
from ameliora.core.tests.factories import JobFactory
from ameliora.core.workers import WORKER_LOST, Heartbeat, recover_lost_work

LEASE = 120


@pytest.fixture(autouse=True)
def lease(settings: Settings) -> None:
    settings.WORKER_LEASE_SECONDS = LEASE


def worker(worker_id: str, *, silent_for: int) -> TaskWorker:
    now = timezone.now()
    return TaskWorker.objects.create(
        worker_id=worker_id,
        hostname="host",
        pid=1234,
        started_at=now - timedelta(hours=1),
        seen_at=now - timedelta(seconds=silent_for),
    )


def running_job(membership: Membership, worker_id: str) -> Job:
    return JobFactory.create(
        organization=membership.organization,
        created_by=membership.user,
        status=Job.Status.RUNNING,
        progress=40,
        worker_id=worker_id,
        result="",
    )


def task_result(worker_id: str, *, job: Job | None = None, started_ago: int = 3600) -> DBTaskResult[..., Any]:
    path = tasks.run_job.module_path if job else tasks.send_notification_email.module_path
    kwargs = {"job_id": job.pk} if job else {"notification_id": 1}
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": kwargs},
        task_path=path,
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now() - timedelta(seconds=started_ago),
        worker_ids=[worker_id],
    )


def french(text: object) -> str:
    with translation.override("fr"):
        return str(text)


def test_a_running_job_of_a_silent_worker_is_failed_with_a_message(bob: Membership) -> None:
    worker("dead", silent_for=LEASE + 1)
    job = running_job(bob, "dead")

    with translation.override("fr"):
        assert recover_lost_work() == 1

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == french(WORKER_LOST)
    assert job.finished_at is not None
    assert not TaskWorker.objects.exists(), "the dead worker's row is removed"


def test_the_work_of_a_live_worker_is_left_alone(bob: Membership) -> None:
    worker("alive", silent_for=LEASE - 5)
    job = running_job(bob, "alive")
    result = task_result("alive", job=job)

    assert recover_lost_work() == 0

    job.refresh_from_db()
    result.refresh_from_db()
    assert (job.status, result.status) == (Job.Status.RUNNING, TaskResultStatus.RUNNING)


def test_a_task_result_left_running_by_a_dead_worker_is_failed_and_its_job_too(bob: Membership) -> None:
    queued = JobFactory.create(organization=bob.organization, created_by=bob.user, status=Job.Status.QUEUED, result="")
    job_task = task_result("gone", job=queued)
    email_task = task_result("gone")

    recover_lost_work()

    job_task.refresh_from_db()
    email_task.refresh_from_db()
    queued.refresh_from_db()
    assert job_task.status == email_task.status == TaskResultStatus.FAILED
    assert email_task.exception_class_path == "ameliora.core.workers.WorkerLost"
    assert "gone" in email_task.traceback
    assert queued.status == Job.Status.FAILED, "killed after the task was claimed, before the job was"


def test_a_task_just_claimed_by_an_unregistered_worker_gets_a_full_lease(bob: Membership) -> None:
    result = task_result("plain-db-worker", started_ago=LEASE - 5)

    recover_lost_work()

    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING


def test_the_job_page_fails_a_job_whose_worker_is_silent_and_stops_polling(bob: Membership, bob_client: Client) -> None:
    worker("dead", silent_for=LEASE + 1)
    job = running_job(bob, "dead")

    page = page_text(bob_client.get(job.get_absolute_url()))

    assert escape(french(WORKER_LOST)) in page
    assert 'hx-trigger="every 1s"' not in page
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_the_job_page_keeps_polling_while_the_worker_signals(bob: Membership, bob_client: Client) -> None:
    worker("alive", silent_for=1)
    job = running_job(bob, "alive")

    fragment = page_text(bob_client.get(job.get_absolute_url(), headers={"HX-Request": "true"}))

    assert 'aria-valuenow="40"' in fragment
    assert 'hx-trigger="every 1s"' in fragment


def test_a_job_failed_while_queued_is_not_run_afterwards(bob: Membership) -> None:
    job = JobFactory.create(
        organization=bob.organization, created_by=bob.user, kind="members_export", status=Job.Status.QUEUED, result=""
    )
    services.fail_job(job, message="lost")

    tasks.run_job.enqueue(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.message, bool(job.result)) == (Job.Status.FAILED, "lost", False)


def test_a_job_records_the_worker_that_runs_it(bob: Membership) -> None:
    job = JobFactory.create(
        organization=bob.organization, created_by=bob.user, kind="members_export", status=Job.Status.QUEUED, result=""
    )

    result = tasks.run_job.enqueue(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.worker_id == result.worker_ids[-1]


def test_a_heartbeat_registers_its_worker_again_after_being_taken_for_dead(db: None) -> None:
    heartbeat = Heartbeat("paused")
    heartbeat.beat()
    TaskWorker.objects.filter(worker_id="paused").update(seen_at=timezone.now() - timedelta(seconds=LEASE + 1))
    recover_lost_work()
    assert not TaskWorker.objects.filter(worker_id="paused").exists()

    heartbeat.beat()

    assert TaskWorker.objects.get(worker_id="paused").seen_at > timezone.now() - timedelta(seconds=5)


def test_the_worker_refuses_to_reload(db: None, settings: Settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    with pytest.raises(CommandError, match="does not reload"):
        call_command("worker", "--reload")
