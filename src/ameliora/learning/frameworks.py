"""Built-in starter competency frameworks, one per organization kind, written in our own words.

An organization installs its kind's starter with :func:`ameliora.learning.services.install_framework`
and then edits its own copy (titles, descriptions, order, new competencies). The texts are French
seed data, like the built-in assessment grids: they are what the organization starts from.
"""

from __future__ import annotations

from dataclasses import dataclass

from ameliora.core.models import Organization


@dataclass(frozen=True)
class CompetencySpec:
    code: str
    area: str
    title: str
    description: str


QUALITY = "Démarche qualité et gestion des risques"
CIRCUIT = "Circuit des produits de santé"
TEAM = "Communication et travail en équipe"
POSTURE = "Posture professionnelle"

PHARMACY_INTERNSHIP: tuple[CompetencySpec, ...] = (
    CompetencySpec(
        "QUA-1",
        QUALITY,
        "Évaluer les pratiques de l’officine avec un référentiel et en tirer des priorités",
        "Mène l’auto-évaluation avec l’équipe, repère les écarts et les risques, explique pourquoi ils comptent.",
    ),
    CompetencySpec(
        "QUA-2",
        QUALITY,
        "Bâtir un plan d’action d’amélioration",
        "Fixe des objectifs simples, atteignables et mesurables, choisit des indicateurs et un calendrier réaliste.",
    ),
    CompetencySpec(
        "QUA-3",
        QUALITY,
        "Créer les outils qui font tenir le changement",
        "Rédige une procédure, une fiche d’enregistrement ou une check-list que l’équipe utilise vraiment.",
    ),
    CompetencySpec(
        "QUA-4",
        QUALITY,
        "Mesurer et comparer avant et après",
        "Recueille les indicateurs au fil de l’eau, compare les périodes et en tire une conclusion honnête.",
    ),
    CompetencySpec(
        "QUA-5",
        QUALITY,
        "Analyser une erreur sans chercher de coupable",
        "Reconstitue les faits, cherche les causes dans l’organisation et propose des barrières.",
    ),
    CompetencySpec(
        "CIR-1",
        CIRCUIT,
        "Sécuriser la commande, la réception, le stockage et les promis",
        "Vérifie les livraisons, range selon les règles, suit les produits promis et les retours des patients.",
    ),
    CompetencySpec(
        "CIR-2",
        CIRCUIT,
        "Sécuriser la dispensation",
        "Analyse l’ordonnance, contrôle la délivrance et sait quand un second regard s’impose.",
    ),
    CompetencySpec(
        "CIR-3",
        CIRCUIT,
        "Conduire une préparation de la demande à la délivrance",
        "Réalise ou fait sous-traiter la préparation, en assure la traçabilité et l’explique au patient.",
    ),
    CompetencySpec(
        "COM-1",
        TEAM,
        "Présenter un changement à l’équipe et obtenir son adhésion",
        "Choisit le bon moment et le bon support, écoute les objections et vérifie que le message est passé.",
    ),
    CompetencySpec(
        "COM-2",
        TEAM,
        "Informer le patient clairement",
        "Adapte ses mots au patient, vérifie sa compréhension et sait reconnaître une erreur devant lui.",
    ),
    CompetencySpec(
        "POS-1",
        POSTURE,
        "Porter un regard critique sur sa pratique",
        "Identifie ses réussites et ses manques, accepte la rétroaction et s’en sert pour progresser.",
    ),
    CompetencySpec(
        "POS-2",
        POSTURE,
        "Organiser son travail et tenir ses échéances",
        "Planifie, priorise et prévient à temps quand une échéance est menacée.",
    ),
)

GENERIC: tuple[CompetencySpec, ...] = (
    CompetencySpec(
        "QUA-1",
        QUALITY,
        "Évaluer ses pratiques avec un référentiel",
        "Mène ou prend part à une auto-évaluation et en tire des priorités d’amélioration.",
    ),
    CompetencySpec(
        "QUA-2",
        QUALITY,
        "Conduire une action d’amélioration jusqu’à la preuve",
        "Objectifs mesurables, indicateurs, outils, communication, bilan avant/après et ajustements.",
    ),
    CompetencySpec(
        "QUA-3",
        QUALITY,
        "Déclarer et analyser un événement indésirable",
        "Déclare sans attendre, participe à l’analyse des causes et au retour d’expérience.",
    ),
    CompetencySpec(
        "COM-1",
        TEAM,
        "Partager l’information utile avec l’équipe",
        "Transmet ce qui compte, au bon moment, et s’assure que c’est compris.",
    ),
    CompetencySpec(
        "POS-1",
        POSTURE,
        "Porter un regard critique sur sa pratique",
        "Identifie ses réussites et ses manques, accepte la rétroaction et s’en sert pour progresser.",
    ),
)

STARTERS: dict[str, tuple[CompetencySpec, ...]] = {Organization.Kind.PHARMACY.value: PHARMACY_INTERNSHIP}


def starter_for(kind: str) -> tuple[CompetencySpec, ...]:
    return STARTERS.get(kind, GENERIC)
