"""The plausible range of typed dates (``core/dates.py``): the rule itself, its form fields and its API type."""

import re
from datetime import date, datetime
from pathlib import Path

import pydantic
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

import ameliora
from ameliora.core import dates
from ameliora.core.tests.walk import every_form_of_the_project


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(2024, 2, 29), date(2100, 12, 31)])
def test_days_of_the_range_are_accepted_bounds_included(day: date) -> None:
    dates.check_plausible_date(day)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
def test_days_outside_the_range_are_refused_with_a_french_message_naming_it(day: date) -> None:
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        dates.check_plausible_date(day)

    assert refused.value.code == "date_out_of_range"
    assert refused.value.messages == ["Saisissez une date comprise entre le 01/01/1900 et le 31/12/2100."]


def test_a_datetime_is_judged_by_its_day_and_an_empty_value_is_left_to_the_field() -> None:
    dates.check_plausible_date(datetime(2100, 12, 31, 23, 59))  # noqa: DTZ001 — only the day matters
    dates.check_plausible_date(None)
    with pytest.raises(ValidationError):
        dates.check_plausible_date(datetime(9999, 12, 31, 23, 59))  # noqa: DTZ001


def test_the_date_form_field_refuses_a_far_year_and_bounds_the_browser_picker() -> None:
    field = dates.PlausibleDateField(required=False)

    assert field.clean("2025-03-01") == date(2025, 3, 1)
    with pytest.raises(ValidationError, match="comprise entre"):
        field.clean("9999-12-31")
    with pytest.raises(ValidationError, match="comprise entre"):
        field.clean("0001-01-01")
    html = field.widget.render("day", None)
    assert 'type="date"' in html
    assert 'min="1900-01-01"' in html
    assert 'max="2100-12-31"' in html


def test_the_datetime_form_field_refuses_year_one_before_any_time_zone_arithmetic() -> None:
    field = dates.PlausibleDateTimeField()

    with pytest.raises(ValidationError, match="comprise entre"):
        field.clean("0001-01-01T00:00")
    assert field.clean("2025-03-01T10:30").year == 2025


def test_the_api_type_refuses_the_same_dates_with_the_same_message() -> None:
    class Body(pydantic.BaseModel):
        period_start: dates.PlausibleDate

    assert Body(period_start=date(2025, 1, 1)).period_start == date(2025, 1, 1)
    with pytest.raises(pydantic.ValidationError, match="entre le 01/01/1900 et le 31/12/2100"):
        Body.model_validate({"period_start": "9999-12-31"})


# --- No date field of the project is left unbounded ------------------------------------------------

SRC = Path(ameliora.__file__).resolve().parent
UNBOUNDED_DECLARATION = re.compile(
    r"\bforms\.(Date|DateTime|SplitDateTime)Field\(|from django\.forms import .*DateField"
)


def _unbounded_date_fields(form: type[forms.BaseForm]) -> list[str]:
    """The date fields of ``form`` that neither carry the rule nor map to a model field that does."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    unbounded = []
    for name, field in form.base_fields.items():  # type: ignore[attr-defined]  # set by the form metaclass
        if not isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
            continue
        model_fields = {f.name: f for f in model._meta.get_fields()} if model is not None else {}
        validators = [*field.validators, *getattr(model_fields.get(name), "validators", [])]
        if dates.check_plausible_date not in validators:
            unbounded.append(f"{form.__module__}.{form.__qualname__}.{name}")
    return unbounded


def test_every_date_field_of_every_form_is_bounded_by_the_shared_rule() -> None:
    project_forms = every_form_of_the_project()

    assert len(project_forms) > 80  # the walk reached every app's forms
    assert [name for form in project_forms for name in _unbounded_date_fields(form)] == []


def test_the_walk_notices_a_form_with_a_plain_date_field() -> None:
    class Careless(forms.Form):
        day = forms.DateField()

    class Careful(forms.Form):
        day = dates.PlausibleDateField()

    assert _unbounded_date_fields(Careless) == [f"{__name__}.{Careless.__qualname__}.day"]
    assert _unbounded_date_fields(Careful) == []


def test_no_module_builds_a_plain_date_field_not_even_one_added_in_a_constructor() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if not {"tests", "migrations"} & set(path.parts) and path != SRC / "core" / "dates.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if UNBOUNDED_DECLARATION.search(line)
    ]
    assert offenders == []
