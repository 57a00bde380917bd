from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from ameliora.core import figures, permissions
from ameliora.core.models import Membership
from ameliora.core.models import display_name as _display_name

register = template.Library()


@register.filter
def can(membership: Membership | None, capability: str) -> bool:
    """``{% if membership|can:"members.manage" %}``: the template side of ``permissions.can``."""
    return permissions.can(membership, capability)


@register.filter
def colon(label: str) -> str:
    """``{{ _("Status")|colon }}``: "Status:" in English, "Statut :" in French (space before the colon)."""
    return gettext("%(label)s:") % {"label": label}


@register.filter
def display_name(user: Any) -> str:
    return _display_name(user) if user else ""


@register.filter
def figure(value: figures.Number | str | None, unit: str = "") -> str:
    """``{{ rate|figure:"%" }}``: "37,5 %", rounded as every page and export rounds it (``core.figures``).

    A missing value (``None``, or the empty text a template gives for a missing attribute, e.g. the
    score of a section the previous campaign did not have) reads "—".
    """
    if value is None or isinstance(value, str):
        return figures.format_figure(None, unit)
    return figures.format_figure(value, unit)


@register.filter
def width_class(percent: float | int | None) -> str:
    """``class="progress-bar {{ share|width_class }}"``: ``am-w-<0…100>``, the width in whole percent.

    Widths are classes (defined in ``static/ameliora/app.css``), not ``style="width: …"``: the
    Content-Security-Policy refuses inline style attributes.
    """
    if percent is None:
        return "am-w-0"
    return f"am-w-{max(0, min(100, round(float(percent))))}"


@register.inclusion_tag("core/_attachments.html", takes_context=True)
def attachments_panel(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    """The list of files attached to ``obj`` and, for members who may, the form to add one."""
    from django.contrib.contenttypes.models import ContentType

    from ameliora.core.access import frozen_reason
    from ameliora.core.forms import AttachmentForm
    from ameliora.core.models import Attachment

    content_type = ContentType.objects.get_for_model(obj)
    return {
        "request": context["request"],
        "organization": context["organization"],
        "membership": context["membership"],
        "attachments": Attachment.objects.for_org(context["organization"])
        .filter(content_type=content_type, object_id=obj.pk)
        .select_related("uploaded_by"),
        "attach_to_type": content_type.pk,
        "attach_to_id": obj.pk,
        "attachment_form": AttachmentForm(),
        "frozen": frozen_reason(obj),
        "csrf_token": context.get("csrf_token"),
    }
