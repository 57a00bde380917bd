"""The Team page: inviting a colleague, form errors, exporting the member list."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from .support import SignIn

pytestmark = pytest.mark.e2e

PHARMACY = "pharmacie-des-tilleuls"
ADMIN = "helene.garnier@tilleuls.test"


def open_team_page(page: Page) -> None:
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Équipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipe")


def test_an_admin_invites_a_colleague_from_the_team_page_and_sees_the_pending_invitation(page: Page, sign_in: SignIn):
    sign_in(page, ADMIN)
    open_team_page(page)

    invite = page.locator("section", has=page.get_by_role("heading", name="Inviter quelqu’un"))
    invite.get_by_label("E-mail").fill("nouvelle.collegue@tilleuls.test")
    expect(invite.get_by_role("checkbox", name="Membre", exact=True)).to_be_checked()  # the default role
    invite.get_by_role("button", name="Envoyer l'invitation").click()

    expect(page.get_by_role("status")).to_contain_text("Invitation envoyée à nouvelle.collegue@tilleuls.test.")
    pending = page.locator("section", has=page.get_by_role("heading", name="Invitations en attente"))
    expect(pending.get_by_role("listitem").filter(has_text="nouvelle.collegue@tilleuls.test")).to_have_count(1)
    expect(pending.get_by_role("button", name="Révoquer")).to_have_count(1)
    # The invitation email went out through the task backend (immediate in tests).
    assert [message.to for message in mail.outbox] == [["nouvelle.collegue@tilleuls.test"]]


def test_a_bad_email_shows_the_error_next_to_the_field_and_keeps_what_was_typed(page: Page, sign_in: SignIn):
    sign_in(page, ADMIN)
    open_team_page(page)

    invite = page.locator("section", has=page.get_by_role("heading", name="Inviter quelqu’un"))
    email = invite.get_by_label("E-mail")
    email.fill("helene-chez-tilleuls")
    invite.get_by_role("button", name="Envoyer l'invitation").click()

    email = page.get_by_label("E-mail")
    expect(email).to_have_value("helene-chez-tilleuls")
    expect(email).to_have_attribute("aria-invalid", "true")
    field_group = page.locator(".mb-3", has=email)
    expect(field_group.locator(".invalid-feedback")).to_have_text("Saisissez une adresse de courriel valide.")
    pending = page.locator("section", has=page.get_by_role("heading", name="Invitations en attente"))
    expect(pending).to_contain_text("Aucune invitation en attente.")
    assert mail.outbox == []


def test_exporting_the_member_list_shows_the_job_page_with_the_download_link(page: Page, sign_in: SignIn):
    sign_in(page, ADMIN)
    open_team_page(page)

    page.get_by_role("button", name="Exporter la liste (CSV)").click()

    expect(page).to_have_url(re.compile(rf"/o/{PHARMACY}/jobs/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Export de la liste des membres")
    link = page.get_by_role("link", name=f"Télécharger {PHARMACY}-members.csv")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"{PHARMACY}-members.csv"
    content = download.path().read_text(encoding="utf-8-sig")
    assert "helene.garnier@tilleuls.test" in content
    assert "lucas.martin@tilleuls.test" in content
