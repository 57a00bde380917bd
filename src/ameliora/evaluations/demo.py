"""Demo practice evaluations: the pharmacy's audit of 30 prescriptions on the double check, done twice and showing
improvement, with the action decided in between, and its peer review of advice given with antibiotics; the care
service's case review (RMM) of a fall, with the action it decided, and its patient tracer of a day-hospital stay."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from ameliora.core.demo import register_demo, register_scale
from ameliora.core.models import Membership, Organization
from ameliora.evaluations import services
from ameliora.evaluations.models import AuditCase, CaseAnswer, Evaluation

PHARMACY = "pharmacie-des-tilleuls"
COTEAUX = "service-des-coteaux"
AUDIT_TITLE = "Double contrôle des ordonnances"

CRITERIA = (
    "L'ordonnance est relue par un second membre de l'équipe avant la délivrance",
    "Les alertes d'interaction du logiciel sont lues et leur suite est tracée",
    "La posologie est écrite sur chaque boîte délivrée",
    "Le dossier pharmaceutique est consulté quand le patient l'accepte",
    "Les médicaments à marge thérapeutique étroite font l'objet d'un contrôle renforcé",
)
# Chance of "yes" per criterion, first round then second (the last criterion is often not applicable).
COMPLIANCE = ((0.55, 0.93), (0.70, 0.90), (0.60, 0.87), (0.80, 0.90), (0.75, 0.95))


def _member(organization: Organization, email: str) -> Membership:
    return Membership.objects.select_related("user").get(organization=organization, user__email=email)


def _collect(evaluation: Evaluation, observer: Membership, first_day: date, round_index: int, seed: int) -> None:
    chance = random.Random(seed)  # noqa: S311 — demo data, not security
    criteria = list(evaluation.criteria.all())
    for number in range(1, 31):
        case = AuditCase.objects.create(
            organization=evaluation.organization,
            evaluation=evaluation,
            label=f"Ordonnance {number:02d}",
            observed_on=first_day + timedelta(days=number // 3),
            observer=observer,
        )
        answers = []
        for criterion, odds in zip(criteria, COMPLIANCE, strict=True):
            if criterion.position == len(CRITERIA) and chance.random() < 0.6:
                value = CaseAnswer.Value.NOT_APPLICABLE
            else:
                value = CaseAnswer.Value.YES if chance.random() < odds[round_index] else CaseAnswer.Value.NO
            answers.append(CaseAnswer(case=case, criterion=criterion, value=value))
        CaseAnswer.objects.bulk_create(answers)


@transaction.atomic
def _pharmacy(organization: Organization) -> None:
    owner = _member(organization, "marc.lefevre@tilleuls.test")
    observer = _member(organization, "lucas.martin@tilleuls.test")
    today = timezone.localdate()
    first = services.create_evaluation(
        acting=owner,
        method=Evaluation.Method.AUDIT,
        title=AUDIT_TITLE,
        purpose="Vérifier, sur 30 ordonnances consécutives, que le double contrôle de la délivrance est appliqué.",
        owner=owner,
        planned_sample=30,
        period_start=today - timedelta(days=160),
        period_end=today - timedelta(days=140),
        criteria=CRITERIA,
    )
    services.move_evaluation(first, wanted=Evaluation.Status.IN_PROGRESS, acting=owner)
    _collect(first, observer, today - timedelta(days=160), 0, seed=1)
    services.move_evaluation(first, wanted=Evaluation.Status.CLOSED, acting=owner)
    criterion = first.criteria.get(position=1)
    services.open_action(
        first,
        acting=owner,
        title="Visa du second contrôleur sur chaque ordonnance",
        criterion=criterion,
        owner=_member(organization, "sophie.roux@tilleuls.test"),
        due_date=today - timedelta(days=100),
    )
    second = services.start_next_round(first, acting=owner)
    services.update_evaluation(
        second, acting=owner, period_start=today - timedelta(days=30), period_end=today - timedelta(days=10)
    )
    services.move_evaluation(second, wanted=Evaluation.Status.IN_PROGRESS, acting=owner)
    _collect(second, observer, today - timedelta(days=30), 1, seed=2)
    services.move_evaluation(second, wanted=Evaluation.Status.CLOSED, acting=owner)


RMM_TITLE = "RMM : chute nocturne en chambre"
TRACER_TITLE = "Patient traceur : parcours en hôpital de jour"
PEER_TITLE = "Revue par les pairs : conseil à la délivrance d'un antibiotique"


@transaction.atomic
def _case_review(organization: Organization) -> None:
    owner = _member(organization, "claire.moreau@coteaux.test")
    review = services.create_evaluation(
        acting=owner,
        method=Evaluation.Method.CASE_REVIEW,
        title=RMM_TITLE,
        purpose="Revue de morbidité et de mortalité d'une chute sans gravité survenue la nuit.",
        owner=owner,
    )
    services.update_evaluation(
        review,
        acting=owner,
        case_summary="Patiente âgée, hospitalisée en soins de suite, chute en se levant seule la nuit.",
        chronology="22 h : coucher. 2 h 30 : lever pour aller aux toilettes, chute. 2 h 35 : relevée par l'équipe.",
        avoidability=Evaluation.Avoidability.AVOIDABLE,
        avoidability_reason="Le risque de chute était connu ; la sonnette et la veilleuse auraient dû être vérifiées.",
        findings="Éclairage de nuit insuffisant ; sonnette hors de portée.",
        lessons="Vérifier la sonnette et la veilleuse au coucher de chaque patient à risque de chute.",
    )
    services.move_evaluation(review, wanted=Evaluation.Status.IN_PROGRESS, acting=owner)
    services.move_evaluation(review, wanted=Evaluation.Status.CLOSED, acting=owner)
    services.open_action(
        review,
        acting=owner,
        title="Vérification de la sonnette et de la veilleuse au coucher des patients à risque de chute",
        owner=_member(organization, "julien.faure@coteaux.test"),
        due_date=timezone.localdate() + timedelta(days=30),
    )


@transaction.atomic
def _tracer(organization: Organization) -> None:
    owner = _member(organization, "julien.faure@coteaux.test")
    tracer = services.create_evaluation(
        acting=owner,
        method=Evaluation.Method.PATIENT_TRACER,
        title=TRACER_TITLE,
        purpose="Suivre le parcours d'un patient venu pour une journée de rééducation, de l'accueil à la sortie.",
        owner=owner,
        period_start=timezone.localdate() - timedelta(days=20),
    )
    services.update_evaluation(
        tracer,
        acting=owner,
        tracer_steps=[
            {
                "place": "Accueil, 8 h 30",
                "observed": "Identité vérifiée avec la pièce d'identité ; bracelet posé.",
                "gaps": "",
            },
            {
                "place": "Salle de rééducation, 10 h",
                "observed": "Séance conforme au programme ; transmission orale au kinésithérapeute suivant.",
                "gaps": "Transmission non tracée dans le dossier.",
            },
            {
                "place": "Sortie, 16 h",
                "observed": "Rendez-vous suivant remis au patient.",
                "gaps": "Pas de courrier au médecin traitant le jour même.",
            },
        ],
        professionals_met="Secrétaire médicale, kinésithérapeute, infirmière de l'hôpital de jour.",
        strengths="Accueil et identitovigilance solides ; patient bien informé de son programme.",
        weaknesses="Transmissions entre séances et lien avec le médecin traitant.",
    )
    services.move_evaluation(tracer, wanted=Evaluation.Status.IN_PROGRESS, acting=owner)


@transaction.atomic
def _peer_review(organization: Organization) -> None:
    owner = _member(organization, "helene.garnier@tilleuls.test")
    review = services.create_evaluation(
        acting=owner,
        method=Evaluation.Method.PEER_REVIEW,
        title=PEER_TITLE,
        purpose="Comparer entre pairs le conseil donné au comptoir lors de la délivrance d'un antibiotique.",
        owner=owner,
    )
    services.update_evaluation(
        review,
        acting=owner,
        practice_reviewed="Conseil oral à la délivrance d'une amoxicilline chez l'adulte",
        reference_used="Fiche de bon usage des antibiotiques de la HAS ; résumé des caractéristiques du produit.",
        peers_involved="Hélène Garnier, Marc Lefèvre, Anne Dubois (pharmaciens).",
        agreements="Durée du traitement et respect des prises rappelés à chaque délivrance.",
        divergences="Conseil sur les troubles digestifs donné par un seul pharmacien sur trois.",
        changes_agreed="Une fiche conseil commune remise avec chaque antibiotique.",
    )
    services.move_evaluation(review, wanted=Evaluation.Status.IN_PROGRESS, acting=owner)
    services.move_evaluation(review, wanted=Evaluation.Status.CLOSED, acting=owner)


@register_demo
def build_evaluations_demo(organizations: dict[str, Organization]) -> None:
    pharmacy, coteaux = organizations[PHARMACY], organizations[COTEAUX]
    for organization, title, build in (
        (pharmacy, AUDIT_TITLE, _pharmacy),
        (pharmacy, PEER_TITLE, _peer_review),
        (coteaux, RMM_TITLE, _case_review),
        (coteaux, TRACER_TITLE, _tracer),
    ):
        if not Evaluation.objects.for_org(organization).filter(title=title).exists():
            build(organization)


SCALE_TITLE = "Audit à grand volume"


@register_scale
def build_scale_evaluations(organization: Organization, factor: int) -> None:
    """An audit of 10 criteria with 300 x factor cases (the results page must not slow down with them)."""
    owner = Membership.objects.for_org(organization).order_by("pk").first()
    if owner is None or Evaluation.objects.for_org(organization).filter(title=SCALE_TITLE).exists():
        return
    audit = services.create_evaluation(
        acting=owner, title=SCALE_TITLE, criteria=[f"Critère {n}" for n in range(1, 11)], planned_sample=300 * factor
    )
    services.move_evaluation(audit, wanted=Evaluation.Status.IN_PROGRESS, acting=owner)
    criteria = list(audit.criteria.all())
    cases = AuditCase.objects.bulk_create(
        AuditCase(organization=organization, evaluation=audit, label=f"Cas {n:05d}", observer=owner)
        for n in range(300 * factor)
    )
    values = [CaseAnswer.Value.YES] * 8 + [CaseAnswer.Value.NO, CaseAnswer.Value.NOT_APPLICABLE]
    CaseAnswer.objects.bulk_create(
        CaseAnswer(case=case, criterion=criterion, value=values[(case.pk + criterion.pk) % len(values)])
        for case in cases
        for criterion in criteria
    )
