"""Names shared by the browser tests and their fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, ConsoleMessage, Page

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

SignIn = Callable[[Page, str], None]
"""``sign_in(page, email)``: log a demo persona in through the login form."""


# Runs in every page before its own scripts (Playwright injects it through the DevTools protocol, which
# the Content-Security-Policy does not govern) and hands each violation to Python.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportPolicyViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline code"} in ${event.documentURI}` +
    (event.sample ? ` (${event.sample})` : "")
  );
});
"""


def watch_policy_violations(context: BrowserContext, violations: list[str]) -> None:
    """Append to ``violations`` every Content-Security-Policy violation in the context's pages: the DOM's
    ``securitypolicyviolation`` events and Chromium's console errors ("Refused to … Content Security Policy")."""

    def report(violation: str) -> None:
        violations.append(violation)

    context.expose_function("reportPolicyViolation", report)
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.on("console", on_console)
