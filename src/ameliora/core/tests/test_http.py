"""Ids read by hand from a query string or a form."""

import pytest

from ameliora.core.http import parse_id


@pytest.mark.parametrize(("text", "expected"), [("42", 42), ("007", 7), ("9" * 18, int("9" * 18))])
def test_an_id_is_read(text: str, expected: int) -> None:
    assert parse_id(text) == expected


@pytest.mark.parametrize("text", [None, "", "²", "١٢", "-1", "+3", " 4", "4.0", "9" * 19, "12abc"])
def test_anything_else_is_no_id(text: str | None) -> None:
    assert parse_id(text) is None
