"""The organization's risk register: every process's risks, filtered as the heat maps count them, exported."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from ameliora.core.models import Membership
from ameliora.core.tests.assertions import page_text
from ameliora.processes.models import Process, Risk, RiskSettings
from ameliora.processes.tests.factories import ProcessFactory, RiskFactory


def register(membership: Membership, **query: object) -> str:
    address = reverse("processes:risk_register", kwargs={"org_slug": membership.organization.slug})
    return address + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def hazards(html: str) -> list[str]:
    return re.findall(r'<a href="/o/[^"]+/processes/risks/\d+/">([^<]+)</a>', html)


@pytest.fixture
def risks(alice: Membership) -> dict[str, Risk]:
    """Two processes; criticities 20 (unacceptable), 12 (unacceptable), 6 (under control), 2 (acceptable)."""
    dispensing = ProcessFactory.create(organization=alice.organization, code="DISP", name="Dispensation")
    stock = ProcessFactory.create(
        organization=alice.organization, code="STOCK", name="Stocks", kind=Process.Kind.SUPPORT
    )
    return {
        "wrong patient": RiskFactory.create(
            process=dispensing,
            hazard="Délivrance au mauvais patient",
            severity=5,
            likelihood=4,
            criticity=20,
            residual_severity=5,
            residual_likelihood=1,
            residual_criticity=5,
        ),
        "expired": RiskFactory.create(process=stock, hazard="Produit périmé délivré", severity=4, likelihood=3),
        "cold chain": RiskFactory.create(
            process=stock, hazard="Rupture de la chaîne du froid", severity=3, likelihood=2, criticity=6
        ),
        "label": RiskFactory.create(
            process=dispensing, hazard="Étiquette illisible", severity=1, likelihood=2, criticity=2
        ),
    }


def test_the_register_lists_every_process_risks_most_critical_first(
    alice_client: Client, alice: Membership, risks: dict[str, Risk]
) -> None:
    html = page_text(alice_client.get(register(alice)))

    assert hazards(html) == [
        "Délivrance au mauvais patient",
        "Produit périmé délivré",
        "Rupture de la chaîne du froid",
        "Étiquette illisible",
    ]
    assert "4 risques" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"zone": "unacceptable"}, ["Délivrance au mauvais patient", "Produit périmé délivré"]),
        ({"zone": "under_control"}, ["Rupture de la chaîne du froid"]),
        ({"zone": "acceptable"}, ["Étiquette illisible"]),
        ({"basis": "residual", "zone": "under_control"}, ["Délivrance au mauvais patient"]),
        ({"basis": "residual", "zone": "unacceptable"}, []),
        ({"severity": 4, "likelihood": 3}, ["Produit périmé délivré"]),
        ({"basis": "residual", "severity": 5, "likelihood": 1}, ["Délivrance au mauvais patient"]),
        ({"q": "froid"}, ["Rupture de la chaîne du froid"]),
    ],
)
def test_filters_narrow_the_register(
    alice_client: Client, alice: Membership, risks: dict[str, Risk], query: dict[str, object], expected: list[str]
) -> None:
    assert hazards(page_text(alice_client.get(register(alice, **query)))) == expected


def test_zones_follow_the_organization_thresholds(
    alice_client: Client, alice: Membership, risks: dict[str, Risk]
) -> None:
    RiskSettings.objects.create(organization=alice.organization, acceptable_max=6, unacceptable_min=15)

    html = page_text(alice_client.get(register(alice, zone="acceptable")))

    assert hazards(html) == ["Rupture de la chaîne du froid", "Étiquette illisible"]


def test_a_process_filter_keeps_one_process(alice_client: Client, alice: Membership, risks: dict[str, Risk]) -> None:
    stock = risks["expired"].process

    assert hazards(page_text(alice_client.get(register(alice, process=stock.pk)))) == [
        "Produit périmé délivré",
        "Rupture de la chaîne du froid",
    ]


def test_a_filter_that_does_not_parse_is_named_and_the_rest_still_applies(
    alice_client: Client, alice: Membership, risks: dict[str, Risk]
) -> None:
    response = alice_client.get(register(alice, severity=9, zone="acceptable"))
    html = page_text(response)

    assert response.status_code == 200
    assert 'id="id_severity_error"' in html
    assert 'aria-invalid="true"' in html or "is-invalid" in html
    assert hazards(html) == ["Étiquette illisible"]


def test_each_heat_map_cell_opens_the_risks_it_counts(
    alice_client: Client, alice: Membership, risks: dict[str, Risk]
) -> None:
    html = page_text(alice_client.get(reverse("processes:home", kwargs={"org_slug": alice.organization.slug})))
    cell = register(alice) + "?basis=gross&amp;severity=4&amp;likelihood=3"
    residual_cell = register(alice) + "?basis=residual&amp;severity=5&amp;likelihood=1"

    assert f'href="{cell}"' in html
    assert f'href="{residual_cell}"' in html
    assert hazards(page_text(alice_client.get(cell.replace("&amp;", "&")))) == ["Produit périmé délivré"]


def test_the_export_holds_the_filtered_risks_with_numbers_and_zones(
    alice_client: Client, alice: Membership, risks: dict[str, Risk]
) -> None:
    address = reverse("processes:risk_register_xlsx", kwargs={"org_slug": alice.organization.slug})

    response = alice_client.get(address + "?zone=unacceptable")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))

    assert response["Content-Disposition"].startswith("attachment;")
    assert rows[0][:3] == ("Processus", "Danger", "Conséquence")
    assert [row[1] for row in rows[1:]] == ["Délivrance au mauvais patient", "Produit périmé délivré"]
    assert rows[1][3:7] == (5, 4, 20, "Inacceptable : agir maintenant")
    assert rows[1][8:12] == (5, 1, 5, "Acceptable sous contrôle")


def test_the_register_pages_the_risks_with_a_bounded_number_of_queries(
    alice_client: Client, alice: Membership, django_assert_max_num_queries: object
) -> None:
    process = ProcessFactory.create(organization=alice.organization)
    for number in range(60):
        RiskFactory.create(process=process, hazard=f"Risque {number:02}")

    with django_assert_max_num_queries(14):  # type: ignore[operator]
        first = page_text(alice_client.get(register(alice)))
    second = page_text(alice_client.get(register(alice, q="Risque", page=2)))

    assert len(hazards(first)) == 25
    assert len(hazards(second)) == 25
    assert "q=Risque&amp;page=3" in second


def test_another_organization_sees_nothing_of_the_register(
    charlie_client: Client, alice: Membership, risks: dict[str, Risk]
) -> None:
    assert charlie_client.get(register(alice)).status_code == 404
    xlsx = reverse("processes:risk_register_xlsx", kwargs={"org_slug": alice.organization.slug})
    assert charlie_client.get(xlsx).status_code == 404
