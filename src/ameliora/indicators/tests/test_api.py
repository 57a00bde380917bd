import json

import pytest
from django.test import Client

from ameliora.core.models import Organization
from ameliora.indicators.tests.factories import IndicatorFactory, weekly_series

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
