from django.urls import path

from ameliora.events import views

app_name = "events"

event = "<int:event_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("declare/", views.declare, name="declare"),
    path("library/", views.library, name="library"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("fhir/export/", views.fhir_export, name="fhir_export"),
    path("settings/", views.event_settings, name="settings"),
    path("settings/categories/<int:category_id>/toggle/", views.category_toggle, name="category_toggle"),
    path("public-link/", views.public_link, name="public_link"),
    # One event: triage and workflow
    path(event, views.detail, name="detail"),
    path(event + "triage/", views.triage, name="triage"),
    path(event + "handler/", views.assign, name="assign"),
    path(event + "move/", views.move, name="move"),
    path(event + "reject/", views.reject, name="reject"),
    path(event + "check-back/", views.check_back, name="check_back"),
    path(event + "regulatory/", views.regulatory, name="regulatory"),
    # Analysis: what happened, why, what we learned; feedback
    path(event + "chronology/", views.timeline_add, name="timeline_add"),
    path(event + "chronology/<int:entry_id>/move/", views.timeline_move, name="timeline_move"),
    path(event + "chronology/<int:entry_id>/delete/", views.timeline_delete, name="timeline_delete"),
    path(event + "factors/", views.factor_add, name="factor_add"),
    path(event + "factors/<int:factor_id>/delete/", views.factor_delete, name="factor_delete"),
    path(event + "fishbone.svg", views.fishbone, name="fishbone"),
    path(event + "lessons/", views.lessons, name="lessons"),
    path(event + "decisions/", views.decision_add, name="decision_add"),
    path(event + "feedback/", views.feedback, name="feedback"),
    path(event + "summary/", views.summary, name="summary"),
    path(event + "summary/approve/", views.approve_lesson, name="approve_lesson"),
    path(event + "messages/", views.message, name="message"),
]
