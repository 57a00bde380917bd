from django.urls import path

from ameliora.plans import views

app_name = "plans"

plan = "<int:plan_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.plan_create, name="plan_create"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("routing/", views.routing, name="routing"),
    # One plan and its story
    path(plan, views.plan_detail, name="plan_detail"),
    path(plan + "edit/", views.plan_edit, name="plan_edit"),
    path(plan + "status/", views.plan_status, name="plan_status"),
    path(plan + "export/", views.plan_export, name="plan_export"),
    path(plan + "objectives/new/", views.objective_add, name="objective_add"),
    path(plan + "actions/", views.action_list, name="action_list"),
    path(plan + "actions/new/", views.action_create, name="action_create"),
    path(plan + "board/", views.action_board, name="action_board"),
    path(plan + "timeline/", views.plan_timeline, name="plan_timeline"),
    path(plan + "tools/new/", views.tool_add, name="tool_add"),
    path(plan + "communications/new/", views.communication_add, name="communication_add"),
    path(plan + "progress-reviews/new/", views.progress_review_add, name="progress_review_add"),
    path(plan + "final-review/", views.final_review, name="final_review"),
    path(plan + "revisions/new/", views.revision_add, name="revision_add"),
    # Objectives, actions and communications by their own id
    path("objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path("actions/<int:action_id>/", views.action_detail, name="action_detail"),
    path("actions/<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/move/", views.action_move, name="action_move"),
    path("tools/<int:tool_id>/delete/", views.tool_delete, name="tool_delete"),
    path("communications/<int:communication_id>/delete/", views.communication_delete, name="communication_delete"),
    path("progress-reviews/<int:review_id>/delete/", views.progress_review_delete, name="progress_review_delete"),
    path(
        "communications/<int:communication_id>/acknowledge/",
        views.communication_acknowledge,
        name="communication_acknowledge",
    ),
]
