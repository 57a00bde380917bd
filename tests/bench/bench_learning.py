"""Learning benchmarks: the situation list of an organization with 200 x factor situations."""

from __future__ import annotations

from django.urls import reverse

from ameliora.learning.models import LearningSituation
from ameliora.learning.views import PAGE_SIZE
from tests.bench.harness import Context, Timed, benchmark


@benchmark("learning: situation list, first page")
def situation_list(ctx: Context) -> Timed:
    url = reverse("learning:home", kwargs={"org_slug": ctx.organization.slug})
    total = LearningSituation.objects.for_org(ctx.organization).count()
    html = ctx.get(url).content.decode()
    shown = html.count("/learning/") - html.count("/learning/new/")
    assert shown >= min(PAGE_SIZE, total), shown
    return Timed(lambda: ctx.get(url), note=f"{total} situations, {PAGE_SIZE} rows")


@benchmark("learning: situation list, last page")
def situation_list_last(ctx: Context) -> Timed:
    total = LearningSituation.objects.for_org(ctx.organization).count()
    last = max(1, -(-total // PAGE_SIZE))
    url = reverse("learning:home", kwargs={"org_slug": ctx.organization.slug}) + f"?page={last}"
    ctx.get(url)
    return Timed(lambda: ctx.get(url), note=f"{total} situations, page {last}")
