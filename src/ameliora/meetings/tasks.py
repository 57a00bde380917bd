"""Background tasks of the meetings app: load rows by id, send the email."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from ameliora.core.models import display_name
from ameliora.meetings.models import SpaceGuest


@task()
def send_guest_invitation(guest_id: int) -> None:
    guest = SpaceGuest.objects.select_related("space", "organization", "invited_by__user").get(pk=guest_id)
    context = {
        "guest": guest,
        "inviter": display_name(guest.invited_by.user) if guest.invited_by else guest.organization.name,
        "url": settings.SITE_URL + guest.get_absolute_url(),
    }
    send_mail(
        subject=render_to_string("meetings/email/guest_invitation_subject.txt", context).strip(),
        message=render_to_string("meetings/email/guest_invitation_body.txt", context),
        from_email=None,
        recipient_list=[guest.email],
    )
