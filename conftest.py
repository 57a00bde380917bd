"""Test settings shared by every test of the project (pytest-django runs with ``ameliora.settings``).

These are the test-only speed-ups the style guide asks for, kept in one short place:

* passwords hash with MD5 (Argon2 would cost ~50 ms per user created or signed in);
* django-tasks runs each task at once, in the test's thread (the immediate backend);
* uploaded files and job results land in a temporary directory, never in ``var/media``
  (and STATIC_ROOT points at an existing empty one, so WhiteNoise does not warn).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Settings) -> None:
    """Users are created in nearly every test; a slow hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Settings) -> None:
    """Run background tasks as soon as they are enqueued, so tests see their effects.

    django-tasks 0.12 keeps its backends in a connection handler (``django_tasks.task_backends``)
    that caches one backend per alias. Overriding ``settings.TASKS`` sends ``setting_changed``,
    whose receiver (``django_tasks.signals.clear_tasks_handlers``) rebuilds the handler's settings
    and drops the cached backends, both now and when the override is undone after the test.
    """
    from django_tasks import task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    settings.TASKS = IMMEDIATE_TASKS
    if not isinstance(task_backends["default"], ImmediateBackend):  # pragma: no cover - a django-tasks change
        pytest.fail("The TASKS override did not reach django-tasks: reset django_tasks.task_backends here.")


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    """Uploaded files and job results go to a directory that disappears with the test."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    # WhiteNoise warns about a missing STATIC_ROOT each time a test client builds the middleware.
    static = tmp_path / "static"
    static.mkdir()
    settings.STATIC_ROOT = static
    return root
