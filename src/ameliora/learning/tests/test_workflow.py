"""The situation's workflow: self-critique drafts and submission, debrief, both signatures, freezing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ameliora.core.models import Membership, Role
from ameliora.core.tests.factories import MembershipFactory
from ameliora.learning import services
from ameliora.learning.models import Competency, CompetencyRating, Debrief, LearningSituation, SelfCritique
from ameliora.learning.tests.factories import ANSWERS, make_situation

pytestmark = pytest.mark.django_db


def debriefed(lucas: Membership, anne: Membership) -> LearningSituation:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    services.save_self_critique(situation, acting=lucas, answers=ANSWERS, submit=True)
    services.save_debrief(
        situation,
        acting=anne,
        supervisor_view="Bon travail.",
        agreed_goals="Tenir le dossier de lot.",
        means="",
        debrief_date=None,
    )
    services.sign_debrief(situation, acting=anne)
    services.sign_debrief(situation, acting=lucas)
    situation.refresh_from_db()
    return situation


def test_drafts_are_kept_in_history_and_submission_needs_every_answer(lucas: Membership, anne: Membership) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    services.save_self_critique(situation, acting=lucas, answers={"knew": "Première version"})
    services.save_self_critique(situation, acting=lucas, answers={"knew": "Deuxième version"})

    with pytest.raises(ValidationError):
        services.save_self_critique(situation, acting=lucas, answers={"knew": "Incomplet"}, submit=True)

    critique = SelfCritique.objects.get(situation=situation)
    assert [h.knew for h in critique.history.order_by("history_date")][-2:] == ["Première version", "Deuxième version"]
    services.save_self_critique(situation, acting=lucas, answers=ANSWERS, submit=True)
    situation.refresh_from_db()
    assert situation.status == LearningSituation.Status.SUBMITTED


def test_only_the_learner_writes_the_self_critique(lucas: Membership, anne: Membership) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    with pytest.raises(PermissionDenied):
        services.save_self_critique(situation, acting=anne, answers=ANSWERS)


def test_a_submitted_self_critique_is_locked_until_sent_back(lucas: Membership, anne: Membership) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    services.save_self_critique(situation, acting=lucas, answers=ANSWERS, submit=True)
    with pytest.raises(ValidationError):
        services.save_self_critique(situation, acting=lucas, answers=ANSWERS)
    services.send_back(situation, acting=anne)
    services.save_self_critique(situation, acting=lucas, answers={**ANSWERS, "knew": "Corrigé"})
    assert SelfCritique.objects.get(situation=situation).knew == "Corrigé"


def test_the_debrief_waits_for_the_submission(lucas: Membership, anne: Membership) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    with pytest.raises(ValidationError):
        services.save_debrief(
            situation, acting=anne, supervisor_view="x", agreed_goals="y", means="", debrief_date=None
        )


def test_changing_the_debrief_clears_signatures_given_on_the_earlier_text(lucas: Membership, anne: Membership) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    services.save_self_critique(situation, acting=lucas, answers=ANSWERS, submit=True)
    services.save_debrief(situation, acting=anne, supervisor_view="A", agreed_goals="B", means="", debrief_date=None)
    services.sign_debrief(situation, acting=lucas)
    services.save_debrief(
        situation, acting=anne, supervisor_view="A modifié", agreed_goals="B", means="", debrief_date=None
    )
    assert Debrief.objects.get(situation=situation).learner_signed_at is None


def test_both_signatures_freeze_everything(lucas: Membership, anne: Membership, bob: Membership) -> None:
    situation = debriefed(lucas, anne)
    assert situation.status == LearningSituation.Status.DEBRIEFED
    debrief = Debrief.objects.get(situation=situation)
    assert debrief.learner_signed_by == lucas
    assert debrief.supervisor_signed_by == anne
    with pytest.raises(ValidationError):
        services.save_self_critique(situation, acting=lucas, answers=ANSWERS)
    with pytest.raises(ValidationError):
        services.save_debrief(
            situation, acting=anne, supervisor_view="x", agreed_goals="y", means="", debrief_date=None
        )
    with pytest.raises(ValidationError):
        services.rate_competencies(situation, acting=lucas, rater=CompetencyRating.Rater.SELF, levels={})
    with pytest.raises(ValidationError):
        services.send_back(situation, acting=anne)


def test_a_colleague_cannot_sign(lucas: Membership, anne: Membership, bob: Membership) -> None:
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    services.save_self_critique(situation, acting=lucas, answers=ANSWERS, submit=True)
    services.save_debrief(situation, acting=anne, supervisor_view="A", agreed_goals="B", means="", debrief_date=None)
    with pytest.raises(ValidationError):
        services.sign_debrief(situation, acting=bob)


def test_ratings_by_learner_and_supervisor(lucas: Membership, anne: Membership) -> None:
    services.install_framework(organization=lucas.organization, acting=None)
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    first = Competency.objects.for_org(lucas.organization).first()
    assert first is not None
    services.rate_competencies(situation, acting=lucas, rater=CompetencyRating.Rater.SELF, levels={first.pk: 4})
    services.rate_competencies(situation, acting=anne, rater=CompetencyRating.Rater.SUPERVISOR, levels={first.pk: 2})
    with pytest.raises(PermissionDenied):
        services.rate_competencies(
            situation, acting=lucas, rater=CompetencyRating.Rater.SUPERVISOR, levels={first.pk: 4}
        )
    levels = dict(CompetencyRating.objects.filter(situation=situation).values_list("rater", "level"))
    assert levels == {"self": 4, "supervisor": 2}


def test_the_supervisor_is_someone_who_may_supervise_and_not_the_learner(
    lucas: Membership, anne: Membership, bob: Membership
) -> None:
    with pytest.raises(ValidationError) as own:
        services.create_situation(acting=lucas, learner=lucas, supervisor=lucas, title="Seul")
    assert "supervisor" in own.value.message_dict
    with pytest.raises(ValidationError) as colleague:
        services.create_situation(acting=lucas, learner=lucas, supervisor=bob, title="Avec un collègue")
    assert "supervisor" in colleague.value.message_dict
    situation = services.create_situation(acting=lucas, learner=lucas, supervisor=anne, title="Avec Anne")
    with pytest.raises(ValidationError):
        services.update_situation(
            situation,
            acting=lucas,
            title=situation.title,
            supervisor=lucas,
            context="",
            period_start=None,
            period_end=None,
            campaign=None,
            plans=[],
        )


def test_a_learner_opens_only_their_own_situations(lucas: Membership, anne: Membership, bob: Membership) -> None:
    with pytest.raises(PermissionDenied):
        services.create_situation(acting=lucas, learner=bob, supervisor=anne, title="Pour Bob")


def test_each_step_tells_the_other_party_with_a_title_free_of_typed_text(lucas: Membership, anne: Membership) -> None:
    from ameliora.core.models import Notification

    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne, title="Titre saisi confidentiel")
    services.save_self_critique(situation, acting=lucas, answers=ANSWERS, submit=True)
    services.save_debrief(situation, acting=anne, supervisor_view="A", agreed_goals="B", means="", debrief_date=None)
    services.sign_debrief(situation, acting=anne)

    to_anne = Notification.objects.filter(recipient=anne.user)
    to_lucas = Notification.objects.filter(recipient=lucas.user)
    assert to_anne.count() == 1
    assert to_lucas.count() == 1
    assert to_lucas.get().url == situation.get_absolute_url()
    assert not Notification.objects.filter(title__contains="confidentiel").exists()


def test_a_new_supervisor_clears_the_signatures_given(lucas: Membership, anne: Membership) -> None:
    marc = MembershipFactory.create(organization=lucas.organization, roles=[Role.QUALITY_MANAGER])
    situation = make_situation(lucas.organization, learner=lucas, supervisor=anne)
    services.save_self_critique(situation, acting=lucas, answers=ANSWERS, submit=True)
    services.save_debrief(situation, acting=anne, supervisor_view="A", agreed_goals="B", means="", debrief_date=None)
    services.sign_debrief(situation, acting=anne)
    services.update_situation(
        situation,
        acting=lucas,
        title=situation.title,
        supervisor=marc,
        context="",
        period_start=None,
        period_end=None,
        campaign=None,
        plans=[],
    )
    assert Debrief.objects.get(situation=situation).supervisor_signed_at is None
