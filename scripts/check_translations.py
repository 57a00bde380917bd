"""Check that the French catalogue is complete and that the compiled .mo matches the .po.

1. Every string marked for translation in the code and templates is in the .po (needs GNU gettext's
   xgettext, which Django's makemessages calls; without it this check is skipped with a note).
2. No entry is untranslated or fuzzy.
3. The committed .mo holds exactly the .po's translations (so nobody forgets `make messages`).
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "src" / "ameliora"
PO = APP / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
ENTRY = re.compile(
    r'^(?P<flags>(?:#.*\n)*)msgid (?P<id>(?:".*"\n)+)(?:msgid_plural (?P<plural>(?:".*"\n)+))?'
    r"(?P<strs>(?:msgstr(?:\[\d\])? (?:\".*\"\n)+)+)",
    re.MULTILINE,
)


def _unquote(block: str) -> str:
    text = "".join(re.findall(r'"(.*)"', block))
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m[1], m[0]), text)


def parse_po(path: Path) -> dict[str, list[str]]:
    """msgid -> translations (one per plural form); fuzzy entries are reported as untranslated."""
    entries: dict[str, list[str]] = {}
    for match in ENTRY.finditer(path.read_text(encoding="utf-8") + "\n"):
        msgid = _unquote(match["id"])
        if not msgid:
            continue
        strs = [_unquote(s) for s in re.split(r"^msgstr(?:\[\d\])? ", match["strs"], flags=re.MULTILINE)[1:]]
        if "fuzzy" in match["flags"]:
            strs = [""]
        entries[msgid] = strs
    return entries


def extracted_msgids() -> set[str] | None:
    if shutil.which("xgettext") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "ameliora"
        shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "locale"))
        (copy / "locale").mkdir()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ameliora.settings"}
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--ignore", "analytics/*"],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        return set(parse_po(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))


def main() -> int:
    problems: list[str] = []
    catalogue = parse_po(PO)
    for msgid, strs in catalogue.items():
        if not all(strs):
            problems.append(f"untranslated or fuzzy: {msgid!r}")
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, strs in catalogue.items():
        if all(strs) and compiled.gettext(msgid) != strs[0] and len(strs) == 1:
            problems.append(f".mo is stale for {msgid!r}: run `make messages`")
    extracted = extracted_msgids()
    if extracted is None:
        print("note: xgettext not found, so new strings in the code were not looked for (apt-get install gettext)")
    else:
        missing = sorted(extracted - set(catalogue))
        problems += [f"not in the French catalogue (run `make messages`): {msgid!r}" for msgid in missing]
    for problem in problems:
        print(problem)
    print(f"French catalogue: {len(catalogue)} strings, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
