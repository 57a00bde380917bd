"""Exchange-space benchmarks: the space list, a weekly space's page, report and calendar feed, a session page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from ameliora.meetings.demo import SCALE_CODE
from ameliora.meetings.models import ExchangeSpace
from tests.bench.harness import Context, Timed, benchmark


def _space(ctx: Context) -> ExchangeSpace:
    return ExchangeSpace.objects.for_org(ctx.organization).get(code=SCALE_CODE)


@benchmark("meetings: list of spaces, first page")
def space_list(ctx: Context) -> Timed:
    url = ctx.org_url("meetings:home")
    ctx.get(url)
    total = ExchangeSpace.objects.for_org(ctx.organization).count()
    return Timed(lambda: ctx.get(url), note=f"{total} spaces, 25 rows")


@benchmark("meetings: page of a space meeting weekly")
def space_page(ctx: Context) -> Timed:
    space = _space(ctx)
    url = ctx.org_url("meetings:space_detail", space_id=space.pk)
    ctx.get(url)
    return Timed(lambda: ctx.get(url), note=f"{space.sessions.count()} sessions in all")


@benchmark("meetings: yearly report of a space meeting weekly")
def report(ctx: Context) -> Timed:
    space = _space(ctx)
    url = ctx.org_url("meetings:report", space_id=space.pk)
    year = str(timezone.localdate().year - 1)
    html = ctx.get(url, {"year": year}).content.decode()
    assert "%" in html
    return Timed(lambda: ctx.get(url, {"year": year}), note="~52 sessions, 20 members, 10 items each")


@benchmark("meetings: iCalendar feed of a space meeting weekly")
def feed(ctx: Context) -> Timed:
    space = _space(ctx)
    url = reverse("meetings_public:space_feed", kwargs={"token": space.calendar_token})
    ctx.get(url)
    return Timed(lambda: ctx.get(url), note="the last 365 days and to come (~52 events)")


@benchmark("meetings: session page with 10 items and 20 members")
def session_page(ctx: Context) -> Timed:
    session = _space(ctx).sessions.order_by("-starts_at").first()
    assert session is not None
    url = session.get_absolute_url()
    ctx.get(url)
    return Timed(lambda: ctx.get(url), note="agenda proposals from every module included")
