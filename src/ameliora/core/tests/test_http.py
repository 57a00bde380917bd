"""Ids read by hand from a query string or a form; the status of a refused form and how htmx shows it."""

import json
import re

import pytest
from django.test import Client

from ameliora.core.http import INVALID_FORM, parse_id


@pytest.mark.parametrize(("text", "expected"), [("42", 42), ("007", 7), ("9" * 18, int("9" * 18))])
def test_an_id_is_read(text: str, expected: int) -> None:
    assert parse_id(text) == expected


@pytest.mark.parametrize("text", [None, "", "²", "١٢", "-1", "+3", " 4", "4.0", "9" * 19, "12abc"])
def test_anything_else_is_no_id(text: str | None) -> None:
    assert parse_id(text) is None


@pytest.mark.django_db
def test_every_page_tells_htmx_to_swap_a_refused_form_in_place(alice_client: Client) -> None:
    """htmx 2 swaps no 4xx by default: without this rule an htmx form refused with 422 shows nothing."""
    page = alice_client.get("/o/tilleuls/members/").content.decode()

    configs = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert len(configs) == 1  # htmx reads the first tag only
    rules = json.loads(configs[0])["responseHandling"]
    first_match_for_422 = next(rule for rule in rules if re.fullmatch(rule["code"].replace(".", r"\d"), "422"))
    assert first_match_for_422 == {"code": "422", "swap": True}
    assert INVALID_FORM == 422
