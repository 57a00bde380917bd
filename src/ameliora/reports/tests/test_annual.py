"""The annual quality report gathers every module's year, as a page, a PDF and a spreadsheet."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader

from ameliora.core.models import Membership, Organization
from ameliora.documents.tests.factories import document_in_force
from ameliora.events.models import Event
from ameliora.events.tests.factories import EventFactory
from ameliora.indicators.models import Indicator
from ameliora.meetings import services as meeting_services
from ameliora.meetings.models import Attendance, ExchangeSpace, Session
from ameliora.plans import services as plan_services
from ameliora.plans.models import Action
from ameliora.plans.tests.factories import ActionFactory, PlanFactory
from ameliora.reports.annual import annual_report

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
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    _year_of_activity(alice, bob)
    response = alice_client.get(_url("annual_pdf", alice.organization), {"year": YEAR})
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
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
    assert len(book.sheetnames) == 7
    indicators = book[book.sheetnames[1]]
    cell = indicators["A2"]
    assert cell.value == '\'=HYPERLINK("http://x")'
    assert cell.data_type == "s"
    summary = {row[0].value: row[1].value for row in book[book.sheetnames[0]].iter_rows(min_row=2)}
    assert YEAR in summary.values()
