"""Public answer page (no account): mounted at the project root, outside the tenancy middleware's reach."""

from django.urls import path

from ameliora.surveys import public_views

app_name = "surveys_public"

urlpatterns = [
    path("enquete/<str:public_key>/", public_views.answer, name="answer"),
]
