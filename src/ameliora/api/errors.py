"""Invalid input, told in the user's language: pydantic's errors become a 422 body naming each field.

Pydantic writes its messages in English for developers; people using the API (and the tools they
build for French care teams) read ours instead. Each pydantic error type maps to one translated
sentence, filled from the error's context (the limit that was exceeded, the expected choices…).
A ``ValueError`` raised by one of our validators (a date out of range, a NUL character) already
carries a translated message, which is kept as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ameliora.core.api_types import FieldError, InvalidInput

INVALID_REQUEST = _("Invalid request: %(fields)s.")
#: One refused field: the summary says why, so a client that shows only ``message`` still tells the user.
INVALID_FIELD = _("%(field)s: %(message)s")
INVALID_VALUE = _("Invalid value.")

# Where ninja says a value came from; the first element of an error's location.
_SOURCES = {"path", "query", "body", "header", "cookie", "form", "file"}

_MESSAGES: dict[str, Promise] = {
    "missing": _("This field is required."),
    "int_type": _("Enter a whole number."),
    "int_parsing": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "int_parsing_size": _("Enter a whole number."),
    "float_type": _("Enter a number."),
    "float_parsing": _("Enter a number."),
    "decimal_type": _("Enter a number."),
    "decimal_parsing": _("Enter a number."),
    "finite_number": _("Enter a finite number."),
    "decimal_max_digits": _("Enter a number with at most %(max_digits)s digits in all."),
    "decimal_max_places": _("Enter a number with at most %(decimal_places)s digits after the decimal point."),
    "decimal_whole_digits": _("Enter a number with at most %(whole_digits)s digits before the decimal point."),
    "greater_than": _("Enter a value greater than %(gt)s."),
    "greater_than_equal": _("Enter a value greater than or equal to %(ge)s."),
    "less_than": _("Enter a value less than %(lt)s."),
    "less_than_equal": _("Enter a value less than or equal to %(le)s."),
    "string_type": _("Enter text."),
    "string_too_short": _("Enter at least %(min_length)s characters."),
    "string_too_long": _("Enter at most %(max_length)s characters."),
    "string_pattern_mismatch": _("This value has a form that is not allowed."),
    "bool_type": _("Enter true or false."),
    "bool_parsing": _("Enter true or false."),
    "date_type": _("Enter a valid date (YYYY-MM-DD)."),
    "date_parsing": _("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": _("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": _("Enter a valid date (YYYY-MM-DD)."),
    "enum": _("Choose one of: %(expected)s."),
    "literal_error": _("Choose one of: %(expected)s."),
    "json_invalid": _("The body is not valid JSON."),
    "json_type": _("The body is not valid JSON."),
    "model_type": _("Send a JSON object."),
    "model_attributes_type": _("Send a JSON object."),
    "dict_type": _("Send a JSON object."),
    "list_type": _("Send a list."),
    "too_long_list": _("Send at most %(max_length)s items."),
    "extra_forbidden": _("Unknown field."),
}


def _field(location: Iterable[Any]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: Mapping[str, Any]) -> str:
    context = error.get("ctx") or {}
    kind = str(error.get("type"))
    if kind == "value_error" and "error" in context:
        return str(context["error"])
    if kind == "too_long":
        # A length checked after a validator (``Annotated[Text, Field(max_length=…)]``).
        kind = "string_too_long" if isinstance(error.get("input"), str) else "too_long_list"
    template = _MESSAGES.get(kind)
    if template is None:
        return str(INVALID_VALUE)
    try:
        return str(template) % {key: str(value) for key, value in context.items()}
    except (KeyError, TypeError, ValueError):
        return str(INVALID_VALUE)


def invalid_input(errors: Iterable[Mapping[str, Any]]) -> InvalidInput:
    """The 422 body for pydantic (or ninja) errors: one entry per field, a summary naming them all."""
    entries = [FieldError(field=_field(error.get("loc", ())), message=_message(error)) for error in errors]
    if len(entries) == 1:
        summary = INVALID_FIELD % {"field": entries[0].field, "message": entries[0].message}
    else:
        summary = INVALID_REQUEST % {"fields": ", ".join(dict.fromkeys(entry.field for entry in entries))}
    return InvalidInput(message=str(summary), errors=entries)
