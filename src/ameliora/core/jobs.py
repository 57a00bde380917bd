"""Registry of background job runners: an app registers a function per job kind.

A runner receives the :class:`~ameliora.core.models.Job`, reports progress through
``services.report_progress`` and ends with ``services.finish_job``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ameliora.core.models import Job

JobRunner = Callable[["Job"], None]
JOB_RUNNERS: dict[str, JobRunner] = {}


def job_runner(kind: str) -> Callable[[JobRunner], JobRunner]:
    def register(func: JobRunner) -> JobRunner:
        if kind in JOB_RUNNERS:
            raise ValueError(f"A job runner for {kind!r} is already registered")
        JOB_RUNNERS[kind] = func
        return func

    return register
