"""The API's JSON parser: atiende.core.params.parse_json behind DRF's parser interface.

DRF's own parser lets a body nested a thousand deep raise RecursionError (a 500, even on the
anonymous token endpoint) and passes NUL characters and lone surrogates on to the database,
which refuses them. Here each is a 400 `parse_error` with a message that says why.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from atiende.core.params import BadValue, parse_json


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(_("The request body is not valid JSON.")) from None
        try:
            return parse_json(text)
        except BadValue as exc:
            raise ParseError(str(exc)) from None
