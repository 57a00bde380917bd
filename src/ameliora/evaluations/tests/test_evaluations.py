"""Practice evaluations: audit cases answered per criterion, compliance with its interval, rounds compared,
write-ups, actions, and the bad input a busy auditor types."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ameliora.core.models import Link, Membership, Organization
from ameliora.evaluations import services
from ameliora.evaluations.models import AuditCase, CaseAnswer, Evaluation
from ameliora.evaluations.results import audit_results
from ameliora.evaluations.tests.factories import make_audit
from ameliora.indicators.sources import SOURCES
from ameliora.plans.models import Action

Y, N, NA = "yes", "no", "na"


def _record(audit: Evaluation, acting: Membership, values: list[list[str]]) -> None:
    criteria = list(audit.criteria.all())
    start = audit.cases.count()
    for i, row in enumerate(values, start=start + 1):
        services.record_case(
            audit, acting=acting, label=f"Ordonnance {i}", answers={c.pk: v for c, v in zip(criteria, row, strict=True)}
        )


def test_compliance_leaves_out_not_applicable_and_carries_its_wilson_interval(
    alice: Membership, tilleuls: Organization
) -> None:
    audit = make_audit(tilleuls)
    _record(audit, alice, [[Y, Y]] * 8 + [[N, NA]] * 2)

    results = audit_results(audit)

    first, second = results.criteria
    assert (first.compliance.yes, first.compliance.no, first.compliance.percent) == (8, 2, 80.0)
    assert first.compliance.interval == (49.0, 94.3)
    assert (second.compliance.applicable, second.compliance.percent) == (8, 100.0)
    assert results.overall.percent == round(100 * 16 / 18, 1)
    assert results.cases == 10


def test_a_case_needs_every_criterion_and_a_label_of_its_own(alice: Membership, tilleuls: Organization) -> None:
    audit = make_audit(tilleuls)
    first = audit.criteria.first()
    assert first is not None
    with pytest.raises(ValidationError):
        services.record_case(audit, acting=alice, label="Ordonnance 1", answers={first.pk: Y})
    _record(audit, alice, [[Y, N]])
    with pytest.raises(ValidationError):
        services.record_case(audit, acting=alice, label="Ordonnance 1", answers={c.pk: Y for c in audit.criteria.all()})
    assert AuditCase.objects.count() == 1
    assert CaseAnswer.objects.count() == 2


def test_cases_are_taken_only_while_collecting(alice: Membership, tilleuls: Organization) -> None:
    audit = make_audit(tilleuls, status=Evaluation.Status.CLOSED)
    with pytest.raises(ValidationError):
        _record(audit, alice, [[Y, Y]])
    assert not audit.cases.exists()


def test_criteria_cannot_change_once_cases_exist(alice: Membership, tilleuls: Organization) -> None:
    audit = make_audit(tilleuls)
    _record(audit, alice, [[Y, Y]])
    with pytest.raises(ValidationError):
        services.set_criteria(audit, criteria=["Autre chose"], acting=alice)
    assert [c.statement for c in audit.criteria.all()] == ["Critère 1", "Critère 2"]


def test_the_next_round_copies_the_criteria_and_compares_with_the_first(
    alice: Membership, tilleuls: Organization
) -> None:
    first = make_audit(tilleuls)
    _record(first, alice, [[N, Y]] * 15 + [[Y, Y]] * 15)
    services.move_evaluation(first, wanted=Evaluation.Status.CLOSED, acting=alice)

    second = services.start_next_round(first, acting=alice)
    assert second.previous_id == first.pk
    assert "2" in second.title
    services.move_evaluation(second, wanted=Evaluation.Status.IN_PROGRESS, acting=alice)
    _record(second, alice, [[Y, Y]] * 29 + [[N, Y]])

    results = audit_results(second)
    improved, unchanged = results.criteria
    assert improved.change is not None
    assert (improved.change.before, improved.compliance.percent, improved.change.trend) == (50.0, 96.7, "better")
    assert improved.change.p_value < 0.001
    assert unchanged.change is not None
    assert unchanged.change.trend == "same"


def test_an_action_opened_from_an_audit_lands_in_the_year_plan_linked_back(
    alice: Membership, tilleuls: Organization
) -> None:
    audit = make_audit(tilleuls)
    criterion = audit.criteria.first()
    action = services.open_action(audit, acting=alice, title="Visa du second contrôleur", criterion=criterion)

    assert action.plan.code == f"PAQ-EPP-{timezone.localdate().year}"
    assert criterion is not None
    assert criterion.statement in action.description
    assert Link.objects.filter(from_id=action.pk, to_id=audit.pk, kind=Link.Kind.SOURCE).exists()


def test_compliance_feeds_an_indicator(alice: Membership, tilleuls: Organization) -> None:
    audit = make_audit(tilleuls)
    _record(audit, alice, [[Y, N], [Y, NA]])
    today = timezone.localdate()
    compute = SOURCES["evaluations.compliance"].compute
    assert compute(tilleuls, today, today, "day") == (2, 3)
    assert compute(tilleuls, today - timedelta(days=1), today - timedelta(days=1), "day") == (None, None)


def test_compliance_can_follow_one_audit_series_across_rounds(
    alice: Membership, tilleuls: Organization, coteaux: Organization
) -> None:
    from ameliora.evaluations import sources

    first = make_audit(tilleuls)
    _record(first, alice, [[N, N]] * 2)
    services.move_evaluation(first, wanted=Evaluation.Status.CLOSED, acting=alice)
    second = services.start_next_round(first, acting=alice)
    services.move_evaluation(second, wanted=Evaluation.Status.IN_PROGRESS, acting=alice)
    _record(second, alice, [[Y, Y]])
    other = make_audit(tilleuls)
    other.title = "Double contrôle"
    other.save()
    _record(other, alice, [[Y, Y]] * 3)
    make_audit(coteaux)
    today = timezone.localdate()

    with translation.override("en"):
        choices = sources.audit_series_choices(tilleuls)
    assert choices == [(str(first.pk), "Audit des ordonnances (2 rounds)"), (str(other.pk), "Double contrôle")]
    assert sources.compliance(tilleuls, today, today, "day") == (8, 12)
    assert sources.compliance(tilleuls, today, today, "day", parameter=str(first.pk)) == (2, 6)
    assert sources.compliance(tilleuls, today, today, "day", parameter=str(other.pk)) == (6, 6)
    assert sources.compliance(tilleuls, today, today, "day", parameter=str(second.pk)) == (None, None)  # not a first
    assert sources.series_of(coteaux, str(first.pk)) == []


# --- pages ---------------------------------------------------------------------------------------


def _url(name: str, org: Organization, **kwargs: Any) -> str:
    return reverse(f"evaluations:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_a_missing_answer_keeps_what_was_typed_and_points_at_the_criterion(
    bob_client: Client, tilleuls: Organization
) -> None:
    audit = make_audit(tilleuls)
    first, second = audit.criteria.all()
    response = bob_client.post(
        _url("case_add", tilleuls, evaluation_id=audit.pk), {"label": "Ordonnance 7", f"c{first.pk}": "yes"}
    )

    assert response.status_code == 422
    form = response.context["case_form"]
    assert f"c{second.pk}" in form.errors
    html = response.content.decode()
    assert 'value="Ordonnance 7"' in html
    assert 'aria-invalid="true"' in html
    assert not AuditCase.objects.exists()


def test_a_case_recorded_from_the_page_counts_in_the_results(bob_client: Client, tilleuls: Organization) -> None:
    audit = make_audit(tilleuls)
    first, second = audit.criteria.all()
    response = bob_client.post(
        _url("case_add", tilleuls, evaluation_id=audit.pk),
        {"label": "Ordonnance 1", f"c{first.pk}": "yes", f"c{second.pk}": "no"},
    )
    assert response.status_code == 302
    page = bob_client.get(audit.get_absolute_url())
    assert page.context["results"].overall.percent == 50.0


def test_a_plain_member_records_cases_but_does_not_steer(bob_client: Client, tilleuls: Organization) -> None:
    audit = make_audit(tilleuls)
    response = bob_client.post(_url("status", tilleuls, evaluation_id=audit.pk), {"status": "closed"})
    assert response.status_code == 403
    audit.refresh_from_db()
    assert audit.status == Evaluation.Status.IN_PROGRESS


def test_an_audit_without_criteria_is_refused_with_the_form_kept(alice_client: Client, tilleuls: Organization) -> None:
    response = alice_client.post(
        _url("create", tilleuls), {"method": "audit", "title": "Audit des préparations", "criteria": "  \n "}
    )
    assert response.status_code == 422
    assert "criteria" in response.context["form"].errors
    assert 'value="Audit des préparations"' in response.content.decode()
    assert not Evaluation.objects.exists()


def test_the_list_query_count_does_not_grow(
    alice_client: Client, tilleuls: Organization, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        make_audit(tilleuls)
    with django_assert_max_num_queries(10):
        response = alice_client.get(_url("home", tilleuls))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def test_a_case_review_keeps_its_write_up(alice_client: Client, alice: Membership, tilleuls: Organization) -> None:
    review = services.create_evaluation(acting=alice, method=Evaluation.Method.CASE_REVIEW, title="RMM chute")
    response = alice_client.post(
        _url("writeup", tilleuls, evaluation_id=review.pk),
        {
            "case_summary": "Chute la nuit",
            "chronology": "2 h 30",
            "avoidability": "avoidable",
            "avoidability_reason": "Sonnette hors de portée",
            "findings": "",
            "lessons": "Veilleuse",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.avoidability, review.lessons) == ("avoidable", "Veilleuse")
    assert Action.objects.count() == 0


def test_the_round_comparison_names_its_test_next_to_the_p_value(
    alice_client: Client, alice: Membership, tilleuls: Organization
) -> None:
    first = make_audit(tilleuls)
    _record(first, alice, [[N, Y]] * 15 + [[Y, Y]] * 15)
    services.move_evaluation(first, wanted=Evaluation.Status.CLOSED, acting=alice)
    second = services.start_next_round(first, acting=alice)
    services.move_evaluation(second, wanted=Evaluation.Status.IN_PROGRESS, acting=alice)
    _record(second, alice, [[Y, Y]] * 29 + [[N, Y]])

    response = alice_client.get(second.get_absolute_url())

    html = response.content.decode()
    results = response.context["results"]
    changes = [line.change for line in results.criteria if line.change] + [results.overall_change]
    assert {change.test for change in changes} <= {"two_proportion_z", "fisher_exact"}
    with translation.override("fr"):  # the pages are in French
        labels = {change.test_label for change in changes}
    assert labels <= {"test z de comparaison de deux proportions", "test exact de Fisher"}
    for label in labels:
        assert f"{label}, p" in html
