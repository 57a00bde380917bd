"""What each role may do: the one table of capabilities.

Views, templates and the API ask ``can(membership, "members.manage")``; nothing else in the code
base compares role names. Modules add their capabilities to :data:`CAPABILITIES` in this file, so
the whole access policy of an organization can be read in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from ameliora.core.models import Role

if TYPE_CHECKING:
    from ameliora.core.models import Membership

EVERYONE: frozenset[str] = frozenset(Role.values)
MANAGERS: frozenset[str] = frozenset({Role.ADMIN.value, Role.QUALITY_MANAGER.value})

CAPABILITIES: dict[str, frozenset[str]] = {
    # Organization and people
    "organization.view": EVERYONE,
    "organization.edit": frozenset({Role.ADMIN.value}),
    "members.view": EVERYONE,
    "members.manage": frozenset({Role.ADMIN.value}),
    "members.export": MANAGERS,
    "tokens.manage": frozenset({Role.ADMIN.value}),
    "webhooks.manage": frozenset({Role.ADMIN.value}),
    "history.view": MANAGERS,
    # Shared building blocks
    "attachments.add": EVERYONE - {Role.USER_REPRESENTATIVE.value},
    "comments.add": EVERYONE,
    "jobs.view": EVERYONE,
    # Controlled documents
    "documents.view": EVERYONE,
    "documents.edit": MANAGERS | {Role.PROCESS_PILOT.value, Role.SUPERVISOR.value},
    "documents.approve": MANAGERS,
    # Indicators: everyone reads them; pilots and managers define them; who collects data enters it
    "indicators.view": EVERYONE,
    "indicators.edit": MANAGERS | {Role.PROCESS_PILOT.value, Role.QUALITY_CELL.value},
    "indicators.enter_data": EVERYONE - {Role.USER_REPRESENTATIVE.value},
    # Adverse events and experience feedback (REX). Reporter identity is for the quality manager and
    # the quality cell only: an administrator may triage without learning who reported.
    "events.declare": EVERYONE,
    "events.view": EVERYONE - {Role.USER_REPRESENTATIVE.value},
    "events.triage": MANAGERS | {Role.QUALITY_CELL.value},
    "events.analyse": MANAGERS | {Role.QUALITY_CELL.value},
    "events.view_reporter": frozenset({Role.QUALITY_MANAGER.value, Role.QUALITY_CELL.value}),
    "events.configure": MANAGERS,
    "events.stats": MANAGERS | {Role.QUALITY_CELL.value},
    "events.library": EVERYONE,
    # A lesson shared with the territory is public: the pilot (quality manager) approves it.
    "events.approve_lessons": MANAGERS,
    # Self-assessment: everyone reads results; managers run grids and campaigns; respondents answer
    # the sections chosen for them (being named respondent of the campaign is also required).
    "assessments.view": EVERYONE,
    "assessments.manage": MANAGERS,
    "assessments.answer": EVERYONE - {Role.USER_REPRESENTATIVE.value},
    # Action plans: everyone reads them; the people who lead improvement (an intern builds the
    # pharmacy's plans under supervision) write them; those who steer move a plan through its
    # workflow; every member updates the actions they own or take part in, and acknowledges
    # the plan's communications.
    "plans.view": EVERYONE,
    "plans.edit": EVERYONE - {Role.MEMBER.value, Role.USER_REPRESENTATIVE.value},
    "plans.steer": MANAGERS | {Role.PROCESS_PILOT.value, Role.SUPERVISOR.value},
    "plans.export": EVERYONE,
    # Where actions opened from events, evaluations, surveys and meetings go: an organization-wide choice.
    "plans.route": MANAGERS,
    "meetings.view": EVERYONE,
    "meetings.manage": MANAGERS,
    "evaluations.view": EVERYONE,
    "evaluations.collect": EVERYONE - {Role.USER_REPRESENTATIVE.value},
    "evaluations.manage": MANAGERS | {Role.PROCESS_PILOT.value, Role.SUPERVISOR.value, Role.QUALITY_CELL.value},
    # The annual report is also given to the users' representatives (the law gives it to the CDU), who
    # have a page of their own: de-identified counts of events, plan progress, survey results.
    "reports.view": MANAGERS
    | {Role.QUALITY_CELL.value, Role.PROCESS_PILOT.value, Role.SUPERVISOR.value, Role.USER_REPRESENTATIVE.value},
    "reports.representatives": MANAGERS | {Role.USER_REPRESENTATIVE.value},
    "actions.update_own": EVERYONE - {Role.USER_REPRESENTATIVE.value},
    "communications.acknowledge": EVERYONE,
    # Process map and risk register: pilots and managers keep them up to date.
    "processes.view": EVERYONE,
    "processes.edit": MANAGERS | {Role.PROCESS_PILOT.value},
    "risks.edit": MANAGERS | {Role.PROCESS_PILOT.value, Role.QUALITY_CELL.value},
    # Reflective learning: anyone may keep a record of their own situations; supervisors open them for
    # a learner and are named on them; a learner's portfolio is seen by the learner, the supervisor
    # named on the situation and the managers only (learning/access.py). Managers may debrief any
    # situation (another pharmacist than the supervisor); administrators edit the competency framework.
    "learning.view": EVERYONE - {Role.USER_REPRESENTATIVE.value},
    "learning.create": EVERYONE - {Role.USER_REPRESENTATIVE.value},
    "learning.supervise": MANAGERS | {Role.SUPERVISOR.value},
    "learning.debrief_any": MANAGERS,
    "learning.view_all": MANAGERS,
    "learning.manage_framework": frozenset({Role.ADMIN.value}),
    # Satisfaction surveys: managers and the quality cell build and run them; staff type paper answers in.
    "surveys.view": EVERYONE,
    "surveys.manage": MANAGERS | {Role.QUALITY_CELL.value},
    "surveys.enter_paper": EVERYONE - {Role.USER_REPRESENTATIVE.value},
}

# Roles whose holders must use a second factor when the organization requires it.
MFA_SENSITIVE_ROLES = MANAGERS


def can(membership: Membership | None, capability: str) -> bool:
    """True when one of the member's roles grants ``capability``.

    An unknown capability is a programming error, not a denial: it raises ``KeyError`` so that a
    typo cannot silently lock people out (or, worse, be mistaken for a working check).
    """
    allowed = CAPABILITIES[capability]
    if membership is None:
        return False
    return not allowed.isdisjoint(membership.roles)


def require(membership: Membership | None, capability: str) -> None:
    """Raise 403 unless the member has ``capability``.

    Members know their organization exists, so a missing right inside it is a 403; people outside
    it never reach this point, the tenancy middleware answers them 404.
    """
    if not can(membership, capability):
        raise PermissionDenied
