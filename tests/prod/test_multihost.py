"""Several hosts serve one installation (marker ``prod``; run with the production check of ``make test``).

``docs/operations.md``, "Several hosts": two "hosts", A and B, each with its own ``AMELIORA_VAR_DIR`` (no
shared disk), its gunicorn (the web unit's command, on its own loopback port) and its ``ameliora worker``,
share a throwaway PostgreSQL database, a Redis database (cache, sessions, every rate limit) and an
S3-compatible bucket (moto's standalone server, started here on loopback) for uploaded and generated
files. One scenario runs against them, then each test checks one promise of the document:

* a person signed in through A is signed in on B (the session is in Redis);
* a file uploaded through A downloads through B, from the bucket, and no host wrote it to its disk;
* a job queued through A, while only B's worker runs, is finished by B's worker;
* with both workers competing for 20 jobs queued through both instances, every job runs exactly once;
* allauth's login rate limit and the API tokens' limit (``core/ratelimit.py``) count across instances.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx
import psycopg
import pytest
import redis

from tests.prod import operations
from tests.prod.crawler import ProxyTransport, parse_html
from tests.prod.deployment import (
    Deployment,
    DeploymentError,
    environment_for,
    free_loopback_port,
    run_install_commands,
    throwaway_database,
    throwaway_redis_database,
)
from tests.prod.operations import ROOT
from tests.prod.test_production import first_administrator, wait_until_healthy

pytestmark = pytest.mark.prod

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
ARTIFACTS = ROOT / "test-artifacts" / "multihost"
BUCKET = "ameliora-multihost"
S3_CREDENTIALS = {"aws_access_key_id": "multihost-test", "aws_secret_access_key": "multihost-test-secret"}
COMPETING_JOBS = 20
API_REQUESTS_PER_MINUTE = 10
LOGIN_POSTS_PER_MINUTE = 30  # ACCOUNT_RATE_LIMITS["login"] in settings.py
JOB_TIMEOUT = 120.0


@contextmanager
def s3_server(logs: Path) -> Iterator[str]:
    """moto's standalone S3-compatible server on a free loopback port, with an empty private bucket."""
    port = free_loopback_port()
    endpoint = f"http://127.0.0.1:{port}"
    with (logs / "s3.log").open("wb") as log:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    try:
        client = bucket_client(endpoint)
        deadline = time.monotonic() + 60
        while True:
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise DeploymentError("the S3-compatible server did not start; see s3.log") from None
                time.sleep(0.25)
        yield endpoint
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def bucket_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **S3_CREDENTIALS)


class LoadBalancer(httpx.BaseTransport):
    """nginx in front of two hosts: each request goes to the host named in ``to`` (``"a"`` or ``"b"``)."""

    def __init__(self, upstreams: dict[str, str], *, client_address: str) -> None:
        self.hosts = {
            name: ProxyTransport(upstream, client_address=client_address) for name, upstream in upstreams.items()
        }
        self.to = "a"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.hosts[self.to].handle_request(request)

    def close(self) -> None:
        for transport in self.hosts.values():
            transport.close()


@dataclass
class Browser:
    """One person's browser (one cookie jar) whose requests the load balancer sends to A or B."""

    client: httpx.Client
    balancer: LoadBalancer
    origin: str

    def via(self, host: str) -> httpx.Client:
        self.balancer.to = host
        return self.client

    def csrf_token(self, html: str) -> str:
        return next(form["csrfmiddlewaretoken"] for form in parse_html(html).forms if "csrfmiddlewaretoken" in form)

    def post(self, host: str, path: str, data: dict[str, str], **kwargs: Any) -> httpx.Response:
        return self.via(host).post(path, data=data, headers={"Origin": self.origin}, **kwargs)


def new_browser(upstreams: dict[str, str], origin: str, *, client_address: str) -> Browser:
    balancer = LoadBalancer(upstreams, client_address=client_address)
    return Browser(httpx.Client(base_url=origin, transport=balancer, timeout=60), balancer, origin)


@dataclass
class Outcome:
    """What the scenario saw, for the tests to judge."""

    slug: str = ""
    session_keys_in_redis: int = 0
    dashboard_on_b: tuple[int, str] = (0, "")
    uploaded: bytes = b""
    download_on_b: tuple[int, bytes] = (0, b"")
    bucket_keys: list[str] = field(default_factory=list)
    files_on_disk: list[str] = field(default_factory=list)
    first_job_worker: str = ""
    worker_of: dict[str, str] = field(default_factory=dict)
    """TaskWorker.worker_id → the host ("a" or "b") whose worker process registered it."""
    jobs: list[tuple[int, str, str]] = field(default_factory=list)
    """(id, status, worker_id) of the competing jobs."""
    task_runs: dict[int, list[list[str]]] = field(default_factory=dict)
    """Job id → the ``worker_ids`` of every task result that ran it (one claim per run)."""
    job_downloads_on_other_host: list[int] = field(default_factory=list)
    login_statuses: list[tuple[str, int]] = field(default_factory=list)
    api_statuses: list[tuple[str, int]] = field(default_factory=list)
    rate_limit_keys_in_redis: int = 0


def host_environment(base: dict[str, str], *, var_dir: Path, s3_endpoint: str) -> dict[str, str]:
    var_dir.mkdir(parents=True, exist_ok=True)
    return {
        **base,
        "AMELIORA_VAR_DIR": str(var_dir),
        "AMELIORA_S3_BUCKET": BUCKET,
        "AMELIORA_S3_ENDPOINT_URL": s3_endpoint,
        "AMELIORA_S3_REGION": "us-east-1",
        "AMELIORA_S3_ACCESS_KEY_ID": S3_CREDENTIALS["aws_access_key_id"],
        "AMELIORA_S3_SECRET_ACCESS_KEY": S3_CREDENTIALS["aws_secret_access_key"],
        "API_TOKEN_RATE_PER_MINUTE": str(API_REQUESTS_PER_MINUTE),
        # The bucket is on loopback: reached directly, not through the closed port set for other addresses.
        "no_proxy": "127.0.0.1",
        "NO_PROXY": "127.0.0.1",
    }


def start_host(host: Deployment, name: str, *, web: bool, worker: bool) -> None:
    if web:
        command = host.local_command(host.operations.web)
        command[command.index("--bind") + 1] = f"127.0.0.1:{host.port}"
        host.start(f"{name}-web", command)
    if worker:
        host.start(f"{name}-worker", host.local_command(host.operations.worker))


def query(database_url: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def wait_for(what: str, check: Any, timeout: float = JOB_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise DeploymentError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.25)


def queue_member_export(browser: Browser, host: str, slug: str) -> int:
    page = browser.via(host).get(f"/o/{slug}/members/")
    response = browser.post(
        host,
        f"/o/{slug}/members/export/",
        {"csrfmiddlewaretoken": browser.csrf_token(page.text)},
        follow_redirects=False,
    )
    match = re.search(r"/jobs/(\d+)/$", response.headers.get("location", ""))
    if match is None:
        raise DeploymentError(f"the export was not queued: {response.status_code}")
    return int(match.group(1))


def sign_in(browser: Browser, host: str, email: str, password: str) -> httpx.Response:
    page = browser.via(host).get("/accounts/login/")
    return browser.post(
        host,
        "/accounts/login/",
        {"csrfmiddlewaretoken": browser.csrf_token(page.text), "login": email, "password": password},
    )


def seconds_left_in_minute() -> float:
    return 60 - time.time() % 60


def run_scenario(database_url: str, cache_url: str, s3_endpoint: str, hosts: dict[str, Deployment]) -> Outcome:
    outcome = Outcome()
    admin = first_administrator(hosts["a"])
    slug, origin = admin.slug, hosts["a"].origin
    outcome.slug = slug
    upstreams = {name: host.upstream for name, host in hosts.items()}
    browser = new_browser(upstreams, origin, client_address="203.0.113.10")
    cache = redis.Redis.from_url(cache_url)

    # Sessions: signed in through A, then a page through B.
    signed_in = sign_in(browser, "a", admin.email, hosts["a"].first_password)
    assert "sessionid" in browser.client.cookies, f"sign-in through A failed: {signed_in.status_code}"
    dashboard = browser.via("b").get(f"/o/{slug}/", follow_redirects=True)
    outcome.dashboard_on_b = (dashboard.status_code, dashboard.url.path)
    outcome.session_keys_in_redis = sum(1 for _ in cache.scan_iter(match="*django.contrib.sessions.cached_db*"))

    # Files: uploaded through A (the organization's settings page has the attachment form), read through B.
    settings_page = browser.via("a").get(f"/o/{slug}/settings/")
    action = next(form["action"] for form in parse_html(settings_page.text).forms if "/attach/" in form["action"])
    outcome.uploaded = f"Procédure multi-site, {time.time()}\n".encode()
    browser.post(
        "a",
        action,
        {"csrfmiddlewaretoken": browser.csrf_token(settings_page.text), "description": "multi-host"},
        files={"file": ("procedure.txt", outcome.uploaded, "text/plain")},
        follow_redirects=True,
    )
    (attachment_id,) = query(database_url, "SELECT max(id) FROM core_attachment")[0]
    download = browser.via("b").get(f"/o/{slug}/attachments/{attachment_id}/")
    outcome.download_on_b = (download.status_code, download.content)

    # Jobs: only B's worker runs; a job queued through A.
    wait_for("B's worker registers", lambda: query(database_url, "SELECT count(*) FROM core_taskworker")[0][0] == 1)
    first = queue_member_export(browser, "a", slug)
    wait_for(
        "the first job finishes",
        lambda: query(database_url, "SELECT status FROM core_job WHERE id = %s", first)[0][0] == "done",
    )
    (outcome.first_job_worker,) = query(database_url, "SELECT worker_id FROM core_job WHERE id = %s", first)[0]
    (b_worker,) = query(database_url, "SELECT worker_id FROM core_taskworker")[0]
    outcome.worker_of[b_worker] = "b"

    # Both workers compete for jobs queued through both instances.
    start_host(hosts["a"], "a", web=False, worker=True)
    wait_for("A's worker registers", lambda: query(database_url, "SELECT count(*) FROM core_taskworker")[0][0] == 2)
    for (worker_id,) in query(database_url, "SELECT worker_id FROM core_taskworker WHERE worker_id <> %s", b_worker):
        outcome.worker_of[worker_id] = "a"
    queued = {
        queue_member_export(browser, "ab"[number % 2], slug): "ab"[number % 2] for number in range(COMPETING_JOBS)
    }
    ids = list(queued)
    wait_for(
        "the competing jobs finish",
        lambda: (
            query(
                database_url, "SELECT count(*) FROM core_job WHERE id = ANY(%s) AND status IN ('done', 'failed')", ids
            )[0][0]
            == len(ids)
        ),
    )
    outcome.jobs = query(database_url, "SELECT id, status, worker_id FROM core_job WHERE id = ANY(%s) ORDER BY id", ids)
    for job_id, worker_ids in query(
        database_url,
        "SELECT (args_kwargs->'kwargs'->>'job_id')::int, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path LIKE %s",
        "%run_job",
    ):
        outcome.task_runs.setdefault(job_id, []).append(worker_ids)
    for job_id, queued_on in queued.items():
        other = "b" if queued_on == "a" else "a"
        response = browser.via(other).get(f"/o/{slug}/jobs/{job_id}/download/")
        if response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf"):
            outcome.job_downloads_on_other_host.append(job_id)

    # Storage: what the bucket holds, and what the hosts' own disks hold.
    pages = bucket_client(s3_endpoint).get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    outcome.bucket_keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    for host in hosts.values():
        var_dir = Path(host.env["AMELIORA_VAR_DIR"])
        outcome.files_on_disk += [
            str(path) for path in var_dir.rglob("*") if path.is_file() and "static" not in path.parts
        ]

    # Rate limits: allauth's sign-in limit, then the API token's (core/ratelimit.py), alternating A and B.
    limited = new_browser(upstreams, origin, client_address="203.0.113.20")
    token_page = limited.via("a").get("/accounts/login/")
    token = limited.csrf_token(token_page.text)
    for attempt in range(LOGIN_POSTS_PER_MINUTE + 1):
        side = "ab"[attempt % 2]
        response = limited.post(
            side, "/accounts/login/", {"csrfmiddlewaretoken": token, "login": admin.email, "password": "wrong"}
        )
        outcome.login_statuses.append((side, response.status_code))
    created = hosts["a"].run(
        "token", [".venv/bin/ameliora", "token", "create", "--org", slug, "--name", "multihost", "--scope", "read"]
    )
    api_token = next(line for line in created.split() if line.startswith("am_"))
    if seconds_left_in_minute() < 10:  # the API limit counts per calendar minute: start a fresh one
        time.sleep(seconds_left_in_minute() + 0.5)
    script = new_browser(upstreams, origin, client_address="203.0.113.30")
    for attempt in range(API_REQUESTS_PER_MINUTE + 1):
        side = "ab"[attempt % 2]
        response = script.via(side).get(f"/api/v1/o/{slug}/members", headers={"Authorization": f"Bearer {api_token}"})
        outcome.api_statuses.append((side, response.status_code))
    outcome.rate_limit_keys_in_redis = sum(1 for _ in cache.scan_iter(match="*rl*"))
    for each in (browser, limited, script):
        each.client.close()
    cache.close()
    return outcome


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory, summary: list[str]) -> Iterator[Outcome]:
    started = time.monotonic()
    workdir = tmp_path_factory.mktemp("multihost")
    ops = operations.read()
    for name in ("a", "b"):
        (ARTIFACTS / name).mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        s3_endpoint = stack.enter_context(s3_server(ARTIFACTS))
        database_url = stack.enter_context(throwaway_database(POSTGRES_URL))
        cache_url = stack.enter_context(throwaway_redis_database(REDIS_URL))
        base = environment_for(ops, workdir=workdir, database_url=database_url, redis_url=cache_url)
        origin = f"https://{base['ALLOWED_HOSTS'].split(',')[0]}"
        hosts = {
            name: Deployment(
                ops,
                env=host_environment(base, var_dir=workdir / name, s3_endpoint=s3_endpoint),
                origin=origin,
                port=free_loopback_port(),
                redis_url=cache_url,
                logs=ARTIFACTS / name,
            )
            for name in ("a", "b")
        }
        run_install_commands(hosts["a"])  # the database is shared: one host migrates it
        shutil.copytree(workdir / "a" / "static", workdir / "b" / "static")  # each host collects its own
        hosts["a"].run("setup", list(ops.first_run), stdin_text=hosts["a"].first_password + "\n")
        for host in hosts.values():
            stack.callback(host.stop)
        start_host(hosts["a"], "a", web=True, worker=False)
        start_host(hosts["b"], "b", web=True, worker=True)
        for host in hosts.values():
            wait_until_healthy(host)
        ready = time.monotonic() - started
        result = run_scenario(database_url, cache_url, s3_endpoint, hosts)
        for host in hosts.values():
            host.check_running()
        yield result
    summary.append(f"multi-host check: ready in {ready:.0f} s, done in {time.monotonic() - started:.0f} s")


def test_a_session_opened_through_one_instance_is_valid_on_the_other(outcome: Outcome) -> None:
    assert outcome.dashboard_on_b == (200, f"/o/{outcome.slug}/")
    assert outcome.session_keys_in_redis >= 1


def test_a_file_uploaded_through_a_downloads_through_b_from_the_bucket(outcome: Outcome) -> None:
    assert outcome.download_on_b == (200, outcome.uploaded)
    assert any(key.startswith("attachments/") for key in outcome.bucket_keys), outcome.bucket_keys
    assert outcome.files_on_disk == [], "a host wrote uploaded or generated files to its own disk"


def test_a_job_queued_through_a_is_finished_by_the_worker_of_b(outcome: Outcome) -> None:
    assert outcome.worker_of.get(outcome.first_job_worker) == "b"


def test_competing_workers_run_every_job_exactly_once(outcome: Outcome) -> None:
    assert len(outcome.jobs) == COMPETING_JOBS
    assert {status for _id, status, _worker in outcome.jobs} == {"done"}
    runs = {job_id: outcome.task_runs.get(job_id) for job_id, _status, _worker in outcome.jobs}
    assert all(len(claims) == 1 and len(claims[0]) == 1 for claims in runs.values() if claims), runs
    assert all(runs.values()), "a job has no task result"
    assert {outcome.worker_of.get(worker) for _id, _status, worker in outcome.jobs} == {"a", "b"}, (
        "one worker ran every job: the test did not make them compete"
    )
    assert sorted(outcome.job_downloads_on_other_host) == sorted(job_id for job_id, _s, _w in outcome.jobs)
    assert sum(key.startswith("jobs/") for key in outcome.bucket_keys) == COMPETING_JOBS + 1


def test_rate_limits_count_across_instances(outcome: Outcome) -> None:
    login = [status for _host, status in outcome.login_statuses]
    api = [status for _host, status in outcome.api_statuses]

    assert 429 not in login[:LOGIN_POSTS_PER_MINUTE], outcome.login_statuses
    assert login[-1] == 429, outcome.login_statuses
    assert api == [200] * API_REQUESTS_PER_MINUTE + [429], outcome.api_statuses
    assert outcome.rate_limit_keys_in_redis > 0
