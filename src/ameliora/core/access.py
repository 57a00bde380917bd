"""Access to objects reached generically (attachments, comments, links point at any model).

``get_attached_object`` is the one choke point: it returns the object only when it belongs to the
member's organization and any check its app registered says the member may see it; otherwise 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404

from ameliora.core.models import Membership, Organization

AccessCheck = Callable[[Membership, models.Model], bool]
ACCESS_CHECKS: dict[type[models.Model], AccessCheck] = {}


def register_access_check(model: type[models.Model], check: AccessCheck) -> None:
    """Let an app restrict who sees its objects beyond organization membership
    (e.g. an event whose reporter identity is confidential)."""
    ACCESS_CHECKS[model] = check


VisibleFilter = Callable[[Membership, "models.QuerySet[Any]"], "models.QuerySet[Any]"]
VISIBLE_FILTERS: dict[type[models.Model], VisibleFilter] = {}


def register_visible_filter(model: type[models.Model], narrow: VisibleFilter) -> None:
    """The queryset form of an access check, so that a list can check many objects in one query
    (``narrow(membership, queryset)`` keeps the rows the member may see)."""
    VISIBLE_FILTERS[model] = narrow


FreezeCheck = Callable[[models.Model], str | None]
FREEZE_CHECKS: dict[type[models.Model], FreezeCheck] = {}


def register_freeze_check(model: type[models.Model], check: FreezeCheck) -> None:
    """Let an app say when its objects take no more evidence (an answer of a closed campaign, an
    action of a closed plan): ``check(obj)`` returns the reason to show, or None when open."""
    FREEZE_CHECKS[model] = check


def frozen_reason(obj: models.Model) -> str | None:
    check = FREEZE_CHECKS.get(type(obj))
    return None if check is None else check(obj)


def belongs_to(obj: models.Model, organization: Organization) -> bool:
    if isinstance(obj, Organization):
        return obj.pk == organization.pk
    return getattr(obj, "organization_id", None) == organization.pk


def can_see(membership: Membership, obj: models.Model | None) -> bool:
    if obj is None or not belongs_to(obj, membership.organization):
        return False
    check = ACCESS_CHECKS.get(type(obj))
    return check is None or check(membership, obj)


def get_attached_object(membership: Membership, content_type_id: int, object_id: int) -> models.Model:
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    model = content_type.model_class()
    if model is None:
        raise Http404
    obj = model._default_manager.filter(pk=object_id).first()
    if obj is None or not can_see(membership, obj):
        raise Http404
    return obj


def visible_objects(membership: Membership, model: type[models.Model], ids: Iterable[int]) -> dict[int, models.Model]:
    """The objects of ``model`` among ``ids`` that the member may see, by primary key.

    One query when the model registered a visible filter or no access check; otherwise one
    more per object (the access check is called for each)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = model._default_manager.filter(pk__in=wanted, organization=membership.organization).select_related(
        "organization"  # get_absolute_url reads the organization's slug
    )
    narrow = VISIBLE_FILTERS.get(model)
    if narrow is not None:
        rows = narrow(membership, rows)
        return {obj.pk: obj for obj in rows}
    check = ACCESS_CHECKS.get(model)
    return {obj.pk: obj for obj in rows if check is None or check(membership, obj)}
