"""Demo surveys: the care service's patients and referring doctors over two years, the CPTS cell.

* Service des Coteaux: the patient satisfaction questionnaire, four half-yearly campaigns (the
  last one open) in which the share of patients referred by their GP rises from about 50 % to
  about 60 % (the +20 % objective of the indicators demo), and the referring doctors'
  questionnaire once a year.
* CPTS Lauragais Sud: the professionals' satisfaction with the quality cell (reactivity,
  usefulness), a closed campaign of the previous year and an open one.

Answers are drawn from a seeded random generator (the same at every run) and written in bulk.
Idempotent: a questionnaire copied from a template is made once per organization.
:func:`build_scale` adds one large campaign (2,000 x factor responses) for the benchmarks.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ameliora.core.demo import register_demo, register_scale
from ameliora.core.models import Membership, Organization
from ameliora.indicators.models import Direction, Indicator, IndicatorType, Kind
from ameliora.indicators.periods import Periodicity
from ameliora.indicators.services import recompute_from_source
from ameliora.surveys import services
from ameliora.surveys.models import Answer, Campaign, Question, Questionnaire, Response

SCALE_NAME = "Enquête de satisfaction (volume)"
GP_CHOICE = "Mon médecin traitant"

# Free texts written for the demo; none names anyone.
PATIENT_TEXTS = (
    "Équipe très à l’écoute, merci pour votre patience.",
    "L’attente au secrétariat était longue le lundi matin.",
    "Les explications du kinésithérapeute m’ont beaucoup aidé.",
    "Il faudrait plus de places de parking.",
    "Le livret d’accueil est clair.",
    "J’aurais aimé savoir plus tôt la date de ma sortie.",
)
DOCTOR_TEXTS = (
    "Recevoir le compte rendu le jour de la sortie.",
    "Un numéro direct pour les médecins serait utile.",
    "Très bonne coordination pour mes patients âgés.",
)
CELL_TEXTS = (
    "Réponse rapide et concrète, merci.",
    "J’aurais aimé un retour écrit après l’appel.",
    "Continuer les réunions de retour d’expérience entre ville et établissements.",
)


def _member(organization: Organization, email: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(organization=organization, user__email=email)


def _questionnaire(acting: Membership, key: str) -> Questionnaire | None:
    """The template copied and published once; ``None`` when the demo already made it."""
    if Questionnaire.objects.for_org(acting.organization).filter(template_key=key).exists():
        return None
    questionnaire = services.copy_template(acting=acting, key=key)
    services.publish_questionnaire(questionnaire, acting=acting)
    return questionnaire


def _likert(rng: random.Random, quality: float) -> int:
    """An agreement answer that leans to "agree" as ``quality`` (0-1) grows."""
    return max(1, min(5, round(rng.gauss(2.6 + 2.2 * quality, 0.9))))


def _value(  # noqa: PLR0911 - one answer per question kind
    rng: random.Random, question: Question, quality: float, texts: tuple[str, ...], gp_share: float
) -> object:
    kind = question.kind
    if kind == Question.Kind.LIKERT:
        return _likert(rng, quality)
    if kind == Question.Kind.NPS:
        return max(0, min(10, round(rng.gauss(5.5 + 4 * quality, 1.8))))
    if kind == Question.Kind.NUMBER:
        return rng.randint(question.min_value or 0, min(question.max_value or 40, 40))
    if kind == Question.Kind.YES_NO:
        # "Did you meet a difficulty?" gets fewer yes as quality grows; other yes/no questions more.
        good = rng.random() < 0.3 + 0.5 * quality
        return ("no" if good else "yes") if "difficulté" in question.text else ("yes" if good else "no")
    if kind == Question.Kind.SINGLE:
        labels = [choice.label for choice in question.choices.all()]
        if GP_CHOICE in labels:
            return GP_CHOICE if rng.random() < gp_share else rng.choice([x for x in labels if x != GP_CHOICE])
        return rng.choice(labels)
    if kind == Question.Kind.MULTIPLE:
        labels = [choice.label for choice in question.choices.all()]
        return rng.sample(labels, rng.randint(1, min(2, len(labels))))
    return rng.choice(texts) if rng.random() < 0.35 else ""


def _fill(
    campaign: Campaign,
    *,
    count: int,
    quality: float,
    texts: tuple[str, ...],
    gp_share: float = 0.5,
    seed: int,
    paper_every: int = 0,
    entered_by: Membership | None = None,
) -> None:
    """``count`` responses spread over the campaign's period (up to today), written in bulk."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    questions = list(campaign.questionnaire.questions.prefetch_related("choices").order_by("position"))
    by_pk = {q.pk: q for q in questions}
    choices = {(q.pk, c.label): c for q in questions for c in q.choices.all()}
    end = min(campaign.period_end, timezone.localdate())
    days = max((end - campaign.period_start).days, 0)
    organization = campaign.organization
    responses = [
        Response(
            organization=organization,
            campaign=campaign,
            submitted_at=timezone.make_aware(
                datetime.combine(campaign.period_start + timedelta(days=rng.randint(0, days)), time(9 + i % 9, i % 60))
            ),
            mode=Response.Mode.PAPER if paper_every and i % paper_every == 0 else Response.Mode.PUBLIC,
            entered_by=entered_by if paper_every and i % paper_every == 0 else None,
        )
        for i in range(count)
    ]
    Response.objects.bulk_create(responses, batch_size=1000)
    answers: list[Answer] = []
    for response in responses:
        given: dict[int, set[str]] = {}
        for question in questions:
            condition = question.condition_question_id
            if condition is not None and question.condition_value not in given.get(condition, set()):
                continue
            if not question.required and rng.random() < 0.08:
                continue
            value = _value(rng, by_pk[question.pk], quality, texts, gp_share)
            if value in ("", []):
                continue
            base = {"organization": organization, "response": response, "question": question}
            if isinstance(value, list):
                answers.extend(Answer(**base, choice=choices[(question.pk, label)]) for label in value)
                given[question.pk] = set(value)
            elif question.has_choices:
                answers.append(Answer(**base, choice=choices[(question.pk, str(value))]))
                given[question.pk] = {str(value)}
            elif isinstance(value, int):
                answers.append(Answer(**base, number=Decimal(value)))
                given[question.pk] = {str(value)}
            else:
                answers.append(Answer(**base, text=str(value)))
                given[question.pk] = {str(value)}
    Answer.objects.bulk_create(answers, batch_size=2000)


def _campaign(
    questionnaire: Questionnaire,
    acting: Membership,
    *,
    name: str,
    start: date,
    end: date,
    audience: str,
    audience_size: int | None,
) -> Campaign:
    campaign = services.create_campaign(
        questionnaire,
        acting=acting,
        name=name,
        period_start=start,
        period_end=end,
        audience=audience,
        audience_size=audience_size,
    )
    services.transition_campaign(campaign, acting=acting, action="open")
    campaign.refresh_from_db()
    return campaign


def _close(campaign: Campaign, acting: Membership) -> None:
    services.transition_campaign(campaign, acting=acting, action="close")


def _half_years(today: date) -> list[tuple[str, date, date]]:
    """The four half-years ending with the current one: (name, first day, last day)."""
    periods = []
    year, half = today.year, 1 if today.month <= 6 else 2
    for _step in range(4):
        start = date(year, 1 if half == 1 else 7, 1)
        end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
        label = f"{'1er' if half == 1 else '2e'} semestre {year}"
        periods.append((label, start, end))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return list(reversed(periods))


@transaction.atomic
def build_coteaux(organization: Organization) -> None:
    manager = _member(organization, "claire.moreau@coteaux.test")
    secretary = _member(organization, "emma.blanc@coteaux.test")
    today = timezone.localdate()
    patients = _questionnaire(manager, "patient-satisfaction")
    if patients is not None:
        for index, (label, start, end) in enumerate(_half_years(today)):
            last = index == 3
            campaign = _campaign(
                patients,
                manager,
                name=f"Patients — {label}",
                start=start,
                end=end,
                audience="Patients vus en consultation et en hôpital de jour",
                audience_size=260,
            )
            _fill(
                campaign,
                count=(70 if last else 110) + 8 * index,
                quality=0.55 + 0.07 * index,
                texts=PATIENT_TEXTS,
                gp_share=0.50 + 0.035 * index,
                seed=100 + index,
                paper_every=4,
                entered_by=secretary,
            )
            if not last:
                _close(campaign, manager)
    doctors = _questionnaire(manager, "referring-doctor-satisfaction")
    if doctors is not None:
        for index, year in enumerate((today.year - 1, today.year)):
            campaign = _campaign(
                doctors,
                manager,
                name=f"Médecins adresseurs — {year}",
                start=date(year, 9, 1),
                end=date(year, 10, 31),
                audience="Médecins ayant adressé au moins un patient dans l’année",
                audience_size=85,
            )
            _fill(campaign, count=31 + 9 * index, quality=0.5 + 0.15 * index, texts=DOCTOR_TEXTS, seed=200 + index)
            _close(campaign, manager)
    if patients is not None:
        _satisfaction_indicator(organization, manager, first=_half_years(today)[0][1], questionnaire=patients)


def _satisfaction_indicator(
    organization: Organization, owner: Membership, *, first: date, questionnaire: Questionnaire
) -> None:
    """A quarterly indicator fed by ``surveys.satisfaction_rate``, narrowed to the patients' questionnaire."""
    indicator, created = Indicator.objects.get_or_create(
        organization=organization,
        name="Taux de satisfaction (enquêtes)",
        defaults={
            "kind": Kind.PROPORTION,
            "indicator_type": IndicatorType.OUTCOME,
            "periodicity": Periodicity.QUARTER,
            "direction": Direction.UP,
            "target_value": Decimal(75),
            "unit": "%",
            "data_source": "surveys.satisfaction_rate",
            "source_parameter": str(questionnaire.pk),
            "description": "Réponses « plutôt » ou « tout à fait d’accord » parmi toutes les réponses aux "
            "questions d’accord du questionnaire de satisfaction des patients, calculé chaque trimestre.",
            "owner": owner,
        },
    )
    if created:
        recompute_from_source(indicator, first=first)


@transaction.atomic
def build_cpts(organization: Organization) -> None:
    pilot = _member(organization, "isabelle.caron@lauragais.test")
    today = timezone.localdate()
    cell = _questionnaire(pilot, "professional-quality-cell")
    if cell is None:
        return
    previous = _campaign(
        cell,
        pilot,
        name=f"Cellule qualité — {today.year - 1}",
        start=date(today.year - 1, 1, 1),
        end=date(today.year - 1, 12, 31),
        audience="Professionnels ayant sollicité la cellule qualité",
        audience_size=40,
    )
    _fill(previous, count=22, quality=0.55, texts=CELL_TEXTS, seed=300)
    _close(previous, pilot)
    current = _campaign(
        cell,
        pilot,
        name=f"Cellule qualité — {today.year}",
        start=date(today.year, 1, 1),
        end=date(today.year, 12, 31),
        audience="Professionnels ayant sollicité la cellule qualité",
        audience_size=48,
    )
    _fill(current, count=27, quality=0.75, texts=CELL_TEXTS, seed=301)


@register_demo
def build_demo(organizations: dict[str, Organization]) -> None:
    if "service-des-coteaux" in organizations:
        build_coteaux(organizations["service-des-coteaux"])
    if "cpts-lauragais-sud" in organizations:
        build_cpts(organizations["cpts-lauragais-sud"])


@register_scale
def build_scale(organization: Organization, factor: int) -> None:
    """One open campaign of the patient questionnaire with 2,000 x factor responses."""
    acting = Membership.objects.filter(organization=organization).order_by("pk").first()
    if acting is None or Campaign.objects.for_org(organization).filter(name=SCALE_NAME).exists():
        return
    with transaction.atomic():
        questionnaire = services.copy_template(acting=acting, key="patient-satisfaction")
        services.publish_questionnaire(questionnaire, acting=acting)
        today = timezone.localdate()
        campaign = _campaign(
            questionnaire,
            acting,
            name=SCALE_NAME,
            start=today - timedelta(days=365),
            end=today + timedelta(days=30),
            audience="Patients",
            audience_size=None,
        )
        _fill(campaign, count=2000 * factor, quality=0.7, texts=PATIENT_TEXTS, seed=400)
