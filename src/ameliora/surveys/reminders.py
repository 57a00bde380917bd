"""Daily: close the open campaigns whose period ended (``core.reminders``), frozen as by a manager."""

from __future__ import annotations

from ameliora.core.reminders import register_reminder
from ameliora.surveys.services import close_ended_campaigns


@register_reminder("survey campaigns past their end")
def close_ended_survey_campaigns() -> int:
    """The day after its end date, an open campaign closes; run twice, the second run closes nothing."""
    return close_ended_campaigns()
