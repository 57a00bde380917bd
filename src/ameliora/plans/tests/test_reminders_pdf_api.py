"""Daily reminders (idempotent per day), the PDF export job, the API and the demo."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ameliora.core import services as core_services
from ameliora.core import webhooks
from ameliora.core.models import Job, Membership, Notification, WebhookDelivery
from ameliora.core.tests.factories import PDF_BYTES
from ameliora.plans import pdf
from ameliora.plans.models import Action, ActionPlan
from ameliora.plans.reminders import remind_actions
from ameliora.plans.tests.factories import ActionFactory, ObjectiveFactory, PlanFactory


def test_reminders_go_to_owners_of_actions_due_soon_or_late_once_a_day(alice: Membership, bob: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization)
    today = timezone.localdate()
    ActionFactory.create(plan=plan, owner=bob, start_date=None, due_date=today + timedelta(days=3))
    ActionFactory.create(plan=plan, owner=bob, start_date=None, due_date=today - timedelta(days=1))
    ActionFactory.create(plan=plan, owner=bob, start_date=None, due_date=today + timedelta(days=4))
    ActionFactory.create(plan=plan, owner=bob, start_date=None, due_date=today, status=Action.Status.DONE)
    ActionFactory.create(plan=plan, owner=None, start_date=None, due_date=today)

    assert remind_actions() == 2
    assert remind_actions() == 0  # the same day: nothing again

    titles = sorted(Notification.objects.filter(recipient=bob.user).values_list("title", flat=True))
    assert len(titles) == 2
    assert all(plan.code in t for t in titles)
    # Reminder bookkeeping is not a change of the action: no history record for it.
    assert all(a.history.count() == 1 for a in Action.objects.all())


def test_reminders_come_back_the_next_day(alice: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization)
    action = ActionFactory.create(plan=plan, owner=alice, start_date=None, due_date=timezone.localdate())
    Action.objects.filter(pk=action.pk).update(reminded_on=timezone.localdate() - timedelta(days=1))

    assert remind_actions() == 1


@pytest.fixture
def plan_with_evidence(alice: Membership) -> ActionPlan:
    """A plan with an action carrying one evidence file."""
    plan = PlanFactory.create(organization=alice.organization, owner=alice, title="Circuit des produits de santé")
    ObjectiveFactory.create(plan=plan)
    action = ActionFactory.create(plan=plan, owner=alice, title="Check-list de réception")
    core_services.add_attachment(action, upload=SimpleUploadedFile("checklist-reception.pdf", PDF_BYTES), acting=alice)
    return plan


def test_the_pdf_html_carries_every_step_and_the_evidence(plan_with_evidence: ActionPlan) -> None:
    # pypdf and pdftotext are not installed: we read the HTML that feeds WeasyPrint, then check the PDF.
    html = pdf.plan_pdf_html(plan_with_evidence)

    assert "Circuit des produits de santé" in html
    assert "checklist-reception.pdf" in html
    assert "Check-list de réception" in html
    assert "<svg" in html
    assert pdf.render_plan_pdf(plan_with_evidence).startswith(b"%PDF")


def test_the_pdf_export_runs_as_a_job(
    alice_client: Client, plan_with_evidence: ActionPlan, django_capture_on_commit_callbacks
) -> None:
    address = reverse(
        "plans:plan_export", kwargs={"org_slug": plan_with_evidence.organization.slug, "plan_id": plan_with_evidence.pk}
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(address)

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.progress, job.result_name) == (Job.Status.DONE, 100, f"{plan_with_evidence.code}.pdf")
    content = job.result.read()
    assert content.startswith(b"%PDF")
    # WeasyPrint writes the HTML <title> (code and plan title) into the PDF's compressed metadata.
    metadata = _inflated(content)
    utf16_hex = "Circuit des produits".encode("utf-16-be").hex().encode()
    assert b"Circuit des produits" in metadata or utf16_hex in metadata.lower()


def _inflated(content: bytes) -> bytes:
    """Every Flate stream of the PDF, decompressed (no PDF library is installed to read it otherwise)."""
    parts = []
    for match in re.finditer(rb"stream\r?\n", content):
        try:
            parts.append(zlib.decompressobj().decompress(content[match.end() :]))
        except zlib.error:
            continue
    return b"".join(parts)


def test_the_api_lists_plans_and_actions(alice_client: Client, plan_with_evidence: ActionPlan) -> None:
    slug = plan_with_evidence.organization.slug
    plans = alice_client.get(f"/api/v1/o/{slug}/plans").json()
    assert [p["code"] for p in plans["items"]] == [plan_with_evidence.code]
    detail = alice_client.get(f"/api/v1/o/{slug}/plans/{plan_with_evidence.pk}").json()
    assert detail["objectives"][0]["target_description"]
    assert detail["action_count"] == 1
    actions = alice_client.get(f"/api/v1/o/{slug}/plans/{plan_with_evidence.pk}/actions").json()["items"]
    assert actions[0]["late"] is False
    one = alice_client.get(f"/api/v1/o/{slug}/plans/actions/{actions[0]['id']}").json()
    assert one["title"] == "Check-list de réception"


def test_the_api_answers_404_in_json_for_another_organization(
    charlie_client: Client, charlie: Membership, plan_with_evidence: ActionPlan
) -> None:
    response = charlie_client.get(f"/api/v1/o/{charlie.organization.slug}/plans/{plan_with_evidence.pk}")
    assert response.status_code == 404
    assert "message" in response.json()


def test_the_demo_builds_the_seed_plans_once(db: None) -> None:
    from ameliora.core.demo import build_demo

    build_demo()
    build_demo()

    codes = set(ActionPlan.objects.values_list("code", flat=True))
    assert {"PAQ-TIL-01", "PAQ-TIL-02", "QSE-2026"} <= codes
    products = ActionPlan.objects.get(code="PAQ-TIL-01")
    assert products.objectives.count() >= 1
    assert products.tools.exists()
    assert products.communications.first().acknowledgements.count() >= 3  # type: ignore[union-attr]
    assert products.progress_reviews.exists()
    assert products.revisions.exists()
    assert products.final_review is not None
    assert products.actions.filter(status=Action.Status.DONE).exists()
    assert products.actions.late().exists()


def test_an_action_falling_late_is_announced_to_the_webhooks_once(alice: Membership, bob: Membership) -> None:
    endpoint = webhooks.create_endpoint(
        organization=alice.organization, url="https://bi.example.org/hooks", topics=["action.overdue"], created_by=None
    )
    plan = PlanFactory.create(organization=alice.organization)
    today = timezone.localdate()
    late = ActionFactory.create(plan=plan, owner=bob, start_date=None, due_date=today - timedelta(days=2))
    Action.objects.filter(pk=late.pk).update(reminded_on=today - timedelta(days=2))  # reminded while still on time
    ActionFactory.create(plan=plan, owner=bob, start_date=None, due_date=today + timedelta(days=1))

    remind_actions()
    Action.objects.filter(pk=late.pk).update(reminded_on=today - timedelta(days=1))
    remind_actions()  # "tomorrow": reminded again, but the webhook knows already

    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    data = delivery.payload["data"]["action"]
    assert (data["id"], data["title"], data["due_date"]) == (late.pk, late.title, str(late.due_date))
    assert data["plan"] == {"id": plan.pk, "code": plan.code}
    assert "description" not in data
    assert "owner" not in data
