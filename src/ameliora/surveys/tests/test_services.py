"""Questionnaires, campaigns and responses through the services; statistics and computed sources."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from ameliora.core.access import frozen_reason
from ameliora.core.models import Link, Membership
from ameliora.core.reminders import send_due_reminders
from ameliora.surveys import services, sources, stats
from ameliora.surveys.models import (
    CAMPAIGN_FROZEN,
    NOT_PUBLISHED,
    QUESTIONNAIRE_LOCKED,
    YES_NO_LABELS,
    Answer,
    Campaign,
    Question,
    Questionnaire,
    Response,
)
from ameliora.surveys.results import campaign_results
from ameliora.surveys.templates_builtin import TEMPLATES
from ameliora.surveys.tests.factories import CampaignFactory, QuestionFactory, QuestionnaireFactory


@pytest.fixture
def questionnaire(alice: Membership) -> Questionnaire:
    """The patient template copied into alice's pharmacy and published."""
    copied = services.copy_template(acting=alice, key="patient-satisfaction")
    services.publish_questionnaire(copied, acting=alice)
    return copied


def _question(questionnaire: Questionnaire, kind: str) -> Question:
    return questionnaire.questions.filter(kind=kind).order_by("position").first()  # type: ignore[return-value]


def test_every_builtin_template_copies_with_its_sections_choices_and_conditions(alice: Membership) -> None:
    for key, template in TEMPLATES.items():
        copied = services.copy_template(acting=alice, key=key)
        assert copied.organization == alice.organization
        assert copied.status == Questionnaire.Status.DRAFT
        assert copied.sections.count() == len(template.sections)
        assert copied.questions.count() == len(template.questions())
        for spec, question in zip(template.questions(), copied.questions.order_by("position"), strict=True):
            assert [c.label for c in question.choices.all()] == spec.get("choices", [])
            if "if" in spec:
                assert question.condition_question is not None
                assert question.condition_value == spec["if"][1]


def test_a_campaign_opens_only_once_its_questionnaire_is_published(alice: Membership) -> None:
    draft = services.copy_template(acting=alice, key="referring-doctor-satisfaction")
    campaign = services.create_campaign(
        draft, acting=alice, name="2026", period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
    )

    with pytest.raises(ValidationError) as refused:
        services.transition_campaign(campaign, acting=alice, action="open")
    assert refused.value.messages == [str(NOT_PUBLISHED)]

    services.publish_questionnaire(draft, acting=alice)
    services.transition_campaign(campaign, acting=alice, action="open")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert campaign.opened_by == alice


def test_a_closed_campaign_is_frozen_and_cannot_reopen(questionnaire: Questionnaire, alice: Membership) -> None:
    campaign = CampaignFactory.create(questionnaire=questionnaire)
    services.transition_campaign(campaign, acting=alice, action="close")
    campaign.refresh_from_db()

    with pytest.raises(ValidationError):
        services.transition_campaign(campaign, acting=alice, action="open")
    with pytest.raises(ValidationError) as frozen:
        services.submit_response(campaign, values={}, mode=Response.Mode.PAPER, entered_by=alice)
    assert frozen.value.messages == [str(CAMPAIGN_FROZEN)]
    with pytest.raises(ValidationError):
        services.update_campaign(campaign, acting=alice, fields={"name": "Renamed"})


def test_the_period_must_be_in_order(questionnaire: Questionnaire, alice: Membership) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_campaign(
            questionnaire, acting=alice, name="x", period_start=date(2026, 3, 1), period_end=date(2026, 1, 1)
        )
    assert "period_end" in refused.value.message_dict


def test_public_answers_need_an_open_campaign_but_paper_can_be_typed_before(
    questionnaire: Questionnaire, alice: Membership
) -> None:
    campaign = CampaignFactory.create(questionnaire=questionnaire, status=Campaign.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.submit_response(campaign, values={})

    response = services.submit_response(campaign, values={}, mode=Response.Mode.PAPER, entered_by=alice)
    assert response.entered_by == alice


def test_questions_no_longer_change_once_a_campaign_started(questionnaire: Questionnaire, alice: Membership) -> None:
    CampaignFactory.create(questionnaire=questionnaire, status=Campaign.Status.OPEN)
    question = _question(questionnaire, Question.Kind.LIKERT)

    with pytest.raises(ValidationError) as refused:
        services.delete_question(question, acting=alice)
    assert refused.value.messages == [str(QUESTIONNAIRE_LOCKED)]
    with pytest.raises(ValidationError):
        services.save_question(questionnaire, acting=alice, fields={"kind": "yes_no", "text": "Nouvelle ?"})


def test_choice_questions_need_two_distinct_choices(alice: Membership) -> None:
    blank = services.create_questionnaire(acting=alice, title="Attentes")
    fields = {"kind": Question.Kind.SINGLE, "text": "Votre profession"}

    with pytest.raises(ValidationError) as too_few:
        services.save_question(blank, acting=alice, fields=fields, choices=["Médecin", " "])
    assert too_few.value.message_dict == {"choices": [str(services.NEEDS_CHOICES_MESSAGE)]}
    with pytest.raises(ValidationError) as twice:
        services.save_question(blank, acting=alice, fields=fields, choices=["Médecin", "Médecin"])
    assert twice.value.message_dict == {"choices": [str(services.DUPLICATE_CHOICES_MESSAGE)]}

    question = services.save_question(blank, acting=alice, fields=fields, choices=["Médecin", "Infirmier"])
    assert [c.label for c in question.choices.all()] == ["Médecin", "Infirmier"]


def test_a_condition_must_name_an_answer_its_question_can_receive(alice: Membership) -> None:
    blank = services.create_questionnaire(acting=alice, title="Attentes")
    asked = services.save_question(blank, acting=alice, fields={"kind": Question.Kind.YES_NO, "text": "Un souci ?"})
    fields = {"kind": Question.Kind.LONG_TEXT, "text": "Lequel ?", "condition_question": asked}

    with pytest.raises(ValidationError) as refused:
        services.save_question(blank, acting=alice, fields={**fields, "condition_value": "peut-être"})
    assert "condition_value" in refused.value.message_dict

    follow_up = services.save_question(blank, acting=alice, fields={**fields, "condition_value": "yes"})
    assert follow_up.condition_label() == str(YES_NO_LABELS["yes"])


def test_moving_a_question_swaps_it_with_its_neighbour(alice: Membership) -> None:
    blank = services.create_questionnaire(acting=alice, title="Ordre")
    first, second = (
        services.save_question(blank, acting=alice, fields={"kind": "yes_no", "text": text}) for text in ("A", "B")
    )
    services.move_question(second, acting=alice, up=True)
    assert [q.text for q in blank.questions.order_by("position")] == ["B", "A"]
    services.move_question(first, acting=alice, up=False)  # already last: nothing moves
    assert [q.text for q in blank.questions.order_by("position")] == ["B", "A"]


def test_a_response_stores_one_row_per_ticked_choice_and_numbers_as_numbers(alice: Membership) -> None:
    copied = services.copy_template(acting=alice, key="admission-expectations")
    services.publish_questionnaire(copied, acting=alice)
    campaign = CampaignFactory.create(questionnaire=copied)
    multiple = _question(copied, Question.Kind.MULTIPLE)
    likert = _question(copied, Question.Kind.LIKERT)

    response = services.submit_response(
        campaign, values={multiple.pk: ["Moins de douleur", "Être rassuré"], likert.pk: Decimal(4)}
    )

    rows = list(response.answers.order_by("pk"))
    assert [row.token() for row in rows] == ["Moins de douleur", "Être rassuré", "4"]


def test_hiding_an_identifying_text_is_kept_in_history(alice: Membership) -> None:
    campaign = CampaignFactory.create(questionnaire__organization=alice.organization)
    question = QuestionFactory.create(questionnaire=campaign.questionnaire, kind=Question.Kind.LONG_TEXT)
    response = services.submit_response(campaign, values={question.pk: "Mme Dupont a été très gentille"})
    answer = response.answers.get()

    services.flag_identifying(answer, acting=alice, hidden=True)

    answer.refresh_from_db()
    assert answer.hidden_identifying
    assert answer.hidden_by == alice
    assert [h.hidden_identifying for h in answer.history.order_by("history_date")] == [True]
    services.flag_identifying(answer, acting=alice, hidden=False)
    assert answer.history.count() == 2


def test_an_action_opened_from_a_question_links_back_to_question_and_campaign(
    questionnaire: Questionnaire, alice: Membership
) -> None:
    campaign = CampaignFactory.create(questionnaire=questionnaire)
    question = _question(questionnaire, Question.Kind.LIKERT)

    action = services.open_question_action(
        campaign, question, acting=alice, title="Réduire l’attente", plan_title="Enquêtes 2026"
    )

    assert action.plan.code == f"PAQ-ENQ-{timezone.localdate().year}"
    links = Link.objects.for_org(alice.organization).filter(from_id=action.pk)
    targets = {(link.to_type, link.to_id, link.kind) for link in links}
    assert (ContentType.objects.get_for_model(Question), question.pk, Link.Kind.SOURCE) in targets
    assert (ContentType.objects.get_for_model(Campaign), campaign.pk, Link.Kind.RELATED) in targets


def test_wilson_interval_stays_within_bounds() -> None:
    estimate = stats.wilson(10, 10)
    assert estimate is not None
    assert estimate.value == 100
    assert estimate.high == pytest.approx(100)
    assert estimate.low == pytest.approx(72.2, abs=0.1)
    assert stats.wilson(0, 0) is None


def test_mean_uses_student_t() -> None:
    estimate = stats.mean_ci({4.0: 2, 5.0: 2})
    assert estimate is not None
    assert estimate.value == 4.5
    # s = 0.577, t(0.975, 3) = 3.182 → half-width 0.919
    assert estimate.low == pytest.approx(3.581, abs=0.01)
    assert stats.mean_ci({3.0: 1}) == stats.Estimate(3.0, None, None, 1)
    clipped = stats.mean_ci({4.0: 1, 5.0: 1}, lowest=1, highest=5)
    assert clipped is not None
    assert (clipped.low, clipped.high) == (1, 5)


def test_nps_and_its_interval() -> None:
    # 5 promoters, 3 passives, 2 detractors out of 10: NPS = 30.
    estimate = stats.nps({10.0: 3, 9.0: 2, 8.0: 2, 7.0: 1, 3.0: 2})
    assert estimate is not None
    assert estimate.value == pytest.approx(30)
    # Var = (0.5 + 0.2 - 0.09) / 10 = 0.061 → half-width 1.96 * 100 * 0.247 = 48.4
    assert estimate.low == pytest.approx(-18.4, abs=0.2)
    assert estimate.high == pytest.approx(78.4, abs=0.2)


def test_results_count_answers_compare_with_the_previous_campaign_and_feed_indicators(
    questionnaire: Questionnaire, alice: Membership
) -> None:
    likert = _question(questionnaire, Question.Kind.LIKERT)
    today = timezone.localdate()
    before = CampaignFactory.create(
        questionnaire=questionnaire,
        period_start=today - timedelta(days=400),
        period_end=today - timedelta(days=300),
        status=Campaign.Status.CLOSED,
    )
    now = CampaignFactory.create(questionnaire=questionnaire, audience_size=10)
    for value in (2, 4):
        Answer.objects.create(
            organization=alice.organization,
            response=Response.objects.create(
                organization=alice.organization, campaign=before, submitted_at=timezone.now() - timedelta(days=350)
            ),
            question=likert,
            number=Decimal(value),
        )
    for value in (4, 5, 5, 1):
        services.submit_response(now, values={likert.pk: Decimal(value)})

    results = campaign_results(now)

    assert results.response_count == 4
    assert results.response_rate is not None
    assert results.response_rate.value == 40
    assert results.previous == before
    assert results.satisfaction is not None
    assert results.satisfaction.value == 75
    first = next(r for r in results.questions if r.question == likert)
    assert [bar.count for bar in first.bars] == [1, 0, 0, 1, 2]
    assert first.previous_headline == 50
    assert "<title>" in first.svg

    assert sources.satisfaction_rate(alice.organization, today, today, "monthly") == (3, 4)
    assert sources.responses_in_period(alice.organization, today, today, "monthly") == (4, None)
    assert sources.satisfaction_rate(alice.organization, date(2000, 1, 1), date(2000, 1, 31), "monthly") == (
        None,
        None,
    )


def test_unique_choice_labels_are_enforced_per_question(alice: Membership) -> None:
    questionnaire = QuestionnaireFactory.create(organization=alice.organization)
    question = services.save_question(
        questionnaire, acting=alice, fields={"kind": "single", "text": "Qui ?"}, choices=["A", "B"]
    )
    question = services.save_question(
        questionnaire, acting=alice, fields={"kind": "single", "text": "Qui ?"}, choices=["B", "C"], question=question
    )
    assert [c.label for c in question.choices.all()] == ["B", "C"]


def test_a_copy_of_a_locked_questionnaire_keeps_sections_choices_and_conditions(
    questionnaire: Questionnaire, alice: Membership
) -> None:
    CampaignFactory.create(questionnaire=questionnaire)

    copy = services.duplicate_questionnaire(questionnaire, acting=alice, title="Satisfaction 2027")

    assert copy.status == Questionnaire.Status.DRAFT
    assert not copy.is_locked()
    assert copy.sections.count() == questionnaire.sections.count()
    original = [
        (q.text, q.section.title if q.section else "", [c.label for c in q.choices.all()])
        for q in questionnaire.questions.order_by("position")
    ]
    copied = [
        (q.text, q.section.title if q.section else "", [c.label for c in q.choices.all()])
        for q in copy.questions.order_by("position")
    ]
    assert copied == original
    follow_up = copy.questions.get(condition_question__isnull=False)
    assert follow_up.condition_question is not None
    assert follow_up.condition_question.questionnaire == copy


def test_a_closed_campaign_takes_no_more_evidence(questionnaire: Questionnaire, alice: Membership) -> None:
    campaign = CampaignFactory.create(questionnaire=questionnaire, status=Campaign.Status.CLOSED)
    assert frozen_reason(campaign) == str(CAMPAIGN_FROZEN)
    assert frozen_reason(CampaignFactory.create(questionnaire=questionnaire)) is None


def test_public_answers_are_refused_outside_the_period_but_paper_is_not(
    questionnaire: Questionnaire, alice: Membership
) -> None:
    today = timezone.localdate()
    ended = CampaignFactory.create(
        questionnaire=questionnaire, period_start=today - timedelta(days=30), period_end=today - timedelta(days=1)
    )
    with pytest.raises(ValidationError) as refused:
        services.submit_response(ended, values={})
    assert refused.value.code == services.CAMPAIGN_OUTSIDE_PERIOD
    services.submit_response(ended, values={}, mode=Response.Mode.PAPER, entered_by=alice)

    future = CampaignFactory.create(questionnaire=questionnaire, period_start=today + timedelta(days=1))
    with pytest.raises(ValidationError):
        services.submit_response(future, values={})
    assert Response.objects.count() == 1


def test_the_daily_job_closes_open_campaigns_the_day_after_their_end(questionnaire: Questionnaire) -> None:
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    ended = CampaignFactory.create(questionnaire=questionnaire, period_start=yesterday, period_end=yesterday)
    ends_today = CampaignFactory.create(questionnaire=questionnaire, period_start=yesterday, period_end=today)
    draft = CampaignFactory.create(
        questionnaire=questionnaire, period_start=yesterday, period_end=yesterday, status=Campaign.Status.DRAFT
    )

    assert send_due_reminders()["survey campaigns past their end"] == 1

    ended.refresh_from_db()
    assert ended.status == Campaign.Status.CLOSED
    assert ended.closed_at is not None
    assert ended.closed_by is None
    assert frozen_reason(ended) == str(CAMPAIGN_FROZEN)
    assert ended.history.first().status == Campaign.Status.CLOSED
    ends_today.refresh_from_db()
    draft.refresh_from_db()
    assert (ends_today.status, draft.status) == (Campaign.Status.OPEN, Campaign.Status.DRAFT)
    assert services.close_ended_campaigns() == 0  # idempotent: run twice, closes nothing more
    assert services.close_ended_campaigns(today=today + timedelta(days=1)) == 1
