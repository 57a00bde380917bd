"""Creating indicators, recording many values at once and adding phases through the API."""

import json
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from ameliora.api.urls import api
from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.conftest import ClientFor
from ameliora.core.tests.factories import MembershipFactory
from ameliora.indicators.models import Indicator
from ameliora.indicators.tests.factories import IndicatorFactory, weekly_series
from ameliora.plans.tests.factories import ObjectiveFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

BASE = "/api/v1/o/tilleuls/indicators"
MONDAY = date(2026, 6, 1)


def post(client: Client, url: str, body: object) -> "TestResponse":
    return client.post(url, json.dumps(body), content_type="application/json")


def weeks(values: Sequence[float], *, start: date = MONDAY) -> list[dict[str, Any]]:
    return [{"period_start": (start + timedelta(weeks=k)).isoformat(), "value": v} for k, v in enumerate(values)]


PHARMACY = [6, 7, 5, 6, 6, 7, 5, 6, 2, 1, 2, 1, 2, 1, 2, 1]


def test_create_then_bulk_then_phase_then_the_detail_shows_them(alice: Membership, alice_client: Client) -> None:
    created = post(
        alice_client,
        BASE,
        {
            "name": "Erreurs de délivrance",
            "kind": "count",
            "periodicity": "week",
            "direction": "down",
            "chart": "c",
            "rules": "nhs",
            "target_value": 2,
            "target_date": "2026-12-31",
        },
    )
    assert created.status_code == 201
    detail = created.json()
    assert detail["name"] == "Erreurs de délivrance"
    assert detail["measurements"] == []
    assert detail["status"] == "no_data"
    indicator = Indicator.objects.get(pk=detail["id"])
    assert indicator.owner == alice  # as the page: the member creating it owns it
    assert (indicator.rules, indicator.chart, indicator.indicator_type) == ("nhs", "c", "process")

    url = f"{BASE}/{indicator.pk}"
    # Any day of a week is its Monday, as in an import.
    bulk = post(
        alice_client, f"{url}/measurements/bulk", {"measurements": weeks(PHARMACY, start=MONDAY + timedelta(2))}
    )
    assert bulk.status_code == 201
    assert bulk.json() == {"message": "16 valeur(s) enregistrée(s), 0 remplacée(s).", "created": 16, "replaced": 0}

    ninth = MONDAY + timedelta(weeks=8)
    reading = alice_client.get(url).json()["reading"]
    shift = next(signal for signal in reading["signals"] if signal["rule"] == "shift")
    assert (shift["start"], shift["length"], shift["side"], shift["reference"]) == (
        ninth.isoformat(),
        8,
        "below",
        "own",
    )
    assert reading["current_level"] == pytest.approx(1.5)
    assert reading["suggested_phase"]["start"] == ninth.isoformat()
    phase = post(
        alice_client, f"{url}/phases", {"start": (ninth + timedelta(3)).isoformat(), "label": "Double contrôle"}
    )
    assert phase.status_code == 201
    assert phase.json() == {"id": indicator.phases.get().pk, "start": ninth.isoformat(), "label": "Double contrôle"}

    shown = alice_client.get(url).json()
    assert [m["period_start"] for m in shown["measurements"]] == [
        (MONDAY + timedelta(weeks=k)).isoformat() for k in range(16)
    ]
    assert [float(m["value"]) for m in shown["measurements"]] == PHARMACY
    assert shown["phases"] == [phase.json()]
    assert [result["n_obs"] for result in shown["analysis"]] == [8, 8]
    assert shown["payload"]["phases"] == [0] * 8 + [1] * 8
    assert shown["last_value"] == 1
    assert shown["reading"]["suggested_phase"] is None
    assert shown["reading"]["before_after"]["significant"] is True
    assert shown["reading"]["current_level"] == pytest.approx(1.5)


def test_the_create_form_checks_are_the_page_s(alice: Membership, alice_client: Client, coteaux: Organization) -> None:
    IndicatorFactory.create(organization=alice.organization, name="Erreurs")
    elsewhere = ObjectiveFactory.create(plan__organization=coteaux)
    body = {"name": "Erreurs", "kind": "count", "periodicity": "week", "direction": "down"}

    taken = post(alice_client, BASE, body)
    chart = post(alice_client, BASE, {**body, "name": "Autre", "chart": "p"})
    target = post(alice_client, BASE, {**body, "name": "Taux", "kind": "proportion", "target_value": 120})
    objective = post(alice_client, BASE, {**body, "name": "Autre", "objectives": [elsewhere.pk]})

    assert taken.status_code == 422
    assert taken.json() == {
        "message": "name : Un indicateur porte déjà ce nom.",
        "errors": [{"field": "name", "message": "Un indicateur porte déjà ce nom."}],
    }
    assert chart.status_code == 422
    assert chart.json()["errors"] == [
        {"field": "chart", "message": "Ce graphique ne convient pas à cette nature d'indicateur."}
    ]
    assert target.status_code == 422
    assert [e["field"] for e in target.json()["errors"]] == ["target_value"]
    assert objective.status_code == 422
    assert [e["field"] for e in objective.json()["errors"]] == ["objectives"]
    assert list(Indicator.objects.values_list("name", flat=True)) == ["Erreurs"]


def test_create_links_the_objectives_and_the_owner_given(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    objective = ObjectiveFactory.create(plan__organization=alice.organization)

    response = post(
        alice_client,
        BASE,
        {
            "name": "Délai",
            "kind": "measurement",
            "periodicity": "month",
            "direction": "down",
            "owner": bob.pk,
            "objectives": [objective.pk],
            "unit": "jours",
        },
    )

    assert response.status_code == 201
    indicator = Indicator.objects.get(pk=response.json()["id"])
    assert indicator.owner == bob
    assert list(indicator.objectives.all()) == [objective]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "nombre", "Choisissez parmi : 'yes_no', 'count', 'proportion', 'rate', 'measurement'."),
        ("active", "yes", "Saisissez true ou false."),
        ("name", "a\x00b", "Le caractère nul n’est pas autorisé."),
        ("target_date", "2101-01-01", "Saisissez une date comprise entre le 01/01/1900 et le 31/12/2100."),
        ("multiplier", 0, "Saisissez une valeur supérieure ou égale à 1."),
        # Pydantic alone would read "5" as 5 and 0 as 1970-01-01: the document says integer and date.
        ("multiplier", "5", "Saisissez un nombre entier."),
        ("target_date", 0, "Saisissez une date valide (AAAA-MM-JJ)."),
    ],
)
def test_create_refuses_wrong_types_naming_the_field(
    field: str, value: object, message: str, alice: Membership, alice_client: Client
) -> None:
    body = {"name": "Délai", "kind": "count", "periodicity": "week", "direction": "down", field: value}

    response = post(alice_client, BASE, body)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": field, "message": message}]
    assert not Indicator.objects.exists()


def test_a_bulk_with_one_bad_row_saves_nothing_and_names_each_refused_row(
    alice: Membership, alice_client: Client, tilleuls: Organization
) -> None:
    indicator = weekly_series(tilleuls, [3], start=MONDAY)
    rows = weeks([1, 2, 3, 4], start=MONDAY + timedelta(weeks=1))
    rows[1]["value"] = 2.5  # a count is a whole number
    rows[3]["note"] = "=HYPERLINK(1)"  # refused as in a file import
    rows.append({"period_start": MONDAY.isoformat(), "value": 9})  # already recorded

    response = post(alice_client, f"{BASE}/{indicator.pk}/measurements/bulk", {"measurements": rows})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "measurements.1.value", "message": "Un comptage est un nombre entier, zéro ou plus."},
        {
            "field": "measurements.3.note",
            "message": "La remarque ressemble à une formule de tableur : refusée, jamais évaluée.",
        },
        {
            "field": "measurements.4.period_start",
            "message": "Une valeur est déjà enregistrée pour le 01/06/2026. Cochez « remplacer » pour "
            "l'écraser (l'ancienne valeur reste dans l'historique).",
        },
    ]
    assert indicator.measurements.count() == 1


def test_a_bulk_replaces_recorded_periods_when_asked(
    alice: Membership, alice_client: Client, tilleuls: Organization
) -> None:
    indicator = weekly_series(tilleuls, [3, 4], start=MONDAY)
    body = {"measurements": weeks([5, 6, 7]), "replace": True}

    response = post(alice_client, f"{BASE}/{indicator.pk}/measurements/bulk", body)

    assert response.status_code == 201
    assert response.json()["created"] == 1
    assert response.json()["replaced"] == 2
    assert [m.value for m in indicator.measurements.order_by("period_start")] == [5, 6, 7]


def test_a_bulk_row_of_a_wrong_type_is_named_with_its_index(
    alice: Membership, alice_client: Client, tilleuls: Organization
) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls)
    rows = weeks([1, 2])
    rows[1]["period_start"] = "1899-12-25"

    response = post(alice_client, f"{BASE}/{indicator.pk}/measurements/bulk", {"measurements": rows})
    empty = post(alice_client, f"{BASE}/{indicator.pk}/measurements/bulk", {"measurements": []})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["measurements.1.period_start"]
    assert empty.status_code == 422
    assert [e["field"] for e in empty.json()["errors"]] == ["measurements"]
    assert not indicator.measurements.exists()


def test_a_phase_twice_in_one_period_is_refused_on_start(
    alice: Membership, alice_client: Client, tilleuls: Organization
) -> None:
    indicator = weekly_series(tilleuls, [3, 4, 5, 4], start=MONDAY)
    url = f"{BASE}/{indicator.pk}/phases"

    first = post(alice_client, url, {"start": "2026-06-08", "label": "Double contrôle"})
    again = post(alice_client, url, {"start": "2026-06-10", "label": "Autre"})
    blank = post(alice_client, url, {"start": "2026-06-15", "label": "   "})

    assert first.status_code == 201
    assert again.status_code == 422
    assert again.json()["errors"] == [{"field": "start", "message": "Une phase commence déjà le 08/06/2026."}]
    assert blank.status_code == 422
    assert [e["field"] for e in blank.json()["errors"]] == ["label"]
    assert list(indicator.phases.values_list("label", flat=True)) == ["Double contrôle"]


def test_a_member_without_the_capability_is_refused(
    bob: Membership, bob_client: Client, client_for: ClientFor, tilleuls: Organization
) -> None:
    indicator = weekly_series(tilleuls, [3, 4], start=MONDAY)
    representative = client_for(MembershipFactory.create(organization=tilleuls, roles=[Role.USER_REPRESENTATIVE]))
    body = {"name": "Délai", "kind": "count", "periodicity": "week", "direction": "down"}

    create = post(bob_client, BASE, body)  # a member enters data but does not define indicators
    phase = post(bob_client, f"{BASE}/{indicator.pk}/phases", {"start": "2026-06-08", "label": "Essai"})
    bulk_by_bob = post(
        bob_client,
        f"{BASE}/{indicator.pk}/measurements/bulk",
        {"measurements": weeks([1], start=MONDAY + timedelta(weeks=2))},
    )
    bulk = post(
        representative,
        f"{BASE}/{indicator.pk}/measurements/bulk",
        {"measurements": weeks([1], start=MONDAY + timedelta(weeks=3))},
    )

    assert (create.status_code, phase.status_code, bulk.status_code) == (403, 403, 403)
    assert create.json() == {"message": "Vous n’avez pas le droit de faire cela."}
    assert bulk_by_bob.status_code == 201
    assert Indicator.objects.count() == 1
    assert not indicator.phases.exists()
    assert indicator.measurements.count() == 3


def test_another_organization_gets_404(
    alice: Membership, charlie_client: Client, tilleuls: Organization, coteaux: Organization
) -> None:
    indicator = weekly_series(tilleuls, [3, 4], start=MONDAY)
    body = {"name": "Délai", "kind": "count", "periodicity": "week", "direction": "down"}
    phase = {"start": "2026-06-08", "label": "Essai"}
    bulk = {"measurements": weeks([1], start=MONDAY + timedelta(weeks=2))}

    answers = [
        post(charlie_client, BASE, body),
        post(charlie_client, f"{BASE}/{indicator.pk}/phases", phase),
        post(charlie_client, f"{BASE}/{indicator.pk}/measurements/bulk", bulk),
        # Charlie's own organization does not hold the pharmacy's indicator either.
        post(charlie_client, f"/api/v1/o/coteaux/indicators/{indicator.pk}/phases", phase),
        post(charlie_client, f"/api/v1/o/coteaux/indicators/{indicator.pk}/measurements/bulk", bulk),
    ]

    assert [a.status_code for a in answers] == [404] * 5
    assert {a.json()["message"] for a in answers} == {"Introuvable."}
    assert Indicator.objects.count() == 1
    assert indicator.measurements.count() == 2
    assert not indicator.phases.exists()


def test_the_openapi_document_describes_the_write_operations() -> None:
    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    base = "/api/v1/o/{org_slug}/indicators"

    create = paths[base]["post"]
    bulk = paths[f"{base}/{{indicator_id}}/measurements/bulk"]["post"]
    phase = paths[f"{base}/{{indicator_id}}/phases"]["post"]

    for operation in (create, bulk, phase):
        assert set(operation["responses"]) == {201, 400, 401, 403, 404, 422, 429}
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert {"name", "kind", "periodicity", "direction", "chart", "rules", "target_value", "target_date"} <= set(
        body["properties"]
    )
    assert body["properties"]["kind"]["enum"] == ["yes_no", "count", "proportion", "rate", "measurement"]
    assert body["required"] == ["name", "kind", "periodicity", "direction"]
    rows = bulk["requestBody"]["content"]["application/json"]["schema"]["properties"]["measurements"]
    assert (rows["minItems"], rows["maxItems"]) == (1, 2000)
    assert phase["requestBody"]["content"]["application/json"]["schema"]["required"] == ["start", "label"]
