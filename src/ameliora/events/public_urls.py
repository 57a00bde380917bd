"""Public pages (no account): mounted at the project root, outside the tenancy middleware's reach."""

from django.urls import path

from ameliora.events import public_views

app_name = "events_public"

urlpatterns = [
    path("declarer/<str:public_key>/", public_views.declare, name="declare"),
    path("suivi/", public_views.track, name="track"),
    path("retours/<str:public_key>/", public_views.library, name="library"),
]
