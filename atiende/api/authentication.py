from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from atiende.accounts.selectors import token_lookup
from atiende.accounts.services import token_touch


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
        record = token_lookup(token=value)
        if record is None or not record.user.is_active:
            raise exceptions.AuthenticationFailed(_("The API token is not valid."))
        token_touch(token=record)
        return record.user, record

    def authenticate_header(self, request):
        return "Token"
