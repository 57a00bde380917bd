from django.urls import path

from ameliora.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("annual.pdf", views.annual_pdf, name="annual_pdf"),
    path("annual.xlsx", views.annual_xlsx, name="annual_xlsx"),
    path("representatives/", views.representatives, name="representatives"),
]
