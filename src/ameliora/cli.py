"""The ``ameliora`` console script: Django's management commands, with a short alias.

``ameliora serve`` runs the development server; ``ameliora worker`` (a command of ``core``) runs the
background task worker.
"""

import os
import sys

ALIASES = {"serve": "runserver"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ameliora.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    try:
        execute_from_command_line(argv)
        sys.stdout.flush()  # inside the try: a buffered tail would otherwise fail at exit, uncaught
    except BrokenPipeError:
        # The reader of our output went away (`ameliora demo --list | head -n 1`): stop quietly with a
        # failure status, as the Python documentation advises ("Note on SIGPIPE"). Pointing stdout at
        # /dev/null keeps the interpreter's final flush from raising the same error again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
