"""A frozen baseline and explained outliers left out of the limits: model, services, pages, API, demo."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Organization
from ameliora.indicators import services
from ameliora.indicators.analysis import analyse_indicator, build_series, payload_for
from ameliora.indicators.models import Indicator, Kind, Measurement
from ameliora.indicators.tests.factories import MONDAY, weekly_series

pytestmark = pytest.mark.django_db

BASELINE = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11]
LATER = [14, 15, 14, 16, 15, 14, 15, 17, 14, 15]


def week(k: int) -> date:
    return MONDAY + timedelta(weeks=k)


def measurement(indicator: Indicator, k: int) -> Measurement:
    return indicator.measurements.get(period_start=week(k))


def url(name: str, indicator: Indicator, **kwargs: object) -> str:
    return reverse(
        f"indicators:{name}",
        kwargs={"org_slug": indicator.organization.slug, "indicator_id": indicator.pk, **kwargs},
    )


# --- Model and services -------------------------------------------------------------------------


def test_an_excluded_measurement_needs_a_reason_in_the_database(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [3, 4, 5])
    row = measurement(indicator, 1)
    row.excluded = True

    with pytest.raises(IntegrityError):
        row.save()


def test_freezing_by_number_of_values_stores_the_last_period_and_derives_the_count(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, BASELINE + LATER, kind=Kind.MEASUREMENT)

    services.freeze_baseline(indicator, points=10)

    indicator.refresh_from_db()
    assert indicator.freeze_until == week(9)
    assert indicator.baseline_points(m.period_start for m in indicator.measurements.all()) == 10
    # A value added before the baseline (a late entry) keeps the same baseline: up to week 9.
    services.save_measurement(indicator, services.MeasurementInput(week(-1), value=Decimal(11)), acting_user=None)
    assert indicator.baseline_points(m.period_start for m in indicator.measurements.all()) == 11


def test_freezing_by_date_takes_the_period_of_any_day_in_it(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, BASELINE + LATER, kind=Kind.MEASUREMENT)

    services.freeze_baseline(indicator, until=week(9) + timedelta(days=3))

    assert indicator.freeze_until == week(9)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"points": 1}, "freeze_points", "between 2 and 20"),
        ({"points": 21}, "freeze_points", "between 2 and 20"),
        ({"until": MONDAY}, "freeze_until", "at least 2 values; 1 recorded up to 06/01/2025"),
        ({"points": 12}, "freeze_points", "A phase starts on 24/03/2025"),
        ({"points": 10, "until": week(3)}, "freeze_until", "The first 10 values end on 10/03/2025"),
    ],
)
def test_a_freeze_that_cannot_hold_is_refused_with_a_message_on_its_field(
    tilleuls: Organization, change: dict[str, object], field: str, message: str
) -> None:
    indicator = weekly_series(tilleuls, BASELINE + LATER, kind=Kind.MEASUREMENT, phase_at=11)

    with pytest.raises(ValidationError) as error:
        services.freeze_baseline(indicator, **change)  # type: ignore[arg-type]

    assert message in " ".join(error.value.message_dict[field])
    indicator.refresh_from_db()
    assert indicator.freeze_until is None


def test_the_payload_freezes_the_baseline_and_excludes_the_explained_values(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [*BASELINE[:4], 40, *BASELINE[5:], *LATER], kind=Kind.MEASUREMENT)
    services.freeze_baseline(indicator, points=10)
    services.exclude_measurement(measurement(indicator, 4), reason="Panne informatique")

    rows = list(indicator.measurements.all())
    payload = payload_for(indicator, build_series(indicator, rows, []))

    assert (payload["freeze"], payload["exclude"]) == (10, [5])
    (result,) = analyse_indicator(indicator, rows).results
    # CL = mean of the 9 baseline values left: (115 - 12) / 9; the outlier neither counts nor signals.
    assert result["cl"] == pytest.approx(103 / 9)
    assert result["sigma_signal"][4] is None
    assert result["special_cause"][4] is False


def test_excluding_keeps_the_reason_in_the_history_and_including_clears_it(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [4, 5, 30, 4, 5, 6])
    row = measurement(indicator, 2)

    services.exclude_measurement(row, reason="  Panne   du logiciel  ")
    services.include_measurement(row)

    row.refresh_from_db()
    assert (row.excluded, row.exclusion_reason) == (False, "")
    assert [(h.excluded, h.exclusion_reason) for h in row.history.order_by("history_date")][-2:] == [
        (True, "Panne du logiciel"),
        (False, ""),
    ]


def test_an_exclusion_without_reason_or_leaving_too_few_values_is_refused(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [4, 5, 6])
    services.exclude_measurement(measurement(indicator, 0), reason="Double saisie")

    with pytest.raises(ValidationError, match="Say why"):
        services.exclude_measurement(measurement(indicator, 1), reason="   ")
    with pytest.raises(ValidationError, match="too few values"):
        services.exclude_measurement(measurement(indicator, 1), reason="Autre panne")
    assert indicator.measurements.filter(excluded=True).count() == 1


# --- Pages --------------------------------------------------------------------------------------


def test_the_indicator_form_freezes_by_number_of_values(alice_client: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, BASELINE + LATER, kind=Kind.MEASUREMENT, name="Délai")
    form = alice_client.get(url("edit", indicator)).content.decode()
    assert 'name="freeze_points"' in form
    assert 'name="freeze_until"' in form

    data = {
        "name": "Délai",
        "kind": "measurement",
        "indicator_type": "process",
        "periodicity": "week",
        "direction": "down",
        "multiplier": "1000",
        "rules": "anhoej",
        "active": "on",
        "freeze_points": "10",
    }
    response = alice_client.post(url("edit", indicator), data)

    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.freeze_until == week(9)
    # Too many values: the form comes back with the typed number and the reason.
    refused = alice_client.post(url("edit", indicator), {**data, "freeze_points": "25"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'value="25"' in page
    assert "entre 2 et 20" in page


def test_the_page_marks_the_frozen_baseline_and_the_excluded_value_on_chart_and_table(
    alice_client: Client, tilleuls: Organization
) -> None:
    indicator = weekly_series(tilleuls, [*BASELINE[:4], 40, *BASELINE[5:], *LATER], kind=Kind.MEASUREMENT)
    services.freeze_baseline(indicator, points=10)
    services.exclude_measurement(measurement(indicator, 4), reason="Panne du logiciel d'officine")

    page = alice_client.get(url("detail", indicator)).content.decode()

    assert 'class="freeze-boundary"' in page
    assert "Référence figée" in page  # the line's label and the legend
    assert page.count('class="point excluded"') == 1
    assert "Exclu des limites (expliqué)" in page  # legend of the hollow square
    assert "Référence figée sur les 10 premières valeurs" in page
    assert "laissée hors des limites" in page  # the table's mark, in words
    assert "Panne du logiciel d&#x27;officine" in page
    assert "Compter à nouveau dans les limites" in page


def test_a_member_excludes_a_value_with_a_required_reason_and_counts_it_again(
    bob_client: Client, tilleuls: Organization
) -> None:
    indicator = weekly_series(tilleuls, [4, 5, 30, 4, 5, 6])
    row = measurement(indicator, 2)
    exclude_url = url("measurement_exclude", indicator, measurement_id=row.pk)

    assert bob_client.get(exclude_url).status_code == 200
    empty = bob_client.post(exclude_url, {"exclusion_reason": ""})
    assert empty.status_code == 422
    assert "Ce champ est obligatoire" in empty.content.decode()

    assert bob_client.post(exclude_url, {"exclusion_reason": "Inventaire compté deux fois"}).status_code == 302
    row.refresh_from_db()
    assert (row.excluded, row.exclusion_reason) == (True, "Inventaire compté deux fois")

    assert bob_client.post(url("measurement_include", indicator, measurement_id=row.pk)).status_code == 302
    row.refresh_from_db()
    assert row.excluded is False


def test_another_organization_cannot_exclude_a_value(charlie_client: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [4, 5, 30, 4])
    row = measurement(indicator, 2)

    response = charlie_client.post(
        url("measurement_exclude", indicator, measurement_id=row.pk), {"exclusion_reason": "x"}
    )

    assert response.status_code == 404
    row.refresh_from_db()
    assert row.excluded is False


# --- API ----------------------------------------------------------------------------------------


def test_the_api_freezes_the_baseline_and_excludes_a_value(alice_client: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [*BASELINE[:4], 40, *BASELINE[5:], *LATER], kind=Kind.MEASUREMENT)
    base = f"/api/v1/o/tilleuls/indicators/{indicator.pk}"

    frozen = alice_client.patch(base, json.dumps({"freeze_points": 10}), content_type="application/json")
    excluded = alice_client.patch(
        f"{base}/measurements/{week(4) + timedelta(days=2)}",
        json.dumps({"excluded": True, "exclusion_reason": "Panne informatique"}),
        content_type="application/json",
    )
    detail = alice_client.get(base).json()

    assert frozen.status_code == 200
    assert frozen.json()["freeze"] == {"until": "2025-03-10", "points": 10}
    assert excluded.status_code == 200
    assert excluded.json()["excluded"] is True
    assert detail["excluded_points"] == [{"period_start": "2025-02-03", "reason": "Panne informatique"}]
    assert detail["payload"]["freeze"] == 10
    assert detail["payload"]["exclude"] == [5]
    assert detail["analysis"][0]["freeze"] == 10
    assert detail["analysis"][0]["excluded"][4] is True

    unfrozen = alice_client.patch(base, json.dumps({"freeze_points": None}), content_type="application/json")
    assert unfrozen.json()["freeze"] is None


def test_the_api_refuses_a_bad_freeze_or_exclusion_with_a_json_message(
    alice_client: Client, bob_client: Client, tilleuls: Organization
) -> None:
    indicator = weekly_series(tilleuls, [4, 5, 6, 5])
    base = f"/api/v1/o/tilleuls/indicators/{indicator.pk}"

    too_many = alice_client.patch(base, json.dumps({"freeze_points": 9}), content_type="application/json")
    nothing = alice_client.patch(base, json.dumps({}), content_type="application/json")
    no_reason = alice_client.patch(
        f"{base}/measurements/2025-01-06", json.dumps({"excluded": True}), content_type="application/json"
    )
    no_value = alice_client.patch(
        f"{base}/measurements/2026-01-05",
        json.dumps({"excluded": True, "exclusion_reason": "x"}),
        content_type="application/json",
    )
    member = bob_client.patch(base, json.dumps({"freeze_points": 3}), content_type="application/json")

    assert too_many.status_code == 400
    assert "between 2 and 4" in too_many.json()["message"] or "entre 2 et 4" in too_many.json()["message"]
    assert nothing.status_code == 422
    assert no_reason.status_code == 400
    assert no_value.status_code == 404
    assert member.status_code == 403
    assert not Measurement.objects.filter(indicator=indicator, excluded=True).exists()


def test_the_api_answers_404_to_another_organization(charlie_client: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [4, 5, 6, 5])

    response = charlie_client.patch(
        f"/api/v1/o/tilleuls/indicators/{indicator.pk}",
        json.dumps({"freeze_points": 3}),
        content_type="application/json",
    )

    assert response.status_code == 404
    indicator.refresh_from_db()
    assert indicator.freeze_until is None
