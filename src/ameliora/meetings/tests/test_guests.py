"""Guests of an exchange space: invited by email for a period, they see that space only, read-only,
with cases de-identified, and confirm their own attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from ameliora.core.models import Membership, User
from ameliora.meetings import services
from ameliora.meetings.deidentify import mask
from ameliora.meetings.models import AgendaItem, Attendance, ExchangeSpace, GuestAttendance, Session, SpaceGuest
from ameliora.meetings.tests.factories import SpaceFactory, make_guest, make_session


@pytest.fixture
def rmm(alice: Membership) -> ExchangeSpace:
    return SpaceFactory.create(organization=alice.organization, kind=ExchangeSpace.Kind.RMM, name="RMM ville-hôpital")


def _space_url(space: ExchangeSpace) -> str:
    return reverse("meetings:guest_space", kwargs={"org_slug": space.organization.slug, "space_id": space.pk})


def _session_url(session: Session) -> str:
    return reverse("meetings:guest_session", kwargs={"org_slug": session.organization.slug, "session_id": session.pk})


def test_a_guest_sees_the_space_and_its_sessions_within_the_period_only(
    rmm: ExchangeSpace, charlie: Membership, charlie_client: Client
) -> None:
    make_guest(rmm, charlie.user)
    within = make_session(rmm, days=3)
    before = make_session(rmm, days=-60)

    page = charlie_client.get(_space_url(rmm))

    assert page.status_code == 200
    assert _session_url(within) in page.text
    assert _session_url(before) not in page.text
    assert charlie_client.get(_session_url(within)).status_code == 200
    assert charlie_client.get(_session_url(before)).status_code == 404
    # The navigation offers the space only: no dashboard, no module of the host.
    dashboard = reverse("core:dashboard", kwargs={"org_slug": rmm.organization.slug})
    assert f'href="{dashboard}"' not in page.text
    assert charlie_client.get(dashboard).status_code == 404


def test_another_space_of_the_host_is_404_to_a_guest(
    rmm: ExchangeSpace, charlie: Membership, charlie_client: Client
) -> None:
    make_guest(rmm, charlie.user)
    other = SpaceFactory.create(organization=rmm.organization)

    assert charlie_client.get(_space_url(other)).status_code == 404
    assert charlie_client.get(_session_url(make_session(other))).status_code == 404
    assert charlie_client.get(other.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("valid", "revoked"),
    [((-30, -1), False), ((2, 30), False), ((-1, 30), True)],
    ids=["ended", "not-yet", "revoked"],
)
def test_access_ends_with_the_period_or_a_revocation(
    rmm: ExchangeSpace, charlie: Membership, charlie_client: Client, valid: tuple[int, int], revoked: bool
) -> None:
    today = timezone.localdate()
    make_guest(
        rmm,
        charlie.user,
        valid_from=today + timedelta(days=valid[0]),
        valid_until=today + timedelta(days=valid[1]),
        revoked_at=timezone.now() if revoked else None,
    )

    assert charlie_client.get(_space_url(rmm)).status_code == 404


def test_cases_are_de_identified_and_no_link_leads_into_the_host(
    rmm: ExchangeSpace, charlie: Membership, charlie_client: Client
) -> None:
    make_guest(rmm, charlie.user)
    session = make_session(rmm, days=2)
    AgendaItem.objects.create(
        organization=rmm.organization,
        session=session,
        position=1,
        title="EI-2026-014 — Chute de Mme Durand, 84 ans",
        kind="Cas à analyser",
        source_key="events.event:14",
        source_url="/o/pharmacie/events/14/",
        minutes="Mme Durand, née le 02/03/1941, 12 rue des Lilas, tél. 06 12 34 56 78 : chute de nuit.",
    )
    session.summary = "Discussion avec le Dr Martin sur la contention."
    session.save()

    text = charlie_client.get(_session_url(session)).text

    for secret in ("Durand", "84 ans", "02/03/1941", "rue des Lilas", "06 12 34 56 78", "Dr Martin", "/events/14/"):
        assert secret not in text
    assert "Cas 1" in text or "Case 1" in text
    assert "chute de nuit" in text


def test_mask_blanks_what_identifies_a_person() -> None:
    text = "M. Dupont (67 ans), 3 bis avenue Foch, jean.dupont@mail.fr, 1 84 12 75 123 456 78, 05.61.00.00.00"
    masked = mask(text)
    for secret in ("Dupont", "67 ans", "avenue Foch", "jean.dupont", "123 456", "05.61"):
        assert secret not in masked
    assert mask("Revue de 3 cas de chute en 2026") == "Revue de 3 cas de chute en 2026"


def test_a_guest_confirms_their_attendance_and_the_list_shows_members_and_guests(
    rmm: ExchangeSpace, alice: Membership, charlie: Membership, charlie_client: Client, alice_client: Client
) -> None:
    rmm.members.create(member=alice)
    guest = make_guest(rmm, charlie.user, profession="Médecin généraliste, CPTS")
    session = make_session(rmm, days=2)
    url = reverse("meetings:guest_attendance", kwargs={"org_slug": rmm.organization.slug, "session_id": session.pk})

    response = charlie_client.post(url, {"status": "present"})

    assert response.status_code == 302
    assert GuestAttendance.objects.get(session=session, guest=guest).status == Attendance.Status.PRESENT
    page = charlie_client.get(_session_url(session)).text
    assert str(alice.user) in page
    assert "Médecin généraliste, CPTS" in page
    # The secretary's form lists the guest beside the members.
    assert f'name="att-g{guest.pk}"' in alice_client.get(session.get_absolute_url()).text


def test_a_guest_cannot_confirm_attendance_of_a_frozen_session(
    rmm: ExchangeSpace, charlie: Membership, alice: Membership
) -> None:
    guest = make_guest(rmm, charlie.user)
    session = make_session(rmm, days=-0)
    session.status = Session.Status.HELD
    session.approve_minutes(by=alice)
    session.save()

    with pytest.raises(ValidationError):
        services.confirm_guest_attendance(session, guest=guest, status="present")


def test_a_guest_writes_nothing_else(rmm: ExchangeSpace, charlie: Membership, charlie_client: Client) -> None:
    make_guest(rmm, charlie.user)
    session = make_session(rmm, days=2)
    for name in ("minutes", "attendance", "decision_add", "session_status", "item_add"):
        url = reverse(f"meetings:{name}", kwargs={"org_slug": rmm.organization.slug, "session_id": session.pk})
        assert charlie_client.post(url, {"summary": "x", "title": "x", "status": "held"}).status_code == 404


def test_inviting_emails_a_link_and_the_invited_person_signs_up_and_accepts_it(
    rmm: ExchangeSpace,
    alice: Membership,
    alice_client: Client,
    client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("meetings:guest_invite", kwargs={"org_slug": rmm.organization.slug, "space_id": rmm.pk}),
            {
                "guest-email": "Dr.Externe@Exemple.test",
                "guest-profession": "Médecin généraliste",
                "guest-valid_from": today.isoformat(),
                "guest-valid_until": (today + timedelta(days=60)).isoformat(),
            },
        )

    assert response.status_code == 302
    guest = SpaceGuest.objects.get(space=rmm)
    assert guest.email == "dr.externe@exemple.test"
    assert guest.invited_by == alice
    assert len(mail.outbox) == 1
    assert guest.get_absolute_url() in mail.outbox[0].body
    # Signed out, the link opens sign-up; signed in with the invited address, it is accepted.
    assert client.get(guest.get_absolute_url()).status_code == 200
    assert 'name="password1"' in client.get(reverse("account_signup")).text
    user = User.objects.create_user("dr.externe@exemple.test", "x")
    client.force_login(user)
    accepted = client.post(guest.get_absolute_url())
    assert accepted.status_code == 302
    assert accepted["Location"] == _space_url(rmm)
    assert client.get(_space_url(rmm)).status_code == 200


def test_an_invitation_is_accepted_only_by_the_invited_address(rmm: ExchangeSpace, charlie: Membership) -> None:
    guest = make_guest(rmm, email="someone@exemple.test")

    with pytest.raises(ValidationError):
        services.accept_guest_invitation(guest, user=charlie.user)


def test_a_member_of_the_host_is_not_invited_as_a_guest(rmm: ExchangeSpace, alice: Membership, bob: Membership) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.invite_guest(rmm, acting=alice, email=bob.user.email, valid_from=today, valid_until=today)


def test_only_those_who_run_the_space_invite(rmm: ExchangeSpace, bob: Membership) -> None:
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.invite_guest(rmm, acting=bob, email="x@exemple.test", valid_from=today, valid_until=today)


def test_the_period_cannot_end_before_it_starts(rmm: ExchangeSpace, alice: Membership) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.invite_guest(
            rmm, acting=alice, email="x@exemple.test", valid_from=today, valid_until=today - timedelta(days=1)
        )


def test_a_guest_downloads_a_document_presented_at_the_session(
    rmm: ExchangeSpace, alice: Membership, charlie: Membership, charlie_client: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ameliora.core.services import add_attachment

    make_guest(rmm, charlie.user)
    session = make_session(rmm, days=2)
    attachment = add_attachment(
        session, upload=SimpleUploadedFile("protocole.txt", b"Protocole de contention"), acting=alice, description=""
    )
    url = reverse(
        "meetings:guest_file",
        kwargs={"org_slug": rmm.organization.slug, "session_id": session.pk, "attachment_id": attachment.pk},
    )

    response = charlie_client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Protocole de contention"  # type: ignore[attr-defined]
    core_download = reverse(
        "core:attachment_download", kwargs={"org_slug": rmm.organization.slug, "attachment_id": attachment.pk}
    )
    assert charlie_client.get(core_download).status_code == 404


def test_a_member_previews_the_guest_view(rmm: ExchangeSpace, bob_client: Client) -> None:
    assert bob_client.get(_space_url(rmm)).status_code == 200
