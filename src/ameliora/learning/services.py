"""Every write of the learning app: atomic, keyword-only, with the acting membership.

Rules enforced here (views and tests rely on them):

* the learner writes the self-critique while the situation is a draft, and submits it complete;
* the supervisor (or a manager) writes the debrief once it is submitted, may send it back to the
  learner, and the situation is debriefed when both the learner and the supervisor have signed;
* a change to the debrief's text clears signatures already given (they signed another text);
* a debriefed situation is frozen: self-critique, debrief, ratings and links no longer change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.assessments.models import Campaign
from ameliora.core import services as core_services
from ameliora.core.models import Link, Membership, Organization
from ameliora.core.permissions import CAPABILITIES, can
from ameliora.learning.frameworks import starter_for
from ameliora.learning.models import (
    ALREADY_SIGNED,
    DEBRIEF_INCOMPLETE,
    DEBRIEF_NOT_READY,
    NOT_A_SIGNATORY,
    NOT_A_SUPERVISOR,
    SELF_CRITIQUE_INCOMPLETE,
    SELF_CRITIQUE_LOCKED,
    SITUATION_FROZEN,
    SUPERVISOR_IS_LEARNER,
    Competency,
    CompetencyRating,
    Debrief,
    LearningSituation,
    SelfCritique,
    TrainingNeed,
)
from ameliora.learning.sources import SOURCE_KINDS, key_of
from ameliora.plans.models import ActionPlan

SELF_CRITIQUE_FIELDS = SelfCritique.QUESTIONS
DEBRIEF_FIELDS = ("supervisor_view", "agreed_goals", "means", "debrief_date")


def _notify(situation: LearningSituation, recipient: Membership | None, title: core_services.Title) -> None:
    """Tell the other party what awaits them; titles are labels only (situation titles are typed text)."""
    if recipient is not None:
        core_services.notify(
            [recipient.user], organization=situation.organization, title=title, url=situation.get_absolute_url()
        )


def _lock(situation: LearningSituation) -> LearningSituation:
    """Reload the situation under a row lock: two signatures at once must not both miss the other."""
    return LearningSituation.objects.select_for_update().get(pk=situation.pk)


def _refuse_if_frozen(situation: LearningSituation) -> None:
    if situation.is_frozen:
        raise ValidationError(SITUATION_FROZEN, code="frozen")


def is_supervising(membership: Membership, situation: LearningSituation) -> bool:
    """The named supervisor, or a member who may debrief any situation (another pharmacist)."""
    return situation.supervisor_id == membership.pk or can(membership, "learning.debrief_any")


def supervisors_of(organization: Organization) -> QuerySet[Membership]:
    """Members who may be named supervisor: those whose roles grant ``learning.supervise``."""
    return (
        Membership.objects.for_org(organization)
        .filter(role_set__role__in=CAPABILITIES["learning.supervise"])
        .distinct()
        .select_related("user")
        .order_by("user__last_name")
    )


def _check_people(organization: Organization, learner: Membership, supervisor: Membership | None) -> None:
    if learner.organization_id != organization.pk:
        raise ValidationError({"learner": "other organization"})
    if supervisor is None:
        return
    if supervisor.pk == learner.pk:
        raise ValidationError({"supervisor": SUPERVISOR_IS_LEARNER})
    if not supervisors_of(organization).filter(pk=supervisor.pk).exists():
        raise ValidationError({"supervisor": NOT_A_SUPERVISOR})


def _check_links(organization: Organization, campaign: Campaign | None, plans: Iterable[ActionPlan]) -> None:
    if campaign is not None and campaign.organization_id != organization.pk:
        raise ValidationError({"campaign": "other organization"})
    if any(plan.organization_id != organization.pk for plan in plans):
        raise ValidationError({"plans": "other organization"})


@transaction.atomic
def create_situation(
    *,
    acting: Membership,
    learner: Membership,
    title: str,
    supervisor: Membership | None = None,
    context: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
    campaign: Campaign | None = None,
    plans: Iterable[ActionPlan] = (),
) -> LearningSituation:
    organization = acting.organization
    plans = list(plans)
    _check_links(organization, campaign, plans)
    _check_people(organization, learner, supervisor)
    if learner.pk != acting.pk and not can(acting, "learning.supervise"):
        raise PermissionDenied
    situation = LearningSituation(
        organization=organization,
        learner=learner,
        supervisor=supervisor,
        title=title,
        context=context,
        period_start=period_start,
        period_end=period_end,
        campaign=campaign,
        created_by=acting,
    )
    situation.full_clean(exclude=["plans"])
    situation.save()
    situation.plans.set(plans)
    SelfCritique.objects.create(organization=organization, situation=situation)
    Debrief.objects.create(organization=organization, situation=situation)
    return situation


@transaction.atomic
def update_situation(
    situation: LearningSituation,
    *,
    acting: Membership,
    title: str,
    supervisor: Membership | None,
    context: str,
    period_start: date | None,
    period_end: date | None,
    campaign: Campaign | None,
    plans: Iterable[ActionPlan],
) -> LearningSituation:
    situation = _lock(situation)
    _refuse_if_frozen(situation)
    plans = list(plans)
    _check_links(situation.organization, campaign, plans)
    _check_people(situation.organization, situation.learner, supervisor)
    supervisor_changed = situation.supervisor_id != (supervisor.pk if supervisor else None)
    situation.title, situation.supervisor, situation.context = title, supervisor, context
    situation.period_start, situation.period_end, situation.campaign = period_start, period_end, campaign
    situation.full_clean(exclude=["plans"])
    situation.save(update_fields=["title", "supervisor", "context", "period_start", "period_end", "campaign"])
    situation.plans.set(plans)
    if supervisor_changed:
        # A signature binds the supervisor who gave it: a new supervisor debriefs and signs again.
        Debrief.objects.filter(situation=situation).update(
            learner_signed_at=None, learner_signed_by=None, supervisor_signed_at=None, supervisor_signed_by=None
        )
    return situation


@transaction.atomic
def save_self_critique(
    situation: LearningSituation, *, acting: Membership, answers: dict[str, str], submit: bool = False
) -> SelfCritique:
    """Save a draft of the self-critique (history keeps each one); ``submit`` hands it to the supervisor."""
    situation = _lock(situation)
    _refuse_if_frozen(situation)
    if acting.pk != situation.learner_id:
        raise PermissionDenied
    if situation.status != LearningSituation.Status.DRAFT:
        raise ValidationError(SELF_CRITIQUE_LOCKED, code="submitted")
    critique = SelfCritique.objects.select_for_update().get(situation=situation)
    for name in SELF_CRITIQUE_FIELDS:
        setattr(critique, name, (answers.get(name) or "").strip())
    fields = [*SELF_CRITIQUE_FIELDS, "updated_at"]
    if submit:
        if not critique.is_complete:
            raise ValidationError(SELF_CRITIQUE_INCOMPLETE, code="incomplete")
        critique.submitted_at = timezone.now()
        fields.append("submitted_at")
        situation.save(update_fields=situation.move_to(LearningSituation.Status.SUBMITTED))
        _notify(situation, situation.supervisor, gettext_lazy("A self-critique awaits your debrief"))
    critique.save(update_fields=fields)
    return critique


@transaction.atomic
def send_back(situation: LearningSituation, *, acting: Membership) -> LearningSituation:
    """The supervisor returns the self-critique to the learner before the debrief is signed."""
    situation = _lock(situation)
    _refuse_if_frozen(situation)
    if not is_supervising(acting, situation):
        raise PermissionDenied
    situation.save(update_fields=situation.move_to(LearningSituation.Status.DRAFT))
    _notify(situation, situation.learner, gettext_lazy("Your self-critique was sent back to you"))
    Debrief.objects.filter(situation=situation).update(
        learner_signed_at=None, learner_signed_by=None, supervisor_signed_at=None, supervisor_signed_by=None
    )
    return situation


@transaction.atomic
def save_debrief(
    situation: LearningSituation,
    *,
    acting: Membership,
    supervisor_view: str,
    agreed_goals: str,
    means: str,
    debrief_date: date | None,
) -> Debrief:
    situation = _lock(situation)
    _refuse_if_frozen(situation)
    if not is_supervising(acting, situation):
        raise PermissionDenied
    if situation.status != LearningSituation.Status.SUBMITTED:
        raise ValidationError(DEBRIEF_NOT_READY, code="not_submitted")
    debrief = Debrief.objects.select_for_update().get(situation=situation)
    new = {
        "supervisor_view": supervisor_view.strip(),
        "agreed_goals": agreed_goals.strip(),
        "means": means.strip(),
        "debrief_date": debrief_date,
    }
    changed = any(getattr(debrief, name) != value for name, value in new.items())
    if not changed:
        return debrief
    for name, value in new.items():
        setattr(debrief, name, value)
    debrief.written_by = acting
    # Whoever signed, signed the earlier text.
    debrief.learner_signed_at = debrief.learner_signed_by = None
    debrief.supervisor_signed_at = debrief.supervisor_signed_by = None
    debrief.save(
        update_fields=[
            *DEBRIEF_FIELDS,
            "written_by",
            "learner_signed_at",
            "learner_signed_by",
            "supervisor_signed_at",
            "supervisor_signed_by",
        ]
    )
    return debrief


@transaction.atomic
def sign_debrief(situation: LearningSituation, *, acting: Membership) -> Debrief:
    """Sign as the learner or as the supervisor; the second signature freezes the situation."""
    situation = _lock(situation)
    _refuse_if_frozen(situation)
    if situation.status != LearningSituation.Status.SUBMITTED:
        raise ValidationError(DEBRIEF_NOT_READY, code="not_submitted")
    debrief = Debrief.objects.select_for_update().get(situation=situation)
    if not debrief.is_complete:
        raise ValidationError(DEBRIEF_INCOMPLETE, code="incomplete")
    now = timezone.now()
    if acting.pk == situation.learner_id:
        if debrief.learner_signed_at is not None:
            raise ValidationError(ALREADY_SIGNED, code="signed")
        debrief.learner_signed_at, debrief.learner_signed_by = now, acting
        fields = ["learner_signed_at", "learner_signed_by"]
    elif is_supervising(acting, situation):
        if debrief.supervisor_signed_at is not None:
            raise ValidationError(ALREADY_SIGNED, code="signed")
        debrief.supervisor_signed_at, debrief.supervisor_signed_by = now, acting
        fields = ["supervisor_signed_at", "supervisor_signed_by"]
    else:
        raise ValidationError(NOT_A_SIGNATORY, code="not_signatory")
    debrief.save(update_fields=fields)
    # "A debrief awaits your signature" is done for the signer; once both signed, for everyone.
    url = situation.get_absolute_url()
    core_services.retire_notifications(organization=situation.organization, url=url, recipient=acting.user)
    if debrief.is_signed:
        situation.save(update_fields=situation.move_to(LearningSituation.Status.DEBRIEFED))
        core_services.retire_notifications(organization=situation.organization, url=url)
    elif acting.pk == situation.learner_id:
        _notify(situation, situation.supervisor, gettext_lazy("A debrief awaits your signature"))
    else:
        _notify(situation, situation.learner, gettext_lazy("A debrief awaits your signature"))
    return debrief


@transaction.atomic
def rate_competencies(
    situation: LearningSituation,
    *,
    acting: Membership,
    rater: str,
    levels: dict[int, int | None],
    rated_on: date | None = None,
) -> int:
    """Set ``rater``'s level per competency id (None removes the rating); returns how many changed."""
    situation = _lock(situation)
    _refuse_if_frozen(situation)
    if rater == CompetencyRating.Rater.SELF and acting.pk != situation.learner_id:
        raise PermissionDenied
    if rater == CompetencyRating.Rater.SUPERVISOR and not is_supervising(acting, situation):
        raise PermissionDenied
    competencies = Competency.objects.for_org(situation.organization).in_bulk(list(levels))
    if len(competencies) != len(levels):
        raise ValidationError("unknown competency")
    existing = {r.competency_id: r for r in CompetencyRating.objects.filter(situation=situation, rater=rater)}
    day = rated_on or timezone.localdate()
    changed = 0
    for competency_id, level in levels.items():
        rating = existing.get(competency_id)
        if level is None:
            if rating is not None:
                rating.delete()
                changed += 1
            continue
        if rating is None:
            CompetencyRating.objects.create(
                organization=situation.organization,
                situation=situation,
                competency=competencies[competency_id],
                rater=rater,
                level=level,
                rated_on=day,
                rated_by=acting,
            )
            changed += 1
        elif rating.level != level:
            rating.level, rating.rated_on, rating.rated_by = level, day, acting
            rating.save(update_fields=["level", "rated_on", "rated_by"])
            changed += 1
    return changed


@transaction.atomic
def install_framework(*, organization: Organization, acting: Membership | None) -> int:
    """Copy the starter framework of the organization's kind; codes already present are kept as they are."""
    taken = set(Competency.objects.for_org(organization).values_list("code", flat=True))
    created = 0
    for position, spec in enumerate(starter_for(organization.kind), start=1):
        if spec.code in taken:
            continue
        Competency.objects.create(
            organization=organization,
            code=spec.code,
            area=spec.area,
            title=spec.title,
            description=spec.description,
            position=position * 10,
        )
        created += 1
    return created


@transaction.atomic
def save_competency(competency: Competency, *, acting: Membership) -> Competency:
    if not can(acting, "learning.manage_framework"):
        raise PermissionDenied
    competency.organization = acting.organization
    competency.full_clean()
    competency.save()
    return competency


# --- competence development plan -------------------------------------------------------------------


@transaction.atomic
def add_training_need(
    *,
    acting: Membership,
    member: Membership,
    need: str,
    origin: str = TrainingNeed.Origin.OTHER,
    competency: Competency | None = None,
    situation: LearningSituation | None = None,
    source: models.Model | None = None,
) -> TrainingNeed:
    """Add a need to the plan; a ``source`` (criterion, event, evaluation) sets the origin and is linked."""
    if source is not None:
        if situation is not None:
            raise ValidationError(_("A training need has one origin."), code="two_origins")
        if key_of(source) not in SOURCE_KINDS:
            raise ValidationError(_("This kind of object cannot be the source of a training need."), code="bad_source")
        origin = SOURCE_KINDS[key_of(source)].origin
    for obj in (member, competency, situation, source):
        if obj is not None and getattr(obj, "organization_id", None) != acting.organization_id:
            raise ValidationError(
                _("This person or object belongs to another organization."), code="other_organization"
            )
    if situation is not None and situation.learner_id != member.pk:
        raise ValidationError(_("The learning situation is not this member's."), code="other_learner")
    row = TrainingNeed(
        organization=acting.organization,
        member=member,
        need=need,
        origin=TrainingNeed.Origin.DEBRIEF if situation is not None else origin,
        competency=competency,
        situation=situation,
        created_by=acting,
    )
    row.full_clean()
    row.save()
    if source is not None:
        core_services.link_objects(row, source, kind=Link.Kind.SOURCE, acting=acting)
    return row


@transaction.atomic
def update_training_need(
    row: TrainingNeed, *, acting: Membership, status: str | None = None, **fields: Any
) -> TrainingNeed:
    """Change the training's details and, when ``status`` is given, move it (planned needs a training's name)."""
    for name, value in fields.items():
        setattr(row, name, value)
    changed = list(fields)
    if status is not None and status != row.status:
        row.move_to(status)
        changed += ["status", "done_on"]
    row.full_clean()
    row.save(update_fields=sorted(set(changed)))
    return row
