"""``ameliora analyse`` reads a payload on standard input, freeze and exclude included."""

import io
import json

import pytest
from django.core.management import call_command


def run(monkeypatch: pytest.MonkeyPatch, payload: dict[str, object]) -> list[dict[str, object]]:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(payload)))
    out = io.StringIO()
    call_command("analyse", stdout=out)
    result: list[dict[str, object]] = json.loads(out.getvalue())
    return result


def test_freeze_and_exclude_keys_are_read_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    payload = {"chart": "c", "y": [4, 6, 5, 5, 30, 7, 12, 13], "freeze": 6, "exclude": [5]}

    (result,) = run(monkeypatch, payload)

    # Baseline: points 1-6 less point 5 -> (4 + 6 + 5 + 5 + 7) / 5.
    assert result["cl"] == pytest.approx(5.4)
    assert result["freeze"] == 6
    assert result["excluded"] == [False, False, False, False, True, False, False, False]


def test_a_bad_freeze_prints_a_json_message_and_exits_with_status_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"chart": "c", "y": [1, 2, 3], "freeze": 9})))

    with pytest.raises(SystemExit) as exit_info:
        call_command("analyse")

    assert exit_info.value.code == 2
    assert json.loads(capsys.readouterr().err) == {
        "message": "freeze = 9 exceeds the 3 points of the series; it is the number of baseline points, "
        "counted from the first"
    }
