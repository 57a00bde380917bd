"""Find identifying data in a free text meant to be de-identified (a lesson shared with the territory).

:func:`find_identifying_data` is a pure function: text in, the passages that look identifying out, in
the order they appear. It errs on the side of caution for what a reader could use to recognise a
person, and lets through what a de-identified lesson needs to say. What it looks for:

* a person named with a title: "Mme D.", "M. Dupont", "Madame Martin", "Dr Leroy", "Pr. Petit";
* an age: "84 ans", "âgé de 84 ans", "enfant de 4 ans". A number of years that reads as a duration is
  not an age and passes: "depuis 3 ans", "il y a 2 ans", "pendant 10 ans", and a number of years
  followed by what lasted ("3 ans de suivi", "10 ans d'expérience"). "J+15", "H+2", percentages and
  counts pass;
* a street address ("12 rue des Lilas", "chemin du Moulin", "place de l'Église": a street word followed
  by a capitalised name) and a postcode followed by a town ("31450 Nailloux");
* a French phone number ("06 12 34 56 78", "0561000000", "+33 6 12 34 56 78");
* a date of birth ("né le 12/03/1940", "née en 1940", "date de naissance", "DDN");
* a social security number (NIR, 13 digits and its 2-digit key, with or without spaces);
* an email address.

It cannot find a bare surname ("Dupont a chuté"): the person who writes the summary still reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    PERSON = "person"
    AGE = "age"
    ADDRESS = "address"
    PHONE = "phone"
    BIRTH_DATE = "birth_date"
    SOCIAL_SECURITY = "social_security"
    EMAIL = "email"


LABELS: dict[Kind, Any] = {
    Kind.PERSON: _("a person named with a title"),
    Kind.AGE: _("an age"),
    Kind.ADDRESS: _("an address"),
    Kind.PHONE: _("a phone number"),
    Kind.BIRTH_DATE: _("a date of birth"),
    Kind.SOCIAL_SECURITY: _("a social security number"),
    Kind.EMAIL: _("an email address"),
}


@dataclass(frozen=True)
class Finding:
    kind: Kind
    text: str
    start: int

    @property
    def label(self) -> Any:
        return LABELS[self.kind]


_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_NAME = rf"[{_UPPER}][\w'’-]*\.?"  # "Dupont", "D.", "Le-Goff"
_TITLE = r"(?:Mme|Mmes|Mlle|Madame|Mademoiselle|Monsieur|M\.|MM\.|Dr\.?|Docteur|Pr\.?|Professeur)"
_STREET = (
    r"(?i:rue|avenue|av\.|boulevard|bd|chemin|impasse|allée|place|route|quai|square|lotissement"
    r"|résidence|hameau|lieu-dit)"
)
_PARTICLE = r"(?:(?:de\s+la|de\s+l['’]|du|des|de|d['’]|la|le|les|l['’])\s*)?"
_DATE = r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{1,2}(?:er)?\s+[a-zéû]+\s+\d{4}|\d{4}"
# Words before a number of years that make it a duration, not an age.
_DURATION_BEFORE = (
    r"(?:depuis|pendant|durant|il\s+y\s+a|en|sur|dans|après|avant|tous\s+les|toutes\s+les|plus\s+de"
    r"|moins\s+de|près\s+de|environ|pour|jusqu['’]à|au\s+bout\s+de)"
)

_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (Kind.EMAIL, re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        Kind.SOCIAL_SECURITY,
        re.compile(
            r"(?<!\d)[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?(?!\d)"
        ),
    ),
    (Kind.PHONE, re.compile(r"(?<![\d+])(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")),
    (
        Kind.BIRTH_DATE,
        re.compile(
            rf"\bn[ée]e?s?\s+(?:le\s+|en\s+)?(?:{_DATE})|\bdate\s+de\s+naissance\b|\bDDN\b",
            re.IGNORECASE,
        ),
    ),
    (Kind.PERSON, re.compile(rf"(?<![\w.]){_TITLE}\s+{_NAME}")),
    (Kind.ADDRESS, re.compile(rf"(?:\b\d{{1,4}}\s*(?:bis|ter)?,?\s+)?\b{_STREET}\s+{_PARTICLE}[{_UPPER}][a-zà-ÿ'’-]+")),
    (Kind.ADDRESS, re.compile(rf"(?<!\d)\d{{5}}\s+[{_UPPER}][a-zà-ÿ'’-]+")),
)
_YEARS = re.compile(r"(?<![\d,.+])(\d{1,3})\s*ans?\b")
_AGE_BEFORE = re.compile(r"\b(?:âgée?s?|age)\s+(?:de\s+)?$", re.IGNORECASE)
_DURATION_BEFORE_RE = re.compile(rf"\b{_DURATION_BEFORE}\s+$", re.IGNORECASE)
_DURATION_AFTER_RE = re.compile(r"^\s+(?:de|d['’])\s*(?!âge)\w", re.IGNORECASE)


def _ages(text: str) -> list[Finding]:
    found = []
    for match in _YEARS.finditer(text):
        if int(match.group(1)) > 120:
            continue
        before = text[max(0, match.start() - 30) : match.start()]
        after = text[match.end() : match.end() + 12]
        explicit_age = _AGE_BEFORE.search(before) is not None
        duration = _DURATION_BEFORE_RE.search(before) is not None or _DURATION_AFTER_RE.match(after) is not None
        if explicit_age or not duration:
            found.append(Finding(Kind.AGE, match.group(0), match.start()))
    return found


def find_identifying_data(text: str) -> list[Finding]:
    """The passages of ``text`` that look like identifying data, in order; overlapping ones once."""
    candidates = _ages(text)
    for kind, pattern in _PATTERNS:
        candidates += [Finding(kind, m.group(0).strip(), m.start()) for m in pattern.finditer(text)]
    candidates.sort(key=lambda f: (f.start, -len(f.text)))
    findings: list[Finding] = []
    end = -1
    for finding in candidates:
        if finding.start >= end:
            findings.append(finding)
            end = finding.start + len(finding.text)
    return findings


def describe(findings: list[Finding]) -> str:
    """ "an age (« 84 ans »), an address (« rue des Lilas »)": what was found, for an error message."""
    return ", ".join(f"{finding.label} (« {finding.text} »)" for finding in findings)
