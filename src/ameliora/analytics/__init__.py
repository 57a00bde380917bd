"""Pure-Python analysis engine: run charts, control charts, special-cause rules, before/after tests.

No Django, no other ``ameliora`` app: plain lists or NumPy arrays in, frozen
dataclasses (or, through :func:`analyse`, JSON-serialisable dicts) out. The
formulas follow the R package qicharts2 and, for the NHS rules, the R package
NHSRplotthedots; each function's docstring gives its formula and source, and
``docs/analytics.md`` summarises them.
"""

from ameliora.analytics.charts import (
    ChartLimits,
    average_moving_range,
    c4,
    c_chart,
    g_chart,
    i_chart,
    mr_chart,
    p_chart,
    pp_chart,
    run_chart,
    s_chart,
    t_chart,
    u_chart,
    up_chart,
    xbar_chart,
)
from ameliora.analytics.compare import (
    Comparison,
    SignificanceTest,
    compare_continuous,
    compare_proportions,
    compare_rates,
)
from ameliora.analytics.errors import AnalysisInputError
from ameliora.analytics.report import (
    AnalysisRequest,
    PhaseResult,
    analyse,
    parse_payload,
    run_analysis,
)
from ameliora.analytics.rules import (
    NhsSignals,
    classify_assurance,
    classify_variation,
    limits_defined,
    nhs_signals,
    sigma_signals,
)
from ameliora.analytics.runs import Run, RunsAnalysis, crossings_min, longest_run_max, runs_analysis, runs_of

__all__ = [
    "AnalysisInputError",
    "AnalysisRequest",
    "ChartLimits",
    "Comparison",
    "NhsSignals",
    "PhaseResult",
    "Run",
    "RunsAnalysis",
    "SignificanceTest",
    "analyse",
    "average_moving_range",
    "c4",
    "c_chart",
    "classify_assurance",
    "classify_variation",
    "compare_continuous",
    "compare_proportions",
    "compare_rates",
    "crossings_min",
    "g_chart",
    "i_chart",
    "limits_defined",
    "longest_run_max",
    "mr_chart",
    "nhs_signals",
    "p_chart",
    "parse_payload",
    "pp_chart",
    "run_analysis",
    "run_chart",
    "runs_analysis",
    "runs_of",
    "s_chart",
    "sigma_signals",
    "t_chart",
    "u_chart",
    "up_chart",
    "xbar_chart",
]
