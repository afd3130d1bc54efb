from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    """Staff sign-in beyond the password: the second factor (TOTP, recovery codes), the per-role
    requirement, and the list of signed-in sessions. Sits just right of `accounts`
    (core ← accounts ← signin ← customers …); accounts reaches it only through the
    SIGN_IN_STEPS port (accounts/signin.py)."""

    name = "atiende.signin"
    label = "signin"
    verbose_name = _("Sign-in security")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .signals import session_signed_in

        user_logged_in.connect(session_signed_in, dispatch_uid="atiende.signin.session_signed_in")
