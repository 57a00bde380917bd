import pytest

from ameliora.core.spreadsheets import neutralise


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+33 6", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_is_kept_as_text(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Double contrôle", "", 42, 3.5, None])
def test_anything_else_is_unchanged(value: object) -> None:
    assert neutralise(value) == value
