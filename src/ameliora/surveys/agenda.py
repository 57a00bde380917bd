"""Agenda proposals: survey campaigns closed in the last three months whose results no meeting took up yet.

Registered with ``core.agenda``. "Taken up" means an agenda item of a meeting links to the campaign
(``meetings.services.accept_agenda`` links each accepted item to its object). The meetings app is not
imported: its agenda item is named by its content type only, and if it is not installed every recently
closed campaign is proposed.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core.agenda import LIMIT, AgendaProposal, register_agenda_source
from ameliora.core.models import Link, Organization
from ameliora.surveys.models import Campaign

RECENT = timedelta(days=90)
AGENDA_ITEM = ("meetings", "agendaitem")  # (app label, model) of a meeting's agenda item


def campaigns_with_results(organization: Organization) -> list[AgendaProposal]:
    rows = Campaign.objects.for_org(organization).filter(
        status=Campaign.Status.CLOSED, closed_at__gte=timezone.now() - RECENT
    )
    try:
        item_type = ContentType.objects.get_by_natural_key(*AGENDA_ITEM)
    except ContentType.DoesNotExist:
        pass
    else:
        discussed = Link.objects.filter(
            organization=organization, from_type=item_type, to_type=ContentType.objects.get_for_model(Campaign)
        ).values("to_id")
        rows = rows.exclude(pk__in=discussed)
    return [
        AgendaProposal(
            key=f"surveys.campaign:{campaign.pk}",
            kind=_("Survey with results"),
            title=campaign.name,
            url=reverse(
                "surveys:campaign_results",
                kwargs={"org_slug": organization.slug, "survey_campaign_id": campaign.pk},
            ),
            obj=campaign,
        )
        for campaign in rows.order_by("-closed_at", "-pk")[:LIMIT]
    ]


register_agenda_source("surveys.results", campaigns_with_results, label=gettext_lazy("Surveys with results"))
