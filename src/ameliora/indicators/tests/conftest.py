"""The core personas (alice admin and bob member of the pharmacy, charlie outside) serve here too."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from ameliora.core.tests.conftest import (  # noqa: F401
    alice,
    alice_client,
    bob,
    bob_client,
    charlie,
    charlie_client,
    client_for,
    coteaux,
    task_failures,
    tilleuls,
)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Services and forms called directly speak English here (the msgids); pages fetched through the
    test client stay French, as people see them, and the conclusion's French wording is tested too."""
    with translation.override("en"):
        yield
