from __future__ import annotations

from django import template

from ameliora.core.figures import format_figure
from ameliora.learning.dossier import level_label, signature_text
from ameliora.learning.models import Debrief

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    return format_figure(value, "%")


@register.filter
def level(value: int | None) -> str:
    return level_label(value)


@register.simple_tag
def signature(debrief: Debrief, who: str) -> str:
    return signature_text(debrief, learner=who == "learner")
