"""Foundation benchmarks: dashboard, member list, notifications, organizations API, uploaded photos.

Each set-up checks once that the page shows what it should (so a broken page cannot be "fast"),
then returns the request to time.
"""

from __future__ import annotations

import io
import math
import re

from ameliora.core.models import Membership, Notification
from ameliora.core.views import PAGE_SIZE
from tests.bench.harness import Context, Timed, benchmark

API_PAGE_SIZE = 50  # the members endpoint's @paginate(page_size=...)


def _member_count(ctx: Context) -> int:
    return Membership.objects.for_org(ctx.organization).count()


def _notification_count(ctx: Context) -> int:
    return Notification.objects.for_org(ctx.organization).filter(recipient=ctx.admin).count()


def _middle(total: int, page_size: int) -> tuple[int, int]:
    pages = max(1, math.ceil(total / page_size))
    return (pages + 1) // 2, pages


def _member_links(ctx: Context, html: str) -> int:
    return len(re.findall(rf'href="/o/{re.escape(ctx.organization.slug)}/members/\d+/"', html))


@benchmark("dashboard")
def dashboard(ctx: Context) -> Timed:
    url = ctx.org_url("core:dashboard")
    assert ctx.organization.name in ctx.get(url).content.decode()
    return Timed(lambda: ctx.get(url), note=f"{_member_count(ctx)} members, unread notifications counted")


def _member_page(ctx: Context, page: int, pages: int) -> Timed:
    url = ctx.org_url("core:member_list")
    shown = _member_links(ctx, ctx.get(url, {"page": page}).content.decode())
    assert shown == min(PAGE_SIZE, _member_count(ctx) - (page - 1) * PAGE_SIZE), shown
    return Timed(lambda: ctx.get(url, {"page": page}), note=f"page {page} of {pages}, {shown} rows")


@benchmark("member list, first page")
def member_list_first(ctx: Context) -> Timed:
    return _member_page(ctx, 1, _middle(_member_count(ctx), PAGE_SIZE)[1])


@benchmark("member list, middle page")
def member_list_middle(ctx: Context) -> Timed:
    return _member_page(ctx, *_middle(_member_count(ctx), PAGE_SIZE))


@benchmark("member list, search by name")
def member_list_search(ctx: Context) -> Timed:
    url = ctx.org_url("core:member_list")
    query = {"q": "000042"}
    assert _member_links(ctx, ctx.get(url, query).content.decode()) == 1
    return Timed(lambda: ctx.get(url, query), note=f"1 match among {_member_count(ctx)} members")


def _notification_page(ctx: Context, page: int, pages: int) -> Timed:
    url = ctx.org_url("core:notification_list")
    assert "Notification synthétique" in ctx.get(url, {"page": page}).content.decode()
    return Timed(lambda: ctx.get(url, {"page": page}), note=f"page {page} of {pages}")


@benchmark("notification list, first page")
def notification_list_first(ctx: Context) -> Timed:
    return _notification_page(ctx, 1, _middle(_notification_count(ctx), PAGE_SIZE)[1])


@benchmark("notification list, middle page")
def notification_list_middle(ctx: Context) -> Timed:
    return _notification_page(ctx, *_middle(_notification_count(ctx), PAGE_SIZE))


def _api_members(ctx: Context, page: int, pages: int) -> Timed:
    url = f"/api/v1/o/{ctx.organization.slug}/members"
    body = ctx.get(url, {"page": page}).json()
    assert body["count"] == _member_count(ctx), body["count"]
    assert len(body["items"]) == min(API_PAGE_SIZE, body["count"] - (page - 1) * API_PAGE_SIZE)
    return Timed(lambda: ctx.get(url, {"page": page}), note=f"JSON, page {page} of {pages}, {len(body['items'])} items")


@benchmark("API members, first page")
def api_members_first(ctx: Context) -> Timed:
    return _api_members(ctx, 1, _middle(_member_count(ctx), API_PAGE_SIZE)[1])


@benchmark("API members, middle page")
def api_members_middle(ctx: Context) -> Timed:
    return _api_members(ctx, *_middle(_member_count(ctx), API_PAGE_SIZE))


def _photo(width: int, height: int) -> bytes:
    """A photo-like JPEG: smooth shades plus sensor noise, which is what makes re-encoding cost."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(7)
    shade = np.add.outer(np.linspace(0, 120, height), np.linspace(0, 120, width))
    pixels = (shade[..., None] + rng.normal(0, 12, (height, width, 3))).clip(0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


@benchmark("photo checked and stored without metadata, 6000 x 6000 JPEG", repeat=5, warmup=1)
def photo_without_metadata(ctx: Context) -> Timed:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from ameliora.core.uploads import IMAGE_MAX_SIDE, validate_upload, without_metadata

    content = _photo(6000, 6000)

    def store() -> bytes:
        upload = SimpleUploadedFile("photo.jpg", content)
        return bytes(without_metadata(upload, validate_upload(upload)).read())

    with Image.open(io.BytesIO(store())) as stored:
        assert max(stored.size) == IMAGE_MAX_SIDE, stored.size
    return Timed(store, note=f"{len(content) // 1_000_000} MB in, stored at {IMAGE_MAX_SIDE} px")


@benchmark("decompression bomb refused, PNG claiming 30000 x 30000")
def decompression_bomb(ctx: Context) -> Timed:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ameliora.core.tests.factories import bomb_png
    from ameliora.core.uploads import validate_upload

    content = bomb_png(30000, 30000)

    def refuse() -> str:
        try:
            validate_upload(SimpleUploadedFile("scan.png", content))
        except ValidationError as refused:
            return str(refused.code)
        raise AssertionError("the bomb was accepted")

    assert refuse() == "too_many_pixels"
    return Timed(refuse, note=f"{len(content)} bytes, refused from its header")
