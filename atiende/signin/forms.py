from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40, help_text=_(
        "The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false",
                                      "autocapitalize": "off"}))


class AppCodeForm(CodeForm):
    code = forms.CharField(label=_("Code from the app"), max_length=20, help_text=_(
        "The 6 digits the app shows now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))


class ResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))


class NewPasswordForm(forms.Form):
    new = forms.CharField(label=_("New password"), max_length=1024, strip=False,
                          widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}))
