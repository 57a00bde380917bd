"""Pages through HTTP: answering with and without htmx, errors, query bounds, permissions, API."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ameliora.assessments.models import Answer, Campaign, Grid
from ameliora.assessments.tests.factories import answer_all, make_campaign, make_grid
from ameliora.core.models import Attachment, Membership
from ameliora.core.tests.factories import PDF_BYTES

GRID_WITH_ERRORS = """
key: broken
name: Cassée
version: "1"
answer_scale: yes_partly_no
sections:
  - code: A
    title: Une
    criteria:
      - {code: A-1, statement: Un, answer_scale: maybe}
      - {code: A-1}
"""


def url(name: str, org: str, **kwargs: int) -> str:
    return reverse(f"assessments:{name}", kwargs={"org_slug": org, **kwargs})


def test_the_home_lists_campaigns(alice: Membership, alice_client: Client) -> None:
    make_campaign(alice, name="Campagne annuelle")

    response = alice_client.get(url("home", alice.organization.slug))

    assert response.status_code == 200
    assert "Campagne annuelle" in response.content.decode()


def test_answering_with_htmx_returns_the_card_only(alice: Membership, alice_client: Client) -> None:
    campaign = make_campaign(alice)
    answer = Answer.objects.filter(campaign=campaign).first()
    assert answer is not None

    response = alice_client.post(
        answer.get_absolute_url(),
        {f"a{answer.pk}-value": "partly", f"a{answer.pk}-comment": "Fait à moitié", "action": "answer"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<article")
    assert f'id="criterion-{answer.pk}"' in body
    answer.refresh_from_db()
    assert (answer.value, answer.comment, answer.status) == ("partly", "Fait à moitié", Answer.Status.ANSWERED)


def test_answering_without_javascript_redirects_back_to_the_criterion(alice: Membership, alice_client: Client) -> None:
    campaign = make_campaign(alice)
    answer = Answer.objects.filter(campaign=campaign).first()
    assert answer is not None

    response = alice_client.post(
        answer.get_absolute_url(), {f"a{answer.pk}-value": "yes", "action": "answer", "next": "answer_page"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#criterion-{answer.pk}")


def test_saving_without_an_answer_keeps_the_comment_and_answers_422(alice: Membership, alice_client: Client) -> None:
    campaign = make_campaign(alice)
    answer = Answer.objects.filter(campaign=campaign).first()
    assert answer is not None

    response = alice_client.post(
        answer.get_absolute_url(),
        {f"a{answer.pk}-comment": "Mon brouillon précieux", "action": "answer"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "Mon brouillon précieux" in response.content.decode()


def test_save_as_draft_keeps_the_text(alice: Membership, alice_client: Client) -> None:
    campaign = make_campaign(alice)
    answer = Answer.objects.filter(campaign=campaign).first()
    assert answer is not None

    alice_client.post(answer.get_absolute_url(), {f"a{answer.pk}-comment": "À finir", "action": "draft"})

    answer.refresh_from_db()
    assert (answer.status, answer.comment) == (Answer.Status.DRAFT, "À finir")


def test_evidence_is_attached_to_the_answer(alice: Membership, alice_client: Client) -> None:
    campaign = make_campaign(alice)
    answer = Answer.objects.filter(campaign=campaign).first()
    assert answer is not None

    alice_client.post(
        url("evidence_add", alice.organization.slug, campaign_id=campaign.pk, answer_id=answer.pk),
        {"file": SimpleUploadedFile("releves.pdf", PDF_BYTES), "description": "Relevés"},
    )

    attachment = Attachment.objects.get()
    assert attachment.content_object == answer
    assert "releves.pdf" in alice_client.get(answer.get_absolute_url()).content.decode()


def _grid_of(alice: Membership, size: int) -> Campaign:
    grid = make_grid(alice.organization, key=f"size-{size}", sections=4, per_section=size // 4)
    campaign = make_campaign(alice, grid=grid, name=f"Taille {size}")
    answer_all(campaign, alice, {}, default="partly")
    return campaign


def test_the_answer_page_query_count_does_not_grow_with_the_grid(
    alice: Membership, alice_client: Client, django_assert_max_num_queries: object
) -> None:
    small, large = _grid_of(alice, 40), _grid_of(alice, 120)
    counts = []
    for campaign in (small, large):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get(url("campaign_answer", alice.organization.slug, campaign_id=campaign.pk))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        alice_client.get(url("campaign_answer", alice.organization.slug, campaign_id=large.pk))


def test_the_results_page_query_count_does_not_grow_with_the_grid(alice: Membership, alice_client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for campaign in (_grid_of(alice, 40), _grid_of(alice, 120)):
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get(url("campaign_results", alice.organization.slug, campaign_id=campaign.pk))
        assert response.status_code == 200
        assert "<svg" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_grid_file_with_errors_is_rejected_with_every_error(alice: Membership, alice_client: Client) -> None:
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = alice_client.post(
        url("grid_list", alice.organization.slug),
        {"file": SimpleUploadedFile("grille.yaml", GRID_WITH_ERRORS.encode())},
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "sections[0].criteria[0].answer_scale: unknown value &#x27;maybe&#x27;" in body
    assert "sections[0].criteria[1].statement: missing required key" in body
    assert "sections[0].criteria[1].code: duplicate code &#x27;A-1&#x27;" in body
    assert not Grid.objects.exists()


def test_a_built_in_grid_is_installed_from_the_list(alice: Membership, alice_client: Client) -> None:
    response = alice_client.post(
        url("grid_list", alice.organization.slug), {"builtin": "1", "key": "dqo-officine@2026.1"}
    )

    grid = Grid.objects.get(key="dqo-officine")
    assert response.status_code == 302
    assert grid.organization == alice.organization
    assert grid.criteria.count() == 40


def test_a_grid_exports_as_yaml(alice: Membership, alice_client: Client) -> None:
    grid = make_grid(alice.organization)

    response = alice_client.get(url("grid_export", alice.organization.slug, grid_id=grid.pk))

    assert response.status_code == 200
    assert "S1-01" in response.content.decode()


def test_a_plain_member_cannot_manage(alice: Membership, bob_client: Client) -> None:
    campaign = make_campaign(alice, open_it=False)
    org = alice.organization.slug

    assert bob_client.get(url("campaign_detail", org, campaign_id=campaign.pk)).status_code == 200
    assert bob_client.post(url("campaign_open", org, campaign_id=campaign.pk)).status_code == 403
    assert bob_client.get(url("campaign_create", org)).status_code == 403
    assert bob_client.post(url("grid_list", org), {"builtin": "1", "key": "dqo-officine@2026.1"}).status_code == 403


def test_another_organization_gets_404(alice: Membership, charlie: Membership, charlie_client: Client) -> None:
    campaign = make_campaign(alice)
    answer = Answer.objects.filter(campaign=campaign).first()
    assert answer is not None

    # Charlie's own slug, alice's ids: the lookup refuses.
    assert charlie_client.get(url("campaign_results", "coteaux", campaign_id=campaign.pk)).status_code == 404
    assert charlie_client.get(url("grid_detail", "coteaux", grid_id=campaign.grid_id)).status_code == 404
    assert (
        charlie_client.get(url("answer_detail", "coteaux", campaign_id=campaign.pk, answer_id=answer.pk)).status_code
        == 404
    )
    # Alice's slug: the middleware refuses.
    assert charlie_client.get(url("home", alice.organization.slug)).status_code == 404
    api = charlie_client.get(f"/api/v1/o/coteaux/assessments/campaigns/{campaign.pk}")
    assert api.status_code == 404
    assert api.json() == {"message": "Introuvable."}


def test_the_api_lists_campaigns_with_scores(alice: Membership, alice_client: Client) -> None:
    campaign = make_campaign(alice)
    answer_all(campaign, alice, {"S1-01": "no"})

    listing = alice_client.get(f"/api/v1/o/{alice.organization.slug}/assessments/campaigns").json()
    detail = alice_client.get(f"/api/v1/o/{alice.organization.slug}/assessments/campaigns/{campaign.pk}").json()

    assert listing["count"] == 1
    assert round(listing["items"][0]["score"]["percent"], 1) == 83.3
    assert [s["code"] for s in detail["sections"]] == ["S1", "S2"]
    assert detail["weaknesses"] == ["S1-01"]


def test_closing_through_the_page_freezes_and_shows_results(alice: Membership, alice_client: Client) -> None:
    campaign = make_campaign(alice)

    response = alice_client.post(url("campaign_close", alice.organization.slug, campaign_id=campaign.pk))

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    page = alice_client.get(url("campaign_answer", alice.organization.slug, campaign_id=campaign.pk))
    assert "hx-post" not in page.content.decode()
