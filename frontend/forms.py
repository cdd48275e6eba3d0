from __future__ import annotations

from typing import Any

from django import forms


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up form."""

    display_name = forms.CharField(max_length=120, label="Display name")

    def signup(self, request: Any, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])
