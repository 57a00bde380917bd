"""``ameliora token``: API tokens for operators and provisioning scripts.

* ``token create --org SLUG --name NAME --scope read|write [--user EMAIL] [--days N] [--module M …]``
  prints the token once, alone on standard output (``TOKEN=$(ameliora token create …)``). Without
  ``--user`` it is an organization token (``--role``, quality manager by default); with it, a personal
  token of that member, limited to that organization.
* ``token list --org SLUG`` lists the tokens usable in the organization (never their secret).
* ``token revoke KEY`` revokes a token by its key (the part after ``am_``, before the next ``_``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from ameliora.core import tokens
from ameliora.core.models import ApiToken, Organization, Role, TokenAccess, User

DEFAULT_DAYS = 90


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--org", required=True, help="The organization's slug.")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument("--scope", required=True, choices=TokenAccess.values, help="read, or read and write.")
        create.add_argument(
            "--module",
            action="append",
            choices=sorted(tokens.MODULE_CODES),
            help="Limit the token to this module (repeat for several); every module by default.",
        )
        create.add_argument("--user", help="A member's email: a personal token acting as that member.")
        create.add_argument(
            "--role",
            default=Role.QUALITY_MANAGER.value,
            choices=[value for value in Role.values if value != Role.ADMIN],
            help="The organization token's role (not with --user).",
        )
        create.add_argument("--days", type=int, default=DEFAULT_DAYS, help="Days until it expires; 0: never.")
        listing = actions.add_parser("list", help="List the organization's tokens.")
        listing.add_argument("--org", required=True, help="The organization's slug.")
        revoke = actions.add_parser("revoke", help="Revoke a token.")
        revoke.add_argument("key", help="The token's key (am_<key>_…) or the whole token.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    @staticmethod
    def _organization(slug: str) -> Organization:
        try:
            return Organization.objects.get(slug=slug)
        except Organization.DoesNotExist as exc:
            raise CommandError(f"No organization {slug!r}.") from exc

    def _create(self, options: dict[str, Any]) -> None:
        organization = self._organization(options["org"])
        modules = options["module"] or sorted(tokens.MODULE_CODES)
        scopes = dict.fromkeys(modules, options["scope"])
        days = options["days"]
        if days < 0:
            raise CommandError("--days must be 0 (never expires) or more.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
            try:
                _token, raw = tokens.issue_personal_token(
                    user=user, name=options["name"], scopes=scopes, expires_at=expires_at, organization=organization
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        else:
            _token, raw = tokens.issue_service_token(
                organization=organization,
                name=options["name"],
                scopes=scopes,
                expires_at=expires_at,
                role=options["role"],
            )
        self.stdout.write(raw)
        self.stderr.write("Copy the token now: it is stored hashed and cannot be shown again.")

    def _list(self, options: dict[str, Any]) -> None:
        organization = self._organization(options["org"])
        rows = ApiToken.objects.filter(
            Q(organization=organization) | Q(organization__isnull=True, user__memberships__organization=organization)
        ).select_related("user")
        for token in rows:
            state = "revoked" if token.revoked_at else "expired" if token.is_expired() else "active"
            expires = token.expires_at.date().isoformat() if token.expires_at else "never"
            last = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never"
            scopes = ",".join(f"{code}:{access}" for code, access in sorted(token.scopes.items()))
            owner = token.user.email if token.kind == ApiToken.Kind.PERSONAL else "organization"
            self.stdout.write(
                f"{token.key_id}\t{token.name}\t{owner}\t{state}\texpires {expires}\tlast used {last}\t{scopes}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        key = options["key"].removeprefix(tokens.TOKEN_PREFIX).split("_", 1)[0]
        token = ApiToken.objects.filter(key_id=key).first()
        if token is None:
            raise CommandError(f"No token {key!r}.")
        tokens.revoke_token(token)
        self.stdout.write(f"Revoked {token.key_id} ({token.name}).")
