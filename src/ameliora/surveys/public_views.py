"""The public answer page: no account, reached by a campaign's unguessable public key.

Nothing about the respondent is stored: no IP address (the rate limit keys an HMAC of it in the
cache for the window only, see :mod:`ameliora.surveys.ratelimit`), no user agent. "One answer per
device" is a signed cookie set after answering; the page says honestly that it is no guarantee.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ameliora.core.http import INVALID_FORM, posted
from ameliora.surveys import ratelimit, services
from ameliora.surveys.forms import AnswerForm
from ameliora.surveys.models import Campaign

TOO_MANY_ANSWERS = _(
    "Many questionnaires were just sent from this connection. Please try again in an hour: your answers are still here."
)
FIX_ERRORS = _("Some answers need your attention: they are marked below. Your other answers are kept.")
COOKIE_SALT = "surveys.answered"
COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days


def cookie_name(campaign: Campaign) -> str:
    return f"survey_{campaign.pk}"


def already_answered(request: HttpRequest, campaign: Campaign) -> bool:
    try:
        value = request.get_signed_cookie(cookie_name(campaign), salt=COOKIE_SALT)
    except (KeyError, signing.BadSignature):
        return False
    return value == str(campaign.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def answer(  # noqa: PLR0911 - one early answer per situation of the visitor
    request: HttpRequest, public_key: str
) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.select_related("organization", "questionnaire"), public_key=public_key
    )
    if campaign.status == Campaign.Status.DRAFT:
        raise Http404
    context: dict[str, Any] = {"campaign": campaign, "public_organization": campaign.organization}
    if not campaign.is_open:
        return render(request, "surveys/public_closed.html", context)
    context["outside"] = campaign.period_refusal(timezone.localdate())
    if context["outside"]:
        # Open but outside its period (the daily job closes it the day after its end): say when it runs.
        return render(request, "surveys/public_closed.html", context, status=409 if request.method == "POST" else 200)
    if already_answered(request, campaign):
        return render(request, "surveys/public_thanks.html", {**context, "again": True}, status=200)
    questions = list(campaign.questionnaire.questions.select_related("section").prefetch_related("choices"))
    form = AnswerForm(posted(request), questions=questions, ask_name=not campaign.anonymous)
    context["form"] = form
    if request.method != "POST":
        return render(request, "surveys/public_answer.html", context)
    if ratelimit.is_limited(request, "answer") or ratelimit.is_limited(request, "invalid"):
        # The typed answers come back, with their field messages if some are wrong.
        context["refusal"] = TOO_MANY_ANSWERS
        return render(request, "surveys/public_answer.html", context, status=429)
    if form.is_robot:
        # Answer like a success so that a robot learns nothing; nothing is stored.
        ratelimit.hit(request, "answer")
        return render(request, "surveys/public_thanks.html", context)
    if not form.is_valid():
        ratelimit.hit(request, "invalid")
        context["refusal"] = FIX_ERRORS
        return render(request, "surveys/public_answer.html", context, status=INVALID_FORM)
    try:
        services.submit_response(campaign, values=form.values(), respondent_name=form.respondent_name())
    except ValidationError:
        campaign.refresh_from_db(fields=["status", "period_start", "period_end"])
        context["outside"] = campaign.period_refusal(timezone.localdate()) if campaign.is_open else ""
        return render(request, "surveys/public_closed.html", context, status=409)
    ratelimit.hit(request, "answer")
    response = render(request, "surveys/public_thanks.html", context, status=201)
    response.set_signed_cookie(
        cookie_name(campaign),
        str(campaign.pk),
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
