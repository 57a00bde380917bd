"""Demo: the pharmacy intern's reflective portfolio, ready to export as a REX dossier.

Lucas Martin (learner) and Anne Dubois (his internship supervisor) at the Pharmacie des Tilleuls:
the starter competency framework, a first situation (the DQO self-assessment of the first month,
debriefed), then the main situation linking that self-assessment campaign and the two plans of
the plans demo (PAQ-TIL-01, PAQ-TIL-02), with a submitted self-critique, a signed debrief and
competency ratings by both. Idempotent: nothing is made twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from ameliora.assessments.models import Campaign, Criterion
from ameliora.core.demo import register_demo, register_scale
from ameliora.core.models import Membership, Organization
from ameliora.learning import services
from ameliora.learning.models import (
    Competency,
    CompetencyRating,
    Debrief,
    LearningSituation,
    SelfCritique,
    TrainingNeed,
)
from ameliora.plans.models import ActionPlan

PHARMACY = "pharmacie-des-tilleuls"
LUCAS = "lucas.martin@tilleuls.test"
ANNE = "anne.dubois@tilleuls.test"
CAMPAIGN = "Auto-évaluation DQO — premier mois de stage"
PLAN_CODES = ("PAQ-TIL-01", "PAQ-TIL-02")
FIRST_TITLE = "Premier mois : conduire l’auto-évaluation DQO de l’officine"
WEAK_CRITERION = "PD-07"
MAIN_TITLE = "Retour d’expérience : deux plans d’action d’amélioration à l’officine"

FIRST_CRITIQUE = {
    "knew": "Le principe d’un référentiel qualité, vu en cours ; l’organisation générale d’une officine.",
    "needed_to_know": "Comment coter honnêtement un critère « en partie » et quelles preuves chercher pour chacun.",
    "went_well": "J’ai fait parler toute l’équipe sur ses pratiques : chacun a apporté des exemples concrets.",
    "was_harder": "Rester neutre sur des pratiques installées depuis longtemps ; je n’osais pas coter « non ».",
    "to_improve": "Savoir-être : oser nommer un écart sans froisser. Je m’appuierai sur les faits (registres).",
    "progress": "Je sais maintenant transformer une faiblesse du référentiel en objectif de plan d’action.",
}
MAIN_CRITIQUE = {
    "knew": (
        "Les étapes d’un plan d’action (objectif, indicateurs, outils, communication, bilan) et les règles de "
        "dispensation. Je connaissais mal le circuit des préparations et la sous-traitance."
    ),
    "needed_to_know": (
        "Comment choisir un indicateur que l’équipe peut relever sans effort, et comment organiser la "
        "sous-traitance d’une préparation (contrat, délais, information du patient)."
    ),
    "went_well": (
        "Le double contrôle des dispensations est en place depuis deux mois : les erreurs sont passées "
        "d’environ 4 à 1 par semaine. Le cahier des promis est utilisé par toute l’équipe."
    ),
    "was_harder": (
        "Faire adhérer deux collègues au double contrôle aux heures de pointe : j’avais sous-estimé la charge. "
        "Le dossier de lot des préparations est resté incomplet plus longtemps que prévu."
    ),
    "to_improve": (
        "Savoirs : la réglementation des préparations. Savoir-faire : animer une réunion courte et suivre un "
        "indicateur chaque semaine. Savoir-être : demander de l’aide plus tôt. Moyens : relire les bonnes "
        "pratiques de préparation, préparer chaque réunion avec un support d’une page, point hebdomadaire "
        "avec ma maîtresse de stage."
    ),
    "progress": (
        "Je conduis un plan d’action de bout en bout et j’appuie mes conclusions sur des chiffres avant/après. "
        "J’ose davantage présenter un changement à l’équipe."
    ),
}
FIRST_DEBRIEF = (
    "Auto-évaluation sérieuse et bien documentée. Lucas a tendance à sous-coter par prudence : les preuves "
    "existaient pour deux critères cotés « non ».",
    "Choisir deux circuits prioritaires pour les plans d’action ; s’appuyer sur les registres existants.",
    "Point hebdomadaire de 20 minutes le lundi ; lecture du guide pratique DQO.",
)
MAIN_DEBRIEF = (
    "Très bon travail sur le circuit des produits de santé : résultats mesurés, outils adoptés par l’équipe. "
    "Autocritique juste sur l’adhésion : il faut associer l’équipe dès la conception, pas seulement à la "
    "présentation. Le plan sur les préparations a bien avancé mais le dossier de lot reste à stabiliser.",
    "Tenir le dossier de lot complet sur 10 préparations consécutives ; présenter seul le bilan à la prochaine "
    "réunion d’équipe ; analyser une erreur de dispensation avec la méthode des 5 pourquoi.",
    "Binôme avec Karim au préparatoire deux demi-journées par semaine ; relecture croisée du support de réunion ; "
    "fiche méthode d’analyse des causes fournie par Marc.",
)
# (competency code, self level, supervisor level) for the first situation, then the main one.
FIRST_RATINGS = (("QUA-1", 2, 3), ("POS-1", 2, 2), ("COM-1", 1, 2))
MAIN_RATINGS = (
    ("QUA-1", 3, 3),
    ("QUA-2", 3, 3),
    ("QUA-3", 3, 4),
    ("QUA-4", 3, 3),
    ("CIR-1", 4, 3),
    ("CIR-2", 3, 3),
    ("CIR-3", 2, 2),
    ("COM-1", 2, 3),
    ("POS-1", 3, 3),
)


def _member(organization: Organization, email: str) -> Membership | None:
    return (
        Membership.objects.select_related("user", "organization")
        .filter(organization=organization, user__email=email)
        .first()
    )


def _rate(
    situation: LearningSituation,
    ratings: tuple[tuple[str, int, int], ...],
    *,
    learner: Membership,
    supervisor: Membership,
    day: date,
) -> None:
    ids = dict(Competency.objects.for_org(situation.organization).values_list("code", "pk"))
    services.rate_competencies(
        situation,
        acting=learner,
        rater=CompetencyRating.Rater.SELF,
        levels={ids[code]: own for code, own, _theirs in ratings if code in ids},
        rated_on=day - timedelta(days=3),
    )
    services.rate_competencies(
        situation,
        acting=supervisor,
        rater=CompetencyRating.Rater.SUPERVISOR,
        levels={ids[code]: theirs for code, _own, theirs in ratings if code in ids},
        rated_on=day,
    )


def _complete(
    situation: LearningSituation,
    *,
    learner: Membership,
    supervisor: Membership,
    critique: dict[str, str],
    debrief: tuple[str, str, str],
    ratings: tuple[tuple[str, int, int], ...],
    day: date,
) -> None:
    # A first, shorter draft, so that the history shows how the self-critique grew.
    services.save_self_critique(situation, acting=learner, answers={"knew": critique["knew"]})
    services.save_self_critique(situation, acting=learner, answers=critique, submit=True)
    _rate(situation, ratings, learner=learner, supervisor=supervisor, day=day)
    view, goals, means = debrief
    services.save_debrief(
        situation, acting=supervisor, supervisor_view=view, agreed_goals=goals, means=means, debrief_date=day
    )
    services.sign_debrief(situation, acting=supervisor)
    services.sign_debrief(situation, acting=learner)


@transaction.atomic
def build_pharmacy(organization: Organization) -> None:
    lucas, anne = _member(organization, LUCAS), _member(organization, ANNE)
    if lucas is None or anne is None:
        return
    services.install_framework(organization=organization, acting=None)
    existing = set(
        LearningSituation.objects.for_org(organization).filter(learner=lucas).values_list("title", flat=True)
    )
    today = timezone.localdate()
    campaign = Campaign.objects.for_org(organization).filter(name=CAMPAIGN).first()
    if FIRST_TITLE not in existing:
        first = services.create_situation(
            acting=anne,
            learner=lucas,
            supervisor=anne,
            title=FIRST_TITLE,
            context="Découvrir la démarche qualité de l’officine et en dresser l’état des lieux avec l’équipe.",
            period_start=today - timedelta(days=100),
            period_end=today - timedelta(days=60),
            campaign=campaign,
        )
        _complete(
            first,
            learner=lucas,
            supervisor=anne,
            critique=FIRST_CRITIQUE,
            debrief=FIRST_DEBRIEF,
            ratings=FIRST_RATINGS,
            day=today - timedelta(days=60),
        )
    if MAIN_TITLE not in existing:
        plans = ActionPlan.objects.for_org(organization).filter(code__in=PLAN_CODES)
        main = services.create_situation(
            acting=anne,
            learner=lucas,
            supervisor=anne,
            title=MAIN_TITLE,
            context=(
                "Participation active à la démarche qualité de l’officine : à partir de l’auto-évaluation DQO, "
                "concevoir et conduire deux plans d’action d’amélioration (circuit des produits de santé, "
                "circuit des préparations), puis prendre du recul avec la maîtresse de stage."
            ),
            period_start=today - timedelta(days=100),
            period_end=today + timedelta(days=45),
            campaign=campaign,
            plans=plans,
        )
        _complete(
            main,
            learner=lucas,
            supervisor=anne,
            critique=MAIN_CRITIQUE,
            debrief=MAIN_DEBRIEF,
            ratings=MAIN_RATINGS,
            day=today - timedelta(days=2),
        )


@register_demo
def build_demo_learning(organizations: dict[str, Organization]) -> None:
    if PHARMACY in organizations:
        build_pharmacy(organizations[PHARMACY])


SCALE_TITLE = "Situation d’apprentissage à grand volume"


@register_scale
def build_scale_learning(organization: Organization, factor: int) -> None:
    """``factor`` times 200 situations (bulk-created, drafts) for the list benchmark."""
    members = list(Membership.objects.for_org(organization).order_by("pk")[:2])
    if not members:
        return
    learner, supervisor = members[0], (members[1] if len(members) > 1 else None)
    wanted = 200 * factor
    have = LearningSituation.objects.for_org(organization).filter(title__startswith=SCALE_TITLE).count()
    made = LearningSituation.objects.bulk_create(
        LearningSituation(
            organization=organization, learner=learner, supervisor=supervisor, title=f"{SCALE_TITLE} n°{n}"
        )
        for n in range(have, wanted)
    )
    ids = list(
        LearningSituation.objects.for_org(organization)
        .filter(title__startswith=SCALE_TITLE, self_critique__isnull=True)
        .values_list("pk", flat=True)
    )
    if made or ids:
        SelfCritique.objects.bulk_create(SelfCritique(organization=organization, situation_id=pk) for pk in ids)
        Debrief.objects.bulk_create(Debrief(organization=organization, situation_id=pk) for pk in ids)


TRAINING_NEEDS: tuple[tuple[str, str, str, str, str, str, int | None], ...] = (
    # (organization, member, need, origin, training, provider, days from today: planned (>0) or done (<0))
    (
        "pharmacie-des-tilleuls",
        "lucas.martin@tilleuls.test",
        "Contrôle des pesées et de l'étiquetage des préparations",
        TrainingNeed.Origin.DEBRIEF,
        "Atelier préparations magistrales",
        "Faculté de pharmacie — formation continue",
        45,
    ),
    (
        "pharmacie-des-tilleuls",
        "lucas.martin@tilleuls.test",
        "Conduire un entretien pharmaceutique AVK",
        TrainingNeed.Origin.ASSESSMENT,
        "",
        "",
        None,
    ),
    (
        "pharmacie-des-tilleuls",
        "sophie.roux@tilleuls.test",
        "Déclarer et analyser un événement indésirable",
        TrainingNeed.Origin.EVENT,
        "Initiation à la méthode ALARM",
        "Structure régionale d'appui",
        -60,
    ),
    (
        "service-des-coteaux",
        "nadia.haddad@coteaux.test",
        "Animer une revue de morbidité et de mortalité",
        TrainingNeed.Origin.EVALUATION,
        "Animer une RMM",
        "Structure régionale d'appui",
        -20,
    ),
)


def _training_source(organization: Organization, member: Membership, origin: str) -> models.Model | None:
    """In the pharmacy, the need from the self-assessment points at its weak criterion (PD-07, answered
    “partly”: pharmaceutical interviews), the need from an event at the first event the member reported."""
    if origin == TrainingNeed.Origin.ASSESSMENT:
        campaign = Campaign.objects.for_org(organization).filter(name=CAMPAIGN).select_related("grid").first()
        if campaign is None:
            return None
        return Criterion.objects.for_org(organization).filter(grid=campaign.grid, code=WEAK_CRITERION).first()
    if origin == TrainingNeed.Origin.EVENT:
        # Through the content type: learning does not import events.
        event_model = ContentType.objects.get_by_natural_key("events", "event").model_class()
        if event_model is None:
            return None
        return event_model._default_manager.filter(organization=organization, reported_by=member).order_by("pk").first()
    return None


@register_demo
def build_demo_training(organizations: dict[str, Organization]) -> None:
    """The competence development plan: needs from a debrief, a self-assessment, an event and an RMM."""
    today = timezone.localdate()
    for slug, email, need, origin, training, provider, days in TRAINING_NEEDS:
        organization = organizations[slug]
        member = _member(organization, email)
        if member is None or TrainingNeed.objects.for_org(organization).filter(member=member, need=need).exists():
            continue
        situation = None
        if origin == TrainingNeed.Origin.DEBRIEF:
            situation = LearningSituation.objects.for_org(organization).filter(learner=member, title=MAIN_TITLE).first()
        source = _training_source(organization, member, origin) if slug == PHARMACY else None
        row = services.add_training_need(
            acting=member, member=member, need=need, origin=origin, situation=situation, source=source
        )
        if training and days is not None:
            status = TrainingNeed.Status.PLANNED
            services.update_training_need(
                row,
                acting=member,
                training=training,
                provider=provider,
                planned_on=today + timedelta(days=days),
                status=status,
            )
            if days < 0:
                services.update_training_need(
                    row, acting=member, status=TrainingNeed.Status.DONE, done_on=today + timedelta(days=days)
                )
