"""The base every API endpoint uses, and the endpoints that belong to no domain app."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from atiende.accounts import throttle
from atiende.accounts.models import ApiToken
from atiende.accounts.selectors import token_list
from atiende.accounts.services import (
    LoginThrottled,
    sign_in,
    token_expires_at,
    token_issue,
    token_revoke,
)
from atiende.core.exceptions import Invalid, Unauthenticated
from atiende.signin.services import second_factor_for_token

from .idempotency import IdempotentMixin


class ApiView(IdempotentMixin, APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        language = getattr(request.user, "language", "")
        if language:
            translation.activate(language)


def client_ip(request: Request) -> str:
    return throttle.client_ip(request)


class TokenInput(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True,
                                 help_text="A label to tell your tokens apart (\"CI\", \"laptop\").")
    code = serializers.CharField(max_length=40, required=False, default="", allow_blank=True,
                                 help_text="With two-step verification on: the code from the authenticator app "
                                           "(or a recovery code).")


class TokenSerializer(serializers.Serializer):
    """A token as its owner sees it: never the secret."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()

    def get_expires_at(self, token) -> str:
        return serializers.DateTimeField().to_representation(token_expires_at(token))

    def get_current(self, token) -> bool:
        return getattr(self.context["request"].auth, "pk", None) == token.pk


class TokenView(ApiView):
    """POST: exchange email and password for an API token (no authentication). DELETE: revoke
    the token this request is made with."""

    def initialize_request(self, request, *args, **kwargs):
        # Signing in needs no credentials: a stale token in the header must not block it.
        self.signing_in = request.method == "POST"
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        return [] if getattr(self, "signing_in", False) else super().get_authenticators()

    def get_permissions(self):
        return [AllowAny()] if getattr(self, "signing_in", False) else super().get_permissions()

    @extend_schema(request=TokenInput, responses=inline_serializer("IssuedToken", {"token": serializers.CharField()}))
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = sign_in(email=data.validated_data["email"], password=data.validated_data["password"], client_ip=client_ip(request))
        except LoginThrottled as exc:
            raise Throttled(wait=exc.retry_after) from None
        if user is None:
            raise Unauthenticated(_("The email or password is not correct."))
        try:
            second_factor_for_token(user=user, code=data.validated_data["code"], client_ip=client_ip(request))
        except LoginThrottled as exc:
            raise Throttled(wait=exc.retry_after) from None
        return Response({"token": token_issue(user=user, name=data.validated_data["name"])}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise Invalid(_("This request is not made with an API token."), code="no_token")
        token_revoke(actor=request.user, token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(ApiView):
    """The signed-in user's live API tokens."""

    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = token_list(user=request.user)
        return Response({"results": TokenSerializer(rows, many=True, context={"request": request}).data})


class TokenDetailView(ApiView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, token_id: int) -> Response:
        token_revoke(actor=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
