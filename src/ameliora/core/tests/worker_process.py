"""The real ``ameliora worker``, with one more job kind (``test_slow``), for the tests that kill a worker.

Run as ``python -m ameliora.core.tests.worker_process [worker options]``: the slow runner is
registered in this process only, then the command runs exactly as ``ameliora worker`` does.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from ameliora.cli import main
from ameliora.core.jobs import job_runner

if TYPE_CHECKING:  # Django is set up by the command, after this module registers its runner
    from ameliora.core.models import Job

SLOW_JOB_SECONDS = 120


@job_runner("test_slow")
def run_slow_job(job: Job) -> None:
    """Report some progress, then work long enough for the test to kill the worker in the middle."""
    from ameliora.core import services

    services.report_progress(job, progress=10, message="working")
    deadline = time.monotonic() + SLOW_JOB_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
    services.fail_job(job, message="nobody killed the worker")


if __name__ == "__main__":
    sys.argv = ["ameliora", "worker", *sys.argv[1:]]
    main()
