"""Each structured review has its own write-up: RMM (avoidable and why), patient tracer (the path step by step),
peer review (practice, reference, peers, conclusions); each asks for its own required fields and shows them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ameliora.core.models import Membership, Organization
from ameliora.evaluations import services
from ameliora.evaluations.models import Evaluation

Method = Evaluation.Method


def _writeup(client: Client, evaluation: Evaluation, data: dict[str, Any]) -> Any:
    kwargs = {"org_slug": evaluation.organization.slug, "evaluation_id": evaluation.pk}
    url = reverse("evaluations:writeup", kwargs=kwargs)
    return client.post(url, data)


def _steps(*rows: tuple[str, str, str], extra: int = 0) -> dict[str, str]:
    data = {"step-TOTAL_FORMS": str(len(rows) + extra), "step-INITIAL_FORMS": "0"}
    for i, (place, observed, gaps) in enumerate(rows):
        data |= {f"step-{i}-place": place, f"step-{i}-observed": observed, f"step-{i}-gaps": gaps}
    for i in range(len(rows), len(rows) + extra):
        data |= {f"step-{i}-place": "", f"step-{i}-observed": "", f"step-{i}-gaps": ""}
    return data


@pytest.fixture
def tracer(alice: Membership) -> Evaluation:
    return services.create_evaluation(acting=alice, method=Method.PATIENT_TRACER, title="Parcours en HDJ")


@pytest.fixture
def peer_review(alice: Membership) -> Evaluation:
    return services.create_evaluation(acting=alice, method=Method.PEER_REVIEW, title="Conseil antibiotique")


@pytest.fixture
def case_review(alice: Membership) -> Evaluation:
    return services.create_evaluation(acting=alice, method=Method.CASE_REVIEW, title="RMM chute")


def test_a_case_review_asks_why_it_was_avoidable_or_not(alice_client: Client, case_review: Evaluation) -> None:
    data = {"case_summary": "Chute la nuit", "chronology": "2 h 30 : chute", "avoidability": "avoidable"}
    response = _writeup(alice_client, case_review, data)
    assert response.status_code == 422
    assert set(response.context["writeup_form"].errors) == {"avoidability_reason"}
    case_review.refresh_from_db()
    assert case_review.case_summary == ""

    response = _writeup(alice_client, case_review, data | {"avoidability_reason": "Sonnette hors de portée"})
    assert response.status_code == 302
    case_review.refresh_from_db()
    assert (case_review.avoidability, case_review.avoidability_reason) == ("avoidable", "Sonnette hors de portée")


def test_a_case_review_needs_its_summary_chronology_and_verdict(alice_client: Client, case_review: Evaluation) -> None:
    response = _writeup(alice_client, case_review, {"lessons": "Veilleuse"})
    assert response.status_code == 422
    assert set(response.context["writeup_form"].errors) == {
        "case_summary",
        "chronology",
        "avoidability",
        "avoidability_reason",
    }


def test_a_patient_tracer_keeps_its_path_in_order_and_skips_empty_rows(
    alice_client: Client, tracer: Evaluation
) -> None:
    data = _steps(
        ("Accueil, 8 h 30", "Identité vérifiée", ""),
        ("Salle de soins", "Transmission orale", "Non tracée"),
        extra=2,
    ) | {"professionals_met": "Secrétaire, infirmière", "strengths": "Accueil", "weaknesses": "Traçabilité"}
    response = _writeup(alice_client, tracer, data)

    assert response.status_code == 302
    tracer.refresh_from_db()
    assert tracer.tracer_steps == [
        {"place": "Accueil, 8 h 30", "observed": "Identité vérifiée", "gaps": ""},
        {"place": "Salle de soins", "observed": "Transmission orale", "gaps": "Non tracée"},
    ]
    assert (tracer.professionals_met, tracer.strengths, tracer.weaknesses) == (
        "Secrétaire, infirmière",
        "Accueil",
        "Traçabilité",
    )


def test_a_patient_tracer_needs_a_step_and_the_professionals_met(alice_client: Client, tracer: Evaluation) -> None:
    response = _writeup(alice_client, tracer, _steps(extra=2) | {"strengths": "Accueil"})
    assert response.status_code == 422
    form = response.context["writeup_form"]
    assert "professionals_met" in form.errors
    with translation.override("en"):
        assert "A patient tracer follows at least one step of the path." in form.non_field_errors()
    tracer.refresh_from_db()
    assert tracer.strengths == ""


def test_a_step_needs_its_place_and_what_was_observed(alice_client: Client, tracer: Evaluation) -> None:
    data = _steps(("", "Transmission orale", "")) | {"professionals_met": "Infirmière"}
    response = _writeup(alice_client, tracer, data)
    assert response.status_code == 422
    step = response.context["writeup_form"].steps.forms[0]
    assert "place" in step.errors
    assert 'value="Infirmière"' not in response.content.decode()  # a textarea: the text is kept inside it
    assert "Infirmière</textarea>" in response.content.decode()
    tracer.refresh_from_db()
    assert tracer.tracer_steps == []


def test_the_model_refuses_a_malformed_path_or_a_path_outside_a_tracer(
    tracer: Evaluation, peer_review: Evaluation, alice: Membership
) -> None:
    with pytest.raises(ValidationError):
        services.update_evaluation(tracer, acting=alice, tracer_steps=[{"place": "Accueil"}])
    with pytest.raises(ValidationError):
        services.update_evaluation(tracer, acting=alice, tracer_steps=[{"place": " ", "observed": "x", "gaps": ""}])
    with pytest.raises(ValidationError):
        services.update_evaluation(
            peer_review, acting=alice, tracer_steps=[{"place": "Accueil", "observed": "x", "gaps": ""}]
        )


def test_a_peer_review_needs_the_practice_its_reference_and_the_peers(
    alice_client: Client, peer_review: Evaluation
) -> None:
    response = _writeup(alice_client, peer_review, {"agreements": "Durée du traitement"})
    assert response.status_code == 422
    assert set(response.context["writeup_form"].errors) == {"practice_reviewed", "reference_used", "peers_involved"}

    response = _writeup(
        alice_client,
        peer_review,
        {
            "practice_reviewed": "Conseil à la délivrance",
            "reference_used": "Fiche HAS",
            "peers_involved": "Trois pharmaciens",
            "agreements": "Durée du traitement",
            "divergences": "Troubles digestifs",
            "changes_agreed": "Fiche conseil commune",
        },
    )
    assert response.status_code == 302
    peer_review.refresh_from_db()
    assert (peer_review.practice_reviewed, peer_review.changes_agreed) == (
        "Conseil à la délivrance",
        "Fiche conseil commune",
    )


def test_each_method_shows_its_own_write_up(
    bob_client: Client, alice_client: Client, alice: Membership, tracer: Evaluation, peer_review: Evaluation
) -> None:
    services.update_evaluation(
        tracer,
        acting=alice,
        tracer_steps=[
            {"place": "Accueil", "observed": "Bracelet posé", "gaps": ""},
            {"place": "Sortie", "observed": "Rendez-vous remis", "gaps": "Pas de courrier"},
        ],
        professionals_met="Secrétaire",
    )
    services.update_evaluation(peer_review, acting=alice, practice_reviewed="Conseil antibiotique")

    with translation.override("en"):
        html = bob_client.get(tracer.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    steps = html[html.index('id="tracer-steps"') :]
    assert steps.index("Accueil") < steps.index("Sortie") < steps.index("Pas de courrier")
    assert "Secrétaire" in html
    assert "Reference used" not in html

    html = bob_client.get(peer_review.get_absolute_url()).content.decode()
    assert "Conseil antibiotique" in html
    assert 'id="tracer-steps"' not in html

    html = alice_client.get(tracer.get_absolute_url()).content.decode()
    assert 'name="step-TOTAL_FORMS" value="4"' in html  # two steps written, two empty rows for the next
    assert 'value="Rendez-vous remis"' not in html
    assert "Rendez-vous remis</textarea>" in html


def test_an_audit_has_no_write_up(alice_client: Client, alice: Membership, tilleuls: Organization) -> None:
    audit = services.create_evaluation(acting=alice, title="Audit", criteria=["Critère"])
    assert _writeup(alice_client, audit, {"case_summary": "x"}).status_code == 404
