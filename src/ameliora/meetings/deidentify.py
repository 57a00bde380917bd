"""What a guest of a space reads of the host's texts: cases de-identified.

Agenda items about a case (an adverse event, a case of a practice evaluation) are shown to guests by
their kind and number, never by their title or with a link into the host organization. Every text a
guest reads (item titles, minutes, decisions) goes through :func:`mask`, which blanks what commonly
identifies a person in French care notes: a name after a civil or professional title, an age, an
address, a phone number, an email, a social security number, a date of birth.
"""

from __future__ import annotations

import re

#: Agenda sources whose objects are cases about patients (``core.agenda`` keys start with them).
CASE_SOURCES = ("events.", "evaluations.")

MASK = "[…]"

_NAME = r"[A-ZÀ-Ý][\w'’-]*\.?"
_PATTERNS = (
    # A name after a title: "Mme D.", "M. Dupont", "Dr Martin", "Madame Durand"
    re.compile(rf"\b(?:M\.|Mr\.?|Mme|Mlle|Madame|Monsieur|Mademoiselle|Dr\.?|Docteur|Pr\.?)\s+{_NAME}(?:\s+{_NAME})?"),
    re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # email
    re.compile(r"\b[12]\s?\d{2}\s?(?:0[1-9]|1[0-2])\s?\d{2}\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b"),  # social security number
    re.compile(r"(?:\+33\s?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b"),  # phone
    re.compile(r"\bn[ée]e?\s+le\s+\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", re.IGNORECASE),  # date of birth
    re.compile(r"\b\d{1,3}\s?ans\b"),  # age
    re.compile(  # address
        r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|place|allée|impasse|route|quai)\b"
        r"[^,.;\n]*",
        re.IGNORECASE,
    ),
)


def mask(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def is_case(source_key: str) -> bool:
    return source_key.startswith(CASE_SOURCES)
