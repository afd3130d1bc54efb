"""The public help center at /ayuda/: categories, articles with their vote, a search box whose
"contact us" link carries the words into a new request, files, and the sitemap. The same pages
show agents internal articles and drafts (marked), so they are also the agents' reading view.
Who sees what is the knowledge base's visibility policy, applied by its selectors."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from atiende.core.exceptions import DomainError, NotFound
from atiende.core.languages import interface_language
from atiende.kb import selectors as kb
from atiende.kb.markdown import plain_text, render_markdown
from atiende.kb.models import Status, Visibility
from atiende.kb.services import vote_record
from atiende.search.services import missed_query_log

SEARCH_LIMIT = 20
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def help_language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "es"


def _absolute(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


@require_GET
def help_home_view(request: HttpRequest) -> HttpResponse:
    language = help_language()
    categories = kb.categories_with_articles(viewer=request.user, language=language)
    return render(request, "help/home.html", {"categories": categories, "language": language,
                                              "canonical": _absolute(request, "help:home")})


@require_GET
def help_category_view(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        category = kb.category_get_by_slug(slug=slug)
    except NotFound:
        raise Http404() from None
    articles = kb.article_list(viewer=request.user, language=help_language(), status=Status.PUBLISHED,
                               category=category).order_by("title")
    return render(request, "help/category.html", {"category": category, "articles": articles,
                                                  "canonical": _absolute(request, "help:category", category.slug)})


@require_GET
def help_article_view(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = kb.article_by_slug(viewer=request.user, slug=slug)
    except NotFound:
        raise Http404() from None
    article = found.article
    if found.moved:
        return HttpResponsePermanentRedirect(reverse("help:article", args=[article.slug]))
    translations = kb.translations_of(viewer=request.user, article=article)
    context = {
        "article": article, "body_html": render_markdown(article.body),
        "description": plain_text(article.body, limit=160),
        "translations": translations, "related": kb.related_articles(viewer=request.user, article=article),
        "attachments": list(article.attachments.all()),
        "canonical": _absolute(request, "help:article", article.slug),
        "alternates": [(a.language, _absolute(request, "help:article", a.slug)) for a in translations],
        "indexable": article.status == Status.PUBLISHED and article.visibility == Visibility.PUBLIC,
        "voted": request.GET.get("voto") == "gracias",
    }
    with translation.override(interface_language(article.language)):
        return render(request, "help/article.html", context)


@require_POST
def help_vote_view(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = kb.article_by_slug(viewer=request.user, slug=slug).article
        vote_record(actor=request.user, article=article, helpful=request.POST.get("helpful") == "yes",
                    comment=request.POST.get("comment", ""))
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages.error(request, " ".join(str(v) for v in exc.fields.values()) or str(exc.message or exc.code))
        return redirect(reverse("help:article", args=[article.slug]) + "#vote")
    return redirect(reverse("help:article", args=[article.slug]) + "?voto=gracias#vote")


@require_GET
def help_search_view(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:200]
    results = kb.articles_matching(query, viewer=request.user, language=help_language(), limit=SEARCH_LIMIT) if query else []
    if query and not results:
        missed_query_log(kind="article", text=query)  # what the admin should write about next
    contact = reverse("portal:new") + ("?" + urlencode({"asunto": query}) if query else "")
    return render(request, "help/search.html", {"query": query, "results": results, "contact_url": contact,
                                                "snippets": {a.pk: plain_text(a.body, limit=200) for a in results}})


@require_GET
def help_attachment_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """Same rules as ticket files: permission first, sniffed type, never HTML on our origin.
    Raster images show inline (they are the article's pictures); anything else downloads."""
    try:
        attachment = kb.attachment_get(viewer=request.user, public_id=public_id)
        handle = attachment.file.open("rb")
    except (NotFound, FileNotFoundError):
        raise Http404() from None
    inline = attachment.content_type in INLINE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=attachment.filename,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    public = attachment.article.visibility == Visibility.PUBLIC and attachment.article.status == Status.PUBLISHED
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


@require_GET
def sitemap_view(request: HttpRequest) -> HttpResponse:
    """Public, published articles with their other-language versions (hreflang alternates)."""
    articles = list(kb.sitemap_articles())
    families: dict[int, list] = {}
    for article in articles:
        families.setdefault(article.translation_of_id or article.pk, []).append(article)
    entries = [{"loc": _absolute(request, "help:article", a.slug), "lastmod": a.updated_at,
                "alternates": [(t.language, _absolute(request, "help:article", t.slug))
                               for t in families[a.translation_of_id or a.pk]] if len(families[a.translation_of_id or a.pk]) > 1 else []}
               for a in articles]
    home = _absolute(request, "help:home")
    return render(request, "help/sitemap.xml", {"entries": entries, "home": home}, content_type="application/xml")
