"""The rule that says whether an objective is met, read from the indicators that measure it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.utils import formats, translation

from ameliora.plans import attainment
from ameliora.plans.attainment import IN_PROGRESS, MET, NO_DATA, NOT_MET, judge, mismatch, summary
from ameliora.plans.measures import Measure
from ameliora.plans.models import Objective

DEADLINE = date(2026, 11, 30)
BEFORE, AFTER = date(2026, 10, 15), date(2026, 12, 3)


@pytest.fixture(autouse=True)
def in_french() -> Iterator[None]:
    with translation.override("fr"):
        yield


def _percent(value: float) -> str:
    return f"{formats.number_format(value, decimal_pos=1)} %"


def _measure(
    level: float | None,
    target: float | None = 5.0,
    *,
    lower_is_better: bool = True,
    name: str = "Rendez-vous non honorés",
    as_of: date = DEADLINE,
    target_date: date | None = None,
) -> Measure:
    return Measure(
        indicator_id=1,
        name=name,
        url="/",
        level=level,
        as_of=as_of,
        target=target,
        target_date=target_date,
        lower_is_better=lower_is_better,
        show=_percent,
    )


def _objective(deadline: date | None = DEADLINE, target: str | None = None, status: str = IN_PROGRESS) -> Objective:
    return Objective(
        statement="Réduire les rendez-vous non honorés",
        deadline=deadline,
        target_value=None if target is None else Decimal(target),
        status=status,
    )


def test_lower_is_better_above_the_target_on_the_deadline_is_not_met_and_says_so() -> None:
    verdict = judge(_objective(), _measure(8.1), today=AFTER)

    assert verdict.status == NOT_MET
    assert verdict.rule == (
        "Rendez-vous non honorés : niveau 8,1 % > cible 5,0 % (plus bas = mieux) au 30/11/2026 : non atteint."
    )


@pytest.mark.parametrize(
    ("level", "lower_is_better", "status"),
    [
        (4.2, True, MET),
        (5.0, True, MET),  # at the target is meeting it
        (5.1, True, NOT_MET),
        (79.2, False, MET),
        (75.0, False, MET),
        (70.1, False, NOT_MET),
    ],
)
def test_the_direction_decides_which_side_of_the_target_meets_it(
    level: float, lower_is_better: bool, status: str
) -> None:
    target = 5.0 if lower_is_better else 75.0
    measure = _measure(level, target, lower_is_better=lower_is_better, name="Satisfaction")

    assert judge(_objective(), measure, today=AFTER).status == status


def test_higher_is_better_says_its_direction_in_the_rule() -> None:
    verdict = judge(_objective(), _measure(70.1, 75.0, lower_is_better=False, name="Satisfaction"), today=AFTER)

    assert "niveau 70,1 % < cible 75,0 % (plus haut = mieux) au 30/11/2026 : non atteint." in verdict.rule


@pytest.mark.parametrize(("level", "words"), [(4.0, "en bonne voie"), (8.1, "pas encore atteint")])
def test_before_the_deadline_the_objective_is_in_progress_whatever_the_level(level: float, words: str) -> None:
    verdict = judge(_objective(), _measure(level, as_of=BEFORE), today=BEFORE)

    assert verdict.status == IN_PROGRESS
    assert verdict.rule.endswith(f"au 15/10/2026 : {words}, jugé au 30/11/2026.")


def test_the_deadline_day_itself_is_judged() -> None:
    assert judge(_objective(), _measure(8.1), today=DEADLINE).status == NOT_MET
    assert judge(_objective(), _measure(4.0), today=DEADLINE).status == MET


def test_without_a_deadline_a_met_target_is_met_and_a_missed_one_still_in_progress() -> None:
    assert judge(_objective(deadline=None), _measure(4.0, as_of=AFTER), today=AFTER).status == MET
    verdict = judge(_objective(deadline=None), _measure(8.1, as_of=AFTER), today=AFTER)
    assert verdict.status == IN_PROGRESS
    assert verdict.rule.endswith(": en cours (sans échéance).")


def test_no_value_or_no_target_gives_no_data() -> None:
    no_value = judge(_objective(), _measure(None), today=AFTER)
    no_target = judge(_objective(), _measure(8.1, target=None), today=AFTER)

    assert (no_value.status, no_target.status) == (NO_DATA, NO_DATA)
    assert no_value.rule == "Rendez-vous non honorés : aucune valeur au 30/11/2026."
    assert "aucune cible" in no_target.rule


def test_the_objectives_target_value_wins_over_the_indicators() -> None:
    verdict = judge(_objective(target="10"), _measure(8.1, target=5.0), today=AFTER)

    assert verdict.status == MET
    assert "cible 10,0 %" in verdict.rule


def test_a_milestone_says_what_was_wanted() -> None:
    measure = Measure(1, "Double contrôle en place", "/", 1.0, DEADLINE, 1.0, None, False, {1.0: "oui"}.get)  # type: ignore[arg-type]
    milestone = Measure(**{**measure.__dict__, "milestone": True})

    verdict = judge(_objective(), milestone, today=AFTER)

    assert verdict.status == MET
    assert verdict.rule == "Double contrôle en place : oui, oui attendu au 30/11/2026 : atteint."


@pytest.mark.parametrize(
    ("levels", "today", "expected"),
    [
        ([4.0, 8.1, None], AFTER, NOT_MET),
        ([4.0, None], BEFORE, IN_PROGRESS),
        ([4.0, None], AFTER, NO_DATA),
        ([4.0, 3.0], AFTER, MET),
    ],
)
def test_several_indicators_the_worst_verdict_wins(levels: list[float | None], today: date, expected: str) -> None:
    measures = [_measure(level, name=f"Indicateur {k}") for k, level in enumerate(levels)]

    assert attainment.attainment(_objective(), measures, today=today).status == expected


def test_an_objective_no_indicator_measures_keeps_its_declared_status() -> None:
    judged = attainment.attainment(_objective(status=MET), [], today=AFTER)

    assert (judged.status, judged.declared) == (MET, True)
    assert judged.why == "Aucun indicateur ne le mesure : le statut est celui fixé au bilan final."


def _judged(level: float | None, name: str = "Rendez-vous non honorés") -> attainment.Attainment:
    return attainment.attainment(_objective(), [_measure(level, name=name)], today=AFTER)


def test_the_summary_counts_the_met_objectives_and_names_the_missed_ones() -> None:
    items = [_judged(4.0, f"Indicateur {k}") for k in range(4)] + [_judged(8.1)]

    assert summary(items) == (
        "4 objectifs atteints sur 5 ; non atteint : rendez-vous non honorés 8,1 % pour une cible de 5,0 %"
    )


def test_the_summary_is_plural_aware_and_counts_in_progress_and_no_data() -> None:
    ahead = attainment.attainment(_objective(), [_measure(4.0, as_of=BEFORE)], today=BEFORE)
    items = [_judged(4.0), _judged(8.1, "Chutes"), _judged(9.0, "Escarres"), ahead, _judged(None)]

    assert summary(items) == (
        "1 objectif atteint sur 5 ; non atteints : chutes 8,1 % pour une cible de 5,0 %, "
        "escarres 9,0 % pour une cible de 5,0 % ; 1 en cours ; 1 sans données"
    )
    assert summary([_judged(8.1)]).startswith("0 objectif atteint sur 1 ; non atteint : ")
    assert summary([]) == ""


def test_a_disagreement_on_the_value_or_the_date_is_named_and_agreement_is_silent() -> None:
    assert mismatch(_objective(target="5"), _measure(8.1, target=5.0, target_date=DEADLINE)) == ""
    assert mismatch(_objective(), _measure(8.1, target=3.0)) == ""  # the objective sets no value

    both = mismatch(_objective(target="5"), _measure(8.1, target=3.0, target_date=date(2026, 6, 30)))

    assert both == (
        "cible 3,0 % sur l'indicateur, 5,0 % sur l'objectif ; "
        "date cible 30/06/2026 sur l'indicateur, échéance 30/11/2026 sur l'objectif"
    )
