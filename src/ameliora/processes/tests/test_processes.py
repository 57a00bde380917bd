"""Process map and risk register: criticity invariants, zones, pages, permissions, risk → action."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Link, Membership, Role
from ameliora.core.tests.assertions import page_text
from ameliora.core.tests.factories import MembershipFactory
from ameliora.indicators.tests.factories import IndicatorFactory
from ameliora.plans.tests.factories import PlanFactory
from ameliora.processes import services
from ameliora.processes.models import Process, Risk, RiskSettings, Zone
from ameliora.processes.tests.factories import ProcessFactory, RiskFactory


def test_saving_a_risk_computes_both_criticities(alice: Membership) -> None:
    process = ProcessFactory.create(organization=alice.organization)
    risk = services.save_risk(
        Risk(
            process=process,
            hazard="Promis oublié",
            severity=3,
            likelihood=4,
            residual_severity=3,
            residual_likelihood=2,
        ),
        acting=alice,
    )
    assert (risk.criticity, risk.residual_criticity) == (12, 6)


def test_the_database_refuses_a_criticity_that_is_not_the_product(alice: Membership) -> None:
    risk = RiskFactory.create(process=ProcessFactory.create(organization=alice.organization))
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(criticity=1)


def test_residual_scores_go_together(alice: Membership) -> None:
    process = ProcessFactory.create(organization=alice.organization)
    with pytest.raises(ValidationError):
        services.save_risk(
            Risk(process=process, hazard="X", severity=2, likelihood=2, residual_severity=1), acting=alice
        )


@pytest.mark.parametrize(
    ("criticity", "zone"),
    [
        (1, Zone.ACCEPTABLE),
        (4, Zone.ACCEPTABLE),
        (5, Zone.UNDER_CONTROL),
        (11, Zone.UNDER_CONTROL),
        (12, Zone.UNACCEPTABLE),
        (25, Zone.UNACCEPTABLE),
    ],
)
def test_default_zones(tilleuls, criticity: int, zone: str) -> None:
    assert RiskSettings.for_org(tilleuls).zone(criticity) == zone


def test_an_organization_sets_its_own_thresholds(alice: Membership) -> None:
    services.set_thresholds(acting=alice, acceptable_max=6, unacceptable_min=15)
    assert RiskSettings.for_org(alice.organization).zone(6) == Zone.ACCEPTABLE
    with pytest.raises(ValidationError):
        services.set_thresholds(acting=alice, acceptable_max=15, unacceptable_min=10)


def test_the_map_draws_three_bands_and_the_patient(alice_client: Client, alice: Membership) -> None:
    for kind, code in (
        (Process.Kind.MANAGEMENT, "M1"),
        (Process.Kind.OPERATIONAL, "R1"),
        (Process.Kind.OPERATIONAL, "R2"),
        (Process.Kind.SUPPORT, "S1"),
    ):
        ProcessFactory.create(organization=alice.organization, kind=kind, code=code, name=f"Processus {code}")
    RiskFactory.create(process=Process.objects.get(code="R1"), severity=5, likelihood=5, criticity=25)

    html = page_text(alice_client.get(reverse("processes:home", kwargs={"org_slug": alice.organization.slug})))

    assert html.count("<polygon") == 2  # operational processes are chevrons of the flow
    assert "marker-end" in html
    assert html.count(">Patient<") == 2
    for code in ("M1", "R1", "R2", "S1"):
        assert f"Processus {code}" in html
    assert 'class="zone-unacceptable"' in html  # the heat map cell of the 5 x 5 risk


def test_the_process_page_shows_risks_and_the_actions_opened_for_them(alice_client: Client, alice: Membership) -> None:
    risk = RiskFactory.create(
        process=ProcessFactory.create(organization=alice.organization), hazard="Erreur au comptoir"
    )
    plan = PlanFactory.create(organization=alice.organization)
    address = reverse("processes:risk_open_action", kwargs={"org_slug": alice.organization.slug, "risk_id": risk.pk})

    response = alice_client.post(address, {"plan": plan.pk, "title": "Double contrôle"})

    assert response.status_code == 302
    action = plan.actions.get()
    assert Link.objects.filter(from_id=action.pk, to_id=risk.pk, kind=Link.Kind.SOURCE).exists()
    html = page_text(alice_client.get(risk.process.get_absolute_url()))
    assert "Erreur au comptoir" in html
    assert "Double contrôle" in html


@pytest.mark.parametrize(("role", "status"), [(Role.ADMIN, 302), (Role.PROCESS_PILOT, 302), (Role.MEMBER, 403)])
def test_who_may_add_a_process(client_for, tilleuls, role: Role, status: int) -> None:
    member = MembershipFactory.create(organization=tilleuls, roles=[role])
    response = client_for(member).post(
        reverse("processes:process_create", kwargs={"org_slug": tilleuls.slug}),
        {"kind": "operational", "code": "r9", "name": "Dispensation", "position": 1},
    )
    assert response.status_code == status
    assert Process.objects.filter(code="R9").exists() is (status == 302)


def test_the_risk_form_keeps_typed_values(alice_client: Client, alice: Membership) -> None:
    process = ProcessFactory.create(organization=alice.organization)
    address = reverse("processes:risk_add", kwargs={"org_slug": alice.organization.slug, "process_id": process.pk})

    response = alice_client.post(address, {"hazard": "Rupture de la chaîne du froid", "severity": 9, "likelihood": 2})

    assert response.status_code == 422
    assert 'value="Rupture de la chaîne du froid"' in page_text(response)


def test_an_outsider_gets_404(charlie_client: Client, alice: Membership) -> None:
    process = ProcessFactory.create(organization=alice.organization)
    assert charlie_client.get(process.get_absolute_url()).status_code == 404


def test_the_api_gives_processes_with_risk_zones(alice_client: Client, alice: Membership) -> None:
    risk = RiskFactory.create(process=ProcessFactory.create(organization=alice.organization))
    slug = alice.organization.slug
    listed = alice_client.get(f"/api/v1/o/{slug}/processes").json()["items"]
    detail = alice_client.get(f"/api/v1/o/{slug}/processes/{risk.process_id}").json()
    assert listed[0]["code"] == risk.process.code
    assert detail["risks"][0] == {
        "id": risk.pk,
        "hazard": risk.hazard,
        "severity": 4,
        "likelihood": 3,
        "criticity": 12,
        "residual_criticity": None,
        "zone": "unacceptable",
    }


def test_the_demo_map_has_five_pilots_in_the_care_service(db: None) -> None:
    from ameliora.core.demo import build_demo

    organizations = build_demo()
    processes = Process.objects.for_org(organizations["service-des-coteaux"])
    assert processes.count() == 5
    assert processes.values("pilot").distinct().count() == 5
    assert Risk.objects.for_org(organizations["service-des-coteaux"]).count() >= 3


def test_a_process_lists_its_indicators_and_refuses_another_organizations(
    alice: Membership, charlie: Membership, alice_client: Client
) -> None:
    process = ProcessFactory.create(organization=alice.organization)
    mine = IndicatorFactory.create(organization=alice.organization, name="Délai de traitement des ordonnances")
    foreign = IndicatorFactory.create(organization=charlie.organization)

    services.save_process(process, acting=alice, indicators=[mine])
    with pytest.raises(ValidationError):
        services.save_process(process, acting=alice, indicators=[foreign])

    assert list(process.indicators.all()) == [mine]
    page = alice_client.get(process.get_absolute_url()).content.decode()
    assert mine.get_absolute_url() in page
