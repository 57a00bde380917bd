"""Hostile posts into the campaign form and the public answer page: never a 5xx, a refusal is a 422 that
says why and writes nothing.

See ``core/tests/properties.py`` for what is drawn and checked.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ameliora.core.models import Membership
from ameliora.core.tests.properties import PROPERTY, check_contract, form_on_page, post_for, rolled_back
from ameliora.surveys import services
from ameliora.surveys.models import Answer, Campaign, Questionnaire, Response
from ameliora.surveys.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(alice: Membership) -> Questionnaire:
    """The built-in patient satisfaction questionnaire (every kind of question, conditions), published."""
    questionnaire = services.copy_template(acting=alice, key="patient-satisfaction")
    services.publish_questionnaire(questionnaire, acting=alice)
    return questionnaire


@pytest.fixture
def campaign(questionnaire: Questionnaire) -> Campaign:
    """An open campaign of that questionnaire, within its period."""
    return CampaignFactory.create(questionnaire=questionnaire, organization=questionnaire.organization)


@PROPERTY
@given(data=st.data())
def test_the_new_campaign_form(alice_client: Client, questionnaire: Questionnaire, data: st.DataObject) -> None:
    url = reverse(
        "surveys:campaign_create",
        kwargs={"org_slug": questionnaire.organization.slug, "questionnaire_id": questionnaire.pk},
    )
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=[Campaign], rows=[questionnaire])


@PROPERTY
@given(data=st.data())
def test_the_public_answer(campaign: Campaign, data: st.DataObject) -> None:
    url = reverse("surveys_public:answer", kwargs={"public_key": campaign.public_key})
    form = form_on_page(Client(), url)
    with rolled_back():
        # A fresh visitor each time: one answer per device is remembered by a cookie.
        body = data.draw(post_for(form, skip={"website"}))
        check_contract(Client(REMOTE_ADDR="203.0.113.5"), url, body, models=[Response, Answer], saved=(201,))
