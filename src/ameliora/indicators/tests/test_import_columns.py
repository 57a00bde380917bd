"""Imports as people have them: synonyms, the column step, the remembered columns, the preview."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Organization
from ameliora.indicators.imports import ColumnsNeededError, parse_file
from ameliora.indicators.models import ImportMapping, Indicator, Kind, MeasurementImport
from ameliora.indicators.periods import Periodicity
from ameliora.indicators.tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

WEEKLY_FILE = "Semaine;Erreurs;Commentaire\n06/01/2025;3;début\n13/01/2025;1,0;\n20/01/2025;2;contrôle\n"


@pytest.fixture
def errors_per_week(tilleuls: Organization) -> Indicator:
    return IndicatorFactory.create(organization=tilleuls, name="Erreurs de dispensation", kind=Kind.COUNT)


@pytest.fixture
def falls_rate(tilleuls: Organization) -> Indicator:
    return IndicatorFactory.create(
        organization=tilleuls, name="Chutes", kind=Kind.PROPORTION, periodicity=Periodicity.MONTH
    )


def _parse(indicator: Indicator, content: bytes, **kwargs: object):
    return parse_file(io.BytesIO(content), "data.csv", indicator, replace=False, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "header",
    [
        "Période;Valeur;Note",
        "PERIODE;VALEUR;REMARQUE",
        "Semaine;Nombre;Commentaire",
        "Mois,Total,Commentaires",
        "Date de début\tNb d'erreurs\tObservations",
        " Semaine du ;Nombre d’erreurs;Remarques ",
    ],
)
def test_french_headers_and_synonyms_are_recognised_whatever_the_case_accents_and_separator(
    errors_per_week: Indicator, header: str
) -> None:
    separator = next(s for s in ";\t," if s in header)
    content = f"{header}\n06/01/2025{separator}3{separator}vu\n".encode()
    parsed = _parse(errors_per_week, content)
    assert parsed.ok
    assert parsed.columns_from == "header"
    assert (parsed.rows[0].value, parsed.rows[0].note) == (Decimal(3), "vu")


def test_numerator_and_denominator_synonyms_are_recognised_for_a_rate(falls_rate: Indicator) -> None:
    parsed = _parse(falls_rate, "Mois;Numérateur;Dénominateur;Commentaire\n01/2025;2;40;\n".encode("cp1252"))
    assert parsed.ok
    assert (parsed.rows[0].period_start, parsed.rows[0].numerator, parsed.rows[0].denominator) == (
        date(2025, 1, 1),
        Decimal(2),
        Decimal(40),
    )


def test_unrecognised_headers_ask_for_the_columns_with_the_first_lines(errors_per_week: Indicator) -> None:
    with pytest.raises(ColumnsNeededError) as refused:
        _parse(errors_per_week, WEEKLY_FILE.encode())
    assert refused.value.head.headers == ["Semaine", "Erreurs", "Commentaire"]
    assert refused.value.head.samples[0] == ["06/01/2025", "3", "début"]


def test_columns_chosen_read_a_cp1252_file(errors_per_week: Indicator) -> None:
    parsed = _parse(errors_per_week, WEEKLY_FILE.encode("cp1252"), columns={"period": 0, "value": 1, "note": 2})
    assert parsed.ok
    assert parsed.encoding.startswith("Windows-1252")
    assert [(r.value, r.note) for r in parsed.rows] == [(3, "début"), (1, ""), (2, "contrôle")]
    assert parsed.column_names == {"period": "Semaine", "value": "Erreurs", "note": "Commentaire"}


def test_a_remembered_mapping_applies_only_when_the_file_has_its_headers(errors_per_week: Indicator) -> None:
    remembered = {"period": "semaine", "value": "ERREURS", "note": "Commentaire"}
    parsed = _parse(errors_per_week, WEEKLY_FILE.encode(), remembered=remembered)
    assert parsed.columns_from == "remembered"
    assert parsed.ok
    with pytest.raises(ColumnsNeededError):
        _parse(errors_per_week, b"Semaine;Incidents\n06/01/2025;3\n", remembered=remembered)


# --- Through HTTP -----------------------------------------------------------------------------------


def _upload(client: Client, indicator: Indicator, content: bytes, name: str = "erreurs.csv"):
    url = reverse("indicators:import", kwargs={"org_slug": indicator.organization.slug, "indicator_id": indicator.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_the_column_step_reads_semaine_erreurs_commentaire_and_remembers_it(
    alice: Membership, alice_client: Client, errors_per_week: Indicator
) -> None:
    response = _upload(alice_client, errors_per_week, WEEKLY_FILE.encode("cp1252"))
    columns_url = response.redirect_chain[-1][0]
    assert columns_url.endswith("/columns/")
    html = response.content.decode()
    assert "dites quelle colonne est laquelle" in html
    assert "<td>début</td>" in html  # the first lines are shown
    assert "celles du dernier import" not in html  # nothing remembered yet
    # The note is recognised by its name; the only column of numbers is proposed as the value.
    form = response.context["form"]
    assert (form["period"].value(), form["value"].value(), form["note"].value()) == ("0", "1", "2")

    # Refused: no value column, and the same column twice. What was chosen stays selected.
    response = alice_client.post(columns_url, {"period": "0", "value": "", "note": "0"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choisissez la colonne à lire comme « valeur »." in html
    assert "Cette colonne est déjà choisie ailleurs : choisissez-en une autre." in html
    assert response.context["form"]["period"].value() == "0"

    response = alice_client.post(columns_url, {"period": "0", "value": "1", "note": "2"}, follow=True)
    html = response.content.decode()
    assert "Colonnes que vous avez choisies" in html
    assert "Valeur ← Erreurs" in html
    assert "3 valeurs sont prêtes à être importées." in html
    assert "<td>contrôle</td>" in html
    response = alice_client.post(response.redirect_chain[-1][0], {"action": "commit"}, follow=True)
    assert "Import terminé : 3 valeur(s) ajoutée(s), 0 remplacée(s)." in response.content.decode()
    assert list(errors_per_week.measurements.order_by("period_start").values_list("value", flat=True)) == [3, 1, 2]
    mapping = ImportMapping.objects.get(indicator=errors_per_week)
    assert mapping.columns == {"period": "Semaine", "value": "Erreurs", "note": "Commentaire"}
    assert mapping.updated_by == alice.user

    # Next time, the same kind of file goes straight to the preview with the remembered columns.
    later = "Semaine;Erreurs;Commentaire\n27/01/2025;4;\n"
    response = _upload(alice_client, errors_per_week, later.encode())
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/import/{errors_per_week.imports.latest('pk').pk}/")
    assert "Colonnes retenues lors du dernier import de cet indicateur" in html
    assert "1 valeur est prête à être importée." in html


def test_the_preview_shows_each_first_line_as_read_and_every_rejected_line_with_its_number(
    alice_client: Client, errors_per_week: Indicator
) -> None:
    content = "Période;Nombre;Remarque\n08/01/2025;3;vu\n15/01/2025;deux;\n22/01/2025;1,5;\n29/01/2025;0;\n"
    response = _upload(alice_client, errors_per_week, content.encode())
    html = response.content.decode()
    assert "Colonnes reconnues dans la première ligne" in html
    # Line 2: a date inside the week reads as the week's first day.
    flat = re.sub(r"\s+", " ", html)
    assert "<td>2</td><td>08/01/2025</td> <td>période commençant le 06/01/2025</td><td>3</td><td>vu</td>" in flat
    assert "La colonne « valeur » contient « deux », qui n&#x27;est pas un nombre." in html
    errors = [(e["line"], e["message"]) for e in response.context["errors"]]
    assert [line for line, _message in errors] == [3, 4]
    assert "Importer uniquement les 2 lignes valides" in html
    assert "Importer</button>" not in html  # all or nothing unless asked


def test_nothing_is_imported_partially_unless_asked(alice_client: Client, errors_per_week: Indicator) -> None:
    content = "Période;Valeur\n06/01/2025;3\n13/01/2025;abc\n20/01/2025;2\n"
    preview_url = _upload(alice_client, errors_per_week, content.encode()).redirect_chain[-1][0]
    response = alice_client.post(preview_url, {"action": "commit"})
    assert response.status_code == 422
    assert not errors_per_week.measurements.exists()
    response = alice_client.post(preview_url, {"action": "commit_valid"}, follow=True)
    assert (
        "Import terminé : 2 valeur(s) ajoutée(s), 0 remplacée(s). 1 ligne(s) écartée(s)." in response.content.decode()
    )
    assert sorted(errors_per_week.measurements.values_list("period_start", flat=True)) == [
        date(2025, 1, 6),
        date(2025, 1, 20),
    ]


def test_another_persons_import_and_another_organizations_indicator_are_not_found(
    alice_client: Client, bob_client: Client, charlie_client: Client, errors_per_week: Indicator
) -> None:
    columns_url = _upload(alice_client, errors_per_week, WEEKLY_FILE.encode()).redirect_chain[-1][0]
    assert bob_client.get(columns_url).status_code == 404
    assert charlie_client.get(columns_url).status_code == 404
    assert charlie_client.post(columns_url, {"period": "0", "value": "1"}).status_code == 404
    assert MeasurementImport.objects.get().columns == {}
