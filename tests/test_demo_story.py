"""The demo tells each story in the seeds' order (issue 18): a newcomer who reads one organization's
pages meets no self-assessment dated after the plans it justified, no improvement before the people who
made it arrived, no objective whose target contradicts its indicator's, no meeting "held" without minutes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.management import call_command
from pytest_django import DjangoDbBlocker

from ameliora.assessments.models import Campaign
from ameliora.core.demo import build_demo
from ameliora.core.models import Organization
from ameliora.documents.models import Document, DocumentKind
from ameliora.indicators.models import Indicator
from ameliora.learning.models import LearningSituation
from ameliora.meetings.models import ExchangeSpace, Session
from ameliora.plans.models import ActionPlan, Objective
from ameliora.processes.models import Process


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The demo, built once for this module (it takes a while), and removed after it."""
    with django_db_blocker.unblock():
        build_demo()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def pharmacy(demo: None, db: None) -> Organization:
    return Organization.objects.get(slug="pharmacie-des-tilleuls")


def test_the_interns_self_assessment_comes_before_the_plans_it_justified(pharmacy: Organization) -> None:
    arrival = LearningSituation.objects.for_org(pharmacy).order_by("period_start").first()
    campaign = Campaign.objects.for_org(pharmacy).get(name="Auto-évaluation DQO — premier mois de stage")
    plans = ActionPlan.objects.for_org(pharmacy).filter(code__in=["PAQ-TIL-01", "PAQ-TIL-02"])

    assert arrival is not None
    assert arrival.period_start is not None
    assert arrival.period_start <= campaign.period_start
    assert len(plans) == 2
    for plan in plans:
        assert plan.start_date is not None
        assert campaign.period_end < plan.start_date, plan.code


def test_the_double_check_counts_from_after_the_interns_arrival_and_the_plan(pharmacy: Organization) -> None:
    arrival = LearningSituation.objects.for_org(pharmacy).order_by("period_start").first()
    plan = ActionPlan.objects.for_org(pharmacy).get(code="PAQ-TIL-01")
    for name in ("Double contrôle des ordonnances en place", "Erreurs de dispensation par semaine"):
        phase = Indicator.objects.for_org(pharmacy).get(name=name).phases.get()
        assert arrival is not None
        assert arrival.period_start is not None
        assert phase.start > arrival.period_start, name
        assert plan.start_date is not None
        assert phase.start > plan.start_date, name


def test_objective_targets_agree_with_their_indicators(demo: None, db: None) -> None:
    checked = 0
    for objective in Objective.objects.filter(indicators__isnull=False).distinct():
        targets = {i.target_value for i in Indicator.objects.filter(objectives=objective)}
        if objective.target_value is not None:
            assert targets == {objective.target_value}, objective.statement
        for number in re.findall(r"[≤≥<>]\s*(\d+(?:[.,]\d+)?)", objective.target_description):
            assert Decimal(number.replace(",", ".")) in targets, (objective.statement, number)
        checked += 1
    assert checked >= 5


def test_every_held_session_has_minutes_and_every_quality_circle_session_decisions(demo: None, db: None) -> None:
    held = Session.objects.filter(status=Session.Status.HELD).select_related("space")

    assert held.exists()
    for session in held:
        assert session.summary.strip() or session.items.exclude(minutes="").exists(), str(session)
        if session.space.kind == ExchangeSpace.Kind.QUALITY_CIRCLE:
            assert session.decisions.exists(), str(session)


def test_the_care_service_has_a_qse_manual_and_process_pages_with_indicators_and_documents(
    demo: None, db: None
) -> None:
    service = Organization.objects.get(slug="service-des-coteaux")
    processes = {p.code: p for p in Process.objects.for_org(service)}

    assert Document.objects.for_org(service).filter(kind=DocumentKind.QUALITY_MANUAL).exists()
    assert processes["M1"].documents.exists()
    assert processes["R1"].documents.exists()
    for code in ("R1", "R2", "S1"):
        assert processes[code].indicators.exists(), code
