"""The API's JSON renderer: DRF's, written as UTF-8, but never failing on text that is not valid
Unicode. A lone surrogate arrives legally in JSON ("\\ud800"); DRF rejects it in text fields, but an
error message that quotes the input ("\\ud800" is not a valid choice) would carry it to the
renderer, where encoding to UTF-8 raised and the client got a 500 instead of the 400. Such a
response is written with non-ASCII characters escaped, which is the same JSON.
"""

from __future__ import annotations

from rest_framework import renderers

from atiende.core.csvexport import csv_bytes


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return _EscapedJSONRenderer().render(data, accepted_media_type, renderer_context)


class _EscapedJSONRenderer(renderers.JSONRenderer):
    ensure_ascii = True


class CSVRenderer(renderers.BaseRenderer):
    """`?format=csv` on the endpoints that offer it: the view returns {"filename", "header",
    "rows"}; an error (any other shape) is still written as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if not isinstance(data, dict) or "header" not in data:
            response = (renderer_context or {}).get("response")
            if response is not None:
                response["Content-Type"] = "application/json"
            return JSONRenderer().render(data, "application/json", renderer_context)
        response = (renderer_context or {}).get("response")
        if response is not None and data.get("filename"):
            response["Content-Disposition"] = f'attachment; filename="{data["filename"]}"'
        return csv_bytes(data["header"], data["rows"])
