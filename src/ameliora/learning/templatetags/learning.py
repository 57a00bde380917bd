from __future__ import annotations

from django import template

from ameliora.learning.dossier import level_label, signature_text
from ameliora.learning.models import Debrief

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %"


@register.filter
def level(value: int | None) -> str:
    return level_label(value)


@register.simple_tag
def signature(debrief: Debrief, who: str) -> str:
    return signature_text(debrief, learner=who == "learner")
