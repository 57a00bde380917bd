"""Pages: who sees a situation (404 otherwise), the list's query bound, the workflow through the forms."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from ameliora.core.models import Membership, Role
from ameliora.core.tests.assertions import shows
from ameliora.core.tests.factories import MembershipFactory
from ameliora.learning.forms import ANSWER_BEFORE_SUBMITTING
from ameliora.learning.models import SUPERVISOR_IS_LEARNER, LearningSituation
from ameliora.learning.tests.factories import ANSWERS, make_situation

pytestmark = pytest.mark.django_db


def url(name: str, situation: LearningSituation) -> str:
    return reverse(f"learning:{name}", kwargs={"org_slug": situation.organization.slug, "situation_id": situation.pk})


def test_a_learner_cannot_see_another_learners_situation(
    lucas: Membership, anne: Membership, client_for: Callable[[Membership], Client]
) -> None:
    other = MembershipFactory.create(organization=lucas.organization, roles=[Role.LEARNER])
    theirs = make_situation(lucas.organization, learner=other, supervisor=anne)
    mine = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    client = client_for(lucas)

    for name in ("situation_detail", "dossier_pdf", "dossier_docx", "self_critique"):
        assert client.get(url(name, theirs)).status_code == 404, name
    assert client.get(url("situation_detail", mine)).status_code == 200
    listing = client.get(reverse("learning:home", kwargs={"org_slug": lucas.organization.slug})).content.decode()
    assert mine.title in listing
    assert url("situation_detail", theirs) not in listing
    dashboard = reverse(
        "learning:learner_competencies", kwargs={"org_slug": lucas.organization.slug, "membership_id": other.pk}
    )
    assert client.get(dashboard).status_code == 404


def test_the_supervisor_and_the_administrator_see_it_a_colleague_does_not(
    lucas: Membership,
    anne: Membership,
    alice_client: Client,
    bob_client: Client,
    client_for: Callable[[Membership], Client],
) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    assert client_for(anne).get(url("situation_detail", situation)).status_code == 200
    assert alice_client.get(url("situation_detail", situation)).status_code == 200
    assert bob_client.get(url("situation_detail", situation)).status_code == 404


def test_another_organization_gets_404(lucas: Membership, anne: Membership, charlie_client: Client) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    assert charlie_client.get(url("situation_detail", situation)).status_code == 404


def test_self_critique_debrief_and_signatures_through_the_pages(
    lucas: Membership, anne: Membership, client_for: Callable[[Membership], Client]
) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    learner, supervisor = client_for(lucas), client_for(anne)

    incomplete = learner.post(url("self_critique", situation), {"knew": "Peu de chose", "submit": "1"})
    assert incomplete.status_code == 422
    assert "Peu de chose" in incomplete.content.decode()  # what was typed is kept
    errors = incomplete.context["form"].errors  # each empty answer points at its own field
    assert len(errors) == 5
    assert all(e == [str(ANSWER_BEFORE_SUBMITTING)] for e in errors.values())
    assert learner.post(url("self_critique", situation), {**ANSWERS, "submit": "1"}).status_code == 302
    assert supervisor.post(url("self_critique", situation), ANSWERS).status_code == 403

    response = supervisor.post(
        url("debrief", situation), {"supervisor_view": "Juste.", "agreed_goals": "Dossier de lot.", "means": ""}
    )
    assert response.status_code == 302
    supervisor.post(url("sign", situation))
    learner.post(url("sign", situation))
    situation.refresh_from_db()
    assert situation.status == LearningSituation.Status.DEBRIEFED
    assert learner.post(url("self_critique", situation), ANSWERS).status_code == 422


def test_the_list_costs_a_fixed_number_of_queries(
    alice: Membership, alice_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(30):
        make_situation(alice.organization, title=f"Situation {n}")
    with django_assert_max_num_queries(12):
        response = alice_client.get(reverse("learning:home", kwargs={"org_slug": alice.organization.slug}))
    assert response.status_code == 200
    assert response.content.decode().count("/learning/") >= 25


def test_the_framework_installs_once_and_admins_edit_it(
    alice: Membership, alice_client: Client, bob_client: Client
) -> None:
    slug = alice.organization.slug
    install = reverse("learning:framework_install", kwargs={"org_slug": slug})
    assert bob_client.post(install).status_code == 403
    alice_client.post(install)
    alice_client.post(install)
    page = alice_client.get(reverse("learning:framework", kwargs={"org_slug": slug})).content.decode()
    assert page.count("QUA-1") == 1
    duplicate = alice_client.post(
        reverse("learning:competency_create", kwargs={"org_slug": slug}),
        {"code": "qua-1", "area": "Qualité", "title": "Doublon", "position": 1, "is_active": "on"},
    )
    assert duplicate.status_code == 422


def test_the_competency_dashboard_shows_levels_situations_and_gaps(
    lucas: Membership, anne: Membership, client_for: Callable[[Membership], Client]
) -> None:
    from ameliora.learning import services
    from ameliora.learning.models import Competency, CompetencyRating

    services.install_framework(organization=lucas.organization, acting=None)
    codes = dict(Competency.objects.for_org(lucas.organization).values_list("code", "pk"))
    mine = make_situation(lucas.organization, learner=lucas, supervisor=anne, title="Situation suivie par Anne")
    other_supervisor = MembershipFactory.create(organization=lucas.organization, roles=[Role.SUPERVISOR])
    elsewhere = make_situation(lucas.organization, learner=lucas, supervisor=other_supervisor, title="Autre tutelle")
    services.rate_competencies(
        mine, acting=anne, rater=CompetencyRating.Rater.SUPERVISOR, levels={codes["QUA-1"]: 4, codes["CIR-3"]: 2}
    )
    services.rate_competencies(
        elsewhere, acting=other_supervisor, rater=CompetencyRating.Rater.SUPERVISOR, levels={codes["QUA-2"]: 3}
    )
    address = reverse(
        "learning:learner_competencies", kwargs={"org_slug": lucas.organization.slug, "membership_id": lucas.pk}
    )

    as_learner = client_for(lucas).get(address).content.decode()
    assert "Situation suivie par Anne" in as_learner
    assert "Autre tutelle" in as_learner
    assert "<svg" in as_learner
    assert "<desc>" in as_learner
    as_anne = client_for(anne).get(address).content.decode()
    assert "Situation suivie par Anne" in as_anne
    assert "Autre tutelle" not in as_anne  # a supervisor sees only the situations they supervise
    gaps = as_anne.split("<table")[0]
    assert "CIR-3" in gaps
    assert "QUA-1 —" not in gaps


def test_the_api_lists_only_what_the_member_may_see(
    lucas: Membership, anne: Membership, client_for: Callable[[Membership], Client]
) -> None:
    other = MembershipFactory.create(organization=lucas.organization, roles=[Role.LEARNER])
    mine = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    theirs = make_situation(lucas.organization, learner=other, supervisor=anne)
    client = client_for(lucas)
    base = f"/api/v1/o/{lucas.organization.slug}/learning"

    listed = client.get(base).json()
    assert [item["id"] for item in listed["items"]] == [mine.pk]
    detail = client.get(f"{base}/{mine.pk}").json()
    assert set(detail["self_critique"]) == set(ANSWERS)
    hidden = client.get(f"{base}/{theirs.pk}")
    assert hidden.status_code == 404
    assert "message" in hidden.json()


def test_a_supervisor_who_is_the_learner_is_refused_with_words_not_a_constraint_name(
    alice: Membership, alice_client: Client
) -> None:
    """Found by the property tests: the page said "Constraint “learning_situation_supervisor_not_learner”…"."""
    response = alice_client.post(
        reverse("learning:situation_create", kwargs={"org_slug": alice.organization.slug}),
        {"title": "Premier mois", "learner": alice.pk, "supervisor": alice.pk},
    )

    assert response.status_code == 422
    assert shows(response, SUPERVISOR_IS_LEARNER)
    assert "learning_situation_supervisor_not_learner" not in response.content.decode()
    assert not LearningSituation.objects.exists()
