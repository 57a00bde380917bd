from django.urls import path

from ameliora.assessments import views

app_name = "assessments"

campaign = "campaigns/<int:campaign_id>/"
answer = campaign + "answers/<int:answer_id>/"
section = "grids/<int:grid_id>/sections/<int:grid_section_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    # Grids (referentials)
    path("grids/", views.grid_list, name="grid_list"),
    path("grids/<int:grid_id>/", views.grid_detail, name="grid_detail"),
    path("grids/<int:grid_id>/edit/", views.grid_edit, name="grid_edit"),
    path("grids/<int:grid_id>/export.yaml", views.grid_export, name="grid_export"),
    path("grids/<int:grid_id>/new-version/", views.grid_new_version, name="grid_new_version"),
    path("grids/<int:grid_id>/sections/new/", views.section_add, name="section_add"),
    path(section, views.section_edit, name="section_edit"),
    path(section + "delete/", views.section_delete, name="section_delete"),
    path(section + "move/", views.section_move, name="section_move"),
    path("grids/<int:grid_id>/criteria/new/", views.criterion_add, name="criterion_add"),
    path("criteria/<int:criterion_id>/", views.criterion_detail, name="criterion_detail"),
    path("criteria/<int:criterion_id>/edit/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:criterion_id>/delete/", views.criterion_delete, name="criterion_delete"),
    path("criteria/<int:criterion_id>/move/", views.criterion_move, name="criterion_move"),
    # Campaigns
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path(campaign, views.campaign_detail, name="campaign_detail"),
    path(campaign + "respondents/", views.respondent_add, name="respondent_add"),
    path(campaign + "respondents/<int:respondent_id>/remove/", views.respondent_remove, name="respondent_remove"),
    path(campaign + "open/", views.campaign_open, name="campaign_open"),
    path(campaign + "close/", views.campaign_close, name="campaign_close"),
    # Answering
    path(campaign + "answer/", views.campaign_answer, name="campaign_answer"),
    path(answer, views.answer_detail, name="answer_detail"),
    path(answer + "evidence/", views.evidence_add, name="evidence_add"),
    # Results and what follows
    path(campaign + "results/", views.campaign_results_view, name="campaign_results"),
    path(campaign + "weaknesses/", views.campaign_weaknesses, name="campaign_weaknesses"),
    path(campaign + "export.xlsx", views.campaign_export, {"fmt": "xlsx"}, name="campaign_export_xlsx"),
    path(campaign + "export.pdf", views.campaign_export, {"fmt": "pdf"}, name="campaign_export_pdf"),
    path(campaign + "export.docx", views.campaign_export, {"fmt": "docx"}, name="campaign_export_docx"),
]
