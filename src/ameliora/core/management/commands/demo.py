"""``ameliora demo``: load the demo organizations (idempotent), list the accounts, or fill volumes."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ameliora.core.demo import DEMO_PASSWORD, build_demo, build_scale, demo_accounts


class Command(BaseCommand):
    help = "Create the demo organizations and personas; --list prints the accounts; --scale N fills volumes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="Print one demo account per line and exit.")
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help="Also fill a synthetic organization with N times a reference volume (for benchmarks).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for email, slug, roles in demo_accounts():
                self.stdout.write(f"{email}\t{slug}\t{roles}")
            return
        organizations = build_demo()
        summary = f"Demo ready: {len(organizations)} organizations, {len(demo_accounts())} accounts"
        if options["scale"]:
            organization = build_scale(options["scale"])
            summary += f"; synthetic organization '{organization.slug}' filled at scale {options['scale']}"
        self.stdout.write(f"{summary}. Password for every demo account: {DEMO_PASSWORD}")
