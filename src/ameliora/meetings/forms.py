from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ameliora.core import agenda
from ameliora.core.dates import DATE_INPUT, DATETIME_INPUT, PlausibleDateField, PlausibleDateTimeField
from ameliora.core.forms import MemberSelectField, MembersField, members_of
from ameliora.core.models import Membership, Organization
from ameliora.documents.models import Document, DocumentKind
from ameliora.meetings.models import (
    AgendaItem,
    Attendance,
    ExchangeSpace,
    MissionLetter,
    Session,
    SpaceGuest,
    SpaceMember,
)
from ameliora.plans.models import ActionPlan


class SpaceForm(forms.ModelForm[ExchangeSpace]):
    facilitators = MembersField(
        label=_("Facilitators"),
        queryset=Membership.objects.none(),
        required=False,
        help_text=_("Those who run the sessions, e.g. the medical and nursing pair."),
    )
    secretary = MemberSelectField(label=_("Secretary"), queryset=Membership.objects.none(), required=False)
    members = MembersField(label=_("Members"), queryset=Membership.objects.none(), required=False)
    agenda_sources = forms.MultipleChoiceField(
        label=capfirst(ExchangeSpace._meta.get_field("agenda_sources").verbose_name),
        help_text=ExchangeSpace._meta.get_field("agenda_sources").help_text,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ExchangeSpace
        fields = [
            "kind",
            "name",
            "code",
            "purpose",
            "charter",
            "plan",
            "sessions_per_year",
            "duration_minutes",
            "location",
            "agenda_sources",
            "active",
        ]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = members_of(organization)
        for name in ("facilitators", "secretary", "members"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
        self.fields["charter"].queryset = Document.objects.for_org(organization).filter(  # type: ignore[attr-defined]
            kind=DocumentKind.CHARTER
        )
        self.fields["plan"].queryset = ActionPlan.objects.for_org(organization).open()  # type: ignore[attr-defined]
        self.fields["agenda_sources"].choices = agenda.source_choices()  # type: ignore[attr-defined]
        self._organization = organization
        if self.instance.pk:
            by_role: dict[str, list[int]] = {}
            for row in self.instance.members.all():
                by_role.setdefault(row.role, []).append(row.member_id)
            self.initial.setdefault("facilitators", by_role.get(SpaceMember.Role.FACILITATOR, []))
            self.initial.setdefault("members", by_role.get(SpaceMember.Role.MEMBER, []))
            secretary = by_role.get(SpaceMember.Role.SECRETARY, [])
            self.initial.setdefault("secretary", secretary[0] if secretary else None)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        others = ExchangeSpace.objects.for_org(self._organization).filter(code__iexact=code)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another space of your organization already uses this code."))
        return code


class CalendarForm(forms.Form):
    first = PlausibleDateTimeField(label=_("First session"))
    count = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=24, initial=6)
    every_months = forms.IntegerField(
        label=_("Every … months"),
        min_value=1,
        max_value=12,
        initial=2,
        help_text=_("Six sessions a year: every 2 months."),
    )


class SessionForm(forms.ModelForm[Session]):
    class Meta:
        model = Session
        fields = ["starts_at", "duration_minutes", "location"]
        widgets = {"starts_at": DATETIME_INPUT}


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Session.Status.choices)


class AgendaAcceptForm(forms.Form):
    keys = forms.MultipleChoiceField(label=_("Proposed items"), choices=(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = choices  # type: ignore[attr-defined]
        self.fields["keys"].error_messages["required"] = _("Tick at least one proposed item.")


class AgendaItemForm(forms.ModelForm[AgendaItem]):
    class Meta:
        model = AgendaItem
        fields = ["title"]
        labels = {"title": _("New agenda item")}


class AttendanceForm(forms.Form):
    """One radio group per expected member (the space's members, plus anyone already recorded), then per guest."""

    def __init__(
        self,
        *args: Any,
        people: list[Membership],
        current: dict[int, str],
        guests: list[SpaceGuest] | None = None,
        guest_current: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {f"m{member.pk}": member for member in people}
        self.guests = {f"g{guest.pk}": guest for guest in guests or []}
        for name, member in self.people.items():
            self.fields[name] = forms.ChoiceField(
                label=str(member.user),
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=current.get(member.pk),
            )
        for name, guest in self.guests.items():
            self.fields[name] = forms.ChoiceField(
                label=_("%(guest)s (guest)") % {"guest": guest},
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=(guest_current or {}).get(guest.pk),
            )

    def statuses(self) -> dict[Membership, str]:
        return {member: self.cleaned_data[name] for name, member in self.people.items() if self.cleaned_data.get(name)}

    def guest_statuses(self) -> dict[SpaceGuest, str]:
        return {guest: self.cleaned_data[name] for name, guest in self.guests.items() if self.cleaned_data.get(name)}


class GuestForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    profession = forms.CharField(
        label=_("Profession or organization"),
        max_length=200,
        required=False,
        help_text=_("Shown in the attendance, e.g. “General practitioner, CPTS Lauragais Sud”."),
    )
    valid_from = PlausibleDateField(label=_("Access from"))
    valid_until = PlausibleDateField(label=_("Access until"))


class GuestAttendanceForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Your attendance"),
        choices=[(Attendance.Status.PRESENT, _("I attend")), (Attendance.Status.EXCUSED, _("I cannot attend"))],
        widget=forms.RadioSelect,
    )


class DecisionForm(forms.Form):
    title = forms.CharField(label=_("Decision"), max_length=300)
    item = forms.ModelChoiceField(label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False)
    owner = MemberSelectField(label=_("Owner"), queryset=Membership.objects.none(), required=False)
    due_date = PlausibleDateField(label=_("Due date"), required=False)

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = session.items.all()  # type: ignore[attr-defined]
        self.fields["owner"].queryset = members_of(session.organization)  # type: ignore[attr-defined]


class ReportYearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)


class MinutesForm(forms.Form):
    """The general minutes and one text per agenda item (fields ``item_<id>``)."""

    summary = forms.CharField(label=_("General minutes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("summary", session.summary)
        self.items = list(session.items.all())
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=item.title, widget=forms.Textarea(attrs={"rows": 3}), required=False, initial=item.minutes
            )

    def item_minutes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}", "") for item in self.items}


class MissionLetterForm(forms.ModelForm[MissionLetter]):
    person = MemberSelectField(label=_("Person"), queryset=Membership.objects.none())

    class Meta:
        model = MissionLetter
        fields = ["person", "role", "space", "scope", "hours_per_month", "starts_on", "ends_on", "document"]
        localized_fields = ["hours_per_month"]  # "2,5" in French, "2.5" in English
        widgets = {"scope": forms.Textarea(attrs={"rows": 5}), "starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members_of(organization)  # type: ignore[attr-defined]
        self.fields["space"].queryset = ExchangeSpace.objects.for_org(organization)  # type: ignore[attr-defined]
        self.fields["document"].queryset = Document.objects.for_org(organization).filter(  # type: ignore[attr-defined]
            kind=DocumentKind.MISSION_LETTER
        )


class LetterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *MissionLetter.Status.choices], required=False
    )
    mine = forms.BooleanField(label=_("My mission letters only"), required=False)
