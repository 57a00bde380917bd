"""Daily work: refresh the indicators fed by computed sources, and the statuses ("data due" moves with time)."""

from __future__ import annotations

from ameliora.core.reminders import register_reminder
from ameliora.indicators.services import recompute_all_sources


@register_reminder("indicators fed by computed sources")
def recompute_computed_indicators() -> int:
    return recompute_all_sources()
