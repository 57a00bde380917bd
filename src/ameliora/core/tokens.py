"""API tokens: issuing, revoking, and recognising ``Authorization: Bearer am_…`` on ``/api/`` requests.

A token is ``am_<key_id>_<secret>``; the database keeps the key id (to find the row) and a SHA-256
digest of the whole token, never the token itself. The secret has 256 bits of entropy, so a plain
digest is enough (no slow hash needed: nobody can try 2^256 secrets).

:class:`TokenMiddleware` runs before the tenancy middleware, so that a token request reaches it
signed in as the token's user. It answers, in JSON ``{"message": …}``:

* 401 for an unknown, expired or revoked token (or a closed account);
* 429 when the token used up its requests of the current minute (``settings.API_TOKEN_RATE_LIMIT``,
  counted with :mod:`ameliora.core.ratelimit`'s hashed keys);
* 404 for another organization than the one the token is limited to;
* 403 for a module the token has no access to, or a write with read access.

Otherwise it sets ``request.user`` (the session cookie, if any, is ignored) and ``request.api_token``.
The API's ``BearerToken`` auth class (``api/auth.py``) accepts the request from there, without CSRF.
Every historical record written during the request names the token (:func:`name_the_token`,
:func:`history_reason` for bulk inserts).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from ameliora.core import ratelimit
from ameliora.core.api_types import NOT_FOUND
from ameliora.core.demo import register_demo
from ameliora.core.models import (
    API_MODULES,
    TOKEN_HISTORY_PREFIX,
    ApiToken,
    Membership,
    MembershipRole,
    Organization,
    Role,
    TokenAccess,
    User,
)

TOKEN_PREFIX = "am_"  # noqa: S105 (the visible start of every token, no secret)
MODULE_CODES = frozenset(code for code, _label in API_MODULES)
#: Core's routes under /api/v1/o/<slug>/ (the other names there are modules).
CORE_ORG_ROUTES = frozenset({"members"})
#: Paths under /api/v1/ that belong to no module: the schema and its documentation page.
_UNSCOPED = frozenset({"openapi.json", "docs"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``last_used_at`` is written at most this often per token, not on every request.
LAST_USE_PRECISION = timedelta(minutes=1)
SERVICE_EMAIL_DOMAIN = "tokens.ameliora.invalid"

INVALID_TOKEN = _("This API token is not valid.")
EXPIRED_TOKEN = _("This API token has expired.")
REVOKED_TOKEN = _("This API token has been revoked.")
TOO_MANY_REQUESTS = _("Too many requests with this API token: wait a minute, then try again.")
NO_ACCESS = _("This API token gives no access to this part of the API.")
READ_ONLY = _("This API token may only read this part of the API.")


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    key_id = secrets.token_hex(6)
    return key_id, f"{TOKEN_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"


def full_scopes(access: str) -> dict[str, str]:
    """Every module with one access, e.g. ``full_scopes("read")``."""
    return {code: TokenAccess(access).value for code in MODULE_CODES}


def _clean_scopes(scopes: Mapping[str, str]) -> dict[str, str]:
    cleaned = {code: TokenAccess(access).value for code, access in scopes.items() if access}
    unknown = set(cleaned) - MODULE_CODES
    if unknown or not cleaned:
        raise ValueError(f"scopes must name at least one of {sorted(MODULE_CODES)}, got {sorted(scopes)}")
    return cleaned


@transaction.atomic
def issue_personal_token(
    *,
    user: User,
    name: str,
    scopes: Mapping[str, str],
    expires_at: datetime | None,
    organization: Organization | None = None,
    created_by: User | None = None,
) -> tuple[ApiToken, str]:
    """A token acting as ``user`` (in ``organization`` only, if given). Returns it and its secret."""
    if organization is not None and not Membership.objects.filter(organization=organization, user=user).exists():
        raise ValueError(f"{user.email} is not a member of {organization.slug}")
    key_id, raw = _new_secret()
    token = ApiToken.objects.create(
        kind=ApiToken.Kind.PERSONAL,
        name=name,
        key_id=key_id,
        secret_hash=digest(raw),
        user=user,
        organization=organization,
        scopes=_clean_scopes(scopes),
        expires_at=expires_at,
        created_by=created_by or user,
    )
    return token, raw


@transaction.atomic
def issue_service_token(
    *,
    organization: Organization,
    name: str,
    scopes: Mapping[str, str],
    expires_at: datetime | None,
    role: str = Role.QUALITY_MANAGER,
    created_by: User | None = None,
) -> tuple[ApiToken, str]:
    """A token of the organization, acting as its own inactive account with ``role`` there only."""
    key_id, raw = _new_secret()
    account = User(
        email=f"token-{key_id}@{SERVICE_EMAIL_DOMAIN}", first_name=name[:150], last_name="(API)", is_active=False
    )
    account.set_unusable_password()
    account.save()
    membership = Membership.objects.create(organization=organization, user=account, title=str(_("API token")))
    MembershipRole.objects.create(membership=membership, role=Role(role).value)
    token = ApiToken.objects.create(
        kind=ApiToken.Kind.SERVICE,
        name=name,
        key_id=key_id,
        secret_hash=digest(raw),
        user=account,
        organization=organization,
        scopes=_clean_scopes(scopes),
        expires_at=expires_at,
        created_by=created_by,
    )
    return token, raw


def revoke_token(token: ApiToken) -> None:
    """Refuse the token from now on (it stays listed, with its date of revocation)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


# --- Recognising a token ----------------------------------------------------------------------


def find_token(raw: str) -> ApiToken | None:
    """The token whose secret is ``raw`` (whatever its state), or ``None``."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    key_id, _sep, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not key_id or not secret or len(key_id) > 16:
        return None
    token = ApiToken.objects.select_related("user", "organization").filter(key_id=key_id).first()
    if token is None or not hmac.compare_digest(token.secret_hash, digest(raw)):
        return None
    return token


def _refusal(token: ApiToken | None) -> Any:
    if token is None or (token.kind == ApiToken.Kind.PERSONAL and not token.user.is_active):
        return INVALID_TOKEN
    if token.revoked_at is not None:
        return REVOKED_TOKEN
    if token.is_expired():
        return EXPIRED_TOKEN
    return None


def _path_parts(path: str) -> list[str]:
    """``/api/v1/o/slug/events/3`` → ``["o", "slug", "events", "3"]``."""
    return path.split("/")[3:]


def module_of(path: str) -> str | None:
    """The module an API path belongs to, ``None`` for the docs.

    ``/api/v1/o/<slug>/<module>/…`` is ``<module>``, except core's own organization routes
    (``members``); the routes outside organizations (``/me``, ``/organizations``) are ``core``. A
    router mounted under a name missing from :data:`API_MODULES` is a module no token may call.
    """
    parts = _path_parts(path)
    if parts and parts[0] in _UNSCOPED:
        return None
    if len(parts) > 2 and parts[0] == "o" and parts[2] not in CORE_ORG_ROUTES:
        return parts[2]
    return "core"


def _org_slug(path: str) -> str | None:
    parts = _path_parts(path)
    return parts[1] if len(parts) > 1 and parts[0] == "o" else None


def _message(message: Any, status: int) -> JsonResponse:
    return JsonResponse({"message": str(message)}, status=status)


def _note_use(token: ApiToken) -> None:
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USE_PRECISION)
    ).update(last_used_at=now)


class TokenMiddleware:
    """Signs in an ``/api/`` request that carries ``Authorization: Bearer <token>`` (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.api_token = None  # type: ignore[attr-defined]
        if request.path.startswith("/api/"):
            scheme, _sep, raw = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
            if scheme.lower() == "bearer":
                refused = self._authenticate(request, raw.strip())
                if refused is not None:
                    return refused
        return self.get_response(request)

    @staticmethod
    def _authenticate(request: HttpRequest, raw: str) -> HttpResponse | None:
        token = find_token(raw)
        refusal = _refusal(token)
        if token is None or refusal is not None:
            return _message(refusal, 401)
        identity = f"token|{token.key_id}"
        limit = settings.API_TOKEN_RATE_LIMIT
        if ratelimit.is_limited_for(identity, "api", "token", limit):
            response = _message(TOO_MANY_REQUESTS, 429)
            response["Retry-After"] = str(limit[1])
            return response
        ratelimit.hit_for(identity, "api", "token", limit)
        slug = _org_slug(request.path)
        if token.organization is not None and slug is not None and slug != token.organization.slug:
            return _message(NOT_FOUND, 404)
        module = module_of(request.path)
        if module is not None and not token.allows(module, write=False):
            return _message(NO_ACCESS, 403)
        if module is not None and request.method not in SAFE_METHODS and not token.allows(module, write=True):
            return _message(READ_ONLY, 403)
        _note_use(token)
        request.user = token.user
        request.api_token = token  # type: ignore[attr-defined]
        return None


def is_service_request(request: HttpRequest) -> bool:
    token = getattr(request, "api_token", None)
    return token is not None and token.kind == ApiToken.Kind.SERVICE


def history_reason() -> str:
    """``api-token:<name>`` during a request made with a token, else ``""``.

    Pass it as ``default_change_reason`` to simple-history's ``bulk_create_with_history``, which
    sends no signal; records saved one by one get it from :func:`name_the_token`.
    """
    request = getattr(HistoricalRecords.context, "request", None)
    token = getattr(request, "api_token", None)
    return f"{TOKEN_HISTORY_PREFIX}{token.name}"[:100] if token is not None else ""


@receiver(pre_create_historical_record)
def name_the_token(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    """A change made with a token says so in the history: ``api-token:<name>`` as the change reason."""
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = history_reason() or None


# --- Demo -----------------------------------------------------------------------------------------

DEMO_OWNER = "marc.lefevre@tilleuls.test"
DEMO_NAME = "Tableur de suivi des indicateurs"


@register_demo
def demo_tokens(organizations: dict[str, Organization]) -> None:
    """The pharmacy's quality manager reads the indicators from a spreadsheet with a personal token
    (its secret is random and never printed: the page shows what a token looks like once created)."""
    organization = organizations.get("pharmacie-des-tilleuls")
    user = User.objects.filter(email=DEMO_OWNER).first()
    if organization is None or user is None or ApiToken.objects.personal_of(user).filter(name=DEMO_NAME).exists():
        return
    issue_personal_token(
        user=user,
        name=DEMO_NAME,
        scopes={"indicators": TokenAccess.READ},
        expires_at=timezone.now() + timedelta(days=90),
        organization=organization,
    )
