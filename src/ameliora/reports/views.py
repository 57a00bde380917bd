"""The annual quality report: page, PDF and XLSX of one organization and one year."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ameliora.core.http import OrgRequest
from ameliora.core.permissions import require
from ameliora.reports import exports
from ameliora.reports.annual import AnnualReport, annual_report
from ameliora.reports.representatives import representative_summary

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)


def _year(request: OrgRequest) -> int:
    form = YearForm(request.GET)
    if form.is_valid() and form.cleaned_data["year"]:
        return int(form.cleaned_data["year"])
    return timezone.localdate().year


def _report(request: OrgRequest) -> AnnualReport:
    require(request.membership, "reports.view")
    return annual_report(request.organization, _year(request))


@require_GET
def representatives(request: OrgRequest) -> HttpResponse:
    """The users' representatives' view: de-identified counts, plan progress, surveys, the annual report."""
    require(request.membership, "reports.representatives")
    summary = representative_summary(request.organization, _year(request))
    return render(request, "reports/representatives.html", {"summary": summary, "this_year": timezone.localdate().year})


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    report = _report(request)
    return render(request, "reports/annual.html", {"report": report, "this_year": timezone.localdate().year})


@require_http_methods(["GET", "POST"])
def annual_pdf(request: OrgRequest) -> HttpResponse:
    """POST starts the job making the PDF and shows its progress page; GET (an old link or bookmark to the
    file) leads to the year's report page, whose button starts it."""
    require(request.membership, "reports.view")
    year = _year(request)
    if request.method != "POST":
        return redirect(f"{reverse('reports:home', kwargs={'org_slug': request.organization.slug})}?year={year}")
    return redirect(exports.start_report_pdf(request.organization, year=year, acting=request.membership))


@require_GET
def annual_xlsx(request: OrgRequest) -> HttpResponse:
    report = _report(request)
    response = HttpResponse(exports.report_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bilan-qualite-{report.year}.xlsx"'
    return response
