"""Writes to the knowledge base. Every change to an article's text or state leaves a revision;
a new title gives a new slug and keeps the old one, so old links redirect."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from atiende.core import clock
from atiende.core.exceptions import Forbidden, Invalid, NotFound
from atiende.customers.models import Organization, SupportPlan
from atiende.search.services import index_document
from atiende.tickets.attachments import check_upload

from .markdown import plain_text
from .models import (
    Article,
    ArticleAttachment,
    ArticleSlug,
    Category,
    Language,
    Revision,
    Status,
    Visibility,
    Vote,
)
from .permissions import can_edit_articles, can_manage_categories, can_view_article
from .slugs import slug_for

TITLE_MAX = 200
BODY_MAX = 200_000
COMMENT_MAX = 2000
CONTENT_FIELDS = ("title", "body", "status", "visibility")
ARTICLE_FIELDS = {"title", "body", "language", "status", "visibility", "category", "translation_of", "slug",
                  "organizations", "plans", "related"}


def _require_author(actor: Any) -> None:
    if not can_edit_articles(actor):
        raise Forbidden(_("Only agents write knowledge base articles."))


def _clean_text(changes: dict[str, Any]) -> None:
    if "title" in changes:
        title = " ".join(str(changes["title"] or "").replace("\x00", "").split())
        if not title:
            raise Invalid(fields={"title": _("Give the article a title.")})
        if len(title) > TITLE_MAX:
            raise Invalid(fields={"title": _("At most 200 characters.")})
        changes["title"] = title
    if "body" in changes:
        body = str(changes["body"] or "").replace("\x00", "").replace("\r\n", "\n")
        if len(body) > BODY_MAX:
            raise Invalid(fields={"body": _("The article is too long (at most 200,000 characters).")})
        changes["body"] = body
    choices = {"language": Language.values, "status": Status.values, "visibility": Visibility.values}
    for field, allowed in choices.items():
        if field in changes and changes[field] not in allowed:
            raise Invalid(fields={field: _("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}})


def _slug_free(slug: str, article: Article | None) -> bool:
    mine = article.pk if article is not None else None
    taken = Article.objects.filter(slug=slug).exclude(pk=mine).exists()
    return not taken and not ArticleSlug.objects.filter(slug=slug).exclude(article_id=mine).exists()


def _unique_slug(base: str, article: Article | None) -> str:
    slug, n = base, 2
    while not _slug_free(slug, article):
        suffix = f"-{n}"
        slug, n = base[: 200 - len(suffix)] + suffix, n + 1
    return slug


def _translation_root(article: Article | None, target: Article | None, language: str) -> Article | None:
    """The original article `article` (in `language`) may translate; Invalid when it cannot."""
    if target is None:
        return None
    root = target.translation_of or target
    if article is not None and (root.pk == article.pk or Article.objects.filter(translation_of=article).exists()):
        raise Invalid(fields={"translation_of": _("An original article cannot become a translation.")})
    if root.language == language:
        raise Invalid(fields={"translation_of": _("A translation is in the other language.")})
    clash = Article.objects.filter(translation_of=root, language=language)
    if article is not None:
        clash = clash.exclude(pk=article.pk)
    if clash.exists():
        raise Invalid(fields={"translation_of": _("That article already has a translation in this language.")})
    return root


def _set_links(article: Article, changes: dict[str, Any]) -> None:
    if "organizations" in changes:
        article.organizations.set(list(changes["organizations"] or []))
    if "plans" in changes:
        article.plans.set(list(changes["plans"] or []))
    if "related" in changes:
        article.related.set([a for a in changes["related"] or [] if a.pk != article.pk])


SEARCH_KIND = "article"


def article_index(article: Article) -> None:
    """Make the article findable as it now is (every state: the selectors decide who sees it)."""
    index_document(kind=SEARCH_KIND, object_id=article.pk, title=article.title, body=plain_text(article.body),
                   language=article.language)


def articles_reindex(*, batch: int = 500, progress: Any = None) -> int:
    """Every article into the search index (`atiende search reindex article`)."""
    done = 0
    for article in Article.objects.only("id", "title", "body", "language").order_by("pk").iterator(chunk_size=batch):
        article_index(article)
        done += 1
        if progress is not None and done % batch == 0:
            progress(done)
    return done


def _revise(article: Article, actor: Any, note: str = "") -> Revision:
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return Revision.objects.create(article=article, number=number, title=article.title, body=article.body,
                                   status=article.status, visibility=article.visibility,
                                   editor=actor if getattr(actor, "pk", None) else None, note=note[:200])


def article_create(*, actor: Any, title: str, body: str = "", language: str = Language.ES,
                   status: str = Status.DRAFT, visibility: str = Visibility.PUBLIC, category: Category | None = None,
                   translation_of: Article | None = None, slug: str = "", note: str = "",
                   organizations: Iterable[Organization] = (), plans: Iterable[SupportPlan] = (),
                   related: Iterable[Article] = ()) -> Article:
    _require_author(actor)
    values: dict[str, Any] = {"title": title, "body": body, "language": language, "status": status,
                              "visibility": visibility}
    _clean_text(values)
    with transaction.atomic():
        root = _translation_root(None, translation_of, values["language"])
        now = clock.now()
        article = Article.objects.create(
            **values, category=category, translation_of=root, author=actor if getattr(actor, "pk", None) else None,
            slug=_unique_slug(slug_for(slug or values["title"]), None), created_at=now, updated_at=now,
            published_at=now if values["status"] == Status.PUBLISHED else None,
        )
        _set_links(article, {"organizations": organizations, "plans": plans, "related": related})
        _revise(article, actor, note or _("Created"))
        article_index(article)
    return article


def article_update(*, actor: Any, article: Article, changes: dict[str, Any], note: str = "") -> Article:
    """Apply `changes` (any of ARTICLE_FIELDS); a revision when the text or state changed."""
    _require_author(actor)
    unknown = set(changes) - ARTICLE_FIELDS
    if unknown:
        raise Invalid(fields={name: _("Unknown field.") for name in sorted(unknown)})
    changes = dict(changes)
    _clean_text(changes)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        language = changes.get("language", article.language)
        if "translation_of" in changes or "language" in changes:
            target = changes.get("translation_of", article.translation_of)
            changes["translation_of"] = _translation_root(article, target, language)
        old_slug = article.slug
        for field in ("title", "body", "language", "status", "visibility", "category", "translation_of"):
            if field in changes:
                setattr(article, field, changes[field])
        wanted = changes.get("slug") or (slug_for(changes["title"]) if "title" in changes else old_slug)
        article.slug = _unique_slug(slug_for(wanted), article)
        if article.slug != old_slug:
            ArticleSlug.objects.filter(slug=article.slug).delete()  # its own old slug, reclaimed
            ArticleSlug.objects.create(slug=old_slug, article=article)
        if article.status == Status.PUBLISHED and article.published_at is None:
            article.published_at = clock.now()
        article.updated_at = clock.now()
        article.save()
        _set_links(article, changes)
        last = article.revisions.first()
        if last is None or any(getattr(last, f) != getattr(article, f) for f in CONTENT_FIELDS):
            _revise(article, actor, note)
        article_index(article)
    return article


def article_archive(*, actor: Any, article: Article) -> Article:
    return article_update(actor=actor, article=article, changes={"status": Status.ARCHIVED}, note=_("Archived"))


def revision_restore(*, actor: Any, article: Article, revision: Revision) -> Article:
    """The article's text as `revision` had it, kept as a new revision (history is never lost)."""
    if revision.article_id != article.pk:
        raise NotFound()
    return article_update(actor=actor, article=article, changes={"title": revision.title, "body": revision.body},
                          note=_("Restored revision %(number)s") % {"number": revision.number})


def attachment_add(*, actor: Any, article: Article, upload: Any) -> ArticleAttachment:
    _require_author(actor)
    checked = check_upload(upload)
    attachment = ArticleAttachment(article=article, filename=checked.filename, content_type=checked.content_type,
                                   size=checked.size, uploaded_by=actor if getattr(actor, "pk", None) else None)
    attachment.file.save(checked.filename, checked.upload, save=False)
    attachment.save()
    return attachment


def vote_record(*, actor: Any, article: Article, helpful: bool, comment: str = "") -> Vote:
    """"¿Te sirvió este artículo?": anyone who may read a published article may answer."""
    if article.status != Status.PUBLISHED or not can_view_article(actor, article):
        raise NotFound()
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > COMMENT_MAX:
        raise Invalid(fields={"comment": _("At most 2,000 characters.")})
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Vote.objects.create(article=article, helpful=helpful, comment=comment, user=user)


# --- categories --------------------------------------------------------------------------------

CATEGORY_FIELDS = {"name", "name_en", "slug", "description", "parent", "position"}


def _require_category_manager(actor: Any) -> None:
    if not can_manage_categories(actor):
        raise Forbidden(_("Only supervisors and administrators arrange categories."))


def _clean_category(values: dict[str, Any], category: Category | None) -> None:
    for field, limit in (("name", 120), ("name_en", 120), ("description", 300)):
        if field in values:
            values[field] = " ".join(str(values[field] or "").replace("\x00", "").split())
            if len(values[field]) > limit:
                raise Invalid(fields={field: _("Too long.")})
    if "name" in values and not values["name"]:
        raise Invalid(fields={"name": _("Give the category a name.")})
    parent = values.get("parent")
    if parent is not None and (parent.parent_id is not None or (category is not None and parent.pk == category.pk)
                               or (category is not None and category.sections.exists())):
        raise Invalid(fields={"parent": _("Sections go one level deep, inside a category.")})
    if "slug" in values or "name" in values:
        base = slug_for(values.get("slug") or values.get("name") or (category.name if category else ""))
        slug, n = base, 2
        while Category.objects.filter(slug=slug).exclude(pk=getattr(category, "pk", None)).exists():
            slug, n = f"{base}-{n}", n + 1
        values["slug"] = slug


def category_create(*, actor: Any, name: str, **values: Any) -> Category:
    _require_category_manager(actor)
    unknown = set(values) - CATEGORY_FIELDS
    if unknown:
        raise Invalid(fields={n: _("Unknown field.") for n in sorted(unknown)})
    values["name"] = name
    _clean_category(values, None)
    return Category.objects.create(**values)


def category_update(*, actor: Any, category: Category, changes: dict[str, Any]) -> Category:
    _require_category_manager(actor)
    unknown = set(changes) - CATEGORY_FIELDS
    if unknown:
        raise Invalid(fields={n: _("Unknown field.") for n in sorted(unknown)})
    changes = dict(changes)
    _clean_category(changes, category)
    for field, value in changes.items():
        setattr(category, field, value)
    category.save()
    return category


def category_delete(*, actor: Any, category: Category) -> None:
    """Only an empty category goes: its articles would lose their place in the help center."""
    _require_category_manager(actor)
    if category.sections.exists() or category.articles.exists():
        raise Invalid(_("Move its articles and sections first."), code="category_not_empty")
    category.delete()


def articles_by_ids(ids: Iterable[int]) -> list[Article]:
    wanted = list(ids)
    found = list(Article.objects.filter(pk__in=wanted))
    if len(found) != len(set(wanted)):
        raise Invalid(fields={"related": _("Unknown article.")})
    return found


def lookups_for(*, organizations: Iterable[int] = (), plans: Iterable[int] = ()) -> dict[str, list[Any]]:
    """Rows for the organization and plan ids of an API call; Invalid naming the field."""
    result: dict[str, list[Any]] = {}
    for field, model, ids in (("organizations", Organization, organizations), ("plans", SupportPlan, plans)):
        wanted = set(ids)
        rows = list(model.objects.filter(Q(pk__in=wanted)))
        if len(rows) != len(wanted):
            raise Invalid(fields={field: _("Unknown id.")})
        result[field] = rows
    return result
