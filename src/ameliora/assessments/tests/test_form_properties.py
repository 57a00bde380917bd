"""Hostile posts into the self-assessment campaign form: never a 5xx, a refusal is a 422 that says why
and writes nothing.

See ``core/tests/properties.py`` for what is drawn and checked.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ameliora.assessments.models import Answer, Campaign, Respondent
from ameliora.assessments.tests.factories import any_campaign_id, make_grid
from ameliora.core.models import Link, Membership, Organization
from ameliora.core.tests.properties import PROPERTY, check_contract, form_on_page, post_for, rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture
def grids(tilleuls: Organization, charlie: Membership) -> None:
    """A grid of the pharmacy; another organization's grid and campaign, whose ids a forged post may name."""
    make_grid(tilleuls)
    any_campaign_id(charlie.organization, charlie)


@PROPERTY
@given(data=st.data())
def test_the_new_campaign_form(alice_client: Client, tilleuls: Organization, grids: None, data: st.DataObject) -> None:
    url = reverse("assessments:campaign_create", kwargs={"org_slug": tilleuls.slug})
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=[Campaign, Answer, Respondent, Link])
