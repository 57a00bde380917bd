"""Hostile posts into the new document form: never a 5xx, a refusal is a 422 that says why and writes
nothing (no row, no file).

See ``core/tests/properties.py`` for what is drawn and checked.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ameliora.core.models import Membership, Organization
from ameliora.core.tests.properties import PROPERTY, check_contract, form_on_page, post_for, rolled_back
from ameliora.documents.models import Document, DocumentVersion
from ameliora.documents.tests.factories import any_document_id
from ameliora.processes.tests.factories import ProcessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def processes(tilleuls: Organization, charlie: Membership) -> None:
    """A process of the pharmacy; another organization's process and document, for forged posts."""
    ProcessFactory.create(organization=tilleuls)
    ProcessFactory.create(organization=charlie.organization)
    any_document_id(charlie.organization, charlie)


@PROPERTY
@given(data=st.data())
def test_the_new_document_form(
    alice_client: Client, tilleuls: Organization, processes: None, data: st.DataObject
) -> None:
    url = reverse("documents:document_create", kwargs={"org_slug": tilleuls.slug})
    form = form_on_page(alice_client, url)
    with rolled_back():
        body = data.draw(post_for(form))
        check_contract(alice_client, url, body, models=[Document, DocumentVersion, Document.processes.through])
