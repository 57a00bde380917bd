"""Plan pages through HTTP: permissions by role and organization, forms, the board, bounded queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ameliora.core.models import Attachment, Job, Membership, Role
from ameliora.core.tests.assertions import page_text, shows
from ameliora.core.tests.factories import PDF_BYTES, MembershipFactory
from ameliora.plans import services
from ameliora.plans.forms import CODE_TAKEN
from ameliora.plans.models import ACTION_TRANSITION_REFUSED, Action, ActionPlan
from ameliora.plans.tests.factories import ActionFactory, CommunicationFactory, ObjectiveFactory, PlanFactory


@pytest.fixture
def plan(alice: Membership) -> ActionPlan:
    """An active plan of the pharmacy with one objective."""
    plan = PlanFactory.create(organization=alice.organization, owner=alice, title="Circuit des préparations")
    ObjectiveFactory.create(plan=plan)
    return plan


def url(name: str, plan: ActionPlan, **kwargs: int) -> str:
    return reverse(f"plans:{name}", kwargs={"org_slug": plan.organization.slug, "plan_id": plan.pk, **kwargs})


def test_the_plan_page_tells_the_story_in_order(alice_client: Client, plan: ActionPlan) -> None:
    CommunicationFactory.create(plan=plan, audience="Toute l'équipe")
    ActionFactory.create(plan=plan, title="Rédiger la procédure")

    html = page_text(alice_client.get(plan.get_absolute_url()))

    order = [
        'id="context"',
        'id="objectives"',
        'id="actions"',
        'id="tools"',
        'id="communication"',
        'id="results"',
        'id="revisions"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "Rédiger la procédure" in html
    assert "Toute l&#x27;équipe" in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 302),
        (Role.QUALITY_MANAGER, 302),
        (Role.LEARNER, 302),
        (Role.MEMBER, 403),
        (Role.USER_REPRESENTATIVE, 403),
    ],
)
def test_who_may_create_a_plan(client_for, tilleuls, role: Role, status: int) -> None:
    member = MembershipFactory.create(organization=tilleuls, roles=[role])
    address = reverse("plans:plan_create", kwargs={"org_slug": tilleuls.slug})

    response = client_for(member).post(address, {"title": "Plan", "scope_kind": "organization"})

    assert response.status_code == status
    assert ActionPlan.objects.exists() is (status == 302)


def test_an_outsider_gets_404_on_the_plan_and_its_actions(charlie_client: Client, plan: ActionPlan) -> None:
    action = ActionFactory.create(plan=plan)
    assert charlie_client.get(plan.get_absolute_url()).status_code == 404
    assert charlie_client.get(action.get_absolute_url()).status_code == 404
    # Even under his own organization's slug, the other organization's ids are not found.
    own = reverse("plans:plan_detail", kwargs={"org_slug": "coteaux", "plan_id": plan.pk})
    assert charlie_client.get(own).status_code == 404


def test_the_plan_form_keeps_what_was_typed(alice_client: Client, plan: ActionPlan) -> None:
    address = reverse("plans:plan_create", kwargs={"org_slug": plan.organization.slug})

    response = alice_client.post(address, {"code": plan.code, "title": "Mon titre tapé", "scope_kind": "project"})

    assert response.status_code == 422
    assert shows(response, CODE_TAKEN)
    assert 'value="Mon titre tapé"' in page_text(response)


def test_an_action_due_before_it_starts_is_refused_with_the_values_kept(alice_client: Client, plan: ActionPlan) -> None:
    today = timezone.localdate()
    response = alice_client.post(
        url("action_create", plan),
        {
            "title": "Afficher la procédure",
            "start_date": today.isoformat(),
            "due_date": (today - timedelta(days=2)).isoformat(),
            "priority": "normal",
            "phase": "do",
            "progress": 0,
        },
    )

    assert response.status_code == 422
    assert 'value="Afficher la procédure"' in page_text(response)
    assert not plan.actions.exists()


def test_creating_an_action_through_the_form(alice_client: Client, plan: ActionPlan, bob: Membership) -> None:
    response = alice_client.post(
        url("action_create", plan),
        {
            "title": "Check-list de réception",
            "owner": bob.pk,
            "participants": [bob.pk],
            "priority": "high",
            "phase": "do",
            "progress": 20,
        },
    )

    assert response.status_code == 302
    action = plan.actions.get()
    assert (action.owner, action.progress, action.status) == (bob, 20, Action.Status.IN_PROGRESS)


def test_a_member_moves_their_own_action_but_not_others(bob_client: Client, bob: Membership, plan: ActionPlan) -> None:
    mine = ActionFactory.create(plan=plan, owner=bob)
    theirs = ActionFactory.create(plan=plan)
    address = reverse("plans:action_move", kwargs={"org_slug": plan.organization.slug, "action_id": mine.pk})

    assert bob_client.post(address, {"status": "done"}).status_code == 302
    other = reverse("plans:action_move", kwargs={"org_slug": plan.organization.slug, "action_id": theirs.pk})
    assert bob_client.post(other, {"status": "done"}).status_code == 403

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.done_by, theirs.status) == ("done", bob, "planned")


def test_a_participant_may_move_the_action(bob_client: Client, bob: Membership, plan: ActionPlan) -> None:
    action = ActionFactory.create(plan=plan)
    action.participants.add(bob)
    address = reverse("plans:action_move", kwargs={"org_slug": plan.organization.slug, "action_id": action.pk})

    assert bob_client.post(address, {"status": "in_progress"}).status_code == 302


def test_the_board_moves_a_card_with_htmx(alice_client: Client, plan: ActionPlan) -> None:
    action = ActionFactory.create(plan=plan, title="Carte à déplacer")
    address = reverse("plans:action_move", kwargs={"org_slug": plan.organization.slug, "action_id": action.pk})

    response = alice_client.post(address, {"status": "in_progress", "view": "board"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = page_text(response)
    assert html.lstrip().startswith('<div id="board">')
    assert "Carte à déplacer" in html
    assert "<html" not in html
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_the_board_says_why_a_move_is_refused(alice_client: Client, plan: ActionPlan) -> None:
    action = ActionFactory.create(plan=plan, status=Action.Status.DONE)
    address = reverse("plans:action_move", kwargs={"org_slug": plan.organization.slug, "action_id": action.pk})

    response = alice_client.post(address, {"status": "cancelled", "view": "board"}, headers={"HX-Request": "true"})

    assert response.status_code == 422
    expected = ACTION_TRANSITION_REFUSED % {
        "current": Action.Status.DONE.label,
        "wanted": Action.Status.CANCELLED.label,
    }
    assert shows(response, expected)


def test_late_actions_are_highlighted(alice_client: Client, plan: ActionPlan) -> None:
    ActionFactory.create(
        plan=plan, title="En retard", start_date=None, due_date=timezone.localdate() - timedelta(days=3)
    )

    for name in ("action_list", "action_board", "plan_timeline"):
        html = page_text(alice_client.get(url(name, plan)))
        assert "En retard" in html
        assert "action-late" in html or "#dc3545" in html, name


def test_my_actions_lists_owned_and_shared_actions_across_plans(
    bob_client: Client, bob: Membership, alice: Membership
) -> None:
    first = PlanFactory.create(organization=alice.organization)
    second = PlanFactory.create(organization=alice.organization)
    ActionFactory.create(plan=first, owner=bob, title="À moi")
    ActionFactory.create(plan=second, title="Partagée").participants.add(bob)
    ActionFactory.create(plan=second, title="Pas à moi")
    ActionFactory.create(plan=second, owner=bob, title="Finie", status=Action.Status.DONE)

    html = page_text(bob_client.get(reverse("plans:my_actions", kwargs={"org_slug": alice.organization.slug})))

    assert "À moi" in html
    assert "Partagée" in html
    assert "Pas à moi" not in html
    assert "Finie" not in html


def test_acknowledging_a_communication(bob_client: Client, bob: Membership, plan: ActionPlan) -> None:
    communication = CommunicationFactory.create(plan=plan)
    address = reverse(
        "plans:communication_acknowledge",
        kwargs={"org_slug": plan.organization.slug, "communication_id": communication.pk},
    )

    assert bob_client.post(address).status_code == 302

    assert communication.acknowledgements.get().member == bob
    html = page_text(bob_client.get(plan.get_absolute_url()))
    assert "(1/2)" in html  # alice and bob make the team of two


def _fill(plan: ActionPlan, n: int, owner: Membership) -> None:
    for i in range(n):
        action = ActionFactory.create(plan=plan, owner=owner, status=list(Action.Status.values)[i % 4])
        action.participants.add(owner)


@pytest.mark.parametrize("name", ["plan_detail", "action_list", "action_board", "plan_timeline"])
def test_query_counts_do_not_grow_with_the_number_of_actions(
    name: str, alice_client: Client, alice: Membership, plan: ActionPlan, django_assert_max_num_queries
) -> None:
    _fill(plan, 5, alice)
    alice_client.get(url(name, plan))  # warm caches (content types, sessions)
    with django_assert_max_num_queries(40) as few:
        assert alice_client.get(url(name, plan)).status_code == 200
    _fill(plan, 45, alice)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert alice_client.get(url(name, plan)).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_plans_list_filters_by_status_with_bounded_queries(
    alice_client: Client, alice: Membership, django_assert_max_num_queries
) -> None:
    for i in range(30):
        PlanFactory.create(
            organization=alice.organization,
            owner=alice,
            title=f"Plan {i}",
            status=ActionPlan.Status.DRAFT if i % 2 else ActionPlan.Status.ACTIVE,
        )
    address = reverse("plans:home", kwargs={"org_slug": alice.organization.slug})

    with django_assert_max_num_queries(15):
        response = alice_client.get(address, {"status": "draft"})

    assert page_text(response).count("Plan ") >= 15
    assert "Plan 0<" not in page_text(response)


def test_the_plan_workflow_through_the_page(alice_client: Client, plan: ActionPlan) -> None:
    response = alice_client.post(url("plan_status", plan), {"status": "under_review"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.UNDER_REVIEW


def test_a_member_cannot_steer_a_plan(bob_client: Client, plan: ActionPlan) -> None:
    assert bob_client.post(url("plan_status", plan), {"status": "closed"}).status_code == 403


def test_final_review_and_revision_forms(alice_client: Client, plan: ActionPlan) -> None:
    objective = plan.objectives.get()
    today = timezone.localdate().isoformat()

    response = alice_client.post(
        url("final_review", plan),
        {"review_date": today, "before_after": "4 → 1", "lessons": "", f"objective_{objective.pk}": "not_met"},
    )
    assert response.status_code == 302
    response = alice_client.post(
        url("revision_add", plan),
        {
            "revision_date": today,
            "description": "Relancer",
            "objective": objective.pk,
            "new_target": "≤ 2",
            "new_actions": "Former l'équipe\nAfficher les résultats",
        },
    )
    assert response.status_code == 302

    html = page_text(alice_client.get(plan.get_absolute_url()))
    assert "Former l&#x27;équipe" in html
    assert "≤ 2" in html
    assert plan.actions.count() == 2


def test_a_tool_a_communication_and_a_review_recorded_by_mistake_can_be_removed(
    alice_client: Client, alice: Membership, plan: ActionPlan
) -> None:
    tool = services.add_tool(plan, acting=alice, kind="checklist", title="Check-list", url="https://example.org/cl")
    communication = services.record_communication(plan, acting=alice, kind="huddle", date=timezone.localdate())
    review = services.add_progress_review(
        plan, acting=alice, review_date=timezone.localdate(), done_summary="Erreur de saisie"
    )
    org = alice.organization.slug

    for name, kwargs in (
        ("tool_delete", {"tool_id": tool.pk}),
        ("communication_delete", {"communication_id": communication.pk}),
        ("progress_review_delete", {"review_id": review.pk}),
    ):
        assert alice_client.post(reverse(f"plans:{name}", kwargs={"org_slug": org, **kwargs})).status_code == 302

    assert not plan.tools.exists()
    assert not plan.communications.exists()
    assert not plan.progress_reviews.exists()
    assert tool.history.filter(history_type="-").exists()


def test_nothing_is_removed_from_a_closed_plan(alice_client: Client, alice: Membership, plan: ActionPlan) -> None:
    tool = services.add_tool(plan, acting=alice, kind="checklist", title="Check-list", url="https://example.org/cl")
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.CLOSED)

    alice_client.post(
        reverse("plans:tool_delete", kwargs={"org_slug": alice.organization.slug, "tool_id": tool.pk}), follow=True
    )

    assert plan.tools.filter(pk=tool.pk).exists()


def test_a_closed_plan_takes_no_more_evidence(alice: Membership, alice_client: Client, plan: ActionPlan) -> None:
    action = ActionFactory.create(plan=plan, organization=plan.organization)
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.CLOSED)
    address = reverse(
        "core:attachment_add",
        kwargs={
            "org_slug": alice.organization.slug,
            "content_type_id": ContentType.objects.get_for_model(Action).pk,
            "object_id": action.pk,
        },
    )

    alice_client.post(address, {"file": SimpleUploadedFile("preuve.pdf", PDF_BYTES, content_type="application/pdf")})

    assert not Attachment.objects.exists()
    assert "bi-lock" in alice_client.get(action.get_absolute_url()).content.decode()


def test_an_empty_post_is_refused_with_the_required_fields_marked(alice_client: Client, plan: ActionPlan) -> None:
    """An empty body used to leave the form unbound: the page came back as 200, saying nothing."""
    response = alice_client.post(url("action_create", plan), {})

    assert response.status_code == 422
    assert response.context["form"].errors["title"]
    assert not Action.objects.exists()


def test_plan_pages_still_open_on_action_dates_stored_before_dates_were_bounded(
    alice_client: Client, alice: Membership, plan: ActionPlan, django_capture_on_commit_callbacks
) -> None:
    """A due date on 31/12/9999 made the timeline overflow the calendar (500 for good)."""
    ActionFactory.create(plan=plan, title="Due in year 9999", start_date=None, due_date=date(9999, 12, 31))
    ActionFactory.create(plan=plan, title="Started in year 1", start_date=date(1, 1, 1), due_date=None)

    for name in ("plan_detail", "action_list", "action_board", "plan_timeline"):
        assert alice_client.get(url(name, plan)).status_code == 200, name
    assert alice_client.get(url("progress_review_add", plan), {"review_date": "9999-12-31"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(url("plan_export", plan))  # the PDF draws the timeline too
    assert Job.objects.get().status == Job.Status.DONE


def test_a_timeline_over_decades_marks_years_not_every_month(alice: Membership, plan: ActionPlan) -> None:
    from ameliora.plans.timeline import Bar, timeline_svg

    bars = [Bar("Long", date(2000, 3, 1), date(2090, 6, 30), "planned", "Planned", late=False)]

    svg = timeline_svg(bars, today=date(2026, 12, 3), title="Plan")

    assert ">2001<" in svg
    assert ">03/2000<" not in svg
    assert svg.count("<line") < 100


def test_a_communication_carries_the_poster_shown_to_the_team(alice_client: Client, plan: ActionPlan) -> None:
    poster = SimpleUploadedFile("affiche-double-controle.pdf", PDF_BYTES, content_type="application/pdf")

    response = alice_client.post(
        url("communication_add", plan),
        {"kind": "poster", "date": timezone.localdate().isoformat(), "material": "Affiche", "file": poster},
    )
    communication = plan.communications.get()
    (attachment,) = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(communication), object_id=communication.pk
    )
    page = page_text(alice_client.get(plan.get_absolute_url()))

    assert response.status_code == 302
    assert f'href="{attachment.get_absolute_url()}">affiche-double-controle.pdf</a>' in page


def test_a_refused_support_records_no_communication_and_keeps_what_was_typed(
    alice_client: Client, plan: ActionPlan
) -> None:
    script = SimpleUploadedFile("affiche.exe", b"MZ\x90\x00 not a poster", content_type="application/octet-stream")

    response = alice_client.post(
        url("communication_add", plan),
        {"kind": "poster", "date": timezone.localdate().isoformat(), "material": "Affiche du comptoir", "file": script},
    )

    assert response.status_code == 422
    assert 'id="id_file_error"' in page_text(response)
    assert "Affiche du comptoir" in page_text(response)
    assert not plan.communications.exists()
