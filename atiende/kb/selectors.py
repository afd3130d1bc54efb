"""Reads of the knowledge base, each through the visibility policy (permissions.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from atiende.core.exceptions import Forbidden, NotFound
from atiende.search.selectors import Hit, search

from .models import Article, ArticleAttachment, ArticleSlug, Category, Language, Revision, Status
from .permissions import article_scope, can_edit_articles, can_manage_categories, sees_drafts
from .services import SEARCH_KIND

MAX_MATCHES = 50


def articles_visible(*, viewer: Any) -> QuerySet[Article]:
    return Article.objects.filter(article_scope(viewer))


def article_list(*, viewer: Any, language: str = "", status: str = "", category: Category | None = None,
                 visibility: str = "") -> QuerySet[Article]:
    articles = articles_visible(viewer=viewer).select_related("category")
    if language:
        articles = articles.filter(language=language)
    if status:
        articles = articles.filter(status=status)
    if visibility:
        articles = articles.filter(visibility=visibility)
    if category is not None:
        articles = articles.filter(Q(category=category) | Q(category__parent=category))
    return articles


def article_get(*, viewer: Any, article_id: Any) -> Article:
    """An article the viewer may see; anything else is NotFound (existence not revealed)."""
    article = articles_visible(viewer=viewer).select_related("category", "translation_of").filter(pk=article_id).first()
    if article is None:
        raise NotFound()
    return article


def article_get_for_edit(*, viewer: Any, article_id: Any) -> Article:
    if not can_edit_articles(viewer):
        raise NotFound()
    return article_get(viewer=viewer, article_id=article_id)


@dataclass(frozen=True)
class SlugLookup:
    article: Article
    moved: bool  # the slug was an old one: answer with a permanent redirect to the current one


def article_by_slug(*, viewer: Any, slug: str) -> SlugLookup:
    visible = articles_visible(viewer=viewer).select_related("category", "category__parent")
    article = visible.filter(slug=slug).first()
    if article is not None:
        return SlugLookup(article, moved=False)
    old = ArticleSlug.objects.filter(slug=slug).values_list("article_id", flat=True).first()
    article = visible.filter(pk=old).first() if old is not None else None
    if article is None:
        raise NotFound()
    return SlugLookup(article, moved=True)


def translations_of(*, viewer: Any, article: Article) -> list[Article]:
    """The other-language versions of `article` the viewer may see (the original included)."""
    root_id = article.translation_of_id or article.pk
    family = Q(pk=root_id) | Q(translation_of_id=root_id)
    return list(articles_visible(viewer=viewer).filter(family).exclude(pk=article.pk).order_by("language"))


def related_articles(*, viewer: Any, article: Article) -> list[Article]:
    return list(articles_visible(viewer=viewer).filter(related=article).exclude(pk=article.pk).order_by("title"))


def categories_with_articles(*, viewer: Any, language: str) -> list[Category]:
    """Top-level categories, each with `.visible_articles` and `.visible_sections` (sections that
    have articles the viewer may see, in `language`)."""
    articles = article_list(viewer=viewer, language=language, status=Status.PUBLISHED).order_by("title")
    by_category: dict[int | None, list[Article]] = {}
    for article in articles:
        by_category.setdefault(article.category_id, []).append(article)
    categories = list(Category.objects.all())
    for category in categories:
        category.visible_articles = by_category.get(category.pk, [])  # type: ignore[attr-defined]
    top = [c for c in categories if c.parent_id is None]
    for category in top:
        sections = [c for c in categories if c.parent_id == category.pk and c.visible_articles]  # type: ignore[attr-defined]
        category.visible_sections = sections  # type: ignore[attr-defined]
    return [c for c in top if c.visible_articles or c.visible_sections]  # type: ignore[attr-defined]


def category_get_by_slug(*, slug: str) -> Category:
    category = Category.objects.select_related("parent").filter(slug=slug).first()
    if category is None:
        raise NotFound()
    return category


def category_list() -> QuerySet[Category]:
    return Category.objects.select_related("parent")


def category_get(*, viewer: Any, category_id: Any, for_change: bool = False) -> Category:
    if for_change and not can_manage_categories(viewer):
        raise Forbidden()
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound()
    return category


def article_hits(text: str, *, viewer: Any, language: str = "", limit: int = 20, prefix: bool = False) -> list[Hit]:
    """Ranked search hits among the published articles the viewer may see (search engine)."""
    within = article_list(viewer=viewer, status=Status.PUBLISHED).values("pk")
    return search(SEARCH_KIND, text, language=language if language in Language.values else "",
                  within=within, limit=max(1, min(limit, MAX_MATCHES)), prefix=prefix)


def articles_matching(text: str, *, viewer: Any, language: str = "", limit: int = 20) -> list[Article]:
    """Published articles the viewer may see that match `text`, best first: accent-, case- and
    plural-insensitive, with the admin's synonyms and typo correction (atiende.search)."""
    hits = article_hits(text, viewer=viewer, language=language, limit=limit)
    found = Article.objects.select_related("category").in_bulk([hit.object_id for hit in hits])
    return [found[hit.object_id] for hit in hits if hit.object_id in found]


@dataclass(frozen=True)
class Suggestion:
    article: Article
    snippet: str  # safe HTML
    score: float


def article_suggestions(text: str, *, viewer: Any, language: str = "", limit: int = 5) -> list[Suggestion]:
    """What `/api/v1/kb/suggest/` answers: the best articles for what is being typed (the
    last word may be unfinished)."""
    hits = article_hits(text, viewer=viewer, language=language, limit=limit, prefix=True)
    found = Article.objects.only("id", "title", "slug", "language").in_bulk([hit.object_id for hit in hits])
    return [Suggestion(found[hit.object_id], hit.snippet, round(hit.score, 4)) for hit in hits if hit.object_id in found]


def revision_list(*, viewer: Any, article: Article) -> QuerySet[Revision]:
    if not can_edit_articles(viewer):
        raise NotFound()
    return article.revisions.select_related("editor")


def revision_get(*, viewer: Any, article: Article, number: Any) -> Revision:
    revision = revision_list(viewer=viewer, article=article).filter(number=number).first()
    if revision is None:
        raise NotFound()
    return revision


def attachment_get(*, viewer: Any, public_id: Any) -> ArticleAttachment:
    """A file of an article the viewer may see; anything else is NotFound."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    attachment = ArticleAttachment.objects.filter(public_id=key, article__in=articles_visible(viewer=viewer)).first()
    if attachment is None:
        raise NotFound()
    return attachment


def authoring_list(*, viewer: Any, status: str = "", language: str = "") -> QuerySet[Article]:
    """The workspace's article list: every article, with vote counts, for staff agents."""
    if not sees_drafts(viewer):
        raise NotFound()
    articles = article_list(viewer=viewer, language=language, status=status).annotate(
        helpful_votes=Count("votes", filter=Q(votes__helpful=True)),
        unhelpful_votes=Count("votes", filter=Q(votes__helpful=False)),
    ).select_related("author").prefetch_related(Prefetch("translations", queryset=Article.objects.only("id", "language", "translation_of_id")))
    return articles.order_by("-updated_at", "-id")


def sitemap_articles() -> QuerySet[Article]:
    """What search engines may index: public, published articles."""
    return articles_visible(viewer=None).select_related("translation_of").order_by("id")


def answer_for_article(*, viewer: Any, message_id: Any) -> str:
    """The text of an agent's public reply the viewer may see, to start an article from."""
    from atiende.tickets.models import Message
    from atiende.tickets.permissions import can_view_message

    if not can_edit_articles(viewer):
        raise NotFound()
    message = Message.objects.select_related("ticket").filter(pk=message_id, kind="public", author_kind="agent").first()
    if message is None or not can_view_message(viewer, message):
        raise NotFound()
    return message.body_text


def related_ids(*, viewer: Any, articles: list[Article]) -> dict[int, list[int]]:
    """For each article, the ids of its related articles the viewer may see (one query)."""
    through = Article.related.through
    pairs = through.objects.filter(from_article_id__in=[a.pk for a in articles],
                                   to_article__in=articles_visible(viewer=viewer)).order_by("to_article_id")
    found: dict[int, list[int]] = {a.pk: [] for a in articles}
    for source, target in pairs.values_list("from_article_id", "to_article_id"):
        found[source].append(target)
    return found
