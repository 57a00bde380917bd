"""Hostile input for the forms' property tests (Hypothesis): whatever people and robots may post.

A test draws a POST body from the form the page shows (:func:`post_for`). Each field gets a value
its widget could send (a choice offered, a recent date, a small number, a short text), a hostile one
(very long text, null bytes, control and right-to-left characters, emoji, SQL / HTML / JS / template
injection, huge, negative or non-finite numbers, malformed and implausible dates, forged choices,
ids of another organization's rows), or is left out. Three mixes are drawn: every field plausible,
one field hostile, every field at random; so that both the accepted and the refused paths run.

:func:`check_contract` then posts the body and asserts what every form promises: never a 5xx;
either accepted, or refused with 422, every error message shown on the page, and not one row written.
Each example runs in a transaction rolled back at its end (:func:`rolled_back`), so examples do not
see each other's rows, rate-limit counts or cache entries.

The examples are drawn the same way on every run (``derandomize``); set ``FORM_PROPERTY_EXAMPLES=500``
to explore at random with more of them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from ameliora.core.tests.factories import PDF_BYTES, PNG_BYTES, bomb_png

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

_EXPLORE = os.environ.get("FORM_PROPERTY_EXAMPLES")

#: Hypothesis settings of the form tests: 25 examples per form, the same ones at every run.
PROPERTY = settings(
    max_examples=int(_EXPLORE or 25),
    derandomize=not _EXPLORE,
    deadline=None,
    database=None,
    # Fixtures (clients, personas) are shared by the examples on purpose: each example rolls back.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

ATTACKS = (
    "' OR '1'='1' --",
    "'); DROP TABLE core_user; --",
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request.user.password }}{% debug %}",
    "${7*7}#{7*7}",
    '=HYPERLINK("http://evil.test","clic")',
    "../../../etc/passwd",
    "a\x00b",
    "\x00",
    "\x1b[31m\x07\x08",
    "\r\n\r\nSet-Cookie: x=1",
    "\u202etxt.exe",
    "\u200b\u200d\ufeff",
    "👩‍⚕️💉🏥" * 3,
    "مرحبا بالعالم",
    "%s%n%x",
    "   ",
)
NUMBERS = (
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-inf",
    "1e308",
    "-1e308",
    "1e999999",
    "9" * 40,
    "-1",
    "-0",
    "0",
    "0.0000001",
    "1,5",
    "1 000,5",
    "1.2.3",
    "0x1F",
    "١٢",
    "²",
    "1_000",
)
MALFORMED_DATES = (
    "2025-02-30",
    "2025-13-01",
    "0000-00-00",
    "99999-01-01",
    "31/12/2024",
    "2024-12-31T25:61",
    "demain",
    "-2024-01-01",
    "2024-W05",
)
FAR_DATES = (date(1, 1, 1), date(1899, 12, 31), date(2101, 1, 1), date(9999, 12, 31))
FORGED_IDS = ("0", "-1", "99999999", "9" * 30, "1.5", "²", "abc", "1 OR 1=1")


@st.composite
def long_texts(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(["x", "é", "💉", "\u200b", "a\u0301"])) * draw(
        st.sampled_from([201, 501, 5_001, 100_001])
    )


hostile_text = st.one_of(
    st.sampled_from(ATTACKS),
    long_texts(),
    st.text(max_size=30),  # anything Unicode has, control characters included (but no lone surrogate)
)
hostile_number = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
hostile_date = st.one_of(
    st.sampled_from(MALFORMED_DATES),
    st.sampled_from(FAR_DATES).map(date.isoformat),
    st.dates().map(date.isoformat),
)
hostile_value = st.one_of(hostile_text, hostile_number, hostile_date, st.sampled_from(FORGED_IDS))


RECENT_DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))
RECENT_TIMES = st.builds(
    lambda day, minutes: f"{day.isoformat()}T{minutes // 60:02d}:{minutes % 60:02d}",
    RECENT_DAYS,
    st.integers(min_value=0, max_value=24 * 60 - 1),
)
#: What an honest widget sends, by kind of field (the first class that matches wins).
PLAUSIBLE_BY_KIND: list[tuple[type[forms.Field] | tuple[type[forms.Field], ...], st.SearchStrategy[Any]]] = [
    (forms.BooleanField, st.sampled_from(["on", ""])),
    (forms.DateTimeField, RECENT_TIMES),
    (forms.DateField, RECENT_DAYS.map(date.isoformat)),
    (forms.FileField, st.just(None)),
    (forms.EmailField, st.from_regex(r"[a-z]{1,12}@[a-z]{1,8}\.test", fullmatch=True)),
]


def _choice_values(field: forms.ChoiceField) -> list[str]:
    values: list[str] = []
    for value, label in cast(Iterable[tuple[Any, Any]], field.choices):
        if isinstance(label, list | tuple):  # a group of choices
            values.extend(str(v) for v, _label in label)
        else:
            values.append(str(value))
    return [v for v in values if v != ""]


def foreign_ids(field: forms.ModelChoiceField[Any]) -> list[str]:
    """Ids of rows of the field's model that the form does not offer (another organization's)."""
    queryset = field.queryset
    if queryset is None:
        return []
    offered = queryset.values("pk")
    return [str(pk) for pk in queryset.model._base_manager.exclude(pk__in=offered).values_list("pk", flat=True)[:5]]


def _offered_ids(field: forms.ModelChoiceField[Any]) -> list[str]:
    return [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]] if field.queryset is not None else []


def _pick(values: list[str], *, several: bool) -> st.SearchStrategy[Any]:
    if several:
        return st.lists(st.sampled_from(values), max_size=3, unique=True) if values else st.just([])
    return st.sampled_from(values) if values else st.just("")


def plausible(field: forms.Field) -> st.SearchStrategy[Any]:
    """A value the field's widget could send."""
    if isinstance(field, forms.ModelChoiceField | forms.ChoiceField):
        values = _offered_ids(field) if isinstance(field, forms.ModelChoiceField) else _choice_values(field)
        return _pick(values, several=isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField))
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        low, high = getattr(field, "min_value", None), getattr(field, "max_value", None)
        low = 0 if low is None else int(low)
        return st.integers(
            min_value=low, max_value=max(low, min(int(high) if high is not None else 100, low + 100))
        ).map(str)
    for kind, strategy in PLAUSIBLE_BY_KIND:
        if isinstance(field, kind):
            return strategy
    limit = min(getattr(field, "max_length", None) or 40, 40)
    patterns = [v.regex for v in field.validators if isinstance(v, RegexValidator) and not v.inverse_match]
    if patterns:  # a code or a slug: letters, digits, dashes
        return st.from_regex(patterns[0], fullmatch=True).filter(lambda text: 0 < len(text) <= limit)
    letters = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    return st.text(letters, min_size=1, max_size=limit).filter(str.strip)


def upload() -> st.SearchStrategy[SimpleUploadedFile]:
    """A file as a browser sends it: fine, disguised, empty, or a decompression bomb."""
    files = [
        ("photo.png", PNG_BYTES),
        ("compte-rendu.pdf", PDF_BYTES),
        ("photo.png", b"MZ\x90\x00 an executable"),
        ("vide.txt", b""),
        ("bombe.png", bomb_png(30000, 30000)),
        ("script.svg", b"<svg onload=alert(1)>"),
    ]
    return st.sampled_from(files).map(lambda pair: SimpleUploadedFile(pair[0], pair[1]))


def hostile(field: forms.Field) -> st.SearchStrategy[Any]:
    """A value no honest widget sends; a list where several values are expected."""
    if isinstance(field, forms.FileField):
        return upload()
    forged: list[str] = []
    if isinstance(field, forms.ModelChoiceField):
        forged = foreign_ids(field)
    one = st.one_of(st.sampled_from(forged), hostile_value) if forged else hostile_value
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return st.lists(one, min_size=1, max_size=3)
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return st.one_of(hostile_date, hostile_text)
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(hostile_number, hostile_text)
    return one


MISSING = object()


@st.composite
def post_for(
    draw: st.DrawFn,
    form: forms.BaseForm,
    *,
    fixed: dict[str, Any] | None = None,
    coherent: dict[str, Any] | None = None,
    skip: Collection[str] = (),
) -> dict[str, Any]:
    """A POST body for ``form`` (its prefix applied). ``fixed`` values are always sent as given;
    ``coherent`` ones replace the random plausible value of fields that depend on each other (a chart
    that suits the kind of data), so that plausible posts are often accepted."""
    names = [name for name in form.fields if name not in skip and name not in (fixed or {})]
    mix = draw(st.sampled_from(["plausible", "one hostile", "chaos"]))
    odd = draw(st.sampled_from(names)) if names and mix == "one hostile" else None
    body: dict[str, Any] = {}
    for name in names:
        field = form.fields[name]
        if mix == "chaos":
            value = draw(st.one_of(plausible(field), hostile(field), st.just(MISSING)))
        elif name == odd:
            value = draw(st.one_of(hostile(field), st.just(MISSING)))
        elif coherent and name in coherent:
            value = coherent[name]
        else:
            value = draw(plausible(field))
        if value is not MISSING and value is not None:
            body[form.add_prefix(name)] = value
    body.update(fixed or {})
    return body


@st.composite
def formset_post(draw: st.DrawFn, prefix: str, fields: dict[str, forms.Field], *, most: int = 4) -> dict[str, Any]:
    """A formset's POST body (a grid of rows): its management form, forged in the chaos mix, and up to
    ``most`` rows of ``fields``, one cell of which is hostile in the "one hostile" mix."""
    mix = draw(st.sampled_from(["plausible", "one hostile", "chaos"]))
    rows = draw(st.integers(min_value=1, max_value=most))
    odd = (draw(st.integers(min_value=0, max_value=rows - 1)), draw(st.sampled_from(sorted(fields))))
    total = draw(st.one_of(hostile_number, hostile_value)) if mix == "chaos" else str(rows)
    body: dict[str, Any] = {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": "0"}
    for index in range(rows):
        for name, field in fields.items():
            if mix == "chaos":
                value = draw(st.one_of(plausible(field), hostile(field), st.just(MISSING)))
            elif mix == "one hostile" and (index, name) == odd:
                value = draw(st.one_of(hostile(field), st.just(MISSING)))
            else:
                value = draw(plausible(field))
            if value is not MISSING and value is not None:
                body[f"{prefix}-{index}-{name}"] = value
    return body


@contextmanager
def rolled_back() -> Iterator[None]:
    """Everything written inside (rows, cache entries, rate-limit counts) is undone at the end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _forms_in(response: TestResponse) -> Iterator[forms.BaseForm]:
    seen: set[int] = set()
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            candidates: Sequence[Any] = [value]
            if isinstance(value, forms.BaseFormSet):
                candidates = [value.management_form, *value.forms]
            for candidate in candidates:
                if isinstance(candidate, forms.BaseForm) and candidate.is_bound and id(candidate) not in seen:
                    seen.add(id(candidate))
                    yield candidate


def error_messages(response: TestResponse) -> list[str]:
    """Every error message of the bound forms (and formsets) the page was rendered with."""
    messages: list[str] = []
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, forms.BaseFormSet) and value.is_bound:
                messages.extend(str(m) for m in value.non_form_errors())
    for form in _forms_in(response):
        for name, errors in form.errors.items():
            if name in form.fields and isinstance(form.fields[name].widget, forms.HiddenInput):
                continue  # Django shows a hidden field's errors among the form's own, reworded
            messages.extend(str(m) for m in errors)
    return messages


def form_on_page(client: Client, url: str, name: str = "form") -> Any:
    """The form (or formset) a page shows, with the choices it offers to this visitor."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context[name]


def _snapshot(model_classes: Sequence[type[models.Model]], rows: Sequence[models.Model]) -> dict[str, Any]:
    counts = {m.__name__: m._base_manager.count() for m in model_classes}
    values = {f"{type(r).__name__}:{r.pk}": type(r)._base_manager.filter(pk=r.pk).values().first() for r in rows}
    return counts | values


def _names_a_constraint(message: str) -> bool:
    """Django's message for a violated CheckConstraint: it names the constraint, no reason a person can act on."""
    for language in ("en", "fr"):
        with translation.override(language):
            template = str(models.BaseConstraint.default_violation_error_message)
        if re.fullmatch(re.escape(template).replace(re.escape("%(name)s"), ".+"), message):
            return True
    return False


def check_contract(
    client: Client,
    url: str,
    body: dict[str, Any],
    *,
    models: Sequence[type[models.Model]],
    rows: Sequence[models.Model] = (),
    saved: Collection[int] = (302,),
    unchanged: Collection[int] = (),
    refused_shows: Callable[[TestResponse], bool] | None = None,
) -> TestResponse:
    """Post ``body`` and check the promise of every form (see the module's docstring).

    ``models``: the tables a refused post must leave as they were (counted); ``rows``: rows it must
    not change (an edit form's object). ``saved``: the statuses of an accepted post. ``unchanged``:
    other statuses that may answer without writing anything (a robot's post answered like a success).
    Any other answer must be 422. ``refused_shows`` overrides how a refusal is seen on the page.
    """
    before = _snapshot(models, rows)
    response = client.post(url, body)
    status = response.status_code
    event(f"answered {status}")  # shown by --hypothesis-show-statistics: both paths should run
    assert status < 500
    if status in saved:
        return response
    assert _snapshot(models, rows) == before, f"a refused post ({status}) wrote to the database"
    if status in unchanged:
        return response
    assert status == 422, f"a refused post answered {status}, not 422"
    page = response.content.decode()
    if refused_shows is not None:
        assert refused_shows(response)
        return response
    messages = error_messages(response)
    assert messages, "the page was refused without saying why"
    technical = [m for m in messages if _names_a_constraint(m)]
    assert not technical, f"a database constraint's name shown as the reason: {technical}"
    missing = [m for m in messages if escape(m) not in page]
    assert not missing, f"error messages not shown on the page: {missing}"
    return response
