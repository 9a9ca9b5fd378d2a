from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from assure.core.forms import GovUKFormMixin


class SignInForm(GovUKFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct user name and password. Both are case-sensitive.",
        "inactive": "This account is not active.",
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "User name"
        # No autofocus (Django sets it): it skips the skip link, the heading and any message
        # above the form for keyboard and screen reader users, as GOV.UK advises against.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OneTimeCodeForm(GovUKFormMixin, forms.Form):
    code = forms.RegexField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now.",
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "invalid": "Enter the 6-digit code, numbers only.",
            "required": "Enter the 6-digit code from your authenticator app.",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-5",
            }
        ),
    )


class NewTokenForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        label="What is this token for?",
        help_text='For example, "Power BI tracker report". It helps you revoke the right one.',
        max_length=120,
        error_messages={"required": "Enter what the token is for."},
    )
    scope = forms.ChoiceField(
        label="What may it do?",
        choices=[
            ("read", "Read only: reports, Power BI, Excel"),
            ("write", "Read and write: a script that makes changes as you"),
        ],
        initial="read",
        required=False,  # read only unless write is chosen
        widget=forms.RadioSelect,
        help_text="A read-only token cannot change anything, whoever holds it.",
    )

    def __init__(self, *args: Any, may_write: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_write:
            del self.fields["scope"]
