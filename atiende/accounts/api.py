"""Agent, team and "me" endpoints under /api/v1/."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.ids import IdField
from atiende.api.pagination import keyset_page
from atiende.api.params import instant_param
from atiende.api.renderers import CSVRenderer, JSONRenderer
from atiende.api.views import ApiView
from atiende.core.exceptions import Invalid
from atiende.core.models import AuditEntry
from atiende.core.params import is_id_text, parse_id

from . import selectors, services
from .models import Role, Team, User


class TeamRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class AgentSerializer(serializers.ModelSerializer):
    teams = TeamRefSerializer(many=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "is_active", "language", "teams"]


class AgentInput(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=200)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.AGENT)
    password = serializers.CharField(required=False, write_only=True, min_length=8, max_length=1024)
    teams = serializers.ListField(child=IdField(), required=False, max_length=100)
    is_active = serializers.BooleanField(required=False)


def _teams(ids: list[int] | None) -> list[Team] | None:
    if ids is None:
        return None
    teams = list(Team.objects.filter(pk__in=ids))
    if len(teams) != len(set(ids)):
        raise Invalid(fields={"teams": _("Some of these teams do not exist.")})
    return teams


def _members(ids: list[int] | None) -> list[User] | None:
    if ids is None:
        return None
    members = list(User.objects.filter(pk__in=ids))
    if len(members) != len(set(ids)):
        raise Invalid(fields={"members": _("Some of these agents do not exist.")})
    return members


class MeView(ApiView):
    def get(self, request: Request) -> Response:
        user = request.user
        return Response({"id": user.id, "email": user.email, "name": user.name, "kind": user.kind, "role": user.role or None,
                         "language": user.language})


class AgentListView(ApiView):
    @extend_schema(responses=AgentSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response({"results": AgentSerializer(selectors.agent_list(user=request.user), many=True).data})

    @extend_schema(request=AgentInput, responses={201: AgentSerializer})
    def post(self, request: Request) -> Response:
        data = AgentInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        agent = services.agent_create_by(
            actor=request.user, email=given["email"], name=given["name"], role=given["role"],
            password=given.get("password"), teams=_teams(given.get("teams")) or [],
        )
        return Response(AgentSerializer(selectors.agent_get(user=request.user, agent_id=agent.pk)).data, status=201)


class AgentDetailView(ApiView):
    @extend_schema(responses=AgentSerializer)
    def get(self, request: Request, agent_id: int) -> Response:
        return Response(AgentSerializer(selectors.agent_get(user=request.user, agent_id=agent_id)).data)

    @extend_schema(request=AgentInput, responses=AgentSerializer)
    def patch(self, request: Request, agent_id: int) -> Response:
        agent = selectors.agent_get(user=request.user, agent_id=agent_id)
        data = AgentInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        services.agent_update(actor=request.user, agent=agent, name=given.get("name"), role=given.get("role"),
                              is_active=given.get("is_active"), teams=_teams(given.get("teams")))
        return Response(AgentSerializer(selectors.agent_get(user=request.user, agent_id=agent_id)).data)


class TeamSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "description", "members", "escalation_team"]


class TeamInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    members = serializers.ListField(child=IdField(), required=False, max_length=1000)


class TeamListView(ApiView):
    @extend_schema(responses=TeamSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response({"results": TeamSerializer(selectors.team_list(user=request.user), many=True).data})

    @extend_schema(request=TeamInput, responses={201: TeamSerializer})
    def post(self, request: Request) -> Response:
        data = TeamInput(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.team_create(actor=request.user, name=data.validated_data["name"], description=data.validated_data["description"])
        if "members" in data.validated_data:
            services.team_update(actor=request.user, team=team, members=_members(data.validated_data["members"]))
        return Response(TeamSerializer(selectors.team_get(user=request.user, team_id=team.pk)).data, status=201)


class TeamDetailView(ApiView):
    @extend_schema(responses=TeamSerializer)
    def get(self, request: Request, team_id: int) -> Response:
        return Response(TeamSerializer(selectors.team_get(user=request.user, team_id=team_id)).data)

    @extend_schema(request=TeamInput, responses=TeamSerializer)
    def patch(self, request: Request, team_id: int) -> Response:
        team = selectors.team_get(user=request.user, team_id=team_id)
        data = TeamInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        services.team_update(actor=request.user, team=team, name=given.get("name"), description=given.get("description") if "description" in request.data else None,
                             members=_members(given.get("members")))
        return Response(TeamSerializer(selectors.team_get(user=request.user, team_id=team_id)).data)

    def delete(self, request: Request, team_id: int) -> Response:
        team = selectors.team_get(user=request.user, team_id=team_id)
        services.team_delete(actor=request.user, team=team)
        return Response(status=204)


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")
    target = serializers.CharField(source="target_label")

    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "action", "actor_id", "actor", "ip", "user_agent", "target_type", "target_id",
                  "target", "before", "after"]


class AuditLogView(ApiView):
    """The audit log, for administrators; `?format=csv` downloads the same entries (up to 50,000)."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(parameters=[
        OpenApiParameter("action", str, description="An action (auth.sign_in) or its group (auth)."),
        OpenApiParameter("actor", int), OpenApiParameter("since", OpenApiTypes.DATETIME),
        OpenApiParameter("cursor", str), OpenApiParameter("page_size", int),
        OpenApiParameter("format", str, enum=["json", "csv"])],
        responses=AuditEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        actor = request.query_params.get("actor")
        if actor is not None and not is_id_text(actor):
            raise Invalid(fields={"actor": _("Give a user id.")})
        entries = selectors.audit_entries(user=request.user, action=request.query_params.get("action", ""),
                                          actor_id=parse_id(actor) if actor is not None else None,
                                          since=instant_param(request, "since", None))
        if request.accepted_renderer.format == "csv":
            return Response({"filename": "audit-log.csv", "header": selectors.AUDIT_COLUMNS,
                             "rows": selectors.audit_table(entries[:CSV_LIMIT])})
        rows, next_url = keyset_page(entries, request, ordering="-created_at", is_datetime=True)
        return Response({"results": AuditEntrySerializer(rows, many=True).data, "next": next_url})


CSV_LIMIT = 50_000
