"""Evaluations whose results came out lately are offered to meetings' agendas, through ``core.agenda``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ameliora.core.agenda import proposals
from ameliora.core.models import Membership, Organization
from ameliora.evaluations import services
from ameliora.evaluations.models import Evaluation
from ameliora.evaluations.tests.factories import make_audit


def _evaluation_keys(organization: Organization) -> set[str]:
    return {p.key for p in proposals(organization) if p.key.startswith("evaluations.")}


def test_an_epp_with_results_is_proposed_to_the_agenda(
    alice: Membership, tilleuls: Organization, coteaux: Organization
) -> None:
    closed = make_audit(tilleuls)
    services.move_evaluation(closed, wanted=Evaluation.Status.CLOSED, acting=alice)
    make_audit(tilleuls)  # still collecting: no results yet
    long_ago = make_audit(tilleuls)
    services.move_evaluation(long_ago, wanted=Evaluation.Status.CLOSED, acting=alice)
    Evaluation.objects.filter(pk=long_ago.pk).update(closed_at=timezone.now() - timedelta(days=120))

    assert _evaluation_keys(tilleuls) == {f"evaluations.evaluation:{closed.pk}"}
    (proposal,) = [p for p in proposals(tilleuls) if p.key.startswith("evaluations.")]
    assert (proposal.title, proposal.url, proposal.obj) == (closed.title, closed.get_absolute_url(), closed)
    assert _evaluation_keys(coteaux) == set()
