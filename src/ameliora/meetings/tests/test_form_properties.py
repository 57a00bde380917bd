"""Hostile posts into the space form and the session planner: never a 5xx, a refusal is a 422 that says
why and writes nothing.

See ``core/tests/properties.py`` for what is drawn and checked.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ameliora.core.models import Membership, Organization
from ameliora.core.tests.properties import PROPERTY, check_contract, form_on_page, post_for, rolled_back
from ameliora.meetings.models import ExchangeSpace, Session, SpaceMember
from ameliora.meetings.tests.factories import SpaceFactory, any_space_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(tilleuls: Organization, charlie: Membership) -> ExchangeSpace:
    """A space of the pharmacy; another organization's space, whose id a forged post may name."""
    any_space_id(charlie.organization, charlie)
    return SpaceFactory.create(organization=tilleuls)


@PROPERTY
@given(data=st.data())
def test_the_new_space_form(
    alice_client: Client, tilleuls: Organization, bob: Membership, space: ExchangeSpace, data: st.DataObject
) -> None:
    url = reverse("meetings:space_create", kwargs={"org_slug": tilleuls.slug})
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=[ExchangeSpace, SpaceMember])


@PROPERTY
@given(data=st.data())
def test_the_session_planner(alice_client: Client, space: ExchangeSpace, data: st.DataObject) -> None:
    url = reverse("meetings:space_detail", kwargs={"org_slug": space.organization.slug, "space_id": space.pk})
    form = form_on_page(alice_client, url, "calendar_form")
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=[Session], rows=[space])
