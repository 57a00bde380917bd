"""``ameliora worker``: django-tasks-db's ``db_worker`` with a heartbeat, as one process a supervisor can stop.

* One process: ``db_worker`` reloads on code changes when ``DEBUG`` is on, through a parent process
  that leaves its child running when it is sent SIGTERM; this command never reloads.
* SIGTERM (or Ctrl+C) lets the running task finish, then exits with status 0; a second one stops
  the task at once (django-tasks-db's behaviour).
* While it runs, a thread keeps its lease and fails the work of dead workers (``core/workers.py``).
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from ameliora.core.workers import Heartbeat


class Command(DatabaseWorkerCommand):
    help = "Run the background task worker (one process; SIGTERM lets the current task finish, then stops)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reload"]:
            raise CommandError("ameliora worker does not reload: restart it after changing the code.")
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
