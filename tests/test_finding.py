"""Finding one's way: the persistent navigation, search, "my work", what the dashboard lists, error pages.

These pages gather every module, so their tests build rows of several apps (core itself imports none).
"""

# The core personas are imported as fixtures, so tests naming them as arguments redefine them (F811).
# ruff: noqa: F811
from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from ameliora.core.models import Membership, Notification, Organization, Role
from ameliora.core.tests.conftest import (  # noqa: F401
    ClientFor,
    alice,
    alice_client,
    bob,
    bob_client,
    charlie,
    charlie_client,
    client_for,
    coteaux,
    task_failures,
    tilleuls,
)
from ameliora.core.tests.factories import MembershipFactory, UserFactory
from ameliora.documents import services as documents
from ameliora.documents.tests.factories import document_in_force, draft_document
from ameliora.events.models import Event
from ameliora.events.tests.factories import EventFactory
from ameliora.indicators.tests.factories import IndicatorFactory
from ameliora.learning import services as learning
from ameliora.learning.tests.factories import ANSWERS, make_situation
from ameliora.meetings import services as meetings
from ameliora.meetings.tests.factories import make_letter
from ameliora.plans.models import Action, Communication
from ameliora.plans.tests.factories import ActionFactory, CommunicationFactory, PlanFactory

pytestmark = pytest.mark.django_db


def page(client: Client, organization: Organization, name: str, **query: Any) -> Any:
    return client.get(reverse(f"core:{name}", kwargs={"org_slug": organization.slug}), query)


# --- The persistent navigation ---------------------------------------------------------------------


def test_the_navigation_lists_the_modules_the_roles_open_and_marks_the_current_one(
    bob_client: Client, alice_client: Client, tilleuls: Organization
) -> None:
    plans_url = reverse("plans:home", kwargs={"org_slug": tilleuls.slug})
    response = bob_client.get(plans_url)
    html = response.content.decode()
    assert 'aria-label="Modules de Pharmacie des Tilleuls"' in html
    assert f'href="{plans_url}" aria-current="page"' in html
    assert "Plans d'action" in html
    # A plain member's roles do not open the annual report: the menu does not offer it.
    assert reverse("reports:home", kwargs={"org_slug": tilleuls.slug}) not in html
    assert reverse("reports:home", kwargs={"org_slug": tilleuls.slug}) in alice_client.get(plans_url).content.decode()
    # Inside a module, the module's entry says it is the current section.
    action = ActionFactory.create(plan=PlanFactory.create(organization=tilleuls))
    html = bob_client.get(action.get_absolute_url()).content.decode()
    assert f'href="{plans_url}" aria-current="true"' in html


def test_the_navigation_collapses_on_a_phone_through_bootstrap_without_inline_code(
    bob_client: Client, tilleuls: Organization
) -> None:
    html = page(bob_client, tilleuls, "dashboard").content.decode()
    assert 'data-bs-toggle="collapse" data-bs-target="#nav-modules" aria-controls="nav-modules"' in html
    assert 'id="nav-modules"' in html
    assert 'role="search"' in html
    assert reverse("core:my_work", kwargs={"org_slug": tilleuls.slug}) in html
    assert "htmx reads one htmx-config tag" not in html  # the layout's comment is not shown as text


def test_the_current_organization_is_named_and_a_switcher_offered_only_to_members_of_several(
    client_for: ClientFor, bob: Membership, coteaux: Organization
) -> None:
    client = client_for(bob)
    html = page(client, bob.organization, "dashboard").content.decode()
    assert 'id="current-organization"' in html
    assert 'id="org-switcher"' not in html

    MembershipFactory.create(user=bob.user, organization=coteaux, roles=[Role.MEMBER])
    html = page(client, bob.organization, "dashboard").content.decode()
    assert 'id="org-switcher"' in html
    assert coteaux.get_absolute_url() in html
    assert 'aria-current="true">Pharmacie des Tilleuls</a>' in html


# --- Search ----------------------------------------------------------------------------------------


@pytest.fixture
def records(alice: Membership, tilleuls: Organization) -> dict[str, Any]:
    """One record of each kind, all matching "dispensation"."""
    plan = PlanFactory.create(organization=tilleuls, code="PAQ-DISP", title="Sécuriser la dispensation")
    return {
        "plan": plan,
        "action": ActionFactory.create(plan=plan, title="Former à la dispensation"),
        "event": EventFactory.create(organization=tilleuls, description="Erreur de dispensation d’un antibiotique"),
        "public_event": EventFactory.create(
            organization=tilleuls, source=Event.Source.PUBLIC, description="Dispensation refusée au comptoir"
        ),
        "document": draft_document(alice, code="PR-DISP-01", title="Double contrôle de la dispensation"),
        "indicator": IndicatorFactory.create(organization=tilleuls, name="Erreurs de dispensation"),
    }


def test_search_finds_each_kind_of_record_the_member_may_open(
    bob_client: Client, tilleuls: Organization, records: dict[str, Any]
) -> None:
    response = page(bob_client, tilleuls, "search", q="dispensation")
    html = response.content.decode()
    assert response.status_code == 200
    for key in ("plan", "action", "event", "document", "indicator"):
        assert records[key].get_absolute_url() in html, key
    # A declaration from the public is addressed to the cell: a plain member does not find it.
    assert records["public_event"].get_absolute_url() not in html


def test_those_who_triage_find_public_declarations_but_never_search_the_reporter(
    client_for: ClientFor, tilleuls: Organization, records: dict[str, Any]
) -> None:
    manager = MembershipFactory.create(organization=tilleuls, roles=[Role.QUALITY_MANAGER])
    event = records["public_event"]
    Event.objects.filter(pk=event.pk).update(contact_name="Mme Unetelle")
    client = client_for(manager)
    assert event.get_absolute_url() in page(client, tilleuls, "search", q="dispensation").content.decode()
    assert event.get_absolute_url() not in page(client, tilleuls, "search", q="Unetelle").content.decode()


def test_search_never_shows_another_organization_s_records(
    charlie_client: Client, charlie: Membership, tilleuls: Organization, records: dict[str, Any]
) -> None:
    html = page(charlie_client, charlie.organization, "search", q="dispensation").content.decode()
    assert "Rien ne correspond" in html
    for record in records.values():
        assert record.get_absolute_url() not in html
    # And the pharmacy's own search page is a 404 to an outsider, as every page of an organization.
    assert page(charlie_client, tilleuls, "search", q="dispensation").status_code == 404


def test_a_one_letter_search_asks_for_more(bob_client: Client, tilleuls: Organization, records: dict[str, Any]) -> None:
    html = page(bob_client, tilleuls, "search", q="d").content.decode()
    assert "Saisissez au moins deux caractères" in html
    assert records["plan"].get_absolute_url() not in html


def test_one_kind_of_result_is_paginated(bob_client: Client, tilleuls: Organization) -> None:
    plan = PlanFactory.create(organization=tilleuls, code="PAQ-X")
    ActionFactory.create_batch(30, plan=plan, title="Vérifier les dates de péremption")

    overview = page(bob_client, tilleuls, "search", q="péremption").content.decode()
    assert "Voir les 30 résultats" in overview
    first = page(bob_client, tilleuls, "search", q="péremption", kind="actions")
    second = page(bob_client, tilleuls, "search", q="péremption", kind="actions", page=2)
    assert len(first.context["sections"][0]["results"]) == 25
    assert len(second.context["sections"][0]["results"]) == 5
    assert "Page 2 sur 2" in second.content.decode()


@pytest.mark.parametrize("rows", [1, 20])
def test_search_costs_the_same_number_of_queries_whatever_the_rows(
    bob_client: Client, tilleuls: Organization, rows: int, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    plan = PlanFactory.create(organization=tilleuls, code="PAQ-Q", title="Péremption")
    ActionFactory.create_batch(rows, plan=plan, title="Péremption des collyres")
    EventFactory.create_batch(rows, organization=tilleuls, description="Péremption dépassée")
    for number in range(rows):
        IndicatorFactory.create(organization=tilleuls, name=f"Produits périmés (péremption) n°{number}")
    with django_assert_max_num_queries(20):
        assert page(bob_client, tilleuls, "search", q="péremption").status_code == 200
    with django_assert_max_num_queries(14):
        assert page(bob_client, tilleuls, "search", q="péremption", kind="actions").status_code == 200


# --- My work ---------------------------------------------------------------------------------------


def test_my_work_lists_my_actions_reviews_readings_and_signatures_and_not_what_is_done(
    client_for: ClientFor, alice: Membership, bob: Membership, tilleuls: Organization
) -> None:
    plan = PlanFactory.create(organization=tilleuls, code="PAQ-MW")
    mine = ActionFactory.create(plan=plan, owner=bob, title="Ranger la réserve")
    ActionFactory.create(plan=plan, owner=bob, title="Action terminée", status=Action.Status.DONE)
    ActionFactory.create(plan=plan, owner=alice, title="Action d’Alice")
    poster = CommunicationFactory.create(plan=plan, kind=Communication.Kind.POSTER)
    # A document awaiting bob's review, another one in force that bob must read.
    document = draft_document(alice, code="PR-REV-01")
    version = document.versions.get()
    documents.submit_for_review(version, reviewers=[bob], acting=alice)
    in_force = document_in_force(alice, code="PR-READ-01", readers=[bob])
    # A debrief awaiting bob's signature (he is the learner) and a mission letter issued to him.
    supervisor = MembershipFactory.create(organization=tilleuls, roles=[Role.SUPERVISOR])
    situation = make_situation(tilleuls, learner=bob, supervisor=supervisor, title="Premier mois")
    learning.save_self_critique(situation, acting=bob, answers=ANSWERS, submit=True)
    learning.save_debrief(
        situation, acting=supervisor, supervisor_view="Bien.", agreed_goals="Continuer.", means="", debrief_date=None
    )
    letter = make_letter(bob, role="Référent vigilances")
    meetings.issue_mission_letter(letter, acting=alice)

    client = client_for(bob)
    html = page(client, tilleuls, "my_work").content.decode()
    for url in (
        mine.get_absolute_url(),
        version.get_absolute_url(),
        in_force.get_absolute_url(),
        situation.get_absolute_url(),
        letter.get_absolute_url(),
        plan.get_absolute_url() + "#communication",
    ):
        assert url in html, url
    assert "Action terminée" not in html
    assert "Action d’Alice" not in html
    assert str(poster.plan.code) in html

    # Done: reviewed, read, signed, acknowledged. Each leaves the page.
    documents.record_review(version, reviewer=bob, approve=True, comment="")
    documents.acknowledge_reading(in_force, reader=bob)
    learning.sign_debrief(situation, acting=bob)
    meetings.sign_mission_letter(letter, acting=bob)
    from ameliora.plans import services as plans

    plans.acknowledge(poster, member=bob)
    html = page(client, tilleuls, "my_work").content.decode()
    for url in (version.get_absolute_url(), in_force.get_absolute_url(), situation.get_absolute_url()):
        assert url not in html, url
    assert letter.get_absolute_url() not in html
    assert "#communication" not in html
    assert "Aucun document n’attend votre relecture." in html or "Aucun document n'attend votre relecture." in html


def test_my_work_shows_only_the_member_s_organization(
    client_for: ClientFor, bob: Membership, coteaux: Organization
) -> None:
    elsewhere = MembershipFactory.create(user=bob.user, organization=coteaux, roles=[Role.MEMBER])
    action = ActionFactory.create(plan=PlanFactory.create(organization=coteaux), owner=elsewhere)
    html = page(client_for(bob), bob.organization, "my_work").content.decode()
    assert action.get_absolute_url() not in html


# --- The dashboard's "To look at" drops what is done -------------------------------------------------


def unread_titles(membership: Membership) -> list[str]:
    return list(
        Notification.objects.filter(recipient=membership.user, read_at__isnull=True).values_list("title", flat=True)
    )


def test_a_review_given_and_an_approved_version_leave_to_look_at(
    client_for: ClientFor, alice: Membership, bob: Membership, tilleuls: Organization
) -> None:
    carol = MembershipFactory.create(organization=tilleuls, roles=[Role.MEMBER])
    version = draft_document(alice, code="PR-NOT-01").versions.get()
    documents.submit_for_review(version, reviewers=[bob, carol], acting=alice)
    url = version.get_absolute_url()
    assert url in page(client_for(bob), tilleuls, "dashboard").content.decode()

    documents.record_review(version, reviewer=bob, approve=True, comment="")
    assert url not in page(client_for(bob), tilleuls, "dashboard").content.decode()
    assert url in page(client_for(carol), tilleuls, "dashboard").content.decode()

    # The manager approves without waiting for carol's opinion in the notification: hers is retired too.
    documents.record_review(version, reviewer=carol, approve=True, comment="")
    Notification.objects.filter(recipient=carol.user).update(read_at=None)
    documents.approve_version(version, acting=alice)
    assert url not in page(client_for(carol), tilleuls, "dashboard").content.decode()
    assert unread_titles(carol) == []


def test_a_signed_debrief_leaves_to_look_at_for_both(client_for: ClientFor, tilleuls: Organization) -> None:
    learner = MembershipFactory.create(organization=tilleuls, roles=[Role.LEARNER])
    supervisor = MembershipFactory.create(organization=tilleuls, roles=[Role.SUPERVISOR])
    situation = make_situation(tilleuls, learner=learner, supervisor=supervisor)
    learning.save_self_critique(situation, acting=learner, answers=ANSWERS, submit=True)
    learning.save_debrief(
        situation, acting=supervisor, supervisor_view="Bien.", agreed_goals="Continuer.", means="", debrief_date=None
    )
    assert unread_titles(supervisor)  # "A self-critique awaits your debrief"
    learning.sign_debrief(situation, acting=supervisor)
    assert unread_titles(supervisor) == []  # she has done her part
    assert situation.get_absolute_url() in page(client_for(learner), tilleuls, "dashboard").content.decode()

    learning.sign_debrief(situation, acting=learner)
    for member in (learner, supervisor):
        assert situation.get_absolute_url() not in page(client_for(member), tilleuls, "dashboard").content.decode()
        assert unread_titles(member) == []


def test_a_signed_mission_letter_leaves_to_look_at(
    client_for: ClientFor, alice: Membership, bob: Membership, tilleuls: Organization
) -> None:
    letter = make_letter(bob)
    meetings.issue_mission_letter(letter, acting=alice)
    assert letter.get_absolute_url() in page(client_for(bob), tilleuls, "dashboard").content.decode()
    meetings.sign_mission_letter(letter, acting=bob)
    assert unread_titles(bob) == []


# --- Refusals and missing pages ----------------------------------------------------------------------


def test_a_refusal_is_a_page_of_the_layout_that_says_why_and_links_back(
    bob_client: Client, tilleuls: Organization
) -> None:
    dashboard = reverse("core:dashboard", kwargs={"org_slug": tilleuls.slug})
    response = bob_client.get(reverse("reports:home", kwargs={"org_slug": tilleuls.slug}), HTTP_REFERER=dashboard)
    html = response.content.decode()
    assert response.status_code == 403
    assert "Cette page n’est pas ouverte à vos rôles" in html or "Cette page n'est pas ouverte à vos rôles" in html
    assert "Membre" in html  # names the member's roles
    assert 'aria-label="Navigation principale"' in html  # in the layout, with the navigation
    assert f'href="http://testserver{dashboard}"' in html or f'href="{dashboard}"' in html


def test_the_way_back_from_a_refusal_never_leaves_the_site(bob_client: Client, tilleuls: Organization) -> None:
    response = bob_client.get(
        reverse("reports:home", kwargs={"org_slug": tilleuls.slug}), HTTP_REFERER="https://evil.example/x"
    )
    assert "evil.example" not in response.content.decode()
    assert f'href="{reverse("core:dashboard", kwargs={"org_slug": tilleuls.slug})}"' in response.content.decode()


def test_a_missing_page_is_a_page_of_the_layout_that_says_what_to_do(
    bob_client: Client, tilleuls: Organization
) -> None:
    response = bob_client.get(reverse("plans:plan_detail", kwargs={"org_slug": tilleuls.slug, "plan_id": 999_999}))
    html = response.content.decode()
    assert response.status_code == 404
    assert "Cette page est introuvable" in html
    assert "Utilisez le menu ou la recherche" in html
    assert 'aria-label="Modules de Pharmacie des Tilleuls"' in html


def test_an_unknown_organization_is_a_styled_404_without_its_navigation(
    charlie_client: Client, tilleuls: Organization
) -> None:
    response = charlie_client.get(reverse("core:dashboard", kwargs={"org_slug": tilleuls.slug}))
    html = response.content.decode()
    assert response.status_code == 404
    assert "Cette page est introuvable" in html
    assert "Pharmacie des Tilleuls" not in html


def test_errors_under_the_api_stay_json(bob_client: Client) -> None:
    response = bob_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"]


def test_english_speakers_get_the_pages_in_english(bob_client: Client, tilleuls: Organization) -> None:
    bob_client.cookies["django_language"] = "en"
    response = bob_client.get(reverse("reports:home", kwargs={"org_slug": tilleuls.slug}))
    assert "This page is not open to your roles" in response.content.decode()
    html = page(bob_client, tilleuls, "my_work").content.decode()
    assert "My signatures" in html


def test_a_user_with_no_organization_meets_a_styled_404_too(db: None) -> None:
    client = Client()
    client.force_login(UserFactory.create())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Cette page est introuvable" in response.content.decode()
