"""Administrators shape a grid in the app: sections and criteria, order, scale, and new versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ameliora.assessments import services
from ameliora.assessments.models import Campaign, Criterion, Grid, Section
from ameliora.assessments.tests.factories import make_campaign, make_grid
from ameliora.core.models import Membership


def url(name: str, org: str, **kwargs: int) -> str:
    return reverse(f"assessments:{name}", kwargs={"org_slug": org, **kwargs})


def _codes(grid: Grid) -> list[list[str]]:
    return [[c.code for c in s.criteria.order_by("position", "pk")] for s in grid.sections.all()]


def test_an_administrator_adds_a_section_and_a_criterion(alice: Membership, alice_client: Client) -> None:
    grid = make_grid(alice.organization, sections=1, per_section=1)
    slug = alice.organization.slug

    response = alice_client.post(
        url("section_add", slug, grid_id=grid.pk), {"code": "S2", "title": "Locaux", "description": ""}
    )
    assert response.status_code == 302
    section = grid.sections.get(code="S2")
    response = alice_client.post(
        url("criterion_add", slug, grid_id=grid.pk),
        {"section": section.pk, "code": "S2-01", "statement": "Les locaux sont propres.", "weight": 2},
    )

    assert response.status_code == 302
    assert _codes(grid) == [["S1-01"], ["S2-01"]]
    assert grid.criteria.get(code="S2-01").weight == 2
    page = alice_client.get(grid.get_absolute_url()).content.decode()
    assert "Les locaux sont propres." in page


def test_a_duplicate_code_is_refused_on_its_field_keeping_what_was_typed(
    alice: Membership, alice_client: Client
) -> None:
    grid = make_grid(alice.organization, sections=1, per_section=1)
    slug = alice.organization.slug

    response = alice_client.post(
        url("criterion_add", slug, grid_id=grid.pk),
        {"section": grid.sections.get().pk, "code": "S1-01", "statement": "Énoncé conservé", "weight": 1},
    )
    section_response = alice_client.post(url("section_add", slug, grid_id=grid.pk), {"code": "S1", "title": "Titre"})

    assert response.status_code == 422
    assert response.context["form"].has_error("code")
    assert "Énoncé conservé" in response.content.decode()
    assert section_response.status_code == 422
    assert section_response.context["form"].has_error("code")
    assert grid.criteria.count() == 1
    assert grid.sections.count() == 1


def test_moving_renumbers_within_the_section_and_the_grid(alice: Membership) -> None:
    grid = make_grid(alice.organization, sections=2, per_section=3)
    last = grid.criteria.get(code="S1-03")

    services.move(last, up=True, acting=alice)
    services.move(grid.sections.get(code="S2"), up=True, acting=alice)
    services.move(grid.criteria.get(code="S1-01"), up=True, acting=alice)  # already first: nothing moves

    assert _codes(grid) == [["S2-01", "S2-02", "S2-03"], ["S1-01", "S1-03", "S1-02"]]


def test_a_section_is_removed_only_once_empty(alice: Membership, alice_client: Client) -> None:
    grid = make_grid(alice.organization, sections=2, per_section=1)
    section = grid.sections.get(code="S2")
    slug = alice.organization.slug
    delete_section = url("section_delete", slug, grid_id=grid.pk, grid_section_id=section.pk)

    alice_client.post(delete_section)
    assert Section.objects.filter(pk=section.pk).exists()  # it still holds S2-01

    alice_client.post(url("criterion_delete", slug, criterion_id=grid.criteria.get(code="S2-01").pk))
    alice_client.post(delete_section)

    assert _codes(grid) == [["S1-01"]]


def test_once_a_campaign_copied_the_grid_its_structure_is_frozen(alice: Membership, alice_client: Client) -> None:
    grid = make_grid(alice.organization, sections=1, per_section=2)
    make_campaign(alice, grid=grid, open_it=False)  # a draft already holds one answer per criterion
    criterion = grid.criteria.get(code="S1-01")

    with pytest.raises(ValidationError):
        services.add_section(grid, code="S9", title="Nouvelle", description="", acting=alice)
    with pytest.raises(ValidationError):
        services.move(criterion, up=False, acting=alice)
    response = alice_client.post(url("criterion_delete", alice.organization.slug, criterion_id=criterion.pk))
    with pytest.raises(ValidationError):
        services.update_grid(grid, acting=alice, answer_scale="maturity_4")

    assert response.status_code == 302
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    assert _codes(grid) == [["S1-01", "S1-02"]]
    services.update_criterion(criterion, acting=alice, statement="Reformulé")  # wording still may change


def test_a_new_version_copies_everything_and_leaves_the_original_alone(alice: Membership, alice_client: Client) -> None:
    grid = make_grid(alice.organization, sections=2, per_section=2)
    make_campaign(alice, grid=grid)

    response = alice_client.post(url("grid_new_version", alice.organization.slug, grid_id=grid.pk), {"version": "2"})

    copy = Grid.objects.get(key=grid.key, version="2")
    assert response.status_code == 302
    assert response["Location"] == copy.get_absolute_url()
    assert _codes(copy) == _codes(grid)
    assert not copy.has_campaigns()
    services.add_section(copy, code="S3", title="Ajoutée", description="", acting=alice)
    assert grid.sections.count() == 2
    assert Campaign.objects.get().grid == grid
    again = alice_client.post(url("grid_new_version", alice.organization.slug, grid_id=grid.pk), {"version": "2"})
    assert again.status_code == 422
    assert again.context["form"].has_error("version")


def test_a_plain_member_cannot_change_a_grid(alice: Membership, bob: Membership, bob_client: Client) -> None:
    grid = make_grid(alice.organization, sections=1, per_section=1)

    response = bob_client.post(
        url("section_add", alice.organization.slug, grid_id=grid.pk), {"code": "S2", "title": "Non"}
    )

    assert response.status_code == 403
    assert grid.sections.count() == 1
