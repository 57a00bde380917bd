"""Builders for grids and campaigns, written with the services so that every test starts from
rows the application itself would have made."""

from __future__ import annotations

from datetime import date

from ameliora.assessments import services
from ameliora.assessments.gridfile import CriterionSpec, GridSpec, SectionSpec
from ameliora.assessments.models import Answer, Campaign, Grid
from ameliora.core.models import Membership, Organization


def grid_spec(
    *, key: str = "test-grid", version: str = "1", sections: int = 2, per_section: int = 3, scale: str = "yes_partly_no"
) -> GridSpec:
    return GridSpec(
        key=key,
        name="Grille de test",
        version=version,
        answer_scale=scale,
        source="Grille d'essai",
        sections=[
            SectionSpec(
                code=f"S{s + 1}",
                title=f"Section {s + 1}",
                criteria=[
                    CriterionSpec(code=f"S{s + 1}-{c + 1:02d}", statement=f"Critère {s + 1}.{c + 1}")
                    for c in range(per_section)
                ],
            )
            for s in range(sections)
        ],
    )


def make_grid(organization: Organization, **kwargs: object) -> Grid:
    return services.install_grid(grid_spec(**kwargs), organization=organization, acting=None)  # type: ignore[arg-type]


def make_campaign(
    acting: Membership,
    *,
    grid: Grid | None = None,
    name: str = "Campagne",
    start: date = date(2026, 1, 5),
    previous: Campaign | None = None,
    open_it: bool = True,
) -> Campaign:
    grid = grid or make_grid(acting.organization)
    campaign = services.create_campaign(
        grid=grid,
        name=name,
        period_start=start,
        period_end=date(start.year, start.month, 28),
        previous=previous,
        acting=acting,
    )
    if open_it:
        services.open_campaign(campaign, acting=acting)
    return campaign


def answer_all(campaign: Campaign, acting: Membership, values: dict[str, str], *, default: str = "yes") -> None:
    for answer in Answer.objects.filter(campaign=campaign).select_related("criterion", "campaign__grid"):
        services.save_answer(
            answer, value=values.get(answer.criterion.code, default), comment="", final=True, acting=acting
        )


def any_grid_id(organization: Organization, owner: Membership) -> int:
    """For the tenancy walk: a grid of ``organization``."""
    return make_grid(organization, key=f"walk-{Grid.objects.count()}").pk


def any_criterion_id(organization: Organization, owner: Membership) -> int:
    return make_grid(organization, key=f"walk-{Grid.objects.count()}").criteria.first().pk  # type: ignore[union-attr]


def any_grid_section_id(organization: Organization, owner: Membership) -> int:
    return make_grid(organization, key=f"walk-{Grid.objects.count()}").sections.first().pk  # type: ignore[union-attr]


def any_campaign_id(organization: Organization, owner: Membership) -> int:
    grid = make_grid(organization, key=f"walk-{Grid.objects.count()}")
    return make_campaign(owner, grid=grid).pk


def any_answer_id(organization: Organization, owner: Membership) -> int:
    return Answer.objects.filter(campaign_id=any_campaign_id(organization, owner)).first().pk  # type: ignore[union-attr]


def any_respondent_id(organization: Organization, owner: Membership) -> int:
    campaign = Campaign.objects.get(pk=any_campaign_id(organization, owner))
    return services.set_respondent(campaign, membership=owner, sections=[], acting=owner).pk
