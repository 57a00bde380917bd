"""Satisfaction surveys: questionnaires (sections, questions, choices), campaigns, responses, answers.

A :class:`Questionnaire` belongs to one organization (built-in templates are copied into it). A
:class:`Campaign` runs it over a period behind an unguessable public key; it moves draft → open →
closed (declared once in :attr:`Campaign.TRANSITIONS`) and a closed campaign is frozen. A
:class:`Response` is one filled questionnaire (public link or typed in from paper), its
:class:`Answer` rows hold one value each (a multiple-choice question has one row per ticked choice).

Nothing identifies a public respondent: no account, no IP address, no user agent. "One answer per
device" is a signed cookie, which a respondent can clear: it is a courtesy, not a guarantee.

Answers are compared through *tokens* (:meth:`Answer.token`): the choice label, ``yes``/``no``, or
the number. A question's condition says "show me only if that question's answer includes this
token"; tokens survive the copy of a template into an organization (no primary keys involved).
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ameliora.core.dates import check_plausible_date
from ameliora.core.models import Membership, Organization, OrgQuerySet

CAMPAIGN_FROZEN = _("This campaign is closed: its answers are frozen.")
QUESTIONNAIRE_LOCKED = _(
    "This questionnaire is used by a campaign that has started: make a copy to change its questions."
)
NOT_PUBLISHED = _("Publish the questionnaire before opening a campaign.")
NO_QUESTIONS = _("Add at least one question before publishing.")
PERIOD_IN_ORDER = _("The end of the period cannot be before its start.")
MIN_ABOVE_MAX = _("The minimum cannot be above the maximum.")
CONDITION_SAME_QUESTIONNAIRE = _("The condition must name an earlier question of the same questionnaire.")
CONDITION_VALUE_UNKNOWN = _("This answer is not one the condition question can receive.")

LIKERT_LABELS: dict[int, Any] = {
    1: _("Strongly disagree"),
    2: _("Disagree"),
    3: _("Neither agree nor disagree"),
    4: _("Agree"),
    5: _("Strongly agree"),
}
YES_NO_LABELS: dict[str, Any] = {"yes": _("Yes"), "no": _("No")}


def new_public_key() -> str:
    return secrets.token_urlsafe(24)


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown at the top of the public page: why you ask, how long it takes."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    template_key = models.CharField(_("copied from template"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Questionnaire]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "surveys:questionnaire_detail",
            kwargs={"org_slug": self.organization.slug, "questionnaire_id": self.pk},
        )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def is_locked(self) -> bool:
        """Questions no longer change once a campaign has collected (or may collect) answers."""
        return self.campaigns.exclude(status=Campaign.Status.DRAFT).exists()


class Section(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Section]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        LIKERT = "likert", _("Agreement scale (5 points)")
        NPS = "nps", _("Recommendation 0–10 (NPS)")
        YES_NO = "yes_no", _("Yes / no")
        NUMBER = "number", _("Number")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")

    CHOICE_KINDS: ClassVar[frozenset[str]] = frozenset({Kind.SINGLE, Kind.MULTIPLE})
    TEXT_KINDS: ClassVar[frozenset[str]] = frozenset({Kind.SHORT_TEXT, Kind.LONG_TEXT})
    TEXT_LIMITS: ClassVar[dict[str, int]] = {Kind.SHORT_TEXT: 200, Kind.LONG_TEXT: 5000}

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("section"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    min_value = models.IntegerField(_("minimum"), null=True, blank=True)
    max_value = models.IntegerField(_("maximum"), null=True, blank=True)
    condition_question = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("show only if the question"),
    )
    condition_value = models.CharField(_("has the answer"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Question]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="survey_question_min_le_max",
                violation_error_message=MIN_ABOVE_MAX,
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in self.TEXT_KINDS

    @property
    def text_limit(self) -> int:
        return self.TEXT_LIMITS.get(self.kind, 0)

    def token_options(self, choices: list[Choice] | None = None) -> list[tuple[str, str]]:
        """(token, label) of every answer this question can receive; empty for numbers and texts."""
        if self.kind in self.CHOICE_KINDS:
            items = choices if choices is not None else list(self.choices.all())
            return [(choice.label, choice.label) for choice in items]
        if self.kind == self.Kind.LIKERT:
            return [(str(value), str(label)) for value, label in LIKERT_LABELS.items()]
        if self.kind == self.Kind.NPS:
            return [(str(value), str(value)) for value in range(11)]
        if self.kind == self.Kind.YES_NO:
            return [(value, str(label)) for value, label in YES_NO_LABELS.items()]
        return []

    def condition_label(self) -> str:
        """The expected answer of the condition, as the respondent reads it ("Oui", "Plutôt d'accord")."""
        condition = self.condition_question
        if condition is None:
            return ""
        if condition.kind in self.CHOICE_KINDS:
            return self.condition_value  # a choice's token is its label
        return dict(condition.token_options()).get(self.condition_value, self.condition_value)

    def clean(self) -> None:
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError({"max_value": MIN_ABOVE_MAX})


class Choice(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Choice]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position", "pk"]
        constraints = [
            # Labels are the tokens conditions compare with: unique within a question.
            models.UniqueConstraint(fields=["question", "label"], name="survey_choice_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label


class Campaign(models.Model):
    """One run of a questionnaire over a period, behind a public link. Closed means frozen."""

    class Status(models.TextChoices):
        # Labels of their own rather than the shared "Open"/"Closed": "campagne" is feminine in French.
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed to answers")

    # action → (states it may start from, state it leads to). The only place transitions are declared.
    TRANSITIONS: ClassVar[dict[str, tuple[frozenset[str], str]]] = {
        "open": (frozenset({Status.DRAFT}), Status.OPEN),
        "close": (frozenset({Status.OPEN}), Status.CLOSED),
    }
    REFUSALS: ClassVar[dict[str, Any]] = {
        "open": _("Only a draft campaign can be opened."),
        "close": _("Only an open campaign can be closed."),
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("questionnaire")
    )
    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("period start"), validators=[check_plausible_date])
    period_end = models.DateField(_("period end"), validators=[check_plausible_date])
    audience = models.CharField(
        _("audience"), max_length=300, blank=True, help_text=_("Who is asked, e.g. “patients seen in consultation”.")
    )
    audience_size = models.PositiveIntegerField(
        _("audience size"), null=True, blank=True, help_text=_("If known, the response rate is computed.")
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_(
            "Ticked, no name is asked. Unticked, the public form asks for an optional name, shown only to "
            "the survey's managers. No IP address is ever stored."
        ),
    )
    public_key = models.CharField(max_length=64, unique=True, default=new_public_key, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Campaign]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="survey_campaign_period_in_order",
                violation_error_message=PERIOD_IN_ORDER,
            ),
        ]
        indexes = [
            # "The previous campaign of the same questionnaire": campaigns by questionnaire, latest first.
            models.Index(fields=["organization", "questionnaire", "period_start"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "surveys:campaign_detail", kwargs={"org_slug": self.organization.slug, "survey_campaign_id": self.pk}
        )

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": PERIOD_IN_ORDER})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.CLOSED

    def allows(self, action: str) -> bool:
        allowed_from, _target = self.TRANSITIONS[action]
        return self.status in allowed_from

    def _move(self, action: str) -> list[str]:
        if not self.allows(action):
            raise ValidationError(self.REFUSALS[action], code="transition")
        self.status = self.TRANSITIONS[action][1]
        return ["status"]

    def period_refusal(self, today: date) -> str:
        """``"before"`` or ``"after"`` when ``today`` is outside the period, else ``""``.

        Public answers are taken only within the period; an open campaign past its end is closed by
        the daily reminders (see :mod:`ameliora.surveys.reminders`).
        """
        if today < self.period_start:
            return "before"
        if today > self.period_end:
            return "after"
        return ""

    def open(self, *, by: Membership) -> list[str]:
        fields = self._move("open")
        self.opened_by = by
        self.opened_at = timezone.now()
        return [*fields, "opened_by", "opened_at"]

    def close(self, *, by: Membership | None) -> list[str]:
        """Close to answers; ``by`` is None when the daily job closes a campaign past its end."""
        fields = self._move("close")
        self.closed_by = by
        self.closed_at = timezone.now()
        return [*fields, "closed_by", "closed_at"]


class Response(models.Model):
    """One filled questionnaire. Nothing about the respondent's device or address is kept."""

    class Mode(models.TextChoices):
        PUBLIC = "public", _("Public link")
        PAPER = "paper", _("Paper, typed in")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.PUBLIC)
    entered_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("typed in by")
    )
    # Only on a campaign that is not anonymous, and only if the respondent chose to give it; shown to
    # the survey's managers only (results), never in the export or the API.
    respondent_name = models.CharField(_("respondent's name"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Response]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            # Computed sources: responses of an organization submitted within a period.
            models.Index(fields=["organization", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk}"


class Answer(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(
        Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="answers", verbose_name=_("choice")
    )
    number = models.DecimalField(_("number"), max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    # A free text that names someone is hidden from the results (and the export); history keeps who and when.
    hidden_identifying = models.BooleanField(_("contains identifying data"), default=False)
    hidden_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("hidden by")
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[OrgQuerySet[Answer]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["pk"]
        indexes = [
            # Results: every answer to one question (per campaign through the response).
            models.Index(fields=["question", "response"]),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.token()}"

    def token(self) -> str:
        """The value conditions compare with (see the module docstring)."""
        if self.choice_id is not None:
            return self.choice.label if self.choice else ""
        if self.number is not None:
            return format_number(self.number)
        return self.text


def format_number(value: Decimal) -> str:
    """``Decimal("4.00")`` → ``"4"``, ``Decimal("3.50")`` → ``"3.5"``: the token form of a number."""
    return format(value.normalize(), "f")


class SurveyExport(models.Model):
    """What a background export job must produce (the core ``Job`` carries no parameters).

    A delivery record like ``Job`` itself: no history.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=True)
    job = models.OneToOneField("core.Job", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")

    objects: ClassVar[OrgQuerySet[SurveyExport]] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"{self.campaign} (XLSX)"
