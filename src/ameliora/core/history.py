"""Readable change history built on django-simple-history records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import TOKEN_HISTORY_PREFIX, display_name

KIND_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
#: ``core.services.close_account`` writes its records with this reason.
ACCOUNT_CLOSED_REASON = "account-closed"
ACCOUNT_CLOSED = _("account closed")
VIA_TOKEN = _("%(person)s, via the API token « %(token)s »")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    what: str
    kind: str
    changes: tuple[FieldChange, ...]


def _label(model: type[models.Model], field_name: str) -> str:
    try:
        field = model._meta.get_field(field_name)
    except Exception:
        return field_name
    return str(getattr(field, "verbose_name", field_name))


def _format_date(value: date) -> str:
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return date_format(value, "SHORT_DATE_FORMAT")


def _display(record: Any, field_name: str, value: Any) -> str:
    """A value as people read it: choice labels, local dates, the related object's name for a key."""
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return _format_date(value)
    try:
        field = record.instance_type._meta.get_field(field_name)
    except Exception:
        return str(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.filter(pk=value).first()  # type: ignore[union-attr]
        return str(related) if related is not None else "—"
    return str(value)


def _who(record: Any) -> str:
    user = record.history_user
    who = display_name(user) if user else str(_("system"))
    reason = getattr(record, "history_change_reason", None) or ""
    if reason.startswith(TOKEN_HISTORY_PREFIX):
        return str(VIA_TOKEN % {"person": who, "token": reason.removeprefix(TOKEN_HISTORY_PREFIX)})
    return who


def entries_from(records: list[Any], *, limit: int = 50) -> list[HistoryEntry]:
    """Turn historical records (any models, newest first) into entries with field-level changes."""
    previous: dict[tuple[type, Any], Any] = {}
    # Walk oldest first so each record is compared with the one before it for the same object.
    ordered = sorted(records, key=lambda r: r.history_date)
    entries: list[HistoryEntry] = []
    for record in ordered:
        key = (type(record), record.id)
        before = previous.get(key)
        changes: tuple[FieldChange, ...] = ()
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before)
            changes = tuple(
                FieldChange(
                    _label(record.instance_type, c.field),
                    _display(record, c.field, c.old),
                    _display(record, c.field, c.new),
                )
                for c in delta.changes
            )
        previous[key] = record
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_who(record),
                what=f"{record.instance_type._meta.verbose_name} « {record.instance} »",
                kind=str(
                    ACCOUNT_CLOSED
                    if getattr(record, "history_change_reason", None) == ACCOUNT_CLOSED_REASON
                    else KIND_LABELS.get(record.history_type, record.history_type)
                ),
                changes=changes,
            )
        )
    entries.reverse()
    return entries[:limit]


def history_of(obj: models.Model, *, limit: int = 50) -> list[HistoryEntry]:
    records = list(obj.history.select_related("history_user").order_by("-history_date")[: limit + 1])  # type: ignore[attr-defined]
    return entries_from(records, limit=limit)
