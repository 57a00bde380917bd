"""Annual report benchmark: the page and the spreadsheet of the organization holding every module's volumes."""

from __future__ import annotations

from django.utils import timezone

from tests.bench.harness import Context, Timed, benchmark


@benchmark("reports: annual quality report page")
def annual_page(ctx: Context) -> Timed:
    url = ctx.org_url("reports:home")
    year = str(timezone.localdate().year)
    html = ctx.get(url, {"year": year}).content.decode()
    assert 'id="meetings-title"' in html
    return Timed(lambda: ctx.get(url, {"year": year}), note="events, actions, indicators, spaces at scale")


@benchmark("reports: annual quality report as XLSX")
def annual_xlsx(ctx: Context) -> Timed:
    url = ctx.org_url("reports:annual_xlsx")
    ctx.get(url)
    return Timed(lambda: ctx.get(url), note="10 sheets")
