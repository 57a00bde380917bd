"""Audit cases after entry: the full list a page at a time, each case read back and corrected while the round
collects (frozen once closed), and the entry form answering htmx with the audit part of the page alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Organization
from ameliora.evaluations import services
from ameliora.evaluations.models import AuditCase, CaseAnswer, Evaluation
from ameliora.evaluations.results import audit_results
from ameliora.evaluations.tests.factories import make_audit
from ameliora.evaluations.views import CASE_PAGE_SIZE

Y, N, NA = "yes", "no", "na"


def _case(audit: Evaluation, acting: Membership, label: str, values: list[str]) -> AuditCase:
    criteria = list(audit.criteria.all())
    return services.record_case(
        audit, acting=acting, label=label, answers={c.pk: v for c, v in zip(criteria, values, strict=True)}
    )


def _url(name: str, org: Organization, **kwargs: Any) -> str:
    return reverse(f"evaluations:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _post(audit: Evaluation, label: str, values: list[str]) -> dict[str, str]:
    return {"label": label, **{f"c{c.pk}": v for c, v in zip(audit.criteria.all(), values, strict=True)}}


def test_a_case_is_corrected_while_collecting_and_results_follow(alice: Membership, tilleuls: Organization) -> None:
    audit = make_audit(tilleuls)
    case = _case(audit, alice, "Ordonnance 1", [N, N])
    _case(audit, alice, "Ordonnance 2", [Y, Y])
    first, second = audit.criteria.all()

    services.update_case(case, acting=alice, label="Ordonnance 1 bis", answers={first.pk: Y, second.pk: NA})

    case.refresh_from_db()
    assert case.label == "Ordonnance 1 bis"
    assert dict(case.answers.values_list("criterion_id", "value")) == {first.pk: Y, second.pk: NA}
    assert CaseAnswer.objects.count() == 4
    assert audit_results(audit).overall.percent == 100.0
    assert case.answers.get(criterion=first).history.get().value == Y  # the correction is in the history


def test_a_correction_keeps_labels_unique_and_every_criterion_answered(
    alice: Membership, tilleuls: Organization
) -> None:
    audit = make_audit(tilleuls)
    case = _case(audit, alice, "Ordonnance 1", [N, N])
    _case(audit, alice, "Ordonnance 2", [Y, Y])
    first, _second = audit.criteria.all()
    with pytest.raises(ValidationError):
        services.update_case(case, acting=alice, label="Ordonnance 2", answers={c.pk: Y for c in audit.criteria.all()})
    with pytest.raises(ValidationError):
        services.update_case(case, acting=alice, label="Ordonnance 1", answers={first.pk: Y})
    assert list(case.answers.values_list("value", flat=True)) == [N, N]


def test_a_closed_round_is_frozen(alice: Membership, tilleuls: Organization) -> None:
    audit = make_audit(tilleuls)
    case = _case(audit, alice, "Ordonnance 1", [N, N])
    services.move_evaluation(audit, wanted=Evaluation.Status.CLOSED, acting=alice)
    with pytest.raises(ValidationError):
        services.update_case(case, acting=alice, label="Ordonnance 1", answers={c.pk: Y for c in audit.criteria.all()})
    assert list(case.answers.values_list("value", flat=True)) == [N, N]


def test_the_case_page_offers_the_answers_to_correct(
    bob_client: Client, bob: Membership, tilleuls: Organization
) -> None:
    audit = make_audit(tilleuls)
    case = _case(audit, bob, "Ordonnance 1", [Y, N])
    first, second = audit.criteria.all()
    url = _url("case_detail", tilleuls, case_id=case.pk)

    form = bob_client.get(url).context["case_form"]
    assert form.initial["label"] == "Ordonnance 1"
    assert (form.initial[f"c{first.pk}"], form.initial[f"c{second.pk}"]) == (Y, N)

    response = bob_client.post(url, _post(audit, "Ordonnance 1", [Y, Y]))
    assert response.status_code == 302
    assert audit_results(audit).overall.percent == 100.0

    response = bob_client.post(url, {"label": "Ordonnance 1", f"c{first.pk}": N})
    assert response.status_code == 422
    assert f"c{second.pk}" in response.context["case_form"].errors


def test_a_closed_round_shows_its_case_read_only_and_refuses_a_correction(
    bob_client: Client, alice: Membership, tilleuls: Organization
) -> None:
    audit = make_audit(tilleuls)
    case = _case(audit, alice, "Ordonnance 1", [Y, N])
    services.move_evaluation(audit, wanted=Evaluation.Status.CLOSED, acting=alice)
    url = _url("case_detail", tilleuls, case_id=case.pk)

    response = bob_client.get(url)
    assert response.status_code == 200
    assert response.context["case_form"] is None
    assert [answer.value for _criterion, answer in response.context["rows"]] == [Y, N]

    response = bob_client.post(url, _post(audit, "Ordonnance 1", [Y, Y]))
    assert response.status_code == 422
    assert list(case.answers.order_by("criterion__position").values_list("value", flat=True)) == [Y, N]


def test_another_organization_cannot_reach_a_case(
    charlie_client: Client, alice: Membership, tilleuls: Organization
) -> None:
    audit = make_audit(tilleuls)
    case = _case(audit, alice, "Ordonnance 1", [Y, N])
    assert charlie_client.get(_url("case_detail", tilleuls, case_id=case.pk)).status_code in {403, 404}


def test_the_case_list_pages_through_every_case_in_bounded_queries(
    bob_client: Client, alice: Membership, tilleuls: Organization, django_assert_max_num_queries: Any
) -> None:
    audit = make_audit(tilleuls)
    criteria = list(audit.criteria.all())
    cases = AuditCase.objects.bulk_create(
        AuditCase(organization=tilleuls, evaluation=audit, label=f"Ordonnance {n:03d}") for n in range(70)
    )
    CaseAnswer.objects.bulk_create(
        CaseAnswer(case=case, criterion=criterion, value=N) for case in cases for criterion in criteria
    )
    url = _url("case_list", tilleuls, evaluation_id=audit.pk)

    with django_assert_max_num_queries(12):
        response = bob_client.get(url)
    page = response.context["page"]
    assert (len(page.object_list), page.paginator.count) == (CASE_PAGE_SIZE, 70)
    assert page.object_list[0].no_count == 2
    second = bob_client.get(url + "?page=2").context["page"]
    assert len(second.object_list) == 70 - CASE_PAGE_SIZE


def test_htmx_entry_answers_the_audit_part_with_a_fresh_focused_form(
    bob_client: Client, tilleuls: Organization
) -> None:
    audit = make_audit(tilleuls)
    url = _url("case_add", tilleuls, evaluation_id=audit.pk)

    response = bob_client.post(url, _post(audit, "Ordonnance 1", [Y, N]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="audit-live"')
    assert "<html" not in html
    assert 'id="results"' in html
    assert 'name="label"' in html
    assert 'value="Ordonnance 1"' not in html  # the form is empty, for the next case
    assert "autofocus" in html
    assert response.context["results"].cases == 1
    assert response.context["recorded"]
    assert AuditCase.objects.filter(label="Ordonnance 1").exists()


def test_htmx_entry_errors_keep_what_was_typed(bob_client: Client, tilleuls: Organization) -> None:
    audit = make_audit(tilleuls)
    first, _second = audit.criteria.all()
    response = bob_client.post(
        _url("case_add", tilleuls, evaluation_id=audit.pk),
        {"label": "Ordonnance 7", f"c{first.pk}": Y},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="audit-live"')
    assert 'value="Ordonnance 7"' in html
    assert 'aria-invalid="true"' in html
    assert not AuditCase.objects.exists()
