import pytest

from ameliora.analytics.errors import AnalysisInputError
from ameliora.analytics.intervals import wilson_interval


def test_wilson_matches_the_published_values() -> None:
    # Newcombe (1998), table I: 81/263 → 0.2553 to 0.3662; and 8/10 → 0.4902 to 0.9433.
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)


def test_wilson_stays_inside_zero_and_one_at_the_edges() -> None:
    low, high = wilson_interval(30, 30)
    assert high == 1.0
    assert 0.88 < low < 0.89
    low, high = wilson_interval(0, 30)
    assert low == 0.0
    assert 0.11 < high < 0.12


def test_a_wider_confidence_gives_a_wider_interval() -> None:
    narrow = wilson_interval(20, 30, confidence=0.90)
    wide = wilson_interval(20, 30, confidence=0.99)
    assert wide[0] < narrow[0] < narrow[1] < wide[1]


@pytest.mark.parametrize(("successes", "n"), [(1, 0), (-1, 5), (6, 5)])
def test_impossible_counts_are_refused(successes: int, n: int) -> None:
    with pytest.raises(AnalysisInputError):
        wilson_interval(successes, n)
