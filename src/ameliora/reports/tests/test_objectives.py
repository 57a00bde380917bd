"""The annual report says, per plan, which objectives were met, and why an indicator's status may
differ from its last value."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook  # type: ignore[import-untyped]

from ameliora.core import demo
from ameliora.core.models import Membership, Organization
from ameliora.indicators.models import Direction, Kind
from ameliora.indicators.tests.factories import weekly_series
from ameliora.plans.tests.factories import ObjectiveFactory, PlanFactory
from ameliora.reports.annual import annual_report

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def in_french() -> Iterator[None]:
    with translation.override("fr"):
        yield


def _url(name: str, org: Organization) -> str:
    return reverse(f"reports:{name}", kwargs={"org_slug": org.slug})


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ")


@pytest.fixture
def care_service(db: None, monkeypatch: pytest.MonkeyPatch) -> Organization:
    """The demo's plans and indicators (the other modules' demo content plays no part here)."""
    wanted = {"ameliora.plans.demo", "ameliora.indicators.demo"}
    monkeypatch.setattr(demo, "DEMO_BUILDERS", [b for b in demo.DEMO_BUILDERS if b.__module__ in wanted])
    return demo.build_demo()["service-des-coteaux"]


SUMMARY = re.compile(
    r"3 objectifs atteints sur 5 ; non atteint : rendez-vous non honorés \d+,\d+ % pour une cible de 5 % ; 1 en cours"
)


def test_the_care_services_report_says_which_objectives_were_met(care_service: Organization, client_for: Any) -> None:
    report = annual_report(care_service, YEAR)

    [qse] = [p for p in report.objectives if p.plan.code == "QSE-2026"]
    assert SUMMARY.fullmatch(_plain(qse.summary))
    statuses = {a.objective.statement: a.label for a in qse.attainments}
    assert statuses == {
        "Réduire les délais d'attente": "Atteint",
        "Accroître de 20 % la part de patients adressés par leur médecin traitant": "Atteint",
        "Recueillir et tracer les attentes de tous les patients": "Atteint",
        "Accroître la présence des psychologues dans les synthèses": "En cours",
        "Réduire le pourcentage de rendez-vous non honorés": "Non atteint",
    }
    manager = Membership.objects.for_org(care_service).get(user__email="claire.moreau@coteaux.test")
    client: Client = client_for(manager)
    page = _plain(html.unescape(client.get(_url("home", care_service)).content.decode()))
    assert SUMMARY.search(page)
    assert "(plus bas = mieux)" in page
    book = load_workbook(io.BytesIO(client.get(_url("annual_xlsx", care_service)).content))
    rows = [[c.value for c in row] for row in book["Objectifs"].iter_rows(min_row=2)]
    assert ["QSE-2026", "Réduire le pourcentage de rendez-vous non honorés", "Non atteint"] in [r[:3] for r in rows]


def test_a_status_read_on_the_phase_level_says_so_on_its_row(alice: Membership) -> None:
    weekly_series(
        alice.organization,
        [8, 9, 8, 7, 8, 9, 8, 7, 8, 9, 8, 4],
        name="Rendez-vous non honorés",
        kind=Kind.MEASUREMENT,
        direction=Direction.DOWN,
        target_value=Decimal(5),
    )
    weekly_series(alice.organization, [3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4], name="Chutes", target_value=Decimal(5))

    lines = {line.indicator.name: line for line in annual_report(alice.organization, YEAR).indicators}

    assert _plain(lines["Rendez-vous non honorés"].note) == (
        "Le statut se lit sur le niveau de la phase en cours, 7,75, qui n'atteint pas encore la cible 5 ; "
        "seule la dernière valeur, 4, l'atteint."
    )
    assert lines["Chutes"].note == ""


def test_the_objectives_section_costs_the_same_queries_for_more_plans(
    alice: Membership, alice_client: Client, django_assert_max_num_queries: Any
) -> None:
    def plan_with_objective(k: int) -> None:
        objective = ObjectiveFactory.create(
            plan=PlanFactory.create(organization=alice.organization, owner=alice),
            deadline=timezone.localdate() - timedelta(days=1),
        )
        indicator = weekly_series(
            alice.organization, [8, 9, 8, 7, 8, 9, 8, 7, 8, 9, 8, 4], name=f"Indicateur {k}", target_value=Decimal(5)
        )
        indicator.objectives.add(objective)

    plan_with_objective(0)
    alice_client.get(_url("home", alice.organization))  # warm caches
    with django_assert_max_num_queries(80) as one:
        alice_client.get(_url("home", alice.organization))
    for k in range(1, 5):
        plan_with_objective(k)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = alice_client.get(_url("home", alice.organization))
    assert len(response.context["report"].objectives) == 5
