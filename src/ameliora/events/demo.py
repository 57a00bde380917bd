"""Demo events: the CPTS REX cell's public requests at its three levels, the care service's continuous
collection, the pharmacy's dispensing errors; plus synthetic volumes for the benchmarks.

Built through the services (as people would), then dated back. Idempotent: an organization that
already has events is left alone.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from ameliora.core.demo import register_demo, register_scale
from ameliora.core.models import Membership, Notification, Organization, Unit
from ameliora.events import services
from ameliora.events.models import (
    Event,
    EventCategory,
    EventSettings,
    EventTransition,
    LibraryAudience,
    reference_prefix,
)
from ameliora.events.services import Declaration
from ameliora.plans.models import Action


def _member(organization: Organization, email: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(organization=organization, user__email=email)


def _category(organization: Organization, code: str) -> EventCategory:
    return EventCategory.objects.get(organization=organization, code=code)


@dataclass
class Spec:
    days_ago: int
    category: str
    description: str
    affected: str = "patient"
    actuality: str = "actual"
    measures: str = ""
    consequences: str = ""
    estimate: int | None = None
    serious: bool = False
    consent: bool = True
    vigilances: list[str] = field(default_factory=list)
    unit: str | None = None
    reporter: str | None = None  # member email; None = public declaration
    contact: dict[str, str] = field(default_factory=dict)
    # What happened next
    triage: tuple[int, int] | None = None  # (severity, likelihood)
    level: int | None = None
    criteria: tuple[str, ...] = ()
    handler: str | None = None
    triage_after: int = 1
    oriented_to: str = ""  # level 2: the professional or structure the reporter was oriented to
    check_back: bool | None = None  # None: not done; True/False: done, resolved or not
    timeline: list[tuple[int, str]] = field(default_factory=list)  # (hours after occurred_at, fact)
    factors: list[tuple[str, str, bool]] = field(default_factory=list)
    lessons: str = ""
    decisions: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, text, reason)
    feedback: str = ""
    reject: str = ""
    final: str = ""  # "", "in_analysis", "actions_decided", "closed"
    close_after: int = 20
    summary: tuple[str, str] | None = None
    audience: str = LibraryAudience.TEAM  # who reads the published summary
    messages: list[tuple[str, str]] = field(default_factory=list)  # (reporter|cell, body)


def _at(days_ago: int, hour: int = 10) -> datetime:
    day = timezone.localtime() - timedelta(days=days_ago)
    return day.replace(hour=hour, minute=15, second=0, microsecond=0)


def _build(organization: Organization, spec: Spec, cell: Membership) -> Event:  # noqa: PLR0912, PLR0915 - one story, told in order
    received = _at(spec.days_ago, 9)
    declaration = Declaration(
        occurred_at=received - timedelta(hours=20),
        description=spec.description,
        category=_category(organization, spec.category),
        unit=Unit.objects.filter(organization=organization, name=spec.unit).first() if spec.unit else None,
        affected=spec.affected,
        actuality=spec.actuality,
        immediate_measures=spec.measures,
        consequences=spec.consequences,
        reporter_severity=spec.estimate,
        is_serious=spec.serious,
        publication_consent=spec.consent,
        vigilances=spec.vigilances,
    )
    if spec.reporter:
        event = services.declare_event(declaration, acting=_member(organization, spec.reporter))
    else:
        event, _code = services.declare_public_event(
            organization,
            declaration,
            contact_name=spec.contact.get("contact_name", ""),
            contact_phone=spec.contact.get("contact_phone", ""),
            contact_best_time=spec.contact.get("contact_best_time", ""),
        )
    Event.objects.filter(pk=event.pk).update(received_at=received)
    EventTransition.objects.filter(event=event).update(at=received)
    event.refresh_from_db()
    moments: dict[str, datetime] = {}
    if spec.triage:
        handler = _member(organization, spec.handler) if spec.handler else cell
        services.triage_event(
            event,
            severity=spec.triage[0],
            likelihood=spec.triage[1],
            handler=handler,
            level=spec.level,
            criteria=dict.fromkeys(spec.criteria, True),
            oriented_to=spec.oriented_to,
            acting=cell,
        )
        moments["triage"] = received + timedelta(days=spec.triage_after, hours=2)
        settings = EventSettings.objects.get(organization=organization)
        updates: dict[str, Any] = {"triaged_at": moments["triage"]}
        if event.level == 2:
            updates["check_back_due"] = moments["triage"].date() + timedelta(days=settings.check_back_days)
        Event.objects.filter(pk=event.pk).update(**updates)
        event.refresh_from_db()
        if spec.check_back is not None:
            services.record_check_back(event, resolved=spec.check_back, note="", acting=handler)
            due = event.check_back_due or timezone.localdate()
            done = timezone.make_aware(datetime.combine(due - timedelta(days=1), datetime.min.time()))
            Event.objects.filter(pk=event.pk).update(check_back_done_at=done + timedelta(hours=11))
            event.refresh_from_db()
    if spec.reject:
        services.reject_event(event, reason=spec.reject, acting=cell)
        moments["reject"] = received + timedelta(days=2)
        Event.objects.filter(pk=event.pk).update(closed_at=moments["reject"])
    for hours, fact in spec.timeline:
        services.add_timeline_entry(
            event, happened_at=declaration.occurred_at + timedelta(hours=hours), description=fact, acting=cell
        )
    for family, text, is_root in spec.factors:
        services.add_factor(event, family=family, description=text, note="", is_root=is_root, acting=cell)
    if spec.lessons:
        services.save_lessons(event, lessons=spec.lessons, acting=cell)
    steps = {"in_analysis": ["start_analysis"], "actions_decided": ["start_analysis", "decide_actions"]}
    steps["closed"] = (["start_analysis", "decide_actions"] if spec.decisions else []) + ["close"]
    for kind, text, reason in spec.decisions:
        services.add_decision(
            event, kind=kind, text=text, reason=reason, owner=cell if kind == "action" else None,
            due_on=timezone.localdate() + timedelta(days=60) if kind == "action" else None, acting=cell,
        )  # fmt: skip
    for step in steps.get(spec.final, []):
        event.refresh_from_db()
        services.move_event(event, step, acting=cell)
    if spec.final == "closed":
        closed = received + timedelta(days=spec.close_after)
        Event.objects.filter(pk=event.pk).update(closed_at=closed)
        EventTransition.objects.filter(event=event, action="close").update(at=closed)
    for author, body in spec.messages:
        if author == "cell":
            services.post_cell_message(event, body=body, acting=cell)
        else:
            services.post_reporter_message(event, body=body)
    if spec.feedback:
        event.refresh_from_db()
        services.give_feedback(event, message=spec.feedback, acting=cell)
    if spec.summary:
        event.refresh_from_db()
        services.publish_summary(
            event,
            title=spec.summary[0],
            summary=spec.summary[1],
            publish=True,
            audience=spec.audience,
            acting=cell,
        )
    if "triage" in moments:
        EventTransition.objects.filter(event=event, action="triage").update(at=moments["triage"])
    return event


def _renumber(organization: Organization) -> None:
    """References follow the (back-dated) reception order, per year.

    The notifications and action descriptions written while the events were declared name their
    reference at that time: they are rewritten too, so that "EI-2026-006" opens EI-2026-006.
    """
    prefix = reference_prefix(organization)
    events = list(Event.objects.for_org(organization).order_by("received_at", "pk"))
    for event in events:
        Event.objects.filter(pk=event.pk).update(reference=f"TMP-{event.pk}")
    counters: dict[int, int] = {}
    renamed: dict[str, str] = {}
    for event in events:
        year = timezone.localtime(event.received_at).year
        counters[year] = counters.get(year, 0) + 1
        reference = f"{prefix}-{year}-{counters[year]:03d}"
        Event.objects.filter(pk=event.pk).update(reference=reference)
        if reference != event.reference:
            renamed[event.reference] = reference
    _rename_references(organization, renamed)
    year = timezone.localdate().year
    EventSettings.objects.filter(organization=organization).update(
        sequence_year=year, sequence_last=counters.get(year, 0)
    )


def _rename_references(organization: Organization, renamed: dict[str, str]) -> None:
    """Replace old references by new ones, all at once (EI-…-006 → 005 while 005 → 004), where they are written."""
    if not renamed:
        return
    pattern = re.compile("|".join(re.escape(old) for old in sorted(renamed, key=len, reverse=True)))
    prefix = reference_prefix(organization)
    notifications = Notification.objects.for_org(organization).filter(title__contains=f"{prefix}-")
    for notification in notifications:
        title = pattern.sub(lambda match: renamed[match.group(0)], notification.title)
        if title != notification.title:
            Notification.objects.filter(pk=notification.pk).update(title=title)
    for action in Action.objects.for_org(organization).filter(description__contains=f"{prefix}-"):
        description = pattern.sub(lambda match: renamed[match.group(0)], action.description)
        if description != action.description:
            Action.objects.filter(pk=action.pk).update(description=description)


CPTS_CRITERIA_ALL = ("complex_environment", "complex_patient", "complex_pathologies", "complex_coordination")

CPTS: list[Spec] = [
    Spec(
        days_ago=118,
        category="coordination",
        description="Infirmière libérale : impossible de joindre le médecin traitant depuis trois jours pour adapter "
        "un traitement anticoagulant après un INR élevé. Le patient vit seul.",
        measures="Appel au centre 15 pour avis, contrôle INR recontrôlé le lendemain.",
        estimate=3,
        contact={
            "contact_name": "Infirmière du cabinet de Villenouvelle",
            "contact_phone": "06 12 34 56 78",
            "contact_best_time": "entre 13 h et 14 h",
        },
        triage=(3, 3),
        level=1,
        handler="louise.fontaine@lauragais.test",
        feedback="Nous avons échangé par téléphone : la ligne dédiée aux professionnels du cabinet médical et le "
        "protocole INR de la CPTS vous ont été transmis. Merci pour ce signalement.",
        final="closed",
        close_after=3,
    ),
    Spec(
        days_ago=75,
        category="coordination",
        description="Kinésithérapeute : patiente sortie d'hospitalisation après une prothèse de hanche sans "
        "prescription de matériel (rehausseur, déambulateur). Rééducation retardée.",
        estimate=2,
        contact={"contact_name": "M. K.", "contact_phone": "05 61 00 00 00", "contact_best_time": "le matin"},
        triage=(2, 3),
        level=2,
        criteria=("complex_coordination",),
        handler="leo.muller@lauragais.test",
        oriented_to="Ergothérapeute de la CPTS (Léo Muller)",
        check_back=True,
        feedback="Orientation vers l'ergothérapeute de la CPTS, qui a organisé la livraison du matériel. "
        "Rappel à J+15 : situation résolue.",
        final="closed",
        close_after=18,
    ),
    Spec(
        days_ago=14,
        category="care",
        description="Orthophoniste : enfant suivi pour troubles du langage, la famille ne vient plus aux séances "
        "depuis un mois ; inquiétude sur la situation familiale.",
        affected="patient",
        estimate=2,
        contact={
            "contact_name": "Cabinet d'orthophonie",
            "contact_phone": "06 98 76 54 32",
            "contact_best_time": "mardi après-midi",
        },
        triage=(2, 2),
        level=2,
        criteria=("complex_environment", "complex_patient"),
        handler="ines.lambert@lauragais.test",
        oriented_to="Service social du conseil départemental (PMI)",
    ),
    Spec(
        days_ago=40,
        category="coordination",
        description="Rupture de parcours à la sortie d'hospitalisation : patient de 84 ans, polypathologique, "
        "revenu à domicile un vendredi à 19 h sans transmission à l'infirmière libérale ni ordonnance de sortie. "
        "Traitement du week-end non délivré.",
        consequences="Réhospitalisation le lundi pour décompensation cardiaque.",
        estimate=4,
        triage=(4, 3),
        level=3,
        criteria=CPTS_CRITERIA_ALL,
        handler="isabelle.caron@lauragais.test",
        timeline=[
            (0, "Sortie décidée en fin de matinée par le service de médecine."),
            (7, "Retour à domicile en ambulance à 19 h ; aidante (épouse) seule présente."),
            (8, "Aucune ordonnance ni lettre de liaison remise ; pharmacie fermée."),
            (60, "L'infirmière libérale découvre la situation lors du passage du lundi matin."),
            (62, "Appel au médecin traitant, réhospitalisation pour décompensation cardiaque."),
        ],
        factors=[
            ("patient", "Patient polypathologique, aidante âgée et épuisée", False),
            ("team", "Pas de transmission entre le service et l'infirmière libérale", True),
            ("organisation", "Sorties du vendredi soir sans check-list de sortie", True),
            ("task", "Lettre de liaison non éditée au moment de la sortie", False),
            ("institutional", "Aucun canal partagé ville–hôpital pour annoncer les sorties", False),
        ],
        lessons="Une sortie n'est sûre que si la ville est prévenue avant le départ du patient. La check-list de "
        "sortie doit inclure l'ordonnance, la lettre de liaison et l'appel à l'infirmière libérale.",
        decisions=[
            ("action", "Co-construire avec le CH une check-list de sortie ville–hôpital", ""),
            ("action", "Diffuser aux professionnels de la CPTS l'annuaire des contacts de sortie du CH", ""),
        ],
        feedback="La cellule qualité a analysé votre signalement en réunion pluriprofessionnelle. Deux actions "
        "sont engagées avec le CH : une check-list de sortie et un annuaire des contacts. Merci !",
        final="actions_decided",
        summary=(
            "Sortie du vendredi soir sans transmission",
            "Un patient âgé polypathologique est rentré à domicile un vendredi soir sans ordonnance ni "
            "transmission à l'infirmière libérale ; il a été réhospitalisé le lundi. Causes racines : absence de "
            "transmission service–ville et sorties du vendredi sans check-list. Enseignement : prévenir la ville "
            "avant le départ du patient ; check-list de sortie commune en cours.",
        ),
        audience=LibraryAudience.TERRITORY,  # the CPTS shares it with its member professionals
        messages=[
            ("cell", "Bonjour, merci pour ce signalement. Pouvez-vous préciser l'heure de votre passage du lundi ?"),
            ("reporter", "Bonjour, je suis passée vers 8 h 30."),
        ],
    ),
    Spec(
        days_ago=1,
        category="communication",
        description="Pharmacien : ordonnances de sortie illisibles reçues à plusieurs reprises cette semaine, "
        "appels au service restés sans réponse.",
        affected="none",
        actuality="near_miss",
        estimate=2,
    ),
    Spec(
        days_ago=9,
        category="organisation",
        description="Demande d'aide pour organiser le retour à domicile d'un patient en fin de vie.",
        reporter="camille.bonnet@lauragais.test",
        estimate=3,
    ),
]

COTEAUX_CARE = "claire.moreau@coteaux.test"
COTEAUX: list[Spec] = [
    Spec(
        days_ago=170,
        category="identification",
        unit="Consultations",
        reporter="julien.faure@coteaux.test",
        description="Deux patients homonymes convoqués le même jour : dossier du mauvais patient ouvert, "
        "erreur détectée par le patient lui-même.",
        actuality="near_miss",
        estimate=2,
        triage=(2, 3),
        feedback="Vérification de l'identité (nom, prénom, date de naissance) rappelée à l'accueil.",
        final="closed",
        close_after=12,
    ),
    Spec(
        days_ago=150,
        category="equipment",
        unit="Hôpital de jour",
        reporter="thomas.girard@coteaux.test",
        description="Panne du lève-personne pendant un transfert ; patient maintenu par deux soignants.",
        affected="patient",
        estimate=2,
        triage=(3, 2),
        final="closed",
        close_after=25,
    ),
    Spec(
        days_ago=140,
        category="communication",
        unit="Consultations",
        reporter="emma.blanc@coteaux.test",
        description="Compte rendu de consultation envoyé au mauvais médecin traitant.",
        affected="none",
        estimate=2,
        triage=(2, 2),
        feedback="Mise à jour de l'annuaire des correspondants.",
        final="closed",
        close_after=9,
    ),
    Spec(
        days_ago=120,
        category="medication",
        unit="Hôpital de jour",
        reporter="nadia.haddad@coteaux.test",
        description="Traitement personnel du patient non repris à l'admission en hôpital de jour.",
        estimate=3,
        triage=(3, 3),
        final="closed",
        close_after=30,
    ),
    Spec(
        days_ago=100,
        category="infection",
        unit="Hôpital de jour",
        reporter="julien.faure@coteaux.test",
        description="Rupture de solution hydro-alcoolique dans deux salles pendant une semaine.",
        affected="none",
        actuality="near_miss",
        estimate=2,
        triage=(2, 3),
        decisions=[("action", "Ajouter la SHA au bon de commande hebdomadaire automatique", "")],
        feedback="Commande automatique mise en place.",
        final="closed",
        close_after=15,
    ),
    Spec(
        days_ago=90,
        category="organisation",
        unit="Consultations",
        reporter="emma.blanc@coteaux.test",
        description="Patient attendu en consultation non prévenu de l'annulation.",
        affected="patient",
        estimate=1,
        reject="Doublon de la déclaration précédente sur les annulations.",
    ),
    Spec(
        days_ago=75,
        category="care",
        unit="Hôpital de jour",
        reporter="thomas.girard@coteaux.test",
        description="Chute d'un patient lors d'un exercice de marche, sans conséquence.",
        estimate=2,
        triage=(2, 3),
        factors=[
            ("environment", "Sol humide après nettoyage", True),
            ("task", "Exercice réalisé sans aide technique", False),
        ],
        decisions=[("no_action", "", "Protocole déjà en place ; rappel fait en réunion d'équipe.")],
        final="closed",
        close_after=20,
    ),
    Spec(
        days_ago=60,
        category="medication",
        unit="Hôpital de jour",
        reporter="nadia.haddad@coteaux.test",
        description="Erreur de dose d'anticoagulant administrée (double dose), détectée au tour suivant.",
        consequences="Surveillance biologique renforcée, pas de saignement.",
        estimate=3,
        serious=False,
        vigilances=["pharmaco"],
        triage=(3, 3),
        timeline=[(0, "Prescription modifiée dans le dossier à 9 h."), (2, "Administration selon l'ancien plan.")],
        factors=[
            ("task", "Plan d'administration papier non mis à jour", True),
            ("team", "Transmission orale de la modification", False),
        ],
        lessons="Toute modification de prescription d'anticoagulant doit être relue à deux.",
        final="in_analysis",
    ),
    Spec(
        days_ago=45,
        category="coordination",
        unit="Consultations",
        reporter="julien.faure@coteaux.test",
        description="Sortie sans rendez-vous de suivi programmé avec le kinésithérapeute de ville.",
        estimate=2,
        triage=(2, 4),
        final="closed",
        close_after=10,
    ),
    Spec(
        days_ago=30,
        category="care",
        unit="Hôpital de jour",
        reporter="thomas.girard@coteaux.test",
        description="Escarre de talon constatée chez un patient, évaluation du risque non tracée.",
        estimate=3,
        triage=(3, 3),
        final="in_analysis",
    ),
    Spec(
        days_ago=12,
        category="identification",
        unit="Consultations",
        reporter="emma.blanc@coteaux.test",
        description="Bracelet d'identification absent pour un patient d'hôpital de jour.",
        actuality="near_miss",
        estimate=1,
        triage=(1, 4),
    ),
    Spec(
        days_ago=3,
        category="medication",
        unit="Hôpital de jour",
        reporter="nadia.haddad@coteaux.test",
        description="Détresse respiratoire après injection d'un antibiotique, transfert en réanimation.",
        consequences="Transfert en réanimation, pronostic vital engagé.",
        estimate=5,
        serious=True,
        vigilances=["pharmaco"],
    ),
]

TILLEULS: list[Spec] = [
    Spec(
        days_ago=130,
        category="medication",
        unit="Comptoir",
        reporter="sophie.roux@tilleuls.test",
        description="Lévothyroxine 100 µg délivrée au lieu de 75 µg ; erreur vue au double contrôle.",
        actuality="near_miss",
        estimate=2,
        triage=(2, 4),
        factors=[("environment", "Boîtes de dosages voisins rangées côte à côte", True)],
        decisions=[("action", "Séparer les dosages de lévothyroxine dans le robot et les tiroirs", "")],
        feedback="Rangement modifié, merci pour la vigilance.",
        final="closed",
        close_after=7,
        summary=(
            "Dosages voisins rangés côte à côte",
            "Une erreur de dosage de lévothyroxine a été interceptée au double contrôle. Les dosages ont été "
            "séparés dans le rangement.",
        ),
    ),
    Spec(
        days_ago=95,
        category="medication",
        unit="Comptoir",
        reporter="karim.benali@tilleuls.test",
        description="Méthotrexate : posologie « 1 comprimé par jour » retranscrite sur l'étiquette au lieu de "
        "« 1 fois par semaine ». Patient rappelé avant la première prise.",
        actuality="near_miss",
        estimate=4,
        triage=(4, 2),
        timeline=[
            (0, "Délivrance à 17 h 40, affluence au comptoir."),
            (3, "Relecture de l'ordonnance à la fermeture, erreur vue."),
            (4, "Appel du patient, étiquette corrigée le lendemain matin."),
        ],
        factors=[
            ("individual", "Interruption pendant la délivrance", False),
            ("task", "Pas d'alerte logicielle sur la posologie hebdomadaire", True),
            ("organisation", "Un seul pharmacien au comptoir en fin de journée", False),
        ],
        lessons="Le méthotrexate oral fait partie des « never events » : la posologie hebdomadaire doit être "
        "vérifiée systématiquement par un pharmacien.",
        decisions=[
            ("action", "Paramétrer l'alerte de posologie hebdomadaire dans le logiciel", ""),
            ("action", "Ajouter le méthotrexate à la liste des délivrances à double contrôle", ""),
        ],
        final="actions_decided",
    ),
    Spec(
        days_ago=50,
        category="medication",
        unit="Réserve et réception",
        reporter="sophie.roux@tilleuls.test",
        description="Vaccin laissé hors du réfrigérateur pendant 3 heures à la réception.",
        affected="none",
        estimate=2,
        triage=(2, 3),
        feedback="Lot détruit, rappel de la procédure chaîne du froid.",
        final="closed",
        close_after=4,
    ),
    Spec(
        days_ago=20,
        category="medication",
        unit="Comptoir",
        reporter="karim.benali@tilleuls.test",
        description="Confusion entre deux spécialités au nom proche (sound-alike) lors d'une délivrance.",
        estimate=3,
        vigilances=["pharmaco"],
        triage=(3, 3),
        final="in_analysis",
    ),
    Spec(
        days_ago=2,
        category="medication",
        unit="Préparatoire",
        reporter="anne.dubois@tilleuls.test",
        description="Erreur de pesée détectée lors du contrôle d'une préparation magistrale pédiatrique.",
        actuality="near_miss",
        estimate=3,
    ),
]


def _build_org(organization: Organization, specs: list[Spec], cell_email: str) -> None:
    if Event.objects.for_org(organization).exists():
        return
    services.ensure_event_settings(organization)
    cell = _member(organization, cell_email)
    for spec in specs:
        _build(organization, spec, cell)
    _renumber(organization)


@register_demo
def build_events_demo(organizations: dict[str, Organization]) -> None:
    cpts = organizations["cpts-lauragais-sud"]
    services.ensure_event_settings(cpts)
    EventSettings.objects.filter(organization=cpts).update(
        rex_levels_enabled=True,
        public_library_enabled=True,
        next_meeting_on=timezone.localdate() + timedelta(days=10),
    )
    _build_org(cpts, CPTS, "isabelle.caron@lauragais.test")
    # A demo built before the public library existed: its CPTS lessons reach the territory too, where consented.
    Event.objects.for_org(cpts).published().filter(publication_consent=True).update(
        library_audience=LibraryAudience.TERRITORY
    )
    _build_org(organizations["service-des-coteaux"], COTEAUX, COTEAUX_CARE)
    _build_org(organizations["pharmacie-des-tilleuls"], TILLEULS, "marc.lefevre@tilleuls.test")
    services.ensure_event_settings(organizations["ch-villefranche-medecine"])


SCALE_PER_FACTOR = 2000


@register_scale
def build_events_scale(organization: Organization, factor: int) -> None:
    """2,000 events per factor (bulk-created, no history rows), spread over the last two years."""
    services.ensure_event_settings(organization)
    existing = Event.objects.for_org(organization).count()
    wanted = SCALE_PER_FACTOR * factor
    if existing >= wanted:
        return
    categories = list(EventCategory.objects.for_org(organization))
    handlers = list(Membership.objects.for_org(organization)[:20])
    rng = random.Random(existing)  # noqa: S311 - synthetic data, not secrets
    now = timezone.now()
    statuses = [s for s, _label in Event.Status.choices]
    rows = []
    for i in range(existing, wanted):
        received = now - timedelta(days=rng.randint(0, 720), hours=rng.randint(0, 23))
        status = rng.choice(statuses)
        triaged = status != Event.Status.RECEIVED
        severity, likelihood = rng.randint(1, 5), rng.randint(1, 5)
        rows.append(
            Event(
                organization=organization,
                reference=f"EI-S-{i + 1:06d}",
                received_at=received,
                occurred_at=received - timedelta(hours=rng.randint(1, 72)),
                description="Événement synthétique pour les mesures de performance.",
                category=rng.choice(categories),
                status=status,
                severity=severity if triaged else None,
                likelihood=likelihood if triaged else None,
                criticity=severity * likelihood if triaged else None,
                handler=rng.choice(handlers) if triaged and handlers else None,
                triaged_at=received + timedelta(days=rng.randint(0, 10)) if triaged else None,
                closed_at=received + timedelta(days=rng.randint(5, 60))
                if status in {Event.Status.CLOSED, Event.Status.NOT_RETAINED}
                else None,
            )
        )
    Event.objects.bulk_create(rows, batch_size=500)


__all__ = ["build_events_demo", "build_events_scale"]
