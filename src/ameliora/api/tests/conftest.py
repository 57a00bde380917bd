"""The core personas (alice admin and bob member of the pharmacy, charlie outside) serve here too."""

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
