"""Importing the spreadsheet a pharmacy keeps: "Semaine;Erreurs;Commentaire" from an older Excel
(Windows-1252), through the column step, the preview and the confirmation; the next file of the
same shape goes straight to the preview."""

from __future__ import annotations

import pytest
from playwright.sync_api import FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from ameliora.indicators.models import ImportMapping, Indicator

from .support import SignIn

pytestmark = pytest.mark.e2e

PHARMACY = "pharmacie-des-tilleuls"
ADMIN = "helene.garnier@tilleuls.test"
INDICATOR = "Erreurs de dispensation par semaine"
FILE = "Semaine;Erreurs;Commentaire\n07/01/2019;4;équipe réduite\n14/01/2019;2;\n21/01/2019;1,0;contrôlé\n"


def upload(page: Page, name: str, content: str) -> None:
    page.get_by_role("link", name="Importer un fichier").click()
    payload: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": content.encode("cp1252")}
    page.get_by_label("Fichier (CSV ou XLSX)").set_input_files(files=[payload])
    page.get_by_role("button", name="Aperçu").click()


def test_a_file_with_its_own_headers_is_mapped_previewed_and_imported(
    page: Page, sign_in: SignIn, live_server: LiveServer
) -> None:
    indicator = Indicator.objects.get(organization__slug=PHARMACY, name=INDICATOR)
    sign_in(page, ADMIN)
    page.goto(f"{live_server.url}/o/{PHARMACY}/indicators/{indicator.pk}/")

    upload(page, "erreurs-2019.csv", FILE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Colonnes de erreurs-2019.csv")
    expect(page.get_by_role("table", name="Les premières lignes du fichier")).to_contain_text("équipe réduite")
    page.get_by_label("Période").select_option(label="Semaine (ex. 07/01/2019)")
    page.get_by_label("Valeur").select_option(label="Erreurs (ex. 4)")
    expect(page.get_by_text("Les colonnes proposées sont celles du dernier import")).to_have_count(0)
    page.get_by_label("Remarque").select_option(label="Commentaire (ex. équipe réduite)")
    page.get_by_role("button", name="Aperçu").click()

    expect(page.locator("#import-columns")).to_contain_text("Valeur ← Erreurs")
    preview = page.get_by_role("table", name="Premières lignes telles qu'elles seront lues")
    expect(preview.get_by_role("row").nth(1)).to_contain_text("période commençant le 07/01/2019")
    expect(preview.get_by_role("row").nth(3)).to_contain_text("contrôlé")
    page.get_by_role("button", name="Importer", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Import terminé : 3 valeur(s) ajoutée(s), 0 remplacée(s).")
    assert indicator.measurements.filter(period_start__year=2019).count() == 3
    assert ImportMapping.objects.get(indicator=indicator).columns["value"] == "Erreurs"

    # The next export from the same spreadsheet needs no mapping.
    upload(page, "erreurs-2019-fin.csv", "Semaine;Erreurs;Commentaire\n28/01/2019;3;\n")
    expect(page.locator("#import-columns")).to_contain_text("Colonnes retenues lors du dernier import")
    expect(page.get_by_text("1 valeur est prête à être importée.")).to_be_visible()
