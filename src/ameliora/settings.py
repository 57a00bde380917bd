"""Ameliora settings: one module, driven by environment variables.

Local use needs no variable at all (SQLite file under ``var/``, DEBUG on, console email).
Production sets ``DEBUG=False``, ``SECRET_KEY`` (or ``SECRET_KEY_FILE``), ``ALLOWED_HOSTS`` and
``DATABASE_URL``; ``manage.py check --deploy`` is then clean.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor  # type: ignore[import-untyped]  # whitenoise ships no types

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("AMELIORA_VAR_DIR", PROJECT_DIR / "var"))


def envbool(name: str, default: str) -> bool:
    """Read a boolean; only "True"/"False" (any case) are accepted, anything else fails loudly."""
    value = os.environ.get(name, default).strip().lower()
    if value not in {"true", "false"}:
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")
    return value == "true"


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def envsecret(name: str, default: str | None = None) -> str | None:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "True")

_secret = envsecret("SECRET_KEY")
if _secret is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is False")
    _secret = "django-insecure-local-development-only-" + "x" * 20
SECRET_KEY = _secret

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "csp",
    "ninja",  # serves the API docs from its own static files instead of a CDN
    "template_partials",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ameliora.core",
    "ameliora.api",
    # Registries (demo data above all) run in this order: each app after those its demo links to.
    "ameliora.plans",
    "ameliora.indicators",
    "ameliora.processes",
    "ameliora.documents",
    "ameliora.events",
    "ameliora.assessments",
    "ameliora.meetings",
    "ameliora.evaluations",
    "ameliora.reports",
    "ameliora.learning",
    "ameliora.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files (an SVG opened on its own) carry the headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ameliora.core.i18n.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Signs in /api/ requests carrying "Authorization: Bearer am_…" before the tenancy checks them.
    "ameliora.core.tokens.TokenMiddleware",
    # The signed-in person's (or token's) interface language, from their profile.
    "ameliora.core.i18n.UserLanguageMiddleware",
    "ameliora.core.tenancy.OrganizationMiddleware",
]

FORM_RENDERER = "ameliora.core.forms_renderer.BootstrapRenderer"
ROOT_URLCONF = "ameliora.urls"
WSGI_APPLICATION = "ameliora.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ameliora.core.context_processors.organization",
            ],
        },
    },
]

# Database: SQLite file by default, anything dj-database-url understands otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ameliora.sqlite3'}")
# Health checks: a connection kept between requests (CONN_MAX_AGE > 0) that the server dropped meanwhile
# is replaced before the request uses it, instead of failing that request.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", "0"), conn_health_checks=True)
}
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; the busy timeout makes a second writer wait
    # instead of failing at once with "database is locked"; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# The cache backs every rate limit (allauth's logins, core/ratelimit.py's public pages and API tokens):
# it must be shared by every process of every host. With REDIS_URL, the cache and the sessions live in
# Redis, so that several app servers serve one installation (docs/operations.md, "Several hosts").
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ameliora_cache",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    # Read from Redis, written through to the database: a Redis restart or eviction signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# django-allauth: login by email, mandatory verification, TOTP second factor, rate limits.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# First and last name, asked at sign-up: colleagues see people by name.
ACCOUNT_SIGNUP_FORM_CLASS = "ameliora.core.forms.SignupNamesForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# API requests per token: (requests, window in seconds); beyond, a JSON 429 (core/tokens.py).
API_TOKEN_RATE_LIMIT = (envint("API_TOKEN_RATE_PER_MINUTE", "600"), 60)

ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "signup": "10/h/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Ameliora] "
ACCOUNT_ADAPTER = "ameliora.core.adapters.AccountAdapter"
# Behind nginx, the client address is the last X-Forwarded-For hop added by each trusted proxy;
# login rate limits count per client address, so this must match the number of proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Ameliora"
LOGIN_REDIRECT_URL = "core:home"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and generated files: under MEDIA_ROOT, or in an S3-compatible bucket when AMELIORA_S3_BUCKET
# is set (django-storages). Either way they are private: served only through views that check access.
OBJECT_STORAGE_BUCKET = os.environ.get("AMELIORA_S3_BUCKET", "")
_default_storage: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if OBJECT_STORAGE_BUCKET:
    _s3_endpoint = os.environ.get("AMELIORA_S3_ENDPOINT_URL") or None
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": OBJECT_STORAGE_BUCKET,
            "endpoint_url": _s3_endpoint,
            "region_name": os.environ.get("AMELIORA_S3_REGION") or None,
            # Unset: boto3's own chain (AWS_ACCESS_KEY_ID…, an instance role) provides the credentials.
            "access_key": os.environ.get("AMELIORA_S3_ACCESS_KEY_ID") or None,
            "secret_key": envsecret("AMELIORA_S3_SECRET_ACCESS_KEY") or None,
            # S3-compatible services (MinIO, Garage, Ceph…) answer on one host name, not one per bucket.
            "addressing_style": os.environ.get("AMELIORA_S3_ADDRESSING_STYLE") or ("path" if _s3_endpoint else None),
            # Two files of the same name (two exports of one list) get two keys, as on disk; never overwritten.
            "file_overwrite": False,
            "default_acl": None,  # the bucket's own policy: private
            # A download is read from the bucket through this temporary file; above 5 MiB it goes to disk.
            "max_memory_size": 5 * 1024 * 1024,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Source maps are fetched only by a developer's browser tools; compressing them (brotli at its highest
# level) would double the time `collectstatic` takes at every deploy, for no visitor's benefit.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# No MEDIA_URL: uploaded files are served only through views that check the member's rights.

# Uploads: attachments larger than this are refused with a clear message.
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: console locally; SMTP in production through EMAIL_URL-like variables.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ameliora <noreply@ameliora.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's tasks API (django-tasks backport), database queue by default.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Webhooks (core/webhooks.py): HTTPS only, except for these hosts (tests: 127.0.0.1); a failed delivery is
# retried after WEBHOOK_RETRY_SECONDS, doubled at each attempt, up to WEBHOOK_MAX_ATTEMPTS attempts.
WEBHOOK_ALLOW_HTTP_HOSTS = envlist("WEBHOOK_ALLOW_HTTP_HOSTS", "")
WEBHOOK_RETRY_SECONDS = envint("WEBHOOK_RETRY_SECONDS", "60")
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", "6")

# A task worker silent for this long is taken as dead: the task and job it ran are marked failed
# (core/workers.py). Workers signal every quarter of it.
WORKER_LEASE_SECONDS = envint("WORKER_LEASE_SECONDS", "120")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(12 * 3600))
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no inline
# code and no eval (htmx is configured in base.html not to need it); data: images for Bootstrap's
# inline SVG icons (select arrows, check marks). See docs/operations.md, "Security headers".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Powerful browser features that no page of Ameliora uses are refused to every page and frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "fullscreen", "gamepad", "geolocation", "gyroscope", "hid", "idle-detection",
        "local-fonts", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "screen-wake-lock", "serial", "usb", "window-management", "xr-spatial-tracking",
    )
}  # fmt: skip
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
    # The load balancer's probe speaks plain HTTP to the app.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logging never includes request bodies: free text may hold patient data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
