"""The ``ameliora`` console script: Django's management commands, with two short aliases.

``ameliora worker`` runs the background task worker (``db_worker``);
``ameliora serve`` runs the development server.
"""

import os
import sys

ALIASES = {"worker": "db_worker", "serve": "runserver"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ameliora.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
