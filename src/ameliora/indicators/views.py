"""Indicator pages: list with status, indicator page (chart, table, conclusion, before/after),
data entry (one period, a grid of periods), import with preview, phases and annotations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.core import services as core_services
from ameliora.core.dates import is_plausible
from ameliora.core.http import INVALID_FORM, OrgRequest, form_status, parse_id, posted
from ameliora.core.permissions import can, require
from ameliora.core.uploads import validate_upload
from ameliora.indicators import exports, history, services
from ameliora.indicators.access import (
    get_annotation_for,
    get_import_for,
    get_indicator_for,
    get_measurement_for,
    get_phase_for,
    indicators_for,
)
from ameliora.indicators.analysis import Series, analyse_indicator, format_period, format_value, render_svg
from ameliora.indicators.forms import (
    AnnotationForm,
    ExclusionForm,
    FilterForm,
    GridFormSet,
    ImportColumnsForm,
    ImportForm,
    IndicatorForm,
    MeasurementForm,
    ObjectiveLinkForm,
    ObjectiveTargetsForm,
    PhaseForm,
    SuggestedPhaseForm,
    column_roles,
)
from ameliora.indicators.imports import (
    MAX_ERRORS_SHOWN,
    ColumnsNeededError,
    ImportFileError,
    ParsedFile,
    guess_columns,
    head_of,
    parse_import,
    remembered_columns,
    remembered_mapping,
)
from ameliora.indicators.models import Indicator, Kind, Measurement, MeasurementImport, Status
from ameliora.indicators.periods import is_data_due, period_start_of, shift_period
from ameliora.indicators.reading import Reading
from ameliora.plans import attainment
from ameliora.plans.access import get_objective_for
from ameliora.plans.models import Objective

PAGE_SIZE = 25
#: Files with more data rows than this are committed by the background worker.
INLINE_IMPORT_ROWS = 2000
GRID_DEFAULT_ROWS = 4


def _shown_status(indicator: Indicator, today: Any) -> str:
    if (
        indicator.status != Status.CONCERNING
        and indicator.active
        and is_data_due(indicator.last_period_start, indicator.periodicity, today)
    ):
        return Status.DATA_DUE
    return indicator.status


def _detail(indicator: Indicator) -> HttpResponse:
    return redirect("indicators:detail", org_slug=indicator.organization.slug, indicator_id=indicator.pk)


# --- List ------------------------------------------------------------------------------------------


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    """The list: status and last value come from columns stored on write (see models' docstring),
    so the page costs the same few queries for 5 or 5,000 indicators."""
    require(request.membership, "indicators.view")
    today = timezone.localdate()
    form = FilterForm(request.GET or None, organization=request.organization)
    indicators = indicators_for(request.membership).select_related("owner__user", "organization")
    active = "1"
    if form.is_valid():
        data = form.cleaned_data
        active = data["active"] or "1"
        if data["status"]:
            indicators = indicators.with_status(data["status"], today)
        for field in ("indicator_type", "kind"):
            if data[field]:
                indicators = indicators.filter(**{field: data[field]})
        if data["owner"]:
            indicators = indicators.filter(owner=data["owner"])
    if active in {"0", "1"}:
        indicators = indicators.filter(active=active == "1")
    page = Paginator(indicators.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "indicator": indicator,
            "status": _shown_status(indicator, today),
            "last_value": format_value(indicator, indicator.last_value),
            "last_period": format_period(indicator.last_period_start, indicator.periodicity)
            if indicator.last_period_start
            else "",
        }
        for indicator in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    template = "indicators/indicator_list.html#results" if request.htmx else "indicators/indicator_list.html"
    return render(
        request,
        template,
        {"page": page, "rows": rows, "form": form, "query": query.urlencode(), "statuses": Status},
    )


@require_http_methods(["GET", "POST"])
def indicator_create(request: OrgRequest) -> HttpResponse:
    require(request.membership, "indicators.edit")
    initial: dict[str, object] = {"owner": request.membership}
    objective = parse_id(request.GET.get("objective"))
    if objective is not None:
        initial["objectives"] = [objective]
    if "data_source" in request.GET:  # the form refreshing its source filter (htmx)
        initial["data_source"] = request.GET["data_source"]
    form = IndicatorForm(posted(request), organization=request.organization, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            indicator = services.save_indicator(form.instance, objectives=form.cleaned_data["objectives"])
            messages.success(request, _("Indicator created. Enter its first values."))
            return _detail(indicator)
        return render(request, "indicators/indicator_form.html", {"form": form}, status=INVALID_FORM)
    return render(request, "indicators/indicator_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def indicator_edit(request: OrgRequest, indicator_id: int) -> HttpResponse:
    require(request.membership, "indicators.edit")
    indicator = get_indicator_for(request.membership, indicator_id)
    initial = {"data_source": request.GET["data_source"]} if "data_source" in request.GET else {}
    form = IndicatorForm(posted(request), instance=indicator, organization=request.organization, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            services.save_indicator(form.instance, objectives=form.cleaned_data["objectives"])
            messages.success(request, _("Indicator saved."))
            return _detail(indicator)
        return render(
            request, "indicators/indicator_form.html", {"form": form, "indicator": indicator}, status=INVALID_FORM
        )
    return render(request, "indicators/indicator_form.html", {"form": form, "indicator": indicator})


# --- Objectives of action plans (reached from the plan page) ---------------------------------------


def _objective_page(request: OrgRequest, objective: Objective, form: Any, *, title: str, intro: str) -> HttpResponse:
    return render(
        request,
        "indicators/objective_form.html",
        {"objective": objective, "plan": objective.plan, "form": form, "title": title, "intro": intro},
        status=form_status(form),
    )


def _back_to_plan(objective: Objective) -> HttpResponse:
    return redirect(objective.plan.get_absolute_url() + "#objectives")


@require_http_methods(["GET", "POST"])
def objective_link(request: OrgRequest, objective_id: int) -> HttpResponse:
    """Link an existing indicator of the organization to a plan's objective."""
    require(request.membership, "indicators.edit")
    objective = get_objective_for(request.membership, objective_id)
    form = ObjectiveLinkForm(posted(request), objective=objective)
    if request.method == "POST" and form.is_valid():
        indicator = form.cleaned_data["indicator"]
        try:
            services.link_objective(indicator, objective=objective)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("“%(name)s” now measures this objective.") % {"name": indicator.name})
            return _back_to_plan(objective)
    return _objective_page(
        request,
        objective,
        form,
        title=_("Link an existing indicator"),
        intro=_("Choose the indicator that measures “%(objective)s”.") % {"objective": objective.statement},
    )


@require_POST
def objective_unlink(request: OrgRequest, objective_id: int, indicator_id: int) -> HttpResponse:
    require(request.membership, "indicators.edit")
    objective = get_objective_for(request.membership, objective_id)
    indicator = get_indicator_for(request.membership, indicator_id)
    try:
        services.unlink_objective(indicator, objective=objective)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("“%(name)s” no longer measures this objective (both are kept).") % {"name": indicator.name}
        )
    return _back_to_plan(objective)


@require_POST
def objective_align(request: OrgRequest, objective_id: int, indicator_id: int) -> HttpResponse:
    """One click: the indicator takes the objective's target (shown where they disagree)."""
    require(request.membership, "indicators.edit")
    objective = get_objective_for(request.membership, objective_id)
    indicator = get_indicator_for(request.membership, indicator_id)
    try:
        services.align_on_objective(indicator, objective=objective)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(name)s” now has the objective's target; the previous one stays in the history.")
            % {"name": indicator.name},
        )
    if request.POST.get("back") == "indicator":
        return redirect(indicator)
    return _back_to_plan(objective)


@require_http_methods(["GET", "POST"])
def objective_targets(request: OrgRequest, objective_id: int) -> HttpResponse:
    """Update the targets of the indicators measuring an objective, offered after a plan's revision
    changed the objective's target (the history keeps the previous ones)."""
    require(request.membership, "indicators.edit")
    objective = get_objective_for(request.membership, objective_id)
    indicators = list(objective.indicators.select_related("organization").order_by("name", "pk"))
    if not indicators:
        return _back_to_plan(objective)
    form = ObjectiveTargetsForm(posted(request), indicators=indicators)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_targets(form.targets())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changed:
                messages.success(request, _("Targets updated; the previous ones stay in the history."))
            return _back_to_plan(objective)
    return _objective_page(
        request,
        objective,
        form,
        title=_("Update the indicators' targets"),
        intro=_("The objective “%(objective)s” now aims at: %(target)s. Update the indicators that measure it?")
        % {"objective": objective.statement, "target": objective.target_description or "—"},
    )


# --- Indicator page ------------------------------------------------------------------------------


def _objectives_of(indicator: Indicator) -> list[dict[str, Any]]:
    """The objectives the indicator measures, each with its status, what this indicator says about it
    and how their targets disagree (plans.attainment judges; a fixed number of queries)."""
    objectives = list(indicator.objectives.select_related("plan__organization"))
    rows = []
    for judged in attainment.attainments(objectives, today=timezone.localdate()):
        rows.append(
            {
                "attainment": judged,
                "verdicts": [v for v in judged.verdicts if v.measure.indicator_id == indicator.pk],
                "mismatch": next((text for m, text in judged.mismatches if m.indicator_id == indicator.pk), ""),
            }
        )
    return rows


def _detail_context(request: OrgRequest, indicator: Indicator) -> dict[str, Any]:
    measurements = list(indicator.measurements.all())
    phases = list(indicator.phases.all())
    annotations = list(indicator.annotations.all())
    analysis = analyse_indicator(indicator, measurements, phases, today=timezone.localdate())
    by_period = {m.period_start: m for m in measurements}
    rows = analysis.rows()
    freeze_until = indicator.freeze_until if analysis.series.freeze else None
    for row in rows:
        row["measurement"] = by_period[row["period"]]
        row["baseline"] = freeze_until is not None and row["period"] <= freeze_until
    changes: list[Any] = []
    more_history = False
    if can(request.membership, "history.view"):
        latest = list(history.history_rows(indicator)[: history.DETAIL_ENTRIES + 1])
        more_history = len(latest) > history.DETAIL_ENTRIES
        changes = history.history_entries(indicator, latest[: history.DETAIL_ENTRIES])
    return {
        "indicator": indicator,
        "analysis": analysis,
        "rows": rows,
        # The SVG is built by our renderer, which escapes every text it draws.
        "chart_svg": mark_safe(render_svg(analysis, annotations)),
        "phases": phases,
        "annotations": annotations,
        "objectives": _objectives_of(indicator),
        # The processes app links its processes to indicators (Process.indicators); read back through
        # the reverse relation, so that indicators never imports processes.
        "processes": list(
            indicator.processes.filter(organization=indicator.organization).select_related("organization")
        ),
        "history": changes,
        "more_history": more_history,
        "status": _shown_status(indicator, timezone.localdate()),
        "baseline": _baseline_context(indicator, analysis.series, measurements),
        "measurement_form": MeasurementForm(indicator=indicator, initial={"period_start": _next_period(indicator)}),
        "phase_form": PhaseForm(),
        "suggested_form": _suggested_form(analysis.reading),
        "annotation_form": AnnotationForm(),
    }


def _suggested_form(reading: Reading) -> SuggestedPhaseForm | None:
    """The one-click form accepting the phase the reading proposes (a change point), if any."""
    if reading.suggested_phase is None:
        return None
    return SuggestedPhaseForm(initial={"start": reading.suggested_phase.start})


def _baseline_context(indicator: Indicator, series: Series, measurements: list[Measurement]) -> dict[str, Any]:
    """What the page says about a frozen baseline and the values left out of the limits."""
    excluded = [m for m in sorted(measurements, key=lambda m: m.period_start) if m.excluded]
    return {
        "points": series.freeze,
        "until": format_period(indicator.freeze_until, indicator.periodicity) if indicator.freeze_until else "",
        "effective": series.freeze is not None and series.freeze < len(series.periods),
        "excluded": [
            {"period": format_period(m.period_start, indicator.periodicity), "reason": m.exclusion_reason}
            for m in excluded
        ],
    }


def _next_period(indicator: Indicator) -> Any:
    """The period after the last one recorded, else today's (also when the last one, stored before
    dates were bounded, lies outside the plausible range: nobody means to go on from year 9999)."""
    if indicator.last_period_start and is_plausible(indicator.last_period_start):
        return shift_period(indicator.last_period_start, indicator.periodicity)
    return period_start_of(timezone.localdate(), indicator.periodicity)


@require_GET
def detail(request: OrgRequest, indicator_id: int) -> HttpResponse:
    require(request.membership, "indicators.view")
    indicator = get_indicator_for(request.membership, indicator_id)
    return render(request, "indicators/indicator_detail.html", _detail_context(request, indicator))


@require_GET
def history_page(request: OrgRequest, indicator_id: int) -> HttpResponse:
    """Every change of the indicator, its values, phases and annotations, newest first, by pages."""
    require(request.membership, "history.view")
    indicator = get_indicator_for(request.membership, indicator_id)
    page = Paginator(history.history_rows(indicator), history.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/indicator_history.html",
        {"indicator": indicator, "page": page, "history": history.history_entries(indicator, list(page))},
    )


@require_http_methods(["GET", "POST"])
def measurement_add(request: OrgRequest, indicator_id: int) -> HttpResponse:
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    form = MeasurementForm(posted(request), indicator=indicator, initial={"period_start": _next_period(indicator)})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_measurement(
                    indicator, form.to_input(), acting_user=request.user, replace=form.cleaned_data["replace"]
                )
            except services.MeasurementsRefusedError as exc:
                for error in exc.row_errors:
                    form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Value recorded."))
                return _detail(indicator)
        return render(
            request, "indicators/measurement_form.html", {"indicator": indicator, "form": form}, status=INVALID_FORM
        )
    return render(request, "indicators/measurement_form.html", {"indicator": indicator, "form": form})


def _plain(number: Decimal | None) -> Decimal | None:
    """3.000000 → 3 and 2.500000 → 2.5, never 3E+2: stored decimals as people typed them."""
    return None if number is None else Decimal(format(number.normalize(), "f"))


@require_http_methods(["GET", "POST"])
def measurement_edit(request: OrgRequest, indicator_id: int, measurement_id: int) -> HttpResponse:
    """Correct one recorded value; its period stays, the previous value stays in the history."""
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    measurement = get_measurement_for(request.membership, indicator, measurement_id)
    initial: dict[str, object] = {
        "period_start": measurement.period_start,
        "value": _plain(measurement.value),
        "numerator": _plain(measurement.numerator),
        "denominator": _plain(measurement.denominator),
        "note": measurement.note,
    }
    if indicator.kind == Kind.YES_NO and measurement.value is not None:
        initial["value"] = "1" if measurement.value else "0"
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        data["period_start"] = measurement.period_start.isoformat()  # the period is not editable here
    form = MeasurementForm(data, indicator=indicator, with_replace=False, initial=initial)
    form.fields["period_start"].disabled = True
    context = {"indicator": indicator, "form": form, "measurement": measurement}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_measurement(indicator, form.to_input(), acting_user=request.user, replace=True)
            except services.MeasurementsRefusedError as exc:
                for error in exc.row_errors:
                    form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Value corrected (the previous one stays in the history)."))
                return _detail(indicator)
        return render(request, "indicators/measurement_form.html", context, status=INVALID_FORM)
    return render(request, "indicators/measurement_form.html", context)


@require_POST
def measurement_delete(request: OrgRequest, indicator_id: int, measurement_id: int) -> HttpResponse:
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    measurement = get_measurement_for(request.membership, indicator, measurement_id)
    services.delete_measurement(measurement)
    messages.success(request, _("Value deleted (it stays in the history)."))
    return _detail(indicator)


@require_http_methods(["GET", "POST"])
def measurement_exclude(request: OrgRequest, indicator_id: int, measurement_id: int) -> HttpResponse:
    """Leave an explained outlier out of the limits, with its reason; it stays on the chart, marked."""
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    measurement = get_measurement_for(request.membership, indicator, measurement_id)
    form = ExclusionForm(posted(request), initial={"exclusion_reason": measurement.exclusion_reason})
    if request.method == "POST" and form.is_valid():
        try:
            services.exclude_measurement(measurement, reason=form.cleaned_data["exclusion_reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Value left out of the limits; it stays on the chart, marked."))
            return _detail(indicator)
    context = {
        "indicator": indicator,
        "measurement": measurement,
        "period": format_period(measurement.period_start, indicator.periodicity),
        "form": form,
    }
    return render(request, "indicators/measurement_exclude.html", context, status=form_status(form))


@require_POST
def measurement_include(request: OrgRequest, indicator_id: int, measurement_id: int) -> HttpResponse:
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    measurement = get_measurement_for(request.membership, indicator, measurement_id)
    services.include_measurement(measurement)
    messages.success(request, _("Value counted in the limits again (the reason stays in the history)."))
    return _detail(indicator)


# --- Grid of periods -------------------------------------------------------------------------------


def _grid_initial(indicator: Indicator) -> list[dict[str, Any]]:
    first = _next_period(indicator)
    return [{"period_start": shift_period(first, indicator.periodicity, k)} for k in range(GRID_DEFAULT_ROWS)]


@require_http_methods(["GET", "POST"])
def measurement_grid(request: OrgRequest, indicator_id: int) -> HttpResponse:
    """Several periods at once: all rows are saved, or none (each error stays next to its row)."""
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    if request.method == "GET" and "row" in request.GET:
        # htmx "add a row": one more form with the next index.
        try:
            index = max(0, min(int(request.GET["row"]), 199))
        except ValueError:
            index = 0
        formset = GridFormSet(indicator=indicator, initial=[{}] * (index + 1))  # type: ignore[call-arg]
        form = formset.forms[index]
        return render(request, "indicators/measurement_grid.html#row", {"form": form, "indicator": indicator})
    formset = GridFormSet(posted(request), indicator=indicator, initial=_grid_initial(indicator))  # type: ignore[call-arg]
    replace = request.POST.get("replace") == "on"
    if request.method == "POST":
        if formset.is_valid():
            rows = [form.to_input(line=i + 1) for i, form in enumerate(formset.forms)]
            try:
                created, replaced = services.save_measurements(
                    indicator, rows, acting_user=request.user, replace=replace
                )
            except services.MeasurementsRefusedError as exc:
                for error in exc.row_errors:
                    form = formset.forms[error.line - 1]
                    form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("%(created)s value(s) recorded, %(replaced)s replaced.")
                    % {"created": created, "replaced": replaced},
                )
                return _detail(indicator)
        return render(
            request,
            "indicators/measurement_grid.html",
            {"indicator": indicator, "formset": formset, "replace": replace},
            status=INVALID_FORM,
        )
    return render(request, "indicators/measurement_grid.html", {"indicator": indicator, "formset": formset})


# --- Import ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_upload(request: OrgRequest, indicator_id: int) -> HttpResponse:
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    form = ImportForm(posted(request), request.FILES or None)
    context: dict[str, Any] = {"indicator": indicator, "form": form}
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                validate_upload(upload, allowed=frozenset({"csv", "xlsx"}))
            except ValidationError as exc:
                # A CSV from an older Excel is Windows-1252, which the generic text check refuses:
                # the import's own decoder tries it and says which encoding it used.
                if exc.code != "content" or not upload.name.lower().endswith(".csv"):
                    form.add_error("file", exc)
            if form.is_valid():
                pending = MeasurementImport.objects.create(
                    organization=request.organization,
                    indicator=indicator,
                    file=upload,
                    original_name=upload.name[:255],
                    replace=form.cleaned_data["replace"],
                    created_by=request.user,
                )
                return redirect(
                    "indicators:import_preview",
                    org_slug=request.organization.slug,
                    indicator_id=indicator.pk,
                    import_id=pending.pk,
                )
        return render(request, "indicators/import_form.html", context, status=INVALID_FORM)
    return render(request, "indicators/import_form.html", context)


@require_http_methods(["GET", "POST"])
def import_columns(request: OrgRequest, indicator_id: int, import_id: int) -> HttpResponse:
    """The mapping step: which column is the period, the value (or numerator and denominator), the note."""
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    pending = get_import_for(request.membership, indicator, import_id)
    try:
        head = head_of(pending)
    except ImportFileError as exc:
        return _preview_page(request, indicator, pending, None, str(exc))
    remembered = remembered_columns(head.headers, remembered_mapping(indicator))
    initial = pending.columns or remembered or guess_columns(head, indicator)
    form = ImportColumnsForm(
        posted(request),
        initial={role: str(index) for role, index in initial.items()},
        headers=head.headers,
        samples=head.samples,
        uses_ratio=indicator.uses_ratio,
    )
    if request.method == "POST" and form.is_valid():
        pending.columns = form.columns()
        pending.save(update_fields=["columns"])
        return redirect(
            "indicators:import_preview",
            org_slug=request.organization.slug,
            indicator_id=indicator.pk,
            import_id=pending.pk,
        )
    context = {
        "indicator": indicator,
        "pending": pending,
        "form": form,
        "head": head,
        "remembered": remembered is not None and not pending.columns,
    }
    return render(request, "indicators/import_columns.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def import_preview(request: OrgRequest, indicator_id: int, import_id: int) -> HttpResponse:
    """The first lines as they will be read and every rejected line; the commit saves every row or
    none, unless the person asks to leave the rejected lines out."""
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    pending = get_import_for(request.membership, indicator, import_id)
    try:
        parsed: ParsedFile | None = parse_import(pending)
        file_error = ""
    except ColumnsNeededError:
        messages.info(request, _("The first row does not name the columns as expected: say which column is which."))
        return redirect(
            "indicators:import_columns",
            org_slug=request.organization.slug,
            indicator_id=indicator.pk,
            import_id=pending.pk,
        )
    except ImportFileError as exc:
        parsed, file_error = None, str(exc)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            _discard(pending)
            messages.info(request, _("Import cancelled: nothing was imported."))
            return _detail(indicator)
        skip = action == "commit_valid"
        rows = (parsed.valid_rows if skip else parsed.rows) if parsed is not None else []
        if parsed is not None and rows and (skip or not parsed.errors):
            if skip != pending.skip_rejected:
                pending.skip_rejected = skip
                pending.save(update_fields=["skip_rejected"])
            if len(rows) > INLINE_IMPORT_ROWS:
                job = _start_import_job(request, pending)
                return redirect(job)
            try:
                created, replaced = services.import_measurements(
                    indicator,
                    rows,
                    acting_user=request.user,
                    replace=pending.replace,
                    columns=parsed.column_names if parsed.columns_from == "chosen" else None,
                )
            except services.MeasurementsRefusedError as exc:
                parsed.errors = exc.row_errors
            else:
                _discard(pending, created=created, replaced=replaced)
                skipped = parsed.lines - len(rows)
                message = _("Import done: %(created)s value(s) added, %(replaced)s replaced.") % {
                    "created": created,
                    "replaced": replaced,
                }
                if skipped:
                    message += " " + _("%(count)s line(s) left out.") % {"count": skipped}
                messages.success(request, message)
                return _detail(indicator)
        return _preview_page(request, indicator, pending, parsed, file_error, status=INVALID_FORM)
    return _preview_page(request, indicator, pending, parsed, file_error)


def _preview_page(
    request: OrgRequest,
    indicator: Indicator,
    pending: MeasurementImport,
    parsed: ParsedFile | None,
    file_error: str,
    *,
    status: int = 200,
) -> HttpResponse:
    columns = (
        [
            {"label": label, "header": parsed.headers[parsed.columns[role]]}
            for role, label, _required in column_roles(indicator.uses_ratio)
            if role in parsed.columns
        ]
        if parsed
        else []
    )
    context = {
        "indicator": indicator,
        "pending": pending,
        "parsed": parsed,
        "file_error": file_error,
        "columns": columns,
        "valid_count": len(parsed.valid_rows) if parsed else 0,
        "errors": [
            {"line": e.line, "column": _column_label(e.field), "message": e.message}
            for e in (parsed.errors[:MAX_ERRORS_SHOWN] if parsed else [])
        ],
    }
    return render(request, "indicators/import_preview.html", context, status=status)


def _column_label(field: str) -> str:
    labels = {
        "period_start": _("period"),
        "period": _("period"),
        "value": _("value"),
        "numerator": _("numerator"),
        "denominator": _("denominator"),
        "note": _("note"),
    }
    return labels.get(field, field)


def _discard(pending: MeasurementImport, *, created: int = 0, replaced: int = 0) -> None:
    pending.file.delete(save=False)
    pending.committed_at = timezone.now()
    pending.created_count, pending.replaced_count = created, replaced
    pending.save(update_fields=["file", "committed_at", "created_count", "replaced_count"])


def _start_import_job(request: OrgRequest, pending: MeasurementImport) -> Any:
    with transaction.atomic():
        job = core_services.start_job(
            organization=request.organization,
            kind="indicator_import",
            label=_("Import of %(file)s into “%(indicator)s”")
            % {"file": pending.original_name, "indicator": pending.indicator.name},
            user=request.user,
        )
        pending.job = job
        pending.save(update_fields=["job"])
    return job


# --- Phases, annotations, recompute ------------------------------------------------------------------


@require_POST
def phase_add(request: OrgRequest, indicator_id: int) -> HttpResponse:
    require(request.membership, "indicators.edit")
    indicator = get_indicator_for(request.membership, indicator_id)
    suggested = f"{SuggestedPhaseForm.prefix}-start" in request.POST
    form = SuggestedPhaseForm(posted(request)) if suggested else PhaseForm(posted(request))
    if form.is_valid():
        try:
            services.add_phase(indicator, start=form.cleaned_data["start"], label=form.cleaned_data["label"])
        except ValidationError as exc:
            form.add_error("start", exc)
        else:
            messages.success(request, _("Phase added."))
            return _detail(indicator)
    context = _detail_context(request, indicator)
    context["suggested_form" if suggested else "phase_form"] = form
    return render(request, "indicators/indicator_detail.html", context, status=INVALID_FORM)


@require_POST
def phase_delete(request: OrgRequest, indicator_id: int, phase_id: int) -> HttpResponse:
    require(request.membership, "indicators.edit")
    indicator = get_indicator_for(request.membership, indicator_id)
    services.delete_phase(get_phase_for(request.membership, indicator, phase_id))
    messages.success(request, _("Phase removed."))
    return _detail(indicator)


@require_POST
def annotation_add(request: OrgRequest, indicator_id: int) -> HttpResponse:
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    form = AnnotationForm(request.POST)
    if form.is_valid():
        services.add_annotation(indicator, day=form.cleaned_data["date"], text=form.cleaned_data["text"])
        messages.success(request, _("Annotation added."))
        return _detail(indicator)
    context = _detail_context(request, indicator)
    context["annotation_form"] = form
    return render(request, "indicators/indicator_detail.html", context, status=INVALID_FORM)


@require_POST
def annotation_delete(request: OrgRequest, indicator_id: int, annotation_id: int) -> HttpResponse:
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    get_annotation_for(request.membership, indicator, annotation_id).delete()
    messages.success(request, _("Annotation removed."))
    return _detail(indicator)


@require_POST
def recompute(request: OrgRequest, indicator_id: int) -> HttpResponse:
    require(request.membership, "indicators.enter_data")
    indicator = get_indicator_for(request.membership, indicator_id)
    try:
        count = services.recompute_from_source(indicator, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(count)s period(s) recomputed from the data source.") % {"count": count})
    return _detail(indicator)


@require_GET
def series_csv(request: OrgRequest, indicator_id: int) -> HttpResponse:
    """The series as the file import reads it back (see ``indicators/exports.py``)."""
    require(request.membership, "indicators.view")
    indicator = get_indicator_for(request.membership, indicator_id)
    response = HttpResponse(exports.series_csv(indicator), content_type=exports.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(indicator, "csv")}"'
    return response


@require_GET
def series_json(request: OrgRequest, indicator_id: int) -> HttpResponse:
    """The series as the API's bulk entry accepts it (see ``indicators/exports.py``)."""
    require(request.membership, "indicators.view")
    indicator = get_indicator_for(request.membership, indicator_id)
    response = JsonResponse(exports.series_json(indicator), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(indicator, "json")}"'
    return response
