"""Database helpers shared by services."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .exceptions import Conflict


@contextlib.contextmanager
def unique_or_conflict(message: str | Promise, *, field: str = "name") -> Iterator[None]:
    """Run the block in a savepoint; a unique-constraint violation becomes a 409 naming `field`."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise Conflict(message, fields={field: _("Already in use.")}) from exc
