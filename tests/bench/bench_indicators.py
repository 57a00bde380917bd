"""Indicator benchmarks: the engine on 10,000-point series, a 100,000-row CSV import, the list page.

The list runs on the synthetic organization of ``ameliora demo --scale N`` (50 x N weekly indicators
with 260 values each; N = 10 gives the 500 x 260 of issue 3). Its status column is stored on write,
so the page's cost does not depend on the number of values.
"""

from __future__ import annotations

import io
import random
import re
from datetime import date, timedelta
from decimal import Decimal

from ameliora.analytics.report import CHARTS, analyse
from ameliora.indicators import services
from ameliora.indicators.imports import parse_file
from ameliora.indicators.models import Direction, Indicator, Kind
from tests.bench.harness import Context, Timed, benchmark

POINTS = 10_000
ROWS = 100_000


def _payload(chart: str) -> dict[str, object]:
    rng = random.Random(chart)  # noqa: S311 — synthetic data
    n = [float(rng.randint(50, 150)) for _ in range(POINTS)]
    if chart in {"xbar", "s"}:
        y: list[object] = [[rng.gauss(10, 2) for _ in range(5)] for _ in range(POINTS)]
        return {"chart": chart, "y": y, "n": None, "rules": "anhoej"}
    if chart in {"p", "pp"}:
        return {"chart": chart, "y": [float(rng.randint(0, int(k))) for k in n], "n": n, "rules": "anhoej"}
    if chart in {"u", "up"}:
        return {"chart": chart, "y": [float(rng.randint(0, 20)) for _ in n], "n": n, "rules": "anhoej"}
    if chart in {"g", "t"}:
        return {"chart": chart, "y": [float(rng.randint(1, 30)) for _ in range(POINTS)], "n": None, "rules": "anhoej"}
    return {"chart": chart, "y": [float(rng.randint(0, 12)) for _ in range(POINTS)], "n": None, "rules": "anhoej"}


def _analysis(chart: str) -> None:
    payload = _payload(chart)

    @benchmark(f"indicators: analyse a {POINTS:,}-point {chart} chart", repeat=3, warmup=1)
    def bench(ctx: Context) -> Timed:
        assert analyse(payload)[0]["n_obs"] == POINTS
        return Timed(lambda: analyse(payload), note=f"{POINTS} points, one phase")


for _chart in CHARTS:
    _analysis(_chart)


@benchmark(f"indicators: import a {ROWS:,}-row CSV (parse, check, save)", repeat=1, warmup=0)
def import_csv(ctx: Context) -> Timed:
    start = date(1800, 1, 1)
    lines = ["période;valeur"] + [f"{start + timedelta(days=k):%d/%m/%Y};{k % 9},5" for k in range(ROWS)]
    content = ("\n".join(lines) + "\n").encode("utf-8")
    counter = {"run": 0}

    def run() -> None:
        counter["run"] += 1
        indicator = Indicator.objects.create(
            organization=ctx.organization,
            name=f"Import de référence {counter['run']} {random.random()}",  # noqa: S311
            kind=Kind.MEASUREMENT,
            periodicity="day",
            direction=Direction.DOWN,
        )
        parsed = parse_file(io.BytesIO(content), "bench.csv", indicator, replace=False)
        assert parsed.ok, parsed.errors[:3]
        services.save_measurements(indicator, parsed.rows, acting_user=ctx.admin)
        assert indicator.measurements.count() == ROWS
        assert indicator.measurements.get(period_start=start).value == Decimal("0.5")

    return Timed(run, note=f"{ROWS} daily values, decimal commas, history kept")


@benchmark("indicators: list page 1 (status per indicator)")
def indicator_list(ctx: Context) -> Timed:
    url = ctx.org_url("indicators:home")
    html = ctx.get(url).content.decode()
    shown = len(re.findall(rf'href="/o/{re.escape(ctx.organization.slug)}/indicators/\d+/"', html))
    total = Indicator.objects.for_org(ctx.organization).count()
    assert shown == min(total, 25), shown
    return Timed(lambda: ctx.get(url), note=f"{total} indicators x 260 weekly values, 25 rows shown")


@benchmark("indicators: indicator page (analysis + SVG)")
def indicator_page(ctx: Context) -> Timed:
    indicator = Indicator.objects.for_org(ctx.organization).order_by("pk").first()
    assert indicator is not None
    url = ctx.org_url("indicators:detail", indicator_id=indicator.pk)
    assert "<svg" in ctx.get(url).content.decode()
    return Timed(lambda: ctx.get(url), note=f"{indicator.measurements.count()} values")
