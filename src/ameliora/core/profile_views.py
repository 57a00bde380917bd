"""A person's own pages, outside any organization: "My profile", "Download my data", "Close my account"."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ameliora.core import services
from ameliora.core.forms import CloseAccountForm, ProfileForm
from ameliora.core.http import AuthenticatedRequest, form_status, posted
from ameliora.core.personal_data import personal_data


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    form = ProfileForm(posted(request), instance=request.user)
    if form.is_valid():
        user = form.save()
        # The page that follows is already in the language just chosen.
        translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        return redirect("core:profile")
    return render(request, "core/profile.html", {"form": form}, status=form_status(form))


@login_required
@never_cache
@require_POST
def personal_data_download(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own data as a JSON file (GDPR access and portability). POST: it is personal data."""
    content = json.dumps(personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    filename = f"ameliora-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def account_close(request: AuthenticatedRequest) -> HttpResponse:
    form = CloseAccountForm(posted(request), user=request.user)
    if form.is_valid():
        try:
            services.close_account(request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            logout(request)
            messages.success(request, _("Your account is closed. Thank you for your work on Ameliora."))
            return redirect("core:home")
    return render(request, "core/account_close.html", {"form": form}, status=form_status(form))
