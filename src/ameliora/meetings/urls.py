from django.urls import path

from ameliora.meetings import guest_views, views

app_name = "meetings"

session = "sessions/<int:session_id>/"
letter = "mission-letters/<int:letter_id>/"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.space_create, name="space_create"),
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("<int:space_id>/", views.space_detail, name="space_detail"),
    path("<int:space_id>/edit/", views.space_edit, name="space_edit"),
    path("<int:space_id>/report/", views.report, name="report"),
    path("<int:space_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path(session, views.session_detail, name="session_detail"),
    path(session + "edit/", views.session_edit, name="session_edit"),
    path(session + "status/", views.session_status, name="session_status"),
    path(session + "attendance/", views.attendance, name="attendance"),
    path(session + "agenda/", views.agenda_accept, name="agenda_accept"),
    path(session + "items/", views.item_add, name="item_add"),
    path(session + "minutes/", views.minutes, name="minutes"),
    path(session + "decisions/", views.decision_add, name="decision_add"),
    path(session + "approve/", views.approve, name="approve"),
    # guests: invited by the space's runners; what they see (read-only, de-identified) under shared/
    path("<int:space_id>/guests/", views.guest_invite, name="guest_invite"),
    path("guests/<int:guest_id>/revoke/", views.guest_revoke, name="guest_revoke"),
    path("shared/<int:space_id>/", guest_views.guest_space, name="guest_space"),
    path("shared/" + session, guest_views.guest_session, name="guest_session"),
    path("shared/" + session + "attendance/", guest_views.guest_attendance, name="guest_attendance"),
    path("shared/" + session + "files/<int:attachment_id>/", guest_views.guest_file, name="guest_file"),
    # mission letters
    path("mission-letters/", views.letters, name="letters"),
    path("mission-letters/new/", views.letter_create, name="letter_create"),
    path(letter, views.letter_detail, name="letter_detail"),
    path(letter + "edit/", views.letter_edit, name="letter_edit"),
    path(letter + "issue/", views.letter_issue, name="letter_issue"),
    path(letter + "sign/", views.letter_sign, name="letter_sign"),
    path(letter + "letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("items/<int:item_id>/remove/", views.item_remove, name="item_remove"),
    path("items/<int:item_id>/up/", views.item_move, {"direction": "up"}, name="item_up"),
    path("items/<int:item_id>/down/", views.item_move, {"direction": "down"}, name="item_down"),
]
