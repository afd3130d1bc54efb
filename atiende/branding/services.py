"""Writes for branding: the single row, validated, with the cached view forgotten on commit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.permissions import is_admin
from atiende.core import clock
from atiende.core.exceptions import Forbidden

from . import validation
from .models import Branding
from .selectors import branding_forget

FIELDS = frozenset({"company_name", "logo", "primary_color", "accent_color", "allow_signup", "warranty_offer_url"})


def _cleaned(changes: dict[str, Any]) -> dict[str, Any]:
    """Every value checked; all problems reported at once as a ValidationError per field."""
    checks = {
        "primary_color": validation.check_primary_colour,
        "accent_color": validation.check_accent_colour,
        "company_name": lambda value: " ".join(str(value or "").split())[:100],
        "allow_signup": bool,
        "warranty_offer_url": validation.check_offer_url,
    }
    errors: dict[str, list[ValidationError]] = {}
    clean: dict[str, Any] = {}
    for field, value in changes.items():
        if field not in FIELDS:
            errors[field] = [ValidationError(_("This field cannot be changed."), code="unknown_field")]
            continue
        try:
            if field == "logo":
                clean["logo"] = None if value is None else (value, validation.check_logo(value))
            else:
                clean[field] = checks[field](value)
        except ValidationError as exc:
            errors[field] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return clean


def branding_update(*, actor: User | None, changes: dict[str, Any]) -> Branding:
    """Change the branding. `changes["logo"]` is an upload, or None to remove the logo;
    `actor` None is the system (set-up scripts). Raises Forbidden for anyone but an admin and
    ValidationError (by field) for bad values, changing nothing."""
    if actor is not None and not is_admin(actor):
        raise Forbidden()
    clean = _cleaned(changes)
    with transaction.atomic():
        branding, _created = Branding.objects.select_for_update().get_or_create(pk=1)
        old_logo = branding.logo.name
        for field in ("company_name", "primary_color", "accent_color", "allow_signup", "warranty_offer_url"):
            if field in clean:
                setattr(branding, field, clean[field])
        if "logo" in clean:
            _replace_logo(branding, clean["logo"])
        branding.updated_at = clock.now()
        branding.save()
        transaction.on_commit(branding_forget)
        if old_logo and old_logo != branding.logo.name:
            storage = branding.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return branding


def _replace_logo(branding: Branding, logo: tuple[UploadedFile, str] | None) -> None:
    if logo is None:
        branding.logo = ""
        branding.logo_content_type = ""
        return
    upload, content_type = logo
    branding.logo.save(upload.name or "logo", upload, save=False)
    branding.logo_content_type = content_type
