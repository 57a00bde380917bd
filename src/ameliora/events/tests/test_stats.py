"""The yearly REX figures on a known dataset."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ameliora.core.models import Membership
from ameliora.core.tests.assertions import page_text
from ameliora.events import stats
from ameliora.events.models import Event, EventCategory, EventSettings, EventTransition
from ameliora.events.tests.factories import EventFactory

TZ = timezone.get_default_timezone()


def _at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=TZ)


def _dataset(alice: Membership, bob: Membership) -> None:
    org = alice.organization
    medication = EventCategory.objects.get(organization=org, code="medication")
    care = EventCategory.objects.get(organization=org, code="care")
    common = {"organization": org, "category": medication}
    # Level 1, closed after 4 days, triaged after 1 day, declared by bob.
    EventFactory.create(**common, received_at=_at(1, 10), level=1, status="closed", triaged_at=_at(1, 11),
                        closed_at=_at(1, 14), reported_by=bob)  # fmt: skip
    # Level 2, check-back on time, closed after 20 days, triaged after 3 days.
    EventFactory.create(**common, received_at=_at(3, 1), level=2, status="closed", triaged_at=_at(3, 4),
                        closed_at=_at(3, 21), check_back_due=date(2025, 3, 19),
                        check_back_done_at=_at(3, 18), handler=alice)  # fmt: skip
    # Level 2, check-back late, still open.
    EventFactory.create(**common, received_at=_at(3, 5), level=2, status="triaged", triaged_at=_at(3, 6),
                        check_back_due=date(2025, 3, 21), check_back_done_at=_at(3, 25), handler=alice)  # fmt: skip
    # Level 3 in analysis, public; and one not retained (out of the resolution rate).
    EventFactory.create(organization=org, category=care, received_at=_at(3, 20), level=3, status="in_analysis",
                        triaged_at=_at(3, 21), source="public")  # fmt: skip
    EventFactory.create(**common, received_at=_at(12, 31, 22), status="not_retained")
    # Another year: never counted.
    EventFactory.create(**common, received_at=datetime(2024, 12, 31, 10, tzinfo=TZ), level=1)


def test_the_yearly_figures(alice: Membership, bob: Membership, event_settings: EventSettings) -> None:
    _dataset(alice, bob)
    org = alice.organization
    event = Event.objects.get(level=3)
    EventTransition.objects.create(organization=org, event=event, action="triage", to_status="triaged", by=alice)

    figures = stats.year_figures(org, 2025, today=date(2025, 12, 31))

    assert figures.total == 5
    assert figures.per_level == {1: 1, 2: 2, 3: 1, None: 1}
    assert figures.per_category == [("Medication", 4), ("Care", 1)]
    assert figures.per_month == [1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1]  # 31 Dec 22:00 Paris is still December
    assert figures.professionals == 3  # bob, alice, + one public declaration
    assert figures.resolution_rate == 2 / 4
    assert figures.median_days_to_triage == 1.0  # 1, 3, 1, 1 days
    assert figures.median_days_to_closure == (4 + 20) / 2
    assert (figures.check_backs.due, figures.check_backs.on_time, figures.check_backs.share) == (2, 1, 0.5)


def test_an_empty_year_has_no_rates(alice: Membership, event_settings: EventSettings) -> None:
    figures = stats.year_figures(alice.organization, 2020)

    assert figures.total == 0
    assert figures.resolution_rate is None
    assert figures.median_days_to_triage is None


def test_the_dashboard_shows_the_figures(
    alice: Membership, bob: Membership, alice_client: Client, bob_client: Client, event_settings: EventSettings
) -> None:
    _dataset(alice, bob)
    url = reverse("events:dashboard", kwargs={"org_slug": "tilleuls"}) + "?year=2025"

    page = page_text(alice_client.get(url))

    assert 'id="fig-total">5<' in page
    assert "<svg" in page
    assert bob_client.get(url).status_code == 403


def test_the_computed_sources_count_a_period(alice: Membership, bob: Membership, event_settings: EventSettings) -> None:
    from ameliora.events import sources

    _dataset(alice, bob)
    org = alice.organization

    assert sources.declared(org, date(2025, 3, 1), date(2025, 3, 31), "monthly") == (3, None)
    assert sources.declared_at_level(2)(org, date(2025, 1, 1), date(2025, 12, 31), "yearly") == (2, None)
    assert sources.resolution(org, date(2025, 1, 1), date(2025, 12, 31), "yearly") == (2, 4)
    assert sources.check_backs_on_time(org, date(2025, 1, 1), date(2025, 12, 31), "yearly") == (1, 2)


def test_declarations_can_be_counted_for_one_category(
    alice: Membership, bob: Membership, charlie: Membership, event_settings: EventSettings
) -> None:
    from ameliora.events import sources

    _dataset(alice, bob)
    org = alice.organization
    care = EventCategory.objects.get(organization=org, code="care")
    foreign = EventCategory.objects.filter(organization=charlie.organization).first()
    march = (org, date(2025, 3, 1), date(2025, 3, 31), "monthly")

    assert sources.declared(*march) == (3, None)
    assert sources.declared(*march, parameter=str(care.pk)) == (1, None)
    assert (str(care.pk), care.name) in sources.category_choices(org)
    if foreign is not None:
        assert str(foreign.pk) not in dict(sources.category_choices(org))


def test_the_professionals_and_closure_sources_reuse_the_yearly_figures(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    from ameliora.events import sources
    from ameliora.indicators.sources import get_source

    _dataset(alice, bob)
    org = alice.organization
    year = (date(2025, 1, 1), date(2025, 12, 31), "yearly")

    assert sources.professionals_involved(org, *year) == (stats.professionals_involved(org, 2025), None)
    assert sources.professionals_involved(org, *year) == (3, None)  # bob, alice, + one public declaration
    assert sources.median_days_to_closure(org, *year) == ((4 + 20) / 2, None)
    assert sources.median_days_to_closure(org, date(2025, 3, 1), date(2025, 3, 31), "monthly") == (20.0, None)
    assert sources.median_days_to_closure(org, date(2025, 6, 1), date(2025, 6, 30), "monthly") == (None, None)
    assert get_source("events.professionals_involved") is not None
    assert get_source("events.median_days_to_closure") is not None


def test_a_case_closed_after_a_negative_check_back_is_not_resolved(
    alice: Membership, event_settings: EventSettings
) -> None:
    """Issue 18: closing a level-2 case whose check-back said "not resolved" raised the rate from 33 % to 44 %."""
    from ameliora.events import services, sources

    org = alice.organization
    received = timezone.now() - timedelta(days=30)
    EventFactory.create_batch(3, organization=org, received_at=received, status="closed", closed_at=received)
    EventFactory.create_batch(5, organization=org, received_at=received, status="in_analysis")
    oriented = EventFactory.create(organization=org, received_at=received, status="triaged", level=2,
                                   check_back_due=timezone.localdate())  # fmt: skip
    year = timezone.localtime(received).year
    assert round(stats.year_figures(org, year).resolution_percent or 0) == 33

    services.record_check_back(oriented, resolved=False, note="Toujours pas de matériel.", acting=alice)
    services.move_event(Event.objects.get(pk=oriented.pk), "close", acting=alice)

    assert Event.objects.get(pk=oriented.pk).status == Event.Status.CLOSED
    assert round(stats.year_figures(org, year).resolution_percent or 0) == 33
    first, last = date(year, 1, 1), date(year, 12, 31)
    assert sources.resolution(org, first, last, "yearly") == (3, 9)

    resolved_case = EventFactory.create(organization=org, received_at=received, status="triaged", level=2,
                                        check_back_due=timezone.localdate())  # fmt: skip
    services.record_check_back(resolved_case, resolved=True, note="", acting=alice)
    services.move_event(Event.objects.get(pk=resolved_case.pk), "close", acting=alice)
    assert sources.resolution(org, first, last, "yearly") == (4, 10)
