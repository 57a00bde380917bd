"""The README's first command, from a clean clone (marker ``prod``; a step of ``make test``).

The current commit is cloned into a temporary folder (uncommitted work is not in the clone: that is
the point), ``make run`` starts there on a free port (``AMELIORA_PORT``) with none of this
environment's Ameliora variables, and the test waits, with a generous overall limit but no fixed
sleep, until ``/healthz`` answers. It signs in as the README's first demo persona, then presses
Ctrl+C (SIGINT to the process group, as a terminal does) and checks that nothing of it is left
running: neither the server nor the task worker.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.prod.crawler import parse_html
from tests.prod.deployment import free_loopback_port, tail
from tests.prod.operations import ROOT

pytestmark = pytest.mark.prod

STARTS_WITHIN = 1200.0  # seconds: the clone installs every dependency before it serves
STOPS_WITHIN = 60.0
LOG = ROOT / "test-artifacts" / "make-run.log"
# What a newcomer's shell has; the Ameliora variables of the calling environment must not leak in.
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TERM", "TMPDIR", "PYTHON")


def readme_first_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert block, "README.md has no sh block"
    return block.group(1).splitlines()[0].split("#")[0].strip()


def readme_persona() -> tuple[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    password = re.search(r"password \*\*`([^`]+)`\*\*", readme)
    email = re.search(r"^\| [^|]+ \| `([^`]+@[^`]+)` \|", readme, re.MULTILINE)
    assert password, "README.md no longer gives the demo password as **`…`**"
    assert email, "README.md no longer names a demo account in its table"
    return email.group(1), password.group(1)


def processes_in(group: int, folder: Path) -> list[str]:
    """Live processes of the process group, or running from the folder (a child that left the group)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
            cwd = Path(os.readlink(entry / "cwd"))
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile, or not ours to look at
            continue
        if fields[0] != "Z" and (int(fields[2]) == group or cwd.is_relative_to(folder)):
            found.append(f"{entry.name}: {command.strip()}")
    return found


@pytest.fixture
def clone(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ameliora"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(folder)], check=True)
    subprocess.run(["git", "checkout", "--quiet", "--detach", head.stdout.strip()], cwd=folder, check=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)  # its .venv is large


def restore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_health(client: httpx.Client, process: subprocess.Popen[bytes]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < STARTS_WITHIN:
        if process.poll() is not None:
            pytest.fail(f"make run exited with {process.returncode}:\n{tail(LOG.read_text(errors='replace'))}")
        try:
            if client.get("/healthz", timeout=5).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"/healthz did not answer within {STARTS_WITHIN:.0f} s:\n{tail(LOG.read_text(errors='replace'))}")


def sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    login = client.get("/accounts/login/")
    form = next(form for form in parse_html(login.text).forms if form["method"] == "post")
    return client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": form["csrfmiddlewaretoken"], "login": email, "password": password},
        headers={"Referer": str(login.url)},
    )


def test_make_run_from_a_clean_clone_serves_signs_in_and_stops_cleanly(clone: Path, summary: list[str]) -> None:
    command = readme_first_command()
    assert command == "make run"
    port = free_loopback_port()
    env = {key: os.environ[key] for key in KEPT if key in os.environ}
    env.update({key: value for key, value in os.environ.items() if key.startswith("PIP_")}, AMELIORA_PORT=str(port))
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with LOG.open("wb") as log:
        process = subprocess.Popen(
            command.split(),
            cwd=clone,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            # A terminal's foreground job takes Ctrl+C; a test runner started in the background ignores
            # SIGINT, and its children would inherit that (runserver would then never stop).
            preexec_fn=restore_ctrl_c,  # noqa: PLW1509 — no threads run in this process at this point
        )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, follow_redirects=True) as client:
            started_in = wait_for_health(client, process)
            email, password = readme_persona()
            dashboard = sign_in(client, email, password)
            assert dashboard.status_code == 200
            assert "sessionid" in client.cookies
            assert re.search(r"/o/[\w-]+/$", dashboard.url.path), dashboard.url
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the terminal
        process.wait(timeout=STOPS_WITHIN)
        deadline = time.monotonic() + STOPS_WITHIN
        while (left := processes_in(process.pid, clone)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not left, "still running after Ctrl+C:\n" + "\n".join(left)
        summary.append(
            f"make run (clean clone) answered /healthz {started_in:.0f} s after it started, install included"
        )
    finally:
        if process.poll() is None or processes_in(process.pid, clone):
            for line in processes_in(process.pid, clone):
                os.kill(int(line.split(":")[0]), signal.SIGKILL)
