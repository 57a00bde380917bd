"""Background tasks: thin wrappers that load rows by id and call a service."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import TaskContext, task, task_backends

from ameliora.core import services, webhooks
from ameliora.core.jobs import JOB_RUNNERS
from ameliora.core.models import Invitation, Job, Notification, User, WebhookDelivery, display_name


@task()
def send_invitation_email(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("organization", "invited_by").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "inviter": display_name(invitation.invited_by) if invitation.invited_by else "",
        "url": settings.SITE_URL + invitation.get_absolute_url(),
    }
    send_mail(
        subject=render_to_string("core/email/invitation_subject.txt", context).strip(),
        message=render_to_string("core/email/invitation_body.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@task()
def send_notification_email(notification_id: int) -> None:
    # Claim the row with a conditional update so two workers never send the same email twice.
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if claimed != 1:
        return
    notification = Notification.objects.select_related("recipient", "organization").get(pk=notification_id)
    context = {
        "notification": notification,
        "url": settings.SITE_URL + notification.url if notification.url else settings.SITE_URL,
    }
    # Written in the recipient's interface language, whoever caused the notification.
    with translation.override(notification.recipient.language or settings.LANGUAGE_CODE):
        send_mail(
            subject=render_to_string("core/email/notification_subject.txt", context).strip(),
            message=render_to_string("core/email/notification_body.txt", context),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )


def send_notification_digest(user: User) -> int:
    """Email ``user`` one message listing their unread notifications not emailed yet; how many it listed.

    Each notification is claimed (``emailed_at``) before the email leaves, so a digest run twice in a
    day never lists one twice.
    """
    pending = list(
        Notification.objects.filter(recipient=user, emailed_at__isnull=True, read_at__isnull=True)
        .select_related("organization")
        .order_by("organization__name", "-created_at")
    )
    claimed = Notification.objects.filter(pk__in=[n.pk for n in pending], emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not pending or claimed != len(pending):
        return 0
    context = {
        "user": user,
        "notifications": [(n, settings.SITE_URL + n.url if n.url else settings.SITE_URL) for n in pending],
        "profile_url": settings.SITE_URL + reverse("core:profile"),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        send_mail(
            subject=render_to_string("core/email/digest_subject.txt", context).strip(),
            message=render_to_string("core/email/digest_body.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    return len(pending)


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> None:
    """Run a :class:`Job` by its kind; failures are recorded on the job for the page to show.

    The job first records the worker that claimed it, so that it is failed if that worker dies
    (``core/workers.py``). A job no longer queued (failed meanwhile) is not run.
    """
    worker_ids = context.task_result.worker_ids
    if not services.claim_job(job_id, worker_id=worker_ids[-1] if worker_ids else ""):
        return
    job = Job.objects.select_related("organization").get(pk=job_id)
    runner = JOB_RUNNERS[job.kind]
    try:
        runner(job)
    except Exception:
        # The task result keeps the traceback; the page says the work failed, without internals.
        services.fail_job(job, message="")
        raise


@task()
def deliver_webhook(delivery_id: int) -> None:
    """One attempt of a webhook delivery; a failed attempt queues the next one after its back-off delay
    (at once on a backend that cannot defer, as the tests' immediate one)."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint", "organization")
        .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .first()
    )
    if delivery is None:
        return
    retry_at = webhooks.attempt(delivery)
    if retry_at is None:
        return
    if task_backends[deliver_webhook.backend].supports_defer:
        deliver_webhook.using(run_after=retry_at).enqueue(delivery_id=delivery_id)
    else:
        deliver_webhook.enqueue(delivery_id=delivery_id)
