"""Demo process map of the care service (seed 001): five processes, each piloted by one of the five
professionals, with a few risks of the register. The pharmacy gets its product and preparation
circuits. Idempotent: a process whose code exists is kept, and so are its risks.
"""

from __future__ import annotations

from django.db import transaction

from ameliora.core.demo import register_demo
from ameliora.core.models import Link, Membership, Organization
from ameliora.indicators.models import Indicator
from ameliora.plans.models import Action
from ameliora.processes import services
from ameliora.processes.models import Process, Risk

K = Process.Kind
# org, code, kind, name, pilot, purpose, beginning, end, inputs, outputs, risks
# risk: hazard, consequence, severity, likelihood, controls, residual severity, residual likelihood, action title
MAP = (
    (
        "service-des-coteaux",
        "M1",
        K.MANAGEMENT,
        "Management par la qualité",
        "claire.moreau@coteaux.test",
        "Piloter le SMQ : politique QSE, cercle EPP, revue de direction.",
        "Politique qualité annuelle",
        "Revue de direction",
        "Résultats des évaluations, EI, satisfaction",
        "Plan d'action QSE",
        (
            (
                "Cercle EPP annulé faute de quorum",
                "Plan QSE non alimenté pendant un trimestre",
                2,
                3,
                "Calendrier annuel diffusé en janvier",
                2,
                2,
                "",
            ),
        ),
    ),
    (
        "service-des-coteaux",
        "R1",
        K.OPERATIONAL,
        "Accueil et admission",
        "julien.faure@coteaux.test",
        "Accueillir le patient et organiser son admission.",
        "Appel ou courrier d'adressage",
        "Premier rendez-vous",
        "Demande du médecin adresseur",
        "Dossier ouvert, rendez-vous donné",
        (
            (
                "Délai d'attente trop long avant le premier rendez-vous",
                "Perte de chance, insatisfaction",
                3,
                4,
                "Créneaux d'urgence réservés",
                3,
                3,
                "Créneaux d'urgence réservés chaque semaine",
            ),
            (
                "Attentes du patient non recueillies",
                "Projet de soins inadapté",
                3,
                3,
                "",
                None,
                None,
                "Fiche « attentes du patient » à l'admission",
            ),
        ),
    ),
    (
        "service-des-coteaux",
        "R2",
        K.OPERATIONAL,
        "Prise en charge pluriprofessionnelle",
        "nadia.haddad@coteaux.test",
        "Construire et suivre le projet de soins personnalisé.",
        "Synthèse d'entrée",
        "Synthèse de sortie",
        "Bilans initiaux",
        "Projet de soins, comptes rendus",
        (
            (
                "Synthèse sans psychologue",
                "Dimension psychique ignorée",
                3,
                4,
                "Invitation systématique",
                3,
                3,
                "Calendrier des synthèses partagé avec les psychologues",
            ),
        ),
    ),
    (
        "service-des-coteaux",
        "R3",
        K.OPERATIONAL,
        "Rééducation et sortie",
        "thomas.girard@coteaux.test",
        "Rééduquer et préparer le retour à domicile.",
        "Programme de rééducation",
        "Courrier de sortie au médecin",
        "Projet de soins",
        "Patient autonome, courrier de sortie",
        (
            (
                "Courrier de sortie envoyé en retard",
                "Rupture de la continuité des soins",
                4,
                2,
                "Relance à J+3",
                4,
                1,
                "",
            ),
        ),
    ),
    (
        "service-des-coteaux",
        "S1",
        K.SUPPORT,
        "Secrétariat, dossiers et rendez-vous",
        "emma.blanc@coteaux.test",
        "Tenir l'agenda, les dossiers et les courriers.",
        "Demande de rendez-vous",
        "Dossier archivé",
        "Appels, courriers",
        "Agenda tenu, dossiers complets",
        (
            (
                "Rendez-vous non honorés",
                "Créneaux perdus, attente allongée",
                2,
                5,
                "Rappel SMS la veille",
                2,
                3,
                "Rappel SMS des rendez-vous la veille",
            ),
        ),
    ),
    (
        "pharmacie-des-tilleuls",
        "P1",
        K.MANAGEMENT,
        "Démarche qualité officine",
        "marc.lefevre@tilleuls.test",
        "Auto-évaluation DQO, plans d'action, revue annuelle.",
        "Auto-évaluation",
        "Revue annuelle",
        "",
        "",
        (),
    ),
    (
        "pharmacie-des-tilleuls",
        "R1",
        K.OPERATIONAL,
        "Commande et réception",
        "karim.benali@tilleuls.test",
        "Commander juste et contrôler chaque livraison.",
        "Besoin de stock",
        "Produit rangé",
        "",
        "",
        (
            (
                "Produit thermosensible laissé hors du réfrigérateur à réception",
                "Produit dégradé délivré",
                4,
                2,
                "Rangement immédiat des produits froids",
                4,
                1,
                "",
            ),
        ),
    ),
    (
        "pharmacie-des-tilleuls",
        "R2",
        K.OPERATIONAL,
        "Dispensation et conseil",
        "helene.garnier@tilleuls.test",
        "Analyser l'ordonnance, délivrer, conseiller.",
        "Ordonnance ou demande",
        "Remise au patient",
        "",
        "",
        (
            (
                "Erreur de dispensation (produit, dosage, quantité)",
                "Effet indésirable chez le patient",
                4,
                4,
                "Double contrôle des ordonnances à risque",
                4,
                2,
                "Procédure de double contrôle des ordonnances à risque",
            ),
        ),
    ),
    (
        "pharmacie-des-tilleuls",
        "R3",
        K.OPERATIONAL,
        "Promis et retours patients",
        "sophie.roux@tilleuls.test",
        "Obtenir les promis, collecter les MNU.",
        "Produit manquant",
        "Promis remis ou MNU collecté",
        "",
        "",
        (
            (
                "Promis oublié",
                "Rupture de traitement",
                3,
                3,
                "Cahier des promis",
                3,
                2,
                "Cahier des promis partagé, relance du grossiste à 48 h",
            ),
        ),
    ),
    (
        "pharmacie-des-tilleuls",
        "S1",
        K.SUPPORT,
        "Préparatoire et sous-traitance",
        "anne.dubois@tilleuls.test",
        "Préparer ou sous-traiter selon les BPP.",
        "Demande de préparation",
        "Préparation libérée",
        "",
        "",
        (),
    ),
)


# Indicators of the indicators demo (which runs first) that follow a process.
INDICATORS: dict[tuple[str, str], tuple[str, ...]] = {
    ("service-des-coteaux", "R1"): (
        "Délai d'attente avant la première consultation",
        "Patients adressés par leur médecin traitant",
    ),
    ("service-des-coteaux", "R2"): (
        "Patients dont les attentes sont recueillies et tracées",
        "Présence d'un psychologue aux synthèses",
    ),
    ("service-des-coteaux", "S1"): ("Rendez-vous non honorés",),
    ("pharmacie-des-tilleuls", "R2"): (
        "Erreurs de dispensation par semaine",
        "Double contrôle des ordonnances en place",
    ),
}


@transaction.atomic
def _build(organizations: dict[str, Organization]) -> None:
    for position, (slug, code, kind, name, pilot, purpose, beginning, end, inputs, outputs, risks) in enumerate(MAP):
        organization = organizations.get(slug)
        if organization is None or Process.objects.for_org(organization).filter(code=code).exists():
            continue
        member = Membership.objects.select_related("organization").get(organization=organization, user__email=pilot)
        process = services.save_process(
            Process(
                organization=organization,
                code=code,
                kind=kind,
                name=name,
                pilot=member,
                purpose=purpose,
                beginning=beginning,
                end=end,
                inputs=inputs,
                outputs=outputs,
                position=position,
            ),
            acting=member,
            indicators=Indicator.objects.for_org(organization).filter(name__in=INDICATORS.get((slug, code), ())),
        )
        for hazard, consequence, sev, lik, controls, rsev, rlik, action_title in risks:
            risk = services.save_risk(
                Risk(
                    organization=organization,
                    process=process,
                    hazard=hazard,
                    consequence=consequence,
                    severity=sev,
                    likelihood=lik,
                    existing_controls=controls,
                    residual_severity=rsev,
                    residual_likelihood=rlik,
                ),
                acting=member,
            )
            action = Action.objects.for_org(organization).filter(title=action_title).first() if action_title else None
            if action is not None:
                from ameliora.core import services as core_services

                core_services.link_objects(action, risk, kind=Link.Kind.SOURCE, acting=member)


@register_demo
def build_demo_processes(organizations: dict[str, Organization]) -> None:
    _build(organizations)
