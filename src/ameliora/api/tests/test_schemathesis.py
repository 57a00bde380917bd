"""Schemathesis drives every operation of the OpenAPI document through the WSGI application.

It generates valid and invalid requests from the schema and fails on any server error and on any
answer the document does not describe (an undocumented status code, another content type, a body
that does not match its schema), on an operation that serves a request without a valid token, and
on an invalid request that is not refused. The requests carry a personal API token (``Authorization:
Bearer``, read and write on every module, no cookie; the session's CSRF rule is tested in
``test_tokens.py``) and hit the demo's real organizations and objects (``ameliora demo``), so the
200 answers are checked as well as the errors.

Bounded so that it stays a few minutes on two cores: a fixed number of examples per operation,
derandomized (the same requests on every run), no example database. ``SCHEMATHESIS_MAX_EXAMPLES``
raises the number for a deeper search by hand.
"""

import logging
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.validators import slug_re
from django.db import close_old_connections, models, transaction
from django.test import override_settings

from ameliora.api.urls import api
from ameliora.assessments.access import campaigns_for as assessment_campaigns_for
from ameliora.core.api_types import MAX_ID
from ameliora.core.models import ApiToken, Membership, Organization, Role
from ameliora.core.tests.factories import MembershipFactory, UserFactory
from ameliora.core.tokens import digest, full_scopes
from ameliora.events.access import events_for
from ameliora.indicators.access import indicators_for
from ameliora.indicators.models import Measurement
from ameliora.learning.access import situations_for
from ameliora.plans.access import actions_for, plans_for
from ameliora.processes.access import processes_for
from ameliora.surveys.access import campaigns_for as survey_campaigns_for

logger = logging.getLogger(__name__)
Case = schemathesis.Case[Any]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
# HTTPS, as in production (with DEBUG=False, plain HTTP is redirected); schemathesis's WSGI host.
ORIGIN = "https://localhost"
# Known before the database exists: schemathesis signs the cases it builds while collecting tests.
TOKEN_KEY = "5c4e3a7e5715"
TOKEN = f"am_{TOKEN_KEY}_schemathesis-0123456789-abcdefghijklmnopqrst"
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

#: For each path parameter naming an object, the objects a member may see.
VISIBLE: dict[str, Callable[[Membership], models.QuerySet[Any]]] = {
    "indicator_id": indicators_for,
    "event_id": events_for,
    "campaign_id": assessment_campaigns_for,
    "survey_campaign_id": survey_campaigns_for,
    "plan_id": plans_for,
    "action_id": actions_for,
    "process_id": processes_for,
    "situation_id": situations_for,
}


def _real_objects(membership: Membership) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """Path parameters naming real objects the member may see, keyed by the parameters' sorted names."""
    objects: dict[tuple[str, ...], list[dict[str, Any]]] = {
        (name,): [{name: pk} for pk in visible(membership).order_by("pk").values_list("pk", flat=True)[:20]]
        for name, visible in VISIBLE.items()
    }
    measurements = Measurement.objects.filter(indicator__in=indicators_for(membership)).order_by("pk")
    objects["indicator_id", "period_start"] = [
        {"indicator_id": indicator, "period_start": period.isoformat()}
        for indicator, period in measurements.values_list("indicator_id", "period_start")[:20]
    ]
    return objects


CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # Unknown query parameters are ignored, as by most APIs; everything else invalid is refused.
            "allow-extra-parameters": False,
        },
        "checks": {
            # A schema-valid request may still break a rule the schema cannot express (a period
            # already recorded, a numerator above its denominator): that is the documented 400.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404"]},
        },
        "operations": [
            {
                # JSON Schema cannot say "at most 6 decimals" of a number, so a schema-valid 1e-7 is a
                # documented 422 (see core.api_types.ModelDecimal). Creating an indicator and adding a
                # phase run the pages' forms, whose refusals (a name already taken, a phase already
                # starting that week, a blank label) are 422s naming the field, as on the pages.
                "include-method": ["POST"],
                "include-path-regex": "/indicators$|/measurements(/bulk)?$|/phases$",
                "checks": {"positive_data_acceptance": {"enabled": False}},
            }
        ],
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"), config=CONFIG)
schema.app = WSGIHandler()

# Filled by the `demo_world` fixture, read by the path-parameter hook (which schemathesis calls while
# generating, outside any fixture).
WORLD: dict[str, Any] = {}


@schema.auth(refresh_interval=None)
class WithToken:
    """The API token of a member of every demo organization."""

    def get(self, case: Case, context: schemathesis.AuthContext) -> str:
        return TOKEN

    def set(self, case: Case, data: str, context: schemathesis.AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


def _schema_valid(name: str, value: object) -> bool:
    if name == "org_slug":
        return slug_re.fullmatch(str(value)) is not None
    if name == "period_start":
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return False
        return True
    return str(value).isdigit() and 1 <= int(str(value)) <= MAX_ID


@schemathesis.hook  # schemathesis only offers this hook globally; it acts only while `WORLD` is set
def before_call(context: schemathesis.HookContext, case: Case, kwargs: dict[str, Any]) -> None:
    """Send most requests to real organizations and objects, in turn.

    The path parameters come from the schema (an organization "0", an object 1…), so nearly every
    request would be a 404. Taking the calls in turn (the runs are derandomized, so always the same
    ones), one in four keeps its generated values (an unknown organization or object), one in four
    names a real organization only (an unknown object in a known organization), and the others name
    a real object of that organization. Values that break the schema (negative generation) are kept:
    they must be refused as they are. This runs when the request is sent, because schemathesis builds
    part of its cases while collecting the tests, before the database exists.
    """
    parameters = case.path_parameters
    if not WORLD or not parameters or not all(_schema_valid(name, value) for name, value in parameters.items()):
        return
    objects = tuple(sorted(name for name in parameters if name != "org_slug"))
    turn = WORLD["turn"] = WORLD["turn"] + 1
    if turn % 4 == 0:
        return
    if turn % 4 == 1 or not objects:
        case.path_parameters = {**parameters, "org_slug": WORLD["slugs"][turn % len(WORLD["slugs"])]}
        return
    real = WORLD["objects"][objects]  # a new kind of path parameter needs a line in `_real_objects`
    case.path_parameters = dict(real[turn % len(real)])


@schema.hook
def after_call(context: schemathesis.HookContext, case: Case, response: schemathesis.Response) -> None:
    if WORLD:
        WORLD["answers"].setdefault(case.operation.label, []).append(response.status_code)


#: Operations whose generated bodies almost never fit the object they reach: a bulk entry's rows must
#: each start a period of that indicator's own periodicity (a Monday for a weekly one, the 1st for a
#: monthly one) and carry the fields of its kind. Their 201 is proven in `indicators/tests/test_api_write.py`;
#: here they must still never answer 5xx nor leave the document.
RARELY_ACCEPTED = {"POST /api/v1/o/{org_slug}/indicators/{indicator_id}/measurements/bulk"}


def _check_the_answers(answers: dict[str, list[int]]) -> None:
    """Every operation called answered 2xx at least once: the cases reached real objects."""
    summary = "; ".join(f"{label}: {len(codes)} calls, {sorted(set(codes))}" for label, codes in answers.items())
    logger.info("schemathesis: %d operations, %d calls. %s", len(answers), sum(map(len, answers.values())), summary)
    never_ok = [
        label
        for label, codes in answers.items()
        if label not in RARELY_ACCEPTED and not any(200 <= code < 300 for code in codes)
    ]
    assert not never_ok, f"Never answered 2xx: {never_ok}. {summary}"


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo organizations and a member of each (admin and quality manager), for the whole module.

    Built once inside a transaction that is rolled back at the end, so the other tests never see it.
    The requests go through Django's WSGI handler, which closes the database connection at the start
    and end of each request unless told otherwise (Django's test client does the same).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        # DEBUG=False would refuse the `Host: localhost` of schemathesis's WSGI client. The hasher is the
        # one conftest.py gives every test (this fixture runs before it): the demo caches its hash.
        # The token's rate limit would answer 429 to a run this fast; it is tested in test_tokens.py.
        test_settings = override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "localhost"],
            PASSWORD_HASHERS=FAST_PASSWORD_HASHERS,
            API_TOKEN_RATE_LIMIT=(1_000_000, 60),
        )
        with test_settings, django_db_blocker.unblock(), transaction.atomic():
            call_command("demo", stdout=StringIO())
            user = UserFactory.create(email="schemathesis@ameliora.test")
            memberships = [
                MembershipFactory.create(organization=organization, user=user, roles=[Role.ADMIN, Role.QUALITY_MANAGER])
                for organization in Organization.objects.order_by("slug")
            ]
            ApiToken.objects.create(
                kind=ApiToken.Kind.PERSONAL,
                name="schemathesis",
                key_id=TOKEN_KEY,
                secret_hash=digest(TOKEN),
                user=user,
                scopes=full_scopes("write"),
            )
            WORLD["slugs"] = [m.organization.slug for m in memberships]
            objects: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
            for membership in memberships:
                for names, found in _real_objects(membership).items():
                    objects[names] += [{"org_slug": membership.organization.slug, **row} for row in found]
            WORLD["objects"] = dict(objects)
            assert all(WORLD["objects"].values()), "The demo has no object for some path parameter."
            WORLD["answers"] = {}
            WORLD["turn"] = 0
            try:
                yield
                _check_the_answers(WORLD["answers"])
            finally:
                transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        WORLD.clear()


@pytest.mark.django_db  # so that pytest-django creates the test database `demo_world` fills
@schema.parametrize()
def test_the_api_keeps_to_its_openapi_document(case: Case, demo_world: None) -> None:
    case.call_and_validate(base_url=ORIGIN)
