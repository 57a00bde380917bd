"""Where a training need comes from: a self-assessment criterion, an adverse event, a practice evaluation.

A need points at its source through ``core.models.Link`` (kind source), so that ``learning`` does not
import ``events`` or ``evaluations``. Other apps link to the plan's form with
``?source=<app_label>.<model>:<pk>``; :func:`resolve_source` is the one way such a parameter becomes an
object: an allowed kind only, of the member's organization, that the member may see (404 otherwise).
Listing reads the sources of a page of needs in a few queries (:func:`sources_of`) and shows only
those the viewer may see, with their own access rules.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest
from django.db import models
from django.http import Http404

from ameliora.core.access import get_attached_object, visible_objects
from ameliora.core.models import Link, Membership
from ameliora.core.permissions import can
from ameliora.learning.models import TrainingNeed


@dataclass(frozen=True)
class SourceKind:
    origin: str
    capability: str  # what the viewer needs to see objects of this kind at all


# The allow-list: "<app_label>.<model>" → what it means for a need.
SOURCE_KINDS: dict[str, SourceKind] = {
    "assessments.criterion": SourceKind(TrainingNeed.Origin.ASSESSMENT, "assessments.view"),
    "events.event": SourceKind(TrainingNeed.Origin.EVENT, "events.view"),
    "evaluations.evaluation": SourceKind(TrainingNeed.Origin.EVALUATION, "evaluations.view"),
}

_PARAMETER = re.compile(r"^(?P<key>[a-z_]+\.[a-z_]+):(?P<pk>[0-9]{1,18})$")


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    model: str
    url: str


def key_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def parameter(obj: models.Model) -> str:
    """The ``?source=`` value naming ``obj``."""
    return f"{key_of(obj)}:{obj.pk}"


def resolve_source(membership: Membership, value: str) -> models.Model:
    """The object named by ``value`` (``app_label.model:pk``); 400 for a kind not allowed, 404 unless the
    object belongs to the member's organization and the member may see it."""
    match = _PARAMETER.match(value.strip())
    if match is None or match["key"] not in SOURCE_KINDS:
        raise BadRequest("This kind of object cannot be the source of a training need.")
    if not can(membership, SOURCE_KINDS[match["key"]].capability):
        raise Http404
    app_label, model = match["key"].split(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    return get_attached_object(membership, content_type.pk, int(match["pk"]))


def prefill(obj: models.Model) -> str:
    """The need's text suggested by its source. An event's text is not copied: it may hold patient data."""
    if key_of(obj) == "assessments.criterion":
        return str(getattr(obj, "statement", ""))[:300]
    if key_of(obj) == "evaluations.evaluation":
        return str(getattr(obj, "title", ""))[:300]
    return ""


def describe(obj: models.Model) -> Source:
    url = getattr(obj, "get_absolute_url", None)
    return Source(
        key=key_of(obj),
        label=str(obj),
        model=str(obj._meta.verbose_name),
        url=url() if callable(url) else "",
    )


def sources_of(membership: Membership, needs: Iterable[TrainingNeed]) -> dict[int, Source]:
    """The visible source of each need, by need id: one query for the links, one per kind of source."""
    need_ids = [n.pk for n in needs]
    if not need_ids:
        return {}
    links = list(
        Link.objects.for_org(membership.organization)
        .filter(
            kind=Link.Kind.SOURCE,
            from_type=ContentType.objects.get_for_model(TrainingNeed),
            from_id__in=need_ids,
        )
        .select_related("to_type")
        .order_by("pk")
    )
    wanted: dict[ContentType, set[int]] = defaultdict(set)
    for link in links:
        wanted[link.to_type].add(link.to_id)
    found: dict[tuple[int, int], Source] = {}
    for content_type, ids in wanted.items():
        key = f"{content_type.app_label}.{content_type.model}"
        model = content_type.model_class()
        if model is None or key not in SOURCE_KINDS or not can(membership, SOURCE_KINDS[key].capability):
            continue
        for pk, obj in visible_objects(membership, model, ids).items():
            found[(content_type.pk, pk)] = describe(obj)
    result: dict[int, Source] = {}
    for link in links:
        source = found.get((link.to_type_id, link.to_id))
        if source is not None:
            result.setdefault(link.from_id, source)
    return result
