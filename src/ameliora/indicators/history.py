"""An indicator's readable history: its definition, values (replaced or deleted), phases and annotations.

django-simple-history keeps one table per model. The page reads them as one stream, newest first,
through a ``UNION`` of ``(history_id, history_date, source)``, so that a page of N entries costs the
same few queries whatever the length of the history: the union (count and page), then per model
the page's records with the id of the record before each one (a subquery) and those previous
records, to show what each change replaced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ameliora.core.history import KIND_LABELS, FieldChange, HistoryEntry
from ameliora.core.models import display_name
from ameliora.indicators.analysis import format_number, format_period
from ameliora.indicators.models import Annotation, Indicator, Measurement, Phase

#: Entries shown on the indicator page; the rest is on the history page.
DETAIL_ENTRIES = 10
#: Entries per page of the history page.
PAGE_SIZE = 25

#: Bookkeeping fields, not worth a line in the history (who and when are already on the entry).
HIDDEN_FIELDS = frozenset({"organization", "indicator", "entered_by", "entered_at", "created_at", "updated_at"})

#: The history tables, in the order of the ``source`` column of the union.
MODELS: tuple[type[models.Model], ...] = (Indicator, Measurement, Phase, Annotation)


def _history_model(model: type[models.Model]) -> Any:
    return model.history.model  # type: ignore[attr-defined]


def _scope(model: type[models.Model], indicator: Indicator) -> Q:
    return Q(id=indicator.pk) if model is Indicator else Q(indicator_id=indicator.pk)


def history_rows(indicator: Indicator) -> Any:
    """Every history record about the indicator as ``(history_id, history_date, source)``, newest first.

    A lazy queryset: paginate or slice it, it runs as one query (two with a paginator's count)."""
    parts = [
        _history_model(model)
        .objects.filter(_scope(model, indicator))
        .annotate(source=Value(k, output_field=models.IntegerField()))
        .values_list("history_id", "history_date", "source")
        .order_by()
        for k, model in enumerate(MODELS)
    ]
    return parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")


def _display(record: Any, field_name: str, value: Any) -> str:  # noqa: PLR0911 — one case per type
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal | float):
        return format_number(float(value))
    field = record.instance_type._meta.get_field(field_name)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _what(record: Any, indicator: Indicator) -> str:
    model = record.instance_type
    if model is Measurement:
        return _("value of %(period)s") % {"period": format_period(record.period_start, indicator.periodicity)}
    if model is Phase:
        return _("phase “%(label)s”") % {"label": record.label}
    if model is Annotation:
        return _("annotation “%(text)s”") % {"text": record.text}
    return _("definition")


def _related_names(records: Sequence[Any], previous: dict[int, Any]) -> dict[tuple[Any, Any], str]:
    """The names of the objects that changed foreign keys point to, one query per related model."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for record in records:
        before = previous.get(record.history_id)
        if before is None:
            continue
        for field in record.instance_type._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.name not in HIDDEN_FIELDS:
                for value in (getattr(before, field.attname), getattr(record, field.attname)):
                    if value is not None:
                        wanted[field.related_model].add(value)  # type: ignore[index]
    names: dict[tuple[Any, Any], str] = {}
    for model, ids in wanted.items():
        queryset = model._default_manager.filter(pk__in=ids)
        if any(f.name == "user" for f in model._meta.concrete_fields):
            queryset = queryset.select_related("user")
        for obj in queryset:
            user = getattr(obj, "user", None)
            names[(model, obj.pk)] = display_name(user) if user is not None else str(obj)
    return names


def _changes(record: Any, before: Any, names: dict[tuple[Any, Any], str]) -> tuple[FieldChange, ...]:
    delta = record.diff_against(before, excluded_fields=sorted(HIDDEN_FIELDS & _field_names(record)))
    out = []
    for change in delta.changes:
        field = record.instance_type._meta.get_field(change.field)
        if isinstance(field, models.ForeignKey):
            old = names.get((field.related_model, change.old), "—")
            new = names.get((field.related_model, change.new), "—")
        else:
            old, new = _display(record, change.field, change.old), _display(record, change.field, change.new)
        out.append(FieldChange(str(field.verbose_name), old, new))
    return tuple(out)


def _field_names(record: Any) -> set[str]:
    return {f.name for f in record.instance_type._meta.concrete_fields}


def history_entries(indicator: Indicator, rows: Sequence[tuple[int, datetime, int]]) -> list[HistoryEntry]:
    """Readable entries for a page of :func:`history_rows`, in the same order."""
    wanted: dict[int, list[int]] = defaultdict(list)
    for history_id, _when, source in rows:
        wanted[source].append(history_id)
    found: dict[tuple[int, int], Any] = {}
    previous: dict[tuple[int, int], Any] = {}
    for source, ids in wanted.items():
        history = _history_model(MODELS[source])
        before = (
            history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        records = list(
            history.objects.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(before_id=Subquery(before))
        )
        wanted_before = [r.before_id for r in records if r.history_type == "~" and r.before_id is not None]
        earlier = {r.history_id: r for r in history.objects.filter(history_id__in=wanted_before)}
        for record in records:
            found[(source, record.history_id)] = record
            if record.before_id in earlier:
                previous[(source, record.history_id)] = earlier[record.before_id]
    entries: dict[tuple[int, int], HistoryEntry] = {}
    for source, ids in wanted.items():
        records = [found[(source, h)] for h in ids if (source, h) in found]
        names = _related_names(records, {r.history_id: previous.get((source, r.history_id)) for r in records})
        for record in records:
            before = previous.get((source, record.history_id))
            user = record.history_user
            entries[(source, record.history_id)] = HistoryEntry(
                when=record.history_date,
                who=display_name(user) if user else _("system"),
                what=_what(record, indicator),
                kind=str(KIND_LABELS.get(record.history_type, record.history_type)),
                changes=_changes(record, before, names) if before is not None else (),
            )
    return [entries[(source, h)] for h, _when, source in rows if (source, h) in entries]
