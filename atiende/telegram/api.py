"""Telegram bots (administrators) and their webhook (Telegram).

`/api/v1/channels/telegram/` lists and connects bots; the bot token and the secret token go in
and never come out. Saving a bot sets its webhook (`setWebhook`) after commit; `webhook` shows
Telegram's answer. `/api/v1/channels/telegram/{id}/webhook/` is Telegram's: POSTed updates,
proven by the `X-Telegram-Bot-Api-Secret-Token` header, stored before anything else."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from atiende.api.ids import IdField
from atiende.api.teams import with_team
from atiende.api.views import ApiView
from atiende.core.bodies import read_capped_body
from atiende.core.exceptions import Invalid, TooLarge

from . import selectors, services
from .models import DEFAULT_API_BASE, TelegramBot

MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookSerializer(serializers.Serializer):
    state = serializers.CharField(source="webhook_state")
    detail = serializers.CharField(source="webhook_detail")
    checked_at = serializers.DateTimeField(source="webhook_checked_at", allow_null=True)


class BotSerializer(serializers.ModelSerializer):
    """A bot as administrators see it: never its token nor its secret."""

    webhook_url = serializers.SerializerMethodField()
    webhook = WebhookSerializer(source="*", read_only=True)

    class Meta:
        model = TelegramBot
        fields = ["id", "name", "telegram_id", "api_base", "team", "active", "webhook_url", "webhook", "created_at"]

    def get_webhook_url(self, bot: TelegramBot) -> str:
        return services.webhook_url(bot, _site(self.context["request"]))


class BotInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    bot_token = serializers.CharField(max_length=300, write_only=True)
    secret_token = serializers.CharField(max_length=256, write_only=True)
    api_base = serializers.CharField(max_length=200, required=False, default=DEFAULT_API_BASE)
    team = IdField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False, default=True)


def _site(request: Request) -> str:
    return request.build_absolute_uri("/")


def _shown(request: Request, bot: TelegramBot, status: int = 200) -> Response:
    bot.refresh_from_db()  # setWebhook ran on commit, unless a transaction still holds the save
    return Response(BotSerializer(bot, context={"request": request}).data, status=status)


class BotListView(ApiView):
    @extend_schema(responses=BotSerializer(many=True))
    def get(self, request: Request) -> Response:
        bots = selectors.bot_list(user=request.user)
        return Response({"results": BotSerializer(bots, many=True, context={"request": request}).data})

    @extend_schema(request=BotInput, responses={201: BotSerializer})
    def post(self, request: Request) -> Response:
        selectors.bot_list(user=request.user)  # 403 before the input is read
        data = BotInput(data=request.data)
        data.is_valid(raise_exception=True)
        bot = services.bot_create(actor=request.user, site=_site(request), **with_team(data.validated_data))
        return _shown(request, bot, status=201)


class BotDetailView(ApiView):
    @extend_schema(responses=BotSerializer)
    def get(self, request: Request, bot_id: int) -> Response:
        bot = selectors.bot_get(user=request.user, bot_id=bot_id)
        return Response(BotSerializer(bot, context={"request": request}).data)

    @extend_schema(request=BotInput(partial=True), responses=BotSerializer)
    def patch(self, request: Request, bot_id: int) -> Response:
        bot = selectors.bot_get(user=request.user, bot_id=bot_id)
        data = BotInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        bot = services.bot_update(actor=request.user, bot=bot, site=_site(request), **with_team(data.validated_data))
        return _shown(request, bot)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, bot_id: int) -> Response:
        bot = selectors.bot_get(user=request.user, bot_id=bot_id)
        services.bot_delete(actor=request.user, bot=bot)
        return Response(status=204)


# Deliberately not ApiView: Telegram sends no token and no Idempotency-Key; the secret is the proof.
class WebhookView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        operation_id="telegram_webhook_update",
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter(SECRET_HEADER, str, OpenApiParameter.HEADER, required=True)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, bot_id: int) -> Response:
        bot = selectors.bot_for_webhook(bot_id)
        services.secret_check(bot, request.headers.get(SECRET_HEADER, ""))  # before the body is read
        body = read_capped_body(
            request, limit=MAX_BODY_BYTES,
            too_large=TooLarge(_("The update is larger than 1 MB."), code="body_too_large"),
            empty=Invalid(_("The body is not valid JSON."), code="bad_payload"),
        )
        services.update_receive(bot, body)
        return Response({"received": True})
