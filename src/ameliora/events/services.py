"""Writes on events: each runs in one transaction, records who acted, and notifies on commit.

Notification titles are built from references and labels only (``EI-2026-014``), never from what
the reporter typed: free text may contain patient data. Nothing here logs free text either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core import webhooks
from ameliora.core.identifying import describe, find_identifying_data
from ameliora.core.models import Attachment, Membership, Organization, Unit, WebhookTopic
from ameliora.core.permissions import CAPABILITIES, can
from ameliora.core.services import add_attachment, message, notify
from ameliora.core.uploads import validate_upload, without_metadata
from ameliora.events.models import (
    ACTION_TEXT_REQUIRED,
    APPROVAL_NEEDS_PROPOSAL,
    DEFAULT_CATEGORIES,
    HANDLER_CANNOT_OPEN,
    IDENTIFYING_DATA_FOUND,
    NO_ACTION_REASON,
    PUBLICATION_NEEDS_CONSENT,
    PUBLICATION_NEEDS_SUMMARY,
    ContributingFactor,
    Decision,
    Event,
    EventCategory,
    EventSettings,
    EventTransition,
    LibraryAudience,
    TimelineEntry,
    TrackingMessage,
    VigilanceReport,
    hash_tracking_code,
    new_tracking_code,
    reference_prefix,
)
from ameliora.plans import services as plans_services
from ameliora.plans.models import Action, ActionPlan

PUBLIC_PAGE_CLOSED = gettext_lazy("This declaration page is closed.")


# --- settings and categories -------------------------------------------------------------------


@transaction.atomic
def ensure_event_settings(organization: Organization) -> EventSettings:
    """The organization's event settings, created with the default categories on first use."""
    settings, created = EventSettings.objects.get_or_create(
        organization=organization,
        defaults={"rex_levels_enabled": organization.kind == Organization.Kind.CPTS},
    )
    if created and not EventCategory.objects.for_org(organization).exists():
        EventCategory.objects.bulk_create(
            [
                EventCategory(organization=organization, code=code, name=str(label), position=index)
                for index, (code, label) in enumerate(DEFAULT_CATEGORIES)
            ]
        )
    return settings


def _next_reference(organization: Organization, when: datetime) -> str:
    """``EI-<year>-<nnn>`` (``REX-…`` in a CPTS): numbered per organization and year, under a row lock."""
    ensure_event_settings(organization)
    settings = EventSettings.objects.select_for_update().get(organization=organization)
    year = timezone.localtime(when).year
    if settings.sequence_year != year:
        settings.sequence_year = year
        settings.sequence_last = 0
    settings.sequence_last += 1
    # A queryset update, not save(): a counter is not a change worth a history record (whose author
    # would be the reporter).
    EventSettings.objects.filter(pk=settings.pk).update(
        sequence_year=settings.sequence_year, sequence_last=settings.sequence_last
    )
    return f"{reference_prefix(organization)}-{year}-{settings.sequence_last:03d}"


def triage_team(organization: Organization) -> list[Any]:
    """Users who triage the organization's events (read from the capability table, not role names)."""
    memberships = (
        Membership.objects.for_org(organization)
        .filter(role_set__role__in=CAPABILITIES["events.triage"])
        .select_related("user")
        .distinct()
    )
    return [m.user for m in memberships]


# --- declaring ---------------------------------------------------------------------------------


@dataclass
class Declaration:
    """What a reporter tells, member or public."""

    occurred_at: datetime
    description: str
    category: EventCategory | None = None
    unit: Unit | None = None
    affected: str = "none"
    actuality: str = "actual"
    immediate_measures: str = ""
    consequences: str = ""
    reporter_severity: int | None = None
    reporter_profession: str = ""
    is_serious: bool = False
    publication_consent: bool = False
    vigilances: list[str] = field(default_factory=list)


def _create_event(organization: Organization, declaration: Declaration, **extra: Any) -> Event:
    now = timezone.now()
    event = Event.objects.create(
        organization=organization,
        reference=_next_reference(organization, now),
        received_at=now,
        occurred_at=declaration.occurred_at,
        description=declaration.description,
        category=declaration.category,
        unit=declaration.unit,
        affected=declaration.affected,
        actuality=declaration.actuality,
        immediate_measures=declaration.immediate_measures,
        consequences=declaration.consequences,
        reporter_severity=declaration.reporter_severity,
        reporter_profession=declaration.reporter_profession.strip(),
        is_serious=declaration.is_serious,
        publication_consent=declaration.publication_consent,
        **extra,
    )
    VigilanceReport.objects.bulk_create(
        [
            VigilanceReport(organization=organization, event=event, vigilance=v)
            for v in sorted(set(declaration.vigilances))
        ]
    )
    EventTransition.objects.create(
        organization=organization, event=event, action="declare", from_status="", to_status=event.status, by=None
    )
    return event


def _forget_reporter_in_history(event: Event, attachments: Iterable[Attachment] = ()) -> None:
    """The change history names who made each change: for the declaration itself, that is the reporter.

    Blank it, so that people who may read the history (administrators) but not the reporter's
    identity do not learn it there. Files attached while declaring lose their uploader likewise.
    """
    event.history.filter(history_type="+").update(history_user=None)
    ids = [a.pk for a in attachments]
    if ids:
        Attachment.objects.filter(pk__in=ids).update(uploaded_by=None)
        Attachment.history.filter(id__in=ids).update(history_user=None)


def _webhook_data(event: Event) -> dict[str, Any]:
    """What a webhook may say of an event: its number, category code, status and grading, its link."""
    return {
        "event": {
            "id": event.pk,
            "reference": event.reference,
            "category": event.category.code if event.category else None,
            "status": event.status,
            "is_serious": event.is_serious,
            "severity": event.severity,
            "criticity": event.criticity,
            "level": event.level,
            "url": webhooks.absolute(event.get_absolute_url()),
        }
    }


def _announce(event: Event) -> None:
    webhooks.emit(event.organization, WebhookTopic.EVENT_DECLARED, data=_webhook_data(event))
    recipients = triage_team(event.organization)
    title = message(
        gettext_lazy("New serious event (EIGS) %(reference)s to triage")
        if event.is_serious
        else gettext_lazy("New event %(reference)s to triage"),
        reference=event.reference,
    )
    notify(recipients, organization=event.organization, title=title, url=event.get_absolute_url())


@transaction.atomic
def declare_event(declaration: Declaration, *, acting: Membership, uploads: Iterable[UploadedFile] = ()) -> Event:
    """A member's declaration. Uploads are validated by the core (size, type, real content)."""
    event = _create_event(acting.organization, declaration, source=Event.Source.MEMBER, reported_by=acting)
    attachments = [add_attachment(event, upload=upload, acting=acting) for upload in uploads]
    _forget_reporter_in_history(event, attachments)
    _announce(event)
    return event


@transaction.atomic
def declare_public_event(
    organization: Organization,
    declaration: Declaration,
    *,
    contact_name: str = "",
    contact_phone: str = "",
    contact_best_time: str = "",
    uploads: Iterable[UploadedFile] = (),
) -> tuple[Event, str]:
    """A declaration made without an account. Returns the event and its tracking code, shown once.

    Only the code's hash is stored. Nothing about the client (address, browser) is stored; an
    anonymous declaration (no contact details) stores no identity at all. Attached files are
    checked by the core like a member's (size, type, real content) and stored with no uploader and
    a neutral name (``EI-2026-014-1.png``): a file name may carry a person's name.
    """
    settings = ensure_event_settings(organization)
    if not settings.public_enabled:
        raise ValidationError(PUBLIC_PAGE_CLOSED, code="closed")
    code = new_tracking_code()
    event = _create_event(
        organization,
        declaration,
        source=Event.Source.PUBLIC,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_best_time=contact_best_time.strip(),
        tracking_code_hash=hash_tracking_code(code),
    )
    attachments = [_attach_anonymously(event, upload, number) for number, upload in enumerate(uploads, start=1)]
    _forget_reporter_in_history(event, attachments)
    _announce(event)
    return event, code


def _attach_anonymously(event: Event, upload: UploadedFile, number: int) -> Attachment:
    kind = validate_upload(upload)  # the core's checks, as for a member's file
    stored = without_metadata(upload, kind)  # a photo's EXIF could say where and by whom it was taken
    extension = (upload.name or "").rsplit(".", 1)[-1].lower()
    attachment = Attachment(
        organization=event.organization,
        content_type=ContentType.objects.get_for_model(Event),
        object_id=event.pk,
        original_name=f"{event.reference}-{number}.{extension}",
        mime_type=kind.mime,
        size=stored.size or 0,
        uploaded_by=None,
    )
    attachment.file.save(attachment.original_name, stored, save=False)
    attachment.save()
    return attachment


def find_by_tracking_code(code: str) -> Event | None:
    """The one public declaration a tracking code opens, or None.

    The lookup is by the code's SHA-256 (an indexed equality on a random 99-bit secret), so the
    time it takes says nothing about how close a guess was.
    """
    if not code.strip():
        return None
    return (
        Event.objects.filter(tracking_code_hash=hash_tracking_code(code), source=Event.Source.PUBLIC)
        .select_related("organization")
        .first()
    )


# --- triage and workflow -----------------------------------------------------------------------


def _save(event: Event, fields: Iterable[str]) -> None:
    event.save(update_fields=sorted(set(fields)))


@transaction.atomic
def triage_event(
    event: Event,
    *,
    severity: int,
    likelihood: int,
    handler: Membership | None,
    level: int | None,
    criteria: dict[str, bool],
    acting: Membership,
    oriented_to: str = "",
) -> Event:
    _check_handler(event, handler)
    settings = ensure_event_settings(event.organization)
    previous_handler = event.handler_id
    transition = event.triage(
        severity=severity,
        likelihood=likelihood,
        handler=handler,
        level=level if settings.rex_levels_enabled else None,
        rex_levels=settings.rex_levels_enabled,
        check_back_days=settings.check_back_days,
        criteria=criteria,
        by=acting,
        oriented_to=oriented_to,
    )
    transition.save()
    _save(
        event,
        [
            "status",
            "severity",
            "likelihood",
            "criticity",
            "handler",
            "level",
            "complex_environment",
            "complex_patient",
            "complex_pathologies",
            "complex_coordination",
            "triaged_at",
            "check_back_due",
            "oriented_to",
        ],
    )
    webhooks.emit(event.organization, WebhookTopic.EVENT_TRIAGED, data=_webhook_data(event))
    if handler is not None and handler.pk not in (previous_handler, acting.pk):
        notify(
            [handler.user],
            organization=event.organization,
            title=lambda: _("Event %(reference)s assigned to you") % {"reference": event.reference},
            url=event.get_absolute_url(),
        )
    return event


def handlers_of(organization: Organization) -> Any:
    """Who may handle a case: the members who open every event of the organization (``events.triage``).

    Anyone else would be notified of a case whose page answers 404 (a public declaration) or that they
    cannot work on.
    """
    return (
        Membership.objects.for_org(organization)
        .filter(role_set__role__in=CAPABILITIES["events.triage"])
        .select_related("user")
        .distinct()
        .order_by("user__last_name")
    )


def _check_handler(event: Event, handler: Membership | None) -> None:
    if handler is not None and not handlers_of(event.organization).filter(pk=handler.pk).exists():
        raise ValidationError(HANDLER_CANNOT_OPEN, code="handler_cannot_open")


@transaction.atomic
def assign_handler(event: Event, *, handler: Membership | None, acting: Membership) -> Event:
    if handler is not None and handler.organization_id != event.organization_id:
        raise ValidationError(_("This person is not a member of the organization."), code="other_organization")
    _check_handler(event, handler)
    changed = event.handler_id != (handler.pk if handler else None)
    event.handler = handler
    _save(event, ["handler"])
    if changed and handler is not None and handler.pk != acting.pk:
        notify(
            [handler.user],
            organization=event.organization,
            title=lambda: _("Event %(reference)s assigned to you") % {"reference": event.reference},
            url=event.get_absolute_url(),
        )
    return event


@transaction.atomic
def move_event(event: Event, action: str, *, acting: Membership) -> Event:
    """Run one of the simple steps: start analysis, actions decided, close, reopen."""
    if action == "start_analysis":
        transition = event.start_analysis(by=acting)
    elif action == "decide_actions":
        transition = event.decide_actions(by=acting, decisions=event.decisions.count())
    elif action == "close":
        transition = event.close(by=acting)
    elif action == "reopen":
        transition = event.reopen(by=acting)
    else:
        raise ValueError(action)
    transition.save()
    _save(event, ["status", "closed_at"])
    return event


@transaction.atomic
def reject_event(event: Event, *, reason: str, acting: Membership) -> Event:
    transition = event.reject(by=acting, reason=reason)
    transition.save()
    _save(event, ["status", "not_retained_reason", "closed_at"])
    return event


@transaction.atomic
def record_check_back(event: Event, *, resolved: bool, note: str, acting: Membership) -> Event:
    event.record_check_back(resolved=resolved, note=note)
    _save(event, ["check_back_done_at", "check_back_resolved", "check_back_note"])
    return event


@transaction.atomic
def update_regulatory(
    event: Event,
    *,
    is_serious: bool,
    part1_sent_on: date | None,
    part2_sent_on: date | None,
    vigilance_dates: dict[str, date | None],
    acting: Membership,
) -> Event:
    """EIGS declaration dates and the vigilances concerned, with the date each report was made."""
    event.is_serious = is_serious
    event.ars_part1_sent_on = part1_sent_on
    event.ars_part2_sent_on = part2_sent_on
    _save(event, ["is_serious", "ars_part1_sent_on", "ars_part2_sent_on"])
    existing = {v.vigilance: v for v in event.vigilances.all()}
    for vigilance, reported_on in vigilance_dates.items():
        report = existing.pop(vigilance, None)
        if report is None:
            VigilanceReport.objects.create(
                organization=event.organization, event=event, vigilance=vigilance, reported_on=reported_on
            )
        elif report.reported_on != reported_on:
            report.reported_on = reported_on
            report.save(update_fields=["reported_on"])
    for report in existing.values():
        report.delete()
    return event


# --- analysis ----------------------------------------------------------------------------------


@transaction.atomic
def add_timeline_entry(event: Event, *, happened_at: datetime, description: str, acting: Membership) -> TimelineEntry:
    last = event.timeline.aggregate(last=Max("position"))["last"]
    return TimelineEntry.objects.create(
        organization=event.organization,
        event=event,
        happened_at=happened_at,
        description=description,
        position=(last or 0) + 1,
    )


@transaction.atomic
def move_timeline_entry(entry: TimelineEntry, *, direction: str, acting: Membership) -> None:
    """Swap the entry with its neighbour above ("up") or below ("down"); at an end, nothing moves."""
    entries = list(TimelineEntry.objects.select_for_update().filter(event_id=entry.event_id).order_by("position", "pk"))
    # Renumber first: positions may have gaps or ties after deletions.
    for index, item in enumerate(entries, start=1):
        if item.position != index:
            item.position = index
            item.save(update_fields=["position"])
    index = next(i for i, item in enumerate(entries) if item.pk == entry.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(entries):
        return
    first, second = entries[index], entries[other]
    first.position, second.position = second.position, first.position
    first.save(update_fields=["position"])
    second.save(update_fields=["position"])


@transaction.atomic
def delete_timeline_entry(entry: TimelineEntry, *, acting: Membership) -> None:
    entry.delete()


@transaction.atomic
def add_factor(
    event: Event, *, family: str, description: str, note: str, is_root: bool, acting: Membership
) -> ContributingFactor:
    return ContributingFactor.objects.create(
        organization=event.organization, event=event, family=family, description=description, note=note, is_root=is_root
    )


@transaction.atomic
def delete_factor(factor: ContributingFactor, *, acting: Membership) -> None:
    factor.delete()


@transaction.atomic
def save_lessons(event: Event, *, lessons: str, acting: Membership) -> Event:
    event.lessons = lessons
    _save(event, ["lessons"])
    return event


def create_plan_action(decision: Decision, *, plan: ActionPlan | None, acting: Membership) -> Action:
    """Open the decided action in ``plan``, or in the organization's default plan (``plans.default_plan``).

    By default that is the events plan of the year (code ``PAQ-EI-<year>``, created on the first decision of
    the year), or the organization's single plan when it has chosen one. The action
    points back at its event as its source, and the decision keeps the action to show its follow-up.
    """
    event = decision.event
    if plan is None:
        year = timezone.localdate().year
        plan = plans_services.default_plan(
            acting=acting,
            code=f"PAQ-EI-{year}",
            title=_("Actions decided after adverse events, %(year)s") % {"year": year},
        )
    action = plans_services.create_action(
        plan,
        acting=acting,
        title=decision.text,
        description=_("Decided after the analysis of event %(reference)s.") % {"reference": event.reference},
        owner=decision.owner,
        due_date=decision.due_on,
        source=event,
    )
    decision.action = action
    decision.save(update_fields=["action"])
    return action


@transaction.atomic
def add_decision(
    event: Event,
    *,
    kind: str,
    text: str,
    reason: str,
    owner: Membership | None,
    due_on: date | None,
    acting: Membership,
    plan: ActionPlan | None = None,
) -> Decision:
    if kind == Decision.Kind.ACTION and not text.strip():
        raise ValidationError(ACTION_TEXT_REQUIRED, code="action_text")
    if kind == Decision.Kind.NO_ACTION and not reason.strip():
        raise ValidationError(NO_ACTION_REASON, code="no_action_reason")
    decision = Decision.objects.create(
        organization=event.organization,
        event=event,
        kind=Decision.Kind(kind),
        text=text.strip() if kind == Decision.Kind.ACTION else "",
        reason=reason.strip(),
        owner=owner if kind == Decision.Kind.ACTION else None,
        due_on=due_on if kind == Decision.Kind.ACTION else None,
        decided_by=acting,
    )
    if kind == Decision.Kind.ACTION:
        create_plan_action(decision, plan=plan, acting=acting)
        if owner is not None and owner.pk != acting.pk:
            notify(
                [owner.user],
                organization=event.organization,
                title=lambda: _("An action decided on event %(reference)s is yours") % {"reference": event.reference},
                url=event.get_absolute_url(),
            )
    return decision


# --- feedback, messages, library ---------------------------------------------------------------


@transaction.atomic
def give_feedback(event: Event, *, message: str, acting: Membership) -> Event:
    """The cell's answer to the reporter: on the tracking page, or notified to the member who declared."""
    event.feedback_message = message
    event.feedback_given_at = timezone.now() if message.strip() else None
    _save(event, ["feedback_message", "feedback_given_at"])
    if event.feedback_given_at and event.reported_by is not None:
        notify(
            [event.reported_by.user],
            organization=event.organization,
            title=lambda: _("Feedback on your declaration %(reference)s") % {"reference": event.reference},
            url=event.get_absolute_url(),
        )
    return event


@transaction.atomic
def post_cell_message(event: Event, *, body: str, acting: Membership) -> TrackingMessage:
    return TrackingMessage.objects.create(
        organization=event.organization, event=event, author_kind=TrackingMessage.Author.CELL, author=acting, body=body
    )


@transaction.atomic
def post_reporter_message(event: Event, *, body: str) -> TrackingMessage:
    message = TrackingMessage.objects.create(
        organization=event.organization, event=event, author_kind=TrackingMessage.Author.REPORTER, body=body
    )
    recipients = [event.handler.user] if event.handler is not None else triage_team(event.organization)
    notify(
        recipients,
        organization=event.organization,
        title=lambda: _("New message from the reporter of %(reference)s") % {"reference": event.reference},
        url=event.get_absolute_url(),
    )
    return message


def check_de_identified(*texts: str) -> None:
    """Refuse a text that still looks identifying, naming what was found (``core.identifying``)."""
    findings = [finding for text in texts for finding in find_identifying_data(text)]
    if findings:
        raise ValidationError(IDENTIFYING_DATA_FOUND % {"found": describe(findings)}, code="identifying_data")


def lesson_approvers(organization: Organization) -> list[Any]:
    """Users who approve lessons for the territory (read from the capability table)."""
    memberships = (
        Membership.objects.for_org(organization)
        .filter(role_set__role__in=CAPABILITIES["events.approve_lessons"])
        .select_related("user")
        .distinct()
    )
    return [m.user for m in memberships]


@transaction.atomic
def publish_summary(
    event: Event,
    *,
    title: str,
    summary: str,
    publish: bool,
    acting: Membership,
    audience: str = LibraryAudience.TEAM,
) -> Event:
    """Save the de-identified summary; with ``publish``, show it in the library (needs the reporter's consent).

    ``audience`` says who reads it: the team only (the members' library), or also the territory's
    professionals, on the public library page when the organization opened it. A publication is refused
    while the title or the summary still looks identifying. A lesson for the territory is read by the team
    at once and reaches the public page once approved: published by an approver, it is approved as it
    stands; published by another cell member, it waits, and the approvers are notified. Any change of text
    or audience withdraws an earlier approval.
    """
    title, summary = title.strip(), summary.strip()
    audience = LibraryAudience(audience).value
    changed = (title, summary, audience) != (event.summary_title, event.summary, event.library_audience)
    was_waiting = event.awaits_territory_approval
    event.summary_title, event.summary, event.library_audience = title, summary, audience
    if publish:
        if not event.publication_consent:
            raise ValidationError(PUBLICATION_NEEDS_CONSENT, code="no_consent")
        if not (event.summary_title and event.summary):
            raise ValidationError(PUBLICATION_NEEDS_SUMMARY, code="no_summary")
        check_de_identified(event.summary_title, event.summary)
        event.published_at = event.published_at or timezone.now()
    else:
        event.published_at = None
    if not publish or audience != LibraryAudience.TERRITORY or changed:
        event.territory_approved_at, event.territory_approved_by = None, None
    if publish and audience == LibraryAudience.TERRITORY and event.territory_approved_at is None:
        if can(acting, "events.approve_lessons"):
            event.territory_approved_at, event.territory_approved_by = timezone.now(), acting
        elif changed or not was_waiting:
            _ask_approval(event, acting=acting)
    _save(
        event,
        [
            "summary_title",
            "summary",
            "published_at",
            "library_audience",
            "territory_approved_at",
            "territory_approved_by",
        ],
    )
    return event


def _ask_approval(event: Event, *, acting: Membership) -> None:
    recipients = [user for user in lesson_approvers(event.organization) if user.pk != acting.user_id]
    notify(
        recipients,
        organization=event.organization,
        title=_("A lesson from %(reference)s awaits your approval for the territory") % {"reference": event.reference},
        url=event.get_absolute_url() + "#library",
    )


@transaction.atomic
def approve_territory_lesson(event: Event, *, acting: Membership) -> Event:
    """The pilot approves a lesson proposed to the territory: it appears on the public library page."""
    if not event.awaits_territory_approval:
        raise ValidationError(APPROVAL_NEEDS_PROPOSAL, code="not_proposed")
    check_de_identified(event.summary_title, event.summary)
    event.territory_approved_at, event.territory_approved_by = timezone.now(), acting
    _save(event, ["territory_approved_at", "territory_approved_by"])
    return event


@transaction.atomic
def update_settings(
    settings: EventSettings,
    *,
    rex_levels_enabled: bool,
    check_back_days: int,
    public_enabled: bool,
    public_library_enabled: bool,
    next_meeting_on: date | None,
    acting: Membership,
) -> EventSettings:
    settings.rex_levels_enabled = rex_levels_enabled
    settings.check_back_days = check_back_days
    settings.public_enabled = public_enabled
    settings.public_library_enabled = public_library_enabled
    settings.next_meeting_on = next_meeting_on
    settings.save(
        update_fields=[
            "rex_levels_enabled",
            "check_back_days",
            "public_enabled",
            "public_library_enabled",
            "next_meeting_on",
        ]
    )
    return settings


@transaction.atomic
def add_category(organization: Organization, *, name: str, acting: Membership) -> EventCategory:
    from django.utils.text import slugify

    base = slugify(name)[:36] or "category"
    code, n = base, 1
    while EventCategory.objects.for_org(organization).filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    last = EventCategory.objects.for_org(organization).aggregate(last=Max("position"))["last"]
    return EventCategory.objects.create(organization=organization, code=code, name=name, position=(last or 0) + 1)


@transaction.atomic
def toggle_category(category: EventCategory, *, acting: Membership) -> EventCategory:
    category.active = not category.active
    category.save(update_fields=["active"])
    return category
