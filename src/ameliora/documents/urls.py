from django.urls import path

from ameliora.documents import views

app_name = "documents"

version = "<int:document_id>/v<int:number>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.document_create, name="document_create"),
    path("<int:document_id>/", views.document_detail, name="document_detail"),
    path("<int:document_id>/new-version/", views.document_new_version, name="document_new_version"),
    path("<int:document_id>/edit/", views.document_edit, name="document_edit"),
    path("<int:document_id>/archive/", views.document_archive, name="document_archive"),
    path("<int:document_id>/processes/", views.document_processes, name="document_processes"),
    # One version and its lifecycle
    path(version, views.version_detail, name="version_detail"),
    path(version + "edit/", views.version_edit, name="version_edit"),
    path(version + "submit/", views.version_submit, name="version_submit"),
    path(version + "review/", views.version_review, name="version_review"),
    path(version + "approve/", views.version_approve, name="version_approve"),
    path(version + "publish/", views.version_publish, name="version_publish"),
    path(version + "read/", views.version_acknowledge, name="version_acknowledge"),
    path(version + "file/", views.version_file, name="version_file"),
]
