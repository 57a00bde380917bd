"""Events benchmarks: the register's first page with 2,000 x factor events."""

from __future__ import annotations

import re

from ameliora.events.models import Event
from ameliora.events.views import PAGE_SIZE
from tests.bench.harness import Context, Timed, benchmark


@benchmark("events: register, first page")
def event_list(ctx: Context) -> Timed:
    url = ctx.org_url("events:home")
    total = Event.objects.for_org(ctx.organization).count()
    html = ctx.get(url, {"queue": "all"}).content.decode()
    shown = len(re.findall(r'href="/o/[^/]+/events/\d+/"', html))
    assert shown == min(PAGE_SIZE, total), shown
    return Timed(lambda: ctx.get(url, {"queue": "all"}), note=f"{total} events, {shown} rows")
