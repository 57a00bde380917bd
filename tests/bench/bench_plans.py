"""Action plans benchmarks: the action list, board and plan page of a plan with 2,000 x factor actions."""

from __future__ import annotations

from django.urls import reverse

from ameliora.plans.demo import SCALE_CODE
from ameliora.plans.models import ActionPlan
from ameliora.plans.views import PAGE_SIZE
from tests.bench.harness import Context, Timed, benchmark


def _plan_url(ctx: Context, name: str) -> tuple[str, int]:
    plan = ActionPlan.objects.for_org(ctx.organization).get(code=SCALE_CODE)
    url = reverse(f"plans:{name}", kwargs={"org_slug": ctx.organization.slug, "plan_id": plan.pk})
    return url, plan.actions.count()


@benchmark("plans: action list of a large plan, first page")
def action_list(ctx: Context) -> Timed:
    url, total = _plan_url(ctx, "action_list")
    html = ctx.get(url).content.decode()
    shown = html.count('href="/o/')
    assert shown >= min(PAGE_SIZE, total), shown
    return Timed(lambda: ctx.get(url), note=f"{total} actions, {PAGE_SIZE} rows")


@benchmark("plans: board of a large plan")
def action_board(ctx: Context) -> Timed:
    url, total = _plan_url(ctx, "action_board")
    ctx.get(url)
    return Timed(lambda: ctx.get(url), note=f"{total} actions, 50 cards per column")


@benchmark("plans: plan page of a large plan")
def plan_page(ctx: Context) -> Timed:
    url, total = _plan_url(ctx, "plan_detail")
    ctx.get(url)
    return Timed(lambda: ctx.get(url), note=f"{total} actions")
