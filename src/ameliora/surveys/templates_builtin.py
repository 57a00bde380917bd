"""Built-in questionnaires, written for Ameliora in French, copied into an organization on demand.

Each template is plain data: sections of questions. A question is a dict with ``kind`` (a
:class:`~ameliora.surveys.models.Question.Kind` value), ``text``, optional ``required``,
``choices`` (choice kinds), ``min``/``max`` (numbers), ``help`` and ``if`` = (index of an earlier
question in the template, counted from 0, answer token) for a condition.
:func:`ameliora.surveys.services.copy_template` turns one into rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Q = dict[str, Any]


@dataclass(frozen=True)
class BuiltinTemplate:
    key: str
    title: str
    description: str
    sections: tuple[tuple[str, tuple[Q, ...]], ...]

    def questions(self) -> list[Q]:
        return [question for _title, questions in self.sections for question in questions]


PATIENT_SATISFACTION = BuiltinTemplate(
    key="patient-satisfaction",
    title="Satisfaction des patients",
    description=(
        "Votre avis nous aide à améliorer l’accueil et les soins. Le questionnaire prend environ "
        "cinq minutes ; il est anonyme : ne donnez ni votre nom ni celui d’une autre personne."
    ),
    sections=(
        (
            "Votre venue",
            (
                {
                    "kind": "single",
                    "text": "Qui vous a orienté vers notre service ?",
                    "required": True,
                    "choices": [
                        "Mon médecin traitant",
                        "Un autre médecin",
                        "Un établissement de santé",
                        "Je suis venu de moi-même",
                        "Autre",
                    ],
                },
                {"kind": "yes_no", "text": "Était-ce votre première venue chez nous ?"},
            ),
        ),
        (
            "Accueil et soins",
            (
                {"kind": "likert", "text": "L’accueil a été chaleureux et respectueux.", "required": True},
                {"kind": "likert", "text": "Les délais d’attente m’ont paru raisonnables.", "required": True},
                {"kind": "likert", "text": "J’ai reçu des explications claires sur mes soins.", "required": True},
                {"kind": "likert", "text": "Ma douleur a été prise en compte."},
                {"kind": "likert", "text": "Mon intimité et la confidentialité ont été respectées."},
            ),
        ),
        (
            "Dans l’ensemble",
            (
                {
                    "kind": "nps",
                    "text": "Recommanderiez-vous notre service à un proche ? (0 = pas du tout, 10 = tout à fait)",
                    "required": True,
                },
                {"kind": "yes_no", "text": "Avez-vous rencontré une difficulté pendant votre prise en charge ?"},
                {
                    "kind": "long_text",
                    "text": "Pouvez-vous nous la décrire, sans nommer personne ?",
                    "if": (8, "yes"),
                },
                {"kind": "long_text", "text": "Une suggestion pour nous améliorer ?"},
            ),
        ),
    ),
)

REFERRING_DOCTOR = BuiltinTemplate(
    key="referring-doctor-satisfaction",
    title="Satisfaction des médecins adresseurs",
    description=(
        "Vous nous adressez des patients : dites-nous ce qui fonctionne et ce qui doit changer "
        "dans nos échanges. Trois minutes suffisent."
    ),
    sections=(
        (
            "Vos échanges avec le service",
            (
                {
                    "kind": "number",
                    "text": "Combien de patients nous avez-vous adressés au cours des douze derniers mois ?",
                    "min": 0,
                    "max": 500,
                },
                {"kind": "likert", "text": "Il est facile de joindre le service.", "required": True},
                {"kind": "likert", "text": "Le délai de prise en charge de mes patients est satisfaisant."},
                {"kind": "likert", "text": "Je reçois le compte rendu de sortie à temps.", "required": True},
                {
                    "kind": "single",
                    "text": "Comment préférez-vous recevoir nos comptes rendus ?",
                    "choices": ["Messagerie sécurisée de santé", "Courrier", "Dossier médical partagé", "Autre"],
                },
            ),
        ),
        (
            "Votre avis",
            (
                {"kind": "nps", "text": "Recommanderiez-vous le service à un confrère ?", "required": True},
                {"kind": "long_text", "text": "Que devrions-nous améliorer en priorité ?"},
            ),
        ),
    ),
)

QUALITY_CELL = BuiltinTemplate(
    key="professional-quality-cell",
    title="Satisfaction des professionnels envers la cellule qualité",
    description=(
        "Vous avez sollicité la cellule qualité de la CPTS (retour d’expérience, situation difficile). "
        "Aidez-nous à mesurer notre réactivité et l’utilité de nos réponses."
    ),
    sections=(
        (
            "Votre sollicitation",
            (
                {
                    "kind": "single",
                    "text": "Votre profession",
                    "choices": [
                        "Médecin",
                        "Infirmier ou infirmière",
                        "Pharmacien ou pharmacienne",
                        "Masseur-kinésithérapeute",
                        "Autre profession de santé",
                        "Professionnel du social ou du médico-social",
                    ],
                },
                {
                    "kind": "multiple",
                    "text": "Comment avez-vous contacté la cellule ?",
                    "choices": ["Courriel", "Téléphone", "Fiche REX du site", "Lors d’une réunion"],
                },
            ),
        ),
        (
            "Réactivité et utilité",
            (
                {"kind": "likert", "text": "La cellule qualité m’a recontacté rapidement.", "required": True},
                {"kind": "likert", "text": "J’ai été écouté sans jugement.", "required": True},
                {"kind": "likert", "text": "La réponse apportée m’a été utile dans ma pratique.", "required": True},
                {"kind": "yes_no", "text": "La situation est-elle résolue ?", "required": True},
                {"kind": "long_text", "text": "Qu’est-ce qui reste à résoudre ?", "if": (5, "no")},
                {"kind": "yes_no", "text": "Solliciteriez-vous à nouveau la cellule ?"},
            ),
        ),
        (
            "Pour finir",
            ({"kind": "long_text", "text": "Vos suggestions pour la cellule qualité"},),
        ),
    ),
)

ADMISSION_EXPECTATIONS = BuiltinTemplate(
    key="admission-expectations",
    title="Vos attentes à l’admission",
    description=(
        "Avant de commencer votre prise en charge, dites-nous ce qui compte pour vous. "
        "Vos réponses restent anonymes et nous aident à préparer votre séjour."
    ),
    sections=(
        (
            "Ce qui compte pour vous",
            (
                {
                    "kind": "multiple",
                    "text": "Qu’attendez-vous en priorité de votre prise en charge ?",
                    "required": True,
                    "choices": [
                        "Moins de douleur",
                        "Retrouver de l’autonomie",
                        "Comprendre ma maladie",
                        "Être rassuré",
                        "Préparer mon retour à domicile",
                    ],
                },
                {"kind": "likert", "text": "Je me sens bien informé sur le déroulement de mon séjour."},
                {"kind": "yes_no", "text": "Souhaitez-vous qu’un proche soit associé aux décisions ?"},
                {"kind": "short_text", "text": "Quel proche (lien de parenté, pas de nom) ?", "if": (2, "yes")},
                {"kind": "long_text", "text": "Avez-vous une inquiétude dont vous voudriez nous parler ?"},
            ),
        ),
    ),
)

TEMPLATES: dict[str, BuiltinTemplate] = {
    template.key: template
    for template in (PATIENT_SATISFACTION, REFERRING_DOCTOR, QUALITY_CELL, ADMISSION_EXPECTATIONS)
}
