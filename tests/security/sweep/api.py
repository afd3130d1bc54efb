"""The API's own OpenAPI schema (drf-spectacular, generated in-process) turned into requests.

Every operation of the schema is swept, so a new endpoint is swept the day it is added; the
schema test checks that no API URL is missing from the schema. Path parameters take the ids of
objects that exist (and one that does not), so the requests reach past the 404; query parameters
and JSON fields take values from the schema (enums, bounds, formats), from a few samples that pass
validation (so the services run), and from the hostile corpus.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field

from hypothesis import strategies as st

from . import values as v
from .harness import ROLES, Sent

BODY_TYPES = ("application/json", "multipart/form-data", "message/rfc822", "application/octet-stream")


@functools.cache
def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.settings import spectacular_settings

    # The generator warns about views it cannot fully describe; the sweep needs only what it can.
    before = spectacular_settings.DISABLE_ERRORS_AND_WARNINGS
    spectacular_settings.DISABLE_ERRORS_AND_WARNINGS = True
    try:
        return SchemaGenerator().get_schema(request=None, public=True)
    finally:
        spectacular_settings.DISABLE_ERRORS_AND_WARNINGS = before


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # the template, "/api/v1/tickets/{ticket_id}/"
    path_params: tuple[str, ...]
    query: tuple[tuple[str, dict], ...]  # (name, schema)
    headers: tuple[tuple[str, dict], ...]
    bodies: tuple[tuple[str, dict], ...]  # (content type, schema)

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def operations() -> list[Operation]:
    found = []
    for path, item in schema()["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = op.get("parameters", [])
            found.append(Operation(
                method=method.upper(), path=path,
                path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                query=tuple((p["name"], p.get("schema", {})) for p in params if p["in"] == "query"),
                headers=tuple((p["name"], p.get("schema", {})) for p in params if p["in"] == "header"),
                bodies=tuple((ct, s.get("schema", {})) for ct, s in op.get("requestBody", {}).get("content", {}).items()),
            ))
    return found


def resolve(node: dict) -> dict:
    components = schema()["components"]["schemas"]
    while "$ref" in node:
        node = components[node["$ref"].rsplit("/", 1)[1]]
    return node


# --- ids that exist --------------------------------------------------------------------------------
@dataclass
class Ids:
    """Ids of the swept world by the name an URL or a field gives them."""

    by_name: dict[str, list[int | str]] = field(default_factory=dict)
    missing: int = 987_654_321

    def for_name(self, name: str) -> list[int | str]:
        key = name.removesuffix("_id").removesuffix("s")
        return self.by_name.get(name) or self.by_name.get(key) or []


# --- values from a JSON schema ---------------------------------------------------------------------
def valid(node: dict, *, name: str, ids: Ids, samples: dict, depth: int = 0) -> st.SearchStrategy:
    """Values the schema allows (its extremes included), or a sample known to pass validation."""
    node = resolve(node)
    options: list[st.SearchStrategy] = []
    if name in samples:
        options.append(st.sampled_from(samples[name]))
    if depth > 3:
        return st.one_of(*options) if options else st.none()
    for key in ("oneOf", "anyOf", "allOf"):
        if key in node:
            options.extend(valid(sub, name=name, ids=ids, samples=samples, depth=depth + 1) for sub in node[key])
    if "enum" in node:
        options.append(st.sampled_from([x for x in node["enum"] if x is not None] or [""]))
    kind = node.get("type")
    if kind == "string":
        options.append(_string(node, name))
    elif kind == "integer":
        known = ids.for_name(name)
        if known:
            options.append(st.sampled_from([*known, ids.missing]))
        options.append(st.integers(min_value=node.get("minimum"), max_value=node.get("maximum")))
    elif kind == "number":
        options.append(st.floats(min_value=node.get("minimum"), max_value=node.get("maximum"), allow_nan=False))
    elif kind == "boolean":
        options.append(st.booleans())
    elif kind == "array":
        item_name = name.removesuffix("s") if name.endswith("s") else name
        items = valid(node.get("items", {}), name=item_name, ids=ids, samples=samples, depth=depth + 1)
        options.append(st.lists(items, min_size=node.get("minItems", 0), max_size=min(node.get("maxItems", 5), 5)))
    elif kind == "object" or "properties" in node:
        options.append(obj(node, ids=ids, samples=samples, depth=depth + 1, mode="valid"))
    elif not options:  # untyped: anything
        options.append(v.any_json)
    if node.get("nullable"):
        options.append(st.none())
    return st.one_of(*options)


def _string(node: dict, name: str) -> st.SearchStrategy:
    fmt = node.get("format")
    low, high = node.get("minLength", 0), min(node.get("maxLength", 60), 60)
    if fmt == "date-time" or re.search(r"since|until|start|end|arrival|_at$|before|after", name):
        return st.one_of(v.recent_datetime_text, v.datetime_text)
    if fmt == "date":
        return st.dates().map(str)
    if fmt == "email" or name in ("email", "requester"):
        return st.sampled_from(["ana@tienda-a.mx", "nuevo@example.mx", "x@y.mx", "ANA@TIENDA-A.MX"])
    if fmt == "binary":
        return st.binary(max_size=30)
    return st.text(st.characters(exclude_categories=("Cs",)), min_size=low, max_size=max(low, high))


def obj(node: dict, *, ids: Ids, samples: dict, depth: int, mode: str) -> st.SearchStrategy:
    """An object of the schema's properties: all valid, all but one valid, or each maybe hostile."""
    node = resolve(node)
    props = node.get("properties", {})
    required = set(node.get("required", []))
    names = [n for n, p in props.items() if not resolve(p).get("readOnly")]
    if not names:
        extra = node.get("additionalProperties")
        values = valid(extra, name="", ids=ids, samples=samples, depth=depth) if isinstance(extra, dict) else v.any_json
        return st.dictionaries(v.any_text, st.one_of(values, v.hostile_json), max_size=3)

    def field_value(name: str, hostile: bool) -> st.SearchStrategy:
        good = valid(props[name], name=name, ids=ids, samples=samples, depth=depth)
        return v.hostile_json if hostile else good

    @st.composite
    def build(draw):
        present = [n for n in names if n in required or draw(st.booleans())]
        bad = draw(st.sampled_from(present)) if present and mode == "one-bad" else None
        body = {}
        for n in present:
            hostile = n == bad or (mode == "chaos" and draw(st.booleans()))
            body[n] = draw(field_value(n, hostile))
        if mode == "chaos" and draw(st.booleans()):
            body[draw(v.any_text)] = draw(v.hostile_json)
        return body

    return build()


def json_body(node: dict, *, ids: Ids, samples: dict) -> st.SearchStrategy:
    node = resolve(node)
    modes = st.sampled_from(["valid", "valid", "one-bad", "one-bad", "chaos"])
    structured = modes.flatmap(lambda mode: obj(node, ids=ids, samples=samples, depth=0, mode=mode)
                               if node.get("properties") or node.get("type") == "object"
                               else valid(node, name="", ids=ids, samples=samples))
    return st.one_of(
        structured.map(lambda b: ("application/json", v.dumps(b))),
        structured.map(lambda b: ("application/json", v.dumps(b))),
        structured.map(lambda b: ("application/json", v.dumps(b))),
        st.sampled_from(v.RAW_JSON_BODIES).map(lambda raw: ("application/json", raw)),
        v.hostile_json.map(lambda b: ("application/json", v.dumps(b))),
    )


def multipart_body(node: dict, *, ids: Ids, samples: dict) -> st.SearchStrategy:
    """The same fields as a form: strings (and files) only, so the multipart parser is swept too."""
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    node = resolve(node)

    def form(body: object) -> tuple[str, bytes]:
        data = {}
        for key, value in (body.items() if isinstance(body, dict) else []):
            if isinstance(value, (bytes, str)):
                data[key] = value
            elif isinstance(value, list):
                data[key] = [x if isinstance(x, (bytes, str)) else v.dumps(x).decode() for x in value]
            else:
                data[key] = v.dumps(value).decode()
        try:
            return MULTIPART_CONTENT, encode_multipart(BOUNDARY, data)
        except UnicodeEncodeError:  # a lone surrogate cannot be put in a form: send its bytes as JSON
            return "application/json", v.dumps(body)

    modes = st.sampled_from(["valid", "one-bad", "chaos"])
    return modes.flatmap(lambda mode: obj(node, ids=ids, samples=samples, depth=0, mode=mode)).map(form)


def raw_body() -> st.SearchStrategy:
    samples = [
        b"From: a@b.mx\r\nTo: soporte@example.mx\r\nSubject: hola\r\n\r\ncuerpo\r\n",
        b"From: \xff\xfe\r\nSubject: =?utf-8?b?////?=\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n",
        b"Subject: " + b"a" * 5000 + b"\r\n\r\n",
        b"From: <" + b"\x00" * 10 + b">\r\n\r\nx",
        b"",
    ]
    return st.one_of(st.sampled_from(samples), st.binary(max_size=200)).map(lambda raw: ("message/rfc822", raw))


# --- requests --------------------------------------------------------------------------------------
def query_value(name: str, node: dict, ids: Ids) -> st.SearchStrategy:
    node = resolve(node)
    good: list[st.SearchStrategy] = []
    known = ids.for_name(name)
    if known:
        good.append(st.sampled_from([str(x) for x in [*known, ids.missing]]))
    if "enum" in node:
        good.append(st.sampled_from([str(x) for x in node["enum"] if x is not None]))
    if node.get("type") == "integer":
        good.append(st.integers(min_value=-3, max_value=300).map(str))
    good.append(_string({**node, "type": "string"}, name).map(str) if node.get("type") != "integer" else v.int_text)
    return st.one_of(*good, v.hostile_text, v.hostile_bytes)


def request_strategy(op: Operation, *, ids: Ids, samples: dict, secret: str) -> st.SearchStrategy:
    path_values = {
        # Mostly ids that exist, so most requests get past the 404.
        name: st.sampled_from([*ids.for_name(name) * 4, ids.missing, "0", "9" * 18]) for name in op.path_params
    }
    for name in op.path_params:
        if not ids.for_name(name):
            raise LookupError(f"the sweep has no ids for the path parameter {name!r} of {op.name}")
    bodies = []
    for content_type, node in op.bodies:
        if content_type == "application/json":
            bodies.append(json_body(node, ids=ids, samples=samples))
        elif content_type == "multipart/form-data":
            bodies.append(multipart_body(node, ids=ids, samples=samples))
        elif content_type in ("message/rfc822", "application/octet-stream"):
            bodies.append(raw_body())
    body = st.one_of(*bodies) if bodies else st.just(("", b""))

    @st.composite
    def build(draw):
        role = draw(st.sampled_from(ROLES))
        path = op.path
        for name, options in path_values.items():
            path = path.replace("{" + name + "}", str(draw(options)))
        pairs: list[tuple[str, str | bytes]] = []
        for name, node in op.query:
            if draw(st.booleans()):
                pairs.extend((name, draw(query_value(name, node, ids))) for _ in range(draw(st.integers(1, 2))))
        headers = {}
        for name, _node in op.headers:
            if name.lower().endswith("secret"):
                headers[name] = draw(st.sampled_from([secret, secret, "", "x" * 300, "\u00e9"]))
        content_type, raw = draw(body)
        return Sent(role=role, method=op.method, path=path, query=v.encode_query(pairs), content_type=content_type,
                    body=raw, headers=headers)

    return build()


def baseline(op: Operation, *, ids: Ids, samples: dict, role: str) -> Sent:
    """The operation with the first existing ids, no query and the valid samples as its body."""
    path = op.path
    for name in op.path_params:
        path = path.replace("{" + name + "}", str(ids.for_name(name)[0]))
    for content_type, node in op.bodies:
        if content_type == "application/json":
            body = {n: samples[n][0] for n in resolve(node).get("properties", {}) if n in samples}
            return Sent(role, op.method, path, content_type=content_type, body=v.dumps(body))
    return Sent(role, op.method, path)


def corpus_requests(op: Operation, *, ids: Ids, samples: dict, query_samples: dict, role: str) -> list[Sent]:
    """Every known-bad class in every query parameter, every corpus JSON value in every top-level
    field (the others from the valid samples) and in every leaf of a structured sample (custom
    fields, SLA targets, calendar hours), and every raw body: one request each."""
    base = baseline(op, ids=ids, samples=samples, role=role)
    sent: list[Sent] = []
    for name, _node in op.query:
        # The other parameters valid where a sample is known, so the bad one is the only problem.
        others = [(other, query_samples[other]) for other, _ in op.query if other != name and other in query_samples]
        for value in v.CORPUS_CLASSES:
            sent.append(Sent(role, op.method, base.path, query=v.encode_query([*others, (name, value)])))
    for content_type, node in op.bodies:
        if content_type != "application/json":
            continue
        good = json.loads(base.body)
        for name in resolve(node).get("properties", {}):
            for value in v.CORPUS_JSON:
                sent.append(Sent(role, op.method, base.path, content_type=content_type,
                                 body=v.dumps({**good, name: value})))
            if isinstance(good.get(name), (dict, list)):  # inside a structured sample, leaf by leaf
                for value in v.leaf_mutations(good[name]):
                    sent.append(Sent(role, op.method, base.path, content_type=content_type,
                                     body=v.dumps({**good, name: value})))
        sent.extend(Sent(role, op.method, base.path, content_type=content_type, body=raw) for raw in v.RAW_JSON_BODIES)
    return sent
