"""Practice-evaluation benchmarks: the list, and the results page of an audit with thousands of cases."""

from __future__ import annotations

from ameliora.evaluations.demo import SCALE_TITLE
from ameliora.evaluations.models import Evaluation
from tests.bench.harness import Context, Timed, benchmark


@benchmark("evaluations: results page of a large audit")
def audit_page(ctx: Context) -> Timed:
    audit = Evaluation.objects.for_org(ctx.organization).get(title=SCALE_TITLE)
    url = ctx.org_url("evaluations:detail", evaluation_id=audit.pk)
    html = ctx.get(url).content.decode()
    assert "%" in html
    return Timed(lambda: ctx.get(url), note=f"{audit.cases.count()} cases x 10 criteria")


@benchmark("evaluations: list of evaluations")
def evaluation_list(ctx: Context) -> Timed:
    url = ctx.org_url("evaluations:home")
    ctx.get(url)
    return Timed(lambda: ctx.get(url), note="25 rows")
