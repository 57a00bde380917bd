"""Self-assessment pages: grids, campaigns, answering (htmx or plain forms), results and exports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.assessments import charts, exports, planning, scales, services
from ameliora.assessments.access import (
    answerable_sections,
    campaigns_for,
    get_answer_for,
    get_campaign_for,
    get_criterion_for,
    get_grid_for,
    get_respondent_for,
    grids_for,
    may_answer,
)
from ameliora.assessments.forms import (
    AnswerForm,
    BuiltinGridForm,
    CampaignForm,
    CriterionForm,
    EvidenceForm,
    GridForm,
    GridImportForm,
    NewGridVersionForm,
    RespondentForm,
    SectionForm,
)
from ameliora.assessments.gridfile import GridFileError, dump_grid
from ameliora.assessments.models import Answer, Campaign, Criterion, Respondent, Section
from ameliora.assessments.results import campaign_results, linked_objects
from ameliora.core.http import INVALID_FORM, OrgRequest, form_status, parse_id, posted
from ameliora.core.models import Attachment
from ameliora.core.permissions import require

PAGE_SIZE = 25


# --- Home: campaigns ----------------------------------------------------------------------------


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    require(request.membership, "assessments.view")
    campaigns = (
        campaigns_for(request.membership)
        .select_related("grid", "organization")
        .annotate(
            total=Count("answers"),
            answered=Count("answers", filter=~Q(answers__status=Answer.Status.TO_ANSWER)),
        )
        .order_by("-period_start", "-pk")
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = set(
        Respondent.objects.for_org(request.organization)
        .filter(membership=request.membership, campaign__in=[c.pk for c in page])
        .values_list("campaign_id", flat=True)
    )
    return render(
        request,
        "assessments/campaign_list.html",
        {"page": page, "mine": mine, "grid_count": grids_for(request.membership).count()},
    )


# --- Grids --------------------------------------------------------------------------------------


def _builtin_choices() -> list[tuple[str, str]]:
    return [(f"{spec.key}@{spec.version}", f"{spec.name} ({spec.version})") for spec in services.builtin_grid_specs()]


@require_http_methods(["GET", "POST"])
def grid_list(request: OrgRequest) -> HttpResponse:
    require(request.membership, "assessments.view")
    import_form = GridImportForm()
    builtin_form = BuiltinGridForm(choices=_builtin_choices())
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        require(request.membership, "assessments.manage")
        try:
            if "builtin" in request.POST:
                builtin_form = BuiltinGridForm(request.POST, choices=_builtin_choices())
                if not builtin_form.is_valid():
                    return _grid_list(request, import_form, builtin_form, errors, INVALID_FORM)
                spec = next(
                    s
                    for s in services.builtin_grid_specs()
                    if f"{s.key}@{s.version}" == builtin_form.cleaned_data["key"]
                )
                grid = services.install_grid(spec, organization=request.organization, acting=request.membership)
            else:
                import_form = GridImportForm(request.POST, request.FILES)
                if not import_form.is_valid():
                    return _grid_list(request, import_form, builtin_form, errors, INVALID_FORM)
                grid = services.import_grid(
                    import_form.cleaned_data["file"].read(),
                    organization=request.organization,
                    acting=request.membership,
                )
        except GridFileError as exc:
            errors, status = exc.errors, INVALID_FORM
        except ValidationError as exc:
            errors, status = exc.messages, INVALID_FORM
        else:
            messages.success(request, _("Grid added."))
            return redirect(grid)
    return _grid_list(request, import_form, builtin_form, errors, status)


def _grid_list(
    request: OrgRequest, import_form: GridImportForm, builtin_form: BuiltinGridForm, errors: list[str], status: int
) -> HttpResponse:
    grids = (
        grids_for(request.membership)
        .select_related("organization")
        .annotate(criteria_count=Count("criteria"))
        .order_by("name", "version")
    )
    page = Paginator(grids, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/grid_list.html",
        {"page": page, "import_form": import_form, "builtin_form": builtin_form, "errors": errors},
        status=status,
    )


@require_GET
def grid_detail(request: OrgRequest, grid_id: int) -> HttpResponse:
    require(request.membership, "assessments.view")
    grid = get_grid_for(request.membership, grid_id)
    sections = list(grid.sections.all())
    by_section: dict[int, list[Criterion]] = {s.pk: [] for s in sections}
    for criterion in grid.criteria.all().select_related("organization"):
        by_section[criterion.section_id].append(criterion)
    return render(
        request,
        "assessments/grid_detail.html",
        {
            "grid": grid,
            "sections": [(s, by_section[s.pk]) for s in sections],
            "locked": grid.is_locked(),
            "structure_locked": grid.has_campaigns(),
            "scale_options": scales.options(grid.answer_scale, grid.answer_weights),
        },
    )


@require_http_methods(["GET", "POST"])
def grid_edit(request: OrgRequest, grid_id: int) -> HttpResponse:
    require(request.membership, "assessments.manage")
    grid = get_grid_for(request.membership, grid_id)
    form = GridForm(posted(request), instance=grid)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_grid(
                grid, acting=request.membership, **{f: form.cleaned_data[f] for f in form.changed_data}
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Grid saved."))
            return redirect(grid)
    status = form_status(form)
    return render(request, "assessments/grid_form.html", {"grid": grid, "form": form}, status=status)


def _try_change(request: OrgRequest, change: Callable[[], object], done: str = "") -> None:
    """Run a one-click change of a grid; its refusal (the grid is in use…) becomes an error message."""
    try:
        change()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if done:
            messages.success(request, done)


@require_http_methods(["GET", "POST"])
def grid_new_version(request: OrgRequest, grid_id: int) -> HttpResponse:
    require(request.membership, "assessments.manage")
    grid = get_grid_for(request.membership, grid_id)
    form = NewGridVersionForm(posted(request), grid=grid)
    if request.method == "POST" and form.is_valid():
        copy = services.new_grid_version(grid, version=form.cleaned_data["version"], acting=request.membership)
        messages.success(request, _("New version created: you can now change its sections and criteria."))
        return redirect(copy)
    status = form_status(form)
    return render(request, "assessments/grid_version_form.html", {"grid": grid, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def section_add(request: OrgRequest, grid_id: int) -> HttpResponse:
    require(request.membership, "assessments.manage")
    grid = get_grid_for(request.membership, grid_id)
    form = SectionForm(posted(request), instance=Section(grid=grid, organization=grid.organization))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_section(grid, acting=request.membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Section added."))
            return redirect(grid)
    status = form_status(form)
    return render(request, "assessments/section_form.html", {"grid": grid, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def section_edit(request: OrgRequest, grid_id: int, grid_section_id: int) -> HttpResponse:
    require(request.membership, "assessments.manage")
    grid = get_grid_for(request.membership, grid_id)
    section = get_object_or_404(grid.sections.all(), pk=grid_section_id)
    form = SectionForm(posted(request), instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_section(
                section, acting=request.membership, **{f: form.cleaned_data[f] for f in form.changed_data}
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Section saved."))
            return redirect(grid)
    status = form_status(form)
    context = {"grid": grid, "form": form, "section": section}
    return render(request, "assessments/section_form.html", context, status=status)


@require_POST
def section_delete(request: OrgRequest, grid_id: int, grid_section_id: int) -> HttpResponse:
    require(request.membership, "assessments.manage")
    grid = get_grid_for(request.membership, grid_id)
    section = get_object_or_404(grid.sections.all(), pk=grid_section_id)
    _try_change(request, lambda: services.delete_section(section, acting=request.membership), _("Section removed."))
    return redirect(grid)


@require_POST
def section_move(request: OrgRequest, grid_id: int, grid_section_id: int) -> HttpResponse:
    require(request.membership, "assessments.manage")
    grid = get_grid_for(request.membership, grid_id)
    section = get_object_or_404(grid.sections.all(), pk=grid_section_id)
    _try_change(
        request, lambda: services.move(section, up=request.POST.get("direction") == "up", acting=request.membership)
    )
    return redirect(f"{grid.get_absolute_url()}#section-{section.pk}")


@require_http_methods(["GET", "POST"])
def criterion_add(request: OrgRequest, grid_id: int) -> HttpResponse:
    require(request.membership, "assessments.manage")
    grid = get_grid_for(request.membership, grid_id)
    initial = {"section": request.GET.get("section")}
    form = CriterionForm(posted(request), instance=Criterion(grid=grid), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_criterion(grid, acting=request.membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Criterion added."))
            return redirect(f"{grid.get_absolute_url()}#section-{form.cleaned_data['section'].pk}")
    status = form_status(form)
    return render(request, "assessments/criterion_form.html", {"grid": grid, "form": form}, status=status)


@require_POST
def criterion_delete(request: OrgRequest, criterion_id: int) -> HttpResponse:
    require(request.membership, "assessments.manage")
    criterion = get_criterion_for(request.membership, criterion_id)
    _try_change(
        request, lambda: services.delete_criterion(criterion, acting=request.membership), _("Criterion removed.")
    )
    return redirect(criterion.grid)


@require_POST
def criterion_move(request: OrgRequest, criterion_id: int) -> HttpResponse:
    require(request.membership, "assessments.manage")
    criterion = get_criterion_for(request.membership, criterion_id)
    _try_change(
        request, lambda: services.move(criterion, up=request.POST.get("direction") == "up", acting=request.membership)
    )
    return redirect(f"{criterion.grid.get_absolute_url()}#section-{criterion.section_id}")


@require_GET
def grid_export(request: OrgRequest, grid_id: int) -> HttpResponse:
    require(request.membership, "assessments.view")
    grid = get_grid_for(request.membership, grid_id)
    response = HttpResponse(dump_grid(grid), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{grid.key}-{grid.version}.yaml"'
    return response


@require_http_methods(["GET", "POST"])
def criterion_edit(request: OrgRequest, criterion_id: int) -> HttpResponse:
    require(request.membership, "assessments.manage")
    criterion = get_criterion_for(request.membership, criterion_id)
    form = CriterionForm(posted(request), instance=criterion)
    if request.method == "POST" and form.is_valid():
        changed = {f: form.cleaned_data[f] for f in form.changed_data}
        # The ModelForm already assigned the values to the instance; the service re-checks the lock.
        try:
            services.update_criterion(criterion, acting=request.membership, **changed)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Criterion saved."))
            return redirect(criterion.grid)
    status = form_status(form)
    return render(request, "assessments/criterion_form.html", {"criterion": criterion, "form": form}, status=status)


@require_GET
def criterion_detail(request: OrgRequest, criterion_id: int) -> HttpResponse:
    """A criterion, its answers in every campaign of the grid's key, and the actions linked since."""
    require(request.membership, "assessments.view")
    criterion = get_criterion_for(request.membership, criterion_id)
    answers = list(
        Answer.objects.for_org(request.organization)
        .filter(criterion__grid__key=criterion.grid.key, criterion__code=criterion.code)
        .select_related("campaign__grid", "campaign__organization", "organization", "criterion", "answered_by")
        .order_by("-campaign__period_start")[:20]
    )
    same_code = list(
        Criterion.objects.for_org(request.organization)
        .filter(grid__key=criterion.grid.key, code=criterion.code)
        .values_list("pk", flat=True)
    )
    links = linked_objects(request.organization, {Criterion: same_code, Answer: [a.pk for a in answers]})
    linked = list(
        {
            (entry.label, entry.url): entry
            for key, entries in links.items()
            for entry in entries
            if key[0] in (Criterion, Answer)
        }.values()
    )
    for answer in answers:
        answer.value_label = scales.label(answer.criterion.scale_for(answer.campaign.grid), answer.value)  # type: ignore[attr-defined]
    return render(
        request, "assessments/criterion_detail.html", {"criterion": criterion, "answers": answers, "linked": linked}
    )


# --- Campaigns ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def campaign_create(request: OrgRequest) -> HttpResponse:
    require(request.membership, "assessments.manage")
    grids = grids_for(request.membership)
    today = timezone.localdate()
    initial: dict[str, Any] = {"period_start": today, "period_end": today + timedelta(days=30)}
    grid_id = parse_id(request.GET.get("grid"))
    if grid_id is not None:
        initial["grid"] = grid_id
    form = CampaignForm(posted(request), grids=grids, initial=initial)
    if request.method == "POST" and form.is_valid():
        grid = form.cleaned_data["grid"]
        previous = services.previous_campaign_for(grid) if form.cleaned_data["from_previous"] else None
        campaign = services.create_campaign(
            grid=grid,
            name=form.cleaned_data["name"],
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            previous=previous,
            acting=request.membership,
        )
        messages.success(request, _("Campaign created. Name its respondents, then open it."))
        return redirect(campaign)
    status = form_status(form)
    return render(request, "assessments/campaign_form.html", {"form": form}, status=status)


def _progress_by_section(campaign: Campaign) -> list[dict[str, Any]]:
    rows = (
        Answer.objects.filter(campaign=campaign)
        .values("criterion__section_id", "criterion__section__code", "criterion__section__title", "status")
        .annotate(n=Count("pk"))
        .order_by("criterion__section__position")
    )
    sections: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = sections.setdefault(
            row["criterion__section_id"],
            {
                "code": row["criterion__section__code"],
                "title": row["criterion__section__title"],
                "id": row["criterion__section_id"],
                "counts": Counter(),
            },
        )
        entry["counts"][row["status"]] += row["n"]
    for entry in sections.values():
        total = sum(entry["counts"].values())
        entry["total"] = total
        entry["answered"] = entry["counts"][Answer.Status.ANSWERED]
        entry["drafts"] = entry["counts"][Answer.Status.DRAFT]
        entry["percent"] = round(100 * entry["answered"] / total) if total else 0
    return list(sections.values())


@require_GET
def campaign_detail(request: OrgRequest, campaign_id: int) -> HttpResponse:
    require(request.membership, "assessments.view")
    campaign = get_campaign_for(request.membership, campaign_id)
    return _campaign_detail(request, campaign, RespondentForm(campaign=campaign))


def _campaign_detail(request: OrgRequest, campaign: Campaign, form: RespondentForm, status: int = 200) -> HttpResponse:
    progress = _progress_by_section(campaign)
    total = sum(p["total"] for p in progress)
    answered = sum(p["answered"] for p in progress)
    respondents = (
        Respondent.objects.for_org(request.organization)
        .filter(campaign=campaign)
        .select_related("membership__user")
        .prefetch_related("sections")
    )
    return render(
        request,
        "assessments/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": progress,
            "total": total,
            "answered": answered,
            "percent": round(100 * answered / total) if total else 0,
            "respondents": respondents,
            "respondent_form": form,
            "can_answer": answerable_sections(request.membership, campaign) != set(),
        },
        status=status,
    )


@require_POST
def respondent_add(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = get_campaign_for(request.membership, campaign_id)
    require(request.membership, "assessments.manage")
    form = RespondentForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            services.set_respondent(
                campaign,
                membership=form.cleaned_data["membership"],
                sections=form.cleaned_data["sections"],
                acting=request.membership,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Respondent saved."))
            return redirect(campaign)
    return _campaign_detail(request, campaign, form, status=INVALID_FORM)


@require_POST
def respondent_remove(request: OrgRequest, campaign_id: int, respondent_id: int) -> HttpResponse:
    campaign = get_campaign_for(request.membership, campaign_id)
    respondent = get_respondent_for(request.membership, campaign, respondent_id)
    require(request.membership, "assessments.manage")
    try:
        services.remove_respondent(respondent, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Respondent removed."))
    return redirect(campaign)


@require_POST
def campaign_open(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = get_campaign_for(request.membership, campaign_id)
    require(request.membership, "assessments.manage")
    try:
        services.open_campaign(campaign, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Campaign opened: respondents were notified."))
    return redirect(campaign)


@require_POST
def campaign_close(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = get_campaign_for(request.membership, campaign_id)
    require(request.membership, "assessments.manage")
    try:
        services.close_campaign(campaign, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Campaign closed: its answers are now frozen."))
    return redirect("assessments:campaign_results", org_slug=request.organization.slug, campaign_id=campaign.pk)


# --- Answering ----------------------------------------------------------------------------------


def _evidence_counts(organization: Any, answer_ids: list[int]) -> dict[int, int]:
    content_type = ContentType.objects.get_for_model(Answer)
    rows = (
        Attachment.objects.for_org(organization)
        .filter(content_type=content_type, object_id__in=answer_ids)
        .values("object_id")
        .annotate(n=Count("pk"))
    )
    return {row["object_id"]: row["n"] for row in rows}


def _card(
    answer: Answer, campaign: Campaign, allowed: set[int] | None, *, form: AnswerForm | None = None, evidence: int = 0
) -> dict[str, Any]:
    scale = answer.criterion.scale_for(campaign.grid)
    editable = may_answer(allowed, answer.criterion.section_id) and campaign.status == Campaign.Status.OPEN
    if form is None and editable:
        form = AnswerForm(
            initial={"value": answer.value, "comment": answer.comment},
            scale=scale,
            weights=campaign.grid.answer_weights,
            prefix=f"a{answer.pk}",
        )
    return {
        "answer": answer,
        "criterion": answer.criterion,
        "form": form,
        "editable": editable,
        "value_label": scales.label(scale, answer.value) if answer.value else "",
        "baseline_label": scales.label(scale, answer.baseline_value) if answer.baseline_value else "",
        "evidence": evidence,
    }


@require_GET
def campaign_answer(request: OrgRequest, campaign_id: int) -> HttpResponse:
    """The answer page: every criterion of one section (or of all), each with its own small form."""
    require(request.membership, "assessments.view")
    campaign = get_campaign_for(request.membership, campaign_id)
    allowed = answerable_sections(request.membership, campaign)
    sections = list(Section.objects.filter(grid=campaign.grid))
    section_id = request.GET.get("section", "")
    answers = Answer.objects.filter(campaign=campaign).select_related(
        "criterion__section", "answered_by", "organization"
    )
    current = next((s for s in sections if str(s.pk) == section_id), None)
    if current is not None:
        answers = answers.filter(criterion__section=current)
    elif allowed:
        # A respondent for some sections sees those first; the others stay reachable from the menu.
        answers = answers.filter(criterion__section__in=allowed)
    answer_list = list(answers)
    evidence = _evidence_counts(request.organization, [a.pk for a in answer_list])
    cards = [_card(a, campaign, allowed, evidence=evidence.get(a.pk, 0)) for a in answer_list]
    return render(
        request,
        "assessments/campaign_answer.html",
        {
            "campaign": campaign,
            "sections": sections,
            "current": current,
            "cards": cards,
            "allowed": allowed,
            "restricted": bool(allowed) and current is None,
        },
    )


@require_http_methods(["GET", "POST"])
def answer_detail(request: OrgRequest, campaign_id: int, answer_id: int) -> HttpResponse:
    """One criterion: guidance, expected evidence, baseline, the answer form and its evidence files.

    A POST saves the answer (``action=draft`` keeps it a draft); with htmx it answers the card alone.
    Errors re-render with what was typed and status 422, so no draft is lost.
    """
    require(request.membership, "assessments.view")
    campaign = get_campaign_for(request.membership, campaign_id)
    answer = get_answer_for(request.membership, campaign, answer_id)
    allowed = answerable_sections(request.membership, campaign)
    form = None
    status = 200
    if request.method == "POST":
        require(request.membership, "assessments.answer")
        form = AnswerForm(
            request.POST,
            scale=answer.criterion.scale_for(campaign.grid),
            weights=campaign.grid.answer_weights,
            prefix=f"a{answer.pk}",
        )
        if form.is_valid():
            try:
                services.save_answer(
                    answer,
                    value=form.cleaned_data["value"],
                    comment=form.cleaned_data["comment"],
                    final=request.POST.get("action") != "draft",
                    acting=request.membership,
                )
            except ValidationError as exc:
                if exc.code in {"frozen", "not_open", "not_your_section"}:
                    status = 403
                form.add_error(
                    "value" if exc.code in {"unknown_value", "mandatory_na", "value_required"} else None, exc
                )
            else:
                form = None
                if not request.htmx:
                    messages.success(request, _("Answer saved."))
                    if request.POST.get("next") == "answer_page":
                        url = f"{campaign.get_absolute_url()}answer/?section={answer.criterion.section_id}"
                        return redirect(f"{url}#criterion-{answer.pk}")
                    return redirect(answer)
        if form is not None and form.errors and status == 200:
            status = INVALID_FORM
    evidence = _evidence_counts(request.organization, [answer.pk]).get(answer.pk, 0)
    card = _card(answer, campaign, allowed, form=form, evidence=evidence)
    if request.htmx:
        card["saved"] = request.method == "POST" and status == 200
        return render(
            request, "assessments/campaign_answer.html#answer_card", {"campaign": campaign, **card}, status=status
        )
    attachments = (
        Attachment.objects.for_org(request.organization)
        .filter(content_type=ContentType.objects.get_for_model(Answer), object_id=answer.pk)
        .select_related("uploaded_by")
    )
    return render(
        request,
        "assessments/answer_detail.html",
        {"campaign": campaign, **card, "attachments": attachments, "evidence_form": EvidenceForm()},
        status=status,
    )


@require_POST
def evidence_add(request: OrgRequest, campaign_id: int, answer_id: int) -> HttpResponse:
    campaign = get_campaign_for(request.membership, campaign_id)
    answer = get_answer_for(request.membership, campaign, answer_id)
    require(request.membership, "attachments.add")
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(
                answer,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                acting=request.membership,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("File attached."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(answer)


# --- Results, weaknesses, exports ---------------------------------------------------------------


@require_GET
def campaign_results_view(request: OrgRequest, campaign_id: int) -> HttpResponse:
    require(request.membership, "assessments.view")
    campaign = get_campaign_for(request.membership, campaign_id)
    results = campaign_results(campaign)
    labels = [f"{s.section.code}. {s.section.title}" for s in results.sections]
    values = [s.score.percent for s in results.sections]
    previous = (
        [s.previous.percent if s.previous else None for s in results.sections] if results.previous_campaign else None
    )
    texts = exports.chart_texts()
    radar = charts.radar_svg(labels, values, previous=previous, title=_("Radar of the section scores"), texts=texts)
    bars = charts.bar_svg(labels, values, previous=previous, title=_("Score per section"), texts=texts)
    changed = [item for item in results.items if item.trend in {"improved", "worse"}]
    return render(
        request,
        "assessments/campaign_results.html",
        {
            "campaign": campaign,
            "results": results,
            "radar": mark_safe(radar),
            "bars": mark_safe(bars),
            "improved": [i for i in changed if i.trend == "improved"],
            "worse": [i for i in changed if i.trend == "worse"],
            "large": exports.is_large(campaign),
        },
    )


@require_http_methods(["GET", "POST"])
def campaign_weaknesses(request: OrgRequest, campaign_id: int) -> HttpResponse:
    """Weaknesses to act on: select some and open actions linked back to their criteria."""
    require(request.membership, "assessments.view")
    campaign = get_campaign_for(request.membership, campaign_id)
    results = campaign_results(campaign, with_details=True)
    plans = planning.open_plans(request.membership)
    errors: list[str] = []
    if request.method == "POST":
        require(request.membership, "assessments.manage")
        chosen = {parse_id(v) for v in request.POST.getlist("answers")}
        picked = [item.answer for item in results.weaknesses if item.answer.pk in chosen]
        plan_id = request.POST.get("plan", "")
        chosen_plan = parse_id(plan_id)
        plan = plans.filter(pk=chosen_plan).first() if chosen_plan is not None else None
        if not picked:
            errors.append(_("Select at least one weakness."))
        elif plan_id and plan is None:
            errors.append(_("This plan does not exist or is closed."))
        else:
            try:
                plan = planning.open_actions(
                    campaign,
                    picked,
                    plan=plan,
                    plan_title=request.POST.get("plan_title", "").strip(),
                    acting=request.membership,
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("Actions opened and linked to their criteria."))
                return redirect(plan)
    return render(
        request,
        "assessments/campaign_weaknesses.html",
        {
            "campaign": campaign,
            "results": results,
            "plans": plans[:50],
            "chosen": request.POST.getlist("answers"),
            "errors": errors,
        },
        status=INVALID_FORM if errors else 200,
    )


@require_POST
def campaign_export(request: OrgRequest, campaign_id: int, fmt: str) -> HttpResponse:
    require(request.membership, "assessments.view")
    campaign = get_campaign_for(request.membership, campaign_id)
    if exports.is_large(campaign):
        job = exports.start_export_job(campaign, fmt, acting=request.membership)
        return redirect(job)
    content, name = exports.render_export(campaign, fmt)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
