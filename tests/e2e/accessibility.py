"""axe-core in the browser tests: run it on a page, keep what it finds, write a report a person can read.

axe-core is vendored under ``vendor/axe-core/`` (version and licence in ``VERSION``); it is never served
by the app. It reaches the page through :func:`install_axe`, a context init script that Playwright
injects through the DevTools protocol: the strict Content-Security-Policy governs the page's own
script tags, not that channel, so the policy stays exactly as in production during the audit (and the
``page`` fixture still fails a test on any violation of it).

:func:`audit` runs the WCAG 2.0/2.1 A and AA rules plus axe's best practices (landmarks, heading
order). Every finding is kept for the report; :data:`BLOCKING` impacts fail the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from playwright.sync_api import BrowserContext, Page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = frozenset({"serious", "critical"})
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
NODES_SHOWN = 4

_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact || "minor",
    help: v.help,
    url: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary || ""})),
  }));
}"""


class Node(TypedDict):
    target: str
    html: str
    summary: str


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on one page, with the elements that break it."""

    page: str
    rule: str
    impact: str
    help: str
    url: str
    nodes: tuple[Node, ...]

    @property
    def blocking(self) -> bool:
        return self.impact in BLOCKING

    def describe(self) -> str:
        lines = [f"[{self.impact}] {self.rule}: {self.help} ({len(self.nodes)} element(s)) — {self.url}"]
        for node in self.nodes[:NODES_SHOWN]:
            lines.append(f"    {node['target']}  {node['html'][:160]}")
            lines.extend(f"        {line}" for line in node["summary"].splitlines()[:3])
        if len(self.nodes) > NODES_SHOWN:
            lines.append(f"    … and {len(self.nodes) - NODES_SHOWN} more")
        return "\n".join(lines)


def install_axe(context: BrowserContext) -> None:
    """Make ``window.axe`` available in every page the context opens (see the module docstring)."""
    context.add_init_script(path=AXE)


def audit(page: Page, label: str) -> list[Violation]:
    """Run axe on the page as it is now; ``label`` names the page in the report (persona, page name)."""
    found: list[dict[str, Any]] = page.evaluate(_RUN_AXE, list(TAGS))
    return [
        Violation(
            page=f"{label} {page.url}",
            rule=item["rule"],
            impact=item["impact"],
            help=item["help"],
            url=item["url"],
            nodes=tuple(item["nodes"]),
        )
        for item in found
    ]


def report(violations: list[Violation]) -> str:
    """The violations grouped by page, blocking ones first, in the order the pages were seen."""
    pages: dict[str, list[Violation]] = {}
    for violation in violations:
        pages.setdefault(violation.page, []).append(violation)
    blocks = []
    for page, found in pages.items():
        found.sort(key=lambda v: (not v.blocking, v.rule))
        blocks.append(page + "\n" + "\n".join("  " + v.describe().replace("\n", "\n  ") for v in found))
    return "\n\n".join(blocks)
