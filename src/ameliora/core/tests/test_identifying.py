"""The identifying-data check of lessons shared with the territory: what it must catch, what it must let through."""

from __future__ import annotations

import pytest
from django.utils import translation

from ameliora.core.identifying import Kind, describe, find_identifying_data

IDENTIFYING: list[tuple[str, Kind, str]] = [
    # People named with a title
    ("Mme D., 84 ans, vit seule.", Kind.PERSON, "Mme D."),
    ("M. Dupont a été réhospitalisé.", Kind.PERSON, "M. Dupont"),
    ("Appel de Madame Martin le lundi.", Kind.PERSON, "Madame Martin"),
    ("Le Dr Leroy n'était pas joignable.", Kind.PERSON, "Dr Leroy"),
    ("avis du Pr. Petit", Kind.PERSON, "Pr. Petit"),
    ("MM. Durand et fils", Kind.PERSON, "MM. Durand"),
    ("Mlle Le-Goff", Kind.PERSON, "Mlle Le-Goff"),
    # Ages
    ("Mme D., 84 ans, vit seule.", Kind.AGE, "84 ans"),
    ("patient âgé de 92 ans", Kind.AGE, "92 ans"),
    ("un enfant de 4 ans suivi en orthophonie", Kind.AGE, "4 ans"),
    ("nourrisson d'1 an", Kind.AGE, "1 an"),
    ("une femme de 45ans", Kind.AGE, "45ans"),
    # Addresses
    ("domicile au 12 rue des Lilas à Nailloux", Kind.ADDRESS, "12 rue des Lilas"),
    ("rue des Lilas", Kind.ADDRESS, "rue des Lilas"),
    ("12 bis, avenue de la Gare", Kind.ADDRESS, "12 bis, avenue de la Gare"),
    ("Chemin du Moulin", Kind.ADDRESS, "Chemin du Moulin"),
    ("place de l'Église", Kind.ADDRESS, "place de l'Église"),
    ("impasse Pasteur", Kind.ADDRESS, "impasse Pasteur"),
    ("31450 Nailloux", Kind.ADDRESS, "31450 Nailloux"),
    # Phone numbers
    ("rappeler au 06 12 34 56 78", Kind.PHONE, "06 12 34 56 78"),
    ("tél. 0561000000", Kind.PHONE, "0561000000"),
    ("joignable au 05.61.22.33.44", Kind.PHONE, "05.61.22.33.44"),
    ("+33 6 12 34 56 78", Kind.PHONE, "+33 6 12 34 56 78"),
    # Dates of birth
    ("patiente née le 12/03/1940", Kind.BIRTH_DATE, "née le 12/03/1940"),
    ("né en 1938, vit seul", Kind.BIRTH_DATE, "né en 1938"),
    ("née le 3 mars 1951", Kind.BIRTH_DATE, "née le 3 mars 1951"),
    ("date de naissance vérifiée", Kind.BIRTH_DATE, "date de naissance"),
    ("DDN : 01/02/1950", Kind.BIRTH_DATE, "DDN"),
    # Social security numbers (NIR)
    ("NIR 1 84 03 31 555 123 45 sur l'ordonnance", Kind.SOCIAL_SECURITY, "1 84 03 31 555 123 45"),
    ("n° 2840331555123", Kind.SOCIAL_SECURITY, "2840331555123"),
    ("2 55 08 2A 004 005 12", Kind.SOCIAL_SECURITY, "2 55 08 2A 004 005 12"),
    # Emails
    ("écrire à jean.dupont@example.org", Kind.EMAIL, "jean.dupont@example.org"),
]


@pytest.mark.parametrize(("text", "kind", "passage"), IDENTIFYING)
def test_identifying_data_is_found_and_pointed_at(text: str, kind: Kind, passage: str) -> None:
    assert (kind, passage) in [(f.kind, f.text) for f in find_identifying_data(text)]


INNOCENT = [
    "Rappel à J+15 : situation résolue.",
    "Contrôle à H+2 puis à J7.",
    # A number of years that reads as a duration is not an age (documented decision).
    "3 ans de suivi sans nouvel événement.",
    "10 ans d'expérience en officine.",
    "Le cabinet fonctionne ainsi depuis 3 ans.",
    "Il y a 2 ans, la même rupture s'était produite.",
    "Le projet sera évalué dans 2 ans.",
    "Un patient âgé polypathologique est rentré à domicile un vendredi soir sans ordonnance.",
    "Une sortie n'est sûre que si la ville est prévenue avant le départ du patient.",
    "Mise en place de la CPTS et feuille de route de la cellule qualité.",
    "La route de la pharmacie était fermée.",
    "Le passage du SSIAD a été décalé de 2 heures.",
    "Taux de résolution : 33 % en 2026, 12 déclarations.",
    "Check-list de sortie co-construite avec le CH le 12/03/2026.",
    "Le médecin traitant et le Dr de garde ont été prévenus.",
    "Madame, Monsieur, merci pour votre signalement.",
    "Lévothyroxine 100 µg délivrée au lieu de 75 µg.",
    "Méthotrexate : 1 comprimé par semaine, 15 mg.",
    "Réunion pluriprofessionnelle de niveau 3, 8 participants sur 10.",
    "INR à 4,5 contrôlé le lendemain ; 120 000 habitants sur le territoire.",
    "Une année de retours d'expérience.",
]


@pytest.mark.parametrize("text", INNOCENT)
def test_a_de_identified_text_passes(text: str) -> None:
    assert find_identifying_data(text) == []


def test_the_seeds_case_is_stopped_on_all_three_counts_in_reading_order() -> None:
    findings = find_identifying_data("Mme D., 84 ans, sortie un vendredi, 5 rue des Lilas à Nailloux.")
    assert [f.kind for f in findings] == [Kind.PERSON, Kind.AGE, Kind.ADDRESS]
    with translation.override("en"):
        described = describe(findings)
    assert described == (
        "a person named with a title (« Mme D. »), an age (« 84 ans »), an address (« 5 rue des Lilas »)"
    )


def test_an_age_stated_explicitly_is_found_even_after_a_duration_word() -> None:
    assert [f.text for f in find_identifying_data("patient âgé de 84 ans depuis peu")] == ["84 ans"]
