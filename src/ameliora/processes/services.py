"""Writes on the process map and the risk register, each in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Link, Membership
from ameliora.indicators.models import Indicator
from ameliora.plans import services as plan_services
from ameliora.plans.models import Action, ActionPlan
from ameliora.processes.models import Process, Risk, RiskSettings

OTHER_ORGANIZATION = _("This person or object belongs to another organization.")


def _check(process_or_risk: Process | Risk, acting: Membership) -> None:
    if process_or_risk.organization_id != acting.organization_id:
        raise ValidationError(OTHER_ORGANIZATION, code="other_organization")


@transaction.atomic
def save_process(process: Process, *, acting: Membership, indicators: Iterable[Indicator] | None = None) -> Process:
    """Create or update a process of the member's organization (the form has set its fields).

    ``indicators`` (when given) replaces the indicators that follow the process.
    """
    process.organization = acting.organization
    if process.pilot is not None and process.pilot.organization_id != acting.organization_id:
        raise ValidationError(OTHER_ORGANIZATION, code="other_organization")
    process.full_clean(exclude=["indicators"])
    process.save()
    if indicators is not None:
        indicators = list(indicators)
        if any(i.organization_id != acting.organization_id for i in indicators):
            raise ValidationError(OTHER_ORGANIZATION, code="other_organization")
        process.indicators.set(indicators)
    return process


@transaction.atomic
def save_risk(risk: Risk, *, acting: Membership) -> Risk:
    """Create or update a risk; both criticities are computed from the scores here."""
    risk.organization = acting.organization
    _check(risk.process, acting)
    risk.score()
    risk.full_clean()
    risk.save()
    return risk


@transaction.atomic
def set_thresholds(*, acting: Membership, acceptable_max: int, unacceptable_min: int) -> RiskSettings:
    settings = RiskSettings.for_org(acting.organization)
    settings.acceptable_max, settings.unacceptable_min = acceptable_max, unacceptable_min
    settings.full_clean()
    settings.save()
    return settings


@transaction.atomic
def open_action_for_risk(risk: Risk, *, plan: ActionPlan, title: str, acting: Membership, **fields: Any) -> Action:
    """Open an action in ``plan`` to reduce ``risk``; the action names the risk as its source."""
    _check(risk, acting)
    return plan_services.create_action(plan, acting=acting, title=title, source=risk, **fields)


def actions_for_risks(risks: list[Risk]) -> dict[int, list[Action]]:
    """The actions whose source is each risk (through core links), in two queries."""
    from django.contrib.contenttypes.models import ContentType

    if not risks:
        return {}
    links = Link.objects.filter(
        to_type=ContentType.objects.get_for_model(Risk),
        to_id__in=[r.pk for r in risks],
        from_type=ContentType.objects.get_for_model(Action),
    ).values_list("to_id", "from_id")
    pairs = list(links)
    actions = {a.pk: a for a in Action.objects.filter(pk__in=[a for _r, a in pairs]).with_lateness()}
    found: dict[int, list[Action]] = {}
    for risk_id, action_id in pairs:
        if action_id in actions:
            found.setdefault(risk_id, []).append(actions[action_id])
    return found
