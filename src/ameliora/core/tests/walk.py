"""Every form of the project, for tests that check a rule holds in all of them."""

from __future__ import annotations

import importlib
import pkgutil
import re

from django import forms

import ameliora


def every_form_of_the_project() -> list[type[forms.BaseForm]]:
    """The form classes defined by the project's modules (tests excluded), imported first."""
    for module in pkgutil.walk_packages(ameliora.__path__, "ameliora."):
        if not re.search(r"\.(tests|migrations|management|analytics)(\.|$)", module.name):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending = list(forms.BaseForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("ameliora.") and ".tests" not in form.__module__:
            found.append(form)
    return found
