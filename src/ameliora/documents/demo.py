"""Demo documents: the pharmacy's procedures and the charters of each organization's exchange space."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from ameliora.core.demo import register_demo
from ameliora.core.models import Membership, Organization
from ameliora.documents import services
from ameliora.documents.models import Document, DocumentKind, DocumentVersion
from ameliora.processes.models import Process


@dataclass(frozen=True)
class DemoDocument:
    org: str
    code: str
    title: str
    kind: DocumentKind
    author: str
    approver: str
    reviewer: str
    body: str
    readers_who_read: tuple[str, ...] = ()
    second_version: str = ""
    # A first version, now archived, that the one in force superseded (with what changed).
    superseded_body: str = ""
    superseded_change: str = ""


DOUBLE_CHECK = """## Objet
Éviter les erreurs de dispensation (mauvais produit, dosage, quantité) par un second contrôle.

## Domaine d'application
Toute ordonnance comportant un médicament à marge thérapeutique étroite, un stupéfiant,
une préparation ou plus de cinq lignes.

## Déroulement
1. Le premier dispensateur prépare la délivrance et appose son initiale sur l'ordonnance.
2. Un second membre de l'équipe vérifie produit, dosage, forme, quantité et posologie.
3. Toute discordance est corrigée **avant** la remise au patient et notée dans le registre
   des erreurs évitées.

## Indicateurs
- Erreurs de dispensation par semaine
- Part des ordonnances concernées ayant bénéficié du double contrôle
"""

RECEPTION = """## Objet
Garantir que les produits reçus sont conformes à la commande et conservés correctement.

## Étapes
1. Vérifier les alertes sanitaires et retraits de lots en cours.
2. Contrôler colis, quantités, dates de péremption.
3. Ranger **immédiatement** les produits de la chaîne du froid (+2 / +8 °C).
4. Enregistrer toute non-conformité et la suivre avec le fournisseur.
"""

RECEPTION_FIRST = """## Objet
Garantir que les produits reçus sont conformes à la commande et conservés correctement.

## Étapes
1. Contrôler colis, quantités, dates de péremption.
2. Ranger les produits de la chaîne du froid (+2 / +8 °C).
3. Signaler toute non-conformité au fournisseur.
"""

PREPARATIONS = """## Objet
Encadrer le circuit des préparations magistrales, de la demande à la délivrance.

## Étapes
| Étape | Responsable | Trace |
|---|---|---|
| Faisabilité ou sous-traitance | Pharmacien | Fiche de demande |
| Préparation | Préparateur | Dossier de lot |
| Contrôle et libération | Pharmacien | Visa de libération |
| Délivrance et conseil | Pharmacien | Ordonnancier |
"""

CHARTER_EPP = """## Finalité
Le cercle EPP pilote la démarche qualité du service : il se réunit six fois par an, deux heures,
pour analyser les résultats des évaluations et des événements indésirables et alimenter le plan
d'action QSE.

## Règles
- Bienveillance, confidentialité, analyse des organisations et non des personnes.
- Chaque séance a un ordre du jour diffusé une semaine avant et un compte rendu approuvé.
"""

QSE_MANUAL = """## Politique qualité, sécurité, environnement
Le service s'engage à offrir à chaque patient une prise en charge pluriprofessionnelle sûre,
coordonnée avec la ville, dans le respect de ses attentes, et à réduire l'impact environnemental
de son activité.

## Système de management
- Cartographie des processus : management, accueil et admission, prise en charge, rééducation et
  sortie, secrétariat et rendez-vous ; un pilote par processus.
- Cercle EPP (six séances par an) : il analyse les évaluations et les événements indésirables et
  alimente le plan d'action QSE unique du service.
- Revue de direction annuelle : objectifs, indicateurs, satisfaction, plan d'action.

## Maîtrise documentaire
Chaque document est rédigé, relu, approuvé puis diffusé ; il est revu au moins tous les deux ans.
"""

ADMISSION = """## Objet
Accueillir chaque patient adressé au service et ouvrir son dossier sans erreur d'identité.

## Étapes
1. Vérifier l'identité (nom, prénom, date de naissance) sur une pièce officielle.
2. Recueillir les attentes du patient et les tracer dans le dossier.
3. Programmer la première consultation et informer le médecin adresseur.
"""

CHARTER_REX = """## Engagement
La CPTS s'engage à ne pas rechercher de faute individuelle dans les situations déclarées :
le retour d'expérience sert à comprendre et à améliorer nos organisations.

## Règles de la cellule qualité
- Écoute, secret professionnel, confidentialité des échanges.
- Aucune donnée identifiante du patient dans les fiches REX.
- Retour systématique au professionnel déclarant.
"""

CHARTER_CREX = """## Objet
Le CREX du service analyse chaque mois un événement choisi parmi les déclarations, selon la
méthode ORION, et décide d'actions correctives suivies jusqu'à leur terme.

## Fonctionnement
Un binôme médico-soignant anime le comité ; un pilote formé conduit l'analyse entre deux séances.
"""

DOCUMENTS: tuple[DemoDocument, ...] = (
    DemoDocument(
        "pharmacie-des-tilleuls", "PR-DISP-01", "Double contrôle de la dispensation", DocumentKind.PROCEDURE,
        "marc.lefevre@tilleuls.test", "helene.garnier@tilleuls.test", "anne.dubois@tilleuls.test", DOUBLE_CHECK,
        readers_who_read=("sophie.roux@tilleuls.test", "anne.dubois@tilleuls.test"),
        second_version="Ajout des préparations pédiatriques au périmètre.",
    ),
    DemoDocument(
        "pharmacie-des-tilleuls", "PR-RECEP-01", "Réception des commandes", DocumentKind.PROCEDURE,
        "marc.lefevre@tilleuls.test", "helene.garnier@tilleuls.test", "karim.benali@tilleuls.test", RECEPTION,
        readers_who_read=("sophie.roux@tilleuls.test", "karim.benali@tilleuls.test", "anne.dubois@tilleuls.test"),
        superseded_body=RECEPTION_FIRST,
        superseded_change="Vérification des retraits de lots et suivi des non-conformités ajoutés.",
    ),
    DemoDocument(
        "pharmacie-des-tilleuls", "PR-PREP-01", "Circuit des préparations magistrales", DocumentKind.PROCEDURE,
        "anne.dubois@tilleuls.test", "helene.garnier@tilleuls.test", "marc.lefevre@tilleuls.test", PREPARATIONS,
        readers_who_read=("karim.benali@tilleuls.test",),
    ),
    DemoDocument(
        "service-des-coteaux", "CH-EPP-01", "Charte du cercle EPP", DocumentKind.CHARTER,
        "julien.faure@coteaux.test", "claire.moreau@coteaux.test", "nadia.haddad@coteaux.test", CHARTER_EPP,
        readers_who_read=("nadia.haddad@coteaux.test", "thomas.girard@coteaux.test", "emma.blanc@coteaux.test"),
    ),
    DemoDocument(
        "service-des-coteaux", "MQ-QSE-01", "Manuel qualité, sécurité, environnement (QSE)",
        DocumentKind.QUALITY_MANUAL, "claire.moreau@coteaux.test", "claire.moreau@coteaux.test",
        "julien.faure@coteaux.test", QSE_MANUAL,
        readers_who_read=("julien.faure@coteaux.test", "nadia.haddad@coteaux.test"),
    ),
    DemoDocument(
        "service-des-coteaux", "PR-ACC-01", "Accueil et admission du patient", DocumentKind.PROCEDURE,
        "emma.blanc@coteaux.test", "claire.moreau@coteaux.test", "julien.faure@coteaux.test", ADMISSION,
        readers_who_read=("emma.blanc@coteaux.test", "thomas.girard@coteaux.test"),
    ),
    DemoDocument(
        "cpts-lauragais-sud", "CH-REX-01", "Charte de confiance du retour d'expérience", DocumentKind.CHARTER,
        "isabelle.caron@lauragais.test", "isabelle.caron@lauragais.test", "paul.mercier@lauragais.test", CHARTER_REX,
        readers_who_read=("paul.mercier@lauragais.test", "ines.lambert@lauragais.test"),
    ),
    DemoDocument(
        "ch-villefranche-medecine", "CH-CREX-01", "Charte de fonctionnement du CREX", DocumentKind.CHARTER,
        "sandrine.picard@ch-villefranche.test", "nathalie.chevalier@ch-villefranche.test",
        "olivier.robin@ch-villefranche.test", CHARTER_CREX,
        readers_who_read=("olivier.robin@ch-villefranche.test",),
    ),
)  # fmt: skip


def _member(organization: Organization, email: str) -> Membership:
    return Membership.objects.select_related("user").get(organization=organization, user__email=email)


def _review_and_publish(
    version: DocumentVersion, *, author: Membership, reviewer: Membership, approver: Membership, effective: date
) -> None:
    organization = version.document.organization
    services.submit_for_review(version, reviewers=[reviewer], acting=author)
    services.record_review(version, reviewer=reviewer, approve=True, comment="")
    services.approve_version(version, acting=approver)
    members = list(Membership.objects.for_org(organization).exclude(pk=author.pk).select_related("user"))
    services.publish_version(
        version,
        acting=approver,
        effective_date=effective,
        next_review_date=effective + timedelta(days=365),
        expiry_date=None,
        readers=members,
    )


def _build(organization: Organization, spec: DemoDocument) -> None:
    author = _member(organization, spec.author)
    approver = _member(organization, spec.approver)
    reviewer = _member(organization, spec.reviewer)
    people = {"author": author, "reviewer": reviewer, "approver": approver}
    document = services.create_document(
        acting=author,
        kind=spec.kind,
        code=spec.code,
        title=spec.title,
        owner=author,
        body=spec.superseded_body or spec.body,
    )
    version = document.versions.get()
    effective = timezone.localdate() - timedelta(days=120)
    if spec.superseded_body:
        # Version 1 was in force for a year before version 2 replaced it (and archived it).
        _review_and_publish(version, **people, effective=effective - timedelta(days=365))
        for email in spec.readers_who_read:
            services.acknowledge_reading(version, reader=_member(organization, email))
        version = services.start_new_version(document, acting=author)
        version.body = spec.body
        version.change_summary = spec.superseded_change
        version.save(update_fields=["body", "change_summary"])
    _review_and_publish(version, **people, effective=effective)
    for email in spec.readers_who_read:
        services.acknowledge_reading(version, reader=_member(organization, email))
    if spec.second_version:
        draft = services.start_new_version(document, acting=author)
        draft.change_summary = spec.second_version
        draft.save(update_fields=["change_summary"])
        services.submit_for_review(draft, reviewers=[reviewer], acting=author)


# The process of the map (processes demo, which runs first) each demo procedure serves.
SERVED_PROCESS = {
    "PR-DISP-01": "R2",
    "PR-RECEP-01": "R1",
    "PR-PREP-01": "S1",
    "MQ-QSE-01": "M1",
    "CH-EPP-01": "M1",
    "PR-ACC-01": "R1",
}


@register_demo
def build_documents_demo(organizations: dict[str, Organization]) -> None:
    for spec in DOCUMENTS:
        organization = organizations[spec.org]
        if not Document.objects.for_org(organization).filter(code=spec.code).exists():
            _build(organization, spec)
        process = Process.objects.for_org(organization).filter(code=SERVED_PROCESS.get(spec.code, "")).first()
        if process is not None:
            Document.objects.for_org(organization).get(code=spec.code).processes.add(process)
