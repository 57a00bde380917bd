"""Plan and action state machines, lateness, and the services' all-or-nothing writes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ameliora.core.models import Link, Membership
from ameliora.core.tests.factories import MembershipFactory
from ameliora.plans import services
from ameliora.plans.models import (
    ACTION_TRANSITION_REFUSED,
    ALREADY_ACKNOWLEDGED,
    DUE_BEFORE_START,
    NOT_IN_AUDIENCE,
    PLAN_CLOSED,
    PLAN_TRANSITION_REFUSED,
    Action,
    ActionPlan,
    Objective,
)
from ameliora.plans.services import OTHER_ORGANIZATION, REVISION_NEEDS_CHANGE
from ameliora.plans.tests.factories import ActionFactory, ObjectiveFactory, PlanFactory


@pytest.fixture
def plan(alice: Membership) -> ActionPlan:
    """A draft plan of the pharmacy, owned by alice."""
    return services.create_plan(acting=alice, title="Circuit des produits de santé")


def test_a_new_plan_is_a_draft_with_a_yearly_code(plan: ActionPlan, alice: Membership) -> None:
    year = timezone.localdate().year
    assert plan.status == ActionPlan.Status.DRAFT
    assert plan.code == f"PAQ-{year}-01"
    assert plan.owner == alice
    assert services.create_plan(acting=alice, title="Préparations").code == f"PAQ-{year}-02"


def test_the_plan_workflow_records_who_and_when(plan: ActionPlan, alice: Membership) -> None:
    services.change_plan_status(plan, wanted=ActionPlan.Status.ACTIVE, acting=alice)
    services.change_plan_status(plan, wanted=ActionPlan.Status.UNDER_REVIEW, acting=alice)
    services.change_plan_status(plan, wanted=ActionPlan.Status.CLOSED, acting=alice)

    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.CLOSED
    assert plan.activated_by == alice
    assert plan.activated_at is not None
    assert plan.review_started_by == alice
    assert plan.closed_by == alice
    assert plan.closed_at is not None
    assert plan.history.count() == 4


def test_a_draft_cannot_be_closed(plan: ActionPlan, alice: Membership) -> None:
    with pytest.raises(ValidationError) as error:
        services.change_plan_status(plan, wanted=ActionPlan.Status.CLOSED, acting=alice)

    assert error.value.messages == [
        str(
            PLAN_TRANSITION_REFUSED
            % {"current": ActionPlan.Status.DRAFT.label, "wanted": ActionPlan.Status.CLOSED.label}
        )
    ]
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DRAFT


def test_nothing_goes_back_to_draft(alice: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization)
    with pytest.raises(ValidationError) as error:
        services.change_plan_status(plan, wanted=ActionPlan.Status.DRAFT, acting=alice)
    labels = {"current": ActionPlan.Status.ACTIVE.label, "wanted": ActionPlan.Status.DRAFT.label}
    assert error.value.messages == [str(PLAN_TRANSITION_REFUSED % labels)]


@pytest.mark.parametrize(
    ("start", "wanted"),
    [
        (Action.Status.DONE, Action.Status.CANCELLED),
        (Action.Status.DONE, Action.Status.PLANNED),
        (Action.Status.CANCELLED, Action.Status.DONE),
        (Action.Status.CANCELLED, Action.Status.IN_PROGRESS),
    ],
)
def test_an_action_refuses_forbidden_moves(alice: Membership, start: str, wanted: str) -> None:
    action = ActionFactory.create(plan=PlanFactory.create(organization=alice.organization), status=start)

    with pytest.raises(ValidationError) as error:
        services.move_action(action, wanted=wanted, acting=alice)

    expected = ACTION_TRANSITION_REFUSED % {
        "current": Action.Status(start).label,
        "wanted": Action.Status(wanted).label,
    }
    assert error.value.messages == [str(expected)]
    action.refresh_from_db()
    assert action.status == start


def test_doing_an_action_records_who_when_and_full_progress(alice: Membership) -> None:
    action = ActionFactory.create(plan=PlanFactory.create(organization=alice.organization), progress=40)

    services.move_action(action, wanted=Action.Status.IN_PROGRESS, acting=alice)
    services.move_action(action, wanted=Action.Status.DONE, acting=alice)

    action.refresh_from_db()
    assert action.started_by == alice
    assert action.done_by == alice
    assert action.progress == 100
    assert action.history.count() == 3


def test_late_means_due_date_passed_and_still_open(alice: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization)
    yesterday = timezone.localdate() - timedelta(days=1)
    late = ActionFactory.create(plan=plan, start_date=None, due_date=yesterday)
    done = ActionFactory.create(plan=plan, start_date=None, due_date=yesterday, status=Action.Status.DONE)
    cancelled = ActionFactory.create(plan=plan, start_date=None, due_date=yesterday, status=Action.Status.CANCELLED)
    on_time = ActionFactory.create(plan=plan)

    flags = {a.pk: a.late for a in Action.objects.with_lateness()}  # type: ignore[attr-defined]

    assert flags == {late.pk: True, done.pk: False, cancelled.pk: False, on_time.pk: False}
    assert [late.is_late, done.is_late, cancelled.is_late, on_time.is_late] == [True, False, False, False]
    assert list(Action.objects.late()) == [late]


def test_an_action_cannot_be_due_before_it_starts(alice: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization)
    today = timezone.localdate()

    with pytest.raises(ValidationError, match=re.escape(str(DUE_BEFORE_START))):
        services.create_action(plan, acting=alice, title="X", start_date=today, due_date=today - timedelta(days=1))
    assert not plan.actions.exists()


def test_an_action_links_its_source_and_tells_its_owner(alice: Membership, bob: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization)
    source = ObjectiveFactory.create(plan=PlanFactory.create(organization=alice.organization))

    action = services.create_action(plan, acting=alice, title="Afficher la procédure", owner=bob, source=source)

    link = Link.objects.get()
    assert (link.from_id, link.to_id, link.kind) == (action.pk, source.pk, Link.Kind.SOURCE)
    assert plan.code in bob.user.notifications.get().title


def test_an_action_refuses_people_of_another_organization(alice: Membership, charlie: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization)

    with pytest.raises(ValidationError, match=re.escape(str(OTHER_ORGANIZATION))):
        services.create_action(plan, acting=alice, title="X", owner=alice, participants=[charlie])
    # All or nothing: the action was rolled back with its participants.
    assert not Action.objects.exists()


def test_a_closed_plan_refuses_new_actions(alice: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization, status=ActionPlan.Status.CLOSED)

    with pytest.raises(ValidationError) as error:
        services.create_action(plan, acting=alice, title="X")
    assert error.value.messages == [str(PLAN_CLOSED)]


def test_a_revision_changes_a_target_adds_actions_and_keeps_the_old_target(alice: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization, status=ActionPlan.Status.CLOSED)
    objective = ObjectiveFactory.create(plan=plan, target_description="≤ 2 erreurs par semaine")

    revision = services.revise_plan(
        plan,
        acting=alice,
        revision_date=timezone.localdate(),
        description="Cible plus exigeante",
        objective=objective,
        new_target="≤ 1 erreur par semaine",
        new_actions=["Former les nouveaux arrivants", ""],
    )

    objective.refresh_from_db()
    plan.refresh_from_db()
    assert objective.target_description == "≤ 1 erreur par semaine"
    assert revision.previous_target == "≤ 2 erreurs par semaine"
    assert [a.title for a in revision.new_actions.all()] == ["Former les nouveaux arrivants"]
    assert plan.status == ActionPlan.Status.ACTIVE  # reopened, with work to do again
    targets = [h.target_description for h in objective.history.order_by("history_date")]
    assert targets == ["≤ 2 erreurs par semaine", "≤ 1 erreur par semaine"]


def test_an_empty_revision_is_refused(alice: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization)
    with pytest.raises(ValidationError, match=re.escape(str(REVISION_NEEDS_CHANGE))):
        services.revise_plan(plan, acting=alice, revision_date=timezone.localdate(), description="Rien")


def test_the_final_review_sets_each_objective(alice: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization)
    met, missed = ObjectiveFactory.create(plan=plan), ObjectiveFactory.create(plan=plan)

    services.record_final_review(
        plan,
        acting=alice,
        review_date=timezone.localdate(),
        before_after="4 → 1 erreur par semaine",
        lessons="",
        outcomes={met.pk: Objective.Status.MET, missed.pk: Objective.Status.NOT_MET},
    )

    assert dict(plan.objectives.values_list("pk", "status")) == {met.pk: "met", missed.pk: "not_met"}


def test_adherence_is_the_share_of_the_team_who_acknowledged(alice: Membership, bob: Membership) -> None:
    MembershipFactory.create(organization=alice.organization)
    MembershipFactory.create(organization=alice.organization)
    plan = PlanFactory.create(organization=alice.organization)
    communication = services.record_communication(plan, acting=alice, kind="meeting", date=timezone.localdate())

    services.acknowledge(communication, member=alice)
    services.acknowledge(communication, member=bob)

    [(_, adherence)] = services.communications_with_adherence(plan)
    assert (adherence.acknowledged, adherence.audience, adherence.percent) == (2, 4, 50)
    with pytest.raises(ValidationError, match=re.escape(str(ALREADY_ACKNOWLEDGED))):
        services.acknowledge(communication, member=bob)


def test_a_named_audience_is_the_denominator_and_the_only_one_to_acknowledge(
    alice: Membership, bob: Membership
) -> None:
    outsider_colleague = MembershipFactory.create(organization=alice.organization)
    plan = PlanFactory.create(organization=alice.organization)
    communication = services.record_communication(
        plan, acting=alice, kind="email", date=timezone.localdate(), audience_members=[bob]
    )

    services.acknowledge(communication, member=bob)

    [(_, adherence)] = services.communications_with_adherence(plan)
    assert adherence.percent == 100
    with pytest.raises(ValidationError, match=re.escape(str(NOT_IN_AUDIENCE))):
        services.acknowledge(communication, member=outsider_colleague)
