"""The knowledge base: visibility, translations, revisions, slugs, files, votes, markdown, import/export."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from atiende.core.exceptions import Forbidden, Invalid
from atiende.customers.models import SupportPlan
from atiende.kb import selectors, services
from atiende.kb.markdown import fold, render_markdown
from atiende.kb.models import Article, ArticleSlug, Category, Revision, Vote
from atiende.kb.transfer import kb_export, kb_import
from atiende.tickets.services import message_create


def page(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


@pytest.fixture
def kb(world):
    gold = SupportPlan.objects.create(name="Oro")
    world.org_b.support_plan = gold
    world.org_b.save()
    dns = services.category_create(actor=world.admin, name="Dominios y DNS")
    def make(title, visibility="public", status="published", **extra):
        return services.article_create(actor=world.agent1, title=title, body=f"Texto de {title}", status=status,
                                       visibility=visibility, category=dns, **extra)
    return {
        "public": make("Cómo apuntar tu dominio"),
        "customers": make("Precios para clientes", "customers"),
        "org_a": make("Guía exclusiva de Tienda A", "customers", organizations=[world.org_a]),
        "gold": make("Soporte Oro: línea directa", "customers", plans=[gold]),
        "internal": make("Procedimiento interno de reembolsos", "internal"),
        "draft": make("Borrador del candadito", status="draft"),
        "dns": dns,
    }


VISIBLE = {
    "anonymous": {"public"},
    "customer_a": {"public", "customers", "org_a"},
    "customer_b": {"public", "customers", "gold"},
    "collaborator": {"public"},
    "agent2": {"public", "customers", "org_a", "gold", "internal", "draft"},
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_visibility_in_selectors_api_and_help_center(world, kb, who):
    user = {"anonymous": None, "customer_a": world.customer_a.user, "customer_b": world.customer_b.user,
            "collaborator": world.collaborator, "agent2": world.agent2}[who]
    keys = [k for k in kb if k != "dns"]
    titles = {k: kb[k].title for k in keys}
    seen = {k for k in keys if selectors.articles_visible(viewer=user).filter(pk=kb[k].pk).exists()}
    assert seen == VISIBLE[who]
    api = world.client_for(user).get("/api/v1/kb/articles/")
    assert api.status_code == 200
    assert {r["title"] for r in api.json()["results"]} == {titles[k] for k in VISIBLE[who]}
    for key in keys:
        detail = world.client_for(user).get(f"/api/v1/kb/articles/{kb[key].pk}/")
        assert detail.status_code == (200 if key in VISIBLE[who] else 404)
        shown = page(user).get(f"/ayuda/articulo/{kb[key].slug}/")
        assert shown.status_code == (200 if key in VISIBLE[who] else 404)
        if key not in VISIBLE[who]:
            assert titles[key].encode() not in shown.content
    home = page(user).get("/ayuda/").content.decode()
    for key in keys:
        listed = titles[key] in home
        assert listed is (key in VISIBLE[who] and key != "draft")


def test_organization_and_plan_restrictions_hide_the_list_from_customers(world, kb):
    as_customer = world.client_for(world.customer_a.user).get(f"/api/v1/kb/articles/{kb['org_a'].pk}/").json()
    assert as_customer["organizations"] is None and as_customer["plans"] is None
    as_agent = world.client_for(world.agent1).get(f"/api/v1/kb/articles/{kb['org_a'].pk}/").json()
    assert as_agent["organizations"] == [world.org_a.pk]


def test_translations_link_both_ways_and_refuse_a_second_one(world, kb):
    english = services.article_create(actor=world.agent1, title="How to point your domain", language="en",
                                      status="published", translation_of=kb["public"])
    assert selectors.translations_of(viewer=None, article=kb["public"]) == [english]
    assert selectors.translations_of(viewer=None, article=english) == [kb["public"]]
    with pytest.raises(Invalid) as same:
        services.article_create(actor=world.agent1, title="Otra", language="es", translation_of=kb["public"])
    assert "translation_of" in same.value.fields
    with pytest.raises(Invalid):
        services.article_create(actor=world.agent1, title="Another", language="en", translation_of=english)
    html = page().get(f"/ayuda/articulo/{kb['public'].slug}/").content.decode()
    assert f'hreflang="en" href="http://testserver/ayuda/articulo/{english.slug}/"' in html
    assert f'<link rel="canonical" href="http://testserver/ayuda/articulo/{kb["public"].slug}/">' in html
    sitemap = page().get("/sitemap.xml")
    assert sitemap["Content-Type"].startswith("application/xml")
    body = sitemap.content.decode()
    assert body.count("<url>") == 3  # the home page and the two public published articles
    assert kb["internal"].slug not in body and kb["customers"].slug not in body


def test_every_edit_is_a_revision_and_restore_keeps_history(world, kb):
    article = kb["public"]
    services.article_update(actor=world.agent2, article=article, changes={"body": "Segunda versión"})
    services.article_update(actor=world.agent2, article=article, changes={"category": kb["dns"]})  # no text change
    assert list(article.revisions.values_list("number", "body")) == [(2, "Segunda versión"), (1, "Texto de Cómo apuntar tu dominio")]
    first = article.revisions.get(number=1)
    restored = services.revision_restore(actor=world.admin, article=article, revision=first)
    assert restored.body == "Texto de Cómo apuntar tu dominio"
    latest = restored.revisions.first()
    assert (latest.number, latest.editor, latest.note) == (3, world.admin, gettext("Restored revision %(number)s") % {"number": 1})  # stored in the language in use
    response = page(world.agent1).get(f"/bandeja/base/{article.pk}/revisiones/")
    assert response.status_code == 200 and "Segunda versión" in response.content.decode()
    page(world.agent1).post(f"/bandeja/base/{article.pk}/revisiones/2/restaurar/")
    article.refresh_from_db()
    assert article.body == "Segunda versión" and article.revisions.count() == 4
    assert page(world.customer_a.user).post(f"/bandeja/base/{article.pk}/revisiones/1/restaurar/").status_code == 302
    article.refresh_from_db()
    assert article.body == "Segunda versión" and article.revisions.count() == 4


def test_renames_keep_old_urls_with_a_permanent_redirect(world, kb):
    article = kb["public"]
    old = article.slug
    services.article_update(actor=world.agent1, article=article, changes={"title": "Apunta tu dominio .mx"})
    article.refresh_from_db()
    assert article.slug == "apunta-tu-dominio-mx" and ArticleSlug.objects.filter(slug=old, article=article).exists()
    response = page().get(f"/ayuda/articulo/{old}/")
    assert response.status_code == 301 and response["Location"] == "/ayuda/articulo/apunta-tu-dominio-mx/"
    # A new article may not take the old slug; renaming back reclaims it.
    other = services.article_create(actor=world.agent1, title="Cómo apuntar tu dominio")
    assert other.slug == f"{old}-2"
    services.article_update(actor=world.agent1, article=article, changes={"title": "Cómo apuntar tu dominio"})
    article.refresh_from_db()
    assert article.slug == old and not ArticleSlug.objects.filter(slug=old).exists()
    assert page().get("/ayuda/articulo/apunta-tu-dominio-mx/")["Location"] == f"/ayuda/articulo/{old}/"
    # An old slug of an article the visitor may not see is a 404, not a redirect.
    internal = kb["internal"]
    before = internal.slug
    services.article_update(actor=world.agent1, article=internal, changes={"title": "Reembolsos"})
    assert page().get(f"/ayuda/articulo/{before}/").status_code == 404


HOSTILE = [
    "<script>alert(1)</script>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "<img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<svg onload="alert(1)">',
]


@pytest.mark.parametrize("markdown", HOSTILE)
def test_markdown_renders_inert(world, markdown):
    lowered = render_markdown(markdown).lower()
    assert not re.search(r"<(script|iframe|svg)", lowered)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", lowered)  # no real tag carries an event handler
    assert not re.search(r"<[a-z][^<>]*(href|src)=\"(javascript|data):", lowered)
    article = services.article_create(actor=world.agent1, title="Hostil", body=markdown, status="published")
    for response in (page().get(f"/ayuda/articulo/{article.slug}/"),
                     page(world.agent1).post(f"/bandeja/base/{article.pk}/", {"title": "Hostil", "body": markdown, "language": "es",
                                                                          "status": "published", "visibility": "public",
                                                                          "action": "preview"})):
        body = response.content.decode().lower()
        assert response.status_code == 200
        assert "<script>alert" not in body and "<iframe" not in body and "<svg onload" not in body
        assert not re.search(r"<[a-z][^<>]*(href|src)=\"javascript:", body) and "<img src=x" not in body
    api = world.client_for(None).get(f"/api/v1/kb/articles/{article.pk}/").json()
    assert "<script" not in api["body_html"] and not re.search(r"<a[^<>]*javascript:", api["body_html"].lower())


def test_markdown_keeps_formatting():
    assert render_markdown("# Hola\n\n**negritas** y [enlace](https://nic.mx)") == (
        '<h1>Hola</h1>\n<p><strong>negritas</strong> y <a href="https://nic.mx" rel="noopener noreferrer nofollow">'
        "enlace</a></p>\n")
    assert fold("Renovación DE Dominio") == "renovacion de dominio" and fold("Año") == "año"


def test_search_is_accent_and_case_insensitive_and_respects_visibility(world, kb):
    found = selectors.articles_matching("COMO apuntar", viewer=None, language="es")
    assert found == [kb["public"]]
    assert selectors.articles_matching("reembolsos", viewer=None) == []
    assert selectors.articles_matching("reembolsos", viewer=world.agent1) == [kb["internal"]]
    for nasty in ("", "!!!", "a" * 10_000, '" OR 1=1 --', "NEAR & | *", "ñ\u0301"):
        assert page().get("/ayuda/buscar/", {"q": nasty}).status_code == 200
    assert page().get("/ayuda/buscar/", {"q": "\x00"}).status_code == 400  # the middleware's answer to NUL
    response = page().get("/ayuda/buscar/", {"q": "mi candadito no sale"})
    assert 'href="/soporte/nueva/?asunto=mi+candadito+no+sale"' in response.content.decode()
    new = page(world.customer_a.user).get("/soporte/nueva/?asunto=mi+candadito+no+sale")
    assert 'value="mi candadito no sale"' in new.content.decode()


def test_votes_with_comment_and_refusals(world, kb):
    response = page().post(f"/ayuda/articulo/{kb['public'].slug}/voto/", {"helpful": "yes", "comment": "Me sirvió"})
    assert response.status_code == 302 and "voto=gracias" in response["Location"]
    page(world.customer_a.user).post(f"/ayuda/articulo/{kb['org_a'].slug}/voto/", {"helpful": "no"})
    assert page(world.customer_b.user).post(f"/ayuda/articulo/{kb['org_a'].slug}/voto/", {"helpful": "no"}).status_code == 404
    assert page(world.agent1).post(f"/ayuda/articulo/{kb['draft'].slug}/voto/", {"helpful": "no"}).status_code == 404
    page().post(f"/ayuda/articulo/{kb['public'].slug}/voto/", {"helpful": "no", "comment": "x" * 2001})
    assert list(Vote.objects.order_by("id").values_list("article__slug", "helpful", "comment", "user")) == [
        (kb["public"].slug, True, "Me sirvió", None), (kb["org_a"].slug, False, "", world.customer_a.user.pk)]


def test_files_follow_the_article_visibility(world, kb):
    png = SimpleUploadedFile("mapa.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    image = services.attachment_add(actor=world.agent1, article=kb["org_a"], upload=png)
    html = services.attachment_add(actor=world.agent1, article=kb["org_a"],
                                   upload=SimpleUploadedFile("x.html", b"<script>alert(1)</script>"))
    url = f"/ayuda/adjuntos/{image.public_id}/"
    shown = page(world.customer_a.user).get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert shown["X-Content-Type-Options"] == "nosniff" and "sandbox" in shown["Content-Security-Policy"]
    assert not shown["Content-Disposition"].startswith("attachment")
    script = page(world.customer_a.user).get(f"/ayuda/adjuntos/{html.public_id}/")
    assert script["Content-Type"] == "text/plain" and script["Content-Disposition"].startswith("attachment")
    for user in (None, world.customer_b.user, world.collaborator):
        assert page(user).get(url).status_code == 404
    assert page().get("/ayuda/adjuntos/no-es-uuid/").status_code == 404
    with pytest.raises(Forbidden):
        services.attachment_add(actor=world.customer_a.user, article=kb["public"], upload=png)


def test_api_writes_and_archives(world, kb):
    api = world.client_for(world.agent1)
    created = api.post("/api/v1/kb/articles/", {"title": "Facturación CFDI 4.0", "body": "**RFC**", "language": "es",
                                                "visibility": "customers", "status": "published",
                                                "category": kb["dns"].pk, "organizations": [world.org_a.pk]},
                       format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["slug"], data["body_html"], data["organizations"]) == ("facturacion-cfdi-40", "<p><strong>RFC</strong></p>\n", [world.org_a.pk])
    translation = api.post("/api/v1/kb/articles/", {"title": "CFDI invoices", "language": "en",
                                                    "translation_of": data["id"]}, format="json")
    assert translation.status_code == 201 and translation.json()["translation_of"] == data["id"]
    patched = api.patch(f"/api/v1/kb/articles/{data['id']}/", {"title": "Facturas CFDI"}, format="json")
    assert patched.json()["slug"] == "facturas-cfdi"
    archived = api.delete(f"/api/v1/kb/articles/{data['id']}/")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert Article.objects.get(pk=data["id"]).revisions.count() == 3
    bad = [({"title": ""}, "title"), ({"title": "x", "language": "fr"}, "language"),
           ({"title": "x", "visibility": "secret"}, "visibility"), ({"title": "x", "category": 999999}, "category"),
           ({"title": "x", "translation_of": kb["internal"].pk, "language": "es"}, "translation_of"),
           ({"title": "x", "organizations": [10**30]}, "organizations"), ({"title": "x\x00"}, None)]
    for payload, field in bad:
        response = api.post("/api/v1/kb/articles/", payload, format="json")
        assert response.status_code == 400, (payload, response.content)
        if field:
            assert field in response.content.decode()
    assert world.client_for(None).post("/api/v1/kb/articles/", {"title": "x"}, format="json").status_code == 401
    assert world.client_for(world.customer_a.user).post("/api/v1/kb/articles/", {"title": "x"}, format="json").status_code == 403
    assert world.client_for(None).get("/api/v1/kb/articles/?language=fr").status_code == 400
    assert world.client_for(None).get("/api/v1/kb/articles/999999999999999999999/").status_code == 404
    assert not Article.objects.filter(title="x").exists()


def test_categories_api(world, kb):
    admin, agent = world.client_for(world.admin), world.client_for(world.agent1)
    created = admin.post("/api/v1/kb/categories/", {"name": "Correo", "parent": kb["dns"].pk}, format="json")
    assert created.status_code == 201 and created.json()["slug"] == "correo"
    assert agent.post("/api/v1/kb/categories/", {"name": "Otra"}, format="json").status_code == 403
    assert admin.post("/api/v1/kb/categories/", {"name": "Nieta", "parent": created.json()["id"]},
                      format="json").status_code == 400
    assert admin.delete(f"/api/v1/kb/categories/{kb['dns'].pk}/").status_code == 400
    assert admin.delete(f"/api/v1/kb/categories/{created.json()['id']}/").status_code == 204
    assert world.client_for(None).get("/api/v1/kb/categories/").json()["results"][0]["name"] == "Dominios y DNS"


def test_article_from_an_answer_on_the_ticket_page(world):
    reply = message_create(actor=world.agent1, ticket=world.ticket_a, body="Revisa que tus DNS apunten a ns1.example.mx")
    ticket_page = page(world.agent1).get(f"/tickets/{world.ticket_a.number}/").content.decode()
    assert f'href="/bandeja/base/desde-respuesta/?desde={reply.pk}"' in ticket_page
    editor = page(world.agent1).get(f"/bandeja/base/desde-respuesta/?desde={reply.pk}")
    assert editor.status_code == 200 and "ns1.example.mx" in editor.content.decode()
    assert page(world.agent2).get(f"/bandeja/base/desde-respuesta/?desde={reply.pk}").status_code == 404  # not their ticket
    saved = page(world.agent1).post("/bandeja/base/nuevo/", {"title": "DNS de Tienda A", "body": reply.body_text,
                                                            "language": "es", "status": "draft", "visibility": "internal",
                                                            "action": "save"})
    article = Article.objects.get(title="DNS de Tienda A")
    assert saved.status_code == 302 and saved["Location"] == f"/bandeja/base/{article.pk}/"
    assert (article.author, article.visibility, article.revisions.count()) == (world.agent1, "internal", 1)
    assert page(world.agent1).get("/bandeja/base/").status_code == 200
    assert page(world.customer_a.user).get("/bandeja/base/").status_code == 302
    assert page(world.collaborator).get("/bandeja/base/").status_code == 404


def test_import_export_round_trip_is_exact(world, kb, tmp_path: Path):
    services.category_create(actor=world.admin, name="Registros MX", parent=kb["dns"], name_en="MX records", position=2)
    english = services.article_create(actor=world.agent1, title="How to: point your domain", language="en",
                                      status="published", translation_of=kb["public"], body="Line 1\n\n```\n---\ncode\n```\n")
    services.article_update(actor=world.agent1, article=kb["public"], changes={
        "title": "Apunta tu dominio: guía", "related": [kb["customers"], english],
        "body": "---\nNo es front matter\n---\n\nAcentos: ñ, é; emoji 🔒\n\n"})
    first, second = tmp_path / "one", tmp_path / "two"
    assert kb_export(first) == 7
    files = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    Article.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    summary = kb_import(first)
    assert (summary.categories, summary.created, summary.updated) == (2, 7, 0)
    kb_export(second)
    assert {p.relative_to(second): p.read_bytes() for p in second.rglob("*") if p.is_file()} == files
    again = kb_import(first)
    assert (again.created, again.updated) == (0, 7)
    assert Revision.objects.filter(article__slug="apunta-tu-dominio-guia").count() == 1  # links and re-imports: no new text
    call_command("kb", "export", str(tmp_path / "three"))
    assert (tmp_path / "three" / "articles" / "apunta-tu-dominio-guia.md").read_bytes() == files[Path("articles/apunta-tu-dominio-guia.md")]
    restored = Article.objects.get(slug="apunta-tu-dominio-guia")
    assert page().get(f"/ayuda/articulo/{kb['public'].slug}/")["Location"] == "/ayuda/articulo/apunta-tu-dominio-guia/"
    assert restored.translations.get().slug == english.slug


def test_import_refuses_bad_files_and_changes_nothing(world, kb, tmp_path: Path):
    from django.core.management.base import CommandError

    folder = tmp_path / "bad"
    (folder / "articles").mkdir(parents=True)
    (folder / "articles" / "ok.md").write_text("---\ntitle: Bien\nslug: bien\nlanguage: es\nstatus: draft\nvisibility: public\n---\nhola")
    (folder / "articles" / "zz.md").write_text("---\ntitle: Mal\nslug: mal\nlanguage: fr\nstatus: draft\nvisibility: public\n---\n")
    with pytest.raises(CommandError):
        call_command("kb", "import", str(folder))
    assert not Article.objects.filter(slug__in=["bien", "mal"]).exists()
    (folder / "articles" / "zz.md").write_text("no front matter")
    with pytest.raises(CommandError, match="front matter"):
        call_command("kb", "import", str(folder))


def test_pages_and_the_api_cost_a_fixed_number_of_queries(world, kb):
    for n in range(5):
        services.article_create(actor=world.agent1, title=f"Extra {n}", status="published", related=[kb["public"]],
                                category=kb["dns"])
    client, api = page(), world.client_for(None)
    client.get("/ayuda/")  # warm caches (branding)
    with CaptureQueriesContext(connection) as home:
        assert client.get("/ayuda/").status_code == 200
    with CaptureQueriesContext(connection) as article:
        assert client.get(f"/ayuda/articulo/{kb['public'].slug}/").status_code == 200
    with CaptureQueriesContext(connection) as listed:
        assert len(api.get("/api/v1/kb/articles/").json()["results"]) == 6
    # Anonymous: categories and articles; the article, translations, related, files; the API's
    # page, its organizations and plans (prefetched) and the related ids — whatever the count.
    assert (len(home), len(article), len(listed)) == (2, 4, 4)

