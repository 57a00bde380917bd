"""The core personas (alice admin and bob member of the pharmacy, charlie outside) serve here too."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Job, Organization
from ameliora.core.tests.conftest import (  # noqa: F401
    alice,
    alice_client,
    bob,
    bob_client,
    charlie,
    charlie_client,
    client_for,
    coteaux,
    task_failures,
    tilleuls,
)


@pytest.fixture
def annual_pdf(django_capture_on_commit_callbacks: Any) -> Callable[[Client, Organization, int], bytes]:
    """The year's PDF as a member gets it: the button starts the job, the worker runs it, the job page offers it."""

    def fetch(client: Client, organization: Organization, year: int) -> bytes:
        address = reverse("reports:annual_pdf", kwargs={"org_slug": organization.slug})
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{address}?year={year}")
        job = Job.objects.for_org(organization).latest("created_at")
        assert (response.status_code, response["Location"]) == (302, job.get_absolute_url())
        assert client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).status_code == 200
        download = client.get(reverse("core:job_download", kwargs={"org_slug": organization.slug, "job_id": job.pk}))
        assert download.status_code == 200, job.message
        return b"".join(download.streaming_content)  # type: ignore[attr-defined]

    return fetch
