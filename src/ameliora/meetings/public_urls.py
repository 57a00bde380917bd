"""Calendar feeds, outside ``/o/``: calendar clients send no session cookie, the secret address is the key."""

from django.urls import path

from ameliora.meetings import views

app_name = "meetings_public"

urlpatterns = [
    path("calendrier/espace/<str:token>.ics", views.space_feed, name="space_feed"),
    path("calendrier/membre/<str:token>.ics", views.member_feed, name="member_feed"),
]
