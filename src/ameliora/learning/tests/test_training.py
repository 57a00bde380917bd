"""The competence development plan: needs identified, trainings planned and done, each member seeing their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Organization
from ameliora.learning import services
from ameliora.learning.models import TrainingNeed
from ameliora.learning.tests.factories import make_situation


def _url(name: str, org: Organization, **kwargs: Any) -> str:
    return reverse(f"learning:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_a_need_goes_from_identified_to_planned_to_done(alice: Membership, bob: Membership) -> None:
    row = services.add_training_need(acting=alice, member=bob, need="Contrôle des pesées")
    assert row.status == TrainingNeed.Status.IDENTIFIED

    with pytest.raises(ValidationError) as refused:
        services.update_training_need(row, acting=alice, status=TrainingNeed.Status.PLANNED)
    assert "training" in refused.value.message_dict
    row.refresh_from_db()
    assert row.status == TrainingNeed.Status.IDENTIFIED

    services.update_training_need(row, acting=alice, training="Atelier pesées", status=TrainingNeed.Status.PLANNED)
    services.update_training_need(row, acting=alice, status=TrainingNeed.Status.DONE)
    row.refresh_from_db()
    assert (row.status, row.done_on is not None) == (TrainingNeed.Status.DONE, True)
    with pytest.raises(ValidationError):
        services.update_training_need(row, acting=alice, status=TrainingNeed.Status.IDENTIFIED)


def test_a_need_from_a_debrief_is_the_learner_s_own(alice: Membership, bob: Membership) -> None:
    situation = make_situation(alice.organization)
    with pytest.raises(ValidationError):
        services.add_training_need(acting=alice, member=bob, need="X", situation=situation)
    row = services.add_training_need(acting=alice, member=situation.learner, need="Entretien AVK", situation=situation)
    assert row.origin == TrainingNeed.Origin.DEBRIEF


def test_a_member_sees_only_their_own_needs_and_managers_see_the_plan(
    alice: Membership, bob: Membership, alice_client: Client, bob_client: Client, tilleuls: Organization
) -> None:
    mine = services.add_training_need(acting=alice, member=bob, need="Pesées")
    other = services.add_training_need(acting=alice, member=alice, need="Management de la qualité")

    page = bob_client.get(_url("training_plan", tilleuls))
    assert [n.pk for n in page.context["page"]] == [mine.pk]
    assert bob_client.get(_url("training_need_edit", tilleuls, need_id=other.pk)).status_code == 404
    assert {n.pk for n in alice_client.get(_url("training_plan", tilleuls)).context["page"]} == {mine.pk, other.pk}


def test_a_member_cannot_add_a_need_for_someone_else(
    alice: Membership, bob_client: Client, tilleuls: Organization
) -> None:
    response = bob_client.post(_url("training_plan", tilleuls), {"member": alice.pk, "need": "X", "origin": "other"})
    assert response.status_code == 422
    assert "member" in response.context["form"].errors
    assert not TrainingNeed.objects.exists()


def test_the_plan_page_query_count_does_not_grow(
    alice: Membership, bob: Membership, alice_client: Client, tilleuls: Organization, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        services.add_training_need(acting=alice, member=bob, need=f"Besoin {n}")
    with django_assert_max_num_queries(15):
        response = alice_client.get(_url("training_plan", tilleuls))
    assert len(response.context["page"].object_list) == 25


@pytest.mark.parametrize("forged", ["²", "9" * 30])
def test_a_forged_situation_id_is_ignored_not_a_server_error(
    alice_client: Client, tilleuls: Organization, forged: str
) -> None:
    assert alice_client.get(_url("training_plan", tilleuls), {"situation": forged}).status_code == 200
