"""`Idempotency-Key` on POST: the same key returns the first response and creates nothing twice.

The record is inserted in the same transaction as the work it guards: a concurrent repeat
blocks on the unique key until the first commits, then replays its stored response; if the
first fails with a server error, everything (record included) rolls back and the key is free.
"""

from __future__ import annotations

import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from atiende.core.exceptions import Conflict, Invalid

from .errors import Replay
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        digest.update(f"multipart {request.META.get('CONTENT_LENGTH', '')}".encode())
    else:
        digest.update(request._request.body)
    return digest.hexdigest()


class IdempotentMixin:
    """For API views: wrap POSTs carrying the header in one transaction with their record."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST" or HEADER not in request.headers:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_record = None
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not request.user.is_authenticated:
            return
        if not VALID_KEY.match(key):
            raise Invalid(code="idempotency_key_invalid", fields={HEADER: _("1 to 255 visible ASCII characters.")})
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                self._idempotency_record = IdempotencyRecord.objects.create(
                    user=request.user, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.get(user=request.user, key=key)
            if existing.fingerprint != fingerprint:
                raise Conflict(code="idempotency_key_reused") from None
            raise Replay(existing.status_code or 409, existing.body) from None

    def finalize_response(self, request, response: Response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotency_record", None)
        if record is not None and response.status_code < 500:
            record.status_code = response.status_code
            record.body = json.loads(json.dumps(response.data, cls=JSONEncoder))
            record.save(update_fields=["status_code", "body"])
        return response
