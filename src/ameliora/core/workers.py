"""Liveness of the task workers: a heartbeat per worker process, and the recovery of work it left behind.

django-tasks-db marks a task result RUNNING when a worker claims it and finished when the task
returns. A worker killed in between (SIGKILL, out of memory, a power cut) would leave the task
result, and the job whose page the user watches, "running" for ever. So:

1. ``ameliora worker`` registers a :class:`TaskWorker` row and refreshes its ``seen_at`` from a
   thread every quarter of ``WORKER_LEASE_SECONDS``, whatever the task it is running
   (:class:`Heartbeat`); a job records the worker that claimed it (``Job.worker_id``).
2. Work claimed by a worker whose row is older than the lease, or gone, is lost:
   :func:`recover_lost_work` marks the task result failed (``WorkerLost``) and its job failed with
   :data:`WORKER_LOST`, which the job page shows.
3. Recovery runs in every worker at start-up and at each heartbeat, and the job page checks its own
   job at each poll (:func:`fail_job_if_worker_lost`). A lost job is therefore failed at most one
   lease and one heartbeat after its worker's last sign of life, even when no worker runs any more.

A worker that only pauses past the lease (a suspended virtual machine) finds its work failed; when
it resumes, its heartbeat registers it again and a job it completes is still marked done.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ameliora.core.models import Job, TaskWorker

logger = logging.getLogger(__name__)

WORKER_LOST = gettext_lazy(
    "Interrupted: the task worker stopped during this work (a restart or a crash). "
    "Start it again; tell your administrator if it happens again."
)


class WorkerLost(Exception):  # noqa: N818 - named after what happened, as it appears on the task result
    """Recorded as the exception of a task result whose worker stopped signalling."""


def lease() -> timedelta:
    return timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def _live_worker_ids(now: datetime) -> set[str]:
    return set(TaskWorker.objects.filter(seen_at__gte=now - lease()).values_list("worker_id", flat=True))


def recover_lost_work(now: datetime | None = None) -> int:
    """Fail the task results and jobs of workers whose lease expired; return how many jobs were failed."""
    from ameliora.core.tasks import run_job

    now = now or timezone.now()
    live = _live_worker_ids(now)
    lost_job_ids: set[int] = set()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - lease())
    for result in running.only("id", "task_path", "worker_ids", "args_kwargs"):
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        if worker_id in live:
            continue
        failed = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"WorkerLost: worker {worker_id or '?'} stopped signalling (lease {lease()}).\n",
        )
        if failed and result.task_path == run_job.module_path:
            lost_job_ids.add(result.args_kwargs["kwargs"]["job_id"])
    orphans = Job.objects.filter(
        Q(pk__in=lost_job_ids, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        | Q(status=Job.Status.RUNNING) & ~Q(worker_id="") & ~Q(worker_id__in=live)
    )
    count = orphans.update(status=Job.Status.FAILED, message=str(WORKER_LOST), finished_at=now)
    TaskWorker.objects.filter(seen_at__lt=now - lease()).delete()
    if count:
        logger.warning("Marked %d job(s) failed: their task worker stopped signalling", count)
    return count


def fail_job_if_worker_lost(job: Job) -> None:
    """Mark ``job`` failed if the worker running it stopped signalling (the job page calls this at each poll)."""
    if job.status != Job.Status.RUNNING or not job.worker_id:
        return
    now = timezone.now()
    if job.worker_id in _live_worker_ids(now):
        return
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, worker_id=job.worker_id).update(
        status=Job.Status.FAILED, message=str(WORKER_LOST), finished_at=now
    )
    if updated:
        job.refresh_from_db(fields=["status", "message", "finished_at"])


class Heartbeat:
    """Registers a worker and keeps its lease from a thread; ``stop()`` unregisters it (clean exit)."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.interval = settings.WORKER_LEASE_SECONDS / 4
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{worker_id}", daemon=True)

    def start(self) -> None:
        now = timezone.now()
        TaskWorker.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "started_at": now, "seen_at": now},
        )
        recover_lost_work(now)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
        TaskWorker.objects.filter(worker_id=self.worker_id).delete()

    def beat(self) -> None:
        now = timezone.now()
        updated = TaskWorker.objects.filter(worker_id=self.worker_id).update(seen_at=now)
        if not updated:  # taken for dead after a pause, and its row removed: register again
            TaskWorker.objects.create(
                worker_id=self.worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=now,
                seen_at=now,
            )
        recover_lost_work(now)

    def _run(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                close_old_connections()
                try:
                    self.beat()
                except DatabaseError:
                    # The database may be unreachable or locked for a moment; the next beat tries again.
                    logger.warning("Task worker heartbeat failed", exc_info=True)
        finally:
            connections.close_all()
