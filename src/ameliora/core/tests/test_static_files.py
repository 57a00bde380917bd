"""Ameliora's own static files survive ``collectstatic`` with the hashed manifest storage of production.

Django's ``ManifestStaticFilesStorage`` rewrites every ``url(...)``, ``@import`` and
``sourceMappingURL`` in CSS and JavaScript to the hashed name of the file it names, and stops the
whole ``collectstatic`` when that file does not exist (then, with ``DEBUG=False``, every page answers
500). These tests run the same post-processing on the files under ``src/ameliora`` only, so a
vendored file that refers to a missing source map or font fails here, by name, in seconds.
The production check (``tests/prod``) runs the real ``collectstatic`` on everything.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

VENDOR = settings.BASE_DIR / "static" / "vendor"


def ameliora_static_dirs() -> list[Path]:
    return sorted(path for path in settings.BASE_DIR.rglob("static") if path.is_dir())


def post_process_errors(root: Path) -> dict[str, str]:
    storage = ManifestStaticFilesStorage(location=root, base_url="/static/")
    names = [path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()]
    return {
        name: str(outcome)
        for name, _hashed, outcome in storage.post_process({name: (storage, name) for name in names})
        if isinstance(outcome, Exception)
    }


def test_every_file_that_a_static_file_refers_to_is_shipped(tmp_path: Path) -> None:
    for directory in ameliora_static_dirs():
        shutil.copytree(directory, tmp_path, dirs_exist_ok=True)

    assert post_process_errors(tmp_path) == {}


def test_a_missing_source_map_is_caught(tmp_path: Path) -> None:
    """The check above can fail: a script naming a map that is not there is reported by its name."""
    (tmp_path / "lib.min.js").write_text("var a=1;\n//# sourceMappingURL=lib.min.js.map", encoding="utf-8")

    errors = post_process_errors(tmp_path)

    assert list(errors) == ["lib.min.js"]
    assert "lib.min.js.map" in errors["lib.min.js"]


def test_vendored_libraries_are_listed_with_their_version_and_licence() -> None:
    listed = {line.split()[0] for line in (VENDOR / "VERSIONS").read_text(encoding="utf-8").splitlines() if line}
    folders = {path.name for path in VENDOR.iterdir() if path.is_dir()}

    assert {name.removesuffix(".org") for name in listed} == folders
    assert all((VENDOR / folder / "LICENSE").is_file() for folder in folders)
