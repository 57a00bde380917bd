"""Hostile posts into the indicator forms: never a 5xx, a refusal is a 422 that says why and writes nothing.

See ``core/tests/properties.py`` for what is drawn and checked.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ameliora.core.models import Membership, Organization
from ameliora.core.tests.properties import (
    PROPERTY,
    check_contract,
    form_on_page,
    formset_post,
    post_for,
    rolled_back,
)
from ameliora.indicators.models import Indicator, Kind, Measurement
from ameliora.indicators.tests.factories import IndicatorFactory
from ameliora.plans.tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db

CHANGED_BY_A_MEASUREMENT = [Measurement, Indicator]
#: Fields that depend on others: the automatic chart suits every kind, a source needs its parameter.
COHERENT = {"chart": "", "data_source": "", "source_parameter": ""}


@pytest.fixture
def other_organization(charlie: Membership) -> None:
    """Rows of another organization, whose ids a forged post may name (an indicator, an objective)."""
    IndicatorFactory.create(organization=charlie.organization, name="Chutes")
    ObjectiveFactory.create(plan__organization=charlie.organization)


@pytest.fixture
def indicator(tilleuls: Organization, alice: Membership) -> Indicator:
    """A weekly count of the pharmacy, with an objective of its own plan to measure."""
    ObjectiveFactory.create(plan__organization=tilleuls)
    return IndicatorFactory.create(organization=tilleuls, name="Erreurs de dispensation", owner=alice)


@pytest.fixture(params=Kind.values)
def of_each_kind(request: pytest.FixtureRequest, tilleuls: Organization) -> Indicator:
    """One indicator of each kind of data (yes / no, count, proportion, rate, measurement)."""
    return IndicatorFactory.create(organization=tilleuls, kind=request.param)


def _url(name: str, org: Organization, **kwargs: Any) -> str:
    return reverse(f"indicators:{name}", kwargs={"org_slug": org.slug, **kwargs})


@PROPERTY
@given(data=st.data())
def test_the_new_indicator_form(
    alice_client: Client, tilleuls: Organization, indicator: Indicator, other_organization: None, data: st.DataObject
) -> None:
    url = _url("create", tilleuls)
    form = form_on_page(alice_client, url)
    with rolled_back():
        body = data.draw(post_for(form, coherent=COHERENT))
        check_contract(alice_client, url, body, models=[Indicator, Indicator.objectives.through])


@PROPERTY
@given(data=st.data())
def test_the_indicator_edit_form(
    alice_client: Client, indicator: Indicator, other_organization: None, data: st.DataObject
) -> None:
    url = _url("edit", indicator.organization, indicator_id=indicator.pk)
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(
            alice_client,
            url,
            data.draw(post_for(form, coherent=COHERENT)),
            models=[Indicator, Indicator.objectives.through],
            rows=[indicator],
        )


@PROPERTY
@given(data=st.data())
def test_the_new_value_form(alice_client: Client, of_each_kind: Indicator, data: st.DataObject) -> None:
    indicator = of_each_kind
    url = _url("measurement_add", indicator.organization, indicator_id=indicator.pk)
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=CHANGED_BY_A_MEASUREMENT, rows=[indicator])


@PROPERTY
@given(data=st.data())
def test_the_values_grid(alice_client: Client, of_each_kind: Indicator, data: st.DataObject) -> None:
    indicator = of_each_kind
    url = _url("measurement_grid", indicator.organization, indicator_id=indicator.pk)
    fields = form_on_page(alice_client, url, "formset").forms[0].fields
    with rolled_back():
        body = data.draw(formset_post("form", fields))
        if data.draw(st.booleans()):
            body["replace"] = "on"
        check_contract(alice_client, url, body, models=CHANGED_BY_A_MEASUREMENT, rows=[indicator])
