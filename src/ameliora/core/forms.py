from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ameliora.core.dates import PlausibleDateField
from ameliora.core.models import API_MODULES, Membership, Organization, Role, TokenAccess, Unit, User, WebhookTopic


class MemberSelectField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One member of the organization, shown by name (set ``queryset`` to :func:`members_of`)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user)


class MembersField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several members of the organization, as checkboxes, shown by name."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user)


def members_of(organization: Organization) -> QuerySet[Membership]:
    """The organization's members with their user, by last name: the choices of the fields above."""
    return Membership.objects.for_org(organization).select_related("user").order_by("user__last_name")


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Role.choices, label=_("Roles"), **kwargs)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    roles = RolesField(initial=[Role.MEMBER])


class MemberRolesForm(forms.Form):
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    roles = RolesField()
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The services, sites or teams where they work."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.for_org(organization).order_by("name")
        self.has_units = units.exists()
        if self.has_units:
            cast(forms.ModelMultipleChoiceField, self.fields["units"]).queryset = units  # type: ignore[type-arg]
        else:
            # Units are declared in the organization's settings; none yet, nothing to choose.
            del self.fields["units"]


class OrganizationForm(forms.ModelForm[Organization]):
    class Meta:
        model = Organization
        fields = ["name", "kind", "require_mfa_for_managers"]


class UnitForm(forms.ModelForm[Unit]):
    class Meta:
        model = Unit
        fields = ["name"]
        labels = {"name": _("New unit")}

    def clean_name(self) -> str:
        # The view sets the organization, which is not a form field, so ModelForm skips the
        # "one name per organization" constraint and the database would refuse the row with a 500.
        name: str = self.cleaned_data["name"]
        taken = Unit.objects.filter(organization_id=self.instance.organization_id, name=name).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise self.instance.unique_error_message(Unit, ["organization", "name"])
        return name


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=255, required=False)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


#: A token expires at the latest this long after its creation.
TOKEN_MAX_DAYS = 366
TOKEN_DEFAULT_DAYS = 90


class ApiTokenForm(forms.Form):
    """A new API token: its name, its expiry and, per module, no access, read or read and write.

    ``service=True`` (an organization's token) adds the role its account has in the organization.
    """

    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("What it is for, e.g. “Monthly BI export”."))
    expires_on = PlausibleDateField(label=_("Expires on"), help_text=_("At most one year from today."))

    def __init__(self, *args: Any, service: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + timedelta(days=TOKEN_DEFAULT_DAYS)
        if service:
            self.fields["role"] = forms.ChoiceField(
                label=_("Role of the token in the organization"),
                choices=[(value, label) for value, label in Role.choices if value != Role.ADMIN],
                initial=Role.QUALITY_MANAGER,
                help_text=_("What the token may do, as a member with this role would."),
            )
        choices = [("", _("No access")), *TokenAccess.choices]
        for code, label in API_MODULES:
            self.fields[f"scope_{code}"] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=TokenAccess.READ
            )

    def scope_fields(self) -> list[forms.BoundField]:
        return [self[f"scope_{code}"] for code, _label in API_MODULES]

    def other_fields(self) -> list[forms.BoundField]:
        return [field for field in self if not field.name.startswith("scope_")]

    def clean_expires_on(self) -> date:
        value = cast(date, self.cleaned_data["expires_on"])
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError(_("Choose a date after today."))
        if value > today + timedelta(days=TOKEN_MAX_DAYS):
            raise forms.ValidationError(_("Choose a date at most one year from today."))
        return value

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not self.scopes():
            raise forms.ValidationError(_("Give the token access to at least one module."))
        return cleaned

    def scopes(self) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"scope_{code}"]
            for code, _label in API_MODULES
            if self.cleaned_data.get(f"scope_{code}")
        }

    def expires_at(self) -> datetime:
        """The end of the chosen day, local time."""
        day = cast(date, self.cleaned_data["expires_on"])
        return timezone.make_aware(datetime.combine(day, time.max))


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address (HTTPS)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The other system's address that receives the signed messages."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Events sent"), choices=WebhookTopic.choices, widget=forms.CheckboxSelectMultiple
    )


class NamesMixin(forms.Form):
    """First and last name, both required: colleagues see people by their name, not their email."""

    first_name = forms.CharField(label=_("First name"), max_length=150, strip=True)
    last_name = forms.CharField(label=_("Last name"), max_length=150, strip=True)


class SignupNamesForm(NamesMixin):
    """Extra fields of allauth's sign-up form (``ACCOUNT_SIGNUP_FORM_CLASS``)."""

    def signup(self, request: Any, user: User) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


class InvitationAcceptForm(NamesMixin):
    """Accepting an invitation with an existing account: the name is confirmed (or given) on the way."""


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "profession", "job_title", "phone", "language", "notification_preference"]
        widgets = {"notification_preference": forms.RadioSelect, "phone": forms.TextInput(attrs={"type": "tel"})}
        help_texts = {
            "phone": _("Optional. Shown to the members of your organizations, to reach you."),
            "notification_preference": _(
                "Notifications always appear in Ameliora; choose whether they also reach you by email."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "language"):
            self.fields[name].required = True
        cast(forms.ChoiceField, self.fields["language"]).choices = settings.LANGUAGES
        if not self.instance.language:
            self.initial["language"] = translation.get_language()
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean_phone(self) -> str:
        return " ".join(cast(str, self.cleaned_data["phone"]).split())


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you who closes the account."),
    )
    confirm = forms.BooleanField(label=_("I understand that closing my account cannot be undone."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = cast(str, self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password
