"""Demo indicators drawn from the seeds, each telling its story on its chart.

* Pharmacie des Tilleuls (seed 000): the yes/no milestone "double contrôle des ordonnances en
  place" and the weekly count of dispensing errors, ~4-5 a week for 26 weeks, then ~1-2 a week
  for 20 weeks after the double check started (a phase): a shift the run-chart rules detect.
  Week 18 of the baseline, a two-day outage of the dispensing software, is an explained outlier
  left out of the limits (still on the chart, marked). The weekly labelling errors of its pill
  organisers fell from ~6 to ~1.5 after 8 weeks, with no phase marked: the page proposes one there.
  Its second plan (preparations circuit): the milestone "fiche de fabrication complète à la
  libération" and late sub-contracted preparations per month, ~4-5 then under 1 once delays are traced.
* Service des Coteaux (seed 001): the five objectives of its quality system, with targets: three
  met by their deadline, missed appointments not met, the psychologists' presence still in progress.
* CPTS Lauragais Sud: a response delay, its baseline frozen on its first year (the last three
  months are tested against it), and the size of its quality cell (a computed source).

Values are generated from a fixed seed and placed so that the last period is the last completed
one: the demo is never "data due" on the day it is built. Builders are idempotent.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ameliora.core.demo import register_demo, register_scale
from ameliora.core.models import Membership, Organization
from ameliora.indicators.core_sources import MEMBERS_SOURCE
from ameliora.indicators.models import (
    Annotation,
    Direction,
    ImportMapping,
    Indicator,
    IndicatorType,
    Kind,
    Measurement,
    Phase,
)
from ameliora.indicators.periods import Periodicity, period_start_of, shift_period
from ameliora.indicators.services import recompute_from_source, refresh_status
from ameliora.plans.models import Objective

Point = tuple[float | None, float | None]  # (value or numerator, denominator)


def _owner(organization: Organization, email: str) -> Membership | None:
    return Membership.objects.for_org(organization).filter(user__email=email).first()


def _periods(periodicity: str, count: int, today: date) -> list[date]:
    last = shift_period(period_start_of(today, periodicity), periodicity, -1)
    return [shift_period(last, periodicity, k - count + 1) for k in range(count)]


def _indicator(
    organization: Organization,
    name: str,
    *,
    points: Callable[[random.Random, int], Point] | None,
    count: int,
    phase: tuple[int, str] | None = None,
    annotations: tuple[tuple[int, str], ...] = (),
    outlier: tuple[int, float, str] | None = None,
    freeze: int | None = None,
    today: date,
    **fields: Any,
) -> Indicator:
    """A demo indicator with ``count`` periods of ``points``; ``outlier`` (index, value, reason) is an
    explained value left out of the limits, ``freeze`` the number of baseline values."""
    indicator, created = Indicator.objects.get_or_create(organization=organization, name=name, defaults=fields)
    if not created or points is None:
        return indicator
    rng = random.Random(name)  # noqa: S311 — demo noise, not security
    periods = _periods(indicator.periodicity, count, today)
    rows = []
    for k, period in enumerate(periods):
        value, denominator = points(rng, k)
        excluded = outlier is not None and outlier[0] == k
        if outlier is not None and excluded:
            value = outlier[1]
        if value is None:
            continue
        if indicator.uses_ratio:
            denominator = denominator or 1.0
            rows.append(
                Measurement(
                    organization=organization,
                    indicator=indicator,
                    period_start=period,
                    numerator=Decimal(int(value)),
                    denominator=Decimal(int(denominator)),
                    value=(Decimal(int(value)) / Decimal(int(denominator))).quantize(Decimal("0.000001")),
                )
            )
        else:
            rows.append(
                Measurement(
                    organization=organization,
                    indicator=indicator,
                    period_start=period,
                    value=Decimal(str(round(value, 1))),
                    excluded=excluded,
                    exclusion_reason=outlier[2] if outlier is not None and excluded else "",
                )
            )
    bulk_create_with_history(rows, Measurement)
    if phase is not None:
        Phase.objects.create(organization=organization, indicator=indicator, start=periods[phase[0]], label=phase[1])
    for index, text in annotations:
        Annotation.objects.create(organization=organization, indicator=indicator, date=periods[index], text=text)
    if freeze is not None:
        indicator.freeze_until = periods[freeze - 1]
        indicator.save(update_fields=["freeze_until"])
    refresh_status(indicator, today=today)
    return indicator


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means of a demo.
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(rng.random() < p for _ in range(n))


#: The week (index in the 46 weeks of dispensing errors) the dispensing software was down.
OUTAGE_WEEK = 17
OUTAGE_REASON = (
    "Panne du logiciel d'officine pendant deux jours : délivrances sur ordonnances papier, "
    "sans historique patient ni alerte d'interaction."
)


#: An indicator whose page proposes a phase (a change point): 8 weeks around 6, then 8 around 1.5.
DEMO_CHANGE_POINT = "Erreurs d'étiquetage des piluliers par semaine"
LABELLING_ERRORS = (6, 7, 6, 5, 7, 6, 6, 7, 2, 1, 2, 1, 1, 2, 2, 1)


def _pharmacy(organization: Organization, today: date) -> None:
    marc = _owner(organization, "marc.lefevre@tilleuls.test")
    # The double check starts nine weeks ago: after the intern's arrival (100 days ago), the
    # self-assessment of his first weeks and the plan it justified (learning, assessments, plans demos).
    baseline, after = 37, 9
    _indicator(
        organization,
        "Double contrôle des ordonnances en place",
        kind=Kind.YES_NO,
        indicator_type=IndicatorType.STRUCTURE,
        periodicity=Periodicity.WEEK,
        direction=Direction.UP,
        target_value=Decimal(1),
        description="Un second membre de l'équipe contrôle chaque ordonnance avant la délivrance.",
        owner=marc,
        points=lambda rng, k: (1.0 if k >= baseline else 0.0, None),
        count=baseline + after,
        phase=(baseline, "Double contrôle mis en place"),
        today=today,
    )
    _indicator(
        organization,
        "Erreurs de dispensation par semaine",
        kind=Kind.COUNT,
        indicator_type=IndicatorType.OUTCOME,
        periodicity=Periodicity.WEEK,
        direction=Direction.DOWN,
        unit="erreurs",
        target_value=Decimal(2),
        alert_threshold=Decimal(8),
        description="Erreurs de délivrance détectées (au comptoir ou signalées par le patient), par semaine.",
        numerator_definition="Erreurs de produit, de dosage, de quantité ou de patient détectées dans la semaine.",
        exclusions="Erreurs de facturation sans conséquence sur la délivrance.",
        owner=marc,
        points=lambda rng, k: (float(_poisson(rng, 4.5 if k < baseline else 1.3)), None),
        count=baseline + after,
        phase=(baseline, "Double contrôle mis en place"),
        annotations=(
            (9, "Congé d'une préparatrice : équipe réduite"),
            (OUTAGE_WEEK, "Panne du logiciel d'officine pendant deux jours"),
            (baseline - 1, "Réunion d'équipe : présentation du double contrôle"),
        ),
        outlier=(OUTAGE_WEEK, 13.0, OUTAGE_REASON),
        today=today,
    )
    _indicator(
        organization,
        DEMO_CHANGE_POINT,
        kind=Kind.COUNT,
        indicator_type=IndicatorType.OUTCOME,
        periodicity=Periodicity.WEEK,
        direction=Direction.DOWN,
        unit="erreurs",
        description="Étiquettes de piluliers ou de préparations corrigées avant la remise au patient, par semaine.",
        owner=marc,
        # No phase yet: the page proposes one where the lower level starts (the 9th week).
        points=lambda rng, k: (float(LABELLING_ERRORS[k]), None),
        count=len(LABELLING_ERRORS),
        today=today,
    )
    _preparations(organization, today)


def _preparations(organization: Organization, today: date) -> None:
    """The second pharmacy plan (PAQ-TIL-02, preparations circuit): a release milestone reached six
    weeks ago, and late sub-contracted preparations falling once their delays are followed."""
    lucas = _owner(organization, "lucas.martin@tilleuls.test")
    weeks_before, weeks_after = 10, 6
    _indicator(
        organization,
        "Fiche de fabrication complète à la libération",
        kind=Kind.YES_NO,
        indicator_type=IndicatorType.STRUCTURE,
        periodicity=Periodicity.WEEK,
        direction=Direction.UP,
        target_value=Decimal(1),
        target_date=today + timedelta(days=30),
        description=(
            "Chaque préparation est libérée par un pharmacien avec une fiche de fabrication remplie à chaque "
            "étape (BPP 2022) : check-list de libération en place."
        ),
        owner=lucas,
        points=lambda rng, k: (1.0 if k >= weeks_before else 0.0, None),
        count=weeks_before + weeks_after,
        phase=(weeks_before, "Check-list de libération"),
        today=today,
    )
    months_before, months_after = 11, 3
    _indicator(
        organization,
        "Préparations sous-traitées livrées en retard par mois",
        kind=Kind.COUNT,
        indicator_type=IndicatorType.OUTCOME,
        periodicity=Periodicity.MONTH,
        direction=Direction.DOWN,
        unit="préparations",
        target_value=Decimal(1),
        target_date=today + timedelta(days=45),
        description="Préparations confiées à un sous-traitant et délivrées après la date annoncée au patient.",
        numerator_definition="Préparations sous-traitées délivrées au-delà de 3 jours ouvrés après la demande.",
        owner=lucas,
        points=lambda rng, k: (float(_poisson(rng, 4.5 if k < months_before else 1.2)), None),
        count=months_before + months_after,
        phase=(months_before, "Décision de sous-traiter et délai tracés"),
        annotations=((months_before - 1, "Tableau de suivi des sous-traitances présenté à l'équipe"),),
        today=today,
    )


def _care_service(organization: Organization, today: date) -> None:
    before, after = 12, 12
    total = before + after
    start = (before, "Démarche qualité (SMQ) engagée")

    def proportion(n: int, p_before: float, p_after: float) -> Callable[[random.Random, int], Point]:
        def point(rng: random.Random, k: int) -> Point:
            size = n + rng.randint(-6, 6)
            return float(_binomial(rng, size, p_before if k < before else p_after)), float(size)

        return point

    common: dict[str, Any] = {"periodicity": Periodicity.MONTH, "count": total, "phase": start, "today": today}
    _indicator(
        organization,
        "Délai d'attente avant la première consultation",
        kind=Kind.MEASUREMENT,
        indicator_type=IndicatorType.PROCESS,
        direction=Direction.DOWN,
        unit="jours",
        target_value=Decimal(21),
        description="Délai médian entre la demande et la première consultation, en jours.",
        owner=_owner(organization, "julien.faure@coteaux.test"),
        points=lambda rng, k: (rng.gauss(34, 3) if k < before else rng.gauss(17, 2.5), None),
        **common,
    )
    _indicator(
        organization,
        "Patients adressés par leur médecin traitant",
        kind=Kind.PROPORTION,
        indicator_type=IndicatorType.PROCESS,
        direction=Direction.UP,
        target_value=Decimal(60),
        description="Objectif : +20 % de patients adressés par leur médecin traitant (de 50 % à 60 %).",
        numerator_definition="Nouveaux patients adressés par leur médecin traitant.",
        denominator_definition="Nouveaux patients du mois.",
        owner=_owner(organization, "claire.moreau@coteaux.test"),
        points=proportion(60, 0.50, 0.66),
        **common,
    )
    _indicator(
        organization,
        "Patients dont les attentes sont recueillies et tracées",
        kind=Kind.PROPORTION,
        indicator_type=IndicatorType.PROCESS,
        direction=Direction.UP,
        target_value=Decimal(90),
        numerator_definition="Dossiers de nouveaux patients où les attentes sont tracées.",
        denominator_definition="Nouveaux patients du mois.",
        owner=_owner(organization, "emma.blanc@coteaux.test"),
        points=proportion(55, 0.42, 0.95),
        **common,
    )
    _indicator(
        organization,
        "Rendez-vous non honorés",
        kind=Kind.PROPORTION,
        indicator_type=IndicatorType.PROCESS,
        direction=Direction.DOWN,
        target_value=Decimal(5),
        alert_threshold=Decimal(15),
        description="Objectif non atteint : la baisse reste en deçà de la cible de 5 %.",
        numerator_definition="Rendez-vous non honorés sans prévenir.",
        denominator_definition="Rendez-vous programmés du mois.",
        owner=_owner(organization, "emma.blanc@coteaux.test"),
        points=proportion(320, 0.105, 0.085),
        **common,
    )
    _indicator(
        organization,
        "Présence d'un psychologue aux synthèses",
        kind=Kind.PROPORTION,
        indicator_type=IndicatorType.PROCESS,
        direction=Direction.UP,
        target_value=Decimal(80),
        numerator_definition="Synthèses pluridisciplinaires avec un psychologue présent.",
        denominator_definition="Synthèses tenues dans le mois.",
        owner=_owner(organization, "nadia.haddad@coteaux.test"),
        points=proportion(16, 0.45, 0.92),
        **common,
    )


def _cpts(organization: Organization, today: date) -> None:
    _indicator(
        organization,
        "Délai de réponse aux demandes de soins non programmés",
        kind=Kind.MEASUREMENT,
        indicator_type=IndicatorType.PROCESS,
        periodicity=Periodicity.MONTH,
        direction=Direction.DOWN,
        unit="jours",
        target_value=Decimal(2),
        owner=_owner(organization, "isabelle.caron@lauragais.test"),
        points=lambda rng, k: (max(0.5, rng.gauss(2.6, 0.6)), None),
        count=15,
        freeze=12,
        today=today,
    )
    cell = _indicator(
        organization,
        "Membres de la cellule qualité",
        kind=Kind.COUNT,
        indicator_type=IndicatorType.STRUCTURE,
        periodicity=Periodicity.QUARTER,
        direction=Direction.UP,
        unit="membres",
        data_source=MEMBERS_SOURCE,
        owner=_owner(organization, "isabelle.caron@lauragais.test"),
        points=None,
        count=0,
        today=today,
    )
    if not cell.measurements.exists():
        recompute_from_source(cell, today=today, first=shift_period(period_start_of(today, "quarter"), "quarter", -4))


# Which demo indicator measures which objective of the plans demo: (plan code, objective, indicator).
DOUBLE_CHECK = "Mettre en place un double contrôle quotidien des dispensations"
OBJECTIVE_LINKS = (
    ("PAQ-TIL-01", DOUBLE_CHECK, "Double contrôle des ordonnances en place"),
    ("PAQ-TIL-01", DOUBLE_CHECK, "Erreurs de dispensation par semaine"),
    (
        "PAQ-TIL-02",
        "Libérer chaque préparation avec un dossier de lot complet",
        "Fiche de fabrication complète à la libération",
    ),
    (
        "PAQ-TIL-02",
        "Tracer la décision de sous-traiter et son délai",
        "Préparations sous-traitées livrées en retard par mois",
    ),
    ("QSE-2026", "Réduire les délais d'attente", "Délai d'attente avant la première consultation"),
    (
        "QSE-2026",
        "Accroître de 20 % la part de patients adressés par leur médecin traitant",
        "Patients adressés par leur médecin traitant",
    ),
    (
        "QSE-2026",
        "Recueillir et tracer les attentes de tous les patients",
        "Patients dont les attentes sont recueillies et tracées",
    ),
    (
        "QSE-2026",
        "Accroître la présence des psychologues dans les synthèses",
        "Présence d'un psychologue aux synthèses",
    ),
    ("QSE-2026", "Réduire le pourcentage de rendez-vous non honorés", "Rendez-vous non honorés"),
)


def _link_objectives(organizations: dict[str, Organization]) -> None:
    """Tie the demo indicators to the objectives they measure (the plans demo runs first)."""
    for organization in organizations.values():
        for code, statement, name in OBJECTIVE_LINKS:
            objective = Objective.objects.for_org(organization).filter(plan__code=code, statement=statement).first()
            indicator = Indicator.objects.for_org(organization).filter(name=name).first()
            if objective is not None and indicator is not None:
                indicator.objectives.add(objective)


# The pharmacy's monthly follow-up of subcontracted preparations comes from its own spreadsheet,
# "Mois;Retards;Remarque": its columns were mapped once and are remembered for the next file.
REMEMBERED_IMPORT = (
    "Préparations sous-traitées livrées en retard par mois",
    {"period": "Mois", "value": "Retards", "note": "Remarque"},
)


def _remembered_import(organization: Organization) -> None:
    name, columns = REMEMBERED_IMPORT
    indicator = Indicator.objects.for_org(organization).filter(name=name).first()
    if indicator is not None:
        ImportMapping.objects.get_or_create(
            indicator=indicator, defaults={"organization": organization, "columns": columns}
        )


@register_demo
def build_indicators(organizations: dict[str, Organization]) -> None:
    today = timezone.localdate()
    _pharmacy(organizations["pharmacie-des-tilleuls"], today)
    _care_service(organizations["service-des-coteaux"], today)
    _cpts(organizations["cpts-lauragais-sud"], today)
    _link_objectives(organizations)
    _remembered_import(organizations["pharmacie-des-tilleuls"])


SCALE_INDICATORS = 50
SCALE_WEEKS = 260


@register_scale
def build_indicator_volumes(organization: Organization, factor: int) -> None:
    """``50 x factor`` weekly count indicators with 260 values each (bulk inserts, no history)."""
    today = timezone.localdate()
    existing = Indicator.objects.for_org(organization).filter(name__startswith="Indicateur synthétique").count()
    wanted = SCALE_INDICATORS * factor
    new = Indicator.objects.bulk_create(
        [
            Indicator(
                organization=organization,
                name=f"Indicateur synthétique {i:05d}",
                kind=Kind.COUNT,
                periodicity=Periodicity.WEEK,
                direction=Direction.DOWN if i % 2 else Direction.UP,
                target_value=Decimal(5),
            )
            for i in range(existing, wanted)
        ]
    )
    periods = _periods(Periodicity.WEEK, SCALE_WEEKS, today)
    rng = random.Random(factor)  # noqa: S311 — synthetic volumes
    for indicator in new:
        level = rng.uniform(2, 8)
        Measurement.objects.bulk_create(
            [
                Measurement(
                    organization=organization,
                    indicator=indicator,
                    period_start=period,
                    value=Decimal(_poisson(rng, level if k < 200 else level * 0.7)),
                )
                for k, period in enumerate(periods)
            ],
            batch_size=2000,
        )
        refresh_status(indicator, today=today)
