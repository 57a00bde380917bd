"""Surveys benchmarks: the results page, the API detail and the XLSX export of a campaign with
2,000 x factor responses, and the campaigns list."""

from __future__ import annotations

from ameliora.surveys.demo import SCALE_NAME
from ameliora.surveys.exports import render_xlsx
from ameliora.surveys.models import Campaign
from tests.bench.harness import Context, Timed, benchmark


def _campaign(ctx: Context) -> tuple[Campaign, int]:
    campaign = Campaign.objects.for_org(ctx.organization).get(name=SCALE_NAME)
    return campaign, campaign.responses.count()


@benchmark("surveys: results page of a large campaign")
def results_page(ctx: Context) -> Timed:
    campaign, total = _campaign(ctx)
    url = ctx.org_url("surveys:campaign_results", survey_campaign_id=campaign.pk)
    html = ctx.get(url).content.decode()
    assert f'id="response-count">{total}<' in html.replace("\u202f", "").replace("\xa0", ""), total
    return Timed(lambda: ctx.get(url), note=f"{total} responses")


@benchmark("surveys: API results of a large campaign")
def api_detail(ctx: Context) -> Timed:
    campaign, total = _campaign(ctx)
    url = f"/api/v1/o/{ctx.organization.slug}/surveys/campaigns/{campaign.pk}"
    assert ctx.get(url).json()["response_count"] == total
    return Timed(lambda: ctx.get(url), note=f"{total} responses")


@benchmark("surveys: XLSX export of a large campaign")
def export(ctx: Context) -> Timed:
    """The file the export job renders (above ``INLINE_LIMIT`` responses the view starts that job)."""
    campaign, total = _campaign(ctx)
    render_xlsx(campaign)
    return Timed(lambda: render_xlsx(campaign), note=f"{total} responses, rendered as the export job does")


@benchmark("surveys: campaigns and questionnaires list")
def home(ctx: Context) -> Timed:
    url = ctx.org_url("surveys:home")
    ctx.get(url)
    return Timed(lambda: ctx.get(url), note="first page")
