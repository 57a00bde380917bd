from django.urls import path

from ameliora.evaluations import views

app_name = "evaluations"

evaluation = "<int:evaluation_id>/"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path(evaluation, views.detail, name="detail"),
    path(evaluation + "edit/", views.edit, name="edit"),
    path(evaluation + "status/", views.status, name="status"),
    path(evaluation + "cases/", views.case_add, name="case_add"),
    path(evaluation + "write-up/", views.writeup, name="writeup"),
    path(evaluation + "next-round/", views.next_round, name="next_round"),
    path(evaluation + "actions/", views.action_add, name="action_add"),
    path(evaluation + "cases/all/", views.case_list, name="case_list"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/delete/", views.case_delete, name="case_delete"),
]
