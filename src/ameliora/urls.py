from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from ameliora.api.urls import api
from ameliora.core.health import healthz
from ameliora.core.i18n import set_language

# The admin signs in through allauth, so its rate limits and two-factor authentication apply.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# A database out of reach answers 503 "try again in a moment" (core/errors.py); other errors are 500.
handler500 = "ameliora.core.errors.server_error"
# Refusals and missing pages are styled pages in the layout that say why and link back (core/errors.py).
handler403 = "ameliora.core.errors.permission_denied"
handler404 = "ameliora.core.errors.page_not_found"

urlpatterns = [
    path("", include("ameliora.core.urls")),
    path("o/<slug:org_slug>/documents/", include("ameliora.documents.urls")),
    path("o/<slug:org_slug>/indicators/", include("ameliora.indicators.urls")),
    path("o/<slug:org_slug>/events/", include("ameliora.events.urls")),
    path("o/<slug:org_slug>/assessments/", include("ameliora.assessments.urls")),
    path("o/<slug:org_slug>/plans/", include("ameliora.plans.urls")),
    path("o/<slug:org_slug>/processes/", include("ameliora.processes.urls")),
    path("o/<slug:org_slug>/meetings/", include("ameliora.meetings.urls")),
    path("o/<slug:org_slug>/reports/", include("ameliora.reports.urls")),
    path("o/<slug:org_slug>/evaluations/", include("ameliora.evaluations.urls")),
    path("o/<slug:org_slug>/learning/", include("ameliora.learning.urls")),
    path("o/<slug:org_slug>/surveys/", include("ameliora.surveys.urls")),
    # Pages without an account, outside /o/ so that tenancy does not ask to sign in: public declaration and
    # tracking, calendar feeds (the secret address is the key), public survey answer page.
    path("", include("ameliora.events.public_urls")),
    path("", include("ameliora.meetings.public_urls")),
    path("", include("ameliora.surveys.public_urls")),
    path("accounts/", include("allauth.urls")),
    # Before Django's own: the language form also updates a signed-in person's profile.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
]
