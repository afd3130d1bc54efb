"""`atiende kb export PATH` and `atiende kb import PATH`: the whole knowledge base to and from
files (bundle.py). Import matches categories and articles by slug (an article's old slugs too),
so importing the same folder again changes nothing; it runs in one transaction, so a bad file
leaves the knowledge base as it was."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from atiende.accounts.services import system_actor
from atiende.customers.models import Organization, SupportPlan

from . import services
from .bundle import ArticleFile, BundleError, read_bundle, write_bundle
from .models import Article, ArticleSlug, Category


@dataclass(frozen=True)
class ImportSummary:
    categories: int
    created: int
    updated: int


def kb_export(path: Path) -> int:
    categories = [{"slug": c.slug, "name": c.name, "name_en": c.name_en, "description": c.description,
                   "parent": c.parent.slug if c.parent else "", "position": c.position}
                  for c in Category.objects.select_related("parent").order_by("parent_id", "position", "slug")]
    # Parents first: top-level categories sort before sections (NULL parent ids first on both databases).
    categories.sort(key=lambda c: (c["parent"] != "", c["position"], c["slug"]))
    articles = [
        ArticleFile(title=a.title, slug=a.slug, language=a.language, status=a.status, visibility=a.visibility,
                    body=a.body, category=a.category.slug if a.category else "",
                    translation_of=a.translation_of.slug if a.translation_of else "",
                    related=sorted(r.slug for r in a.related.all()),
                    organizations=sorted(o.name for o in a.organizations.all()),
                    plans=sorted(p.name for p in a.plans.all()),
                    old_slugs=sorted(s.slug for s in a.old_slugs.all()))
        for a in Article.objects.select_related("category", "translation_of")
        .prefetch_related("related", "organizations", "plans", "old_slugs").order_by("slug")
    ]
    write_bundle(path, categories, articles)
    return len(articles)


def kb_import(path: Path) -> ImportSummary:
    category_rows, files = read_bundle(path)
    actor = system_actor("kb")
    with transaction.atomic():
        for row in category_rows:
            _category_upsert(actor, row)
        articles, created = {}, 0
        for file in files:
            article, is_new = _article_upsert(actor, file)
            articles[file.slug], created = article, created + is_new
        for file in files:  # links once every article exists
            changes = {
                "translation_of": _by_slug(articles, file.translation_of, file, "translation_of"),
                "related": [_by_slug(articles, slug, file, "related") for slug in file.related],
            }
            services.article_update(actor=actor, article=articles[file.slug], changes=changes)
            for old in file.old_slugs:
                if old != file.slug and not Article.objects.filter(slug=old).exists():
                    ArticleSlug.objects.update_or_create(slug=old, defaults={"article": articles[file.slug]})
    return ImportSummary(categories=len(category_rows), created=created, updated=len(files) - created)


def _category_upsert(actor, row: dict) -> None:
    parent = None
    if row["parent"]:
        parent = Category.objects.filter(slug=row["parent"]).first()
        if parent is None:
            raise BundleError(f"categories.yaml: unknown parent '{row['parent']}' of '{row['slug']}'")
    values = {"name": row["name"], "name_en": row["name_en"], "description": row["description"], "parent": parent,
              "position": row["position"], "slug": row["slug"]}
    existing = Category.objects.filter(slug=row["slug"]).first()
    if existing is None:
        services.category_create(actor=actor, **values)
    else:
        services.category_update(actor=actor, category=existing, changes=values)


def _named(model, names: list[str], file: ArticleFile, field: str) -> list:
    rows = list(model.objects.filter(name__in=names))
    if len(rows) != len(set(names)):
        raise BundleError(f"{file.slug}.md: unknown {field}: {', '.join(sorted(set(names) - {r.name for r in rows}))}")
    return rows


def _article_upsert(actor, file: ArticleFile) -> tuple[Article, bool]:
    category = None
    if file.category:
        category = Category.objects.filter(slug=file.category).first()
        if category is None:
            raise BundleError(f"{file.slug}.md: unknown category '{file.category}'")
    values = {"title": file.title, "body": file.body, "language": file.language, "status": file.status,
              "visibility": file.visibility, "category": category,
              "organizations": _named(Organization, file.organizations, file, "organizations"),
              "plans": _named(SupportPlan, file.plans, file, "plans")}
    existing = (Article.objects.filter(slug=file.slug).first()
                or Article.objects.filter(old_slugs__slug=file.slug).first())
    if existing is None:
        return services.article_create(actor=actor, slug=file.slug, **values), True
    return services.article_update(actor=actor, article=existing, changes={**values, "slug": file.slug}), False


def _by_slug(articles: dict[str, Article], slug: str, file: ArticleFile, field: str) -> Article | None:
    if not slug:
        return None
    found = articles.get(slug) or Article.objects.filter(slug=slug).first()
    if found is None:
        raise BundleError(f"{file.slug}.md: unknown article '{slug}' in {field}")
    return found
