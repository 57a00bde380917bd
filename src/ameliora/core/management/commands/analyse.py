"""``ameliora analyse``: run the analysis engine on a series given as JSON on standard input.

Analysts use it to check the engine against their own tools (qicharts2, SPC software)::

    echo '{"chart": "i", "y": [3, 5, 4, 6, 5, 4, 7]}' | ameliora analyse

It prints one JSON object per phase (see docs/analytics.md). Bad input prints
``{"message": "..."}`` on standard error and exits with status 2.
"""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ameliora.analytics.errors import AnalysisInputError
from ameliora.analytics.report import analyse

NOT_AN_OBJECT = 'The input must be a JSON object such as {"chart": "run", "y": [1, 2, 3]}.'


class Command(BaseCommand):
    help = "Analyse a series read as JSON on standard input; print the result per phase as JSON."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indent", type=int, default=None, help="Pretty-print with this indentation.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            payload = json.loads(sys.stdin.read() or "null")
            if not isinstance(payload, dict):
                raise AnalysisInputError('The input must be a JSON object such as {"chart": "run", "y": [1, 2, 3]}.')
            result = analyse(payload)
        except json.JSONDecodeError as exc:
            self._fail(f"The input is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).")
        except AnalysisInputError as exc:
            self._fail(str(exc))
        self.stdout.write(json.dumps(result, indent=options["indent"], ensure_ascii=False, allow_nan=False))

    def _fail(self, message: str) -> None:
        self.stderr.write(json.dumps({"message": message}, ensure_ascii=False))
        sys.exit(2)
