"""Tenant isolation, checked on every URL of the project, so that a new URL cannot escape it.

The walk reads the URL resolver (HTML views of every app, and the ninja API), keeps each pattern
whose route takes ``org_slug``, and fills any other keyword argument with the id of an object of
*another* organization, made by :data:`OBJECT_KWARGS`. A URL whose keyword argument is missing
from that mapping fails the walk: add how to make such an object for another organization.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ameliora.assessments.tests.factories import (
    any_answer_id,
    any_campaign_id,
    any_criterion_id,
    any_grid_id,
    any_grid_section_id,
    any_respondent_id,
)
from ameliora.core.models import Membership, Organization, Role, Unit
from ameliora.core.tests.factories import (
    AttachmentFactory,
    InvitationFactory,
    JobFactory,
    MembershipFactory,
    UnitFactory,
)
from ameliora.core.tokens import issue_service_token
from ameliora.core.webhooks import create_endpoint
from ameliora.documents.tests.factories import any_document_id
from ameliora.evaluations.tests.factories import any_case_id, any_evaluation_id
from ameliora.events.tests.factories import any_category_id, any_event_id, any_factor_id, any_timeline_entry_id
from ameliora.indicators.tests.factories import (
    any_annotation_id,
    any_import_id,
    any_indicator_id,
    any_measurement_id,
    any_measurement_period,
    any_phase_id,
)
from ameliora.learning.tests.factories import any_competency_id, any_situation_id, any_training_need_id
from ameliora.meetings.tests.factories import (
    SpaceFactory,
    any_guest_id,
    any_item_id,
    any_letter_id,
    any_session_id,
    any_space_id,
    make_guest,
    make_session,
)
from ameliora.plans.tests.factories import (
    any_action_id,
    any_communication_id,
    any_objective_id,
    any_plan_id,
    any_progress_review_id,
    any_tool_id,
)
from ameliora.processes.tests.factories import any_process_id, any_risk_id
from ameliora.surveys.tests.factories import (
    any_question_id,
    any_questionnaire_id,
    any_section_id,
    any_survey_answer_id,
    any_survey_campaign_id,
)

ObjectMaker = Callable[[Organization, Membership], int | str]

# How to make, in a given organization, the object that each URL keyword argument names.
# A new URL with a new keyword argument must add a line here (the walk fails until it does).
OBJECT_KWARGS: dict[str, ObjectMaker] = {
    "membership_id": lambda org, owner: MembershipFactory.create(organization=org).pk,
    "invitation_id": lambda org, owner: InvitationFactory.create(organization=org, invited_by=owner.user).pk,
    "attachment_id": lambda org, owner: AttachmentFactory.create(organization=org, uploaded_by=owner.user).pk,
    "job_id": lambda org, owner: JobFactory.create(organization=org, created_by=owner.user).pk,
    # An organization API token.
    "token_id": lambda org, owner: (
        issue_service_token(organization=org, name="BI", scopes={"core": "read"}, expires_at=None)[0].pk
    ),
    # A webhook endpoint of that organization.
    "endpoint_id": lambda org, owner: (
        create_endpoint(
            organization=org, url="https://bi.example.org/hook", topics=["event.declared"], created_by=owner.user
        ).pk
    ),
    # Generic URLs (attachments, comments) name a content type and an object: a unit of that organization.
    "content_type_id": lambda org, owner: ContentType.objects.get_for_model(Unit).pk,
    "object_id": lambda org, owner: UnitFactory.create(organization=org).pk,
    # Documents: a document of that organization, and its version 1.
    "document_id": any_document_id,
    "number": lambda org, owner: 1,
    # Indicators: an indicator, and a measurement, phase, annotation, pending import of that organization.
    "indicator_id": any_indicator_id,
    "measurement_id": any_measurement_id,
    "period_start": any_measurement_period,
    "phase_id": any_phase_id,
    "annotation_id": any_annotation_id,
    "import_id": any_import_id,
    # Events: an event (and a chronology entry, a factor, a category) of that organization.
    "event_id": any_event_id,
    "entry_id": any_timeline_entry_id,
    "factor_id": any_factor_id,
    "category_id": any_category_id,
    # Self-assessment: a grid, a criterion, a campaign (open), one of its answers and respondents.
    "grid_id": any_grid_id,
    "grid_section_id": any_grid_section_id,
    "criterion_id": any_criterion_id,
    "campaign_id": any_campaign_id,
    "answer_id": any_answer_id,
    "respondent_id": any_respondent_id,
    # Action plans: a plan, an action, an objective, a communication of that organization.
    "plan_id": any_plan_id,
    "tool_id": any_tool_id,
    "review_id": any_progress_review_id,
    "action_id": any_action_id,
    "objective_id": any_objective_id,
    "communication_id": any_communication_id,
    # Process map: a process and one of its risks.
    "process_id": any_process_id,
    "risk_id": any_risk_id,
    # Exchange spaces: a space, one of its sessions and an agenda item.
    "space_id": any_space_id,
    "session_id": any_session_id,
    "item_id": any_item_id,
    "letter_id": any_letter_id,
    "guest_id": any_guest_id,
    # Practice evaluations: an audit and one of its cases.
    "evaluation_id": any_evaluation_id,
    "case_id": any_case_id,
    # Learning: a learning situation and a competency of the framework.
    "situation_id": any_situation_id,
    "competency_id": any_competency_id,
    "need_id": any_training_need_id,
    # Surveys: a questionnaire, one of its sections and questions, a campaign, a free-text answer.
    "questionnaire_id": any_questionnaire_id,
    "section_id": any_section_id,
    "question_id": any_question_id,
    "survey_campaign_id": any_survey_campaign_id,
    "survey_answer_id": any_survey_answer_id,
}


@dataclass(frozen=True)
class OrgUrl:
    """One URL pattern under an organization: its reversible name, its route and its keyword arguments."""

    name: str | None
    route: str
    kwargs: frozenset[str]

    @property
    def object_kwargs(self) -> frozenset[str]:
        return self.kwargs - {"org_slug"}


def _pattern_kwargs(pattern: Any) -> set[str]:
    converters = getattr(pattern, "converters", None)
    if converters is not None:  # RoutePattern: path("<int:job_id>/")
        return set(converters)
    return set(pattern.regex.groupindex)  # RegexPattern: re_path(r"(?P<job_id>\d+)/")


def _walk(resolver: URLResolver, prefix: str, namespace: str, kwargs: frozenset[str]) -> Iterator[OrgUrl]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        entry_kwargs = kwargs | _pattern_kwargs(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, route, inner, entry_kwargs)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield OrgUrl(name=name, route=route, kwargs=entry_kwargs)


def organization_urls() -> list[OrgUrl]:
    """Every URL pattern of the project whose route takes the organization's slug."""
    return [url for url in _walk(get_resolver(), "/", "", frozenset()) if "org_slug" in url.kwargs]


def object_kwargs_for(url: OrgUrl) -> frozenset[str]:
    """The URL's object keyword arguments; fails the test when one has no maker in :data:`OBJECT_KWARGS`."""
    if url.name is None:
        pytest.fail(f"The URL {url.route} has no name: name it so that the tenancy walk can reverse it.")
    unknown = sorted(url.object_kwargs - OBJECT_KWARGS.keys())
    if unknown:
        pytest.fail(
            f"The URL {url.name} ({url.route}) takes {', '.join(unknown)}, which the tenancy walk does not know: "
            f"add to OBJECT_KWARGS in {__name__} how to make such an object in another organization."
        )
    return url.object_kwargs


def build_url(url: OrgUrl, org: Organization, owner: Membership) -> str:
    """The URL's address with ``org``'s slug and, for every other argument, a new object of ``org``."""
    kwargs: dict[str, Any] = {"org_slug": org.slug}
    for name in sorted(object_kwargs_for(url)):
        kwargs[name] = OBJECT_KWARGS[name](org, owner)
    assert url.name is not None
    return reverse(url.name, kwargs=kwargs)


def is_api(address: str) -> bool:
    return address.startswith("/api/")


@pytest.fixture
def urls() -> list[OrgUrl]:
    """The organization URLs, after checking that the walk finds HTML and API views of the core."""
    found = organization_urls()
    names = {url.name for url in found}
    expected = {"core:dashboard", "core:member_detail", "core:attachment_add", "core:job_download", "api:members"}
    assert expected <= names, f"The URL walk missed {sorted(expected - names)}"
    return found


def test_the_walk_fails_on_a_url_argument_it_does_not_know() -> None:
    new_url = OrgUrl(
        name="surveys:detail",
        route="/o/<slug:org_slug>/surveys/<int:survey_id>/",
        kwargs=frozenset({"org_slug", "survey_id"}),
    )

    with pytest.raises(pytest.fail.Exception, match="takes survey_id, which the tenancy walk does not know"):
        object_kwargs_for(new_url)


def test_a_non_member_gets_404_on_every_organization_url(
    urls: list[OrgUrl], alice: Membership, charlie_client: Client
) -> None:
    # Charlie administers another organization; every argument names a real object of alice's.
    failures = []
    for url in urls:
        address = build_url(url, alice.organization, alice)
        for method in ("get", "post"):
            response = getattr(charlie_client, method)(address)
            if response.status_code != 404:
                failures.append(f"{method.upper()} {address} ({url.name}) answered {response.status_code}")
            elif is_api(address) and "message" not in response.json():
                failures.append(f"{method.upper()} {address} ({url.name}) answered 404 without a JSON message")
    assert not failures, "Outsiders must get 404 on every organization URL:\n" + "\n".join(failures)


def test_a_member_gets_404_for_every_object_id_of_another_organization(
    urls: list[OrgUrl], charlie: Membership, alice: Membership, charlie_client: Client
) -> None:
    # Charlie uses his own organization's slug (the middleware lets him in) and, as its administrator,
    # passes every permission check: only the object lookup stands between him and alice's rows.
    with_objects = [url for url in urls if object_kwargs_for(url)]
    assert len(with_objects) >= 7, [url.name for url in with_objects]
    failures = []
    for url in with_objects:
        kwargs: dict[str, Any] = {"org_slug": charlie.organization.slug}
        for name in sorted(url.object_kwargs):
            kwargs[name] = OBJECT_KWARGS[name](alice.organization, alice)
        assert url.name is not None
        address = reverse(url.name, kwargs=kwargs)
        statuses = {
            method: getattr(charlie_client, method)(address).status_code
            for method in ("get", "post", "patch", "put", "delete")
        }
        # 405 says only which methods the view accepts, decided before any lookup; every other answer must be 404.
        answered = {method: status for method, status in statuses.items() if status != 405}
        if not answered or set(answered.values()) != {404}:
            failures.append(f"{address} ({url.name}) answered {statuses}")
    assert not failures, "Object ids of another organization must answer 404:\n" + "\n".join(failures)


def test_an_anonymous_visitor_is_sent_to_the_login_page_and_the_api_answers_401(
    urls: list[OrgUrl], alice: Membership, client: Client
) -> None:
    failures = []
    for url in urls:
        address = build_url(url, alice.organization, alice)
        response = client.get(address)
        if is_api(address):
            ok = response.status_code == 401 and "message" in response.json()
        else:
            ok = response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
        if not ok:
            failures.append(f"GET {address} ({url.name}) answered {response.status_code}")
    assert not failures, "\n".join(failures)


def test_an_unknown_organization_slug_is_404_even_for_a_member_elsewhere(
    alice: Membership, alice_client: Client
) -> None:
    assert alice_client.get("/o/does-not-exist/").status_code == 404
    assert alice_client.get(f"/o/{alice.organization.slug}/").status_code == 200


def test_a_guest_of_a_space_gets_404_on_every_other_url_of_the_host_and_sees_the_space(
    urls: list[OrgUrl], alice: Membership, charlie: Membership, charlie_client: Client
) -> None:
    # Charlie, of another organization, is a guest of one of alice's spaces: every other page of hers is 404.
    space = SpaceFactory.create(organization=alice.organization)
    make_guest(space, charlie.user)
    session = make_session(space, days=2)
    failures = []
    for url in urls:
        address = build_url(url, alice.organization, alice)
        for method in ("get", "post"):
            status = getattr(charlie_client, method)(address).status_code
            # The guest views let guests in, then refuse a method they do not take (405, before any lookup).
            refused_method = status == 405 and (url.name or "").startswith("meetings:guest_")
            if status != 404 and not refused_method:
                failures.append(f"{method.upper()} {address} ({url.name}) answered {status}")
    assert not failures, "A guest must get 404 outside the space:\n" + "\n".join(failures)
    slug = alice.organization.slug
    for name, kwargs in (("guest_space", {"space_id": space.pk}), ("guest_session", {"session_id": session.pk})):
        assert charlie_client.get(reverse(f"meetings:{name}", kwargs={"org_slug": slug, **kwargs})).status_code == 200


def test_a_user_representative_meets_no_server_error_and_only_styled_refusals(
    urls: list[OrgUrl], alice: Membership, client_for: Callable[[Membership], Client]
) -> None:
    representative = MembershipFactory.create(organization=alice.organization, roles=[Role.USER_REPRESENTATIVE])
    client = client_for(representative)
    failures = []
    for url in urls:
        address = build_url(url, alice.organization, alice)
        for method in ("get", "post"):
            response = getattr(client, method)(address)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {address} ({url.name}) answered {response.status_code}")
            elif response.status_code == 403 and not is_api(address) and 'id="main"' not in response.text:
                failures.append(f"{method.upper()} {address} ({url.name}) answered a bare 403")
    assert not failures, "\n".join(failures)


def test_every_link_of_a_user_representatives_dashboard_opens(
    alice: Membership, client_for: Callable[[Membership], Client]
) -> None:
    representative = MembershipFactory.create(organization=alice.organization, roles=[Role.USER_REPRESENTATIVE])
    client = client_for(representative)
    dashboard = client.get(reverse("core:dashboard", kwargs={"org_slug": alice.organization.slug})).text
    links = set(re.findall(rf'href="(/o/{alice.organization.slug}/[^"#?]*)', dashboard))
    assert reverse("reports:representatives", kwargs={"org_slug": alice.organization.slug}) in links
    refused = {link: status for link in links if (status := client.get(link).status_code) >= 400}
    assert not refused, refused
