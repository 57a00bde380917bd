"""Template filters shared by every module."""

from __future__ import annotations

from django.utils import translation

from ameliora.core.templatetags.ameliora import colon


def test_a_label_gets_the_colon_of_the_language() -> None:
    with translation.override("fr"):
        french = colon("Statut")
    with translation.override("en"):
        english = colon("Status")

    assert french == "Statut\u00a0:"
    assert english == "Status:"
