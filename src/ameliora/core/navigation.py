"""The modules a member sees in the navigation and on the dashboard.

Each module names the URL of its home page. Until its app is installed that URL does not exist,
and the module is shown as "coming" instead of as a link: core never imports a domain app.
A module whose ``<key>.view`` capability the member lacks is not shown at all (its home page
would answer 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ameliora.core.permissions import can

if TYPE_CHECKING:
    from ameliora.core.models import Membership


@dataclass(frozen=True)
class Module:
    key: str
    label: str | Promise
    icon: str
    url_name: str
    description: str | Promise


MODULES: tuple[Module, ...] = (
    Module(
        "assessments",
        _("Self-assessment"),
        "clipboard-check",
        "assessments:home",
        _("Assess your practice against a quality grid and find what to improve."),
    ),
    Module(
        "plans",
        _("Action plans"),
        "list-check",
        "plans:home",
        _("Plan improvements with SMART objectives, actions, owners and proof."),
    ),
    Module(
        "indicators",
        _("Indicators"),
        "graph-up",
        "indicators:home",
        _("Measure, chart and interpret your quality indicators."),
    ),
    Module(
        "events",
        _("Adverse events"),
        "exclamation-triangle",
        "events:home",
        _("Declare, triage and analyse adverse events and experience feedback."),
    ),
    Module(
        "processes",
        _("Process map"),
        "diagram-3",
        "processes:home",
        _("Map your processes, their pilots and their risks."),
    ),
    Module(
        "meetings",
        _("Exchange spaces"),
        "people",
        "meetings:home",
        _("Run quality circles, CREX and RMM: calendar, agenda, minutes, decisions."),
    ),
    Module(
        "documents",
        _("Documents"),
        "file-earmark-text",
        "documents:home",
        _("Controlled documents: procedures, charters, versions and reviews."),
    ),
    Module(
        "surveys",
        _("Satisfaction surveys"),
        "chat-square-text",
        "surveys:home",
        _("Hear patients, referring doctors and partners: questionnaires, public links, results."),
    ),
    Module(
        "evaluations",
        _("Practice evaluations"),
        "clipboard-check",
        "evaluations:home",
        _("Clinical audits case by case, case reviews (RMM), patient tracers and peer reviews."),
    ),
    Module(
        "learning", _("Learning"), "mortarboard", "learning:home", _("Reflective portfolio, debriefs and competencies.")
    ),
    Module("reports", _("Reports"), "file-earmark-bar-graph", "reports:home", _("Annual quality report and exports.")),
)


@dataclass(frozen=True)
class ModuleEntry:
    module: Module
    url: str | None

    @property
    def available(self) -> bool:
        return self.url is not None


def modules_for(membership: Membership) -> list[ModuleEntry]:
    entries = []
    for module in MODULES:
        if not can(membership, f"{module.key}.view"):
            continue
        try:
            url: str | None = reverse(module.url_name, kwargs={"org_slug": membership.organization.slug})
        except NoReverseMatch:
            url = None
        entries.append(ModuleEntry(module, url))
    return entries
