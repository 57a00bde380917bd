"""The competency dashboard of one learner: per competency, levels over time, situations, gaps.

Two queries whatever the number of situations: the framework and the learner's ratings (with
their situations). The chart is SVG with a ``<title>``/``<desc>`` and the same figures are in a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

from ameliora.core.models import Membership
from ameliora.learning.access import may_see_situation
from ameliora.learning.models import EXPECTED_LEVEL, Competency, CompetencyRating, LearningSituation

SELF_COLOUR = "#6c757d"
SUPERVISOR_COLOUR = "#1d4f8c"


@dataclass
class Point:
    day: date
    level: int
    rater: str
    situation: LearningSituation


@dataclass
class CompetencyLine:
    competency: Competency
    points: list[Point] = field(default_factory=list)

    def _latest(self, rater: str) -> Point | None:
        mine = [p for p in self.points if p.rater == rater]
        return max(mine, key=lambda p: (p.day, p.situation.pk)) if mine else None

    @property
    def latest_self(self) -> Point | None:
        return self._latest(CompetencyRating.Rater.SELF)

    @property
    def latest_supervisor(self) -> Point | None:
        return self._latest(CompetencyRating.Rater.SUPERVISOR)

    @property
    def current_level(self) -> int | None:
        """The supervisor's latest level when there is one, else the learner's own."""
        point = self.latest_supervisor or self.latest_self
        return point.level if point else None

    @property
    def situations(self) -> list[LearningSituation]:
        seen: dict[int, LearningSituation] = {}
        for point in sorted(self.points, key=lambda p: p.day):
            seen.setdefault(point.situation.pk, point.situation)
        return list(seen.values())

    @property
    def is_gap(self) -> bool:
        level = self.current_level
        return level is None or level < EXPECTED_LEVEL

    @property
    def self_overrates(self) -> bool:
        """The learner rates themself two levels or more above the supervisor (worth talking about)."""
        own, theirs = self.latest_self, self.latest_supervisor
        return own is not None and theirs is not None and own.level - theirs.level >= 2


def competency_lines(learner: Membership, *, viewer: Membership) -> list[CompetencyLine]:
    """The framework's competencies with the learner's ratings in the situations ``viewer`` may see."""
    lines = {c.pk: CompetencyLine(c) for c in Competency.objects.for_org(learner.organization).filter(is_active=True)}
    ratings = (
        CompetencyRating.objects.for_org(learner.organization)
        .filter(situation__learner=learner, competency__is_active=True)
        .select_related("situation__organization")
        .order_by("rated_on", "pk")
    )
    for rating in ratings:
        line = lines.get(rating.competency_id)
        if line is not None and may_see_situation(viewer, rating.situation):
            line.points.append(Point(rating.rated_on, rating.level, rating.rater, rating.situation))
    return list(lines.values())


def date_range(lines: list[CompetencyLine]) -> tuple[date, date] | None:
    """The first and last rating days of all lines, so that every row shares one time axis."""
    days = [p.day for line in lines for p in line.points]
    return (min(days), max(days)) if days else None


def sparkline_svg(
    line: CompetencyLine, *, title: str, labels: dict[str, str], span: tuple[date, date] | None = None
) -> str:
    """Levels 1-4 over time, self (grey, dashed) and supervisor (blue): a small accessible chart."""
    width, height, pad = 220, 56, 8
    points = sorted(line.points, key=lambda p: (p.day, p.situation.pk))
    desc = "; ".join(f"{p.day:%d/%m/%Y} {labels[p.rater]} {p.level}" for p in points) or labels["none"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}"><title>{escape(title)}</title><desc>{escape(desc)}</desc>',
    ]
    for level in range(1, 5):
        y = height - pad - (level - 1) * (height - 2 * pad) / 3
        out.append(f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" stroke="#e9ecef"/>')
    expected_y = height - pad - (EXPECTED_LEVEL - 1) * (height - 2 * pad) / 3
    out.append(
        f'<line x1="{pad}" y1="{expected_y:.1f}" x2="{width - pad}" y2="{expected_y:.1f}" '
        f'stroke="#198754" stroke-dasharray="2 3"/>'
    )
    if points:
        first, last = span or (points[0].day, points[-1].day)
        days = max((last - first).days, 1)

        def xy(point: Point) -> tuple[float, float]:
            x = pad + (width - 2 * pad) * ((point.day - first).days / days if last != first else 0.5)
            y = height - pad - (point.level - 1) * (height - 2 * pad) / 3
            return x, y

        for rater, colour, dash in (
            (CompetencyRating.Rater.SELF, SELF_COLOUR, ' stroke-dasharray="4 3"'),
            (CompetencyRating.Rater.SUPERVISOR, SUPERVISOR_COLOUR, ""),
        ):
            series = [xy(p) for p in points if p.rater == rater]
            if len(series) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in series)
                out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            for x, y in series:
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
    out.append("</svg>")
    return "".join(out)
