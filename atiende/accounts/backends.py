from django.contrib.auth.backends import ModelBackend

from .models import User, UserKind, normalize_email


class EmailBackend(ModelBackend):
    """Sign in with email (case-insensitive) and password."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        address = normalize_email(email or username or "")
        if not address or not password:
            return None
        try:
            user = User.objects.get(email=address)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user) -> bool:
        """The system actors (accounts.services.system_actor) never sign in, whatever their row says."""
        return user.kind != UserKind.SYSTEM and super().user_can_authenticate(user)
