"""Imports: every malformed file yields a clear report and imports nothing; replace keeps history."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Organization
from ameliora.indicators.imports import ImportFileError, parse_file
from ameliora.indicators.models import Indicator, Kind, Measurement
from ameliora.indicators.tests.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def errors_per_week(tilleuls: Organization) -> Indicator:
    """A weekly count, the pharmacy's dispensing errors."""
    return IndicatorFactory.create(organization=tilleuls, name="Erreurs", kind=Kind.COUNT)


def _parse(indicator: Indicator, content: bytes, name: str = "data.csv", *, replace: bool = False):
    return parse_file(io.BytesIO(content), name, indicator, replace=replace)


def test_a_french_csv_with_semicolons_and_decimal_commas_is_read(tilleuls: Organization) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls, kind=Kind.MEASUREMENT)
    parsed = _parse(indicator, "période;valeur;note\n06/01/2025;1,5;début\n13/01/2025;2;\n".encode())
    assert parsed.ok
    assert parsed.separator == ";"
    assert [r.value for r in parsed.rows] == [Decimal("1.5"), Decimal(2)]
    assert parsed.rows[0].note == "début"


def test_a_date_inside_a_week_counts_for_that_week(errors_per_week: Indicator) -> None:
    parsed = _parse(errors_per_week, b"date,value\n2025-01-08,3\n")
    assert parsed.rows[0].period_start == date(2025, 1, 6)


def test_every_bad_line_is_reported_with_its_number_and_reason(errors_per_week: Indicator) -> None:
    content = (
        "période;valeur\n"
        "06/01/2025;3\n"
        "32/01/2025;2\n"  # line 3: bad date
        "20/01/2025;trois\n"  # line 4: text in a number column
        "27/01/2025;=1+1\n"  # line 5: formula
        "29/01/2025;4\n"  # line 6: same week as line 5's, once normalised — fine since 5 was refused
        "03/02/2025;@SUM(A1)\n"  # line 7: formula
        "08/01/2025;1\n"  # line 8: same week as line 2
    ).encode()
    parsed = _parse(errors_per_week, content)
    reasons = {(e.line, e.message) for e in parsed.errors}
    assert (3, "“32/01/2025” is not a date (expected dd/mm/yyyy, e.g. 03/03/2025).") in reasons
    assert (4, "Column “value” holds “trois”, which is not a number.") in reasons
    assert (
        5,
        "Column “value” holds “=1+1”, which looks like a spreadsheet formula: refused, never evaluated.",
    ) in reasons
    assert (
        7,
        "Column “value” holds “@SUM(A1)”, which looks like a spreadsheet formula: refused, never evaluated.",
    ) in reasons
    assert (8, "The period 06/01/2025 appears twice.") in reasons
    assert not parsed.ok


def test_a_negative_number_is_not_mistaken_for_a_formula_but_a_dash_command_is(errors_per_week: Indicator) -> None:
    parsed = _parse(errors_per_week, b"periode;valeur;note\n06/01/2025;-2;\n13/01/2025;3;-cmd|' /C calc'!A0\n")
    messages = [e.message for e in parsed.errors]
    assert "A count is a whole number, zero or more." in messages
    assert "The note looks like a spreadsheet formula: refused, never evaluated." in messages


def test_a_period_already_recorded_is_refused_unless_replace(errors_per_week: Indicator) -> None:
    MeasurementFactory.create(indicator=errors_per_week, period_start=date(2025, 1, 6))
    parsed = _parse(errors_per_week, b"periode;valeur\n06/01/2025;3\n")
    assert parsed.errors[0].message.startswith("A value is already recorded for 06/01/2025.")
    assert _parse(errors_per_week, b"periode;valeur\n06/01/2025;3\n", replace=True).ok


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n", "The file is empty."),
        (b"periode;valeur\n", "The file has a header row but no data rows."),
        (
            b"quand;combien\n06/01/2025;3\n",
            "The first row must name the columns; expected: periode, valeur (and optionally note).",
        ),
        (
            "periode;valeur\n".encode("utf-16"),
            "This file is not text in UTF-8 or Windows-1252 (it may be UTF-16): save it as “CSV UTF-8” and try again.",
        ),
    ],
)
def test_an_unreadable_file_says_why(errors_per_week: Indicator, content: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        _parse(errors_per_week, content)


def test_encodings_are_tried_in_order_and_named(errors_per_week: Indicator) -> None:
    text = "période;valeur;note\n06/01/2025;3;contrôle\n"
    assert _parse(errors_per_week, text.encode("utf-8")).encoding == "UTF-8"
    assert _parse(errors_per_week, b"\xef\xbb\xbf" + text.encode("utf-8")).encoding == "UTF-8 with BOM"
    legacy = _parse(errors_per_week, text.encode("cp1252"))
    assert legacy.encoding.startswith("Windows-1252")
    assert legacy.rows[0].note == "contrôle"


def test_an_xlsx_formula_is_refused_not_evaluated(errors_per_week: Indicator) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Période", "Valeur"])
    sheet.append([date(2025, 1, 6), 3])
    sheet.append([date(2025, 1, 13), "=A2*2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = _parse(errors_per_week, buffer.getvalue(), "data.xlsx")
    assert parsed.encoding == "XLSX"
    assert len(parsed.rows) == 1
    assert parsed.errors[0].line == 3
    assert "looks like a spreadsheet formula" in parsed.errors[0].message


# --- Through HTTP: preview, commit, all-or-nothing ------------------------------------------------


def _upload(client: Client, indicator: Indicator, content: bytes, *, replace: bool = False, name: str = "data.csv"):
    url = reverse("indicators:import", kwargs={"org_slug": indicator.organization.slug, "indicator_id": indicator.pk})
    data: dict[str, object] = {"file": SimpleUploadedFile(name, content)}
    if replace:
        data["replace"] = "on"
    return client.post(url, data, follow=True)


def test_a_malformed_file_shows_its_report_and_commits_nothing(
    alice_client: Client, errors_per_week: Indicator
) -> None:
    response = _upload(alice_client, errors_per_week, b"periode;valeur\n06/01/2025;3\n13/01/2025;abc\n")
    html = response.content.decode()
    assert "1 problème trouvé : rien ne sera importé tant que le fichier n'est pas corrigé." in html
    assert "qui n&#x27;est pas un nombre" in html
    # Forcing the commit does not import the good line either.
    response = alice_client.post(response.redirect_chain[-1][0], {"action": "commit"})
    assert response.status_code == 422
    assert not errors_per_week.measurements.exists()


def test_a_cp1252_file_is_accepted_and_the_encoding_shown(alice_client: Client, errors_per_week: Indicator) -> None:
    response = _upload(alice_client, errors_per_week, "période;valeur;note\n06/01/2025;3;contrôlé\n".encode("cp1252"))
    assert "Lu en Windows-1252" in response.content.decode()


def test_a_good_file_is_committed_and_replacements_are_kept_in_history(
    alice: Membership, alice_client: Client, errors_per_week: Indicator
) -> None:
    MeasurementFactory.create(indicator=errors_per_week, period_start=date(2025, 1, 6), value=Decimal(9))
    response = _upload(alice_client, errors_per_week, b"periode;valeur\n06/01/2025;3\n13/01/2025;4\n", replace=True)
    assert "2 valeurs sont prêtes à être importées." in response.content.decode()
    response = alice_client.post(response.redirect_chain[-1][0], {"action": "commit"}, follow=True)
    assert "Import terminé : 1 valeur(s) ajoutée(s), 1 remplacée(s)." in response.content.decode()
    replaced = Measurement.objects.get(indicator=errors_per_week, period_start=date(2025, 1, 6))
    assert replaced.value == 3
    assert [h.value for h in replaced.history.order_by("history_date")] == [9, 3]
    assert replaced.history.latest().history_user == alice.user


def test_a_large_file_is_committed_by_the_background_job(
    alice_client: Client, errors_per_week: Indicator, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from ameliora.indicators import views

    rows = "\n".join(
        f"{date(2000, 1, 3) + timedelta(weeks=k):%d/%m/%Y};{k % 7}" for k in range(views.INLINE_IMPORT_ROWS + 5)
    )
    response = _upload(alice_client, errors_per_week, ("periode;valeur\n" + rows + "\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(response.redirect_chain[-1][0], {"action": "commit"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(f"/o/{errors_per_week.organization.slug}/jobs/")
    assert errors_per_week.measurements.count() == views.INLINE_IMPORT_ROWS + 5


def test_an_empty_upload_is_refused_at_the_form(alice_client: Client, errors_per_week: Indicator) -> None:
    response = _upload(alice_client, errors_per_week, b"")
    assert response.status_code == 422
    assert not errors_per_week.imports.exists()
