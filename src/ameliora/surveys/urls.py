from django.urls import path

from ameliora.surveys import views

app_name = "surveys"

questionnaire = "questionnaires/<int:questionnaire_id>/"
question = "questions/<int:question_id>/"
campaign = "campaigns/<int:survey_campaign_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    # Questionnaires and their builder
    path("questionnaires/new/", views.questionnaire_create, name="questionnaire_create"),
    path(questionnaire, views.questionnaire_detail, name="questionnaire_detail"),
    path(questionnaire + "edit/", views.questionnaire_edit, name="questionnaire_edit"),
    path(questionnaire + "publish/", views.questionnaire_publish, name="questionnaire_publish"),
    path(questionnaire + "duplicate/", views.questionnaire_duplicate, name="questionnaire_duplicate"),
    path(questionnaire + "sections/new/", views.section_add, name="section_add"),
    path(questionnaire + "questions/new/", views.question_add, name="question_add"),
    path(questionnaire + "campaigns/new/", views.campaign_create, name="campaign_create"),
    path("sections/<int:section_id>/edit/", views.section_edit, name="section_edit"),
    path(question + "edit/", views.question_edit, name="question_edit"),
    path(question + "delete/", views.question_delete, name="question_delete"),
    path(question + "move/", views.question_move, name="question_move"),
    # Campaigns
    path(campaign, views.campaign_detail, name="campaign_detail"),
    path(campaign + "edit/", views.campaign_edit, name="campaign_edit"),
    path(campaign + "transition/", views.campaign_transition, name="campaign_transition"),
    path(campaign + "print/", views.campaign_print, name="campaign_print"),
    path(campaign + "paper/", views.campaign_paper, name="campaign_paper"),
    path(campaign + "results/", views.campaign_results_view, name="campaign_results"),
    path(campaign + "export.xlsx", views.campaign_export, name="campaign_export"),
    path(campaign + question + "action/", views.question_action, name="question_action"),
    path(campaign + question + "texts/", views.campaign_texts, name="campaign_texts"),
    path("answers/<int:survey_answer_id>/flag/", views.answer_flag, name="answer_flag"),
]
