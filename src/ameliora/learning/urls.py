from django.urls import path

from ameliora.learning import views

app_name = "learning"

situation = "<int:situation_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.situation_create, name="situation_create"),
    path(situation, views.situation_detail, name="situation_detail"),
    path(situation + "edit/", views.situation_edit, name="situation_edit"),
    path(situation + "self-critique/", views.self_critique, name="self_critique"),
    path(situation + "send-back/", views.send_back, name="send_back"),
    path(situation + "debrief/", views.debrief, name="debrief"),
    path(situation + "sign/", views.sign, name="sign"),
    path(situation + "ratings/self/", views.ratings_self, name="ratings_self"),
    path(situation + "ratings/supervisor/", views.ratings_supervisor, name="ratings_supervisor"),
    path(situation + "dossier.pdf", views.dossier_pdf, name="dossier_pdf"),
    path(situation + "dossier.docx", views.dossier_docx, name="dossier_docx"),
    path("competencies/", views.my_competencies, name="my_competencies"),
    path("competencies/<int:membership_id>/", views.learner_competencies, name="learner_competencies"),
    path("training/", views.training_plan, name="training_plan"),
    path("training/<int:need_id>/", views.training_need_edit, name="training_need_edit"),
    path("framework/", views.framework, name="framework"),
    path("framework/install/", views.framework_install, name="framework_install"),
    path("framework/new/", views.competency_create, name="competency_create"),
    path("framework/<int:competency_id>/", views.competency_edit, name="competency_edit"),
]
