"""Forms of the events pages. They validate; services act. A refused form keeps everything typed."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core.dates import PlausibleDateField, PlausibleDateTimeField
from ameliora.core.forms import MemberSelectField, members_of
from ameliora.core.models import Membership, Organization, Unit
from ameliora.core.scales import Likelihood, Severity
from ameliora.core.uploads import validate_upload
from ameliora.events.models import (
    COMPLEX_CASE_CRITERIA,
    SUGGESTED_VIGILANCES,
    Actuality,
    Affected,
    Decision,
    EventCategory,
    FactorFamily,
    LibraryAudience,
    RexLevel,
    Vigilance,
)
from ameliora.events.services import Declaration, handlers_of
from ameliora.plans.models import ActionPlan

TEXT_MAX = 10_000
TEXT_TOO_LONG = _(
    "This text has %(length)s characters; the limit is %(limit)s. Shorten it: what you typed is still here."
)
DESCRIPTION_REQUIRED = _("Describe what happened, in a few factual words.")
DATE_IN_FUTURE = _("This date is in the future: an event can only be declared once it has happened.")
DATE_BEFORE_EVENT = _("This date is before the event itself.")
CONTACT_REQUIRED = _("Leave a phone number so that the cell can call you back, or choose to stay anonymous.")
CHARTER_REQUIRED = _("Please read and accept the confidentiality charter.")
CODE_REQUIRED = _("Type the tracking code you were given.")
MESSAGE_REQUIRED = _("Write your message.")
PUBLIC_MAX_FILES = 3
TOO_MANY_FILES = _("Attach at most %(limit)s files.")
FILES_NOT_KEPT = _(
    "For your safety, a browser cannot keep chosen files on a page sent back: select your files again "
    "before sending. Everything you typed is still here."
)
# A little slack for clocks that disagree by a few minutes.
FUTURE_TOLERANCE = timedelta(minutes=10)


class LongText(forms.CharField):
    """Free text with a generous limit, checked on the server with a clear message.

    No ``maxlength`` attribute: a browser would silently cut a pasted text, and the reporter would
    lose the end without knowing.
    """

    def __init__(self, *, rows: int = 4, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and len(value) > TEXT_MAX:
            raise forms.ValidationError(
                TEXT_TOO_LONG, code="too_long", params={"length": len(value), "limit": TEXT_MAX}
            )


def check_past_datetime(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise forms.ValidationError(DATE_IN_FUTURE, code="future")
    return value


def check_past_date(value: date | None) -> date | None:
    if value is None:
        return None
    if value > timezone.localdate():
        raise forms.ValidationError(DATE_IN_FUTURE, code="future")
    return value


class _DeclarationFields(forms.Form):
    occurred_at = PlausibleDateTimeField(label=_("When did it happen?"))
    category = forms.ModelChoiceField(label=_("Category"), queryset=EventCategory.objects.none(), required=False)
    affected = forms.ChoiceField(
        label=_("Who was affected?"), choices=Affected.choices, initial=Affected.NONE, widget=forms.RadioSelect
    )
    actuality = forms.ChoiceField(
        label=_("Did it happen?"), choices=Actuality.choices, initial=Actuality.ACTUAL, widget=forms.RadioSelect
    )
    description = LongText(
        label=_("What happened?"),
        rows=5,
        required=True,
        error_messages={"required": DESCRIPTION_REQUIRED},
        help_text=_("Facts only, in order. No name of patient or colleague: write “the patient”, “a nurse”."),
    )
    immediate_measures = LongText(label=_("Immediate measures taken"))
    consequences = LongText(label=_("Consequences"))
    reporter_severity = forms.TypedChoiceField(
        label=_("How serious do you think it is?"),
        choices=[("", _("I don't know")), *Severity.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    is_serious = forms.BooleanField(
        label=_("Serious event associated with care (EIGS): death, life-threatening, or probable permanent harm"),
        required=False,
    )
    vigilances = forms.MultipleChoiceField(
        label=_("May also concern a regulatory vigilance"),
        choices=Vigilance.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    publication_consent = forms.BooleanField(
        label=_("I agree that a de-identified summary of this case may be shared with the team as a lesson learned"),
        required=False,
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        category = cast(forms.ModelChoiceField, self.fields["category"])  # type: ignore[type-arg]
        category.queryset = EventCategory.objects.for_org(organization).filter(active=True)
        # For static/events/vigilances.js, which pre-ticks the vigilances the category suggests.
        suggested = category.queryset.filter(code__in=SUGGESTED_VIGILANCES).values_list("pk", "code")
        category.widget.attrs["data-vigilances"] = json.dumps(
            {str(pk): [str(v) for v in SUGGESTED_VIGILANCES[code]] for pk, code in suggested}
        )

    def clean_occurred_at(self) -> datetime | None:
        return check_past_datetime(self.cleaned_data.get("occurred_at"))

    def declaration(self) -> Declaration:
        data = self.cleaned_data
        return Declaration(
            occurred_at=data["occurred_at"],
            description=data["description"],
            category=data.get("category"),
            unit=data.get("unit"),
            affected=data["affected"],
            actuality=data["actuality"],
            immediate_measures=data.get("immediate_measures", ""),
            consequences=data.get("consequences", ""),
            reporter_severity=data.get("reporter_severity"),
            reporter_profession=data.get("reporter_profession", ""),
            is_serious=bool(data.get("is_serious")),
            publication_consent=bool(data.get("publication_consent")),
            vigilances=list(data.get("vigilances") or []),
        )


class DeclarationForm(_DeclarationFields):
    """A member's declaration: the public one plus the unit and an attached file."""

    field_order = ["occurred_at", "unit", "category"]

    unit = forms.ModelChoiceField(label=_("Where (unit)"), queryset=Unit.objects.none(), required=False)
    attachment = forms.FileField(
        label=_("Attach a file (photo, document)"),
        required=False,
        help_text=_("Check that no patient can be identified on it."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, organization=organization, **kwargs)
        if organization.kind == Organization.Kind.CPTS:
            del self.fields["unit"]  # a CPTS's units are its own teams, not where the case happened
            return
        unit = cast(forms.ModelChoiceField, self.fields["unit"])  # type: ignore[type-arg]
        unit.queryset = Unit.objects.for_org(organization)
        self.order_fields(["occurred_at", "unit", "category"])

    def clean_attachment(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("attachment")
        if upload is not None:
            validate_upload(upload)  # raises ValidationError with the core's clear message
            upload.seek(0)
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the core (size, extension, real content)."""

    def __init__(self, *args: Any, max_files: int, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if len(uploads) > self.max_files:
            raise forms.ValidationError(TOO_MANY_FILES, code="too_many", params={"limit": self.max_files})
        errors: list[forms.ValidationError] = []
        for upload in uploads:
            try:
                super().clean(upload, initial)
                validate_upload(upload)
            except forms.ValidationError as exc:
                errors.append(forms.ValidationError(f"{upload.name}: {' '.join(exc.messages)}", code=exc.code))
            upload.seek(0)
        if errors:
            raise forms.ValidationError(errors)
        return uploads


class PublicDeclarationForm(_DeclarationFields):
    """The declaration of someone without an account: anonymous, or with call-back details.

    The unit is asked only when the organization has units and is no CPTS (whose units are its own teams,
    not places of care); up to three files may be attached.
    """

    STAY_ANONYMOUS = "anonymous"
    CALL_ME = "call_me"

    unit = forms.ModelChoiceField(label=_("Where (unit)"), queryset=Unit.objects.none(), required=False)
    attachments = MultipleFileField(
        label=_("Attach files (photo, document)"),
        max_files=PUBLIC_MAX_FILES,
        help_text=_("Up to 3 files. Check that no patient and no colleague can be identified on them."),
    )

    charter_accepted = forms.BooleanField(
        label=_("I have read the confidentiality charter"),
        error_messages={"required": CHARTER_REQUIRED},
    )
    contact_choice = forms.ChoiceField(
        label=_("Do you want to be called back?"),
        choices=[
            (STAY_ANONYMOUS, _("No, I stay anonymous (I will follow up with my tracking code)")),
            (CALL_ME, _("Yes, call me back")),
        ],
        initial=STAY_ANONYMOUS,
        widget=forms.RadioSelect,
    )
    reporter_profession = forms.CharField(
        label=_("Your profession (optional)"),
        max_length=120,
        required=False,
        help_text=_("For example: nurse, physiotherapist, pharmacist. It helps the cell understand the situation."),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    contact_phone = forms.CharField(label=_("Your phone number"), max_length=40, required=False)
    contact_best_time = forms.CharField(
        label=_("When can we reach you?"), max_length=150, required=False, help_text=_("For example: weekdays 1–2 pm.")
    )
    # Honeypot: hidden from people by CSS, filled in by robots. Out of the tab order and of autofill, so
    # that neither a keyboard nor a screen reader user lands in it (RGAA 7.1, WCAG 4.1.2).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, organization=organization, **kwargs)
        units = Unit.objects.for_org(organization)
        if units.exists() and organization.kind != Organization.Kind.CPTS:
            cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units  # type: ignore[type-arg]
            self.order_fields(["occurred_at", "unit", "category"])
        else:
            del self.fields["unit"]

    files_lost_message = FILES_NOT_KEPT

    @property
    def files_lost(self) -> bool:
        """Files were sent, yet this form is shown again: the browser will not send them a second time."""
        return bool(self.files)

    def uploads(self) -> list[UploadedFile]:
        return list(self.cleaned_data.get("attachments") or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact_choice") == self.CALL_ME and not (data.get("contact_phone") or "").strip():
            self.add_error("contact_phone", CONTACT_REQUIRED)
        return data

    @property
    def is_robot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def contact(self) -> dict[str, str]:
        if self.cleaned_data.get("contact_choice") != self.CALL_ME:
            return {}  # anonymous: whatever was typed in the contact fields is dropped, not stored
        return {
            "contact_name": self.cleaned_data.get("contact_name", ""),
            "contact_phone": self.cleaned_data.get("contact_phone", ""),
            "contact_best_time": self.cleaned_data.get("contact_best_time", ""),
        }


class TriageForm(forms.Form):
    severity = forms.TypedChoiceField(label=_("Severity"), choices=Severity.choices, coerce=int)
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood"),
        choices=Likelihood.choices,
        coerce=int,
        help_text=_("How likely is it to happen again?"),
    )
    handler = MemberSelectField(label=_("Handler"), queryset=Membership.objects.none(), required=False)
    level = forms.TypedChoiceField(
        label=_("REX level"), choices=RexLevel.choices, coerce=int, widget=forms.RadioSelect, required=False
    )
    oriented_to = forms.CharField(
        label=_("Oriented to (level 2)"),
        max_length=200,
        required=False,
        help_text=_(
            "The professional or structure the reporter is oriented to, e.g. “the CPTS occupational therapist”."
        ),
    )

    def __init__(self, *args: Any, organization: Organization, rex_levels: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(MemberSelectField, self.fields["handler"]).queryset = handlers_of(organization)
        if rex_levels:
            self.fields["level"].required = True
            for name, label, help_text in COMPLEX_CASE_CRITERIA:
                self.fields[name] = forms.BooleanField(label=label, help_text=help_text, required=False)
        else:
            del self.fields["level"]
            del self.fields["oriented_to"]

    def criteria(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name, _label, _help in COMPLEX_CASE_CRITERIA}


class HandlerForm(forms.Form):
    handler = MemberSelectField(label=_("Handler"), queryset=Membership.objects.none(), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(MemberSelectField, self.fields["handler"]).queryset = handlers_of(organization)


class RejectForm(forms.Form):
    reason = LongText(label=_("Why is it not retained?"), rows=2, required=True)


class CheckBackForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label=_("Is the problem resolved?"),
        choices=[("yes", _("Yes, resolved")), ("no", _("No, not resolved"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = LongText(label=_("What the professional said"), rows=2)


class RegulatoryForm(forms.Form):
    is_serious = forms.BooleanField(label=_("Serious event associated with care (EIGS)"), required=False)
    ars_part1_sent_on = PlausibleDateField(label=_("Part 1 sent to the ARS on"), required=False)
    ars_part2_sent_on = PlausibleDateField(label=_("Part 2 sent to the ARS on"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in Vigilance.choices:
            self.fields[f"vig_{code}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"vig_{code}_on"] = PlausibleDateField(label=_("reported on"), required=False)

    def vigilance_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"vig_{code}"], self[f"vig_{code}_on"]) for code in Vigilance.values]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ["ars_part1_sent_on", "ars_part2_sent_on", *[f"vig_{c}_on" for c in Vigilance.values]]:
            try:
                check_past_date(data.get(name))
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        return data

    def vigilance_dates(self) -> dict[str, date | None]:
        return {
            code: self.cleaned_data.get(f"vig_{code}_on")
            for code in Vigilance.values
            if self.cleaned_data.get(f"vig_{code}")
        }


class TimelineForm(forms.Form):
    happened_at = PlausibleDateTimeField(label=_("When"))
    description = LongText(label=_("Fact"), rows=2, required=True)

    def clean_happened_at(self) -> datetime | None:
        return check_past_datetime(self.cleaned_data.get("happened_at"))


class FactorForm(forms.Form):
    family = forms.ChoiceField(label=_("Family (ALARM)"), choices=FactorFamily.choices)
    description = forms.CharField(label=_("Factor"), max_length=300)
    note = LongText(label=_("Notes"), rows=2)
    is_root = forms.BooleanField(label=_("Root cause"), required=False)


class LessonsForm(forms.Form):
    lessons = LongText(label=_("What we learned"), rows=4)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Kind.choices, widget=forms.RadioSelect, initial=Decision.Kind.ACTION
    )
    text = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = MemberSelectField(label=_("Owner"), queryset=Membership.objects.none(), required=False)
    due_on = PlausibleDateField(label=_("Due on"), required=False)
    reason = LongText(label=_("Reason (required for “no action”)"), rows=2)
    plan = forms.ModelChoiceField(
        label=_("Action plan"),
        queryset=ActionPlan.objects.none(),
        required=False,
        empty_label=_("The adverse-events plan of the year (created if needed)"),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(MemberSelectField, self.fields["owner"]).queryset = members_of(organization)
        plans = ActionPlan.objects.for_org(organization).open().order_by("-created_at")
        cast(forms.ModelChoiceField, self.fields["plan"]).queryset = plans  # type: ignore[type-arg]


class FeedbackForm(forms.Form):
    feedback_message = LongText(
        label=_("Feedback to the reporter"),
        rows=4,
        help_text=_("What was done and learned. Shown on the tracking page, or notified to the member who declared."),
    )


class SummaryForm(forms.Form):
    summary_title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = LongText(
        label=_("De-identified summary and lessons"),
        rows=5,
        help_text=_("No name, date of birth, address or rare detail that would let someone recognise a person."),
    )
    audience = forms.ChoiceField(
        label=_("Published to"),
        choices=LibraryAudience.choices,
        initial=LibraryAudience.TEAM,
        widget=forms.RadioSelect,
        help_text=_("The territory's professionals read it on the public library page, when it is open."),
    )


class MessageForm(forms.Form):
    body = LongText(label=_("Message"), rows=3, required=True, error_messages={"required": MESSAGE_REQUIRED})


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=64,
        error_messages={"required": CODE_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class SettingsForm(forms.Form):
    rex_levels_enabled = forms.BooleanField(label=_("Use the CPTS REX method (levels 1, 2, 3)"), required=False)
    check_back_days = forms.IntegerField(label=_("Check-back delay for level 2 (days)"), min_value=1, max_value=365)
    public_enabled = forms.BooleanField(label=_("Public declaration page open"), required=False)
    public_library_enabled = forms.BooleanField(
        label=_("Public library of lessons open"),
        required=False,
        help_text=_("Shows, without an account, the lessons published to the territory's professionals."),
    )
    next_meeting_on = PlausibleDateField(label=_("Next quality-cell meeting"), required=False)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("New category"), max_length=120)
