"""Shared test helpers: Hypothesis settings and hand-built charts."""

import numpy as np
from hypothesis import settings

from ameliora.analytics import ChartLimits

#: No example database (nothing written to the working tree) and no deadline
#: (the first SciPy call of a run is slow).
PROPERTY = settings(database=None, deadline=None, max_examples=200)


def flat_chart(y: list[float], cl: float, sigma: float, chart: str = "i") -> ChartLimits:
    """A chart with constant centre line and ``cl -/+ 3 sigma`` / ``-/+ 2 sigma`` lines."""
    values = np.array(y, dtype=np.float64)
    size = values.size

    def line(value: float) -> np.ndarray:
        return np.full(size, value)

    return ChartLimits(
        chart=chart,
        y=values,
        cl=cl,
        lcl=line(cl - 3 * sigma),
        ucl=line(cl + 3 * sigma),
        lcl_2sigma=line(cl - 2 * sigma),
        ucl_2sigma=line(cl + 2 * sigma),
    )
