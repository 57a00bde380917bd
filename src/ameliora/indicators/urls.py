from django.urls import path

from ameliora.indicators import views

app_name = "indicators"

urlpatterns = [
    # List and definitions
    path("", views.home, name="home"),
    path("new/", views.indicator_create, name="create"),
    path("<int:indicator_id>/", views.detail, name="detail"),
    path("<int:indicator_id>/edit/", views.indicator_edit, name="edit"),
    path("<int:indicator_id>/history/", views.history_page, name="history"),
    # Data entry
    path("<int:indicator_id>/values/new/", views.measurement_add, name="measurement_add"),
    path("<int:indicator_id>/values/grid/", views.measurement_grid, name="measurement_grid"),
    path("<int:indicator_id>/values/<int:measurement_id>/edit/", views.measurement_edit, name="measurement_edit"),
    path("<int:indicator_id>/values/<int:measurement_id>/delete/", views.measurement_delete, name="measurement_delete"),
    path(
        "<int:indicator_id>/values/<int:measurement_id>/exclude/", views.measurement_exclude, name="measurement_exclude"
    ),
    path(
        "<int:indicator_id>/values/<int:measurement_id>/include/", views.measurement_include, name="measurement_include"
    ),
    path("<int:indicator_id>/recompute/", views.recompute, name="recompute"),
    # Export of the series, in the shapes the import reads back
    path("<int:indicator_id>/series.csv", views.series_csv, name="series_csv"),
    path("<int:indicator_id>/series.json", views.series_json, name="series_json"),
    # Import
    path("<int:indicator_id>/import/", views.import_upload, name="import"),
    path("<int:indicator_id>/import/<int:import_id>/", views.import_preview, name="import_preview"),
    path("<int:indicator_id>/import/<int:import_id>/columns/", views.import_columns, name="import_columns"),
    # Objectives of action plans measured by indicators
    path("objectives/<int:objective_id>/link/", views.objective_link, name="objective_link"),
    path(
        "objectives/<int:objective_id>/unlink/<int:indicator_id>/",
        views.objective_unlink,
        name="objective_unlink",
    ),
    path("objectives/<int:objective_id>/targets/", views.objective_targets, name="objective_targets"),
    path("objectives/<int:objective_id>/align/<int:indicator_id>/", views.objective_align, name="objective_align"),
    # Phases and annotations
    path("<int:indicator_id>/phases/", views.phase_add, name="phase_add"),
    path("<int:indicator_id>/phases/<int:phase_id>/delete/", views.phase_delete, name="phase_delete"),
    path("<int:indicator_id>/annotations/", views.annotation_add, name="annotation_add"),
    path(
        "<int:indicator_id>/annotations/<int:annotation_id>/delete/",
        views.annotation_delete,
        name="annotation_delete",
    ),
]
