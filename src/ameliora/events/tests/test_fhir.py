"""The FHIR export: a de-identified Bundle of AdverseEvent resources per period, valid for fhir.resources."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.adverseevent import AdverseEvent
from fhir.resources.R4B.bundle import Bundle

from ameliora.core.demo import build_demo
from ameliora.core.models import Membership
from ameliora.events import fhir, services
from ameliora.events.access import events_for
from ameliora.events.models import Event, EventSettings
from ameliora.events.tests.support import SECRET_TEXT, declared_by

URL = "/o/tilleuls/events/fhir/export/"
API = "/api/v1/o/tilleuls/events/fhir"


def triaged(event: Event, by: Membership) -> Event:
    return services.triage_event(event, severity=4, likelihood=3, handler=by, level=None, criteria={}, acting=by)


def resources(body: bytes | str) -> list[dict[str, Any]]:
    """Parse the body as fhir.resources does (an invalid Bundle or AdverseEvent raises here), then read it as JSON."""
    bundle = Bundle.model_validate_json(body)
    assert bundle.type == "collection"
    assert all(isinstance(entry.resource, AdverseEvent) for entry in bundle.entry or [])
    return [entry["resource"] for entry in json.loads(body).get("entry", [])]


def test_the_bundle_carries_the_grading_and_no_person_or_free_text(
    alice: Membership, alice_client: Client, bob: Membership, event_settings: EventSettings
) -> None:
    event = triaged(declared_by(bob, consequences="Chute de Mme Confidentielle", is_serious=True), alice)
    services.save_lessons(event, lessons="Leçon sur Mme Confidentielle", acting=alice)
    today = timezone.localdate()

    response = alice_client.get(URL, {"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "attachment" in response["Content-Disposition"]
    [resource] = resources(response.content)
    assert resource["identifier"]["value"] == event.reference
    assert resource["actuality"] == "actual"
    assert f'"date":"{timezone.localdate(event.occurred_at).isoformat()}"' in response.content.decode()  # no time
    assert resource["seriousness"]["coding"][0]["code"] == "serious"
    assert [c["code"] for c in resource["severity"]["coding"]] == ["severe", "4"]
    assert resource["category"][0]["coding"][0]["code"] == "medication"
    assert resource["subject"] == {"extension": [{"url": fhir.DATA_ABSENT, "valueCode": "masked"}]}
    text = response.content.decode()
    for leak in (SECRET_TEXT, "Confidentielle", "Bob", "Roux", "bob@", "Alice", "alice@"):
        assert leak not in text


def test_only_the_events_of_the_period_are_exported(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    now = timezone.now()
    recent = declared_by(bob)
    old = declared_by(bob, occurred_at=now - timedelta(days=40))
    today = timezone.localdate()

    last_week = fhir.bundle(alice.organization, events_for(alice), start=today - timedelta(days=7), end=today)
    last_two_months = fhir.bundle(alice.organization, events_for(alice), start=today - timedelta(days=60), end=today)

    assert [r["identifier"]["value"] for r in resources(fhir.bundle_json(last_week))] == [recent.reference]
    assert [r["identifier"]["value"] for r in resources(fhir.bundle_json(last_two_months))] == [
        old.reference,
        recent.reference,
    ]


def test_a_near_miss_is_a_potential_adverse_event(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    declared_by(bob, actuality="near_miss")

    today = timezone.localdate()
    bundle = fhir.bundle(alice.organization, events_for(alice), start=today - timedelta(days=1), end=today)
    [resource] = resources(fhir.bundle_json(bundle))

    assert resource["actuality"] == "potential"
    assert "severity" not in resource  # not triaged yet


def test_the_api_answers_the_same_bundle_and_a_plain_member_may_not_export(
    alice_client: Client, bob: Membership, bob_client: Client, event_settings: EventSettings
) -> None:
    event = declared_by(bob)
    today = timezone.localdate().isoformat()

    answer = alice_client.get(API, {"from": today, "to": today})

    assert answer.status_code == 200
    assert [r["identifier"]["value"] for r in resources(answer.content)] == [event.reference]
    assert bob_client.get(API).status_code == 403
    assert bob_client.get(URL).status_code == 403


def test_another_organization_gets_404(charlie_client: Client, event_settings: EventSettings) -> None:
    assert charlie_client.get(API).status_code == 404
    assert charlie_client.get(URL).status_code == 404


def test_the_events_page_offers_the_export_to_the_quality_team(
    alice_client: Client, bob_client: Client, event_settings: EventSettings
) -> None:
    assert URL in alice_client.get("/o/tilleuls/events/").content.decode()
    assert URL not in bob_client.get("/o/tilleuls/events/").content.decode()


def test_the_bundle_of_the_cpts_demo_validates(db: None) -> None:
    organization = build_demo()["cpts-lauragais-sud"]
    cell = Membership.objects.for_org(organization).get(user__email="isabelle.caron@lauragais.test")

    body = fhir.bundle_json(
        fhir.bundle(organization, events_for(cell), start=date(2000, 1, 1), end=timezone.localdate())
    )

    exported = resources(body)
    assert len(exported) == Event.objects.for_org(organization).count() > 3
    levels = {x["valueInteger"] for r in exported for x in r["extension"] if x["url"].endswith("event-rex-level")}
    assert levels == {1, 2, 3}
    for event in Event.objects.for_org(organization):
        for text in (event.description, event.contact_name, event.lessons, event.feedback_message):
            if text:
                assert text not in body
