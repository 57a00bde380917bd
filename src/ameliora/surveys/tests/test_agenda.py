"""Agenda proposals: recently closed campaigns whose results no meeting took up yet."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ameliora.core import agenda as core_agenda
from ameliora.core.models import Link, Membership, Organization
from ameliora.surveys.agenda import AGENDA_ITEM, campaigns_with_results
from ameliora.surveys.models import Campaign
from ameliora.surveys.tests.factories import CampaignFactory


def _closed(organization: Organization, days_ago: int) -> Campaign:
    return CampaignFactory.create(
        questionnaire__organization=organization,
        status=Campaign.Status.CLOSED,
        closed_at=timezone.now() - timedelta(days=days_ago),
    )


def test_recently_closed_campaigns_are_proposed_until_a_meeting_takes_them_up(
    alice: Membership, coteaux: Organization, django_assert_max_num_queries: Any
) -> None:
    organization = alice.organization
    recent = _closed(organization, 5)
    older = _closed(organization, 30)
    _closed(organization, 120)  # too old
    CampaignFactory.create(questionnaire__organization=organization)  # still open
    _closed(coteaux, 5)  # another organization

    proposals = campaigns_with_results(organization)
    assert [p.key for p in proposals] == [f"surveys.campaign:{recent.pk}", f"surveys.campaign:{older.pk}"]
    assert proposals[0].obj == recent
    assert proposals[0].url.endswith(f"/{recent.pk}/results/")
    assert f"surveys.campaign:{recent.pk}" in {p.key for p in core_agenda.proposals(organization)}

    # A meeting's agenda item linked to the campaign (as meetings' accept_agenda does): discussed.
    Link.objects.create(
        organization=organization,
        kind=Link.Kind.RELATED,
        from_type=ContentType.objects.get_by_natural_key(*AGENDA_ITEM),
        from_id=1,
        to_type=ContentType.objects.get_for_model(Campaign),
        to_id=recent.pk,
    )
    with django_assert_max_num_queries(3):
        keys = [p.key for p in campaigns_with_results(organization)]
    assert keys == [f"surveys.campaign:{older.pk}"]
