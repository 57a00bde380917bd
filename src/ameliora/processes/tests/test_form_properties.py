"""Hostile posts into the risk form: never a 5xx, a refusal is a 422 that says why and writes nothing.

See ``core/tests/properties.py`` for what is drawn and checked.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ameliora.core.models import Organization
from ameliora.core.tests.properties import PROPERTY, check_contract, form_on_page, post_for, rolled_back
from ameliora.processes.models import Process, Risk
from ameliora.processes.tests.factories import ProcessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(tilleuls: Organization) -> Process:
    return ProcessFactory.create(organization=tilleuls)


@PROPERTY
@given(data=st.data())
def test_the_new_risk_form(alice_client: Client, process: Process, data: st.DataObject) -> None:
    tilleuls = process.organization
    url = reverse("processes:risk_add", kwargs={"org_slug": tilleuls.slug, "process_id": process.pk})
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=[Risk], rows=[process])
