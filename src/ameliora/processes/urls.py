from django.urls import path

from ameliora.processes import views

app_name = "processes"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.process_create, name="process_create"),
    path("risks/", views.risk_register, name="risk_register"),
    path("risks/register.xlsx", views.risk_register_xlsx, name="risk_register_xlsx"),
    path("risk-zones/", views.risk_settings, name="risk_settings"),
    path("<int:process_id>/", views.process_detail, name="process_detail"),
    path("<int:process_id>/edit/", views.process_edit, name="process_edit"),
    path("<int:process_id>/risks/new/", views.risk_add, name="risk_add"),
    path("risks/<int:risk_id>/", views.risk_edit, name="risk_edit"),
    path("risks/<int:risk_id>/action/", views.risk_open_action, name="risk_open_action"),
]
