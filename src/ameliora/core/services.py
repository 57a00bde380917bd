"""Writes that touch several rows of the core: each runs in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ameliora.core.access import belongs_to, frozen_reason
from ameliora.core.history import ACCOUNT_CLOSED_REASON
from ameliora.core.jobs import job_runner
from ameliora.core.models import (
    Attachment,
    Comment,
    Invitation,
    Job,
    Link,
    Membership,
    MembershipRole,
    Notification,
    NotificationPreference,
    Organization,
    Role,
    Unit,
    display_name,
)
from ameliora.core.spreadsheets import neutralise
from ameliora.core.uploads import validate_upload, without_metadata

LAST_ADMIN = _("An organization must keep at least one administrator.")
NO_ROLE = _("Choose at least one role.")
OTHER_ORGANIZATION_UNIT = _("This unit belongs to another organization.")
ALREADY_MEMBER = _("This person is already a member of the organization.")
INVITATION_NOT_PENDING = _("This invitation has expired, was revoked, or was already used.")
INVITATION_WRONG_EMAIL = _("This invitation was sent to another email address.")
OTHER_ORGANIZATION = _("This object belongs to another organization.")
ALREADY_SET_UP = _("Ameliora already has an organization: the first-run set-up has been done.")
EMAIL_TAKEN = _("An account with this email address already exists.")


def _admin_count(organization: Organization) -> int:
    return Membership.objects.for_org(organization).having_role(Role.ADMIN).count()


def _lock_organization(organization: Organization) -> None:
    """Serialise membership changes of one organization (protects the last-admin rule from races)."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()


@transaction.atomic
def set_member_roles(membership: Membership, *, roles: Iterable[str], acting: Membership) -> Membership:
    """Replace a member's roles. Refuses an empty set and refuses to remove the last administrator."""
    wanted: set[str] = {Role(r).value for r in roles}
    if not wanted:
        raise ValidationError(NO_ROLE, code="no_role")
    _lock_organization(membership.organization)
    if Role.ADMIN in membership.roles and Role.ADMIN not in wanted and _admin_count(membership.organization) <= 1:
        raise ValidationError(LAST_ADMIN, code="last_admin")
    current = set(membership.role_set.values_list("role", flat=True))
    if current == wanted:
        return membership
    membership.role_set.filter(role__in=current - wanted).delete()
    for role in sorted(wanted - current):
        # One row at a time (few rows): each creation gets its own history record.
        MembershipRole.objects.create(membership=membership, role=role)
    if hasattr(membership, "_prefetched_objects_cache"):
        membership._prefetched_objects_cache.pop("role_set", None)
    notify(
        [membership.user],
        organization=membership.organization,
        title=lambda: _("Your roles in %(org)s were changed") % {"org": membership.organization.name},
        url=membership.organization.get_absolute_url(),
    )
    return membership


@transaction.atomic
def update_member(
    membership: Membership,
    *,
    roles: Iterable[str],
    title: str,
    acting: Membership,
    units: Iterable[Unit] | None = None,
) -> Membership:
    """Change a member's job title, roles and (when given) units together (all or none)."""
    if membership.title != title:
        membership.title = title
        membership.save(update_fields=["title"])
    if units is not None:
        units = list(units)
        if any(unit.organization_id != membership.organization_id for unit in units):
            raise ValidationError(OTHER_ORGANIZATION_UNIT, code="other_organization")
        membership.units.set(units)
    return set_member_roles(membership, roles=roles, acting=acting)


@transaction.atomic
def remove_member(membership: Membership, *, acting: Membership) -> None:
    _lock_organization(membership.organization)
    if Role.ADMIN in membership.roles and _admin_count(membership.organization) <= 1:
        raise ValidationError(LAST_ADMIN, code="last_admin")
    membership.delete()


@transaction.atomic
def add_member(organization: Organization, user: Any, *, roles: Iterable[str], title: str = "") -> Membership:
    wanted = {Role(r) for r in roles}
    if not wanted:
        raise ValidationError(NO_ROLE, code="no_role")
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError(ALREADY_MEMBER, code="already_member")
    membership = Membership.objects.create(organization=organization, user=user, title=title)
    for role in sorted(wanted):
        MembershipRole.objects.create(membership=membership, role=role)
    return membership


@transaction.atomic
def set_up_first_organization(
    *,
    name: str,
    kind: str,
    slug: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """Create the first organization and its administrator (``ameliora setup``), all or nothing.

    Refuses once any organization exists, so that a script run twice never creates a second one.
    Every field is validated as the model and Django's password validators define it; the email
    address counts as verified (the operator typed it), so the administrator can sign in at once.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth.password_validation import validate_password

    if Organization.objects.exists():
        raise ValidationError(ALREADY_SET_UP, code="already_set_up")
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).strip().lower()
    if user_model.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [EMAIL_TAKEN]}, code="email_taken")
    organization = Organization(name=name.strip(), kind=kind, slug=slug)
    organization.full_clean()
    user = user_model(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    organization.save()
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return add_member(organization, user, roles=[Role.ADMIN])


@transaction.atomic
def invite_member(organization: Organization, *, email: str, roles: Iterable[str], acting: Membership) -> Invitation:
    """Create an invitation and email its link once the transaction commits."""
    from ameliora.core import tasks

    wanted = sorted({Role(r) for r in roles})
    if not wanted:
        raise ValidationError(NO_ROLE, code="no_role")
    email = get_user_model().objects.normalize_email(email).lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError(ALREADY_MEMBER, code="already_member")
    # A new invitation replaces any pending one for the same address.
    Invitation.objects.for_org(organization).filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        organization=organization, email=email, roles=list(wanted), invited_by=acting.user
    )
    transaction.on_commit(lambda: tasks.send_invitation_email.enqueue(invitation_id=invitation.pk))
    return invitation


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, acting: Membership) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def accept_invitation(invitation: Invitation, *, user: Any, first_name: str = "", last_name: str = "") -> Membership:
    """Turn a pending invitation into a membership for ``user`` (whose email must match).

    ``first_name`` and ``last_name``, when given, update the person's name on the way in."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(INVITATION_NOT_PENDING, code="not_pending")
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(INVITATION_WRONG_EMAIL, code="wrong_email")
    names = {"first_name": first_name.strip(), "last_name": last_name.strip()}
    if all(names.values()) and names != {"first_name": user.first_name, "last_name": user.last_name}:
        user.first_name, user.last_name = names["first_name"], names["last_name"]
        user.save(update_fields=["first_name", "last_name"])
    existing = Membership.objects.filter(organization=invitation.organization, user=user).first()
    if existing is not None:
        membership = existing
        current = set(existing.role_set.values_list("role", flat=True))
        for role in sorted(set(invitation.roles) - current):
            MembershipRole.objects.create(membership=existing, role=role)
    else:
        membership = add_member(invitation.organization, user, roles=invitation.roles)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    if invitation.invited_by is not None:
        notify(
            [invitation.invited_by],
            organization=invitation.organization,
            title=lambda: (
                _("%(name)s joined %(org)s") % {"name": display_name(user), "org": invitation.organization.name}
            ),
            url="",
        )
    return membership


#: A notification title: a text, a lazy translation, or a function building it from translated labels.
#: The last two are written in each recipient's own interface language.
Title = str | Promise | Callable[[], str]


def message(text: str | Promise, **params: Any) -> Callable[[], str]:
    """A notification title from a lazy translation and its values, written when each recipient's
    language is known: ``notify(…, title=message(gettext_lazy("Due by %(date)s"), date=…))``."""
    return lambda: str(text) % params


def _title_for(title: Title, user: Any) -> str:
    """The title in the recipient's chosen language (in the current one if they chose none)."""
    if isinstance(title, str):
        return title
    with translation.override(getattr(user, "language", "") or translation.get_language()):
        return str(title()) if callable(title) else str(title)


def notify(recipients: Iterable[Any], *, organization: Organization, title: Title, url: str = "") -> list[Notification]:
    """Create in-app notifications and, for those who asked for it, email each one after commit.

    ``title`` must be built from labels and references only, never from user-typed free text. Give a
    lazy translation or a function (``lambda: _("…") % {…}``) so that each recipient reads it in their
    language. Recipients who chose the daily digest get it from the ``notification digest`` reminder.
    """
    from ameliora.core import tasks

    recipients = list(recipients)
    created = Notification.objects.bulk_create(
        [
            Notification(organization=organization, recipient=user, title=_title_for(title, user), url=url)
            for user in recipients
            # Inactive accounts (closed, or an API token's) read nothing.
            if user.is_active
        ]
    )
    immediate = {
        user.pk
        for user in recipients
        if getattr(user, "notification_preference", NotificationPreference.IMMEDIATE)
        == NotificationPreference.IMMEDIATE
    }
    for notification in created:
        if notification.recipient_id in immediate:
            transaction.on_commit(partial(tasks.send_notification_email.enqueue, notification_id=notification.pk))
    return created


def retire_notifications(*, organization: Organization, url: str, recipient: Any = None) -> int:
    """Mark as read the unread notifications pointing at ``url``: what they asked for no longer applies
    (e.g. reading a version that has just been superseded, a debrief both parties signed). With
    ``recipient``, only that user's (the reviewer who gave an opinion, the person who signed)."""
    unread = Notification.objects.for_org(organization).filter(url=url, read_at__isnull=True)
    if recipient is not None:
        unread = unread.filter(recipient=recipient)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def mark_notifications_read(membership: Membership, *, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.for_org(membership.organization).filter(
        recipient=membership.user, read_at__isnull=True
    )
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def _check_same_org(obj: models.Model, organization: Organization) -> None:
    # belongs_to also accepts the organization itself (its settings page carries attachments).
    if not belongs_to(obj, organization):
        raise ValidationError(OTHER_ORGANIZATION, code="other_organization")


@transaction.atomic
def add_attachment(obj: models.Model, *, upload: UploadedFile, acting: Membership, description: str = "") -> Attachment:
    """Validate and store ``upload`` as evidence on ``obj`` (which must belong to the member's organization)."""
    organization = acting.organization
    _check_same_org(obj, organization)
    reason = frozen_reason(obj)
    if reason is not None:
        raise ValidationError(reason, code="frozen")
    kind = validate_upload(upload)
    stored = without_metadata(upload, kind)
    attachment = Attachment(
        organization=organization,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        original_name=(upload.name or "file")[:255],
        mime_type=kind.mime,
        size=stored.size or 0,
        description=description,
        uploaded_by=acting.user,
    )
    attachment.file.save(upload.name or "file", stored, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def add_comment(obj: models.Model, *, body: str, acting: Membership) -> Comment:
    _check_same_org(obj, acting.organization)
    return Comment.objects.create(
        organization=acting.organization,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        author=acting.user,
        body=body,
    )


@transaction.atomic
def link_objects(
    source: models.Model, target: models.Model, *, kind: str = Link.Kind.RELATED, acting: Membership
) -> Link:
    """Point ``source`` at ``target`` (both in the member's organization); linking twice is harmless."""
    _check_same_org(source, acting.organization)
    _check_same_org(target, acting.organization)
    link, _created = Link.objects.get_or_create(
        kind=kind,
        from_type=ContentType.objects.get_for_model(source),
        from_id=source.pk,
        to_type=ContentType.objects.get_for_model(target),
        to_id=target.pk,
        defaults={"organization": acting.organization, "created_by": acting.user},
    )
    return link


@transaction.atomic
def start_job(*, organization: Organization, kind: str, label: str, user: Any) -> Job:
    """Record a job and hand it to the task worker once the transaction commits."""
    from ameliora.core import tasks

    job = Job.objects.create(organization=organization, kind=kind, label=label, created_by=user)
    transaction.on_commit(partial(tasks.run_job.enqueue, job_id=job.pk))
    return job


def claim_job(job_id: int, *, worker_id: str) -> bool:
    """Mark a queued job running by ``worker_id``; False if it is not queued any more.

    Conditional, so that a job failed meanwhile (its worker was taken for dead) is never run.
    """
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, worker_id=worker_id
    )
    return claimed == 1


def report_progress(job: Job, *, progress: int, message: str = "") -> None:
    """Record progress; the job page polls it. Runs outside any transaction so readers see it at once.

    The update is conditional so that a late progress report never reopens a finished job.
    """
    job.status = Job.Status.RUNNING
    job.progress = max(0, min(100, progress))
    job.message = message
    Job.objects.filter(pk=job.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
        status=job.status, progress=job.progress, message=job.message
    )


def finish_job(job: Job, *, content: bytes, filename: str) -> None:
    from django.core.files.base import ContentFile

    job.result.save(filename, ContentFile(content), save=False)
    job.result_name = filename
    job.status = Job.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "result_name", "status", "progress", "finished_at"])


def membership_of(job: Job) -> Membership | None:
    """The membership (with its roles) of the person who started ``job``, or None if they left the organization:
    a runner checks again, when it runs, that they may still see what they asked for."""
    if job.created_by_id is None:
        return None
    return Membership.objects.for_org(job.organization).with_roles().filter(user_id=job.created_by_id).first()


def fail_job(job: Job, *, message: str) -> None:
    job.status = Job.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])


@job_runner("members_export")
def export_members_csv(job: Job) -> None:
    """Write the organization's member list as CSV (semicolon-separated, UTF-8 with BOM for Excel), every cell
    passed through :func:`core.spreadsheets.neutralise` as in the other exports."""
    import csv
    import io

    members = list(Membership.objects.for_org(job.organization).with_roles())
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Name"), _("Email"), _("Job title"), _("Roles"), _("Joined at")])
    total = len(members) or 1
    for index, membership in enumerate(members, start=1):
        row = [
            display_name(membership.user),
            membership.user.email,
            membership.title,
            ", ".join(membership.role_labels()),
            timezone.localtime(membership.joined_at).strftime("%Y-%m-%d"),
        ]
        writer.writerow([neutralise(cell) for cell in row])  # a name or a title may read "=HYPERLINK(…)"
        if index % 100 == 0:
            report_progress(job, progress=int(index * 100 / total))
    finish_job(
        job, content=("\ufeff" + buffer.getvalue()).encode("utf-8"), filename=f"{job.organization.slug}-members.csv"
    )


LAST_ADMIN_CLOSING = _(
    "You are the last administrator of %(org)s. Give the administrator role to another member "
    "(Team page) before closing your account."
)


def _closed_email(user: Any) -> str:
    """A unique address that reaches nobody (``.invalid`` is reserved for that, RFC 2606)."""
    return f"closed-{user.pk}-{secrets.token_hex(6)}@closed.invalid"


@transaction.atomic
def close_account(user: Any) -> None:
    """Close ``user``'s account (GDPR): they can no longer sign in and their name becomes "former member".

    The organizations keep their records (declarations, actions, signatures…): those still point at the
    account, which now reads "former member". The person's memberships are ended (``left_at``, recorded
    in the history with the reason "account closed"), their email addresses, second factors, personal
    tokens and notifications are deleted or revoked, and the invitations sent to their address forget it.
    Refused while they are the last administrator of an organization.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from ameliora.core.models import ApiToken

    memberships = list(Membership.objects.filter(user=user, left_at__isnull=True).select_related("organization"))
    for membership in memberships:
        _lock_organization(membership.organization)
        if Role.ADMIN in membership.roles and _admin_count(membership.organization) <= 1:
            raise ValidationError(LAST_ADMIN_CLOSING % {"org": membership.organization.name}, code="last_admin")
    now = timezone.now()
    for membership in memberships:
        membership.left_at = now
        membership._change_reason = ACCOUNT_CLOSED_REASON  # type: ignore[attr-defined]
        membership.save(update_fields=["left_at"])
    old_email = user.email
    placeholder = _closed_email(user)
    Invitation.objects.filter(email__iexact=old_email).update(email=placeholder)
    Invitation.history.filter(email__iexact=old_email).update(email=placeholder)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    ApiToken.objects.personal_of(user).filter(revoked_at__isnull=True).update(revoked_at=now)
    Notification.objects.filter(recipient=user).delete()
    user.first_name = ""
    user.last_name = ""
    user.email = placeholder
    user.phone = ""
    user.job_title = ""
    user.profession = ""
    user.is_active = False
    user.closed_at = now
    user.set_unusable_password()
    user.save()
