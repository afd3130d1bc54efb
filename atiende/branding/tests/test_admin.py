"""The branding page in the Django admin: one row, the same checks, saved through the service."""

import pytest
from django.test import Client

from atiende.branding.models import Branding
from atiende.branding.selectors import branding_get

from .images import SVG, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(world):
    client = Client()
    client.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    return client


def test_the_list_leads_to_the_single_row(admin_client_):
    assert admin_client_.get("/admin/branding/branding/")["Location"] == "/admin/branding/branding/add/"
    Branding.objects.create(pk=1)
    assert admin_client_.get("/admin/branding/branding/")["Location"] == "/admin/branding/branding/1/change/"
    assert admin_client_.get("/admin/branding/branding/add/").status_code == 403


def test_admin_shows_contrast_and_type_errors_in_place(admin_client_, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = admin_client_.post("/admin/branding/branding/add/", {
        "company_name": "Tienda", "primary_color": "#808080", "accent_color": "#0b5cad",
        "logo": upload(SVG, "logo.svg", "image/svg+xml"),
    })
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"primary_color", "logo"}
    assert not Branding.objects.exists()


def test_admin_saves_through_the_service(admin_client_, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post("/admin/branding/branding/add/", {
            "company_name": "Tienda", "primary_color": "#14532d", "accent_color": "#0b5cad", "allow_signup": "on",
            "logo": upload(png_bytes()),
        })
    assert response.status_code == 302
    row = Branding.objects.get()
    assert (row.pk, row.company_name, row.primary_color, row.allow_signup, row.logo_content_type) == (
        1, "Tienda", "#14532d", True, "image/png")
    assert branding_get().name == "Tienda"
