"""Hostile posts into the learning situation and training need forms: never a 5xx, a refusal is a 422
that says why and writes nothing.

See ``core/tests/properties.py`` for what is drawn and checked.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ameliora.core.models import Link, Membership, Organization
from ameliora.core.tests.properties import PROPERTY, check_contract, form_on_page, post_for, rolled_back
from ameliora.learning.models import LearningSituation, TrainingNeed
from ameliora.learning.tests.factories import any_competency_id, any_situation_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_organization(charlie: Membership, tilleuls: Organization, bob: Membership) -> None:
    """A competency of the pharmacy; rows of another organization, whose ids a forged post may name."""
    any_competency_id(tilleuls, bob)
    any_situation_id(charlie.organization, charlie)
    any_competency_id(charlie.organization, charlie)


@PROPERTY
@given(data=st.data())
def test_the_new_situation_form(
    alice_client: Client, alice: Membership, bob: Membership, other_organization: None, data: st.DataObject
) -> None:
    url = reverse("learning:situation_create", kwargs={"org_slug": alice.organization.slug})
    form = form_on_page(alice_client, url)
    with rolled_back():
        # Alice supervises bob; her being both learner and supervisor is refused (test_views.py).
        body = data.draw(post_for(form, coherent={"learner": str(bob.pk), "supervisor": str(alice.pk)}))
        check_contract(alice_client, url, body, models=[LearningSituation, Link])


@PROPERTY
@given(data=st.data())
def test_the_training_need_form(
    alice_client: Client, tilleuls: Organization, bob: Membership, other_organization: None, data: st.DataObject
) -> None:
    url = reverse("learning:training_plan", kwargs={"org_slug": tilleuls.slug})
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=[TrainingNeed, Link])
