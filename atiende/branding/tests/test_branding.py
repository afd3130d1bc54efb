"""Branding: the single row, its checks, the cached view, the stylesheet and logo endpoints."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from atiende.branding.models import Branding
from atiende.branding.selectors import CACHE_KEY, branding_get
from atiende.branding.services import branding_update
from atiende.core.exceptions import Forbidden

from .images import GIF, JPEG, SVG, WEBP, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_defaults_without_a_row_cost_one_query_then_none(django_assert_num_queries):
    with django_assert_num_queries(1):
        view = branding_get()
    assert (view.name, view.primary_color, view.accent_color, view.allow_signup, view.logo_url) == (
        "", "#0b5cad", "#0b5cad", False, "")
    with django_assert_num_queries(0):
        assert branding_get() == view


def test_only_admins_change_branding(world):
    for actor in (world.agent1, world.supervisor, world.customer_a.user):
        with pytest.raises(Forbidden):
            branding_update(actor=actor, changes={"company_name": "Hackers"})
    assert not Branding.objects.exists()


def test_update_saves_one_row_and_refreshes_the_cached_view(world, django_capture_on_commit_callbacks):
    assert branding_get().name == ""  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        branding_update(actor=world.admin, changes={"company_name": "  Tienda   Ejemplo ", "primary_color": "#FFD33D",
                                                    "accent_color": "#14532d", "allow_signup": True})
    with django_capture_on_commit_callbacks(execute=True):
        branding_update(actor=world.admin, changes={"company_name": "Tienda Ejemplo"})
    assert Branding.objects.count() == 1
    view = branding_get()
    assert (view.name, view.primary_color, view.primary_ink, view.accent_color, view.allow_signup) == (
        "Tienda Ejemplo", "#ffd33d", "#1b1f24", "#14532d", True)


def test_bad_values_are_all_reported_and_nothing_changes(world):
    with pytest.raises(ValidationError) as caught:
        branding_update(actor=world.admin, changes={"company_name": "X", "primary_color": "#808080",
                                                    "accent_color": "red", "logo": upload(SVG, "logo.png")})
    errors = caught.value.error_dict
    assert set(errors) == {"primary_color", "accent_color", "logo"}
    assert [e.code for e in errors["logo"]] == ["logo_type"]
    assert not Branding.objects.exists()


@pytest.mark.parametrize(("content", "expected"), [(png_bytes(), "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")])
def test_raster_logos_are_accepted_by_their_bytes(world, media, content, expected):
    branding = branding_update(actor=world.admin, changes={"logo": upload(content, "whatever.svg", "image/svg+xml")})
    assert branding.logo_content_type == expected
    assert branding.logo.name.startswith("branding/") and "." not in branding.logo.name.split("/")[-1]


@pytest.mark.parametrize("content", [SVG, GIF, b"MZ\x90\x00 not an image", b"\x89PNG"[:2]])
def test_other_logos_are_refused_whatever_their_name_says(world, media, content):
    with pytest.raises(ValidationError) as caught:
        branding_update(actor=world.admin, changes={"logo": upload(content, "logo.png", "image/png")})
    assert caught.value.error_dict["logo"][0].code == "logo_type"
    assert list(media.rglob("*.*")) == [] and not Branding.objects.exists()


def test_a_logo_over_the_size_limit_is_refused(world, media):
    big = png_bytes() + b"\x00" * (512 * 1024)
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        branding_update(actor=world.admin, changes={"logo": upload(big)})
    assert caught.value.error_dict["logo"][0].code == "logo_too_large"
    assert caught.value.error_dict["logo"][0].messages == ["The logo is larger than 512 KB."]


def test_stylesheet_serves_the_colours_as_custom_properties_with_a_cache_header(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        branding_update(actor=world.admin, changes={"primary_color": "#ffd33d", "accent_color": "#14532d"})
    view = branding_get()
    response = Client().get("/marca/estilo.css", {"v": view.version})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.content.decode().startswith(":root{--brand:#ffd33d;--brand-ink:#1b1f24;--accent:#14532d;}\n")
    stale = Client().get("/marca/estilo.css", {"v": "old"})
    assert stale["Cache-Control"] == "public, max-age=300"


def test_every_page_links_the_stylesheet_and_shows_the_name_and_logo(world, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        branding_update(actor=world.admin, changes={"company_name": "Tienda <b>Ejemplo</b>", "logo": upload(png_bytes())})
    view = branding_get()
    html = Client().get("/cuenta/entrar/").content.decode()
    assert f'<link rel="stylesheet" href="/marca/estilo.css?v={view.version}">' in html
    assert f'<img class="brand-logo" src="/marca/logo?v={view.version}" alt="">Tienda &lt;b&gt;Ejemplo&lt;/b&gt;</a>' in html


def test_logo_is_served_with_nosniff_and_a_sandbox(world, media, django_capture_on_commit_callbacks):
    assert Client().get("/marca/logo").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        branding_update(actor=world.admin, changes={"logo": upload(JPEG, "logo.jpg", "image/jpeg")})
    response = Client().get("/marca/logo", {"v": branding_get().version})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content) == JPEG


def test_replacing_or_removing_the_logo_deletes_the_old_file(world, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = branding_update(actor=world.admin, changes={"logo": upload(png_bytes())}).logo.name
    with django_capture_on_commit_callbacks(execute=True):
        second = branding_update(actor=world.admin, changes={"logo": upload(WEBP, "l.webp")}).logo.name
    assert not (media / first).exists() and (media / second).exists()
    with django_capture_on_commit_callbacks(execute=True):
        branding_update(actor=world.admin, changes={"logo": None})
    assert not (media / second).exists()
    assert Client().get("/marca/logo").status_code == 404
    assert branding_get().logo_url == ""


def test_cache_key_is_forgotten_on_commit_only(world):
    branding_get()
    from django.core.cache import cache

    branding_update(actor=world.admin, changes={"company_name": "Nueva"})  # not committed yet
    assert cache.get(CACHE_KEY) is not None
