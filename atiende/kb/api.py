"""`/api/v1/kb/articles/` and `/api/v1/kb/categories/`.

Anyone may read (anonymous callers: public published articles only; the visibility policy in
permissions.py decides the rest); agents write. DELETE on an article archives it: its revisions
and its URL stay."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.ids import IdField, id_param
from atiende.api.pagination import keyset_page
from atiende.api.views import ApiView
from atiende.core.exceptions import Forbidden, Invalid, NotFound

from . import selectors, services
from .markdown import render_markdown
from .models import Article, Category, Language, Status, Visibility
from .permissions import can_edit_articles, can_manage_categories


class ArticleSerializer(serializers.ModelSerializer):
    body_html = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()
    organizations = serializers.SerializerMethodField()
    plans = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "title", "slug", "language", "status", "visibility", "category", "translation_of", "body",
                  "body_html", "url", "related", "organizations", "plans", "created_at", "updated_at", "published_at"]

    def get_body_html(self, article: Article) -> str:
        return render_markdown(article.body)

    def get_url(self, article: Article) -> str:
        return self.context["request"].build_absolute_uri(reverse("help:article", args=[article.slug]))

    def get_related(self, article: Article) -> list[int]:
        related = self.context.get("related")
        if related is None:
            related = selectors.related_ids(viewer=self.context["request"].user, articles=[article])
        return related.get(article.pk, [])

    def _staff_only(self, ids: list[int]) -> list[int] | None:
        # Which organizations or plans an article is limited to is the company's business.
        return ids if can_edit_articles(self.context["request"].user) else None

    def get_organizations(self, article: Article) -> list[int] | None:
        return self._staff_only(sorted(o.pk for o in article.organizations.all()))

    def get_plans(self, article: Article) -> list[int] | None:
        return self._staff_only(sorted(p.pk for p in article.plans.all()))


class ArticleInput(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX)
    body = serializers.CharField(max_length=services.BODY_MAX, required=False, allow_blank=True, trim_whitespace=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    category = IdField(required=False, allow_null=True)
    translation_of = IdField(required=False, allow_null=True)
    slug = serializers.SlugField(max_length=120, required=False)
    related = serializers.ListField(child=IdField(), required=False, max_length=50)
    organizations = serializers.ListField(child=IdField(), required=False, max_length=200)
    plans = serializers.ListField(child=IdField(), required=False, max_length=50)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "name_en", "slug", "description", "parent", "position"]


class CategoryInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    name_en = serializers.CharField(max_length=120, required=False, allow_blank=True)
    slug = serializers.SlugField(max_length=120, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    parent = IdField(required=False, allow_null=True)
    position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)


class ReadOpenView(ApiView):
    """Reading is open to anonymous callers; writing needs an account (401 otherwise)."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method in ("GET", "HEAD", "OPTIONS") else [IsAuthenticated()]


def _rows(data: dict[str, Any], viewer: Any) -> dict[str, Any]:
    """API ids made rows; 400 naming the field for an unknown one."""
    values = dict(data)
    if values.get("category") is not None:
        values["category"] = Category.objects.filter(pk=values["category"]).first()
        if values["category"] is None:
            raise Invalid(fields={"category": _("Unknown category.")})
    if values.get("translation_of") is not None:
        try:
            values["translation_of"] = selectors.article_get(viewer=viewer, article_id=values["translation_of"])
        except NotFound:
            raise Invalid(fields={"translation_of": _("Unknown article.")}) from None
    if "related" in values:
        values["related"] = services.articles_by_ids(values["related"])
    values.update(services.lookups_for(**{k: values.pop(k) for k in ("organizations", "plans") if k in values}))
    return values


def _choice(request: Request, name: str, allowed: list[str]) -> str:
    value = request.query_params.get(name, "")
    if value and value not in allowed:
        raise Invalid(fields={name: _("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}})
    return value


LIST_PARAMETERS = [OpenApiParameter("language", str, enum=Language.values), OpenApiParameter("status", str, enum=Status.values),
                   OpenApiParameter("visibility", str, enum=Visibility.values), OpenApiParameter("category", int),
                   OpenApiParameter("cursor", str), OpenApiParameter("page_size", int)]


class ArticleListView(ReadOpenView):
    @extend_schema(parameters=LIST_PARAMETERS, responses=ArticleSerializer(many=True))
    def get(self, request: Request) -> Response:
        category_id = id_param(request, "category")
        category = Category.objects.filter(pk=category_id).first() if category_id else None
        if category_id and category is None:
            raise Invalid(fields={"category": _("Unknown category.")})
        articles = selectors.article_list(
            viewer=request.user, language=_choice(request, "language", Language.values),
            status=_choice(request, "status", Status.values), category=category,
            visibility=_choice(request, "visibility", Visibility.values),
        ).prefetch_related("organizations", "plans")
        rows, next_url = keyset_page(articles, request, ordering="-updated_at", is_datetime=True)
        context = {"request": request, "related": selectors.related_ids(viewer=request.user, articles=rows)}
        return Response({"results": ArticleSerializer(rows, many=True, context=context).data,
                         "next": next_url})

    @extend_schema(request=ArticleInput, responses={201: ArticleSerializer})
    def post(self, request: Request) -> Response:
        if not can_edit_articles(request.user):
            raise Forbidden(_("Only agents write knowledge base articles."))
        data = ArticleInput(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_create(actor=request.user, **_rows(data.validated_data, request.user))
        return Response(ArticleSerializer(article, context={"request": request}).data, status=201)


class ArticleDetailView(ReadOpenView):
    @extend_schema(responses=ArticleSerializer)
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(viewer=request.user, article_id=article_id)
        return Response(ArticleSerializer(article, context={"request": request}).data)

    @extend_schema(request=ArticleInput(partial=True), responses=ArticleSerializer)
    def patch(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get_for_edit(viewer=request.user, article_id=article_id)
        data = ArticleInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        article = services.article_update(actor=request.user, article=article,
                                          changes=_rows(data.validated_data, request.user))
        return Response(ArticleSerializer(article, context={"request": request}).data)

    @extend_schema(responses={200: ArticleSerializer})  # archives: the article comes back (drf-spectacular assumes 204)
    def delete(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get_for_edit(viewer=request.user, article_id=article_id)
        article = services.article_archive(actor=request.user, article=article)
        return Response(ArticleSerializer(article, context={"request": request}).data)


def _parent(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    if values.get("parent") is not None:
        values["parent"] = Category.objects.filter(pk=values["parent"]).first()
        if values["parent"] is None:
            raise Invalid(fields={"parent": _("Unknown category.")})
    return values


class CategoryListView(ReadOpenView):
    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response({"results": CategorySerializer(selectors.category_list(), many=True).data})

    @extend_schema(request=CategoryInput, responses={201: CategorySerializer})
    def post(self, request: Request) -> Response:
        if not can_manage_categories(request.user):
            raise Forbidden(_("Only supervisors and administrators arrange categories."))
        data = CategoryInput(data=request.data)
        data.is_valid(raise_exception=True)
        category = services.category_create(actor=request.user, **_parent(data.validated_data))
        return Response(CategorySerializer(category).data, status=201)


class CategoryDetailView(ReadOpenView):
    @extend_schema(responses=CategorySerializer)
    def get(self, request: Request, category_id: int) -> Response:
        return Response(CategorySerializer(selectors.category_get(viewer=request.user, category_id=category_id)).data)

    @extend_schema(request=CategoryInput(partial=True), responses=CategorySerializer)
    def patch(self, request: Request, category_id: int) -> Response:
        category = selectors.category_get(viewer=request.user, category_id=category_id, for_change=True)
        data = CategoryInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        category = services.category_update(actor=request.user, category=category, changes=_parent(data.validated_data))
        return Response(CategorySerializer(category).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, category_id: int) -> Response:
        category = selectors.category_get(viewer=request.user, category_id=category_id, for_change=True)
        services.category_delete(actor=request.user, category=category)
        return Response(status=204)


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    snippet = serializers.CharField(help_text="Safe HTML: escaped text, matching words in <mark>.")
    score = serializers.FloatField()


SUGGEST_LIMIT_MAX = 10


class SuggestView(ReadOpenView):
    """`GET /api/v1/kb/suggest/?q=<text>&language=es`: the best published articles the caller
    may see for what is being typed, best first (anonymous callers: public articles only)."""

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("language", str, enum=Language.values),
                               OpenApiParameter("limit", int, description="1 to 10 (5)")],
                   responses=SuggestionSerializer(many=True))
    def get(self, request: Request) -> Response:
        limit = id_param(request, "limit") or 5
        if limit > SUGGEST_LIMIT_MAX:
            raise Invalid(fields={"limit": _("At most %(max)s.") % {"max": SUGGEST_LIMIT_MAX}})
        found = selectors.article_suggestions(request.query_params.get("q", ""), viewer=request.user,
                                              language=_choice(request, "language", Language.values), limit=limit)
        return Response({"results": [
            {"id": s.article.pk, "title": s.article.title, "snippet": s.snippet, "score": s.score,
             "url": request.build_absolute_uri(reverse("help:article", args=[s.article.slug]))} for s in found]})
