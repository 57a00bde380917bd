"""A real ``ameliora worker`` process killed mid-job: the job is failed with a message, the next worker goes on.

The worker runs in its own process, so it must see the test's database:

* on PostgreSQL it connects to the test database itself (rows are committed: ``transactional_db``);
* on SQLite the test database lives in this process's memory, which another process cannot open. The
  test copies it into a file for the workers (SQLite's online backup API), and copies the file back
  into memory each time it looks at the outcome.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from ameliora.core import services
from ameliora.core.models import Job, Membership, TaskWorker
from ameliora.core.tests.assertions import page_text
from ameliora.core.workers import WORKER_LOST

LEASE_SECONDS = 2
# Generous: on a busy machine a worker process takes several seconds to start Django.
TIMEOUT = 120.0


@dataclass
class SharedDatabase:
    """The test database as a URL another process can open, and how to see what that process wrote."""

    url: str
    file: Path | None = None

    def push(self) -> None:
        """Hand the rows written so far in this process to the workers (SQLite: copy memory to the file)."""
        if self.file is not None:
            with sqlite3.connect(self.file) as target:
                connection.ensure_connection()
                connection.connection.backup(target)
            target.close()

    def pull(self) -> None:
        """See what the workers wrote (SQLite: copy the file back into this process's memory)."""
        if self.file is not None:
            source = sqlite3.connect(self.file)
            connection.ensure_connection()
            try:
                source.backup(connection.connection)
            finally:
                source.close()


@pytest.fixture
def shared_database(transactional_db: None, tmp_path: Path) -> SharedDatabase:
    """The test database, reachable from a worker process."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        return SharedDatabase(f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}")
    assert connection.vendor == "sqlite"
    if not cast("SQLiteWrapper", connection).is_in_memory_db():
        return SharedDatabase(f"sqlite:///{db['NAME']}")
    return SharedDatabase(f"sqlite:///{tmp_path / 'worker.sqlite3'}", tmp_path / "worker.sqlite3")


@dataclass
class Workers:
    """Starts ``ameliora worker`` processes on the shared database; kills any left at the end of the test."""

    database: SharedDatabase
    media_root: Path
    logs: Path
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, worker_id: str) -> subprocess.Popen[bytes]:
        env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "REDIS_URL"}}
        env.update(
            DJANGO_SETTINGS_MODULE="ameliora.settings",
            DATABASE_URL=self.database.url,
            MEDIA_ROOT=str(self.media_root),
            AMELIORA_VAR_DIR=str(self.logs),
            # As under `make run`: with DEBUG on, db_worker alone would run as a reloader and its child.
            DEBUG="True",
            WORKER_LEASE_SECONDS=str(LEASE_SECONDS),
        )
        log = (self.logs / f"{worker_id}.log").open("wb")
        command = [sys.executable, "-m", "ameliora.core.tests.worker_process", "--worker-id", worker_id]
        process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [*command, "--interval", "0.1", "--no-startup-delay"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.started.append(process)
        return process

    def log(self, worker_id: str) -> str:
        return (self.logs / f"{worker_id}.log").read_text(encoding="utf-8", errors="replace")

    def wait_for(self, what: str, check: Callable[[], bool]) -> None:
        """Poll ``check`` (after seeing what the workers wrote) until it holds; fail with the workers' logs."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            self.database.pull()
            if check():
                return
            time.sleep(0.1)
        logs = "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')}" for path in self.logs.glob("*.log"))
        pytest.fail(f"Timed out waiting for {what}.\n{logs}")


@pytest.fixture
def workers(shared_database: SharedDatabase, media_root: Path, tmp_path: Path) -> Iterator[Workers]:
    logs = tmp_path / "workers"
    logs.mkdir()
    manager = Workers(shared_database, media_root, logs)
    yield manager
    for process in manager.started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


@pytest.fixture
def database_tasks(settings: Settings) -> None:
    """Tasks go to the database queue, as in production, instead of running at once in the test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKER_LEASE_SECONDS = LEASE_SECONDS


def children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc: the 4th field of /proc/<pid>/stat)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def job_status(job: Job) -> tuple[str, int, str]:
    job.refresh_from_db()
    return job.status, job.progress, job.worker_id


def test_a_job_whose_worker_is_killed_is_failed_with_a_message_and_the_next_worker_goes_on(
    alice: Membership, alice_client: Client, database_tasks: None, workers: Workers
) -> None:
    slow = services.start_job(organization=alice.organization, kind="test_slow", label="Slow", user=alice.user)
    export = services.start_job(
        organization=alice.organization, kind="members_export", label="Members", user=alice.user
    )
    slow_task = DBTaskResult.objects.get(args_kwargs__kwargs__job_id=slow.pk)
    workers.database.push()

    first = workers.start("first")
    workers.wait_for("the first worker to run the slow job", lambda: job_status(slow) == ("running", 10, "first"))
    assert children_of(first.pid) == [], "ameliora worker must be one process, even with DEBUG on"
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=30) == -signal.SIGKILL

    second = workers.start("second")
    with translation.override("fr"):  # the page and the workers speak French unless told otherwise
        message = escape(str(WORKER_LOST))
    workers.wait_for(
        "the job page to say that the worker stopped",
        lambda: message in page_text(alice_client.get(slow.get_absolute_url())),
    )
    workers.wait_for("the second worker to fail the lost task", lambda: _status(slow_task) == TaskResultStatus.FAILED)
    workers.wait_for("the second worker to run the next job", lambda: job_status(export)[0] == Job.Status.DONE)

    page = alice_client.get(slow.get_absolute_url())
    assert 'hx-trigger="every 1s"' not in page_text(page), "a failed job's page stops polling"
    slow.refresh_from_db()
    assert (slow.status, slow.finished_at is not None) == (Job.Status.FAILED, True)
    slow_task.refresh_from_db()
    assert slow_task.exception_class_path == "ameliora.core.workers.WorkerLost"

    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=60) == 0, workers.log("second")
    workers.database.pull()
    assert not TaskWorker.objects.exists(), "the stopped worker unregistered, the killed one was removed"


def _status(result: DBTaskResult[..., Any]) -> str:
    result.refresh_from_db()
    return str(result.status)
