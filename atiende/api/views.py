"""The base every API endpoint uses, and the endpoints that belong to no domain app."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from atiende.accounts.services import LoginThrottled, sign_in, token_issue
from atiende.core.exceptions import Unauthenticated

from .idempotency import IdempotentMixin


class ApiView(IdempotentMixin, APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        language = getattr(request.user, "language", "")
        if language:
            translation.activate(language)


def client_ip(request: Request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class TokenInput(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class TokenView(ApiView):
    """Exchange email and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenInput, responses=inline_serializer("Token", {"token": serializers.CharField()}))
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = sign_in(email=data.validated_data["email"], password=data.validated_data["password"], client_ip=client_ip(request))
        except LoginThrottled:
            from rest_framework.exceptions import Throttled

            raise Throttled(wait=60) from None
        if user is None:
            raise Unauthenticated(_("The email or password is not correct."))
        return Response({"token": token_issue(user=user)}, status=status.HTTP_201_CREATED)
