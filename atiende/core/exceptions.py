"""Domain errors raised by services and selectors; interfaces translate them (API envelope, pages)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str | Promise | None = None, *, code: str | None = None, fields: dict[str, Any] | None = None):
        super().__init__(str(message) if message is not None else (code or self.code))
        self.message = message
        self.code = code or self.code
        self.fields = fields or {}


class Invalid(DomainError):
    status = 400
    code = "invalid"


class NotFound(DomainError):
    """Also what a caller gets for an object they may not see: its existence is not revealed."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "permission_denied"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "attachment_too_large"


class Unauthenticated(DomainError):
    status = 401
    code = "authentication_failed"
