"""Settings pages of API tokens: a person's own (personal) and an organization's (service, for admins).

Creating a token shows its secret on the answer page, once, never cached; afterwards only its
prefix is listed, with its access, expiry and last use, and a button to revoke it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ameliora.core import tokens
from ameliora.core.forms import ApiTokenForm
from ameliora.core.http import AuthenticatedRequest, OrgRequest, form_status, posted
from ameliora.core.models import ApiToken
from ameliora.core.permissions import require

PAGE_SIZE = 25


def _page(request: HttpRequest, queryset: QuerySet[ApiToken], **context: Any) -> dict[str, Any]:
    page = Paginator(queryset.select_related("created_by", "organization"), PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, **context}


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def personal_tokens(request: AuthenticatedRequest) -> HttpResponse:
    form = ApiTokenForm(posted(request))
    new_token = ""
    if form.is_valid():
        _token, new_token = tokens.issue_personal_token(
            user=request.user, name=form.cleaned_data["name"], scopes=form.scopes(), expires_at=form.expires_at()
        )
        form = ApiTokenForm()
    context = _page(request, ApiToken.objects.personal_of(request.user), form=form, new_token=new_token)
    return render(request, "core/token_list.html", context, status=form_status(form))


@login_required
@require_POST
def personal_token_revoke(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.personal_of(request.user), pk=token_id)
    tokens.revoke_token(token)
    messages.success(request, _("The token « %(name)s » is revoked.") % {"name": token.name})
    return redirect("core:personal_tokens")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def organization_tokens(request: OrgRequest) -> HttpResponse:
    require(request.membership, "tokens.manage")
    form = ApiTokenForm(posted(request), service=True)
    new_token = ""
    if form.is_valid():
        _token, new_token = tokens.issue_service_token(
            organization=request.organization,
            name=form.cleaned_data["name"],
            scopes=form.scopes(),
            expires_at=form.expires_at(),
            role=form.cleaned_data["role"],
            created_by=request.user,
        )
        form = ApiTokenForm(service=True)
    context = _page(
        request, ApiToken.objects.service_of(request.organization), form=form, new_token=new_token, service=True
    )
    return render(request, "core/token_list.html", context, status=form_status(form))


@require_POST
def organization_token_revoke(request: OrgRequest, token_id: int) -> HttpResponse:
    require(request.membership, "tokens.manage")
    token = get_object_or_404(ApiToken.objects.service_of(request.organization), pk=token_id)
    tokens.revoke_token(token)
    messages.success(request, _("The token « %(name)s » is revoked.") % {"name": token.name})
    return redirect("core:organization_tokens", org_slug=request.organization.slug)
