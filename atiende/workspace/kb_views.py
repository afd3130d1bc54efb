"""Writing the knowledge base in the workspace: the list, the editor with its preview, the
revisions with their differences and restore, files, translations, and "create an article from
this answer" (a reply on a ticket page). Reading is the help center's pages (/ayuda/), which
show agents internal articles and drafts too."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.core.exceptions import DomainError, NotFound
from atiende.core.params import is_id_text
from atiende.kb import selectors as kb
from atiende.kb import services as kb_services
from atiende.kb.diffs import diff_lines
from atiende.kb.markdown import render_markdown
from atiende.kb.models import Article, Language, Status
from atiende.kb.permissions import can_edit_articles

from .kb_forms import ArticleForm
from .views import agent_required

FIELDS = ("title", "body", "language", "status", "visibility", "category", "translation_of", "organizations",
          "plans", "related")


def _author_only(request: HttpRequest) -> None:
    if not can_edit_articles(request.user):
        raise Http404()


def _article(request: HttpRequest, article_id: int) -> Article:
    try:
        return kb.article_get_for_edit(viewer=request.user, article_id=article_id)
    except NotFound:
        raise Http404() from None


def _apply_error(form: ArticleForm, exc: DomainError) -> None:
    for field, message in exc.fields.items():
        form.add_error(field if field in form.fields else None, str(message))
    if not exc.fields:
        form.add_error(None, str(exc.message or exc.code))


@agent_required
@require_GET
def kb_list_view(request: HttpRequest) -> HttpResponse:
    _author_only(request)
    status = request.GET.get("estado", "")
    language = request.GET.get("idioma", "")
    articles = kb.authoring_list(viewer=request.user, status=status if status in Status.values else "",
                                 language=language if language in Language.values else "")
    return render(request, "workspace/kb_list.html", {"articles": articles[:500], "status": status,
                                                      "language": language, "statuses": Status.choices,
                                                      "languages": Language.choices})


def _editor(request: HttpRequest, form: ArticleForm, article: Article | None, status: int = 200,
            preview: str | None = None) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "article": article, "preview": preview}
    if article is not None:
        context["translations"] = kb.translations_of(viewer=request.user, article=article)
        context["attachments"] = list(article.attachments.all())
    return render(request, "workspace/kb_edit.html", context, status=status)


@agent_required
@require_http_methods(["GET", "POST"])
def kb_new_view(request: HttpRequest) -> HttpResponse:
    _author_only(request)
    if request.method == "GET":
        initial: dict[str, Any] = {"status": Status.DRAFT, "language": Language.ES, "visibility": "public"}
        source = request.GET.get("desde", "")
        if is_id_text(source):
            try:
                initial["body"] = kb.answer_for_article(viewer=request.user, message_id=int(source))
            except NotFound:
                raise Http404() from None
        original = request.GET.get("traduccion_de", "")
        if is_id_text(original):
            base = _article(request, int(original))
            initial.update(translation_of=base.pk, category=base.category_id, visibility=base.visibility,
                           language=Language.EN if base.language == Language.ES else Language.ES,
                           title=base.title, body=base.body)
        return _editor(request, ArticleForm(initial=initial), None)
    return _save(request, None)


def _save(request: HttpRequest, article: Article | None) -> HttpResponse:
    form = ArticleForm(request.POST, article=article)
    if not form.is_valid():
        return _editor(request, form, article, status=400)
    if request.POST.get("action") == "preview":
        return _editor(request, form, article, preview=render_markdown(form.cleaned_data["body"]))
    values = {name: form.cleaned_data[name] for name in FIELDS}
    try:
        if article is None:
            article = kb_services.article_create(actor=request.user, note=form.cleaned_data["note"], **values)
        else:
            article = kb_services.article_update(actor=request.user, article=article, changes=values,
                                                 note=form.cleaned_data["note"])
    except DomainError as exc:
        _apply_error(form, exc)
        return _editor(request, form, article, status=400)
    messages.success(request, _("Article saved."))
    return redirect("workspace:kb-edit", article_id=article.pk)


@agent_required
@require_http_methods(["GET", "POST"])
def kb_edit_view(request: HttpRequest, article_id: int) -> HttpResponse:
    _author_only(request)
    article = _article(request, article_id)
    if request.method == "POST":
        return _save(request, article)
    initial = {name: getattr(article, name) for name in ("title", "body", "language", "status", "visibility",
                                                          "category", "translation_of")}
    initial.update(organizations=list(article.organizations.all()), plans=list(article.plans.all()),
                   related=list(article.related.all()))
    return _editor(request, ArticleForm(initial=initial, article=article), article)


@agent_required
@require_GET
def kb_revisions_view(request: HttpRequest, article_id: int) -> HttpResponse:
    _author_only(request)
    article = _article(request, article_id)
    revisions = list(kb.revision_list(viewer=request.user, article=article))
    rows = []
    for newer, older in zip(revisions, [*revisions[1:], None], strict=True):
        before = f"{older.title}\n\n{older.body}" if older else ""
        rows.append((newer, diff_lines(before, f"{newer.title}\n\n{newer.body}")))
    return render(request, "workspace/kb_revisions.html", {"article": article, "rows": rows})


@agent_required
@require_POST
def kb_restore_view(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    _author_only(request)
    article = _article(request, article_id)
    try:
        revision = kb.revision_get(viewer=request.user, article=article, number=number)
    except NotFound:
        raise Http404() from None
    try:
        kb_services.revision_restore(actor=request.user, article=article, revision=revision)
    except DomainError as exc:  # e.g. the old text's translation slot is taken by now
        messages.error(request, str(exc.message or exc.code))
    else:
        messages.success(request, _("Revision %(number)s restored.") % {"number": number})
    return redirect("workspace:kb-edit", article_id=article.pk)


@agent_required
@require_POST
def kb_attachment_view(request: HttpRequest, article_id: int) -> HttpResponse:
    _author_only(request)
    article = _article(request, article_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            kb_services.attachment_add(actor=request.user, article=article, upload=upload)
        except DomainError as exc:
            messages.error(request, str(exc.message or exc.code))
        else:
            messages.success(request, _("File added. Copy its Markdown into the text to show it."))
    return redirect("workspace:kb-edit", article_id=article.pk)
