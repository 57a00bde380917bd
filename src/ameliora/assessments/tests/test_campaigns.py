"""Campaigns: started from the previous one, respondents per section, frozen once closed."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ameliora.assessments import services
from ameliora.assessments.models import Answer, Campaign, Section
from ameliora.assessments.results import campaign_results
from ameliora.assessments.tests.factories import answer_all, make_campaign, make_grid
from ameliora.core.models import Attachment, Membership, Notification
from ameliora.core.tests.factories import PDF_BYTES


@pytest.fixture(autouse=True)
def english() -> object:
    with translation.override("en"):
        yield


@pytest.fixture
def last_year(alice: Membership) -> Campaign:
    """A closed campaign with answers and comments, to start from."""
    campaign = make_campaign(alice, name="2025", start=date(2025, 1, 6))
    answer_all(campaign, alice, {"S1-01": "no", "S2-03": "partly"})
    Answer.objects.filter(campaign=campaign, criterion__code="S1-01").update(comment="Rien en place")
    services.close_campaign(campaign, acting=alice)
    return campaign


def test_a_campaign_started_from_the_previous_one_shows_the_baseline_and_resets_statuses(
    alice: Membership, last_year: Campaign
) -> None:
    campaign = make_campaign(alice, grid=last_year.grid, name="2026", previous=last_year, open_it=False)

    answers = {a.criterion.code: a for a in Answer.objects.filter(campaign=campaign).select_related("criterion")}
    assert len(answers) == 6
    assert {a.status for a in answers.values()} == {Answer.Status.TO_ANSWER}
    assert {a.value for a in answers.values()} == {""}
    assert answers["S1-01"].baseline_value == "no"
    assert answers["S1-01"].baseline_comment == "Rien en place"
    assert answers["S2-03"].baseline_value == "partly"


def test_the_previous_campaign_is_found_on_the_same_grid_key(alice: Membership, last_year: Campaign) -> None:
    assert services.previous_campaign_for(last_year.grid) == last_year
    other = make_grid(alice.organization, key="other")
    assert services.previous_campaign_for(other) is None


def test_a_campaign_from_scratch_has_no_baseline(alice: Membership, last_year: Campaign) -> None:
    campaign = make_campaign(alice, grid=last_year.grid, name="2026", open_it=False)

    assert set(Answer.objects.filter(campaign=campaign).values_list("baseline_value", flat=True)) == {""}


def test_criteria_for_other_kinds_of_organization_get_no_answer(alice: Membership) -> None:
    grid = make_grid(alice.organization)
    grid.criteria.filter(code="S1-01").update(kinds=["health_establishment"])

    campaign = make_campaign(alice, grid=grid)

    assert not Answer.objects.filter(campaign=campaign, criterion__code="S1-01").exists()


def test_the_state_machine_records_who_and_when_and_refuses_bad_moves(alice: Membership) -> None:
    campaign = make_campaign(alice, open_it=False)
    with pytest.raises(ValidationError, match="cannot be"):
        services.close_campaign(campaign, acting=alice)

    services.open_campaign(campaign, acting=alice)
    services.close_campaign(campaign, acting=alice)
    campaign.refresh_from_db()

    assert campaign.status == Campaign.Status.CLOSED
    assert campaign.opened_by == alice
    assert campaign.closed_by == alice
    assert campaign.closed_at is not None
    assert campaign.history.count() == 3
    with pytest.raises(ValidationError, match="cannot be"):
        services.open_campaign(campaign, acting=alice)


def test_a_closed_campaign_is_frozen(alice: Membership, last_year: Campaign) -> None:
    answer = Answer.objects.filter(campaign=last_year).select_related("criterion", "campaign__grid").first()
    assert answer is not None

    with pytest.raises(ValidationError, match="closed"):
        services.save_answer(answer, value="yes", comment="après coup", final=True, acting=alice)
    with pytest.raises(ValidationError, match="closed"):
        services.add_evidence(answer, upload=SimpleUploadedFile("preuve.pdf", PDF_BYTES), description="", acting=alice)
    with pytest.raises(ValidationError, match="closed"):
        services.set_respondent(last_year, membership=alice, sections=[], acting=alice)
    # Nor through the generic attachment form that any object's page offers.
    generic = reverse(
        "core:attachment_add",
        kwargs={
            "org_slug": alice.organization.slug,
            "content_type_id": ContentType.objects.get_for_model(Answer).pk,
            "object_id": answer.pk,
        },
    )
    client = Client()
    client.force_login(alice.user)
    client.post(generic, {"file": SimpleUploadedFile("preuve.pdf", PDF_BYTES, content_type="application/pdf")})

    answer.refresh_from_db()
    assert answer.comment != "après coup"
    assert not Attachment.objects.exists()


def test_a_closed_campaign_refuses_answers_through_the_page(
    alice: Membership, alice_client: Client, last_year: Campaign
) -> None:
    answer = Answer.objects.get(campaign=last_year, criterion__code="S1-02")

    response = alice_client.post(answer.get_absolute_url(), {f"a{answer.pk}-value": "yes", "action": "answer"})

    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.value == "yes"  # unchanged: answer_all gave it "yes" last year…
    assert answer.history.count() == 2  # …and no new history record was written


def test_respondents_answer_only_their_sections(alice: Membership, bob: Membership, bob_client: Client) -> None:
    campaign = make_campaign(alice)
    first = Section.objects.get(grid=campaign.grid, code="S1")
    services.set_respondent(campaign, membership=bob, sections=[first], acting=alice)
    mine = Answer.objects.get(campaign=campaign, criterion__code="S1-01")
    other = Answer.objects.get(campaign=campaign, criterion__code="S2-01")

    ok = bob_client.post(mine.get_absolute_url(), {f"a{mine.pk}-value": "partly", "action": "answer"})
    refused = bob_client.post(other.get_absolute_url(), {f"a{other.pk}-value": "yes", "action": "answer"})

    assert ok.status_code == 302
    assert refused.status_code == 403
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.value, mine.status, mine.answered_by) == ("partly", Answer.Status.ANSWERED, bob.user)
    assert other.status == Answer.Status.TO_ANSWER
    page = bob_client.get(f"{campaign.get_absolute_url()}answer/")
    assert b"S1-01" in page.content
    assert b"S2-01" not in page.content  # a respondent lands on their own sections


def test_a_member_who_is_not_a_respondent_cannot_answer(alice: Membership, bob: Membership) -> None:
    campaign = make_campaign(alice)
    answer = Answer.objects.filter(campaign=campaign).select_related("criterion", "campaign__grid").first()
    assert answer is not None

    with pytest.raises(ValidationError, match="not a respondent"):
        services.save_answer(answer, value="yes", comment="", final=True, acting=bob)


def test_opening_notifies_respondents_without_free_text(alice: Membership, bob: Membership) -> None:
    campaign = make_campaign(alice, open_it=False, name="Nom libre confidentiel")
    services.set_respondent(campaign, membership=bob, sections=[], acting=alice)

    services.open_campaign(campaign, acting=alice)

    notification = Notification.objects.get(recipient=bob.user)
    assert "confidentiel" not in notification.title
    assert str(campaign.pk) in notification.title


def test_a_draft_keeps_its_text_and_does_not_count(alice: Membership) -> None:
    campaign = make_campaign(alice)
    answer = Answer.objects.filter(campaign=campaign).select_related("criterion", "campaign__grid").first()
    assert answer is not None

    services.save_answer(answer, value="", comment="À vérifier avec Marc", final=False, acting=alice)

    answer.refresh_from_db()
    assert (answer.status, answer.comment) == (Answer.Status.DRAFT, "À vérifier avec Marc")
    assert campaign_results(campaign).overall.unanswered == 6


def test_a_mandatory_criterion_cannot_be_not_applicable(alice: Membership) -> None:
    campaign = make_campaign(alice)
    answer = Answer.objects.filter(campaign=campaign).select_related("criterion", "campaign__grid").first()
    assert answer is not None
    answer.criterion.mandatory = True
    answer.criterion.save(update_fields=["mandatory"])

    with pytest.raises(ValidationError, match="mandatory criterion cannot"):
        services.save_answer(answer, value="na", comment="", final=True, acting=alice)


def test_a_grid_used_by_a_campaign_is_locked(alice: Membership) -> None:
    campaign = make_campaign(alice)

    with pytest.raises(ValidationError, match="new version"):
        services.update_grid(campaign.grid, acting=alice, name="Autre nom")
