"""The knowledge base as files (pure: no database): `categories.yaml` and one Markdown file per
article under `articles/`, its fields in YAML front matter and its body after, byte for byte.

    ---
    title: Cómo renovar tu dominio .mx
    slug: como-renovar-tu-dominio-mx
    language: es
    ...
    ---
    El cuerpo en Markdown, tal cual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FENCE = "---\n"
ARTICLE_KEYS = ("title", "slug", "language", "status", "visibility", "category", "translation_of", "related",
                "organizations", "plans", "old_slugs")
CATEGORY_KEYS = ("slug", "name", "name_en", "description", "parent", "position")


class BundleError(ValueError):
    """A file that is not a knowledge base file; the message names it."""


@dataclass
class ArticleFile:
    title: str
    slug: str
    language: str
    status: str
    visibility: str
    body: str
    category: str = ""
    translation_of: str = ""
    related: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    old_slugs: list[str] = field(default_factory=list)


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)


def format_article(article: ArticleFile) -> str:
    meta = {key: getattr(article, key) for key in ARTICLE_KEYS}
    return FENCE + _dump(meta) + FENCE + article.body


def parse_article(text: str, *, where: str) -> ArticleFile:
    if not text.startswith(FENCE):
        raise BundleError(f"{where}: no front matter (the file must start with ---)")
    end = text.find("\n" + FENCE, len(FENCE) - 1)
    if end < 0:
        raise BundleError(f"{where}: the front matter is not closed with ---")
    try:
        meta = yaml.safe_load(text[len(FENCE): end + 1]) or {}
    except yaml.YAMLError as exc:
        raise BundleError(f"{where}: the front matter is not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(meta, dict):
        raise BundleError(f"{where}: the front matter is not a mapping")
    unknown = set(meta) - set(ARTICLE_KEYS)
    if unknown:
        raise BundleError(f"{where}: unknown fields {', '.join(sorted(map(str, unknown)))}")
    for key in ("title", "slug", "language", "status", "visibility"):
        if not isinstance(meta.get(key), str) or not meta[key]:
            raise BundleError(f"{where}: '{key}' is required")
    values: dict[str, Any] = {"body": text[end + 1 + len(FENCE):]}
    for key in ARTICLE_KEYS:
        value = meta.get(key)
        if key in ("related", "organizations", "plans", "old_slugs"):
            value = value or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise BundleError(f"{where}: '{key}' must be a list of names")
        else:
            value = "" if value is None else value
            if not isinstance(value, str):
                raise BundleError(f"{where}: '{key}' must be text")
        values[key] = value
    return ArticleFile(**values)


def format_categories(categories: list[dict[str, Any]]) -> str:
    return _dump([{key: c[key] for key in CATEGORY_KEYS} for c in categories])


def parse_categories(text: str, *, where: str) -> list[dict[str, Any]]:
    try:
        rows = yaml.safe_load(text) or []
    except yaml.YAMLError:
        raise BundleError(f"{where}: not valid YAML") from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) and r.get("slug") and r.get("name") for r in rows):
        raise BundleError(f"{where}: a list of categories, each with a slug and a name")
    return [{"slug": str(r["slug"]), "name": str(r["name"]), "name_en": str(r.get("name_en") or ""),
             "description": str(r.get("description") or ""), "parent": str(r.get("parent") or ""),
             "position": int(r.get("position") or 0)} for r in rows]


def write_bundle(path: Path, categories: list[dict[str, Any]], articles: list[ArticleFile]) -> None:
    folder = path / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    (path / "categories.yaml").write_text(format_categories(categories), encoding="utf-8")
    for article in articles:
        (folder / f"{article.slug}.md").write_bytes(format_article(article).encode("utf-8"))


def read_bundle(path: Path) -> tuple[list[dict[str, Any]], list[ArticleFile]]:
    if not path.is_dir():
        raise BundleError(f"{path}: not a folder")
    categories_file = path / "categories.yaml"
    categories = (parse_categories(categories_file.read_text(encoding="utf-8"), where=str(categories_file))
                  if categories_file.exists() else [])
    articles = []
    for file in sorted((path / "articles").glob("*.md")):
        try:
            text = file.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise BundleError(f"{file}: not UTF-8") from None
        articles.append(parse_article(text, where=str(file)))
    return categories, articles
