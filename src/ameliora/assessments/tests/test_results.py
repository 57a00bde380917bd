"""Results: scores from real answers, weaknesses, comparison with the previous campaign."""

from __future__ import annotations

from datetime import date

import pytest

from ameliora.assessments import services
from ameliora.assessments.models import Answer, Criterion
from ameliora.assessments.results import campaign_results
from ameliora.assessments.tests.factories import answer_all, make_campaign, make_grid
from ameliora.core.models import Link, Membership
from ameliora.core.services import link_objects


def test_scores_follow_the_formula_on_stored_answers(alice: Membership) -> None:
    grid = make_grid(alice.organization)
    Criterion.objects.filter(grid=grid, code="S1-01").update(weight=2, mandatory=True)
    campaign = make_campaign(alice, grid=grid)

    answer_all(campaign, alice, {"S1-01": "partly", "S1-02": "na", "S2-01": "no"})
    results = campaign_results(campaign)

    # S1: (2*0.5 + 1*1) / (2 + 1) = 66.7 %; S2: (0 + 1 + 1) / 3 = 66.7 %; overall 4 / 6
    assert results.sections[0].score.percent == pytest.approx(200 / 3)
    assert results.sections[1].score.percent == pytest.approx(200 / 3)
    assert results.overall.percent == pytest.approx(400 / 6)
    assert results.overall.mandatory_unmet == 1
    assert [i.criterion.code for i in results.weaknesses] == ["S1-01", "S2-01"]


def test_the_comparison_says_what_improved_and_what_got_worse(alice: Membership) -> None:
    before = make_campaign(alice, name="2025", start=date(2025, 1, 6))
    answer_all(before, alice, {"S1-01": "no", "S2-01": "yes"})
    services.close_campaign(before, acting=alice)
    after = make_campaign(alice, grid=before.grid, name="2026", previous=before)
    answer_all(after, alice, {"S1-01": "yes", "S2-01": "partly"})

    results = campaign_results(after)

    trends = {i.criterion.code: i.trend for i in results.items}
    assert trends["S1-01"] == "improved"
    assert trends["S2-01"] == "worse"
    assert trends["S1-02"] == "unchanged"
    assert results.trends == {"improved": 1, "worse": 1, "unchanged": 4}
    assert results.sections[0].trend == "improved"
    assert results.sections[1].trend == "worse"
    assert results.previous_overall is not None
    assert results.previous_overall.percent == pytest.approx(500 / 6)


def test_the_comparison_finds_the_latest_earlier_campaign_when_none_was_named(alice: Membership) -> None:
    before = make_campaign(alice, name="2025", start=date(2025, 1, 6))
    after = make_campaign(alice, grid=before.grid, name="2026")

    assert campaign_results(after).previous_campaign == before


def test_actions_linked_to_a_criterion_come_back_with_the_details(alice: Membership) -> None:
    campaign = make_campaign(alice)
    answer = Answer.objects.filter(campaign=campaign).first()
    assert answer is not None
    # Any model stands for an action here: assessments reads links without importing plans.
    link_objects(alice, answer, kind=Link.Kind.SOURCE, acting=alice)

    results = campaign_results(campaign, with_details=True)

    item = next(i for i in results.items if i.answer.pk == answer.pk)
    assert [link.label for link in item.links] == [str(alice)]
