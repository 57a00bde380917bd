"""Every write of the meetings app: atomic, keyword-only, with the acting member."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core import agenda
from ameliora.core import services as core_services
from ameliora.core.models import Link, Membership
from ameliora.core.permissions import can
from ameliora.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    ExchangeSpace,
    GuestAttendance,
    MemberCalendar,
    MissionLetter,
    Session,
    SpaceGuest,
    SpaceMember,
)
from ameliora.plans import services as plan_services
from ameliora.plans.models import Action

OTHER_ORGANIZATION = gettext_lazy("This person or object belongs to another organization.")
MAX_SESSIONS_AT_ONCE = 24


def _same_org(space_or_session: ExchangeSpace | Session, *objects: models.Model | None) -> None:
    for obj in objects:
        if obj is not None and obj.organization_id != space_or_session.organization_id:  # type: ignore[attr-defined]
            raise ValidationError(OTHER_ORGANIZATION, code="other_organization")


# --- spaces --------------------------------------------------------------------------------------


@transaction.atomic
def save_space(
    space: ExchangeSpace,
    *,
    acting: Membership,
    facilitators: Iterable[Membership],
    members: Iterable[Membership],
    secretary: Membership | None = None,
) -> ExchangeSpace:
    """Create or update a space and set who takes part, with their role (a facilitator wins over a member)."""
    space.organization = acting.organization
    roles: dict[int, str] = {}
    people: dict[int, Membership] = {}
    for role, group in (
        (SpaceMember.Role.MEMBER, list(members)),
        (SpaceMember.Role.SECRETARY, [secretary] if secretary else []),
        (SpaceMember.Role.FACILITATOR, list(facilitators)),
    ):
        for member in group:
            if member.organization_id != acting.organization_id:
                raise ValidationError(OTHER_ORGANIZATION, code="other_organization")
            roles[member.pk] = role
            people[member.pk] = member
    if space.charter is not None:
        _same_org(space, space.charter)
    if space.plan is not None:
        _same_org(space, space.plan)
    space.full_clean()
    space.save()
    space.members.exclude(member_id__in=roles).delete()
    existing = {sm.member_id: sm for sm in space.members.all()}
    for member_id, wanted in roles.items():
        current = existing.get(member_id)
        if current is None:
            SpaceMember.objects.create(space=space, member=people[member_id], role=wanted)
        elif current.role != wanted:
            current.role = wanted
            current.save(update_fields=["role"])
    return space


def may_run(membership: Membership, space: ExchangeSpace) -> bool:
    """Quality managers and administrators run every space; a facilitator or secretary runs theirs."""
    if can(membership, "meetings.manage"):
        return True
    return space.members.filter(
        member=membership, role__in=[SpaceMember.Role.FACILITATOR, SpaceMember.Role.SECRETARY]
    ).exists()


# --- calendar ------------------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later, on the month's last day when that day does not exist."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


@transaction.atomic
def plan_sessions(
    space: ExchangeSpace,
    *,
    acting: Membership,
    first: datetime,
    count: int,
    every_months: int,
    duration_minutes: int | None = None,
    location: str | None = None,
) -> list[Session]:
    """Schedule ``count`` sessions, the first at ``first`` then every ``every_months`` months, same time."""
    if not 1 <= count <= MAX_SESSIONS_AT_ONCE:
        raise ValidationError(
            _("Plan between 1 and %(n)s sessions at once.") % {"n": MAX_SESSIONS_AT_ONCE}, code="count"
        )
    if not 1 <= every_months <= 12:
        raise ValidationError(_("The interval is between 1 and 12 months."), code="interval")
    return [
        Session.objects.create(
            organization=space.organization,
            space=space,
            starts_at=add_months(first, index * every_months),
            duration_minutes=duration_minutes or space.duration_minutes,
            location=space.location if location is None else location,
        )
        for index in range(count)
    ]


@transaction.atomic
def update_session(session: Session, *, acting: Membership, **fields: Any) -> Session:
    session.check_editable()
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    session.save(update_fields=list(fields))
    return session


@transaction.atomic
def move_session(session: Session, *, wanted: str, acting: Membership) -> Session:
    session.move_to(wanted)
    session.save(update_fields=["status"])
    return session


def calendar_of(member: Membership) -> MemberCalendar:
    calendar, _created = MemberCalendar.objects.get_or_create(member=member)
    return calendar


# --- agenda --------------------------------------------------------------------------------------


def proposed_agenda(session: Session) -> list[agenda.AgendaProposal]:
    """What the space's sources find waiting, less what is on this session's agenda already or scheduled
    for another upcoming session of the organization (any space). Items discussed in past sessions come
    back while their provider still finds them waiting."""
    taken = set(
        AgendaItem.objects.for_org(session.organization)
        .filter(Q(session=session) | Q(session__in=Session.objects.for_org(session.organization).upcoming()))
        .exclude(source_key="")
        .values_list("source_key", flat=True)
    )
    found = agenda.proposals(session.organization, sources=session.space.agenda_source_names())
    return [p for p in found if p.key not in taken]


def agenda_source_labels(space: ExchangeSpace) -> list[str]:
    """The labels of the sources feeding the space's proposed agenda, in registration order."""
    names = space.agenda_source_names()
    return [str(label) for name, label in agenda.source_choices() if names is None or name in names]


def _next_position(session: Session) -> int:
    return (session.items.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def accept_agenda(session: Session, *, keys: Iterable[str], acting: Membership) -> list[AgendaItem]:
    """Put the chosen proposals on the agenda, each linked to the object it is about."""
    session.check_editable()
    wanted = set(keys)
    position = _next_position(session)
    items = []
    for proposal in proposed_agenda(session):
        if proposal.key not in wanted:
            continue
        item = AgendaItem.objects.create(
            organization=session.organization,
            session=session,
            position=position,
            title=proposal.title[:300],
            kind=proposal.kind[:100],
            source_key=proposal.key,
            source_url=proposal.url,
        )
        core_services.link_objects(item, proposal.obj, kind=Link.Kind.RELATED, acting=acting)
        items.append(item)
        position += 1
    return items


@transaction.atomic
def add_agenda_item(session: Session, *, acting: Membership, title: str) -> AgendaItem:
    session.check_editable()
    item = AgendaItem(organization=session.organization, session=session, position=_next_position(session), title=title)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def remove_agenda_item(item: AgendaItem, *, acting: Membership) -> None:
    item.session.check_editable()
    if item.decisions.exists():
        raise ValidationError(_("This item carries decisions: it stays on the agenda."), code="has_decisions")
    item.delete()


@transaction.atomic
def move_agenda_item(item: AgendaItem, *, up: bool, acting: Membership) -> None:
    item.session.check_editable()
    items = list(item.session.items.order_by("position", "pk"))
    index = items.index(item)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, row in enumerate(items, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


@transaction.atomic
def write_minutes(session: Session, *, acting: Membership, summary: str, item_minutes: Mapping[int, str]) -> Session:
    """Save the general minutes and each item's minutes (ids of other sessions' items are ignored)."""
    session.check_editable()
    session.summary = summary
    session.save(update_fields=["summary"])
    for item in session.items.all():
        text = item_minutes.get(item.pk)
        if text is not None and text != item.minutes:
            item.minutes = text
            item.save(update_fields=["minutes"])
    return session


# --- attendance ----------------------------------------------------------------------------------


def _check_status(status: str) -> None:
    if status not in Attendance.Status.values:
        raise ValidationError(_("Unknown attendance."), code="attendance")


@transaction.atomic
def record_attendance(
    session: Session,
    *,
    acting: Membership,
    statuses: Mapping[Membership, str],
    guest_statuses: Mapping[SpaceGuest, str] | None = None,
) -> None:
    """Set each member's and guest's attendance; one left out keeps their previous record (or none)."""
    session.check_editable()
    for member, status in statuses.items():
        _same_org(session, member)
        _check_status(status)
        Attendance.objects.update_or_create(session=session, member=member, defaults={"status": status})
    for guest, status in (guest_statuses or {}).items():
        if guest.space_id != session.space_id:
            raise ValidationError(OTHER_ORGANIZATION, code="other_space")
        _check_status(status)
        GuestAttendance.objects.update_or_create(session=session, guest=guest, defaults={"status": status})


def session_guests(session: Session) -> list[SpaceGuest]:
    """The guests whose period covers the session's day (accepted or not, not revoked): who may attend."""
    day = timezone.localdate(session.starts_at)
    return list(
        session.space.guests.filter(revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day)
        .select_related("user")
        .order_by("email")
    )


@transaction.atomic
def confirm_guest_attendance(session: Session, *, guest: SpaceGuest, status: str) -> GuestAttendance:
    """A guest says whether they attend (or attended) a session of their space, within their period."""
    session.check_editable()
    if guest.space_id != session.space_id or guest not in session_guests(session):
        raise PermissionDenied
    if status not in {Attendance.Status.PRESENT, Attendance.Status.EXCUSED}:
        raise ValidationError(_("Unknown attendance."), code="attendance")
    attendance, _created = GuestAttendance.objects.update_or_create(
        session=session, guest=guest, defaults={"status": status}
    )
    return attendance


# --- guests --------------------------------------------------------------------------------------

GUEST_IS_MEMBER = gettext_lazy(
    "This person is a member of the organization: add them to the space's members instead of inviting them."
)
GUEST_WRONG_EMAIL = gettext_lazy("This invitation was sent to another email address. Sign in with that address.")
GUEST_NOT_PENDING = gettext_lazy("This invitation was revoked or its period is over.")


@transaction.atomic
def invite_guest(
    space: ExchangeSpace,
    *,
    acting: Membership,
    email: str,
    valid_from: date,
    valid_until: date,
    profession: str = "",
) -> SpaceGuest:
    """Invite a person outside the organization to the space for a period, and email them the link.

    Inviting the same address again updates the period and lifts a revocation (the link stays the same)."""
    if not may_run(acting, space):
        raise PermissionDenied
    email = email.strip().lower()
    if Membership.objects.filter(organization=space.organization, user__email__iexact=email).exists():
        raise ValidationError(GUEST_IS_MEMBER, code="member")
    guest = SpaceGuest.objects.filter(space=space, email=email).first() or SpaceGuest(
        organization=space.organization, space=space, email=email
    )
    guest.valid_from, guest.valid_until, guest.profession = valid_from, valid_until, profession
    guest.invited_by = acting
    guest.revoked_at = None
    guest.full_clean()
    guest.save()
    from ameliora.meetings import tasks

    transaction.on_commit(lambda: tasks.send_guest_invitation.enqueue(guest_id=guest.pk))
    return guest


@transaction.atomic
def accept_guest_invitation(guest: SpaceGuest, *, user: Any) -> SpaceGuest:
    """Attach the guest pass to the account that opened the link, whose email must be the invited one."""
    guest = SpaceGuest.objects.select_for_update().select_related("space__organization").get(pk=guest.pk)
    if not guest.may_accept:
        raise ValidationError(GUEST_NOT_PENDING, code="not_pending")
    if guest.email.lower() != user.email.lower():
        raise ValidationError(GUEST_WRONG_EMAIL, code="wrong_email")
    if guest.user_id is None:
        guest.user = user
        guest.accepted_at = timezone.now()
        guest.save(update_fields=["user", "accepted_at"])
    return guest


@transaction.atomic
def revoke_guest(guest: SpaceGuest, *, acting: Membership) -> SpaceGuest:
    if not may_run(acting, guest.space):
        raise PermissionDenied
    guest.revoked_at = timezone.now()
    guest.save(update_fields=["revoked_at"])
    return guest


# --- decisions -----------------------------------------------------------------------------------


def _plan_of(space: ExchangeSpace, acting: Membership) -> Any:
    if space.plan is not None and not space.plan.is_closed:
        return space.plan
    plan = plan_services.default_plan(
        acting=acting,
        code=space.plan_code,
        title=_("Action plan of %(space)s") % {"space": space.name},
        context=_("Decisions taken in the sessions of %(space)s.") % {"space": space.name},
    )
    if not plan.receives_all_actions:  # the single plan follows the setting; a space's own plan stays its own
        space.plan = plan
        space.save(update_fields=["plan"])
    return plan


@transaction.atomic
def record_decision(
    session: Session,
    *,
    acting: Membership,
    title: str,
    item: AgendaItem | None = None,
    owner: Membership | None = None,
    due_date: date | None = None,
) -> Decision:
    """Record a decision and open it as an action of the space's plan, linked both ways."""
    session.check_editable()
    _same_org(session, owner)
    if item is not None and item.session_id != session.pk:
        raise ValidationError(OTHER_ORGANIZATION, code="other_session")
    decision = Decision(
        organization=session.organization, session=session, item=item, title=title, owner=owner, due_date=due_date
    )
    decision.full_clean()
    decision.save()
    action = plan_services.create_action(
        _plan_of(session.space, acting),
        acting=acting,
        title=title,
        owner=owner,
        due_date=due_date,
        phase=Action.Phase.ACT,
        source=decision,
    )
    decision.action = action
    decision.save(update_fields=["action"])
    return decision


# --- approval ------------------------------------------------------------------------------------


@transaction.atomic
def approve_minutes(session: Session, *, acting: Membership) -> Session:
    """Freeze the session and send the minutes to whoever was present or excused."""
    session.approve_minutes(by=acting)
    session.save(update_fields=["minutes_approved_at", "minutes_approved_by"])
    recipients = [
        a.member.user
        for a in session.attendance.select_related("member__user").filter(
            status__in=[Attendance.Status.PRESENT, Attendance.Status.EXCUSED]
        )
    ]
    if recipients:
        core_services.notify(
            recipients,
            organization=session.organization,
            title=lambda: (
                _("Minutes approved: %(kind)s of %(date)s")
                % {
                    "kind": session.space.get_kind_display(),
                    "date": date_format(timezone.localtime(session.starts_at), "SHORT_DATE_FORMAT"),
                }
            ),
            url=session.get_absolute_url(),
        )
    return session


# --- mission letters -----------------------------------------------------------------------------


def _require_manager(acting: Membership) -> None:
    if not can(acting, "meetings.manage"):
        raise PermissionDenied


def _lock_letter(letter: MissionLetter) -> MissionLetter:
    """Reload under a row lock: issuing and signing at once must not both read the old status."""
    return MissionLetter.objects.select_for_update().select_related("organization", "person__user").get(pk=letter.pk)


@transaction.atomic
def save_mission_letter(letter: MissionLetter, *, acting: Membership) -> MissionLetter:
    """Create or update a letter (managers; a signed letter is frozen). Person, space and text: same organization."""
    _require_manager(acting)
    if letter.pk is not None:
        _lock_letter(letter).check_editable()
    letter.organization = acting.organization
    for related in (letter.person, letter.space, letter.document):
        if related is not None and related.organization_id != acting.organization_id:
            raise ValidationError(OTHER_ORGANIZATION, code="other_organization")
    letter.check_editable()
    letter.full_clean()
    letter.save()
    return letter


@transaction.atomic
def issue_mission_letter(letter: MissionLetter, *, acting: Membership) -> MissionLetter:
    """Send the letter to the person, who is told it awaits their signature (the title is a label only)."""
    _require_manager(acting)
    letter = _lock_letter(letter)
    letter.save(update_fields=letter.issue(by=acting))
    core_services.notify(
        [letter.person.user],
        organization=letter.organization,
        title=lambda: _("A mission letter awaits your signature"),
        url=letter.get_absolute_url(),
    )
    return letter


@transaction.atomic
def sign_mission_letter(letter: MissionLetter, *, acting: Membership) -> MissionLetter:
    """The person accepts the mission: only them, only once issued, only once."""
    letter = _lock_letter(letter)
    letter.save(update_fields=letter.sign(by=acting))
    core_services.retire_notifications(organization=letter.organization, url=letter.get_absolute_url())
    return letter
