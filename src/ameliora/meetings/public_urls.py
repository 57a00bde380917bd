"""Outside ``/o/``: calendar feeds (calendar clients send no session cookie, the secret address is the key) and
the guest invitation link (the visitor is no member)."""

from django.urls import path

from ameliora.meetings import guest_views, views

app_name = "meetings_public"

urlpatterns = [
    path("calendrier/espace/<str:token>.ics", views.space_feed, name="space_feed"),
    path("calendrier/membre/<str:token>.ics", views.member_feed, name="member_feed"),
    path("invitations/espace/<str:token>/", guest_views.guest_invitation, name="guest_invitation"),
]
