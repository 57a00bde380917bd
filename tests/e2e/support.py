"""Names shared by the browser tests and their fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

SignIn = Callable[[Page, str], None]
"""``sign_in(page, email)``: log a demo persona in through the login form."""
