from __future__ import annotations

import operator
from datetime import date
from functools import reduce
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ameliora.core.dates import PlausibleDateField
from ameliora.core.forms import MemberSelectField, MembersField, members_of
from ameliora.core.models import Membership, MembershipRole, Organization, Role, Unit
from ameliora.documents.models import DATES_ORDER, EMPTY_CONTENT, EXPIRY_ORDER, Document, DocumentKind, DocumentVersion
from ameliora.processes.models import Process

CODE_TAKEN = _("Another document of your organization already uses this code.")


def _processes(organization: Organization) -> Any:
    return Process.objects.for_org(organization).order_by("kind", "position", "name")


def _free_code(typed: str, *, organization: Organization, document: Document | None = None) -> str:
    """The code in capitals, if no other document of the organization uses it."""
    code = typed.strip().upper()
    taken = Document.objects.for_org(organization).filter(code=code)
    if document is not None:
        taken = taken.exclude(pk=document.pk)
    if taken.exists():
        raise forms.ValidationError(CODE_TAKEN, code="code_taken")
    return code


class DocumentProcessesForm(forms.Form):
    processes = forms.ModelMultipleChoiceField(
        label=_("Processes"), queryset=Process.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["processes"].queryset = _processes(organization)  # type: ignore[attr-defined]


class DocumentCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices)
    code = forms.CharField(label=_("Code"), max_length=30, help_text=_("For example PR-DISP-01."))
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = MemberSelectField(label=_("Owner"), queryset=Membership.objects.none(), required=False)
    body = forms.CharField(
        label=_("Content (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("Or attach the document as a file below (PDF, DOCX, ODT, PNG, JPEG)."),
    )
    file = forms.FileField(label=_("File"), required=False)
    processes = forms.ModelMultipleChoiceField(
        label=_("Processes"),
        queryset=Process.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The processes of the map this document serves."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = members_of(organization)  # type: ignore[type-arg]
        self.fields["processes"].queryset = _processes(organization)  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        return _free_code(self.cleaned_data["code"], organization=self.organization)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("body", "").strip() or data.get("file")):
            raise forms.ValidationError(EMPTY_CONTENT)
        return data


class DocumentEditForm(forms.Form):
    """The document's details; its content lives in its versions."""

    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices)
    code = forms.CharField(label=_("Code"), max_length=30, help_text=_("For example PR-DISP-01."))
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = MemberSelectField(
        label=_("Owner"),
        queryset=Membership.objects.none(),
        help_text=_("The owner receives the review and expiry reminders."),
    )

    def __init__(self, *args: Any, document: Document, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"kind": document.kind, "code": document.code, "title": document.title, "owner": document.owner_id},
        )
        super().__init__(*args, **kwargs)
        self.document = document
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = members_of(document.organization)  # type: ignore[type-arg]

    def clean_code(self) -> str:
        return _free_code(self.cleaned_data["code"], organization=self.document.organization, document=self.document)


class VersionEditForm(forms.ModelForm[DocumentVersion]):
    file = forms.FileField(label=_("Replace the file"), required=False)

    class Meta:
        model = DocumentVersion
        fields = ["change_summary", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}


class SubmitForm(forms.Form):
    reviewers = MembersField(label=_("Reviewers"), queryset=Membership.objects.none())

    def __init__(self, *args: Any, version: DocumentVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewers = members_of(version.document.organization)
        if version.author_id is not None:
            reviewers = reviewers.exclude(pk=version.author_id)
        cast(MembersField, self.fields["reviewers"]).queryset = reviewers


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class PublishForm(forms.Form):
    effective_date = PlausibleDateField(label=_("Effective date"))
    next_review_date = PlausibleDateField(label=_("Next review date"), required=False)
    expiry_date = PlausibleDateField(label=_("Expiry date"), required=False)
    reader_roles = forms.MultipleChoiceField(
        label=_("Who must read it: roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    reader_units = forms.ModelMultipleChoiceField(
        label=_("Who must read it: units"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Everyone attached to these units (on their member page)."),
    )
    reader_people = MembersField(
        label=_("Who must read it: people"), queryset=Membership.objects.none(), required=False
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        units = Unit.objects.for_org(organization).order_by("name")
        if units.exists():
            cast(forms.ModelMultipleChoiceField, self.fields["reader_units"]).queryset = units  # type: ignore[type-arg]
        else:
            del self.fields["reader_units"]
        cast(MembersField, self.fields["reader_people"]).queryset = members_of(organization)
        # Only the roles someone of this organization holds: a CPTS has no learner, a pharmacy no quality cell.
        held = set(
            MembershipRole.objects.filter(membership__in=members_of(organization)).values_list("role", flat=True)
        )
        roles = cast(forms.MultipleChoiceField, self.fields["reader_roles"])
        roles.choices = [(value, label) for value, label in Role.choices if value in held]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        effective: date | None = data.get("effective_date")
        review: date | None = data.get("next_review_date")
        expiry: date | None = data.get("expiry_date")
        if effective and review and review <= effective:
            self.add_error("next_review_date", DATES_ORDER)
        if effective and expiry and expiry <= effective:
            self.add_error("expiry_date", EXPIRY_ORDER)
        return data

    def readers(self) -> list[Membership]:
        """Everyone holding one of the chosen roles or attached to one of the chosen units, plus the
        people chosen by name."""
        chosen = {m.pk: m for m in self.cleaned_data.get("reader_people") or []}
        roles = self.cleaned_data.get("reader_roles") or []
        units = list(self.cleaned_data.get("reader_units") or [])
        groups = ([Q(role_set__role__in=roles)] if roles else []) + ([Q(units__in=units)] if units else [])
        if groups:
            for membership in members_of(self.organization).filter(reduce(operator.or_, groups)).distinct():
                chosen[membership.pk] = membership
        return list(chosen.values())
