"""The workflow: each transition declared once, recorded with who and when, refused with a clear message."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ameliora.core.models import Membership
from ameliora.events import services
from ameliora.events.models import (
    DECISION_REQUIRED,
    LEVEL_REQUIRED,
    REASON_REQUIRED,
    TRANSITION_REFUSED,
    Event,
    EventSettings,
    EventTransition,
    _add_months,
)
from ameliora.events.tests.support import declared_by


def _triage(event: Event, alice: Membership, **kwargs: object) -> Event:
    params: dict[str, object] = {
        "severity": 3,
        "likelihood": 4,
        "handler": alice,
        "level": None,
        "criteria": {},
        "acting": alice,
    }
    params.update(kwargs)
    return services.triage_event(event, **params)  # type: ignore[arg-type]


def test_a_declaration_is_received_with_a_yearly_reference(bob: Membership, event_settings: EventSettings) -> None:
    first, second = declared_by(bob), declared_by(bob)

    year = timezone.localdate().year
    assert (first.reference, second.reference) == (f"EI-{year}-001", f"EI-{year}-002")
    assert first.status == Event.Status.RECEIVED
    declared = first.transitions.get()
    assert (declared.action, declared.by) == ("declare", None)


def test_triage_computes_criticity_and_records_who_and_when(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    event = _triage(declared_by(bob), alice)

    event.refresh_from_db()
    assert (event.status, event.severity, event.likelihood, event.criticity) == ("triaged", 3, 4, 12)
    assert event.criticity_zone == "unacceptable"
    assert event.triaged_at is not None
    transition = event.transitions.get(action="triage")
    assert (transition.by, transition.from_status, transition.to_status) == (alice, "received", "triaged")


def test_the_full_path_to_closure(alice: Membership, bob: Membership, event_settings: EventSettings) -> None:
    event = _triage(declared_by(bob), alice)
    services.move_event(event, "start_analysis", acting=alice)
    services.add_decision(
        event, kind="no_action", text="", reason="Déjà couvert", owner=None, due_on=None, acting=alice
    )
    services.move_event(event, "decide_actions", acting=alice)
    services.move_event(event, "close", acting=alice)

    event.refresh_from_db()
    assert event.status == Event.Status.CLOSED
    assert event.closed_at is not None
    assert list(event.transitions.values_list("to_status", flat=True)) == [
        "received", "triaged", "in_analysis", "actions_decided", "closed",
    ]  # fmt: skip


def test_a_refused_transition_says_why(alice: Membership, bob: Membership, event_settings: EventSettings) -> None:
    event = declared_by(bob)

    with pytest.raises(ValidationError) as refused:
        services.move_event(event, "close", acting=alice)

    assert refused.value.messages == [str(TRANSITION_REFUSED % {"status": "Received", "action": "closed"})]
    assert Event.objects.get(pk=event.pk).status == "received"
    assert not EventTransition.objects.filter(event=event, action="close").exists()


def test_actions_decided_needs_a_decision(alice: Membership, bob: Membership, event_settings: EventSettings) -> None:
    event = _triage(declared_by(bob), alice)

    with pytest.raises(ValidationError) as refused:
        services.move_event(event, "decide_actions", acting=alice)

    assert refused.value.messages == [str(DECISION_REQUIRED)]


def test_not_retained_needs_a_reason_and_keeps_it(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    event = declared_by(bob)
    with pytest.raises(ValidationError) as refused:
        services.reject_event(event, reason="  ", acting=alice)
    assert refused.value.messages == [str(REASON_REQUIRED)]

    services.reject_event(event, reason="Doublon", acting=alice)

    event.refresh_from_db()
    assert (event.status, event.not_retained_reason) == ("not_retained", "Doublon")
    assert event.transitions.get(action="reject").note == "Doublon"


def test_with_rex_levels_triage_needs_a_level_and_level_2_sets_the_check_back(
    alice: Membership, bob: Membership, rex_settings: EventSettings
) -> None:
    event = declared_by(bob)
    with pytest.raises(ValidationError) as refused:
        _triage(event, alice)
    assert refused.value.messages == [str(LEVEL_REQUIRED)]

    event = Event.objects.get(pk=event.pk)
    _triage(event, alice, level=2, criteria={"complex_coordination": True})

    event.refresh_from_db()
    assert event.level == 2
    assert event.check_back_due == timezone.localdate() + timedelta(days=15)
    assert event.complex_coordination
    assert not event.complex_patient


def test_the_check_back_delay_is_configurable(alice: Membership, bob: Membership, rex_settings: EventSettings) -> None:
    rex_settings.check_back_days = 8
    rex_settings.save()

    event = _triage(declared_by(bob), alice, level=2)

    assert event.check_back_due == timezone.localdate() + timedelta(days=8)


def test_eigs_part_2_is_due_three_months_after_part_1() -> None:
    assert _add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert _add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)


def test_chronology_entries_move_up_and_down(alice: Membership, bob: Membership, event_settings: EventSettings) -> None:
    event = declared_by(bob)
    now = timezone.now()
    a, _b, c = (services.add_timeline_entry(event, happened_at=now, description=text, acting=alice) for text in "abc")

    services.move_timeline_entry(c, direction="up", acting=alice)
    assert [e.description for e in event.timeline.all()] == ["a", "c", "b"]
    services.move_timeline_entry(a, direction="up", acting=alice)  # already first: nothing moves
    services.move_timeline_entry(a, direction="down", acting=alice)
    assert [e.description for e in event.timeline.all()] == ["c", "a", "b"]
