"""An objective's status follows its indicators, on the plan page and the indicator page; a target
that disagrees with the objective's is shown on both, with a one-click "align"."""

from __future__ import annotations

import html
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ameliora.core.models import Membership
from ameliora.indicators.models import Indicator
from ameliora.indicators.tests.factories import weekly_series
from ameliora.plans.models import Objective
from ameliora.plans.tests.factories import ObjectiveFactory, PlanFactory

TODAY = timezone.localdate()
START = TODAY - timedelta(weeks=20)


def _series(alice: Membership, name: str, values: list[float], **fields: Any) -> Indicator:
    return weekly_series(alice.organization, values, start=START - timedelta(days=START.weekday()), name=name, **fields)


@pytest.fixture
def objective(alice: Membership) -> Objective:
    """Missed appointments under 5 by a deadline already passed."""
    plan = PlanFactory.create(organization=alice.organization, owner=alice)
    return ObjectiveFactory.create(
        plan=plan, statement="Réduire les rendez-vous non honorés", deadline=TODAY - timedelta(days=1)
    )


@pytest.fixture
def missed(alice: Membership, objective: Objective) -> Indicator:
    """A count around 8 a week, lower is better, target 5: not met."""
    indicator = _series(alice, "Rendez-vous non honorés", [8, 9, 8, 7, 8, 9, 8, 7, 8, 9, 8, 8], target_value=5)
    indicator.objectives.add(objective)
    return indicator


def _align_url(objective: Objective, indicator: Indicator) -> str:
    return reverse(
        "indicators:objective_align",
        kwargs={"org_slug": objective.organization.slug, "objective_id": objective.pk, "indicator_id": indicator.pk},
    )


def _text(client: Client, url: str) -> str:
    return html.unescape(client.get(url).content.decode()).replace("\u00a0", " ")


def test_the_plan_page_and_the_indicator_page_say_not_met_and_why(
    alice_client: Client, objective: Objective, missed: Indicator
) -> None:
    day = objective.deadline.strftime("%d/%m/%Y")  # type: ignore[union-attr]
    rule = f"Rendez-vous non honorés : niveau 8,08 > cible 5 (plus bas = mieux) au {day} : non atteint."
    plan_page = _text(alice_client, objective.plan.get_absolute_url())
    indicator_page = _text(alice_client, missed.get_absolute_url())

    for page in (plan_page, indicator_page):
        assert rule in page
        assert "Non atteint" in page


def test_before_the_deadline_the_plan_page_says_in_progress(
    alice_client: Client, objective: Objective, missed: Indicator
) -> None:
    objective.deadline = TODAY + timedelta(days=30)
    objective.save()

    page = _text(alice_client, objective.plan.get_absolute_url())

    assert "pas encore atteint, jugé au" in page
    assert "Non atteint" not in page


def test_a_disagreeing_target_is_shown_on_both_pages_and_aligned_in_one_click(
    alice_client: Client, objective: Objective, missed: Indicator
) -> None:
    objective.target_value = Decimal(6)
    objective.save()
    warning = "cible 5 sur l'indicateur, 6 sur l'objectif"

    for url in (objective.plan.get_absolute_url(), missed.get_absolute_url()):
        page = _text(alice_client, url)
        assert warning in page
        assert _align_url(objective, missed) in page

    response = alice_client.post(_align_url(objective, missed), {"back": "indicator"})

    assert response.status_code == 302
    assert response["Location"] == missed.get_absolute_url()
    missed.refresh_from_db()
    assert (missed.target_value, missed.target_date) == (Decimal(6), objective.deadline)
    assert missed.history.first().prev_record.target_value == Decimal(5)
    for url in (objective.plan.get_absolute_url(), missed.get_absolute_url()):
        assert "ne concordent pas" not in _text(alice_client, url)


def test_a_disagreeing_target_date_is_shown_too(alice_client: Client, objective: Objective, missed: Indicator) -> None:
    missed.target_date = date(2020, 6, 30)
    missed.save()

    page = _text(alice_client, objective.plan.get_absolute_url())

    assert "date cible 30/06/2020 sur l'indicateur, échéance" in page


def test_align_is_refused_to_members_without_the_right_and_to_other_organizations(
    alice: Membership,
    bob_client: Client,
    charlie_client: Client,
    alice_client: Client,
    missed: Indicator,
) -> None:
    objective = missed.objectives.get()
    objective.target_value = Decimal(6)
    objective.save()

    assert bob_client.post(_align_url(objective, missed)).status_code == 403
    assert charlie_client.post(_align_url(objective, missed)).status_code == 404
    other = _series(alice, "Chutes", [1, 2, 1], target_value=3)
    alice_client.post(_align_url(objective, other))  # not measuring this objective: refused

    missed.refresh_from_db()
    other.refresh_from_db()
    assert (missed.target_value, other.target_value) == (Decimal(5), Decimal(3))


def test_the_indicator_page_costs_the_same_queries_for_one_or_several_objectives(
    alice: Membership, alice_client: Client, objective: Objective, missed: Indicator, django_assert_max_num_queries: Any
) -> None:
    alice_client.get(missed.get_absolute_url())  # warm caches
    with django_assert_max_num_queries(40) as one:
        assert alice_client.get(missed.get_absolute_url()).status_code == 200
    for k in range(3):
        missed.objectives.add(ObjectiveFactory.create(plan=objective.plan, statement=f"Objectif {k}"))

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert alice_client.get(missed.get_absolute_url()).status_code == 200
