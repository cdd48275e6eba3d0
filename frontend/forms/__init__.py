"""Page forms. They parse and validate input shape only; the services decide the rest and
their ``DomainError`` is put back on the form by ``add_domain_error``."""

from __future__ import annotations

from typing import Any

from django import forms
from django_countries import countries

from convene.errors import DomainError
from convene.models import Convening, Organization, Role, StakeholderGroup
from convene.plaintext import single_line_problem

GROUP_CHOICES = [("", "— none —"), *StakeholderGroup.choices]


class SingleLineField(forms.CharField):
    """A title or a name: one line, without control characters or bidirectional overrides
    (``convene.plaintext``), refused next to the field as the API refuses it."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        problem = single_line_problem(value or "")
        if problem is not None:
            raise forms.ValidationError(problem, code="not_single_line")


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up form."""

    display_name = SingleLineField(max_length=120, label="Display name")

    def signup(self, request: Any, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal next to its field, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def organization_choices(organizations: Any) -> list[tuple[str, str]]:
    """Choices built once per request, so a form per table row costs no queries."""
    return [("", "— none —")] + [(str(o.pk), f"{o.name} ({o.country})") for o in organizations]


class OrganizationChoiceMixin:
    """Turns the ``organization`` choice (a pk string) back into an Organization."""

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self._organizations = {str(o.pk): o for o in organizations}
        self.fields["organization"].choices = organization_choices(organizations)  # type: ignore[attr-defined]

    def clean_organization(self) -> Organization | None:
        value = self.cleaned_data["organization"]  # type: ignore[attr-defined]
        return self._organizations.get(value) if value else None


class ConveningForm(forms.Form):
    title = SingleLineField(max_length=200)
    description = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: *emphasis*, **strong**, lists, links. No images or HTML.",
    )
    visibility = forms.ChoiceField(
        choices=Convening.Visibility.choices,
        initial=Convening.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text="Anyone can read a public convening; a private one is visible to members only.",
    )


class InvitationForm(OrganizationChoiceMixin, forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.PARTICIPANT)
    stakeholder_group = forms.ChoiceField(
        choices=GROUP_CHOICES, required=False, help_text="Required for participants."
    )
    organization = forms.ChoiceField(required=False)


class MemberForm(OrganizationChoiceMixin, forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    stakeholder_group = forms.ChoiceField(choices=GROUP_CHOICES, required=False)
    organization = forms.ChoiceField(required=False)
    head_of_delegation = forms.BooleanField(required=False)


class AcceptWithNewAccountForm(forms.Form):
    display_name = SingleLineField(max_length=120, label="Display name")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    password_confirmation = forms.CharField(
        label="Password (again)",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_confirmation"):
            self.add_error("password_confirmation", "The two passwords differ.")
        return data


class ProfileForm(forms.Form):
    """The account page: the name others see, the @handle they mention, the time zone."""

    display_name = SingleLineField(max_length=120, label="Display name")
    handle = forms.CharField(
        max_length=60,
        label="Handle",
        help_text="Others mention you as @handle in comments: letters, digits, underscores and "
        "hyphens.",
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        help_text="Pages show times in it; the daily digest arrives at 08:00 there.",
    )

    def __init__(self, *args: Any, time_zones: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["timezone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(tz, tz) for tz in time_zones]


class MemberFilterForm(forms.Form):
    """The organizers' members table: search and filters, read from the query string. A value
    that is no choice is ignored (the table shows everyone), not refused."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    group = forms.ChoiceField(
        required=False, choices=[("", "All groups"), *StakeholderGroup.choices]
    )
    role = forms.ChoiceField(required=False, choices=[("", "All roles"), *Role.choices])
    organization = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": "Name, email or @handle"}
        )
        choices = [(str(o.pk), f"{o.name} ({o.country})") for o in organizations]
        organization = self.fields["organization"]
        assert isinstance(organization, forms.ChoiceField)
        organization.choices = [("", "All organizations"), *choices]

    def filters(self) -> dict[str, Any]:
        """The valid filters as ``selectors.member_search`` takes them; the others dropped."""
        self.is_valid()
        data = self.cleaned_data
        organization = data.get("organization") or ""
        return {
            "q": (data.get("q") or "").strip(),
            "group": data.get("group") or "",
            "role": data.get("role") or "",
            "organization": int(organization) if organization.isdigit() else 0,
        }


class OrganizationForm(forms.Form):
    name = SingleLineField(max_length=200)
    kind = forms.ChoiceField(choices=Organization.Kind.choices)
    country = forms.ChoiceField(choices=[("", "— choose —"), *countries])
