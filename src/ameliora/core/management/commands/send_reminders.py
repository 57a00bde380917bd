"""``ameliora send_reminders``: the daily reminders (run it from cron or a systemd timer)."""

from typing import Any

from django.core.management.base import BaseCommand

from ameliora.core.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Notify people of what falls due (invitations about to expire, and every module's deadlines)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_due_reminders()
        detail = ", ".join(f"{name}: {count}" for name, count in counts.items()) or "none registered"
        self.stdout.write(f"Reminders sent: {sum(counts.values())} ({detail})")
