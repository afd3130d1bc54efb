from rest_framework import authentication, exceptions

from atiende.accounts.services import token_authenticate
from atiende.core.exceptions import Unauthenticated


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <token>` (or `Bearer <token>`), checked against stored digests."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() not in self.keywords:
            return None
        try:
            record = token_authenticate(value=value)
        except Unauthenticated as exc:
            raise exceptions.AuthenticationFailed(exc.message) from None
        return record.user, record

    def authenticate_header(self, request):
        return "Token"
