"""What the OpenAPI schema says beyond the views' own annotations: how API clients authenticate
(`Authorization: Token …` or `Bearer …`) and the error answers every operation can give, in the
`{"error": {"code", "message", "fields"}}` envelope (`atiende.api.errors`, docs/api.md "Errors").

The schema is checked against a running server by tests/security/test_api_fuzz.py (schemathesis):
a status or body the schema does not document fails it.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error answer: a stable machine `code`, a message in the user's language and, "
                   "for invalid input, the offending fields.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
            },
            "required": ["code", "message"],
        },
    },
    "required": ["error"],
}
# status → why; every operation may answer these (docs/api.md "Errors").
ALWAYS = {
    "400": "Invalid input (`invalid`, `parse_error`, a malformed Idempotency-Key).",
    "401": "No valid API token or session.",
    "403": "The caller may not do this.",
    "404": "Not found, or not visible to the caller.",
    "429": "Too many requests; `Retry-After` says when to come back.",
}
WRITES = {
    "409": "Conflicts with the current state (a closed ticket, a reused Idempotency-Key, a duplicate).",
}
WITH_BODY = {
    "413": "The request or an attachment is too large.",
    "415": "The content type is not supported.",
}


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "atiende.api.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "`Authorization: Token <token>` (or `Bearer <token>`); see docs/api.md."}


def document_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: the error envelope as a component, the error
    statuses on every operation that does not document them itself, and lists as the API sends
    them (`{"results": [...], "next": url|null}`, not a bare array)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            statuses = dict(ALWAYS)
            if method != "get":
                statuses.update(WRITES)
            if "requestBody" in operation:
                statuses.update(WITH_BODY)
            responses = operation.setdefault("responses", {})
            _wrap_list(responses.get("200", {}))
            for status, description in statuses.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result


def _wrap_list(response: dict) -> None:
    content = response.get("content", {}).get("application/json", {})
    schema = content.get("schema", {})
    if schema.get("type") == "array":
        content["schema"] = {
            "type": "object",
            "properties": {"results": schema, "next": {"type": "string", "nullable": True,
                                                      "description": "The next page's URL (keyset lists only)."}},
            "required": ["results"],
        }
