"""Settings pages of webhooks (administrators): register an address for some events, read its deliveries.

The endpoint's secret is shown on its page to the administrators only, for the receiving system to
check signatures (see docs/api.md); the deliveries are listed with their status, attempts and last answer.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ameliora.core import webhooks
from ameliora.core.forms import WebhookEndpointForm
from ameliora.core.http import INVALID_FORM, OrgRequest, posted
from ameliora.core.models import WebhookEndpoint
from ameliora.core.permissions import require

PAGE_SIZE = 25


def _endpoint(request: OrgRequest, endpoint_id: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint.objects.for_org(request.organization), pk=endpoint_id)


@require_http_methods(["GET", "HEAD", "POST"])
def endpoint_list(request: OrgRequest) -> HttpResponse:
    require(request.membership, "webhooks.manage")
    form = WebhookEndpointForm(posted(request))
    if form.is_valid():
        try:
            endpoint = webhooks.create_endpoint(
                organization=request.organization,
                url=form.cleaned_data["url"],
                topics=form.cleaned_data["topics"],
                created_by=request.user,
            )
        except ValidationError as exc:
            form.add_error("url", exc)
        else:
            messages.success(request, _("The address is registered. Give its secret to the receiving system."))
            return redirect(endpoint)
    endpoints = WebhookEndpoint.objects.for_org(request.organization)
    return render(
        request,
        "core/webhook_list.html",
        {"form": form, "endpoints": endpoints},
        status=INVALID_FORM if form.is_bound else 200,
    )


@never_cache
@require_GET
def endpoint_detail(request: OrgRequest, endpoint_id: int) -> HttpResponse:
    require(request.membership, "webhooks.manage")
    endpoint = _endpoint(request, endpoint_id)
    page = Paginator(endpoint.deliveries.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/webhook_detail.html", {"endpoint": endpoint, "page": page})


@require_POST
def endpoint_delete(request: OrgRequest, endpoint_id: int) -> HttpResponse:
    require(request.membership, "webhooks.manage")
    webhooks.delete_endpoint(_endpoint(request, endpoint_id))
    messages.success(request, _("The address is removed: nothing more will be sent to it."))
    return redirect("core:webhook_list", org_slug=request.organization.slug)
