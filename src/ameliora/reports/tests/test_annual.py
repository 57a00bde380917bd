"""The annual quality report gathers every module's year, as a page, a PDF and a spreadsheet."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader

from ameliora.core.demo import build_demo
from ameliora.core.models import Membership, Organization
from ameliora.core.scales import Severity
from ameliora.documents.tests.factories import document_in_force
from ameliora.evaluations import services as evaluation_services
from ameliora.evaluations.models import CaseAnswer, Evaluation
from ameliora.evaluations.tests.factories import make_audit
from ameliora.events.models import Event
from ameliora.events.tests.factories import EventFactory
from ameliora.indicators.core_sources import members_at_end
from ameliora.indicators.models import Direction, Indicator, Kind, Status
from ameliora.indicators.periods import Periodicity
from ameliora.indicators.services import refresh_status
from ameliora.indicators.tests.factories import IndicatorFactory, MeasurementFactory, weekly_series
from ameliora.meetings import services as meeting_services
from ameliora.meetings.models import Attendance, ExchangeSpace, Session
from ameliora.plans import services as plan_services
from ameliora.plans.models import Action
from ameliora.plans.tests.factories import ActionFactory, PlanFactory
from ameliora.reports.annual import annual_report
from ameliora.surveys.tests.factories import CampaignFactory, ResponseFactory

PdfOf = Callable[[Client, Organization, int], bytes]
TZ = timezone.get_current_timezone()
YEAR = timezone.localdate().year


def _url(name: str, org: Organization) -> str:
    return reverse(f"reports:{name}", kwargs={"org_slug": org.slug})


def _year_of_activity(alice: Membership, bob: Membership) -> None:
    org = alice.organization
    EventFactory.create(organization=org, received_at=datetime(YEAR, 2, 1, 10, tzinfo=TZ), level=1)
    EventFactory.create(organization=org, received_at=datetime(YEAR, 3, 1, 10, tzinfo=TZ), status=Event.Status.CLOSED)
    EventFactory.create(organization=org, received_at=datetime(YEAR - 1, 6, 1, 10, tzinfo=TZ))
    plan = PlanFactory.create(organization=org)
    done = ActionFactory.create(plan=plan)
    ActionFactory.create(plan=plan)
    plan_services.move_action(done, wanted=Action.Status.DONE, acting=alice)
    Indicator.objects.create(
        organization=org, name='=HYPERLINK("http://x")', kind="count", periodicity="month", direction="down"
    )
    space = meeting_services.save_space(
        ExchangeSpace(kind=ExchangeSpace.Kind.CREX, name="CREX", code="CREX"),
        acting=alice,
        facilitators=[alice],
        members=[bob],
    )
    session = meeting_services.plan_sessions(
        space, acting=alice, first=timezone.now() - timedelta(hours=2), count=1, every_months=1
    )[0]
    meeting_services.record_attendance(
        session, acting=alice, statuses={alice: Attendance.Status.PRESENT, bob: Attendance.Status.ABSENT}
    )
    meeting_services.move_session(session, wanted=Session.Status.HELD, acting=alice)
    document_in_force(alice, readers=[bob])


def test_the_report_counts_the_year_of_every_module(alice: Membership, bob: Membership) -> None:
    _year_of_activity(alice, bob)

    report = annual_report(alice.organization, YEAR)

    assert report.events.total == 2
    assert report.resolution_percent == 50.0
    assert (report.actions.opened, report.actions.done) == (2, 1)
    assert report.indicator_total == 1
    assert report.sessions_held == 1
    assert report.spaces[0].attendance_rate == 50.0
    assert (report.documents.published, report.documents.readings_asked, report.documents.readings_done) == (1, 1, 0)
    assert annual_report(alice.organization, YEAR - 1).events.total == 1


def test_the_page_is_for_managers_and_its_query_count_does_not_grow(
    alice: Membership, bob: Membership, alice_client: Client, bob_client: Client, django_assert_max_num_queries: Any
) -> None:
    _year_of_activity(alice, bob)
    assert bob_client.get(_url("home", alice.organization)).status_code == 403
    with django_assert_max_num_queries(60) as before:
        alice_client.get(_url("home", alice.organization))
    plan = PlanFactory.create(organization=alice.organization)
    for _ in range(40):
        ActionFactory.create(plan=plan)
        EventFactory.create(organization=alice.organization)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = alice_client.get(_url("home", alice.organization))
    assert response.status_code == 200
    assert response.context["report"].actions.opened == 42


def test_the_pdf_carries_the_organization_the_figures_and_its_pages(
    alice: Membership, bob: Membership, alice_client: Client, annual_pdf: PdfOf
) -> None:
    _year_of_activity(alice, bob)
    reader = PdfReader(io.BytesIO(annual_pdf(alice_client, alice.organization, YEAR)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert alice.organization.name in text
    with translation.override("fr"):  # the page's language: French unless the member chose English
        sections = [
            str(gettext(h))
            for h in (
                "Key figures",
                "Indicators",
                "Adverse events",
                "Improvement actions",
                "Self-assessment",
                "Practice evaluations",
                "Exchange spaces",
                "Documents",
            )
        ]
    missing = [h for h in sections if h not in text]
    assert not missing, missing
    assert "CREX" in text
    assert "PR-DISP-01 v1" in text
    assert 1 <= len(reader.pages) <= 10


def test_the_spreadsheet_has_a_sheet_per_section_and_runs_no_formula(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    _year_of_activity(alice, bob)
    response = alice_client.get(_url("annual_xlsx", alice.organization), {"year": YEAR})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 10  # one events sheet by kind, the objectives sheet
    indicators = book[book.sheetnames[1]]
    cell = indicators["A2"]
    assert cell.value == '\'=HYPERLINK("http://x")'
    assert cell.data_type == "s"
    summary = {row[0].value: row[1].value for row in book[book.sheetnames[0]].iter_rows(min_row=2)}
    assert YEAR in summary.values()


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=TZ)


def test_a_past_year_shows_each_indicator_as_it_stood_on_31_december(alice: Membership) -> None:
    org = alice.organization
    milestone = IndicatorFactory.create(
        organization=org,
        name="Protocole en place",
        kind=Kind.YES_NO,
        periodicity=Periodicity.MONTH,
        direction=Direction.UP,
        target_date=date(YEAR - 1, 6, 30),
    )
    for month, value in ((date(YEAR - 1, 11, 1), 0), (date(YEAR - 1, 12, 1), 0), (date(YEAR, 1, 1), 1)):
        MeasurementFactory.create(indicator=milestone, period_start=month, value=Decimal(value))
    refresh_status(milestone)
    IndicatorFactory.create(organization=org, name="Créé cette année, sans mesure passée")

    this_year = annual_report(org, YEAR)
    last_year = annual_report(org, YEAR - 1)

    today_line = next(line for line in this_year.indicators if line.indicator == milestone)
    assert (today_line.status, today_line.value) == (Status.ON_TARGET, 1.0)
    assert [line.indicator for line in last_year.indicators] == [milestone]  # the other did not exist yet
    (line,) = last_year.indicators
    assert (line.status, line.value) == (Status.CONCERNING, 0.0)  # not reached, planned for June
    assert last_year.indicator_total == 1
    assert last_year.indicator_counts == [(str(Status.CONCERNING.label), 1)]
    assert (last_year.as_of, last_year.is_past) == (date(YEAR - 1, 12, 31), True)


def test_a_past_year_value_is_the_last_period_up_to_31_december(alice: Membership) -> None:
    org = alice.organization
    start = date(YEAR - 1, 11, 1)
    start += timedelta(days=-start.weekday())  # a Monday
    values = [float(k) for k in range(12)]  # runs into January
    indicator = weekly_series(org, values, start=start)
    last_in_year = max(k for k in range(12) if start + timedelta(weeks=k) <= date(YEAR - 1, 12, 31))

    (line,) = annual_report(org, YEAR - 1).indicators

    assert line.indicator == indicator
    assert line.value == values[last_in_year] != indicator.last_value


def test_the_indicators_of_a_past_year_cost_the_same_queries_for_more_indicators(
    alice: Membership, django_assert_max_num_queries: Any
) -> None:
    org = alice.organization
    weekly_series(org, [1, 2, 3], start=date(YEAR - 1, 1, 1) + timedelta(days=-date(YEAR - 1, 1, 1).weekday() + 7))
    with django_assert_max_num_queries(100) as before:
        annual_report(org, YEAR - 1)
    for k in range(5):
        weekly_series(
            org, [k, k + 1, k + 2], start=date(YEAR - 1, 3, 1) + timedelta(days=-date(YEAR - 1, 3, 1).weekday() + 7)
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        report = annual_report(org, YEAR - 1)
    assert report.indicator_total == 6


def test_late_actions_of_a_past_year_are_those_late_on_31_december(alice: Membership) -> None:
    plan = PlanFactory.create(organization=alice.organization)
    due = date(YEAR - 1, 6, 30)

    def action(**fields: Any) -> Action:
        made = ActionFactory.create(plan=plan, start_date=None, due_date=fields.pop("due_date", due))
        Action.objects.filter(pk=made.pk).update(created_at=_at(YEAR - 1, 1, 10), **fields)
        return made

    done_later = action(status=Action.Status.DONE, done_at=_at(YEAR, 2, 1))
    action(status=Action.Status.DONE, done_at=_at(YEAR - 1, 11, 1))  # done in time for the year end
    action(status=Action.Status.CANCELLED, cancelled_at=_at(YEAR - 1, 8, 1))
    action(  # done in November, reopened after the year end: closed on 31 December
        status=Action.Status.IN_PROGRESS, done_at=_at(YEAR - 1, 11, 1), started_at=_at(YEAR, 1, 15)
    )
    still_open = action(due_date=date(YEAR - 1, 12, 31))
    action(due_date=date(YEAR, 1, 15))  # not due yet on 31 December
    ActionFactory.create(plan=plan, start_date=None, due_date=due)  # created this year: did not exist then

    past = annual_report(alice.organization, YEAR - 1).actions
    now = annual_report(alice.organization, YEAR).actions

    assert past.late == 2, (done_later, still_open)
    assert past.late_on == date(YEAR - 1, 12, 31)
    assert now.late == Action.objects.for_org(alice.organization).late().count()
    assert now.late_on == timezone.localdate()


def test_the_page_of_a_past_year_says_on_which_day_it_stands(alice: Membership, alice_client: Client) -> None:
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    past = alice_client.get(_url("home", alice.organization), {"year": YEAR - 1}).content.decode()
    current = alice_client.get(_url("home", alice.organization), {"year": YEAR}).content.decode()
    assert "Open actions late on 12/31/" in past
    assert "Status and value as of 12/31/" in past
    assert "Open actions late today" in current
    assert "Status and value as of" not in current


def test_the_year_navigation_stops_at_the_current_year(alice: Membership, alice_client: Client) -> None:
    this_year = timezone.localdate().year
    past = alice_client.get(_url("home", alice.organization), {"year": this_year - 1}).content.decode()
    current = alice_client.get(_url("home", alice.organization), {"year": this_year}).content.decode()

    assert f'href="?year={this_year}"' in past
    assert f'href="?year={this_year - 1}"' in current
    assert f'href="?year={this_year + 1}"' not in current


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_care_service_reads_its_events_by_severity_and_a_cpts_by_level(
    alice: Membership, alice_client: Client
) -> None:
    org = alice.organization
    for severity in (4, 4, 2, None):
        EventFactory.create(organization=org, received_at=_at(YEAR, 3, 1), severity=severity, level=2)

    report = annual_report(org, YEAR)

    assert report.event_severities == [
        (str(Severity.CRITICAL.label), 2),
        (str(Severity.SIGNIFICANT.label), 1),
        (gettext("Severity not assessed"), 1),  # in the active language, whichever test ran before
    ]
    html = _english(alice_client).get(_url("home", org)).content.decode()
    assert "By severity" in html
    assert "4 — critical" in html
    assert "Level 2" not in html
    Organization.objects.filter(pk=org.pk).update(kind=Organization.Kind.CPTS)
    org.refresh_from_db()
    assert annual_report(org, YEAR).event_severities == []
    html = alice_client.get(_url("home", org)).content.decode()
    assert "By severity" not in html
    assert "Level 2" in html


def _audit_round(alice: Membership, *, yes: int, no: int, previous: Evaluation | None = None) -> Evaluation:
    if previous is None:
        audit = make_audit(alice.organization, criteria=1)
    else:
        audit = evaluation_services.start_next_round(previous, acting=alice)
        evaluation_services.move_evaluation(audit, wanted=Evaluation.Status.IN_PROGRESS, acting=alice)
    (criterion,) = audit.criteria.all()
    for k, value in enumerate([CaseAnswer.Value.YES] * yes + [CaseAnswer.Value.NO] * no):
        evaluation_services.record_case(audit, acting=alice, label=f"Ordonnance {k}", answers={criterion.pk: value})
    evaluation_services.move_evaluation(audit, wanted=Evaluation.Status.CLOSED, acting=alice)
    return audit


def test_the_practice_evaluations_of_the_year_show_audit_compliance_and_write_ups(
    alice: Membership, alice_client: Client
) -> None:
    first = _audit_round(alice, yes=5, no=35)
    second = _audit_round(alice, yes=38, no=2, previous=first)
    for method in (Evaluation.Method.CASE_REVIEW, Evaluation.Method.CASE_REVIEW, Evaluation.Method.PEER_REVIEW):
        Evaluation.objects.create(
            organization=alice.organization,
            method=method,
            title="RMM",
            status=Evaluation.Status.CLOSED,
            closed_at=_at(YEAR, 5, 1),
        )
    Evaluation.objects.create(
        organization=alice.organization,
        method=Evaluation.Method.PATIENT_TRACER,
        title="Traceur de l'an dernier",
        status=Evaluation.Status.CLOSED,
        closed_at=_at(YEAR - 1, 5, 1),
    )
    Evaluation.objects.create(organization=alice.organization, title="Audit en préparation")  # a draft: not run

    figures = annual_report(alice.organization, YEAR).evaluations

    assert [a.evaluation for a in figures.audits] == [first, second]
    assert [a.overall.percent for a in figures.audits] == [12.5, 95.0]
    change = figures.audits[1].overall_change
    assert change is not None
    assert (change.before, change.trend) == (12.5, "better")
    assert figures.write_ups == [
        (str(Evaluation.Method.CASE_REVIEW.label), 2),
        (str(Evaluation.Method.PEER_REVIEW.label), 1),
    ]
    assert figures.write_up_total == 3
    html = _english(alice_client).get(_url("home", alice.organization)).content.decode()
    assert 'id="evaluations-title"' in html
    assert "95\u00a0%" in html
    assert "improved" in html
    assert "3 case reviews, patient tracers and peer reviews" in html


def test_the_evaluations_cost_a_bounded_number_of_queries(
    alice: Membership, django_assert_max_num_queries: Any
) -> None:
    first = _audit_round(alice, yes=3, no=1)
    with django_assert_max_num_queries(100) as before:
        annual_report(alice.organization, YEAR)
    _audit_round(alice, yes=3, no=1, previous=first)
    with django_assert_max_num_queries(len(before.captured_queries) + 3):  # one audit: its answers, previous, cases
        annual_report(alice.organization, YEAR)


def test_the_spreadsheet_carries_the_cpts_rows_the_survey_campaigns_and_the_audits(
    alice: Membership, alice_client: Client
) -> None:
    org = alice.organization
    Organization.objects.filter(pk=org.pk).update(kind=Organization.Kind.CPTS)
    EventFactory.create(organization=org, received_at=_at(YEAR, 2, 1), level=2, reported_by=alice)
    campaign = CampaignFactory.create(questionnaire__organization=org, name="=cmd|' /C calc'!A0")
    for _k in range(3):
        ResponseFactory.create(campaign=campaign, submitted_at=_at(YEAR, 2, 1))
    _audit_round(alice, yes=3, no=1)

    response = _english(alice_client).get(_url("annual_xlsx", org), {"year": YEAR})

    book = load_workbook(io.BytesIO(response.content))
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["Declarations received"] == 1
    assert summary["Professionals involved"] == 1
    assert summary["Level-2 check-backs on time"] == 0
    assert summary["Clinical audits"] == 1
    surveys = [[c.value for c in row] for row in book["Survey campaigns"].iter_rows(min_row=2)]
    assert surveys == [["'=cmd|' /C calc'!A0", 3]]
    audits = [[c.value for c in row] for row in book["Practice evaluations"].iter_rows(min_row=2)]
    assert audits[0][:4] == ["Audit des ordonnances", None, 4, 75.0]
    assert "Events by level" in book.sheetnames
    assert "Events by severity" not in book.sheetnames


def test_the_demo_members_joined_before_the_demo_so_the_team_size_is_not_zero(db: None) -> None:
    organizations = build_demo()

    for organization in organizations.values():
        members = Membership.objects.for_org(organization)
        assert members.exists()
        assert not members.filter(joined_at__gte=timezone.now() - timedelta(days=365)).exists()
        size, _none = members_at_end(organization, date(YEAR - 1, 1, 1), date(YEAR - 1, 3, 31), "quarter")
        assert size == members.count()


def test_the_pdf_of_a_past_year_prints_the_indicators_and_actions_of_31_december(
    alice: Membership, alice_client: Client, annual_pdf: PdfOf
) -> None:
    org = alice.organization
    indicator = IndicatorFactory.create(
        organization=org, name="Délai de traitement", kind=Kind.MEASUREMENT, periodicity=Periodicity.MONTH, unit="jours"
    )
    for month, value in ((date(YEAR - 1, 12, 1), "4.5"), (date(YEAR, 1, 1), "9.5")):
        MeasurementFactory.create(indicator=indicator, period_start=month, value=Decimal(value))
    refresh_status(indicator)
    plan = PlanFactory.create(organization=org)
    late = ActionFactory.create(plan=plan, start_date=None, due_date=date(YEAR - 1, 6, 1))
    Action.objects.filter(pk=late.pk).update(created_at=_at(YEAR - 1, 1, 10))

    reader = PdfReader(io.BytesIO(annual_pdf(_english(alice_client), org, YEAR - 1)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Délai de traitement" in text
    assert "4.5 jours" in text
    assert "9.5" not in text
    assert f"Open actions late on 12/31/{YEAR - 1} 1" in text
    assert "Practice evaluations" in text


def test_the_resolution_rate_reads_the_same_on_the_events_page_in_the_report_and_its_pdf(
    alice: Membership, alice_client: Client, annual_pdf: PdfOf
) -> None:
    """The demo's 3 events closed out of 8 were "38 %" on the events page and "37,5 %" in the report."""
    org = alice.organization
    for n in range(8):
        status = Event.Status.CLOSED if n < 3 else Event.Status.RECEIVED
        EventFactory.create(organization=org, received_at=datetime(YEAR, 2, 1 + n, 10, tzinfo=TZ), status=status)
    events_page = alice_client.get(reverse("events:dashboard", kwargs={"org_slug": org.slug}), {"year": YEAR})
    report_page = alice_client.get(_url("home", org), {"year": YEAR})
    pdf = annual_pdf(alice_client, org, YEAR)
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for text in (events_page.content.decode(), report_page.content.decode(), pdf_text):
        assert "37,5\u00a0%" in text
        assert "38 %" not in text


def test_the_spreadsheet_holds_rounded_numbers_with_their_unit_and_only_the_sheets_of_its_kind(
    alice: Membership, alice_client: Client
) -> None:
    org = alice.organization
    for n in range(8):
        status = Event.Status.CLOSED if n < 3 else Event.Status.RECEIVED
        EventFactory.create(organization=org, received_at=datetime(YEAR, 2, 1 + n, 10, tzinfo=TZ), status=status)
    indicator = IndicatorFactory.create(
        organization=org,
        name="Délai de réponse",
        kind=Kind.MEASUREMENT,
        unit="jours",
        direction=Direction.DOWN,
        target_value=Decimal(21),
        periodicity=Periodicity.MONTH,
    )
    MeasurementFactory.create(indicator=indicator, period_start=date(YEAR, 1, 1), value=Decimal("19.2857"))
    refresh_status(indicator)

    response = _english(alice_client).get(_url("annual_xlsx", org), {"year": YEAR})

    book = load_workbook(io.BytesIO(response.content))
    rate = next(row[1] for row in book["Summary"].iter_rows(min_row=2) if row[0].value == "Resolution rate (%)")
    assert (rate.value, rate.number_format) == (37.5, '0.0" %"')
    _name, _status, value, target, _note = next(book["Indicators"].iter_rows(min_row=2))
    assert (value.value, value.number_format) == (19.3, '0.0" jours"')
    assert target.value == "≤\u00a021\u00a0jours"
    assert "Events by severity" in book.sheetnames
    assert "Events by level" not in book.sheetnames  # REX levels are the CPTS's


def _pages_of(content: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_a_long_table_keeps_each_row_on_one_page_and_repeats_its_header(
    alice: Membership, alice_client: Client, annual_pdf: PdfOf
) -> None:
    """Sixty indicators whose names wrap over several lines run over pages: no name is cut in two."""
    org = alice.organization
    filler = " ".join(["suivi mensuel du service"] * 6)
    for k in range(60):
        IndicatorFactory.create(organization=org, name=f"Start{k:02d}x {filler} End{k:02d}x")

    pages = _pages_of(annual_pdf(_english(alice_client), org, YEAR))
    holding = [n for n, text in enumerate(pages) if any(f"Start{k:02d}x" in text for k in range(60))]
    assert len(holding) >= 2
    for k in range(60):
        assert [f"Start{k:02d}x" in text for text in pages] == [f"End{k:02d}x" in text for text in pages], k
    for n in holding:
        assert "IndicatorStatusLastvalueTarget" in pages[n], n
