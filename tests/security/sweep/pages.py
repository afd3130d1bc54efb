"""The server-rendered pages: every URL pattern of the page apps, with ids of the swept world.

Which parameters a page reads is found two ways and both are swept: the names declared below
(the inbox reads its whole query string at once, so its keys come from workspace.params), and the
names the view actually looks up, recorded while one request per page and role runs (`discover`),
so a parameter added to a view tomorrow is swept without touching this file. POST pages get the
same treatment for their form fields.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.datastructures import MultiValueDict
from hypothesis import strategies as st

from atiende.workspace import params as inbox_params
from atiende.workspace.views import BULK_VALUE_FIELDS

from . import values as v
from .harness import ROLES, Sent

PAGE_NAMESPACES = ("workspace", "portal", "tickets", "customers", "sla", "live", "accounts", "branding", "help",
                   "signin", "privacy")
TOP_LEVEL = ("home", "healthz", "readyz", "sitemap")

INBOX = (*inbox_params.FILTER_KEYS, *inbox_params.PAGE_KEYS, "view", "sort")
DECLARED: dict[str, tuple[str, ...]] = {
    "workspace:inbox": INBOX,
    "workspace:inbox-rows": INBOX,
    "workspace:view-counts": ("view",),
    "workspace:bulk": ("query", "ticket", "action", "value", "status", "priority", "team", "assignee", "tag"),
    "workspace:view-create": ("query", "name"),
    "workspace:view-edit": ("name",),
    "workspace:search": ("q",),
    "workspace:search-suggestions": ("q",),
    "workspace:customer-merge": ("q", "destino"),
    "workspace:customer-merge-confirm": ("destino",),
    "tickets:list": ("orden",),
    "tickets:detail": ("completo",),
    "tickets:timeline-since": ("despues", "completo"),
    "customers:detail": ("antes",),
    "sla:attainment": ("por", "dias"),
    "workspace:staffing": ("service_level", "target_seconds", "shrinkage", "deferred_hours", "formato"),
    "workspace:reports": ("since", "until", "group_by", "team", "csv"),
    "workspace:report-tickets": ("since", "until", "group_by", "team", "metric", "key"),
    "portal:home": ("pagina",),
    "portal:login": ("next", "email", "password"),
    "accounts:login": ("next", "email", "password"),
    "live:ticket-state": ("state", "tab"),
    "branding:css": ("v",),
    "branding:logo": ("v",),
    "workspace:kb-list": ("estado", "idioma"),
    "workspace:kb-new": ("desde", "traduccion_de", "title", "body", "language", "status", "visibility", "category",
                         "translation_of", "organizations", "plans", "related", "note", "action"),
    "workspace:article-from-answer": ("desde", "traduccion_de"),
    "workspace:kb-edit": ("title", "body", "language", "status", "visibility", "category", "translation_of",
                          "organizations", "plans", "related", "note", "action"),
    "help:search": ("q",),
    "help:article": ("voto",),
    "help:vote": ("helpful", "comment"),
    "portal:new": ("asunto",),
    "signin:sso-start": ("next",),
    "signin:sso-callback": ("state", "code", "error", "error_description"),
}
# Form fields read only together with another: the bulk action's argument is read for its action.
# (page, the fields that make the others read, the field then swept); "{tickets}" is two tickets.
COMBINED: dict[str, list[tuple[dict[str, str], str]]] = {
    "workspace:bulk": [({"action": action}, field) for action, field in BULK_VALUE_FIELDS.items()],
}
# Headers pages read (htmx sends them on every fragment request).
HEADERS = ("HX-Request", "HX-Current-URL", "HX-Trigger", "Accept-Language")


@dataclass(frozen=True)
class Page:
    name: str  # "namespace:name"
    route: str  # the pattern, "tickets/<int:number>/"
    kwargs: tuple[str, ...]


def pages() -> list[Page]:
    found: list[Page] = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in PAGE_NAMESPACES:
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern):
                    found.append(_page(f"{entry.namespace}:{pattern.name}", str(entry.pattern) + str(pattern.pattern),
                                       pattern))
        elif isinstance(entry, URLPattern) and entry.name in TOP_LEVEL:
            found.append(_page(entry.name, str(entry.pattern), entry))
    return found


def _page(name: str, route: str, pattern: URLPattern) -> Page:
    return Page(name=name, route=route, kwargs=tuple(pattern.pattern.converters))


# --- filling in the URL ----------------------------------------------------------------------------
def path_for(page: Page, kwargs: dict[str, object]) -> str:
    from django.urls import reverse

    return reverse(page.name, kwargs=kwargs)


def kwarg_options(page: Page, ids: dict[str, list]) -> dict[str, list]:
    """Values for each URL argument: ids that exist, one that does not, and for free-text
    arguments (tokens, attachment ids) hostile text."""
    options = {}
    for kwarg in page.kwargs:
        key = f"{page.name.split(':')[0]}.{kwarg}"
        known = ids.get(key) or ids.get(kwarg)
        if not known:
            raise LookupError(f"the sweep has no values for <{kwarg}> of {page.name} ({page.route})")
        options[kwarg] = list(known)
    return options


# --- which parameters a view reads -----------------------------------------------------------------
@contextmanager
def recording():
    """Every key looked up in request.GET or request.POST (QueryDicts) while active; the URL
    resolver's dictionaries and a form's hidden "initial-" copies are not parameters."""
    seen: set[str] = set()
    originals = {name: getattr(MultiValueDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def wrap(name):
        original = originals[name]

        def recorded(self, key, *args, **kwargs):
            if isinstance(self, QueryDict) and isinstance(key, str) and not key.startswith("initial-"):
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return recorded

    for name in originals:
        setattr(MultiValueDict, name, wrap(name))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)


# --- requests --------------------------------------------------------------------------------------
def header_value() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(["true", "false", "", "http://[::1", "http://x/?completo=1", "//evil.example/", "%",
                         "http://testserver/tickets/1/?completo=1&completo=²", "es-MX", "en;q=0.5", "*",
                         "x" * 5000, "zz-ZZ-" + "a" * 300, "inbox-filters"]),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
    )


def param_value(name: str) -> st.SearchStrategy:
    good = {
        "status": ["open", "pending", "solved", "closed", "new"], "priority": ["low", "normal", "high", "urgent"],
        "team": ["mine", "1"], "assignee": ["me", "none", "1"], "sort": ["updated", "created", "priority", "sla"],
        "view": ["mine", "unassigned", "all", "1"], "completo": ["1"], "orden": ["sla"], "por": ["policy", "team"],
        "dias": ["7", "30", "90"], "pagina": ["1", "2"], "next": ["/bandeja/", "https://evil.example/", "//evil"],
        "channel": ["email", "web", "whatsapp"], "solved_within": ["7", "365", "366"],
        "action": ["status", "priority", "assign", "team", "tag", "close"],
        "state": ["viewing", "typing", "idle", "left"],
        "outcome": ["solved", "workaround", "not_solved"], "outcome_reason": ["1", "2"], "outcome_asset": ["1"],
        "rating": ["1", "2", "5", "9"], "comment": ["Tardaron mucho"],
    }.get(name, [])
    options = [v.hostile_text, v.hostile_bytes, v.recent_datetime_text]
    if good:
        options.insert(0, st.sampled_from(good))
    return st.one_of(*options)


def request_strategy(page: Page, *, kwargs: dict[str, list], params: tuple[str, ...], method: str) -> st.SearchStrategy:
    @st.composite
    def build(draw):
        role = draw(st.sampled_from(ROLES))
        path = path_for(page, {k: draw(st.sampled_from(options)) for k, options in kwargs.items()})
        pairs: list[tuple[str, str | bytes]] = []
        for name in params:
            if draw(st.booleans()):
                pairs.extend((name, draw(param_value(name))) for _ in range(draw(st.integers(1, 2))))
        if draw(st.integers(0, 9)) == 0:
            pairs.append((draw(v.any_text), draw(v.hostile_text)))
        headers = {name: draw(header_value()) for name in HEADERS if draw(st.integers(0, 3)) == 0}
        if method == "GET":
            return Sent(role, "GET", path, query=v.encode_query(pairs), headers=headers)
        return Sent(role, "POST", path, content_type="application/x-www-form-urlencoded",
                    body=v.encode_query(pairs).encode(), headers=headers)

    return build()


def corpus_requests(page: Page, *, kwargs: dict[str, list], params: tuple[str, ...], method: str,
                    role: str, tickets: list[int]) -> list[Sent]:
    path = path_for(page, {k: options[0] for k, options in kwargs.items()})
    sent = []
    for base, field in COMBINED.get(page.name, []) if method == "POST" else []:
        pairs: list[tuple[str, str | bytes]] = [("ticket", str(pk)) for pk in tickets[:2]] + list(base.items())
        for value in v.CORPUS_CLASSES:
            sent.append(Sent(role, "POST", path, content_type="application/x-www-form-urlencoded",
                             body=v.encode_query([*pairs, (field, value)]).encode()))
    for name in params:
        for value in v.CORPUS_CLASSES:
            encoded = v.encode_query([(name, value)])
            if method == "GET":
                sent.append(Sent(role, "GET", path, query=encoded))
            else:
                sent.append(Sent(role, "POST", path, content_type="application/x-www-form-urlencoded",
                                 body=encoded.encode()))
    return sent
