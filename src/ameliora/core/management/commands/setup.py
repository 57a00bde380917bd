"""``ameliora setup``: create the first organization and its administrator, without the Django admin.

Asks for what is missing (the password twice, without echo); ``--noinput`` takes everything from the
options instead, the password from ``--password-file``, for provisioning scripts. Exits with status 3
and changes nothing once an organization exists, so a script can tell "already done" from a failure.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.urls import reverse
from django.utils.text import slugify

from ameliora.core import services
from ameliora.core.models import Membership, Organization

ALREADY_SET_UP_STATUS = 3
KINDS = Organization.Kind.values
# How each refused field is named in the error, after the option that sets it.
OPTION_NAMES = {
    "name": "--organization",
    "first_name": "--first-name",
    "last_name": "--last-name",
    "password": "password",
    "__all__": "error",
}


class Command(BaseCommand):
    help = "Create the first organization and its administrator (run once, after migrate)."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", dest="name", help="Name of the organization.")
        parser.add_argument("--kind", choices=KINDS, help="Kind of organization.")
        parser.add_argument("--slug", help="Short name in addresses (/o/<slug>/); default: made from the name.")
        parser.add_argument("--email", help="The administrator's email address (their sign-in).")
        parser.add_argument("--first-name", default=None, help="The administrator's first name.")
        parser.add_argument("--last-name", default=None, help="The administrator's last name.")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="Read the administrator's password from this file (first line); '-' reads standard input.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ask nothing: --organization, --kind, --email and --password-file are then required.",
        )

    @no_translations  # the operator's console speaks English, as the rest of this command does
    def handle(self, *args: Any, **options: Any) -> None:
        if Organization.objects.exists():
            raise CommandError(str(services.ALREADY_SET_UP), returncode=ALREADY_SET_UP_STATUS)
        values: dict[str, str] = {
            "name": options["name"] or "",
            "kind": options["kind"] or "",
            "slug": options["slug"] or "",
            "email": options["email"] or "",
            "first_name": options["first_name"] or "",
            "last_name": options["last_name"] or "",
            "password": _read_password(options["password_file"]) if options["password_file"] else "",
        }
        if options["interactive"]:
            stdin = options.get("stdin") or sys.stdin
            if not stdin.isatty():
                raise CommandError("Standard input is not a terminal: pass --noinput and the options instead.")
            self._ask(values, asked_names=options["first_name"] is None and options["last_name"] is None)
        else:
            missing = [
                flag
                for flag, key in (
                    ("--organization", "name"),
                    ("--kind", "kind"),
                    ("--email", "email"),
                    ("--password-file", "password"),
                )
                if not values[key]
            ]
            if missing:
                raise CommandError(f"With --noinput, also give {', '.join(missing)}.")
        values["slug"] = values["slug"] or slugify(values["name"])[:60]
        membership = self._create(values)
        organization = membership.organization
        login_url = settings.SITE_URL + reverse("account_login")
        self.stdout.write(
            f"Created organization '{organization.name}' ({organization.kind}, /o/{organization.slug}/) "
            f"with administrator {membership.user.email}; sign in at {login_url}"
        )

    def _create(self, values: dict[str, str]) -> Membership:
        try:
            return services.set_up_first_organization(**values)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "already_set_up":  # another run won the race
                raise CommandError(str(services.ALREADY_SET_UP), returncode=ALREADY_SET_UP_STATUS) from exc
            raise CommandError(_describe(exc)) from exc

    def _ask(self, values: dict[str, str], *, asked_names: bool) -> None:
        """Prompt for each missing value, checking each one before going on (as ``createsuperuser`` does)."""
        while not values["name"].strip():
            values["name"] = input("Organization name: ").strip()
        while values["kind"] not in KINDS:
            if values["kind"]:
                self.stderr.write(f"Error: choose one of {', '.join(KINDS)}.")
            values["kind"] = input(f"Kind ({', '.join(KINDS)}): ").strip()
        default_slug = slugify(values["name"])[:60]
        while not values["slug"]:
            values["slug"] = input(f"Short name in addresses [{default_slug}]: ").strip() or default_slug
            error = _field_error(Organization(name=values["name"], kind=values["kind"], slug=values["slug"]), "slug")
            if error:
                self.stderr.write(f"Error: {error}")
                values["slug"] = ""
        while not values["email"]:
            values["email"] = input("Administrator's email: ").strip()
            error = _email_error(values["email"])
            if error:
                self.stderr.write(f"Error: {error}")
                values["email"] = ""
        if asked_names:
            values["first_name"] = input("First name: ").strip()
            values["last_name"] = input("Last name: ").strip()
        while not values["password"]:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("Error: the two passwords differ.")
                continue
            error = _password_error(password, values)
            if error:
                self.stderr.write(f"Error: {error}")
                continue
            values["password"] = password


def _read_password(path: Path) -> str:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Cannot read the password file: {exc.strerror} ({path})") from exc
    lines = text.splitlines()
    return lines[0] if lines else ""


def _field_error(instance: Any, field: str) -> str:
    try:
        instance.clean_fields(exclude=[name for name in ("name", "kind", "slug") if name != field])
    except ValidationError as exc:
        return " ".join(str(message) for message in exc.message_dict.get(field, []))
    return ""


def _email_error(email: str) -> str:
    from ameliora.core.models import User

    if User.objects.filter(email__iexact=email).exists():
        return str(services.EMAIL_TAKEN)
    try:
        User(email=email).clean_fields(exclude=["password"])
    except ValidationError as exc:
        return " ".join(str(message) for message in exc.message_dict.get("email", []))
    return ""


def _password_error(password: str, values: dict[str, str]) -> str:
    from django.contrib.auth.password_validation import validate_password

    from ameliora.core.models import User

    user = User(email=values["email"], first_name=values["first_name"], last_name=values["last_name"])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return " ".join(str(message) for message in exc.messages)
    return ""


def _describe(exc: ValidationError) -> str:
    """One line per refused field, named as the options are."""
    if not hasattr(exc, "error_dict"):
        return " ".join(str(message) for message in exc.messages)
    return "\n".join(
        f"{OPTION_NAMES.get(field, '--' + field)}: {' '.join(str(m) for m in messages)}"
        for field, messages in exc.message_dict.items()
    )
