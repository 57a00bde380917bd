"""Writes of the self-assessment module: each runs in one transaction, keyword-only, verb first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from ameliora.assessments import scales
from ameliora.assessments.access import answerable_sections, may_answer
from ameliora.assessments.gridfile import GridSpec, dump_grid, parse_grid
from ameliora.assessments.models import (
    CAMPAIGN_FROZEN,
    GRID_LOCKED,
    Answer,
    Campaign,
    Criterion,
    Grid,
    Respondent,
    Section,
)
from ameliora.core import services as core_services
from ameliora.core.models import Attachment, Membership, Organization
from ameliora.core.tokens import history_reason

GRIDS_DIR = Path(__file__).resolve().parent / "grids"

GRID_HAS_CAMPAIGNS = _(
    "This grid already has a campaign: create a new version of the grid "
    "to add, remove or move its sections and criteria."
)
SECTION_NOT_EMPTY = _("Remove or move this section's criteria before removing the section.")
SECTION_CODE_TAKEN = _("Another section of this grid already has this code.")
GRID_EXISTS = _("This organization already has version %(version)s of the grid “%(key)s”.")
NOT_OPEN = _("Answers can be given only while the campaign is open.")
NOT_YOUR_SECTION = _("You are not a respondent for this section.")
UNKNOWN_VALUE = _("Choose one of the proposed answers.")
MANDATORY_NOT_APPLICABLE = _("A mandatory criterion cannot be answered “not applicable”.")
VALUE_REQUIRED = _("Choose an answer before saving it as answered (or save a draft).")
PREVIOUS_OTHER_GRID = _("The previous campaign must use the same grid.")
NOT_A_MEMBER = _("This person is not a member of the organization.")
SECTION_OTHER_GRID = _("Choose sections of the campaign's grid.")


# --- Grids --------------------------------------------------------------------------------------


def builtin_grid_files() -> list[Path]:
    return sorted(GRIDS_DIR.glob("*.yaml"))


def builtin_grid_specs() -> list[GridSpec]:
    return [parse_grid(path.read_text(encoding="utf-8")) for path in builtin_grid_files()]


@transaction.atomic
def install_grid(spec: GridSpec, *, organization: Organization, acting: Membership | None) -> Grid:
    """Create the grid of ``spec`` in ``organization`` (sections and criteria in document order)."""
    if Grid.objects.for_org(organization).filter(key=spec.key, version=spec.version).exists():
        raise ValidationError(GRID_EXISTS, code="grid_exists", params={"key": spec.key, "version": spec.version})
    grid = Grid.objects.create(
        organization=organization,
        key=spec.key,
        name=spec.name,
        version=spec.version,
        source=spec.source,
        description=spec.description,
        kinds=spec.kinds,
        answer_scale=spec.answer_scale,
        answer_weights=spec.answer_weights,
    )
    sections = bulk_create_with_history(
        [
            Section(
                organization=organization, grid=grid, code=s.code, title=s.title, description=s.description, position=i
            )
            for i, s in enumerate(spec.sections)
        ],
        Section,
    )
    criteria = []
    for section, section_spec in zip(sections, spec.sections, strict=True):
        for position, c in enumerate(section_spec.criteria):
            criteria.append(
                Criterion(
                    organization=organization,
                    grid=grid,
                    section=section,
                    code=c.code,
                    statement=c.statement,
                    guidance=c.guidance,
                    expected_evidence=c.expected_evidence,
                    mandatory=c.mandatory,
                    level=c.level,
                    kinds=c.kinds,
                    answer_scale=c.answer_scale,
                    weight=c.weight,
                    position=position,
                )
            )
    bulk_create_with_history(criteria, Criterion)
    return grid


def import_grid(text: str | bytes, *, organization: Organization, acting: Membership | None) -> Grid:
    """Parse, validate and install a grid document (``GridFileError`` lists every problem)."""
    return install_grid(parse_grid(text), organization=organization, acting=acting)


def _check_unlocked(grid: Grid) -> None:
    if grid.is_locked():
        raise ValidationError(GRID_LOCKED, code="grid_locked")


@transaction.atomic
def update_grid(grid: Grid, *, acting: Membership, **fields: object) -> Grid:
    _check_unlocked(grid)
    if {"answer_scale", "kinds"} & fields.keys():
        _check_no_campaign(grid)
    for name, value in fields.items():
        setattr(grid, name, value)
    grid.save(update_fields=list(fields))
    return grid


def _check_no_campaign(grid: Grid) -> None:
    """Sections and criteria may be added, removed or moved only before any campaign copies them."""
    if grid.has_campaigns():
        raise ValidationError(GRID_HAS_CAMPAIGNS, code="grid_has_campaigns")


def _next_position(rows: Iterable[int]) -> int:
    return max(rows, default=-1) + 1


@transaction.atomic
def new_grid_version(grid: Grid, *, version: str, acting: Membership) -> Grid:
    """A copy of ``grid`` under a new version label, free to edit; the original stays as it was."""
    spec = replace(parse_grid(dump_grid(grid)), version=version)
    return install_grid(spec, organization=grid.organization, acting=acting)


@transaction.atomic
def add_section(grid: Grid, *, code: str, title: str, description: str, acting: Membership) -> Section:
    _check_no_campaign(grid)
    if grid.sections.filter(code=code).exists():
        raise ValidationError({"code": ValidationError(SECTION_CODE_TAKEN, code="unique")})
    return Section.objects.create(
        organization=grid.organization,
        grid=grid,
        code=code,
        title=title,
        description=description,
        position=_next_position(grid.sections.values_list("position", flat=True)),
    )


@transaction.atomic
def update_section(section: Section, *, acting: Membership, **fields: object) -> Section:
    _check_unlocked(section.grid)
    if "code" in fields and section.grid.sections.filter(code=fields["code"]).exclude(pk=section.pk).exists():
        raise ValidationError({"code": ValidationError(SECTION_CODE_TAKEN, code="unique")})
    for name, value in fields.items():
        setattr(section, name, value)
    section.save(update_fields=list(fields))
    return section


@transaction.atomic
def delete_section(section: Section, *, acting: Membership) -> None:
    _check_no_campaign(section.grid)
    if section.criteria.exists():
        raise ValidationError(SECTION_NOT_EMPTY, code="section_not_empty")
    section.delete()


@transaction.atomic
def add_criterion(grid: Grid, *, acting: Membership, section: Section, **fields: object) -> Criterion:
    _check_no_campaign(grid)
    if section.grid_id != grid.pk:
        raise ValidationError(SECTION_OTHER_GRID, code="section_other_grid")
    criterion = Criterion(
        organization=grid.organization,
        grid=grid,
        section=section,
        position=_next_position(section.criteria.values_list("position", flat=True)),
        **fields,
    )
    criterion.full_clean(exclude=["organization", "grid", "section"])
    criterion.save()
    return criterion


@transaction.atomic
def delete_criterion(criterion: Criterion, *, acting: Membership) -> None:
    _check_no_campaign(criterion.grid)
    criterion.delete()


@transaction.atomic
def move(item: Section | Criterion, *, up: bool, acting: Membership) -> None:
    """Swap ``item`` with its neighbour above (``up``) or below, within its grid or section."""
    _check_no_campaign(item.grid)
    siblings: list[Section | Criterion] = list(
        item.grid.sections.all() if isinstance(item, Section) else item.section.criteria.order_by("position", "pk")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):  # renumber: positions may have had gaps or ties
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])


@transaction.atomic
def update_criterion(criterion: Criterion, *, acting: Membership, **fields: object) -> Criterion:
    _check_unlocked(criterion.grid)
    if "section" in fields and getattr(fields["section"], "grid_id", None) != criterion.grid_id:
        raise ValidationError(SECTION_OTHER_GRID, code="section_other_grid")
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.save(update_fields=list(fields))
    return criterion


# --- Campaigns ----------------------------------------------------------------------------------


def previous_campaign_for(grid: Grid, *, before: Campaign | None = None) -> Campaign | None:
    """The latest campaign of the organization on the same grid (any version of its key)."""
    campaigns = Campaign.objects.for_org(grid.organization).filter(grid__key=grid.key).select_related("grid")
    if before is not None:
        campaigns = campaigns.exclude(pk=before.pk).filter(period_start__lte=before.period_start)
    return campaigns.order_by("-period_start", "-pk").first()


@transaction.atomic
def create_campaign(
    *,
    grid: Grid,
    name: str,
    period_start: date,
    period_end: date,
    previous: Campaign | None,
    acting: Membership,
) -> Campaign:
    """Create a draft campaign with one answer "to answer" per criterion applicable to the organization.

    Started from ``previous`` (same grid key), each answer carries the earlier answer and comment
    as its baseline; its own status is reset to "to answer" and its value left empty.
    """
    organization = acting.organization
    if previous is not None and previous.grid.key != grid.key:
        raise ValidationError(PREVIOUS_OTHER_GRID, code="previous_other_grid")
    campaign = Campaign.objects.create(
        organization=organization,
        grid=grid,
        name=name,
        period_start=period_start,
        period_end=period_end,
        previous=previous,
        created_by=acting,
    )
    baseline: dict[str, tuple[str, str]] = {}
    if previous is not None:
        baseline = {
            code: (value, comment)
            for code, value, comment in Answer.objects.filter(campaign=previous).values_list(
                "criterion__code", "value", "comment"
            )
        }
    answers = []
    for criterion in grid.criteria.all():
        if not criterion.applies_to(organization.kind):
            continue
        value, comment = baseline.get(criterion.code, ("", ""))
        answers.append(
            Answer(
                organization=organization,
                campaign=campaign,
                criterion=criterion,
                baseline_value=value,
                baseline_comment=comment,
            )
        )
    bulk_create_with_history(answers, Answer, default_change_reason=history_reason())
    return campaign


@transaction.atomic
def set_respondent(
    campaign: Campaign, *, membership: Membership, sections: Iterable[Section], acting: Membership
) -> Respondent:
    """Name ``membership`` respondent of ``campaign`` for ``sections`` (none chosen = every section)."""
    _check_not_frozen(campaign)
    if membership.organization_id != campaign.organization_id:
        raise ValidationError(NOT_A_MEMBER, code="not_a_member")
    chosen = list(sections)
    if any(section.grid_id != campaign.grid_id for section in chosen):
        raise ValidationError(SECTION_OTHER_GRID, code="section_other_grid")
    respondent, created = Respondent.objects.get_or_create(
        organization=campaign.organization, campaign=campaign, membership=membership
    )
    respondent.sections.set(chosen)
    if created and campaign.status == Campaign.Status.OPEN:
        _notify_respondents(campaign, [respondent])
    return respondent


@transaction.atomic
def remove_respondent(respondent: Respondent, *, acting: Membership) -> None:
    _check_not_frozen(respondent.campaign)
    respondent.delete()


def _notify_respondents(campaign: Campaign, respondents: Iterable[Respondent]) -> None:
    users = [r.membership.user for r in respondents]
    if users:
        core_services.notify(
            users,
            organization=campaign.organization,
            # A label and a reference only: names and answers are typed by people.
            title=lambda: gettext("Self-assessment campaign no. %(id)s awaits your answers") % {"id": campaign.pk},
            url=campaign.get_absolute_url(),
        )


@transaction.atomic
def open_campaign(campaign: Campaign, *, acting: Membership) -> Campaign:
    campaign.save(update_fields=campaign.open(by=acting))
    respondents = Respondent.objects.filter(campaign=campaign).select_related("membership__user")
    _notify_respondents(campaign, respondents)
    return campaign


@transaction.atomic
def close_campaign(campaign: Campaign, *, acting: Membership) -> Campaign:
    """Close (freeze) the campaign. Drafts stay drafts and do not count in the score."""
    # Lock the row (answers lock it too), then re-read the status another request may have changed.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    campaign.refresh_from_db(fields=["status"])
    campaign.save(update_fields=campaign.close(by=acting))
    return campaign


def _check_not_frozen(campaign: Campaign) -> None:
    if campaign.is_frozen:
        raise ValidationError(CAMPAIGN_FROZEN, code="frozen")


def _check_may_answer(answer: Answer, acting: Membership) -> None:
    campaign = answer.campaign
    _check_not_frozen(campaign)
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError(NOT_OPEN, code="not_open")
    if not may_answer(answerable_sections(acting, campaign), answer.criterion.section_id):
        raise ValidationError(NOT_YOUR_SECTION, code="not_your_section")


@transaction.atomic
def save_answer(answer: Answer, *, value: str, comment: str, final: bool, acting: Membership) -> Answer:
    """Save an answer: ``final`` marks it answered (a value is then required), else it stays a draft.

    The campaign row is locked so that an answer cannot slip in while the campaign is being closed.
    """
    campaign = Campaign.objects.select_for_update().get(pk=answer.campaign_id)
    answer.campaign = campaign
    _check_may_answer(answer, acting)
    scale = answer.criterion.scale_for(campaign.grid)
    if value and value not in scales.scale_values(scale):
        raise ValidationError(UNKNOWN_VALUE, code="unknown_value")
    if value == scales.NOT_APPLICABLE and answer.criterion.mandatory:
        raise ValidationError(MANDATORY_NOT_APPLICABLE, code="mandatory_na")
    if final and not value:
        raise ValidationError(VALUE_REQUIRED, code="value_required")
    answer.value = value
    answer.comment = comment
    answer.status = Answer.Status.ANSWERED if final else Answer.Status.DRAFT
    answer.answered_by = acting.user
    answer.answered_at = timezone.now()
    answer.save(update_fields=["value", "comment", "status", "answered_by", "answered_at"])
    return answer


@transaction.atomic
def add_evidence(answer: Answer, *, upload: UploadedFile, description: str, acting: Membership) -> Attachment:
    """Attach a file to an answer through the core (checked upload); refused once the campaign is closed."""
    _check_may_answer(answer, acting)
    return core_services.add_attachment(answer, upload=upload, acting=acting, description=description)
