"""Member pages: the builder, campaigns, paper entry, results, export, actions, API; rights and query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from ameliora.core.models import Job, Membership
from ameliora.plans.models import Action
from ameliora.surveys import exports, services
from ameliora.surveys.models import Answer, Campaign, Question, Questionnaire, Response
from ameliora.surveys.results import TEXTS_PER_PAGE, TEXTS_SHOWN
from ameliora.surveys.tests.factories import AnswerFactory, CampaignFactory, QuestionFactory, ResponseFactory


def _url(name: str, membership: Membership, **kwargs: Any) -> str:
    return reverse(f"surveys:{name}", kwargs={"org_slug": membership.organization.slug, **kwargs})


@pytest.fixture
def patients(alice: Membership) -> Questionnaire:
    """The patient template, copied and published in alice's pharmacy."""
    questionnaire = services.copy_template(acting=alice, key="patient-satisfaction")
    services.publish_questionnaire(questionnaire, acting=alice)
    return questionnaire


def test_a_manager_builds_a_questionnaire_with_choices_and_a_condition(alice: Membership, client_for: Any) -> None:
    client: Client = client_for(alice)
    created = client.post(_url("questionnaire_create", alice), {"title": "Attentes", "description": ""})
    questionnaire = Questionnaire.objects.get(title="Attentes")
    assert created["Location"] == questionnaire.get_absolute_url()

    add = _url("question_add", alice, questionnaire_id=questionnaire.pk)
    client.post(add, {"kind": "single", "text": "Venu pour ?", "choices_text": "Soins\nConseil\n", "required": "on"})
    first = questionnaire.questions.get()
    response = client.post(
        add,
        {"kind": "long_text", "text": "Précisez", "condition_question": first.pk, "condition_value": "Conseil"},
    )
    assert response.status_code == 302
    follow_up = questionnaire.questions.get(text="Précisez")
    assert follow_up.condition_question == first
    page = client.get(questionnaire.get_absolute_url()).content.decode()
    assert "Précisez" in page
    assert "Conseil" in page


def test_a_choice_question_without_choices_is_refused_on_its_field(alice: Membership, client_for: Any) -> None:
    questionnaire = services.create_questionnaire(acting=alice, title="Attentes")
    response = client_for(alice).post(
        _url("question_add", alice, questionnaire_id=questionnaire.pk),
        {"kind": "multiple", "text": "Lesquels ?", "choices_text": "Un seul"},
    )
    assert response.status_code == 422
    assert response.context["question_form"].errors["choices_text"] == [str(services.NEEDS_CHOICES_MESSAGE)]
    assert response.context["question_form"]["text"].value() == "Lesquels ?"


def test_copying_a_template_from_the_new_page(alice: Membership, client_for: Any) -> None:
    response = client_for(alice).post(_url("questionnaire_create", alice), {"key": "admission-expectations"})
    questionnaire = Questionnaire.objects.get(template_key="admission-expectations")
    assert response["Location"] == questionnaire.get_absolute_url()


def test_a_plain_member_reads_results_but_cannot_build_or_run(
    bob: Membership, patients: Questionnaire, client_for: Any
) -> None:
    client: Client = client_for(bob)
    campaign = CampaignFactory.create(questionnaire=patients)
    assert client.get(_url("home", bob)).status_code == 200
    assert client.get(_url("campaign_results", bob, survey_campaign_id=campaign.pk)).status_code == 200
    assert client.get(_url("questionnaire_create", bob)).status_code == 403
    assert client.post(_url("questionnaire_publish", bob, questionnaire_id=patients.pk)).status_code == 403
    transition = _url("campaign_transition", bob, survey_campaign_id=campaign.pk)
    assert client.post(transition, {"action": "close"}).status_code == 403


def test_a_manager_opens_and_closes_a_campaign(alice: Membership, patients: Questionnaire, client_for: Any) -> None:
    client: Client = client_for(alice)
    response = client.post(
        _url("campaign_create", alice, questionnaire_id=patients.pk),
        {"name": "Printemps", "period_start": "2026-03-01", "period_end": "2026-05-31", "anonymous": "on"},
    )
    campaign = Campaign.objects.get(name="Printemps")
    assert response["Location"] == campaign.get_absolute_url()
    transition = _url("campaign_transition", alice, survey_campaign_id=campaign.pk)
    client.post(transition, {"action": "open"})
    client.post(transition, {"action": "close"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert campaign.public_key in page


def test_the_printable_page_carries_the_link_and_its_qr_code(
    alice: Membership, patients: Questionnaire, client_for: Any
) -> None:
    campaign = CampaignFactory.create(questionnaire=patients)
    html = client_for(alice).get(_url("campaign_print", alice, survey_campaign_id=campaign.pk)).content.decode()
    assert f"/enquete/{campaign.public_key}/" in html
    assert "<svg" in html


def test_staff_type_in_a_paper_questionnaire(bob: Membership, patients: Questionnaire, client_for: Any) -> None:
    campaign = CampaignFactory.create(questionnaire=patients)
    required = {f"q{q.pk}": "4" for q in patients.questions.filter(required=True, kind=Question.Kind.LIKERT)}
    nps = patients.questions.get(kind=Question.Kind.NPS)
    referral = patients.questions.get(kind=Question.Kind.SINGLE)
    data = {**required, f"q{nps.pk}": "9", f"q{referral.pk}": "Mon médecin traitant"}
    client: Client = client_for(bob)

    incomplete = client.post(_url("campaign_paper", bob, survey_campaign_id=campaign.pk), {f"q{nps.pk}": "9"})
    assert incomplete.status_code == 422
    response = client.post(_url("campaign_paper", bob, survey_campaign_id=campaign.pk), data)

    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.mode == Response.Mode.PAPER
    assert stored.entered_by == bob


def test_results_page_costs_a_fixed_number_of_queries(
    alice: Membership, patients: Questionnaire, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    campaign = CampaignFactory.create(questionnaire=patients, audience_size=100)
    likert = patients.questions.filter(kind=Question.Kind.LIKERT).first()
    text = patients.questions.filter(kind=Question.Kind.LONG_TEXT).last()
    assert likert is not None
    for index in range(30):
        response = ResponseFactory.create(campaign=campaign)
        Answer.objects.create(organization=alice.organization, response=response, question=likert, number=index % 5 + 1)
        AnswerFactory.create(response=response, question=text, text=f"Remarque {index}")
    client: Client = client_for(alice)
    url = _url("campaign_results", alice, survey_campaign_id=campaign.pk)
    client.get(url)

    with django_assert_max_num_queries(30):
        page = client.get(url)
    assert page.status_code == 200
    assert page.context["results"].response_count == 30


def test_the_home_list_costs_a_fixed_number_of_queries(
    alice: Membership, patients: Questionnaire, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for _index in range(30):
        ResponseFactory.create(campaign=CampaignFactory.create(questionnaire=patients))
    client: Client = client_for(alice)
    with django_assert_max_num_queries(14):
        page = client.get(_url("home", alice))
    assert len(page.context["campaigns"].object_list) == 25


def test_an_identifying_text_is_hidden_from_results_and_export(
    alice: Membership, patients: Questionnaire, client_for: Any
) -> None:
    campaign = CampaignFactory.create(questionnaire=patients)
    text = patients.questions.filter(kind=Question.Kind.LONG_TEXT).last()
    answer = AnswerFactory.create(response__campaign=campaign, question=text, text="Le Dr Martin m'a oublié")
    formula = AnswerFactory.create(response__campaign=campaign, question=text, text='=HYPERLINK("http://x")')
    client: Client = client_for(alice)

    client.post(_url("answer_flag", alice, survey_answer_id=answer.pk), {"hidden": "1"})

    answer.refresh_from_db()
    assert answer.hidden_identifying
    results = client.get(_url("campaign_results", alice, survey_campaign_id=campaign.pk))
    assert "Dr Martin" not in results.content.decode()
    export = client.get(_url("campaign_export", alice, survey_campaign_id=campaign.pk))
    sheet = load_workbook(BytesIO(export.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not any("Dr Martin" in str(value) for value in values)
    assert "'" + formula.text in values
    assert not any(str(value).startswith("=") for value in values)


def test_a_number_answer_is_a_number_in_the_export(alice: Membership, patients: Questionnaire, client_for: Any) -> None:
    campaign = CampaignFactory.create(questionnaire=patients)
    question = QuestionFactory.create(questionnaire=patients, kind=Question.Kind.NUMBER, text="Âge")
    AnswerFactory.create(response__campaign=campaign, question=question, number=Decimal("42.5"), text="")

    export = client_for(alice).get(_url("campaign_export", alice, survey_campaign_id=campaign.pk))

    sheet = load_workbook(BytesIO(export.content)).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Âge") + 1)
    assert cell.value == 42.5
    assert cell.data_type == "n"


def test_an_action_opened_from_a_question_shows_on_the_results(
    alice: Membership, patients: Questionnaire, client_for: Any
) -> None:
    campaign = CampaignFactory.create(questionnaire=patients)
    question = patients.questions.filter(kind=Question.Kind.LIKERT).first()
    assert question is not None
    client: Client = client_for(alice)

    url = _url("question_action", alice, survey_campaign_id=campaign.pk, question_id=question.pk)
    response = client.post(url, {"title": "Revoir l’accueil du lundi"})

    action = Action.objects.get()
    assert response["Location"] == action.get_absolute_url()
    results = client.get(_url("campaign_results", alice, survey_campaign_id=campaign.pk))
    counted = next(r for r in results.context["results"].questions if r.question == question)
    assert counted.actions == [action]
    assert action.title in results.content.decode()


def test_a_question_of_another_questionnaire_cannot_open_an_action_here(
    alice: Membership, patients: Questionnaire, client_for: Any
) -> None:
    campaign = CampaignFactory.create(questionnaire=patients)
    stranger = QuestionFactory.create(questionnaire__organization=alice.organization)
    url = _url("question_action", alice, survey_campaign_id=campaign.pk, question_id=stranger.pk)
    assert client_for(alice).get(url).status_code == 404


def test_api_lists_campaigns_and_details_results(
    alice: Membership, patients: Questionnaire, client_for: Any, charlie: Membership
) -> None:
    campaign = CampaignFactory.create(questionnaire=patients, audience_size=4)
    likert = patients.questions.filter(kind=Question.Kind.LIKERT).first()
    assert likert is not None
    for value in (5, 4):
        services.submit_response(campaign, values={likert.pk: Decimal(value)})
    client: Client = client_for(alice)
    base = f"/api/v1/o/{alice.organization.slug}/surveys/campaigns"

    listing = client.get(base).json()
    assert listing["count"] == 1
    assert listing["items"][0]["response_count"] == 2
    detail = client.get(f"{base}/{campaign.pk}").json()
    assert detail["response_rate"]["value"] == 50
    first = next(q for q in detail["questions"] if q["id"] == likert.pk)
    assert first["satisfied"]["value"] == 100
    assert [d["count"] for d in first["distribution"]] == [0, 0, 0, 1, 1]

    other = client_for(charlie).get(f"/api/v1/o/{charlie.organization.slug}/surveys/campaigns/{campaign.pk}")
    assert other.status_code == 404
    assert "message" in other.json()


def test_a_large_export_runs_as_a_job(
    alice: Membership,
    patients: Questionnaire,
    client_for: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(exports, "INLINE_LIMIT", 1)
    campaign = CampaignFactory.create(questionnaire=patients)
    for _index in range(2):
        ResponseFactory.create(campaign=campaign)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).get(_url("campaign_export", alice, survey_campaign_id=campaign.pk))

    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.DONE
    assert job.result.name.endswith(".xlsx")


def test_a_manager_copies_a_questionnaire_and_a_member_cannot(
    alice: Membership, bob: Membership, patients: Questionnaire, client_for: Any
) -> None:
    url = _url("questionnaire_duplicate", alice, questionnaire_id=patients.pk)
    assert client_for(bob).post(url).status_code == 403

    response = client_for(alice).post(url)

    copy = Questionnaire.objects.exclude(pk=patients.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert copy.questions.count() == patients.questions.count()


def test_free_texts_are_paged_latest_first_at_a_fixed_cost(
    alice: Membership, bob: Membership, patients: Questionnaire, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    campaign = CampaignFactory.create(questionnaire=patients)
    text = patients.questions.filter(kind=Question.Kind.LONG_TEXT).last()
    assert text is not None
    start = timezone.now() - timedelta(days=1)
    for index in range(TEXTS_PER_PAGE + 5):
        response = ResponseFactory.create(campaign=campaign, submitted_at=start + timedelta(minutes=index))
        AnswerFactory.create(response=response, question=text, text=f"Remarque n°{index}.")
    client: Client = client_for(alice)

    results = client.get(_url("campaign_results", alice, survey_campaign_id=campaign.pk))
    shown = next(r for r in results.context["results"].questions if r.question == text)
    assert len(shown.texts) == TEXTS_SHOWN
    texts_url = _url("campaign_texts", alice, survey_campaign_id=campaign.pk, question_id=text.pk)
    assert texts_url in results.content.decode()

    client.get(texts_url)
    with django_assert_max_num_queries(14):
        first = client.get(texts_url)
    latest = f"Remarque n°{TEXTS_PER_PAGE + 4}."
    assert first.context["page"].object_list[0].text == latest
    assert len(first.context["page"].object_list) == TEXTS_PER_PAGE
    with django_assert_max_num_queries(14):
        second = client.get(texts_url + "?page=2")
    assert [a.text for a in second.context["page"].object_list] == [f"Remarque n°{i}." for i in range(4, -1, -1)]

    # Hiding a text from page 2 comes back to page 2; a plain member reads the pages too.
    oldest = Answer.objects.get(text="Remarque n°0.")
    flagged = client.post(_url("answer_flag", alice, survey_answer_id=oldest.pk), {"hidden": "1", "page": "2"})
    assert flagged["Location"] == texts_url + "?page=2"
    assert "Remarque n°0." not in client.get(texts_url + "?page=2").content.decode()
    assert client_for(bob).get(texts_url).status_code == 200


def test_the_texts_page_is_only_for_a_text_question_of_the_campaign(
    alice: Membership, patients: Questionnaire, client_for: Any
) -> None:
    campaign = CampaignFactory.create(questionnaire=patients)
    client: Client = client_for(alice)
    likert = patients.questions.filter(kind=Question.Kind.LIKERT).first()
    other = QuestionFactory.create(questionnaire__organization=alice.organization, kind=Question.Kind.LONG_TEXT)
    for question in (likert, other):
        assert question is not None
        url = _url("campaign_texts", alice, survey_campaign_id=campaign.pk, question_id=question.pk)
        assert client.get(url).status_code == 404
