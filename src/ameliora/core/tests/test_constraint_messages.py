"""A rule of the database that a form checks speaks to people: it has its own message.

Django validates a model's check constraints in every ModelForm whose fields they read. Without a
``violation_error_message`` the page would say "Constraint “indicator_multiplier_positive” is
violated" (found by the forms' property tests).
"""

from __future__ import annotations

from django import forms
from django.db import models

from ameliora.core.tests.walk import every_form_of_the_project


def _fields_read(constraint: models.CheckConstraint) -> set[str]:
    names: set[str] = set()
    pending: list[object] = [constraint.condition]
    while pending:
        node = pending.pop()
        if isinstance(node, models.Q):
            pending.extend(node.children)
        elif isinstance(node, tuple):
            names.add(str(node[0]).split("__")[0])
            pending.append(node[1])
        elif isinstance(node, models.F):
            names.add(node.name.split("__")[0])
    return names


def test_every_constraint_a_form_checks_has_a_message_of_its_own() -> None:
    checked: list[str] = []
    silent: list[str] = []
    for form in every_form_of_the_project():
        model = getattr(getattr(form, "_meta", None), "model", None)
        if not issubclass(form, forms.BaseModelForm) or model is None:
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint) and _fields_read(constraint) <= set(form.base_fields):  # type: ignore[attr-defined]
                checked.append(constraint.name)
                if constraint.violation_error_message == constraint.default_violation_error_message:
                    silent.append(f"{form.__qualname__}: {constraint.name}")

    assert "indicator_multiplier_positive" in checked  # the walk reads the constraints' conditions
    assert silent == []
