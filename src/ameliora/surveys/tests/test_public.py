"""The public answer page: no account, bad input answered field by field, floods and robots refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format

from ameliora.core.models import Membership
from ameliora.surveys import ratelimit, services
from ameliora.surveys.forms import ANSWER_REQUIRED, NUMBER_BETWEEN, TEXT_TOO_LONG
from ameliora.surveys.models import Answer, Campaign, Question, Response
from ameliora.surveys.public_views import FIX_ERRORS, TOO_MANY_ANSWERS
from ameliora.surveys.tests.factories import CampaignFactory

ADDRESS = "203.0.113.42"


@pytest.fixture(autouse=True)
def fresh_cache(db: None) -> Iterator[None]:
    """Rate-limit counters live in the cache: start each test from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign(alice: Membership) -> Campaign:
    """An open campaign of a short questionnaire: required agreement, number 0-120, yes/no and a follow-up."""
    questionnaire = services.create_questionnaire(acting=alice, title="Accueil")
    fields: list[dict[str, Any]] = [
        {"kind": Question.Kind.LIKERT, "text": "Bon accueil", "required": True},
        {"kind": Question.Kind.NUMBER, "text": "Âge", "min_value": 0, "max_value": 120},
        {"kind": Question.Kind.YES_NO, "text": "Un souci ?"},
    ]
    made = [services.save_question(questionnaire, acting=alice, fields=f) for f in fields]
    services.save_question(
        questionnaire,
        acting=alice,
        fields={
            "kind": Question.Kind.LONG_TEXT,
            "text": "Lequel ?",
            "required": True,
            "condition_question": made[2],
            "condition_value": "yes",
        },
    )
    services.publish_questionnaire(questionnaire, acting=alice)
    return CampaignFactory.create(questionnaire=questionnaire, organization=alice.organization)


def _q(campaign: Campaign, text: str) -> str:
    return f"q{campaign.questionnaire.questions.get(text=text).pk}"


def _url(campaign: Campaign) -> str:
    return reverse("surveys_public:answer", kwargs={"public_key": campaign.public_key})


def _post(client: Client, campaign: Campaign, data: dict[str, str]) -> Any:
    return client.post(_url(campaign), data, REMOTE_ADDR=ADDRESS)


def test_the_page_needs_no_account_and_a_draft_or_unknown_key_is_404(client: Client, campaign: Campaign) -> None:
    assert client.get(_url(campaign)).status_code == 200
    assert client.get("/enquete/not-a-key/").status_code == 404
    campaign.status = Campaign.Status.DRAFT
    campaign.save(update_fields=["status"])
    assert client.get(_url(campaign)).status_code == 404


def test_a_valid_answer_is_stored_without_anything_about_the_respondent(client: Client, campaign: Campaign) -> None:
    response = _post(client, campaign, {_q(campaign, "Bon accueil"): "4", _q(campaign, "Âge"): "42,5"})

    assert response.status_code == 201
    stored = Response.objects.get()
    assert stored.mode == Response.Mode.PUBLIC
    assert stored.entered_by is None
    assert sorted(a.token() for a in stored.answers.all()) == ["4", "42.5"]
    stored_text = repr([vars(row) for row in (stored, *stored.answers.all(), *stored.history.all())])
    assert ADDRESS not in stored_text


def test_a_missing_required_answer_keeps_the_other_answers(client: Client, campaign: Campaign) -> None:
    age = _q(campaign, "Âge")
    response = _post(client, campaign, {age: "37", _q(campaign, "Un souci ?"): "no"})

    assert response.status_code == 422
    assert str(ANSWER_REQUIRED) in response.content.decode()
    assert response.context["form"].errors.keys() == {_q(campaign, "Bon accueil")}
    html = response.content.decode()
    assert 'value="37"' in html
    assert 'value="no" id="id_' in html
    assert "checked" in html
    assert not Response.objects.exists()


def test_an_out_of_range_number_and_a_too_long_text_get_clear_messages(client: Client, campaign: Campaign) -> None:
    data = {
        _q(campaign, "Bon accueil"): "5",
        _q(campaign, "Âge"): "300",
        _q(campaign, "Un souci ?"): "yes",
        _q(campaign, "Lequel ?"): "x" * 5001,
    }
    response = _post(client, campaign, data)

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors[_q(campaign, "Âge")] == [str(NUMBER_BETWEEN) % {"min": 0, "max": 120}]
    limits = {"limit": number_format(5000, force_grouping=True), "count": number_format(5001, force_grouping=True)}
    assert errors[_q(campaign, "Lequel ?")] == [str(TEXT_TOO_LONG) % limits]


def test_a_number_that_is_not_one_and_a_forged_choice_are_refused(client: Client, campaign: Campaign) -> None:
    response = _post(client, campaign, {_q(campaign, "Bon accueil"): "9", _q(campaign, "Âge"): "beaucoup"})

    assert response.status_code == 422
    assert set(response.context["form"].errors) == {_q(campaign, "Bon accueil"), _q(campaign, "Âge")}


def test_a_follow_up_is_required_only_when_its_condition_holds_and_dropped_otherwise(
    client: Client, campaign: Campaign
) -> None:
    base = {_q(campaign, "Bon accueil"): "3", _q(campaign, "Lequel ?"): "Ignoré : la condition n'est pas remplie"}
    missing = _post(client, campaign, {**base, _q(campaign, "Un souci ?"): "yes", _q(campaign, "Lequel ?"): ""})
    assert missing.status_code == 422
    assert _q(campaign, "Lequel ?") in missing.context["form"].errors

    stored = _post(Client(), campaign, {**base, _q(campaign, "Un souci ?"): "no"})
    assert stored.status_code == 201
    assert not Answer.objects.filter(question__kind=Question.Kind.LONG_TEXT).exists()


def test_script_tags_are_stored_as_text_and_shown_escaped(
    client: Client, campaign: Campaign, client_for: Any, alice: Membership
) -> None:
    script = "<script>alert('x')</script>"
    data = {_q(campaign, "Bon accueil"): "2", _q(campaign, "Un souci ?"): "yes", _q(campaign, "Lequel ?"): script}
    assert _post(client, campaign, data).status_code == 201

    results = client_for(alice).get(reverse("surveys:campaign_results", args=[alice.organization.slug, campaign.pk]))
    html = results.content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_the_same_device_answers_once_thanks_to_a_signed_cookie(client: Client, campaign: Campaign) -> None:
    data = {_q(campaign, "Bon accueil"): "5"}
    assert _post(client, campaign, data).status_code == 201

    again = _post(client, campaign, data)
    assert again.context["again"] is True
    assert Response.objects.count() == 1
    client.cookies[f"survey_{campaign.pk}"] = "forged"
    assert _post(client, campaign, data).status_code == 201  # a forged cookie counts for nothing: a new answer


def test_a_robot_filling_the_honeypot_stores_nothing(client: Client, campaign: Campaign) -> None:
    response = _post(client, campaign, {_q(campaign, "Bon accueil"): "5", "website": "http://spam.example"})
    assert response.status_code == 200
    assert not Response.objects.exists()


def test_a_flood_of_submissions_is_rate_limited_and_the_answers_are_kept(
    campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(ratelimit.LIMITS, "answer", (3, 3600))
    data = {_q(campaign, "Bon accueil"): "4", _q(campaign, "Âge"): "51"}
    for _attempt in range(3):
        assert _post(Client(), campaign, data).status_code == 201

    refused = _post(Client(), campaign, data)

    assert refused.status_code == 429
    assert str(TOO_MANY_ANSWERS) in refused.content.decode()
    assert 'value="51"' in refused.content.decode()
    assert Response.objects.count() == 3
    assert not any(ADDRESS in str(key) for key in getattr(cache, "_cache", {}))
    other = Client().post(_url(campaign), data, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 201


def test_a_closed_campaign_takes_no_more_answers(client: Client, campaign: Campaign, alice: Membership) -> None:
    services.transition_campaign(campaign, acting=alice, action="close")
    response = _post(client, campaign, {_q(campaign, "Bon accueil"): "5"})
    assert response.status_code == 200
    assert "form" not in response.context
    assert not Response.objects.exists()


def test_decimal_answers_keep_two_places(client: Client, campaign: Campaign) -> None:
    _post(client, campaign, {_q(campaign, "Bon accueil"): "5", _q(campaign, "Âge"): "1 000"})
    # 1 000 is out of range: nothing stored; 12,345 is rounded to cents.
    _post(Client(), campaign, {_q(campaign, "Bon accueil"): "5", _q(campaign, "Âge"): "12,345"})
    assert Answer.objects.get(number__isnull=False, question__kind=Question.Kind.NUMBER).number == Decimal("12.35")


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _move_period(campaign: Campaign, start_in_days: int, end_in_days: int) -> None:
    today = timezone.localdate()
    campaign.period_start = today + timedelta(days=start_in_days)
    campaign.period_end = today + timedelta(days=end_in_days)
    campaign.save(update_fields=["period_start", "period_end"])


def test_an_open_campaign_past_its_end_refuses_answers_and_says_when_it_ran(campaign: Campaign) -> None:
    _move_period(campaign, -30, -1)
    client = _english(Client())

    page = client.get(_url(campaign))
    assert page.status_code == 200
    assert "form" not in page.context
    html = page.content.decode()
    assert "no longer takes answers" in html
    assert date_format(campaign.period_start, "DATE_FORMAT") in html
    assert date_format(campaign.period_end, "DATE_FORMAT") in html

    refused = _post(client, campaign, {_q(campaign, "Bon accueil"): "5"})
    assert refused.status_code == 409
    assert not Response.objects.exists()


def test_an_open_campaign_before_its_start_says_when_to_come_back(campaign: Campaign) -> None:
    _move_period(campaign, 2, 30)
    client = _english(Client())

    page = client.get(_url(campaign))
    assert page.status_code == 200
    assert "does not take answers yet" in page.content.decode()
    assert date_format(campaign.period_start, "DATE_FORMAT") in page.content.decode()
    assert _post(client, campaign, {_q(campaign, "Bon accueil"): "5"}).status_code == 409
    assert not Response.objects.exists()


def test_the_first_and_last_days_of_the_period_take_answers(campaign: Campaign) -> None:
    _move_period(campaign, 0, 0)
    assert _post(Client(), campaign, {_q(campaign, "Bon accueil"): "5"}).status_code == 201


def test_an_anonymous_campaign_asks_no_name_and_keeps_none(campaign: Campaign) -> None:
    page = Client().get(_url(campaign))
    assert "respondent_name" not in page.context["form"].fields
    assert 'id="not-anonymous"' not in page.content.decode()

    data = {_q(campaign, "Bon accueil"): "5", "respondent_name": "Jeanne Martin"}
    assert _post(Client(), campaign, data).status_code == 201
    assert Response.objects.get().respondent_name == ""
    services.submit_response(campaign, values={}, respondent_name="Forgé")
    assert not Response.objects.exclude(respondent_name="").exists()


def test_a_named_campaign_asks_an_optional_name_shown_to_managers_only(
    campaign: Campaign, client_for: Any, alice: Membership, bob: Membership
) -> None:
    campaign.anonymous = False
    campaign.save(update_fields=["anonymous"])
    client = _english(Client())
    page = client.get(_url(campaign))
    assert "respondent_name" in page.context["form"].fields
    assert 'id="not-anonymous"' in page.content.decode()

    named = {
        _q(campaign, "Bon accueil"): "5",
        _q(campaign, "Un souci ?"): "yes",
        _q(campaign, "Lequel ?"): "L'attente",
        "respondent_name": "  Jeanne Martin ",
    }
    assert _post(client, campaign, named).status_code == 201
    assert _post(Client(), campaign, {_q(campaign, "Bon accueil"): "4"}).status_code == 201  # the name is optional
    too_long = _post(Client(), campaign, {_q(campaign, "Bon accueil"): "4", "respondent_name": "x" * 201})
    assert too_long.status_code == 422
    assert "respondent_name" in too_long.context["form"].errors
    assert sorted(Response.objects.values_list("respondent_name", flat=True)) == ["", "Jeanne Martin"]

    results = reverse("surveys:campaign_results", args=[alice.organization.slug, campaign.pk])
    assert "Jeanne Martin" in client_for(alice).get(results).content.decode()
    assert "Jeanne Martin" not in client_for(bob).get(results).content.decode()


def test_the_printable_and_campaign_pages_say_whether_the_survey_is_anonymous(
    campaign: Campaign, client_for: Any, alice: Membership
) -> None:
    manager = _english(client_for(alice))
    print_url = reverse("surveys:campaign_print", args=[alice.organization.slug, campaign.pk])
    assert "a few minutes, anonymous, no account" in manager.get(print_url).content.decode()

    campaign.anonymous = False
    campaign.save(update_fields=["anonymous"])
    printed = manager.get(print_url).content.decode()
    assert "a few minutes, anonymous" not in printed
    assert "This survey is not anonymous" in printed
    detail = manager.get(reverse("surveys:campaign_detail", args=[alice.organization.slug, campaign.pk]))
    assert "Not anonymous" in detail.content.decode()


def test_a_flood_of_invalid_submissions_is_rate_limited_too_with_its_field_messages(
    campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(ratelimit.LIMITS, "invalid", (3, 3600))
    invalid = {_q(campaign, "Âge"): "37"}  # the required agreement answer is missing
    for _attempt in range(3):
        refused = _post(Client(), campaign, invalid)
        assert refused.status_code == 422
        assert str(FIX_ERRORS) in refused.content.decode()

    flooded = _post(Client(), campaign, invalid)
    html = flooded.content.decode()
    assert flooded.status_code == 429
    assert str(TOO_MANY_ANSWERS) in html
    assert str(ANSWER_REQUIRED) in html  # the field's message is still there
    assert 'value="37"' in html
    assert _post(Client(), campaign, {_q(campaign, "Bon accueil"): "4"}).status_code == 429  # valid ones wait too
    assert not Response.objects.exists()
    other = Client().post(_url(campaign), {_q(campaign, "Bon accueil"): "4"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 201


def test_invalid_submissions_have_a_higher_limit_than_accepted_ones() -> None:
    assert ratelimit.LIMITS["invalid"][0] > ratelimit.LIMITS["answer"][0]
