"""Pages for people without an account: the public declaration form, the tracking page, the public library.

They live outside ``/o/<org_slug>/`` (the tenancy middleware would ask to sign in). The declaration
page and the public library are reached by the organization's unguessable public key; the tracking
page by a tracking code typed in a form (POST: the code never appears in an address, a log line or a
referrer).

Nothing about the client is stored: the rate limits use a keyed hash of the address, kept in the
cache for the length of the window only (see :mod:`ameliora.events.ratelimit`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ameliora.core.http import INVALID_FORM, posted
from ameliora.events import ratelimit, services
from ameliora.events.forms import MessageForm, PublicDeclarationForm, TrackingForm
from ameliora.events.models import Event, EventSettings, suggested_vigilances

TOO_MANY_DECLARATIONS = _(
    "Several declarations were just sent from this connection. "
    "Please try again in an hour: what you typed is still here."
)
TOO_MANY_ATTEMPTS = _("Too many attempts from this connection. Please wait a quarter of an hour and try again.")
TOO_MANY_MESSAGES = _("Too many messages from this connection. Please try again later: your message is still here.")
UNKNOWN_CODE = _("No declaration matches this code. Check it, including the dashes.")
LIBRARY_PAGE_SIZE = 20

PUBLIC_STATUS: dict[str, Any] = {
    Event.Status.RECEIVED: _("Received: the quality cell will read it soon."),
    Event.Status.TRIAGED: _("Taken in charge by the quality cell."),
    Event.Status.IN_ANALYSIS: _("Being analysed by the quality cell."),
    Event.Status.ACTIONS_DECIDED: _("Analysed: improvement actions were decided."),
    Event.Status.CLOSED: _("Closed."),
    Event.Status.NOT_RETAINED: _("Closed without further analysis."),
}


@never_cache
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, public_key: str) -> HttpResponse:
    settings = get_object_or_404(
        EventSettings.objects.select_related("organization"), public_key=public_key, public_enabled=True
    )
    organization = settings.organization
    form = PublicDeclarationForm(posted(request), request.FILES or None, organization=organization)
    context: dict[str, Any] = {
        "form": form,
        "public_organization": organization,
        "library_key": settings.public_key if settings.public_library_enabled else "",
    }
    if request.method != "POST":
        return render(request, "events/public_declare.html", context)
    if ratelimit.is_limited(request, "declare"):
        context["refusal"] = TOO_MANY_DECLARATIONS
        form.is_valid()  # show field errors too, if any
        return render(request, "events/public_declare.html", context, status=429)
    if form.is_robot:
        # Answer like a success so that a robot learns nothing; nothing is stored.
        ratelimit.hit(request, "declare")
        return render(request, "events/public_received.html", {"public_organization": organization, "code": None})
    if not form.is_valid():
        if form.files:
            # Reading and checking files costs the server: a refused upload counts as an attempt.
            ratelimit.hit(request, "declare")
        return render(request, "events/public_declare.html", context, status=INVALID_FORM)
    try:
        event, code = services.declare_public_event(
            organization, form.declaration(), uploads=form.uploads(), **form.contact()
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "events/public_declare.html", context, status=INVALID_FORM)
    ratelimit.hit(request, "declare")
    return render(
        request,
        "events/public_received.html",
        {
            "public_organization": organization,
            "code": code,
            "reference": event.reference,
            "suggested_vigilances": _vigilances_to_check(event),
        },
        status=201,
    )


def _vigilances_to_check(event: Event) -> list[Any]:
    """For a serious event (EIGS), the vigilances its category suggests and the reporter did not tick."""
    if not event.is_serious:
        return []
    code = event.category.code if event.category else None
    return suggested_vigilances(code, already=event.vigilances.values_list("vigilance", flat=True))


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Status, feedback and messages of the one declaration whose code is typed; send a message."""
    form = TrackingForm(posted(request))
    context: dict[str, Any] = {"form": form}
    if request.method != "POST":
        return render(request, "events/public_track.html", context)
    if ratelimit.is_limited(request, "track_fail"):
        context["refusal"] = TOO_MANY_ATTEMPTS
        return render(request, "events/public_track.html", context, status=429)
    if not form.is_valid():
        return render(request, "events/public_track.html", context, status=INVALID_FORM)
    event = services.find_by_tracking_code(form.cleaned_data["code"])
    if event is None:
        ratelimit.hit(request, "track_fail")
        form.add_error("code", UNKNOWN_CODE)
        return render(request, "events/public_track.html", context, status=404)
    message_form = MessageForm(request.POST if "body" in request.POST else None)
    status = 200
    if message_form.is_bound:
        if ratelimit.is_limited(request, "track_message"):
            context["refusal"] = TOO_MANY_MESSAGES
            status = 429
        elif message_form.is_valid():
            services.post_reporter_message(event, body=message_form.cleaned_data["body"])
            ratelimit.hit(request, "track_message")
            context["sent"] = True
            message_form = MessageForm()
        else:
            status = INVALID_FORM
    context.update(
        {
            "event": event,
            "code": form.cleaned_data["code"],
            "public_status": PUBLIC_STATUS[event.status],
            "tracking_messages": list(event.messages.all()),
            "message_form": message_form,
        }
    )
    return render(request, "events/public_track.html", context, status=status)


@never_cache  # a withdrawn lesson or a closed library must not linger in a shared cache
@require_GET
def library(request: HttpRequest, public_key: str) -> HttpResponse:
    """The lessons an organization published to its territory's professionals, readable without an account.

    Only the de-identified title and summary, the category, the REX level and the month of publication
    are shown: never the reporter, the declaration's own text, or the attachments. A closed library or a
    wrong key answers 404, like a page that does not exist.
    """
    settings = get_object_or_404(
        EventSettings.objects.select_related("organization"), public_key=public_key, public_library_enabled=True
    )
    organization = settings.organization
    query = request.GET.get("q", "").strip()[:200]
    lessons = (
        Event.objects.for_org(organization)
        .published_to_territory()
        .search_library(query)
        .select_related("category")
        .only("summary_title", "summary", "published_at", "level", "category__name")
    )
    page = Paginator(lessons, LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/public_library.html",
        {
            "public_organization": organization,
            "page": page,
            "query": query,
            "declare_key": settings.public_key if settings.public_enabled else "",
        },
    )
