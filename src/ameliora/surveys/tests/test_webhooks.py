"""A closed survey campaign is announced to the organization's webhooks: name, period, count and link only."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ameliora.core import webhooks
from ameliora.core.models import Membership, WebhookDelivery
from ameliora.surveys import services
from ameliora.surveys.tests.factories import CampaignFactory


def test_closing_a_campaign_at_its_end_queues_a_survey_closed_delivery(alice: Membership) -> None:
    endpoint = webhooks.create_endpoint(
        organization=alice.organization, url="https://bi.example.org/hooks", topics=["survey.closed"], created_by=None
    )
    questionnaire = services.copy_template(acting=alice, key="patient-satisfaction")
    services.publish_questionnaire(questionnaire, acting=alice)
    yesterday = timezone.localdate() - timedelta(days=1)
    campaign = CampaignFactory.create(questionnaire=questionnaire, period_start=yesterday, period_end=yesterday)

    assert services.close_ended_campaigns() == 1

    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    data = delivery.payload["data"]["campaign"]
    assert (data["id"], data["name"], data["responses"]) == (campaign.pk, campaign.name, 0)
    assert set(data) == {"id", "name", "period_start", "period_end", "responses", "url"}
