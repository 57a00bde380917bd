"""The public declaration page and the tracking page: no account, no identity, no IP, rate-limited."""

from __future__ import annotations

import re

from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Notification, Organization
from ameliora.core.tests.assertions import page_text, shows
from ameliora.events import services
from ameliora.events.forms import CHARTER_REQUIRED, CODE_REQUIRED, CONTACT_REQUIRED, DESCRIPTION_REQUIRED
from ameliora.events.models import Event, EventSettings, TrackingMessage, hash_tracking_code
from ameliora.events.public_views import TOO_MANY_ATTEMPTS, TOO_MANY_DECLARATIONS, UNKNOWN_CODE
from ameliora.events.ratelimit import LIMITS
from ameliora.events.tests.support import form_data

CLIENT_IP = "203.0.113.77"


def _declare_url(settings: EventSettings) -> str:
    return reverse("events_public:declare", kwargs={"public_key": settings.public_key})


def _public_client() -> Client:
    visitor = Client(REMOTE_ADDR=CLIENT_IP)
    visitor.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # these tests read the English msgids
    return visitor


def _declare(client: Client, settings: EventSettings, **overrides: str) -> tuple[int, str]:
    data = {"charter_accepted": "on", "contact_choice": "anonymous", **overrides}
    response = client.post(_declare_url(settings), form_data(**data))
    match = re.search(r'id="tracking-code">([A-Z0-9-]+)<', page_text(response))
    return response.status_code, match.group(1) if match else ""


def test_the_public_page_shows_the_charter_without_sign_in(event_settings: EventSettings) -> None:
    response = _public_client().get(_declare_url(event_settings))

    assert response.status_code == 200
    assert "Confidentiality charter" in page_text(response) or "charte" in page_text(response).lower()


def test_the_slug_does_not_open_the_public_page(event_settings: EventSettings, tilleuls: Organization) -> None:
    assert _public_client().get(f"/declarer/{tilleuls.slug}/").status_code == 404


def test_an_anonymous_declaration_stores_no_identity_and_no_ip(
    event_settings: EventSettings, alice: Membership
) -> None:
    # Contact details typed and then "stay anonymous" chosen: they are dropped, not stored.
    status, code = _declare(_public_client(), event_settings, contact_name="Jeanne Témoin", contact_phone="0600000000")

    assert status == 201
    assert len(code.replace("-", "")) == 20
    event = Event.objects.get()
    assert (event.source, event.reported_by, event.contact_name, event.contact_phone, event.contact_best_time) == (
        "public", None, "", "", "",
    )  # fmt: skip
    assert event.tracking_code_hash == hash_tracking_code(code)
    assert code not in event.tracking_code_hash
    with connection.cursor() as cursor:  # the address is nowhere in the row, nor in its history
        for table in ("events_event", "events_historicalevent", "events_eventtransition"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert CLIENT_IP not in str(cursor.fetchall())
    assert Notification.objects.filter(recipient=alice.user).count() == 1


def test_a_call_back_needs_a_phone_and_keeps_what_was_typed(event_settings: EventSettings) -> None:
    response = _public_client().post(
        _declare_url(event_settings),
        form_data(charter_accepted="on", contact_choice="call_me", contact_name="Paul", description="Texte à garder"),
    )

    assert response.status_code == 422
    assert shows(response, CONTACT_REQUIRED)
    assert "Texte à garder" in page_text(response)


def test_the_charter_must_be_accepted(event_settings: EventSettings) -> None:
    response = _public_client().post(_declare_url(event_settings), form_data(contact_choice="anonymous"))

    assert response.status_code == 422
    assert shows(response, CHARTER_REQUIRED)


def test_call_back_details_are_kept_for_the_quality_team(event_settings: EventSettings) -> None:
    _declare(_public_client(), event_settings, contact_choice="call_me", contact_name="Paul", contact_phone="0611",
             contact_best_time="midi")  # fmt: skip

    event = Event.objects.get()
    assert (event.contact_name, event.contact_phone, event.contact_best_time) == ("Paul", "0611", "midi")


def test_the_honeypot_answers_like_a_success_and_stores_nothing(event_settings: EventSettings) -> None:
    status, code = _declare(_public_client(), event_settings, website="http://spam.example")

    assert status == 200
    assert code == ""
    assert not Event.objects.exists()


def test_declarations_are_rate_limited_per_client_keeping_the_text(event_settings: EventSettings) -> None:
    client = _public_client()
    for _ in range(LIMITS["declare"][0]):
        assert _declare(client, event_settings)[0] == 201

    response = client.post(_declare_url(event_settings), form_data(charter_accepted="on", description="Gardé"))

    assert response.status_code == 429
    assert shows(response, TOO_MANY_DECLARATIONS)
    assert "Gardé" in page_text(response)
    assert _declare(Client(REMOTE_ADDR="198.51.100.1"), event_settings)[0] == 201  # another client is not blocked


def test_the_tracking_code_opens_that_declaration_only(alice: Membership, event_settings: EventSettings) -> None:
    _status, code = _declare(_public_client(), event_settings, description="Première déclaration")
    _status, _other = _declare(_public_client(), event_settings, description="Seconde déclaration")
    mine = services.find_by_tracking_code(code)
    assert mine is not None
    services.give_feedback(mine, message="Merci, nous avons corrigé la procédure.", acting=alice)
    services.post_cell_message(mine, body="Pouvez-vous préciser l'heure ?", acting=alice)

    page = page_text(_public_client().post(reverse("events_public:track"), {"code": code.lower()}))

    assert mine.reference in page
    assert "Merci, nous avons corrigé la procédure." in page
    assert "Pouvez-vous préciser" in page
    assert "Seconde déclaration" not in page
    assert "Première déclaration" not in page
    assert "Alice" not in page  # the cell answers as a cell


def test_the_reporter_answers_through_the_tracking_page(alice: Membership, event_settings: EventSettings) -> None:
    _status, code = _declare(_public_client(), event_settings)
    event = Event.objects.get()
    services.triage_event(event, severity=2, likelihood=2, handler=alice, level=None, criteria={}, acting=alice)

    response = _public_client().post(reverse("events_public:track"), {"code": code, "body": "Vers 8 h 30."})

    assert response.status_code == 200
    message = TrackingMessage.objects.get()
    assert (message.author_kind, message.author, message.body) == ("reporter", None, "Vers 8 h 30.")
    assert Notification.objects.filter(recipient=alice.user, title__contains="New message from the reporter").exists()


def test_wrong_codes_are_refused_then_rate_limited(event_settings: EventSettings) -> None:
    _status, code = _declare(_public_client(), event_settings)
    client = _public_client()
    for _ in range(LIMITS["track_fail"][0]):
        wrong = client.post(reverse("events_public:track"), {"code": "AAAAA-BBBBB-CCCCC-DDDDD"})
        assert wrong.status_code == 404
        assert shows(wrong, UNKNOWN_CODE)

    blocked = client.post(reverse("events_public:track"), {"code": code})

    assert blocked.status_code == 429
    assert shows(blocked, TOO_MANY_ATTEMPTS)
    assert Event.objects.get().reference not in page_text(blocked)


def test_the_printable_page_has_the_link_and_a_qr_code(alice_client: Client, event_settings: EventSettings) -> None:
    page = page_text(alice_client.get(reverse("events:public_link", kwargs={"org_slug": "tilleuls"})))

    assert _declare_url(event_settings) in page
    assert "<svg" in page
    assert "<path" in page


def test_a_closed_public_page_is_not_found(event_settings: EventSettings) -> None:
    event_settings.public_enabled = False
    event_settings.save()

    assert _public_client().get(_declare_url(event_settings)).status_code == 404


def test_a_post_with_no_field_at_all_is_refused_with_the_messages_of_the_missing_fields(
    event_settings: EventSettings,
) -> None:
    """Found by the property tests: an empty body left the form unbound, answered 422 and said nothing."""
    track = _public_client().post(reverse("events_public:track"), {})
    declare = _public_client().post(_declare_url(event_settings), {})

    assert track.status_code == declare.status_code == 422
    assert shows(track, CODE_REQUIRED)
    assert shows(declare, DESCRIPTION_REQUIRED)
    assert not Event.objects.exists()
