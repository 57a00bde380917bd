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
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
