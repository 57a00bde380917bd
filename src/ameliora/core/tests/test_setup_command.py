"""``ameliora setup``: the operator creates the first organization and its administrator, then signs in."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from ameliora.core import services
from ameliora.core.models import Membership, Organization, Role, User
from ameliora.core.tests.factories import OrganizationFactory, UserFactory

PASSWORD = "Quatre-saisons-au-comptoir"


class TTY(io.StringIO):
    """Standard input of an operator at a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    """The password handed over in a file, as a provisioning script would (trailing newline included)."""
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def setup(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command("setup", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def noinput(password_file: Path, *extra: str) -> list[str]:
    return [
        "--noinput",
        "--organization=Pharmacie du Centre",
        "--kind=pharmacy",
        "--email=Claire.Martin@Centre.example",
        "--first-name=Claire",
        "--last-name=Martin",
        f"--password-file={password_file}",
        *extra,
    ]


def nothing_created() -> bool:
    return not Organization.objects.exists() and not User.objects.exists() and not Membership.objects.exists()


def test_setup_creates_the_organization_and_its_administrator_who_can_sign_in(
    db: None, password_file: Path, settings: object, client: Client
) -> None:
    summary = setup(*noinput(password_file))

    organization = Organization.objects.get()
    membership = Membership.objects.select_related("user").get()
    assert (organization.name, organization.kind, organization.slug) == (
        "Pharmacie du Centre",
        Organization.Kind.PHARMACY,
        "pharmacie-du-centre",
    )
    assert membership.organization == organization
    assert membership.roles == {Role.ADMIN}
    assert (membership.user.email, membership.user.first_name, membership.user.last_name) == (
        "claire.martin@centre.example",
        "Claire",
        "Martin",
    )
    assert not membership.user.is_staff
    assert summary.count("\n") == 1
    assert "claire.martin@centre.example" in summary
    assert "sign in at http://127.0.0.1:8000/accounts/login/" in summary

    response = client.post("/accounts/login/", {"login": "claire.martin@centre.example", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/o/pharmacie-du-centre/").status_code == 200


def test_the_login_url_of_the_summary_follows_site_url(db: None, password_file: Path, settings: object) -> None:
    settings.SITE_URL = "https://qualite.example.fr"  # type: ignore[attr-defined]

    summary = setup(*noinput(password_file, "--slug=centre"))

    assert summary.rstrip().endswith("sign in at https://qualite.example.fr/accounts/login/")
    assert "/o/centre/" in summary


def test_setup_refuses_once_an_organization_exists_and_changes_nothing(db: None, password_file: Path) -> None:
    OrganizationFactory.create(slug="existing")

    with pytest.raises(CommandError, match="already has an organization") as refused:
        setup(*noinput(password_file))

    assert refused.value.returncode == 3
    assert Organization.objects.count() == 1
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--email=not-an-address", "--email: Enter a valid email address."),
        ("--slug=Pharmacie du Centre", "--slug: Enter a valid “slug”"),
        ("--organization=   ", "--organization: This field cannot be blank."),
    ],
    ids=["email", "slug", "name"],
)
def test_bad_values_are_refused_with_the_option_named_and_nothing_created(
    db: None, password_file: Path, option: str, message: str
) -> None:
    with pytest.raises(CommandError) as refused:
        setup(*noinput(password_file, option))

    assert message in str(refused.value)
    assert nothing_created()


def test_an_unknown_kind_is_refused_with_the_choices(db: None, password_file: Path) -> None:
    with pytest.raises(CommandError, match=r"invalid choice: 'clinic'.*pharmacy"):
        setup(*noinput(password_file, "--kind=clinic"))

    assert nothing_created()


def test_a_weak_password_is_refused_by_the_password_validators(db: None, tmp_path: Path) -> None:
    weak = tmp_path / "weak"
    weak.write_text("Martin123", encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        setup(*noinput(weak))

    assert "password: " in str(refused.value)
    assert "too similar to the last name" in str(refused.value)
    assert "too short" in str(refused.value)
    assert nothing_created()


def test_an_address_already_used_by_an_account_is_refused(db: None, password_file: Path) -> None:
    UserFactory.create(email="claire.martin@centre.example")

    with translation.override("en"), pytest.raises(CommandError, match=re.escape(str(services.EMAIL_TAKEN))):
        setup(*noinput(password_file))

    assert not Organization.objects.exists()


def test_noinput_names_every_missing_option(db: None) -> None:
    with pytest.raises(CommandError, match="also give --organization, --kind, --email, --password-file"):
        setup("--noinput")


def test_an_unreadable_password_file_is_reported(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read the password file"):
        setup(*noinput(tmp_path / "missing"))

    assert nothing_created()


def test_without_a_terminal_it_asks_for_noinput_instead_of_waiting(db: None) -> None:
    with pytest.raises(CommandError, match="not a terminal: pass --noinput"):
        setup(stdin=io.StringIO())


def test_nothing_is_kept_when_a_late_step_fails(db: None, password_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> Membership:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "add_member", broken)

    with pytest.raises(RuntimeError):
        setup(*noinput(password_file))

    assert nothing_created()
    assert not EmailAddress.objects.exists()


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[str], list[str]]]:
    """What the operator types: visible answers for ``input``, hidden ones for ``getpass``."""
    typed: list[str] = []
    hidden: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": typed.pop(0))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": hidden.pop(0))
    yield typed, hidden
    assert typed == []
    assert hidden == []


def test_interactively_it_asks_again_until_each_answer_is_valid(db: None, answers: tuple[list[str], list[str]]) -> None:
    typed, hidden = answers
    typed += ["CPTS Lauragais", "clinic", "cpts", "", "nobody", "isabelle@lauragais.example", "Isabelle", "Caron"]
    hidden += ["Un-mot-de-passe-long", "Un-autre-mot-de-passe", "12345678901", "12345678901", PASSWORD, PASSWORD]
    err = io.StringIO()

    call_command("setup", stdin=TTY(), stdout=io.StringIO(), stderr=err)

    membership = Membership.objects.select_related("organization", "user").get()
    assert (membership.organization.slug, membership.organization.kind) == ("cpts-lauragais", "cpts")
    assert membership.user.first_name == "Isabelle"
    assert membership.user.check_password(PASSWORD)
    errors = err.getvalue()
    assert "choose one of pharmacy, care_service, cpts" in errors
    assert "Enter a valid email address." in errors
    assert "the two passwords differ" in errors
    assert "This password is entirely numeric." in errors
