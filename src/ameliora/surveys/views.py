"""Survey pages for members: questionnaires and their builder, campaigns, paper entry, results, export.

Views parse, authorize, call a service, render. Lists are paginated with annotated counts, so their
query count does not grow with the number of rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.core.history import history_of
from ameliora.core.http import INVALID_FORM, OrgRequest, posted
from ameliora.core.models import Link
from ameliora.core.permissions import can, require
from ameliora.plans.models import Action
from ameliora.surveys import exports, services
from ameliora.surveys.access import (
    campaigns_for,
    get_answer_for,
    get_campaign_for,
    get_question_for,
    get_questionnaire_for,
    get_section_for,
    questionnaires_for,
)
from ameliora.surveys.forms import (
    AnswerForm,
    CampaignForm,
    QuestionActionForm,
    QuestionForm,
    QuestionnaireForm,
    SectionForm,
    TemplateCopyForm,
    TransitionForm,
)
from ameliora.surveys.models import Campaign, Question, Questionnaire, Response
from ameliora.surveys.qr import qr_svg
from ameliora.surveys.results import TEXTS_PER_PAGE, campaign_results, text_answers
from ameliora.surveys.templates_builtin import TEMPLATES

PAGE_SIZE = 25


def _form_error(form: Any, exc: ValidationError) -> None:
    """Put a service's error on the field it names (when the form has it), else on the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# ---------------------------------------------------------------- home and questionnaires


@require_GET
def home(request: OrgRequest) -> HttpResponse:
    require(request.membership, "surveys.view")
    questionnaires = (
        questionnaires_for(request.membership)
        .select_related("organization")
        .annotate(question_count=Count("questions", distinct=True), campaign_count=Count("campaigns", distinct=True))
        .order_by("title", "pk")
    )
    campaigns = (
        campaigns_for(request.membership)
        .select_related("organization", "questionnaire")
        .annotate(response_count=Count("responses"))
        .order_by("-period_start", "-pk")
    )
    return render(
        request,
        "surveys/home.html",
        {
            "questionnaires": Paginator(questionnaires, PAGE_SIZE).get_page(request.GET.get("qpage")),
            "campaigns": Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page")),
            "can_manage": can(request.membership, "surveys.manage"),
        },
    )


@require_http_methods(["GET", "POST"])
def questionnaire_create(request: OrgRequest) -> HttpResponse:
    require(request.membership, "surveys.manage")
    is_copy = request.method == "POST" and "key" in request.POST
    form = QuestionnaireForm(request.POST if request.method == "POST" and not is_copy else None)
    copy_form = TemplateCopyForm(request.POST if is_copy else None)
    if is_copy and copy_form.is_valid():
        questionnaire = services.copy_template(acting=request.membership, key=copy_form.cleaned_data["key"])
        messages.success(request, _("The template was copied: adapt it to your organization."))
        return redirect(questionnaire.get_absolute_url())
    if form.is_bound and form.is_valid():
        questionnaire = services.create_questionnaire(
            acting=request.membership,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
        return redirect(questionnaire.get_absolute_url())
    status = INVALID_FORM if form.is_bound or copy_form.is_bound else 200
    return render(
        request,
        "surveys/questionnaire_create.html",
        {"form": form, "copy_form": copy_form, "templates": TEMPLATES.values()},
        status=status,
    )


@require_GET
def questionnaire_detail(request: OrgRequest, questionnaire_id: int) -> HttpResponse:
    require(request.membership, "surveys.view")
    questionnaire = get_questionnaire_for(request.membership, questionnaire_id)
    return _render_builder(request, questionnaire)


def _render_builder(
    request: OrgRequest,
    questionnaire: Questionnaire,
    *,
    question_form: QuestionForm | None = None,
    section_form: SectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    questions = list(
        questionnaire.questions.select_related("section", "condition_question").prefetch_related("choices")
    )
    sections = list(questionnaire.sections.all())
    grouped: list[tuple[Any, list[Question]]] = [(None, [q for q in questions if q.section_id is None])]
    grouped += [(section, [q for q in questions if q.section_id == section.pk]) for section in sections]
    campaigns = (
        questionnaire.campaigns.select_related("organization")
        .annotate(response_count=Count("responses"))
        .order_by("-period_start")[:20]
    )
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "grouped": grouped,
            "question_count": len(questions),
            "locked": questionnaire.is_locked(),
            "can_manage": can(request.membership, "surveys.manage"),
            "question_form": question_form or QuestionForm(questionnaire=questionnaire),
            "section_form": section_form or SectionForm(),
            "campaigns": campaigns,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: OrgRequest, questionnaire_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    questionnaire = get_questionnaire_for(request.membership, questionnaire_id)
    form = QuestionnaireForm(posted(request), instance=questionnaire)
    if request.method == "POST" and form.is_valid():
        services.update_questionnaire(
            questionnaire,
            acting=request.membership,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
        return redirect(questionnaire.get_absolute_url())
    return render(
        request,
        "surveys/form.html",
        {
            "form": form,
            "questionnaire": questionnaire,
            "title": _("Edit the questionnaire"),
            "back": questionnaire.get_absolute_url(),
        },
        status=INVALID_FORM if form.is_bound else 200,
    )


@require_POST
def questionnaire_publish(request: OrgRequest, questionnaire_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    questionnaire = get_questionnaire_for(request.membership, questionnaire_id)
    try:
        services.publish_questionnaire(questionnaire, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The questionnaire is published: campaigns can now be opened."))
    return redirect(questionnaire.get_absolute_url())


@require_POST
def questionnaire_duplicate(request: OrgRequest, questionnaire_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    questionnaire = get_questionnaire_for(request.membership, questionnaire_id)
    copy = services.duplicate_questionnaire(
        questionnaire,
        acting=request.membership,
        title=_("%(title)s (copy)") % {"title": questionnaire.title},
    )
    messages.success(request, _("A draft copy was made: change its questions, then publish it."))
    return redirect(copy.get_absolute_url())


@require_POST
def section_add(request: OrgRequest, questionnaire_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    questionnaire = get_questionnaire_for(request.membership, questionnaire_id)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.save_section(questionnaire, acting=request.membership, title=form.cleaned_data["title"])
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            return redirect(questionnaire.get_absolute_url())
    return _render_builder(request, questionnaire, section_form=form, status=INVALID_FORM)


@require_http_methods(["GET", "POST"])
def section_edit(request: OrgRequest, section_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    section = get_section_for(request.membership, section_id)
    form = SectionForm(posted(request), instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_section(
                section.questionnaire, acting=request.membership, title=form.cleaned_data["title"], section=section
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            return redirect(section.questionnaire.get_absolute_url())
    return render(
        request,
        "surveys/form.html",
        {
            "form": form,
            "questionnaire": section.questionnaire,
            "title": _("Rename the section"),
            "back": section.questionnaire.get_absolute_url(),
        },
        status=INVALID_FORM if form.is_bound else 200,
    )


def _save_question_form(request: OrgRequest, form: QuestionForm, questionnaire: Questionnaire) -> Question | None:
    if not form.is_valid():
        return None
    try:
        return services.save_question(
            questionnaire,
            acting=request.membership,
            fields=form.model_fields(),
            choices=form.choice_labels(),
            question=form.instance if form.instance.pk else None,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "choices" in exc.error_dict:
            exc.error_dict["choices_text"] = exc.error_dict.pop("choices")
        _form_error(form, exc)
        return None


@require_POST
def question_add(request: OrgRequest, questionnaire_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    questionnaire = get_questionnaire_for(request.membership, questionnaire_id)
    form = QuestionForm(request.POST, questionnaire=questionnaire)
    if _save_question_form(request, form, questionnaire) is not None:
        return redirect(questionnaire.get_absolute_url() + "#add-question")
    return _render_builder(request, questionnaire, question_form=form, status=INVALID_FORM)


@require_http_methods(["GET", "POST"])
def question_edit(request: OrgRequest, question_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    question = get_question_for(request.membership, question_id)
    questionnaire = question.questionnaire
    form = QuestionForm(posted(request), instance=question, questionnaire=questionnaire)
    if request.method == "POST" and _save_question_form(request, form, questionnaire) is not None:
        return redirect(questionnaire.get_absolute_url())
    return render(
        request,
        "surveys/form.html",
        {
            "form": form,
            "questionnaire": questionnaire,
            "title": _("Edit the question"),
            "back": questionnaire.get_absolute_url(),
        },
        status=INVALID_FORM if form.is_bound else 200,
    )


@require_POST
def question_delete(request: OrgRequest, question_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    question = get_question_for(request.membership, question_id)
    try:
        services.delete_question(question, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(question.questionnaire.get_absolute_url())


@require_POST
def question_move(request: OrgRequest, question_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    question = get_question_for(request.membership, question_id)
    try:
        services.move_question(question, acting=request.membership, up=request.POST.get("direction") == "up")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(question.questionnaire.get_absolute_url())


# ---------------------------------------------------------------- campaigns


@require_http_methods(["GET", "POST"])
def campaign_create(request: OrgRequest, questionnaire_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    questionnaire = get_questionnaire_for(request.membership, questionnaire_id)
    form = CampaignForm(posted(request), initial={"name": questionnaire.title})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(questionnaire, acting=request.membership, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            return redirect(campaign.get_absolute_url())
    return render(
        request,
        "surveys/form.html",
        {
            "form": form,
            "questionnaire": questionnaire,
            "title": _("New campaign"),
            "back": questionnaire.get_absolute_url(),
        },
        status=INVALID_FORM if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def campaign_edit(request: OrgRequest, survey_campaign_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    campaign = get_campaign_for(request.membership, survey_campaign_id)
    form = CampaignForm(posted(request), instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(campaign, acting=request.membership, fields=form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            return redirect(campaign.get_absolute_url())
    return render(
        request,
        "surveys/form.html",
        {
            "form": form,
            "questionnaire": campaign.questionnaire,
            "campaign": campaign,
            "title": _("Edit the campaign"),
            "back": campaign.get_absolute_url(),
        },
        status=INVALID_FORM if form.is_bound else 200,
    )


def _public_url(request: OrgRequest, campaign: Campaign) -> str:
    return request.build_absolute_uri(reverse("surveys_public:answer", kwargs={"public_key": campaign.public_key}))


@require_GET
def campaign_detail(request: OrgRequest, survey_campaign_id: int) -> HttpResponse:
    require(request.membership, "surveys.view")
    campaign = get_campaign_for(request.membership, survey_campaign_id)
    counts = {row["mode"]: row["n"] for row in campaign.responses.values("mode").annotate(n=Count("id"))}
    history = history_of(campaign) if can(request.membership, "history.view") else []
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "public_url": _public_url(request, campaign),
            "public_count": counts.get(Response.Mode.PUBLIC, 0),
            "paper_count": counts.get(Response.Mode.PAPER, 0),
            "can_manage": can(request.membership, "surveys.manage"),
            "can_enter_paper": can(request.membership, "surveys.enter_paper"),
            "history": history,
        },
    )


@require_POST
def campaign_transition(request: OrgRequest, survey_campaign_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    campaign = get_campaign_for(request.membership, survey_campaign_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect(campaign.get_absolute_url())
    try:
        services.transition_campaign(campaign, acting=request.membership, action=form.cleaned_data["action"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(campaign.get_absolute_url())


@require_GET
def campaign_print(request: OrgRequest, survey_campaign_id: int) -> HttpResponse:
    require(request.membership, "surveys.view")
    campaign = get_campaign_for(request.membership, survey_campaign_id)
    url = _public_url(request, campaign)
    return render(request, "surveys/campaign_print.html", {"campaign": campaign, "url": url, "qr": qr_svg(url)})


@require_http_methods(["GET", "POST"])
def campaign_paper(request: OrgRequest, survey_campaign_id: int) -> HttpResponse:
    """Staff type in the answers of one paper questionnaire; the same checks as the public page."""
    require(request.membership, "surveys.enter_paper")
    campaign = get_campaign_for(request.membership, survey_campaign_id)
    questions = list(campaign.questionnaire.questions.select_related("section").prefetch_related("choices"))
    form = AnswerForm(posted(request), questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.submit_response(
                    campaign, values=form.values(), mode=Response.Mode.PAPER, entered_by=request.membership
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The paper questionnaire was recorded. Type in the next one."))
                return redirect(reverse("surveys:campaign_paper", args=[request.organization.slug, campaign.pk]))
        status = INVALID_FORM
    return render(request, "surveys/campaign_paper.html", {"campaign": campaign, "form": form}, status=status)


@require_GET
def campaign_results_view(request: OrgRequest, survey_campaign_id: int) -> HttpResponse:
    require(request.membership, "surveys.view")
    campaign = get_campaign_for(request.membership, survey_campaign_id)
    results = campaign_results(campaign)
    question_type = ContentType.objects.get_for_model(Question)
    action_type = ContentType.objects.get_for_model(Action)
    # Actions opened from these questions (source links), shown under each question: two queries.
    pairs = list(
        Link.objects.for_org(request.organization)
        .filter(
            from_type=action_type,
            to_type=question_type,
            to_id__in=[r.question.pk for r in results.questions],
            kind=Link.Kind.SOURCE,
        )
        .values_list("to_id", "from_id")
    )
    actions = (
        Action.objects.for_org(request.organization)
        .select_related("organization")
        .in_bulk([action_id for _question_id, action_id in pairs])
    )
    by_question: dict[int, list[Action]] = {}
    for question_id, action_id in pairs:
        if action_id in actions:
            by_question.setdefault(question_id, []).append(actions[action_id])
    for result in results.questions:
        result.actions = by_question.get(result.question.pk, [])
    return render(
        request,
        "surveys/campaign_results.html",
        {
            "campaign": campaign,
            "results": results,
            "can_manage": can(request.membership, "surveys.manage"),
            "can_open_action": can(request.membership, "plans.edit"),
        },
    )


@require_GET
def campaign_export(request: OrgRequest, survey_campaign_id: int) -> HttpResponse:
    require(request.membership, "surveys.view")
    campaign = get_campaign_for(request.membership, survey_campaign_id)
    if exports.is_large(campaign):
        return redirect(exports.start_export_job(campaign, acting=request.membership))
    response = HttpResponse(exports.render_xlsx(campaign), content_type=exports.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(campaign)}"'
    return response


@require_POST
def answer_flag(request: OrgRequest, survey_answer_id: int) -> HttpResponse:
    require(request.membership, "surveys.manage")
    answer = get_answer_for(request.membership, survey_answer_id)
    services.flag_identifying(answer, acting=request.membership, hidden=request.POST.get("hidden") == "1")
    campaign = answer.response.campaign
    page = request.POST.get("page", "")
    if page.isdigit():  # flagged from the paged list of texts: back to the same page
        url = reverse("surveys:campaign_texts", args=[request.organization.slug, campaign.pk, answer.question_id])
        return redirect(f"{url}?page={page}")
    url = reverse("surveys:campaign_results", args=[request.organization.slug, campaign.pk])
    return redirect(f"{url}#q{answer.question_id}")


@require_GET
def campaign_texts(request: OrgRequest, survey_campaign_id: int, question_id: int) -> HttpResponse:
    """Every free-text answer to one question, latest first, a page at a time (a count and a page query)."""
    require(request.membership, "surveys.view")
    campaign = get_campaign_for(request.membership, survey_campaign_id)
    question = get_question_for(request.membership, question_id)
    if question.questionnaire_id != campaign.questionnaire_id or not question.is_text:
        raise Http404
    page = Paginator(text_answers(campaign, question), TEXTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/campaign_texts.html",
        {
            "campaign": campaign,
            "question": question,
            "page": page,
            "can_manage": can(request.membership, "surveys.manage"),
        },
    )


@require_http_methods(["GET", "POST"])
def question_action(request: OrgRequest, survey_campaign_id: int, question_id: int) -> HttpResponse:
    """Open an improvement action from one question's result, linked back to the question and campaign."""
    require(request.membership, "plans.edit")
    campaign = get_campaign_for(request.membership, survey_campaign_id)
    question = get_question_for(request.membership, question_id)
    if question.questionnaire_id != campaign.questionnaire_id:
        raise Http404
    form = QuestionActionForm(posted(request), organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.open_question_action(
                campaign,
                question,
                acting=request.membership,
                title=form.cleaned_data["title"],
                plan=form.cleaned_data["plan"],
                plan_title=_("Survey findings %(year)s") % {"year": campaign.period_start.year},
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The action was opened in the plan “%(plan)s”.") % {"plan": action.plan})
            return redirect(action.get_absolute_url())
    return render(
        request,
        "surveys/form.html",
        {
            "form": form,
            "campaign": campaign,
            "title": _("Open an action"),
            "intro": _("From the question “%(question)s”. The action will link back to it.")
            % {"question": question.text},
            "back": reverse("surveys:campaign_results", args=[request.organization.slug, campaign.pk]),
        },
        status=INVALID_FORM if form.is_bound else 200,
    )
