"""Hostile posts into a patient tracer's write-up and its grid of steps: never a 5xx, a refusal is a 422
that says why and writes nothing.

See ``core/tests/properties.py`` for what is drawn and checked.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ameliora.core.models import Membership
from ameliora.core.tests.properties import PROPERTY, check_contract, formset_post, post_for, rolled_back
from ameliora.evaluations import services
from ameliora.evaluations.forms import PatientTracerForm
from ameliora.evaluations.models import Evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracer(alice: Membership) -> Evaluation:
    """A patient tracer of the pharmacy, not written up yet."""
    return services.create_evaluation(acting=alice, method=Evaluation.Method.PATIENT_TRACER, title="Parcours en HDJ")


@PROPERTY
@given(data=st.data())
def test_the_patient_tracer_write_up_and_its_steps(
    alice_client: Client, tracer: Evaluation, data: st.DataObject
) -> None:
    form = PatientTracerForm(instance=tracer)
    url = reverse("evaluations:writeup", kwargs={"org_slug": tracer.organization.slug, "evaluation_id": tracer.pk})
    with rolled_back():
        body = data.draw(post_for(form)) | data.draw(formset_post("step", form.steps.forms[0].fields, most=6))
        check_contract(alice_client, url, body, models=[Evaluation], rows=[tracer])
