"""The range a date typed by someone must fall in: one rule for every form, import and API schema.

Ameliora records recent events and measurements, and plans, reviews and deadlines a few years
ahead; nobody enters a birth date. A year outside 1900-2100 is therefore a typing slip (``20244``,
``0024``) or a hostile value, and it would also break pages later: period arithmetic on
31/12/9999 overflows Python's ``date`` (``year 10000 is out of range``).

* :data:`PLAUSIBLE_MIN` / :data:`PLAUSIBLE_MAX` — the range, both days included. The upper bound
  leaves room for long-term plans and document expiry dates; the lower one for historical series.
* :func:`check_plausible_date` — raises Django's ``ValidationError`` with a French message naming
  the range. It is the validator of every user-entered model ``DateField`` / ``DateTimeField``
  (so every ``ModelForm`` and ``full_clean`` apply it) and of :class:`PlausibleDateField` /
  :class:`PlausibleDateTimeField` below, the only date form fields the project declares.
  ``core/tests/test_dates.py`` walks every form of the project and fails on a date field without it.
* :data:`DATE_INPUT` / :data:`DATETIME_INPUT` — the browser's pickers, bounded to the same range.
* :data:`PlausibleDate` — the same rule as a pydantic type for API input schemas.
* :func:`is_plausible` — for code that must cope with rows stored before the rule existed.

Other domain rules (an event cannot be in the future, an end comes after its start) stay with
their forms and models; this module only rules out dates no one can mean.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, WithJsonSchema

PLAUSIBLE_MIN = date(1900, 1, 1)
PLAUSIBLE_MAX = date(2100, 12, 31)

DATE_OUT_OF_RANGE = _("Enter a date between %(min)s and %(max)s.")

_ISO_MIN = PLAUSIBLE_MIN.isoformat()
_ISO_MAX = PLAUSIBLE_MAX.isoformat()

# Browsers' date pickers read and write ISO dates, whatever the page's language.
DATE_INPUT = forms.DateInput(attrs={"type": "date", "min": _ISO_MIN, "max": _ISO_MAX}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local", "min": f"{_ISO_MIN}T00:00", "max": f"{_ISO_MAX}T23:59"}, format="%Y-%m-%dT%H:%M"
)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def is_plausible(value: date | datetime) -> bool:
    """Whether ``value`` (a date, or a datetime's own calendar day) lies in the plausible range."""
    return PLAUSIBLE_MIN <= _day(value) <= PLAUSIBLE_MAX


def out_of_range_message() -> str:
    """The translated message, with the bounds written as the active language writes dates."""
    low, high = (date_format(day, "SHORT_DATE_FORMAT") for day in (PLAUSIBLE_MIN, PLAUSIBLE_MAX))
    return str(DATE_OUT_OF_RANGE % {"min": low, "max": high})


def check_plausible_date(value: date | datetime | None) -> None:
    """Raise ``ValidationError`` (code ``date_out_of_range``) unless ``value`` is plausible.

    ``None`` passes: whether a date is required is the field's business, not this rule's.
    """
    if value is not None and not is_plausible(value):
        raise ValidationError(out_of_range_message(), code="date_out_of_range")


def _plausible_for_pydantic(value: date) -> date:
    if not is_plausible(value):
        raise ValueError(out_of_range_message())
    return value


#: The plausible range as a pattern of ISO dates (1900-… to 2100-…), for the OpenAPI document.
PLAUSIBLE_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"

#: An API input date bounded like the forms' (``period_start: PlausibleDate``); the document says so
#: with a pattern, so that clients (and schemathesis) know a year beyond 2100 is refused.
PlausibleDate = Annotated[
    date,
    AfterValidator(_plausible_for_pydantic),
    WithJsonSchema({"type": "string", "format": "date", "pattern": PLAUSIBLE_PATTERN}),
]


class PlausibleDateField(forms.DateField):
    """A date form field bounded to the plausible range, shown as the bounded date picker."""

    default_validators = [check_plausible_date]
    widget = DATE_INPUT


class PlausibleDateTimeField(forms.DateTimeField):
    """A date and time form field whose day is bounded to the plausible range."""

    default_validators = [check_plausible_date]
    widget = DATETIME_INPUT
