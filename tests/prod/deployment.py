"""Deploy this checkout the way ``docs/operations.md`` says, on a throwaway PostgreSQL database and Redis.

:func:`deploy` is a context manager: it creates the database, writes the secret key, runs the
Install section's commands, loads the demo data (into this throwaway database only), starts gunicorn
and the task worker from the systemd units' ``ExecStart`` lines, and on the way out stops both
process groups, drops the database and deletes the cache keys it wrote. Every subprocess writes to a
log under ``test-artifacts/prod/``.

What differs from the document is listed in :func:`environment_for`, each with its reason.
"""

from __future__ import annotations

import os
import resource
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

from tests.prod.operations import ROOT, Operations

ARTIFACTS = ROOT / "test-artifacts" / "prod"
COMMAND_TIMEOUT = 600
STOP_TIMEOUT = 30
# Any HTTP(S) request a server process makes by mistake (a PDF renderer fetching its base URL) goes to
# this closed loopback port, never to the example host names of the document.
NOWHERE = "http://127.0.0.1:9"


class DeploymentError(RuntimeError):
    """A step of the operator's path failed; the message carries the command's output."""


@dataclass
class Deployment:
    operations: Operations
    env: dict[str, str]
    origin: str
    """``https://<ALLOWED_HOSTS>``: what the browser sees in front of nginx."""
    port: int
    redis_url: str
    logs: Path = ARTIFACTS
    timings: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds of each step."""
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds of each command, and of the web and worker process groups until they stop."""
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    first_password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    """The password the documented ``ameliora setup`` gives the first administrator."""

    @property
    def upstream(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def local_command(self, command: tuple[str, ...]) -> list[str]:
        """A unit's command with the document's application directory replaced by this checkout."""
        app_dir = self.operations.app_dir.rstrip("/") + "/"
        return [str(ROOT) + "/" + part.removeprefix(app_dir) if part.startswith(app_dir) else part for part in command]

    def run(self, name: str, command: list[str], *, stdin_text: str | None = None) -> str:
        started, cpu_before = time.monotonic(), children_cpu()
        log = self.logs / f"{name}.log"
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=self.env,
            input=stdin_text,
            stdin=None if stdin_text is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        self.timings[name] = time.monotonic() - started
        self.cpu[name] = children_cpu() - cpu_before
        output = result.stdout + result.stderr
        log.write_text(f"$ {' '.join(command)}\n{output}", encoding="utf-8")
        if result.returncode != 0:
            raise DeploymentError(f"`{' '.join(command)}` failed ({result.returncode}):\n{tail(output)}")
        return output

    def start(self, name: str, command: list[str]) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
        log.close()

    def check_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                log = (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")
                raise DeploymentError(f"{name} exited with {process.returncode}:\n{tail(log)}")

    def stop(self) -> None:
        """SIGTERM to each process group (as systemd does), then SIGKILL whatever is left."""
        for name, process in self.processes.items():
            self.cpu[name] = group_cpu(process.pid)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def group_cpu(group: int) -> float:
    """CPU seconds used so far by the live processes of a process group (and their reaped children)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group:  # fields[0] is the state (field 3 of proc(5)); pgrp is field 5
            ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment_for(operations: Operations, *, workdir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """The document's example environment file, with what must differ on a test machine."""
    secret_key = workdir / "secret_key"
    # The document's own recipe: python3 -c 'import secrets; print(secrets.token_urlsafe(64))'
    secret_key.write_text(secrets.token_urlsafe(64) + "\n", encoding="utf-8")
    secret_key.chmod(0o600)
    var_dir = workdir / "var"
    var_dir.mkdir()  # "It is not created for you": the document creates it with install -d
    env = dict(operations.env)
    env.pop("EMAIL_HOST_PASSWORD_FILE")  # no SMTP server here …
    env.update(
        SECRET_KEY_FILE=str(secret_key),
        AMELIORA_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        # … so email goes to the worker's log, as in the document's restore drill.
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    inherited = {key: os.environ[key] for key in ("PATH", "LANG", "LC_ALL", "TZ", "HOME") if key in os.environ}
    return {
        **inherited,
        **env,
        "PYTHONDONTWRITEBYTECODE": "1",
        "http_proxy": NOWHERE,
        "https_proxy": NOWHERE,
        "HTTP_PROXY": NOWHERE,
        "HTTPS_PROXY": NOWHERE,
    }


@contextmanager
def throwaway_database(base_url: str) -> Iterator[str]:
    name = f"ameliora_prod_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(base_url + "/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base_url}/{name}"
    finally:
        with psycopg.connect(base_url + "/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_redis_database(base_url: str) -> Iterator[str]:
    """An empty Redis database number of its own; on the way out, delete the keys Django wrote there.

    Nothing is flushed: only keys with Django's cache prefix (``:<version>:``) in that database go.
    """
    for number in range(1, 16):
        client = redis.Redis.from_url(f"{base_url}/{number}")
        if client.dbsize() == 0:
            break
    else:
        raise DeploymentError(f"no empty Redis database at {base_url} (1 to 15 all hold keys)")
    try:
        yield f"{base_url}/{number}"
    finally:
        for key in client.scan_iter(match=":*", count=500):
            client.delete(key)
        client.close()


def run_install_commands(deployment: Deployment) -> None:
    """The Install section's commands in order; any failure, or ``check --deploy`` reporting anything, stops."""
    for command in deployment.operations.install:
        output = deployment.run(command[1], list(command))
        if command[1:] == ("check", "--deploy") and "no issues" not in output:
            raise DeploymentError(f"`check --deploy` must report no issues; it said:\n{tail(output)}")


@contextmanager
def deploy(operations: Operations, *, workdir: Path, postgres_url: str, redis_url: str) -> Iterator[Deployment]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        database_url = stack.enter_context(throwaway_database(postgres_url))
        cache_url = stack.enter_context(throwaway_redis_database(redis_url))
        env = environment_for(operations, workdir=workdir, database_url=database_url, redis_url=cache_url)
        host = env["ALLOWED_HOSTS"].split(",")[0]
        deployment = Deployment(
            operations, env=env, origin=f"https://{host}", port=free_loopback_port(), redis_url=cache_url
        )
        run_install_commands(deployment)
        # The document's scripted first run, its password on standard input as `< /root/first-password`.
        deployment.run("setup", list(operations.first_run), stdin_text=deployment.first_password + "\n")
        deployment.run("demo", [".venv/bin/ameliora", "demo"])  # only ever on this throwaway database
        web = deployment.local_command(operations.web)
        web[web.index("--bind") + 1] = f"127.0.0.1:{deployment.port}"
        stack.callback(deployment.stop)
        deployment.start("worker", deployment.local_command(operations.worker))
        deployment.start("web", web)
        yield deployment
