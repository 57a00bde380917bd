"""Practice evaluation pages: list, the evaluation (results, fast case entry, write-up, actions), forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.core.http import INVALID_FORM, OrgRequest, form_status, posted
from ameliora.core.models import Link
from ameliora.core.permissions import can, require
from ameliora.evaluations import services
from ameliora.evaluations.access import evaluations_for, get_case_for, get_evaluation_for
from ameliora.evaluations.forms import ActionForm, CaseForm, EvaluationForm, StatusForm, writeup_form_for
from ameliora.evaluations.models import CaseAnswer, Evaluation
from ameliora.evaluations.results import audit_results
from ameliora.plans.models import Action

PAGE_SIZE = 25
CASES_SHOWN = 20
CASE_PAGE_SIZE = 50
FIELDS = ["method", "title", "purpose", "owner", "planned_sample", "period_start", "period_end"]


def _form_page(request: OrgRequest, form: Any, *, title: str, back: str) -> HttpResponse:
    return render(
        request,
        "evaluations/form.html",
        {"form": form, "title": title, "back": back},
        status=form_status(form),
    )


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    require(request.membership, "evaluations.view")
    rows = (
        evaluations_for(request.membership)
        .select_related("organization", "owner__user", "previous")
        .annotate(case_count=Count("cases", distinct=True))
        .order_by("-created_at")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "evaluations/home.html", {"page": page})


@require_http_methods(["GET", "POST"])
def create(request: OrgRequest) -> HttpResponse:
    require(request.membership, "evaluations.manage")
    form = EvaluationForm(posted(request), organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.create_evaluation(
                acting=request.membership,
                criteria=form.criteria_list(),
                **{name: form.cleaned_data[name] for name in FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Evaluation created."))
            return redirect(evaluation)
    back = reverse("evaluations:home", kwargs={"org_slug": request.organization.slug})
    return _form_page(request, form, title=_("New practice evaluation"), back=back)


@require_http_methods(["GET", "POST"])
def edit(request: OrgRequest, evaluation_id: int) -> HttpResponse:
    require(request.membership, "evaluations.manage")
    evaluation = get_evaluation_for(request.membership, evaluation_id)
    form = EvaluationForm(posted(request), instance=evaluation, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_evaluation(
                evaluation, acting=request.membership, **{n: form.cleaned_data[n] for n in FIELDS}
            )
            services.set_criteria(evaluation, criteria=form.criteria_list(), acting=request.membership)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Evaluation saved."))
            return redirect(evaluation)
    return _form_page(request, form, title=_("Edit the evaluation"), back=evaluation.get_absolute_url())


def _actions(evaluation: Evaluation) -> list[Action]:
    action_ids = Link.objects.for_org(evaluation.organization).filter(
        kind=Link.Kind.SOURCE,
        to_type=ContentType.objects.get_for_model(Evaluation),
        to_id=evaluation.pk,
        from_type=ContentType.objects.get_for_model(Action),
    )
    return list(
        Action.objects.for_org(evaluation.organization)
        .filter(pk__in=action_ids.values("from_id"))
        .select_related("plan", "organization", "owner__user")
    )


def _context(request: OrgRequest, evaluation: Evaluation, **forms: Any) -> dict[str, Any]:
    manage = can(request.membership, "evaluations.manage")
    context: dict[str, Any] = {
        "evaluation": evaluation,
        "manage": manage,
        "collecting": evaluation.status == Evaluation.Status.IN_PROGRESS,
        "transitions": [(s, Evaluation.Status(s).label) for s in evaluation.allowed_transitions()],
    }
    if evaluation.is_audit:
        context["results"] = audit_results(evaluation)
        context["case_form"] = forms.get("case_form") or CaseForm(criteria=list(evaluation.criteria.all()))
        context["recent_cases"] = evaluation.cases.select_related("observer__user")[:CASES_SHOWN]
    else:
        context["writeup_form"] = forms.get("writeup_form") or writeup_form_for(evaluation)
    return context


def _page(request: OrgRequest, evaluation: Evaluation, status: int = 200, **forms: Any) -> HttpResponse:
    context = _context(request, evaluation, **forms)
    context["actions"] = _actions(evaluation)
    context["action_form"] = forms.get("action_form") or ActionForm(evaluation=evaluation)
    return render(request, "evaluations/detail.html", context, status=status)


@require_GET
def detail(request: OrgRequest, evaluation_id: int) -> HttpResponse:
    require(request.membership, "evaluations.view")
    return _page(request, get_evaluation_for(request.membership, evaluation_id))


@require_POST
def case_add(request: OrgRequest, evaluation_id: int) -> HttpResponse:
    """Record a case; an empty form comes back, focused, for the next one.

    With htmx the answer is the page's audit part alone (results, entry form, latest cases); without, a redirect
    to the page (no fragment: it would cancel the autofocus on the next case). Errors answer 422 with what was typed.
    """
    require(request.membership, "evaluations.collect")
    evaluation = get_evaluation_for(request.membership, evaluation_id)
    form = CaseForm(request.POST, criteria=list(evaluation.criteria.all()))
    if form.is_valid():
        try:
            services.record_case(
                evaluation,
                acting=request.membership,
                label=form.cleaned_data["label"],
                observed_on=form.cleaned_data["observed_on"],
                answers=form.answers(),
            )
        except ValidationError as exc:
            form.add_error("label" if hasattr(exc, "error_dict") else None, exc.messages)
        else:
            recorded = _("Case “%(label)s” recorded.") % {"label": form.cleaned_data["label"]}
            if request.htmx:
                context = _context(request, evaluation) | {"recorded": recorded}
                return render(request, "evaluations/detail.html#audit_live", context)
            messages.success(request, recorded)
            return redirect(evaluation)
    if request.htmx:
        return render(
            request,
            "evaluations/detail.html#audit_live",
            _context(request, evaluation, case_form=form),
            status=INVALID_FORM,
        )
    return _page(request, evaluation, status=INVALID_FORM, case_form=form)


@require_GET
def case_list(request: OrgRequest, evaluation_id: int) -> HttpResponse:
    """Every case of an audit, newest first, a page at a time, with its count of "no" answers."""
    require(request.membership, "evaluations.view")
    evaluation = get_evaluation_for(request.membership, evaluation_id)
    if not evaluation.is_audit:
        raise Http404
    rows = (
        evaluation.cases.select_related("observer__user")
        .annotate(no_count=Count("answers", filter=Q(answers__value=CaseAnswer.Value.NO)))
        .order_by("-observed_on", "-pk")  # an aggregate drops Meta.ordering
    )
    page = Paginator(rows, CASE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluations/case_list.html",
        {
            "evaluation": evaluation,
            "page": page,
            "editable": evaluation.status == Evaluation.Status.IN_PROGRESS
            and can(request.membership, "evaluations.collect"),
        },
    )


@require_http_methods(["GET", "POST"])
def case_detail(request: OrgRequest, case_id: int) -> HttpResponse:
    """One recorded case: its answer per criterion; corrected here while the round collects, frozen once closed."""
    require(request.membership, "evaluations.view")
    case = get_case_for(request.membership, case_id)
    evaluation = case.evaluation
    criteria = list(evaluation.criteria.all())
    editable = evaluation.status == Evaluation.Status.IN_PROGRESS and can(request.membership, "evaluations.collect")
    form = None
    status = 200
    if request.method == "POST":
        require(request.membership, "evaluations.collect")
        form = CaseForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                services.update_case(
                    case,
                    acting=request.membership,
                    label=form.cleaned_data["label"],
                    observed_on=form.cleaned_data["observed_on"],
                    answers=form.answers(),
                )
            except ValidationError as exc:
                form.add_error("label" if hasattr(exc, "error_dict") else None, exc.messages)
            else:
                messages.success(request, _("Case “%(label)s” corrected.") % {"label": case.label})
                return redirect(
                    reverse(
                        "evaluations:case_list",
                        kwargs={"org_slug": request.organization.slug, "evaluation_id": evaluation.pk},
                    )
                )
        status = INVALID_FORM
    elif editable:
        form = CaseForm(initial=CaseForm.initial_for(case), criteria=criteria)
    answers = {a.criterion_id: a for a in case.answers.all()}
    rows = [(criterion, answers.get(criterion.pk)) for criterion in criteria]
    return render(
        request,
        "evaluations/case_detail.html",
        {"evaluation": evaluation, "case": case, "case_form": form, "rows": rows, "editable": editable},
        status=status,
    )


@require_POST
def case_delete(request: OrgRequest, case_id: int) -> HttpResponse:
    require(request.membership, "evaluations.collect")
    case = get_case_for(request.membership, case_id)
    evaluation = case.evaluation
    try:
        services.delete_case(case, acting=request.membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Case removed (the history keeps it)."))
    return redirect(evaluation.get_absolute_url() + "#cases")


@require_POST
def status(request: OrgRequest, evaluation_id: int) -> HttpResponse:
    require(request.membership, "evaluations.manage")
    evaluation = get_evaluation_for(request.membership, evaluation_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.move_evaluation(evaluation, wanted=form.cleaned_data["status"], acting=request.membership)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    return redirect(evaluation)


@require_POST
def writeup(request: OrgRequest, evaluation_id: int) -> HttpResponse:
    require(request.membership, "evaluations.manage")
    evaluation = get_evaluation_for(request.membership, evaluation_id)
    if evaluation.is_audit:
        raise Http404
    form = writeup_form_for(evaluation, request.POST)
    if form.is_valid():
        try:
            services.update_evaluation(evaluation, acting=request.membership, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
    if form.errors:
        evaluation.refresh_from_db()  # the page shows what is saved; the form keeps what was typed
        return _page(request, evaluation, status=INVALID_FORM, writeup_form=form)
    messages.success(request, _("Write-up saved."))
    return redirect(evaluation)


@require_POST
def next_round(request: OrgRequest, evaluation_id: int) -> HttpResponse:
    require(request.membership, "evaluations.manage")
    evaluation = get_evaluation_for(request.membership, evaluation_id)
    try:
        following = services.start_next_round(evaluation, acting=request.membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(evaluation)
    messages.success(request, _("Next round created with the same criteria: start collecting when ready."))
    return redirect(following)


@require_POST
def action_add(request: OrgRequest, evaluation_id: int) -> HttpResponse:
    require(request.membership, "evaluations.manage")
    evaluation = get_evaluation_for(request.membership, evaluation_id)
    form = ActionForm(request.POST, evaluation=evaluation)
    if not form.is_valid():
        return _page(request, evaluation, status=INVALID_FORM, action_form=form)
    try:
        action = services.open_action(evaluation, acting=request.membership, **form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _page(request, evaluation, status=INVALID_FORM, action_form=form)
    messages.success(request, _("Action opened in plan %(code)s.") % {"code": action.plan.code})
    return redirect(evaluation.get_absolute_url() + "#actions")
