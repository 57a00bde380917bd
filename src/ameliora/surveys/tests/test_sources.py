"""Survey sources narrowed to one questionnaire: values, the indicator form, recompute."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ameliora.core.models import Membership, Organization
from ameliora.indicators import services as indicator_services
from ameliora.indicators.forms import IndicatorForm
from ameliora.indicators.models import Indicator, Kind
from ameliora.indicators.sources import get_source
from ameliora.indicators.tests.factories import IndicatorFactory
from ameliora.surveys import sources
from ameliora.surveys.models import Questionnaire
from ameliora.surveys.tests.factories import (
    AnswerFactory,
    CampaignFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

# A day of last month: a completed period the daily job recomputes.
DAY = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=10)


def _answered(questionnaire: Questionnaire, values: list[int]) -> None:
    """One response per value, on ``DAY``, each answering one agreement question."""
    campaign = CampaignFactory.create(questionnaire=questionnaire)
    likert = QuestionFactory.create(questionnaire=questionnaire)
    submitted = datetime.combine(DAY, time(12), tzinfo=timezone.get_default_timezone())
    for value in values:
        response = ResponseFactory.create(campaign=campaign, submitted_at=submitted)
        AnswerFactory.create(response=response, question=likert, number=Decimal(value), text="")


@pytest.fixture
def two_surveys(tilleuls: Organization) -> tuple[Questionnaire, Questionnaire]:
    patients = QuestionnaireFactory.create(organization=tilleuls, title="Patients")
    doctors = QuestionnaireFactory.create(organization=tilleuls, title="Médecins adresseurs")
    _answered(patients, [5, 4, 4, 2])
    _answered(doctors, [1, 2])
    return patients, doctors


def test_a_questionnaire_narrows_both_sources(
    tilleuls: Organization, two_surveys: tuple[Questionnaire, Questionnaire]
) -> None:
    patients, doctors = two_surveys
    assert sources.satisfaction_rate(tilleuls, DAY, DAY, "day") == (3, 6)
    assert sources.satisfaction_rate(tilleuls, DAY, DAY, "day", parameter=str(patients.pk)) == (3, 4)
    assert sources.satisfaction_rate(tilleuls, DAY, DAY, "day", parameter=str(doctors.pk)) == (0, 2)
    assert sources.responses_in_period(tilleuls, DAY, DAY, "day") == (6, None)
    assert sources.responses_in_period(tilleuls, DAY, DAY, "day", parameter=str(doctors.pk)) == (2, None)


def test_another_organizations_questionnaire_counts_nothing(
    tilleuls: Organization, coteaux: Organization, two_surveys: tuple[Questionnaire, Questionnaire]
) -> None:
    foreign = QuestionnaireFactory.create(organization=coteaux)
    _answered(foreign, [5, 5])
    assert sources.satisfaction_rate(tilleuls, DAY, DAY, "day", parameter=str(foreign.pk)) == (None, None)
    assert sources.responses_in_period(coteaux, DAY, DAY, "day", parameter=str(two_surveys[0].pk)) == (0, None)
    assert sources.responses_in_period(tilleuls, DAY, DAY, "day", parameter="not-a-number") == (0, None)


def test_the_choices_are_the_organizations_questionnaires(
    tilleuls: Organization, coteaux: Organization, two_surveys: tuple[Questionnaire, Questionnaire]
) -> None:
    QuestionnaireFactory.create(organization=coteaux, title="Ailleurs")
    source = get_source("surveys.satisfaction_rate")
    assert source is not None
    assert sorted(label for _pk, label in source.parameter_choices(tilleuls)) == ["Médecins adresseurs", "Patients"]


def test_recompute_uses_the_indicators_questionnaire(
    tilleuls: Organization, two_surveys: tuple[Questionnaire, Questionnaire]
) -> None:
    patients, _doctors = two_surveys
    pooled = IndicatorFactory.create(
        organization=tilleuls, kind=Kind.PROPORTION, periodicity="month", data_source="surveys.satisfaction_rate"
    )
    narrowed = IndicatorFactory.create(
        organization=tilleuls,
        kind=Kind.PROPORTION,
        periodicity="month",
        data_source="surveys.satisfaction_rate",
        source_parameter=str(patients.pk),
    )
    assert indicator_services.recompute_all_sources([tilleuls]) == 2  # the daily job
    assert pooled.measurements.values_list("numerator", "denominator").get() == (Decimal(3), Decimal(6))
    assert narrowed.measurements.values_list("numerator", "denominator").get() == (Decimal(3), Decimal(4))
    indicator_services.recompute_from_source(narrowed)  # the "Recompute" button
    assert narrowed.measurements.values_list("numerator", "denominator").get() == (Decimal(3), Decimal(4))


# --- the indicator form ---------------------------------------------------------------------------


def _data(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Satisfaction des patients",
        "kind": "proportion",
        "indicator_type": "outcome",
        "periodicity": "quarter",
        "direction": "up",
        "multiplier": "1000",
        "rules": "anhoej",
        "active": "on",
        "data_source": "surveys.satisfaction_rate",
        "source_parameter_for": "surveys.satisfaction_rate",
        **extra,
    }


def test_the_form_keeps_a_questionnaire_of_the_organization(
    tilleuls: Organization, two_surveys: tuple[Questionnaire, Questionnaire]
) -> None:
    patients, _doctors = two_surveys
    form = IndicatorForm(_data(source_parameter=str(patients.pk)), organization=tilleuls)
    assert form.is_valid(), form.errors
    assert form.save().source_parameter == str(patients.pk)
    pooled = IndicatorForm(_data(name="Toutes enquêtes", source_parameter=""), organization=tilleuls)
    assert pooled.is_valid(), pooled.errors


def test_the_form_refuses_another_organizations_questionnaire(tilleuls: Organization, coteaux: Organization) -> None:
    foreign = QuestionnaireFactory.create(organization=coteaux)
    form = IndicatorForm(_data(source_parameter=str(foreign.pk)), organization=tilleuls)
    assert not form.is_valid()
    assert "source_parameter" in form.errors


def test_a_source_changed_without_javascript_asks_for_its_filter(tilleuls: Organization) -> None:
    """The select shown was the previous source's (none): the form says so and now offers the questionnaires."""
    patients = QuestionnaireFactory.create(organization=tilleuls, title="Patients")
    form = IndicatorForm(_data(source_parameter_for=""), organization=tilleuls)
    assert not form.is_valid()
    assert "source_parameter" in form.errors
    assert (str(patients.pk), "Patients") in form.fields["source_parameter"].choices  # type: ignore[attr-defined]
    assert form.offered_source == "surveys.satisfaction_rate"


def test_a_source_without_filter_clears_it(tilleuls: Organization) -> None:
    indicator = IndicatorFactory.create(
        organization=tilleuls, data_source="surveys.satisfaction_rate", source_parameter="12"
    )
    form = IndicatorForm(
        _data(data_source="", source_parameter="12", source_parameter_for=""), instance=indicator, organization=tilleuls
    )
    assert form.is_valid(), form.errors
    assert form.save().source_parameter == ""


def test_the_pages_offer_and_refuse(alice: Membership, alice_client: Client, coteaux: Organization) -> None:
    org = alice.organization
    patients = QuestionnaireFactory.create(organization=org, title="Patients du service")
    foreign = QuestionnaireFactory.create(organization=coteaux, title="Questionnaire d’ailleurs")
    create = reverse("indicators:create", kwargs={"org_slug": org.slug})

    refreshed = alice_client.get(create, {"data_source": "surveys.satisfaction_rate"}).content.decode()
    assert "Patients du service" in refreshed
    assert "Questionnaire d’ailleurs" not in refreshed
    assert 'id="source-parameter"' in alice_client.get(create).content.decode()

    refused = alice_client.post(create, _data(source_parameter=str(foreign.pk)))
    assert refused.status_code == 422
    assert not Indicator.objects.filter(organization=org).exists()

    created = alice_client.post(create, _data(source_parameter=str(patients.pk)))
    assert created.status_code == 302
    indicator = Indicator.objects.get(organization=org)
    assert indicator.source_parameter == str(patients.pk)
    assert "Patients du service" in alice_client.get(indicator.get_absolute_url()).content.decode()
