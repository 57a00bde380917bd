"""``ameliora demo``: the fictional organizations every newcomer signs in to with the README's password."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db import models
from django.test import Client

from ameliora.core.demo import DEMO_PASSWORD, ORGANIZATIONS, SCALE_SLUG
from ameliora.core.models import Membership, MembershipRole, Notification, Organization, Unit, User

COUNTED: tuple[type[models.Model], ...] = (
    Organization,
    Unit,
    User,
    EmailAddress,
    Membership,
    MembershipRole,
    Membership.units.through,
    Notification,
)


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_the_demo_is_idempotent(db: None) -> None:
    summary = demo()
    first = counts()
    demo()

    assert counts() == first
    assert first["Organization"] == len(ORGANIZATIONS)
    assert first["User"] == sum(len(spec.personas) for spec in ORGANIZATIONS)
    assert DEMO_PASSWORD in summary
    # Documents are distributed to units: the care service's and the hospital's people belong to theirs.
    for slug in ("service-des-coteaux", "ch-villefranche-medecine"):
        assert Unit.objects.filter(organization__slug=slug, members__isnull=True).count() == 0


def test_demo_list_prints_one_line_per_persona_with_email_slug_and_roles(db: None) -> None:
    lines = demo("--list").splitlines()

    expected = [(p.email, spec.slug, ",".join(p.roles)) for spec in ORGANIZATIONS for p in spec.personas]
    assert [tuple(line.split("\t")) for line in lines] == expected
    assert ("helene.garnier@tilleuls.test", "pharmacie-des-tilleuls", "admin") in expected


@pytest.mark.parametrize("spec", ORGANIZATIONS, ids=[spec.slug for spec in ORGANIZATIONS])
def test_a_demo_persona_signs_in_with_the_readme_password_and_lands_in_their_organization(
    spec, client: Client, db: None
) -> None:
    demo()
    persona = spec.personas[-1]

    login = client.post("/accounts/login/", {"login": persona.email, "password": DEMO_PASSWORD})
    home = client.get(login["Location"])

    assert login.status_code == 302
    assert home.status_code == 302
    assert home["Location"] == f"/o/{spec.slug}/"
    assert client.get(home["Location"]).status_code == 200


def test_demo_scale_fills_the_synthetic_organization_and_can_run_again(db: None) -> None:
    demo("--scale", "1")
    organization = Organization.objects.get(slug=SCALE_SLUG)
    first = counts()
    demo("--scale", "1")

    assert Membership.objects.for_org(organization).count() == 50
    assert Notification.objects.for_org(organization).count() == 200
    assert counts() == first
