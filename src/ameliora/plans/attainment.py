"""Whether an objective is met: the one place that judges it from the indicators measuring it.

The rule, for each indicator measuring the objective (a :class:`ameliora.plans.measures.Measure`,
so that plans never imports indicators):

- the target is the objective's ``target_value`` when it has one (the plan's commitment), else the
  indicator's own target; without either, or without any value, the indicator gives "no data";
- the level is the indicator's current level (its current phase's centre line, as on its page),
  read on the objective's deadline once that day has come, else today;
- it meets the target when the level is at or beyond it in the indicator's direction (≤ for
  lower-is-better, ≥ for higher-is-better);
- before the deadline (or without one) the objective is "in progress" unless it already meets the
  target without a deadline; from the deadline on it is met or not met.

Several indicators: not met if any is not met, else in progress if any is, else no data if any has
none, else met. An objective no indicator measures keeps the status declared at the final review.

The objective's target and its indicators' targets must not silently disagree: :func:`mismatch`
says how they differ (value, or the indicator's target date against the deadline), and the plan
page and the indicator page both show it with a one-click "align" (the indicator takes the
objective's target, ``indicators.services.align_on_objective``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ameliora.plans.measures import Measure, measures_of
from ameliora.plans.models import Objective

MET = Objective.Status.MET.value
NOT_MET = Objective.Status.NOT_MET.value
IN_PROGRESS = Objective.Status.IN_PROGRESS.value
NO_DATA = "no_data"

LABELS = {
    MET: Objective.Status.MET.label,
    NOT_MET: Objective.Status.NOT_MET.label,
    IN_PROGRESS: Objective.Status.IN_PROGRESS.label,
    NO_DATA: gettext_lazy("No data"),
}


def _clauses(parts: Sequence[str]) -> str:
    """Clauses of one sentence: "a; b; c" ("a ; b ; c" in French)."""
    return reduce(lambda before, after: _("%(before)s; %(after)s") % {"before": before, "after": after}, parts)


def _day(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def meets(level: float, target: float, *, lower_is_better: bool) -> bool:
    return level <= target if lower_is_better else level >= target


def _relation(level: float, target: float) -> str:
    if math.isclose(level, target):
        return "="
    return ">" if level > target else "<"


@dataclass(frozen=True)
class Verdict:
    """What one indicator says about the objective, and the sentence that says why."""

    measure: Measure
    status: str
    target: float | None  # the target judged against (the objective's, else the indicator's)
    rule: str

    @property
    def label(self) -> str:
        return str(LABELS[self.status])

    @property
    def level_text(self) -> str:
        return "—" if self.measure.level is None else self.measure.show(self.measure.level)

    @property
    def target_text(self) -> str:
        return "—" if self.target is None else self.measure.show(self.target)


def judge(objective: Objective, measure: Measure, *, today: date) -> Verdict:
    """One indicator's verdict on ``objective`` (see the module's rule)."""
    target = float(objective.target_value) if objective.target_value is not None else measure.target
    name = measure.name
    if target is None:
        rule = _("%(name)s: no target, neither on the objective nor on the indicator.") % {"name": name}
        return Verdict(measure, NO_DATA, None, rule)
    if measure.level is None:
        rule = _("%(name)s: no value on %(date)s.") % {"name": name, "date": _day(measure.as_of)}
        return Verdict(measure, NO_DATA, target, rule)
    ok = meets(measure.level, target, lower_is_better=measure.lower_is_better)
    level, wanted = measure.show(measure.level), measure.show(target)
    if measure.milestone:
        comparison = _("%(level)s, %(target)s wanted") % {"level": level, "target": wanted}
    else:
        comparison = _("level %(level)s %(relation)s target %(target)s (%(direction)s)") % {
            "level": level,
            "relation": _relation(measure.level, target),
            "target": wanted,
            "direction": _("lower is better") if measure.lower_is_better else _("higher is better"),
        }
    words = {"name": measure.name, "comparison": comparison, "date": _day(measure.as_of)}
    deadline = objective.deadline
    if deadline is not None and today >= deadline:
        status = MET if ok else NOT_MET
        text = (
            _("%(name)s: %(comparison)s on %(date)s: met.")
            if ok
            else _("%(name)s: %(comparison)s on %(date)s: not met.")
        )
    elif deadline is None:
        status = MET if ok else IN_PROGRESS
        if ok:
            text = _("%(name)s: %(comparison)s on %(date)s: met (no deadline).")
        else:
            text = _("%(name)s: %(comparison)s on %(date)s: in progress (no deadline).")
    else:
        status, words["deadline"] = IN_PROGRESS, _day(deadline)
        if ok:
            text = _("%(name)s: %(comparison)s on %(date)s: on track, judged on %(deadline)s.")
        else:
            text = _("%(name)s: %(comparison)s on %(date)s: not there yet, judged on %(deadline)s.")
    return Verdict(measure, status, target, text % words)


def mismatch(objective: Objective, measure: Measure) -> str:
    """How the indicator's target differs from the objective's ("" when they agree or one is unset)."""
    parts = []
    if (
        objective.target_value is not None
        and measure.target is not None
        and not math.isclose(float(objective.target_value), measure.target)
    ):
        parts.append(
            _("target %(indicator)s on the indicator, %(objective)s on the objective")
            % {"indicator": measure.show(measure.target), "objective": measure.show(float(objective.target_value))}
        )
    if objective.deadline is not None and measure.target_date is not None and objective.deadline != measure.target_date:
        parts.append(
            _("target date %(indicator)s on the indicator, deadline %(objective)s on the objective")
            % {"indicator": _day(measure.target_date), "objective": _day(objective.deadline)}
        )
    return _clauses(parts) if parts else ""


@dataclass(frozen=True)
class Attainment:
    """An objective's status, from its indicators or, without any, as declared at the final review."""

    objective: Objective
    status: str
    verdicts: list[Verdict]
    mismatches: list[tuple[Measure, str]]  # (indicator, how its target differs from the objective's)

    @property
    def label(self) -> str:
        return str(LABELS[self.status])

    @property
    def declared(self) -> bool:
        """No indicator measures it: the status is the one declared at the final review."""
        return not self.verdicts

    @property
    def why(self) -> str:
        """The rule applied, in words: each indicator's verdict, or that the status was declared."""
        if self.declared:
            return _("No indicator measures it: the status is the one set at the final review.")
        return " ".join(v.rule for v in self.verdicts)


def _combined(statuses: Sequence[str]) -> str:
    for status in (NOT_MET, IN_PROGRESS, NO_DATA):
        if status in statuses:
            return status
    return MET


def attainment(objective: Objective, measures: Sequence[Measure], *, today: date) -> Attainment:
    verdicts = [judge(objective, m, today=today) for m in measures]
    mismatches = [(m, text) for m in measures if (text := mismatch(objective, m))]
    status = _combined([v.status for v in verdicts]) if verdicts else objective.status
    return Attainment(objective, status, verdicts, mismatches)


def attainments(objectives: Sequence[Objective], *, today: date) -> list[Attainment]:
    """Each objective judged (a fixed number of queries whatever the number of objectives)."""
    found = measures_of(objectives, today)
    return [attainment(o, found.get(o.pk, []), today=today) for o in objectives]


def _lower_first(name: str) -> str:
    """ "Rendez-vous non honorés" → "rendez-vous non honorés", inside a sentence (acronyms kept)."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def summary(items: Sequence[Attainment]) -> str:
    """One sentence for a plan: "4 objectives met out of 5; not met: missed appointments 8.1 % for a target of 5 %"."""
    total = len(items)
    if not total:
        return ""
    met = sum(1 for a in items if a.status == MET)
    clauses = [
        ngettext("%(met)s objective met out of %(total)s", "%(met)s objectives met out of %(total)s", met)
        % {"met": met, "total": total}
    ]
    missed = [a for a in items if a.status == NOT_MET]
    if missed:
        names = []
        for a in missed:
            failing = [v for v in a.verdicts if v.status == NOT_MET]
            if not failing:  # declared not met at the final review
                names.append(a.objective.statement)
            for v in failing:
                names.append(
                    _("%(name)s %(level)s for a target of %(target)s")
                    % {"name": _lower_first(v.measure.name), "level": v.level_text, "target": v.target_text}
                )
        clauses.append(ngettext("not met: %(list)s", "not met: %(list)s", len(missed)) % {"list": ", ".join(names)})
    in_progress = sum(1 for a in items if a.status == IN_PROGRESS)
    if in_progress:
        clauses.append(ngettext("%(n)s in progress", "%(n)s in progress", in_progress) % {"n": in_progress})
    no_data = sum(1 for a in items if a.status == NO_DATA)
    if no_data:
        clauses.append(ngettext("%(n)s without data", "%(n)s without data", no_data) % {"n": no_data})
    return _clauses(clauses)
