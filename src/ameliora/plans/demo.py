"""Demo plans: the pharmacy intern's two plans of seed 000 (steps a-g with their proof) and the care
service's QSE plan fed by its quality circle (seed 001). Idempotent: a plan whose code exists is kept.

Dates are relative to today, so that the demo always shows done, ongoing and one late action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ameliora.core import services as core_services
from ameliora.core.demo import register_demo, register_scale
from ameliora.core.models import Membership, Organization
from ameliora.plans import services
from ameliora.plans.models import Action, ActionPlan, Objective

DEMO_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass(frozen=True)
class DemoAction:
    title: str
    owner: str
    start: int  # days from today
    due: int
    status: str = Action.Status.PLANNED
    phase: str = Action.Phase.DO
    objective: int | None = 0  # index in the plan's objectives
    progress: int = 0
    evidence: str = ""  # name of a PDF attached as proof
    participants: tuple[str, ...] = ()
    priority: str = Action.Priority.NORMAL


@dataclass(frozen=True)
class DemoPlan:
    org: str
    code: str
    title: str
    owner: str
    scope_kind: str
    scope_label: str
    start: int
    end: int
    context: str
    objectives: tuple[tuple[str, str, str, int], ...]  # statement, why, target, deadline (days after the end)
    actions: tuple[DemoAction, ...]
    tools: tuple[tuple[str, str, str, str], ...] = ()  # kind, title, description, file name or url
    communications: tuple[tuple[str, int, str, str, tuple[str, ...]], ...] = ()  # kind, day, audience, material, acks
    progress_reviews: tuple[tuple[int, str, str, str], ...] = ()  # day, done, obstacles, indicator values
    final_review: tuple[int, str, str, tuple[str, ...]] | None = None  # day, before/after, lessons, outcomes
    revisions: tuple[tuple[int, str, int | None, str, tuple[str, ...]], ...] = ()
    status: str = ActionPlan.Status.ACTIVE
    target_values: tuple[Decimal | None, ...] = ()  # the objectives' target values, in order
    extra: dict[str, str] = field(default_factory=dict)


H = "helene.garnier@tilleuls.test"
MARC = "marc.lefevre@tilleuls.test"
SOPHIE = "sophie.roux@tilleuls.test"
KARIM = "karim.benali@tilleuls.test"
ANNE = "anne.dubois@tilleuls.test"
LUCAS = "lucas.martin@tilleuls.test"
CLAIRE = "claire.moreau@coteaux.test"
JULIEN = "julien.faure@coteaux.test"
NADIA = "nadia.haddad@coteaux.test"
THOMAS = "thomas.girard@coteaux.test"
EMMA = "emma.blanc@coteaux.test"
S = Action.Status
P = Action.Phase

PLANS: tuple[DemoPlan, ...] = (
    DemoPlan(
        org="pharmacie-des-tilleuls",
        code="PAQ-TIL-01",
        title="Sécuriser le circuit des produits de santé, de la commande aux retours des patients",
        owner=LUCAS,
        scope_kind=ActionPlan.ScopeKind.LEARNING_SITUATION,
        scope_label="Circuit des produits de santé : commande → réception → stockage → dispensation → promis → retours",
        start=-90,
        end=30,
        context=(
            "Auto-évaluation DQO réalisée le premier mois du stage avec la maîtresse de stage : critères "
            "« double contrôle de la dispensation », « suivi des promis » et « traçabilité de la chaîne du froid » "
            "non atteints. Registre des erreurs : 4 erreurs de dispensation par semaine en moyenne sur le mois, "
            "2 promis oubliés signalés par des patients, relevés du réfrigérateur manquants 9 jours sur 30."
        ),
        objectives=(
            (
                "Mettre en place un double contrôle quotidien des dispensations",
                "Les erreurs de dispensation sont la première faiblesse de l'auto-évaluation.",
                "Double contrôle en place (oui/non) ; ≤ 2 erreurs de dispensation par semaine",
                0,
            ),
            (
                "Ne plus oublier aucun promis",
                "Deux patients sont repartis sans leur traitement promis.",
                "0 promis ouvert depuis plus de 72 h",
                20,
            ),
        ),
        actions=(
            DemoAction(
                "Définir le stock minimum des besoins urgents (douleur, diabète, allergie)",
                MARC,
                -85,
                -70,
                S.DONE,
                P.PLAN,
                None,
                evidence="stock-minimum-urgences.pdf",
            ),
            DemoAction(
                "Check-list de réception : alertes sanitaires, casse, quantités, péremptions",
                KARIM,
                -80,
                -60,
                S.DONE,
                P.DO,
                None,
                evidence="checklist-reception.pdf",
            ),
            DemoAction(
                "Relevé quotidien du réfrigérateur +2/+8 °C avec initiales et conduite à tenir",
                SOPHIE,
                -80,
                -55,
                S.DONE,
                P.DO,
                None,
                evidence="releves-frigo-mars.pdf",
            ),
            DemoAction(
                "Procédure de double contrôle des ordonnances à risque",
                LUCAS,
                -75,
                -45,
                S.DONE,
                P.DO,
                0,
                evidence="procedure-double-controle.pdf",
                participants=(H, MARC),
            ),
            DemoAction("Registre des erreurs évitées au comptoir", LUCAS, -45, 10, S.IN_PROGRESS, P.CHECK, 0, 60),
            DemoAction(
                "Cahier des promis partagé, relance du grossiste à 48 h",
                SOPHIE,
                -40,
                -5,
                S.IN_PROGRESS,
                P.DO,
                1,
                50,
                priority=Action.Priority.HIGH,
            ),
            DemoAction(
                "Zone Cyclamed dédiée et affiche pour les retours de médicaments non utilisés",
                KARIM,
                -10,
                2,
                S.PLANNED,
                P.DO,
                None,
            ),
            DemoAction(
                "Mesurer les erreurs de dispensation sur 4 semaines après la mise en place",
                LUCAS,
                0,
                25,
                S.PLANNED,
                P.CHECK,
                0,
            ),
        ),
        tools=(
            (
                "procedure",
                "Procédure « Double contrôle de la dispensation »",
                "Qui contrôle quoi, quand.",
                "PR-DISP-01-double-controle.pdf",
            ),
            ("form", "Cahier des promis", "Nom, produit, date promise, relance, remise.", "cahier-des-promis.pdf"),
            (
                "checklist",
                "Check-list de réception des commandes",
                "Six points à cocher à chaque livraison.",
                "checklist-reception.pdf",
            ),
            (
                "software_setting",
                "Alerte « promis > 48 h » dans le logiciel d'officine",
                "Paramétrage du LGO.",
                "https://www.demarchequaliteofficine.fr/",
            ),
        ),
        communications=(
            (
                "meeting",
                -60,
                "Toute l'équipe",
                "Présentation du plan et de la procédure de double contrôle (15 min).",
                (H, MARC, SOPHIE, KARIM, ANNE),
            ),
            (
                "poster",
                -50,
                "Comptoir et réserve",
                "Affiche « Double contrôle : deux regards, zéro erreur ».",
                (SOPHIE, KARIM, MARC),
            ),
        ),
        progress_reviews=(
            (
                -30,
                "Double contrôle appliqué aux ordonnances à risque ; cahier des promis en place depuis 10 jours.",
                "Le double contrôle est difficile le samedi (une seule personne au comptoir le matin).",
                "Erreurs de dispensation : 4/semaine avant, 2/semaine ce mois-ci. Double contrôle : oui.",
            ),
        ),
        final_review=(
            -5,
            "Erreurs de dispensation : 4 par semaine avant, 1 par semaine sur les 4 dernières semaines. "
            "Promis ouverts > 72 h : 3 avant, 1 encore cette semaine.",
            "Un indicateur simple, relevé chaque semaine, a convaincu l'équipe plus que la procédure elle-même.",
            ("met", "not_met"),
        ),
        revisions=(
            (
                -3,
                "Le samedi matin, le second contrôle est fait par le pharmacien à la remise ; les promis sont "
                "relancés à 24 h.",
                1,
                "0 promis ouvert depuis plus de 48 h",
                ("Former les intérimaires du samedi au double contrôle",),
            ),
        ),
        status=ActionPlan.Status.UNDER_REVIEW,
    ),
    DemoPlan(
        org="pharmacie-des-tilleuls",
        code="PAQ-TIL-02",
        title="Sécuriser le circuit des préparations magistrales, de la demande à la délivrance",
        owner=LUCAS,
        scope_kind=ActionPlan.ScopeKind.LEARNING_SITUATION,
        scope_label=(
            "Circuit des préparations : demande → faisabilité ou sous-traitance → préparation → contrôle → "
            "libération → étiquetage → délivrance"
        ),
        start=-70,
        end=45,
        context=(
            "Auto-évaluation DQO : dossiers de lot incomplets sur 3 des 10 dernières préparations, décision de "
            "sous-traiter non tracée, délai de sous-traitance inconnu. "
            "BPP 2022 applicables depuis le 20 septembre 2023."
        ),
        objectives=(
            (
                "Libérer chaque préparation avec un dossier de lot complet",
                "La libération par un pharmacien suppose un dossier de lot rempli à chaque étape (BPP).",
                "100 % des préparations libérées avec un dossier de lot complet",
                30,
            ),
            (
                "Tracer la décision de sous-traiter et son délai",
                "Les patients attendent sans savoir quand leur préparation arrivera.",
                "≤ 1 préparation sous-traitée livrée en retard par mois (au-delà de 3 jours ouvrés)",
                40,
            ),
        ),
        actions=(
            DemoAction(
                "Grille de faisabilité : préparer sur place ou sous-traiter (liste des préparations à risque)",
                ANNE,
                -65,
                -45,
                S.DONE,
                P.PLAN,
                1,
                evidence="grille-faisabilite.pdf",
            ),
            DemoAction(
                "Modèle de dossier de lot rempli à chaque étape",
                LUCAS,
                -60,
                -35,
                S.DONE,
                P.DO,
                0,
                evidence="modele-dossier-de-lot.pdf",
            ),
            DemoAction(
                "Contrôle et libération par le pharmacien, signature au dossier de lot", H, -35, -10, S.DONE, P.DO, 0
            ),
            DemoAction(
                "Modèle d'étiquette conforme et conseil à la délivrance", KARIM, -30, 5, S.IN_PROGRESS, P.DO, 0, 70
            ),
            DemoAction(
                "Tableau de suivi des sous-traitances (date d'envoi, date de réception)",
                LUCAS,
                -20,
                -8,
                S.IN_PROGRESS,
                P.CHECK,
                1,
                30,
            ),
            DemoAction("Contrat de sous-traitance relu avec la pharmacie préparatrice", H, 5, 30, S.PLANNED, P.PLAN, 1),
        ),
        tools=(
            (
                "form",
                "Dossier de lot (modèle)",
                "Une page par préparation, signée à la libération.",
                "modele-dossier-de-lot.pdf",
            ),
            (
                "checklist",
                "Grille de faisabilité et de sous-traitance",
                "Préparations à risque de l'arrêté de 2014.",
                "grille-faisabilite.pdf",
            ),
        ),
        communications=(
            (
                "huddle",
                -30,
                "Pharmaciens et préparateurs",
                "Point de 10 min au préparatoire : le dossier de lot.",
                (H, MARC, SOPHIE, KARIM),
            ),
        ),
        progress_reviews=(
            (
                -15,
                "Dossier de lot utilisé pour toutes les préparations depuis 3 semaines.",
                "Le délai de la pharmacie préparatrice n'est pas connu à l'avance.",
                "Dossiers de lot complets : 7/10 avant, 12/12 depuis. Sous-traitance : 4 envois, délai médian 5 jours.",
            ),
        ),
        final_review=(
            -2,
            "Dossiers de lot complets : 70 % avant, 100 % après. Délai médian de sous-traitance : 5 jours, "
            "cible de 3 jours non atteinte.",
            "Le délai dépend surtout du jour d'envoi : regrouper les envois en début de semaine.",
            ("met", "not_met"),
        ),
        revisions=(
            (
                -1,
                "Envoyer les demandes de sous-traitance le lundi et le jeudi ; prévenir le patient du délai.",
                None,
                "",
                (
                    "Planifier deux envois hebdomadaires à la pharmacie préparatrice",
                    "Informer le patient du délai prévu au moment de la commande",
                ),
            ),
        ),
        status=ActionPlan.Status.UNDER_REVIEW,
    ),
    DemoPlan(
        org="service-des-coteaux",
        code="QSE-2026",
        title="Plan d'action qualité – sécurité – environnement 2026",
        owner=CLAIRE,
        scope_kind=ActionPlan.ScopeKind.ORGANIZATION,
        scope_label="Tout le service (système de management de la qualité inspiré de l'ISO 9001)",
        start=-120,
        end=240,
        context=(
            "Plan unique alimenté par le cercle EPP (6 réunions de 2 heures par an) à partir des évaluations de "
            "pratiques, des enquêtes de satisfaction des patients et des médecins adresseurs, et de l'analyse des "
            "évènements indésirables. Chacun des 5 professionnels pilote un processus de la cartographie."
        ),
        objectives=(
            # Deadlines (days after the plan's end, 240 days from today): three passed a month or two
            # ago and were met, missed appointments passed and was not, the psychologists' is ahead.
            (
                "Réduire les délais d'attente",
                "Premier motif d'insatisfaction des patients.",
                "Délai médian entre la demande et la première consultation ≤ 21 jours",
                -270,
            ),
            (
                "Accroître de 20 % la part de patients adressés par leur médecin traitant",
                "Le parcours coordonné améliore la prise en charge.",
                "+20 % de patients adressés par le médecin traitant (de 50 % à 60 %)",
                -250,
            ),
            (
                "Recueillir et tracer les attentes de tous les patients",
                "Base du projet de soins personnalisé.",
                "≥ 90 % des dossiers avec les attentes du patient tracées",
                -300,
            ),
            (
                "Accroître la présence des psychologues dans les synthèses",
                "Synthèses pluriprofessionnelles incomplètes.",
                "Psychologue présent à ≥ 80 % des synthèses",
                150,
            ),
            (
                "Réduire le pourcentage de rendez-vous non honorés",
                "Créneaux perdus qui allongent l'attente.",
                "≤ 5 % de rendez-vous non honorés",
                -275,
            ),
        ),
        target_values=(Decimal(21), Decimal(60), Decimal(90), Decimal(80), Decimal(5)),
        actions=(
            DemoAction(
                "Rappel SMS des rendez-vous la veille", EMMA, -100, -60, S.DONE, P.DO, 4, evidence="parametrage-sms.pdf"
            ),
            DemoAction("Créneaux d'urgence réservés chaque semaine", JULIEN, -90, -30, S.DONE, P.DO, 0),
            DemoAction("Fiche « attentes du patient » à l'admission", JULIEN, -60, 20, S.IN_PROGRESS, P.DO, 2, 60),
            DemoAction(
                "Calendrier des synthèses partagé avec les psychologues", NADIA, -45, -7, S.IN_PROGRESS, P.DO, 3, 40
            ),
            DemoAction(
                "Courrier aux médecins traitants du secteur présentant le service", CLAIRE, -30, 30, S.PLANNED, P.DO, 1
            ),
            DemoAction("Mesure trimestrielle des délais d'attente", THOMAS, -10, 80, S.PLANNED, P.CHECK, 0),
        ),
        tools=(
            (
                "form",
                "Fiche « attentes du patient »",
                "Remplie à l'admission, revue en synthèse.",
                "fiche-attentes-patient.pdf",
            ),
        ),
        communications=(
            (
                "meeting",
                -95,
                "Cercle EPP n°1",
                "Présentation du plan QSE et des pilotes de processus.",
                (CLAIRE, JULIEN, NADIA, THOMAS, EMMA),
            ),
        ),
        progress_reviews=(
            (
                -40,
                "Cercle EPP n°3 : rappel SMS en place, créneaux d'urgence ouverts.",
                "Les psychologues ne sont pas disponibles le mardi, jour des synthèses.",
                "RDV non honorés : 12 % avant, 6 % ce trimestre. Délai médian : 24 jours.",
            ),
        ),
    ),
)


def _member(organization: Organization, email: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(organization=organization, user__email=email)


def _day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


def _attach(obj: object, name: str, acting: Membership) -> None:
    upload = SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")
    core_services.add_attachment(obj, upload=upload, acting=acting)  # type: ignore[arg-type]


@transaction.atomic
def build_plan(  # noqa: PLR0912 — one branch per step a-g of the seed, read top to bottom
    organization: Organization, spec: DemoPlan
) -> ActionPlan | None:
    if ActionPlan.objects.for_org(organization).filter(code=spec.code).exists():
        return None
    owner = _member(organization, spec.owner)
    plan = services.create_plan(
        acting=owner,
        code=spec.code,
        title=spec.title,
        scope_kind=spec.scope_kind,
        scope_label=spec.scope_label,
        owner=owner,
        start_date=_day(spec.start),
        end_date=_day(spec.end),
        context=spec.context,
    )
    services.change_plan_status(plan, wanted=ActionPlan.Status.ACTIVE, acting=owner)
    objectives: list[Objective] = [
        services.add_objective(
            plan,
            acting=owner,
            statement=s,
            rationale=why,
            target_description=target,
            target_value=spec.target_values[k] if k < len(spec.target_values) else None,
            deadline=_day(spec.end + d) if d else _day(spec.end),
        )
        for k, (s, why, target, d) in enumerate(spec.objectives)
    ]
    for item in spec.actions:
        actor = _member(organization, item.owner)
        action = services.create_action(
            plan,
            acting=actor,
            title=item.title,
            objective=objectives[item.objective] if item.objective is not None else None,
            owner=actor,
            participants=[_member(organization, p) for p in item.participants],
            start_date=_day(item.start),
            due_date=_day(item.due),
            phase=item.phase,
            priority=item.priority,
        )
        if item.progress:
            services.set_action_progress(action, progress=item.progress, acting=actor)
        if item.status == S.DONE:
            services.move_action(action, wanted=S.DONE, acting=actor)
        elif item.status != action.status:
            services.move_action(action, wanted=item.status, acting=actor)
        if item.evidence:
            _attach(action, item.evidence, actor)
    for kind, title, description, content in spec.tools:
        is_url = content.startswith("http")
        upload = None if is_url else SimpleUploadedFile(content, DEMO_PDF, content_type="application/pdf")
        services.add_tool(
            plan,
            acting=owner,
            kind=kind,
            title=title,
            description=description,
            url=content if is_url else "",
            upload=upload,
        )
    for kind, day, audience, material, acks in spec.communications:
        communication = services.record_communication(
            plan, acting=owner, kind=kind, date=_day(day), audience=audience, material=material
        )
        for index, email in enumerate(acks):
            moment = timezone.now() + timedelta(days=day, hours=index)
            services.acknowledge(communication, member=_member(organization, email), when=moment)
    for day, done, obstacles, values in spec.progress_reviews:
        services.add_progress_review(
            plan, acting=owner, review_date=_day(day), done_summary=done, obstacles=obstacles, indicator_values=values
        )
    if spec.status in (ActionPlan.Status.UNDER_REVIEW, ActionPlan.Status.CLOSED):
        services.change_plan_status(plan, wanted=ActionPlan.Status.UNDER_REVIEW, acting=owner)
    if spec.final_review is not None:
        day, before_after, lessons, outcomes = spec.final_review
        services.record_final_review(
            plan,
            acting=owner,
            review_date=_day(day),
            before_after=before_after,
            lessons=lessons,
            outcomes={o.pk: outcome for o, outcome in zip(objectives, outcomes, strict=False)},
        )
    for day, description, objective_index, new_target, titles in spec.revisions:
        services.revise_plan(
            plan,
            acting=owner,
            revision_date=_day(day),
            description=description,
            objective=objectives[objective_index] if objective_index is not None else None,
            new_target=new_target,
            new_actions=titles,
        )
    return plan


# Seed 001: the care service runs one QSE plan that every module's actions feed.
SINGLE_PLANS = {"service-des-coteaux": ("QSE-2026", CLAIRE)}


@register_demo
def build_demo_plans(organizations: dict[str, Organization]) -> None:
    for spec in PLANS:
        organization = organizations.get(spec.org)
        if organization is not None:
            build_plan(organization, spec)
    for slug, (code, manager) in SINGLE_PLANS.items():
        organization = organizations.get(slug)
        if organization is not None and services.single_plan(organization) is None:
            plan = ActionPlan.objects.for_org(organization).get(code=code)
            services.choose_single_plan(acting=_member(organization, manager), plan=plan)


SCALE_CODE = "PAQ-VOLUME"


@register_scale
def build_scale_plans(organization: Organization, factor: int) -> None:
    """One plan with 2,000 x factor actions (topped up, so a second run adds nothing)."""
    owner = Membership.objects.for_org(organization).order_by("pk").first()
    if owner is None:
        return
    plan = ActionPlan.objects.for_org(organization).filter(code=SCALE_CODE).first()
    if plan is None:
        plan = services.create_plan(acting=owner, code=SCALE_CODE, title="Plan d'action à grand volume")
    members = list(Membership.objects.for_org(organization).order_by("pk")[:50])
    existing = plan.actions.count()
    wanted = 2000 * factor
    today = timezone.localdate()
    statuses = [S.PLANNED, S.IN_PROGRESS, S.DONE, S.CANCELLED]
    Action.objects.bulk_create(
        [
            Action(
                organization=organization,
                plan=plan,
                title=f"Action synthétique {i:05d}",
                owner=members[i % len(members)],
                start_date=today + timedelta(days=(i % 120) - 90),
                due_date=today + timedelta(days=(i % 120) - 60),
                status=statuses[i % 4],
                progress=100 if statuses[i % 4] == S.DONE else (i * 7) % 100,
                position=i,
            )
            for i in range(existing, wanted)
        ],
        batch_size=500,
    )
