import json
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from ameliora.core.models import Membership, Organization
from ameliora.indicators.models import Indicator
from ameliora.indicators.tests.factories import IndicatorFactory, weekly_series

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def test_list_and_detail_with_analysis(alice_client: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [3, 4, 5, 4, 3], name="Erreurs")
    listing = alice_client.get("/api/v1/o/tilleuls/indicators").json()
    assert [i["name"] for i in listing["items"]] == ["Erreurs"]
    detail = alice_client.get(f"/api/v1/o/tilleuls/indicators/{indicator.pk}").json()
    assert detail["analysis"][0]["n_obs"] == 5
    assert detail["payload"]["chart"] == "c"
    assert len(detail["measurements"]) == 5


def test_post_a_measurement_and_get_json_errors(alice_client: Client, tilleuls: Organization) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls, kind="proportion")
    url = f"/api/v1/o/tilleuls/indicators/{indicator.pk}/measurements"
    ok = alice_client.post(
        url,
        json.dumps({"period_start": "2025-01-08", "numerator": 3, "denominator": 10}),
        content_type="application/json",
    )
    assert ok.status_code == 201
    again = alice_client.post(
        url,
        json.dumps({"period_start": "2025-01-06", "numerator": 3, "denominator": 10}),
        content_type="application/json",
    )
    assert again.status_code == 400
    assert "already recorded" in again.json()["message"] or "déjà" in again.json()["message"]


def test_another_organization_gets_404(charlie_client: Client, tilleuls: Organization) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls)
    assert charlie_client.get(f"/api/v1/o/tilleuls/indicators/{indicator.pk}").status_code == 404
    assert charlie_client.get(f"/api/v1/o/coteaux/indicators/{indicator.pk}").status_code == 404


def post(client: Client, indicator: Indicator, body: str) -> "TestResponse":
    url = f"/api/v1/o/{indicator.organization.slug}/indicators/{indicator.pk}/measurements"
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def measurement_indicator(tilleuls: Organization) -> Indicator:
    """A plain measurement (any decimal value) of the pharmacy, measured weekly."""
    return IndicatorFactory.create(organization=tilleuls, kind="measurement")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e20", "Saisissez un nombre de 18 chiffres au plus en tout."),
        ("1e308", "Saisissez un nombre de 18 chiffres au plus en tout."),
        ("1234567890123.5", "Saisissez un nombre de 12 chiffres au plus avant la virgule."),
        ("999999999999.9999", "Saisissez une valeur inférieure ou égale à 999999999999."),
        ("-999999999999.5", "Saisissez une valeur supérieure ou égale à -999999999999."),
        ("0.1234567", "Saisissez un nombre de 6 chiffres au plus après la virgule."),
        ("Infinity", "Saisissez un nombre fini."),
        ("NaN", "Saisissez un nombre fini."),
        ('"inf"', "Saisissez un nombre."),
        ('"1e5"', "Saisissez un nombre."),
        ("true", "Saisissez un nombre."),
    ],
)
def test_a_value_too_large_or_not_a_plain_number_is_refused_naming_the_field(
    value: str, message: str, alice: Membership, alice_client: Client, measurement_indicator: Indicator
) -> None:
    response = post(alice_client, measurement_indicator, f'{{"period_start": "2025-01-06", "value": {value}}}')

    assert response.status_code == 422
    assert response.json() == {
        "message": f"value : {message}",
        "errors": [{"field": "value", "message": message}],
    }
    assert not measurement_indicator.measurements.exists()


def test_the_largest_value_is_recorded_and_read_back(
    alice: Membership, alice_client: Client, measurement_indicator: Indicator
) -> None:
    response = post(alice_client, measurement_indicator, '{"period_start": "2025-01-06", "value": "999999999999"}')

    assert response.status_code == 201
    assert response.json() == {"message": "Enregistré."}
    assert measurement_indicator.measurements.get().value == Decimal("999999999999")
    assert alice_client.get(f"/o/tilleuls/indicators/{measurement_indicator.pk}/").status_code == 200


def test_a_ratio_too_large_to_store_is_refused(alice: Membership, alice_client: Client, tilleuls: Organization) -> None:
    rate = IndicatorFactory.create(organization=tilleuls, kind="rate")

    response = post(
        alice_client, rate, '{"period_start": "2025-01-06", "numerator": 9999999999, "denominator": 0.0001}'
    )

    assert response.status_code == 400
    assert "trop grande pour être enregistrée" in response.json()["message"]
    assert not rate.measurements.exists()


def test_a_note_longer_than_its_column_is_refused_not_cut(
    alice: Membership, alice_client: Client, measurement_indicator: Indicator
) -> None:
    too_long = post(
        alice_client, measurement_indicator, json.dumps({"period_start": "2025-01-06", "value": 1, "note": "é" * 501})
    )
    just_right = post(
        alice_client, measurement_indicator, json.dumps({"period_start": "2025-01-13", "value": 1, "note": "é" * 500})
    )

    assert too_long.status_code == 422
    assert too_long.json()["errors"] == [{"field": "note", "message": "Saisissez 500 caractères au plus."}]
    assert just_right.status_code == 201
    assert [len(m.note) for m in measurement_indicator.measurements.all()] == [500]


def test_a_null_character_is_refused_as_the_form_refuses_it(
    alice: Membership, alice_client: Client, measurement_indicator: Indicator
) -> None:
    response = post(
        alice_client, measurement_indicator, json.dumps({"period_start": "2025-01-06", "value": 1, "note": "a\x00b"})
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "note", "message": "Le caractère nul n’est pas autorisé."}]
    assert not measurement_indicator.measurements.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_an_implausible_date_is_refused(
    day: str, alice: Membership, alice_client: Client, measurement_indicator: Indicator
) -> None:
    response = post(alice_client, measurement_indicator, json.dumps({"period_start": day, "value": 1}))

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "period_start", "message": "Saisissez une date comprise entre le 01/01/1900 et le 31/12/2100."}
    ]
    assert alice_client.get(f"/o/tilleuls/indicators/{measurement_indicator.pk}/").status_code == 200


def test_a_body_that_is_not_json_is_refused(
    alice: Membership, alice_client: Client, measurement_indicator: Indicator
) -> None:
    response = post(alice_client, measurement_indicator, "period_start=2025-01-06")

    assert response.status_code == 422
    assert response.json() == {
        "message": "body : Le corps de la requête n’est pas du JSON valide.",
        "errors": [{"field": "body", "message": "Le corps de la requête n’est pas du JSON valide."}],
    }


def patch(client: Client, url: str, body: dict[str, object]) -> "TestResponse":
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_an_exclusion_reason_is_refused_if_too_long_or_with_a_null_character(
    alice: Membership, alice_client: Client, tilleuls: Organization
) -> None:
    indicator = weekly_series(tilleuls, [3, 4, 5, 4, 3, 4, 5, 4, 3, 4, 5, 4])
    url = f"/api/v1/o/tilleuls/indicators/{indicator.pk}/measurements/2025-01-06"

    too_long = patch(alice_client, url, {"excluded": True, "exclusion_reason": "x" * 301})
    nul = patch(alice_client, url, {"excluded": True, "exclusion_reason": "panne\x00"})

    assert too_long.status_code == 422
    assert too_long.json()["errors"] == [{"field": "exclusion_reason", "message": "Saisissez 300 caractères au plus."}]
    assert nul.status_code == 422
    assert nul.json()["errors"][0]["field"] == "exclusion_reason"
    assert not indicator.measurements.filter(excluded=True).exists()


def test_implausible_dates_in_a_freeze_or_a_period_are_refused(
    alice: Membership, alice_client: Client, tilleuls: Organization
) -> None:
    indicator = weekly_series(tilleuls, [3, 4, 5, 4])
    base = f"/api/v1/o/tilleuls/indicators/{indicator.pk}"

    freeze = patch(alice_client, base, {"freeze_until": "0001-01-01"})
    period = patch(alice_client, f"{base}/measurements/9999-12-31", {"excluded": False})
    nothing = patch(alice_client, base, {})

    assert freeze.status_code == 422
    assert freeze.json()["errors"][0]["field"] == "freeze_until"
    assert period.status_code == 422
    assert period.json()["errors"][0]["field"] == "period_start"
    assert nothing.status_code == 422
    [error] = nothing.json()["errors"]
    assert error["field"] == "body"
    assert error["message"].startswith("Rien à modifier : indiquez freeze_points ou freeze_until")
