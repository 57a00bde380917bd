"""Answer scales: the answers a criterion accepts and what each one is worth.

A value's *worth* is a number between 0 and 1 (1 = fully met). ``None`` means "not applicable":
the criterion is left out of the score. A grid may change the worth of each answer (its
``answer_weights``); these are the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

NOT_APPLICABLE = "na"


class Scale(models.TextChoices):
    YES_PARTLY_NO = "yes_partly_no", _("Yes / partly / no / not applicable")
    MATURITY_4 = "maturity_4", _("Maturity 1 to 4 / not applicable")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    worth: float | None


# Labels are lazy translations; str() them when rendering.
_OPTIONS: dict[str, tuple[tuple[str, object, float | None], ...]] = {
    Scale.YES_PARTLY_NO: (
        ("yes", _("Yes"), 1.0),
        ("partly", _("Partly"), 0.5),
        ("no", _("No"), 0.0),
        (NOT_APPLICABLE, _("Not applicable"), None),
    ),
    Scale.MATURITY_4: (
        ("1", _("1 — not in place"), 0.0),
        ("2", _("2 — started"), 1 / 3),
        ("3", _("3 — in place"), 2 / 3),
        ("4", _("4 — mastered and evaluated"), 1.0),
        (NOT_APPLICABLE, _("Not applicable"), None),
    ),
}


def scale_values(scale: str) -> list[str]:
    """The values a scale accepts, in display order (``KeyError`` for an unknown scale)."""
    return [value for value, _label, _worth in _OPTIONS[scale]]


def default_weights(scale: str) -> dict[str, float]:
    """Worth of each answer that counts (not-applicable is never weighted)."""
    return {value: worth for value, _label, worth in _OPTIONS[scale] if worth is not None}


def options(scale: str, weights: dict[str, dict[str, float]] | None = None) -> list[Option]:
    """The options of ``scale`` with the grid's weights applied (``weights[scale][value]``)."""
    overrides = (weights or {}).get(scale, {})
    result = []
    for value, label, default in _OPTIONS[scale]:
        worth = float(overrides[value]) if default is not None and value in overrides else default
        result.append(Option(value=value, label=str(label), worth=worth))
    return result


def worth(scale: str, value: str, weights: dict[str, dict[str, float]] | None = None) -> float | None:
    """What ``value`` is worth on ``scale`` (``None`` when not applicable)."""
    if value == NOT_APPLICABLE:
        return None
    override = (weights or {}).get(scale, {})
    if value in override:
        return float(override[value])
    for candidate, _label, default in _OPTIONS[scale]:
        if candidate == value:
            return default
    raise KeyError(value)


def label(scale: str, value: str) -> str:
    for candidate, text, _worth in _OPTIONS.get(scale, ()):
        if candidate == value:
            return str(text)
    return value
