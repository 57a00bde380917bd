"""What every app's API router shares: the error answers, bounded pagination and safe input types.

Domain apps may not import ``ameliora.api`` (see docs/architecture.md), so the pieces their routers
need live here:

* :class:`Message` is every error body, ``{"message": …}`` in the user's language; :class:`InvalidInput`
  adds one entry per wrong field to 422 answers. :data:`ERRORS` holds the 4xx answers every operation
  documents: ``response={200: SomethingOut, **ERRORS}``.
* :class:`Pagination` is ninja's page-number pagination with ``page`` and ``page_size`` bounded, so
  that a huge page number is a 422 instead of an integer overflow in the database.
  :data:`PageNumber` bounds the hand-written paginations the same way.
* :data:`OrgSlug` and :data:`ObjectId` are bounded path parameters (an id beyond 64 bits
  overflows the database's integer).
* :data:`Text` is a string without NUL characters: PostgreSQL cannot store them and the HTML forms
  refuse them. Every string of an input schema uses it (``api/tests/test_openapi.py`` checks).
* :class:`ModelDecimal` bounds an input number by a model ``DecimalField``'s digits, and
  :func:`max_length` a text by a ``CharField``'s length, so that a value too large to store is
  refused with a message naming the field instead of failing (or being cut) when it is saved.

A router module that uses these annotations must not start with ``from __future__ import
annotations``: ninja resolves parameter annotations in its own module, where ``OrgSlug`` is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

NOT_FOUND = _("Not found.")
AUTHENTICATION_REQUIRED = _("Authentication required.")
FORBIDDEN = _("You do not have the right to do this.")
ENTER_A_NUMBER = _("Enter a number.")
CSRF_FAILED = _("The CSRF check failed: send the value of the csrftoken cookie in the X-CSRFToken header.")

#: Far beyond any list an organization holds (100 000 pages of 50 rows), far below an overflow.
MAX_PAGE = 100_000
MAX_PAGE_SIZE: int = ninja_settings.PAGINATION_MAX_PER_PAGE_SIZE
#: The largest primary key SQLite and PostgreSQL (bigint) can hold.
MAX_ID = 2**63 - 1
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


class Message(Schema):
    """The body of every error answer."""

    message: str


class FieldError(Schema):
    field: str = Field(description="Where the wrong value is, e.g. `page` or `note`.")
    message: str


class InvalidInput(Schema):
    """A 422 answer: a summary naming the wrong fields, then one message per field."""

    message: str
    errors: list[FieldError]


#: The error answers every operation may give (400 and 422 with the reasons, 401 signed out or an
#: invalid, expired or revoked token, 403 without the right, 404 unknown or another organization's,
#: 429 an API token beyond its requests per minute).
ERRORS: dict[int, type[Schema]] = {
    400: Message,
    401: Message,
    403: Message,
    404: Message,
    422: InvalidInput,
    429: Message,
}


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description="Rows per page.")


class Pagination(PageNumberPagination):
    """Ninja's page-number pagination with both query parameters bounded (422 beyond)."""

    Input = PageQuery  # type: ignore[assignment]


PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1.")]
OrgSlug = Annotated[str, Path(pattern=SLUG_PATTERN, description="The organization's short name.")]
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _without_nul(value: str) -> str:
    # The forms' own validator, so that the API and the forms refuse with the same words.
    try:
        ProhibitNullCharactersValidator()(value)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from exc
    return value


Text = Annotated[str, AfterValidator(_without_nul)]


DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _decimal_text(value: Any) -> Any:
    # Python's Decimal reads "1e5", " 7", "٣" and "Infinity"; the schema promises plain decimals only.
    if isinstance(value, str) and not DECIMAL_TEXT.fullmatch(value):
        raise ValueError(str(ENTER_A_NUMBER))
    return value


@dataclass(frozen=True)
class ModelDecimal:
    """``Annotated[Decimal, ModelDecimal(Measurement, "value")]``: a number bounded like the column.

    A JSON number or a decimal string (``"12.5"``) with at most the column's decimal places and, in
    absolute value, at most its whole digits all nines (999 999 999 999 for 12): SQLite keeps
    decimals as floats of 15 significant digits, so 999 999 999 999.9999 would be read back as
    10^12, one digit too many for the column, and break every page that reads it. Anything else is
    a 422 naming the field instead of an error when saving or reading.
    """

    model: type[models.Model]
    name: str

    @property
    def digits(self) -> tuple[int, int]:
        """The column's ``(max_digits, decimal_places)``."""
        field = self.model._meta.get_field(self.name)
        if not isinstance(field, models.DecimalField) or field.max_digits is None or field.decimal_places is None:
            raise TypeError(f"{self.model.__name__}.{self.name} is not a bounded DecimalField")
        return field.max_digits, field.decimal_places

    @property
    def largest(self) -> int:
        max_digits, places = self.digits
        return int(10 ** (max_digits - places) - 1)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        max_digits, places = self.digits
        decimal = core_schema.decimal_schema(
            max_digits=max_digits,
            decimal_places=places,
            ge=Decimal(-self.largest),
            le=Decimal(self.largest),
            allow_inf_nan=False,
        )
        return core_schema.no_info_before_validator_function(_decimal_text, decimal)

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        _, places = self.digits
        return {
            "anyOf": [
                {"type": "number", "minimum": -self.largest, "maximum": self.largest},
                {"type": "string", "pattern": f"^{DECIMAL_TEXT.pattern}$"},
            ],
            "description": f"Between -{self.largest} and {self.largest}, with at most {places} decimals.",
        }


def max_length(model: type[models.Model], name: str) -> int:
    """The ``max_length`` of a model's text field, so an input schema refuses what it would cut."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a bounded CharField")
    return field.max_length
