"""Training needs raised from a self-assessment weakness, an adverse event or a practice evaluation:
the entry points, the safe resolution of ``?source=``, and the source shown with its own access rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ameliora.assessments.models import Criterion
from ameliora.assessments.tests.factories import answer_all, make_campaign
from ameliora.core.models import Link, Membership, Organization, Role
from ameliora.core.tests.factories import MembershipFactory
from ameliora.evaluations.models import Evaluation
from ameliora.evaluations.tests.factories import make_audit
from ameliora.events.models import Event
from ameliora.events.tests.factories import EventFactory
from ameliora.learning import services
from ameliora.learning.models import TrainingNeed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _plan_url(org: Organization, source: str = "") -> str:
    url = reverse("learning:training_plan", kwargs={"org_slug": org.slug})
    return f"{url}?source={source}" if source else url


def _edit_url(org: Organization, need: TrainingNeed) -> str:
    return reverse("learning:training_need_edit", kwargs={"org_slug": org.slug, "need_id": need.pk})


def _source_of(need: TrainingNeed) -> Any:
    link = Link.objects.get(
        kind=Link.Kind.SOURCE, from_type=ContentType.objects.get_for_model(TrainingNeed), from_id=need.pk
    )
    return link.to_object


def _weak_criterion(alice: Membership) -> Criterion:
    campaign = make_campaign(alice, name="Auto-évaluation 2026")
    answer_all(campaign, alice, {"S1-01": "no"})
    return Criterion.objects.get(grid=campaign.grid, code="S1-01")


def test_the_weaknesses_page_offers_a_need_per_weakness_prefilled_and_linked_to_the_criterion(
    alice: Membership, bob: Membership, alice_client: Client, tilleuls: Organization
) -> None:
    criterion = _weak_criterion(alice)
    campaign_id = criterion.grid.campaigns.get().pk
    page = alice_client.get(
        reverse("assessments:campaign_weaknesses", kwargs={"org_slug": tilleuls.slug, "campaign_id": campaign_id})
    )
    parameter = f"assessments.criterion:{criterion.pk}"
    assert f"?source={parameter}" in page.content.decode()

    form = alice_client.get(_plan_url(tilleuls, parameter)).context["form"]
    assert form.initial["need"] == criterion.statement
    assert form.initial["origin"] == TrainingNeed.Origin.ASSESSMENT

    response = alice_client.post(
        _plan_url(tilleuls), {"member": bob.pk, "need": "Coter un critère", "origin": "other", "source": parameter}
    )
    assert response.status_code == 302
    need = TrainingNeed.objects.get()
    assert need.origin == TrainingNeed.Origin.ASSESSMENT  # the source decides, not the form's choice
    assert _source_of(need) == criterion
    listing = alice_client.get(_plan_url(tilleuls)).content.decode()
    assert criterion.get_absolute_url() in listing


def test_an_event_page_links_to_the_plan_and_the_need_points_back_at_the_event(
    alice: Membership, alice_client: Client, tilleuls: Organization
) -> None:
    event = EventFactory.create(organization=tilleuls, reported_by=alice)
    page = alice_client.get(event.get_absolute_url())
    assert f"?source=events.event:{event.pk}" in page.content.decode()

    response = alice_client.get(_plan_url(tilleuls, f"events.event:{event.pk}"))
    assert response.context["form"].initial["origin"] == TrainingNeed.Origin.EVENT
    assert response.context["form"].initial["need"] == ""  # an event's text may hold patient data

    alice_client.post(
        _plan_url(tilleuls),
        {"member": alice.pk, "need": "Analyser un EI", "origin": "other", "source": f"events.event:{event.pk}"},
    )
    need = TrainingNeed.objects.get()
    assert (need.origin, _source_of(need)) == (TrainingNeed.Origin.EVENT, event)
    edit = alice_client.get(
        reverse("learning:training_need_edit", kwargs={"org_slug": tilleuls.slug, "need_id": need.pk})
    )
    assert event.get_absolute_url() in edit.content.decode()


def test_an_evaluation_page_links_to_the_plan_prefilled_with_its_title(
    alice: Membership, alice_client: Client, tilleuls: Organization
) -> None:
    evaluation = make_audit(tilleuls)
    page = alice_client.get(evaluation.get_absolute_url())
    assert f"?source=evaluations.evaluation:{evaluation.pk}" in page.content.decode()

    form = alice_client.get(_plan_url(tilleuls, f"evaluations.evaluation:{evaluation.pk}")).context["form"]
    assert (form.initial["need"], form.initial["origin"]) == (evaluation.title, TrainingNeed.Origin.EVALUATION)
    alice_client.post(
        _plan_url(tilleuls),
        {
            "member": alice.pk,
            "need": "Auditer",
            "origin": "other",
            "source": f"evaluations.evaluation:{evaluation.pk}",
        },
    )
    assert _source_of(TrainingNeed.objects.get()) == evaluation


def test_another_organization_s_object_is_not_found(
    alice: Membership, alice_client: Client, tilleuls: Organization, coteaux: Organization
) -> None:
    foreign_event = EventFactory.create(organization=coteaux)
    foreign_audit = make_audit(coteaux)
    for parameter in (f"events.event:{foreign_event.pk}", f"evaluations.evaluation:{foreign_audit.pk}"):
        assert alice_client.get(_plan_url(tilleuls, parameter)).status_code == 404
        response = alice_client.post(
            _plan_url(tilleuls), {"member": alice.pk, "need": "X", "origin": "other", "source": parameter}
        )
        assert response.status_code == 404
    assert not TrainingNeed.objects.exists()
    assert alice_client.get(_plan_url(tilleuls, "events.event:999999")).status_code == 404


@pytest.mark.parametrize(
    "parameter",
    ["core.organization:{org}", "learning.learningsituation:1", "auth.user:1", "events.event", "events.event:abc", "x"],
)
def test_a_kind_of_object_outside_the_allow_list_is_refused(
    parameter: str, alice: Membership, alice_client: Client, tilleuls: Organization
) -> None:
    response = alice_client.get(_plan_url(tilleuls, parameter.format(org=tilleuls.pk)))
    assert response.status_code == 400
    assert not TrainingNeed.objects.exists()


def test_an_event_the_member_may_not_see_is_neither_resolved_nor_shown(
    alice: Membership, bob: Membership, bob_client: Client, tilleuls: Organization
) -> None:
    # Bob (a member) sees events declared by members, never the public declarations.
    public = EventFactory.create(organization=tilleuls, source=Event.Source.PUBLIC, reference="EI-SECRET-1")
    assert bob_client.get(_plan_url(tilleuls, f"events.event:{public.pk}")).status_code == 404
    # A manager raised a need for Bob from that event: Bob sees his need, not the event.
    need = services.add_training_need(acting=alice, member=bob, need="Déclarer", source=public)
    listing = bob_client.get(_plan_url(tilleuls)).content.decode()
    assert "Déclarer" in listing
    assert "EI-SECRET-1" not in listing
    edit = bob_client.get(
        reverse("learning:training_need_edit", kwargs={"org_slug": tilleuls.slug, "need_id": need.pk})
    )
    assert "EI-SECRET-1" not in edit.content.decode()


def test_the_entry_points_are_hidden_without_the_learning_capability(
    alice: Membership, tilleuls: Organization, client_for: Any
) -> None:
    representative = MembershipFactory.create(organization=tilleuls, roles=[Role.USER_REPRESENTATIVE])
    evaluation = make_audit(tilleuls)
    page = client_for(representative).get(evaluation.get_absolute_url())
    assert page.status_code == 200
    assert "?source=" not in page.content.decode()


def test_the_plan_filters_by_origin_and_lists_sources_in_bounded_queries(
    alice: Membership,
    bob: Membership,
    alice_client: Client,
    tilleuls: Organization,
    django_assert_max_num_queries: Any,
) -> None:
    criterion = _weak_criterion(alice)
    for n in range(8):
        services.add_training_need(acting=alice, member=bob, need=f"Évaluation {n}", source=make_audit(tilleuls))
        services.add_training_need(
            acting=alice, member=bob, need=f"Événement {n}", source=EventFactory.create(organization=tilleuls)
        )
        services.add_training_need(acting=alice, member=bob, need=f"Critère {n}", source=criterion)
    with django_assert_max_num_queries(20):
        response = alice_client.get(_plan_url(tilleuls))
    rows = response.context["page"].object_list
    assert len(rows) == 24
    assert all(row.source is not None for row in rows)

    response = alice_client.get(_plan_url(tilleuls) + "?origin=event")
    assert {row.origin for row in response.context["page"].object_list} == {TrainingNeed.Origin.EVENT}
    assert len(response.context["page"].object_list) == 8
    assert Evaluation.objects.filter(organization=tilleuls).count() == 8
