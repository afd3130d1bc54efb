"""Reading the receiving MTA's verdict on a sender: `Authentication-Results` (RFC 8601). Pure.

`From:` proves nothing: anyone can write any address there. What can say whether a message
really comes from its From domain is the MTA that received it, after running SPF, DKIM and
DMARC; it writes its findings in an `Authentication-Results` header that starts with its own
name, the *authserv-id*:

    Authentication-Results: mx.example.mx; dmarc=pass (p=reject) header.from=tienda-a.mx;
        dkim=pass header.d=tienda-a.mx; spf=pass smtp.mailfrom=ana@tienda-a.mx

Only a header whose authserv-id is one we were told to trust (MAIL_TRUSTED_AUTHSERV_ID) counts,
and of those only the **topmost**: an MTA adds its header above everything the sender wrote, so
a copy with our authserv-id further down was forged by the sender (the MTA should also remove
those, RFC 8601 §5; this is the second line of defence). Nothing here raises: a header that
cannot be read counts as no verdict.

`sender_check` turns that header into one of three verdicts, deliberately strict:
- **pass**: DMARC passed for the From domain; or, without a usable DMARC result, SPF or DKIM
  passed for a domain aligned with it (relaxed alignment: the same domain, or one inside the
  other).
- **fail**: DMARC failed; or, without a usable DMARC result, neither SPF nor DKIM passed for an
  aligned domain (a domain that publishes neither can be claimed by anyone).
- **none**: no trusted header at all (the message did not come through our MTA's checks).
Only "pass" verifies a sender.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

HEADER = "authentication-results"
_ATOM_END = re.compile(r'[\s()";=]')
MAX_LENGTH = 16_384  # longer values are not an MTA's verdict; nobody parses megabytes of it
MAX_DETAIL = 240


@dataclass(frozen=True)
class MethodResult:
    """One `method=result` of a header, with its reason and properties (`header.from` → value)."""

    method: str  # lower case, without its version: "dmarc", "dkim", "spf", "arc", "x-custom"…
    result: str  # lower case: "pass", "fail", "none", "softfail", "temperror"…
    reason: str = ""
    properties: dict[str, str] = field(default_factory=dict)  # "ptype.property" (lower case) → value

    def prop(self, name: str) -> str:
        return self.properties.get(name, "")


@dataclass(frozen=True)
class AuthResults:
    authserv_id: str  # lower case
    version: int | None
    results: tuple[MethodResult, ...]  # empty for "none" (no method was run)


# --- lexing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    kind: str  # "atom", "string" (a quoted string, unquoted), ";" or "="
    text: str
    spaced: bool  # whitespace or a comment came right before it


def _tokens(value: str) -> list[_Token] | None:
    """Atoms, quoted strings, ";" and "="; comments (nested, with quoted pairs) and whitespace
    dropped. None when a comment or a quoted string never ends."""
    tokens: list[_Token] = []
    index, spaced, size = 0, False, len(value)
    while index < size:
        char = value[index]
        if char.isspace():
            index, spaced = index + 1, True
        elif char == "(":
            index = _skip_comment(value, index)
            if index < 0:
                return None
            spaced = True
        elif char == '"':
            text, index = _quoted(value, index)
            if index < 0:
                return None
            tokens.append(_Token("string", text, spaced))
            spaced = False
        elif char in ";=":
            tokens.append(_Token(char, char, spaced))
            index, spaced = index + 1, False
        elif char == ")":
            index, spaced = index + 1, True  # a stray closing parenthesis: ignore it
        else:
            match = _ATOM_END.search(value, index)
            end = match.start() if match else size
            tokens.append(_Token("atom", value[index:end], spaced))
            index, spaced = end, False
    return tokens


def _skip_comment(value: str, index: int) -> int:
    depth = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return -1


def _quoted(value: str, index: int) -> tuple[str, int]:
    out = []
    index += 1
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value):
            out.append(value[index + 1])
            index += 2
            continue
        if char == '"':
            return "".join(out), index + 1
        out.append(char)
        index += 1
    return "", -1


# --- parsing ------------------------------------------------------------------------------------

def parse(value: str) -> AuthResults | None:
    """An `Authentication-Results` value, or None when it has no readable authserv-id.

    A result that cannot be read (no `method=result`) is left out; the rest are kept. Methods
    nobody registered (`x-foo=bar`) are kept like any other."""
    if not value or len(value) > MAX_LENGTH:
        return None
    tokens = _tokens(value)
    if not tokens:
        return None
    segments: list[list[_Token]] = [[]]
    for token in tokens:
        if token.kind == ";":
            segments.append([])
        else:
            segments[-1].append(token)
    head = segments[0]
    if not head or head[0].kind not in ("atom", "string") or "=" in [t.kind for t in head]:
        return None
    authserv_id = head[0].text.strip().lower()
    if not authserv_id:
        return None
    version = None
    if len(head) >= 2 and head[1].kind == "atom" and head[1].text.isascii() and head[1].text.isdigit() and len(head[1].text) < 6:
        version = int(head[1].text)
    if len(head) > (2 if version is not None else 1):
        return None  # something other than a version after the authserv-id: not this header
    results = tuple(result for segment in segments[1:] if (result := _resinfo(segment)) is not None)
    return AuthResults(authserv_id, version, results)


def _resinfo(tokens: list[_Token]) -> MethodResult | None:
    pairs = _pairs(tokens)
    if not pairs:
        return None
    key, result = pairs[0]
    method = key.split("/", 1)[0].strip().lower()
    result = result.strip().lower()
    if not method or not result or "." in method:
        return None
    reason, properties = "", {}
    for name, value in pairs[1:]:
        name = name.lower()
        if name == "reason":
            reason = value
        elif "." in name:
            ptype, _dot, prop = name.partition(".")
            if ptype and prop and f"{ptype}.{prop}" not in properties:
                properties[f"{ptype}.{prop}"] = value
    return MethodResult(method, result, reason, properties)


def _pairs(tokens: list[_Token]) -> list[tuple[str, str]]:
    """`name = value` pairs in order. A name may be split by whitespace ("dkim / 1",
    "header . from"); a value is one atom or quoted string, and a quoted local part keeps the
    "@domain" written right after it. Anything that is not part of a pair is skipped."""
    pairs: list[tuple[str, str]] = []
    name: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "=":
            value = ""
            if index + 1 < len(tokens) and tokens[index + 1].kind in ("atom", "string"):
                index += 1
                value = tokens[index].text
                following = tokens[index + 1] if index + 1 < len(tokens) else None
                if (tokens[index].kind == "string" and following is not None and following.kind == "atom"
                        and not following.spaced and following.text.startswith("@")):
                    value += following.text
                    index += 1
            if name and value:
                pairs.append(("".join(name), value))
            name = []
        elif token.kind == "atom" and (not name or not token.spaced or token.text[:1] in "./"
                                       or name[-1][-1:] in "./"):
            name.append(token.text)
        else:
            name = [token.text] if token.kind == "atom" else []
        index += 1
    return pairs


# --- the verdict --------------------------------------------------------------------------------

class Verdict:
    PASS = "pass"
    FAIL = "fail"
    NONE = "none"


@dataclass(frozen=True)
class SenderCheck:
    verdict: str  # Verdict.PASS, FAIL or NONE
    detail: str  # what decided it, for admins ("dmarc=fail header.from=tienda-a.mx"); not translated

    @property
    def verified(self) -> bool:
        return self.verdict == Verdict.PASS


def trusted_results(headers: Iterable[tuple[str, str]], trusted_ids: Iterable[str]) -> AuthResults | None:
    """The topmost `Authentication-Results` whose authserv-id is trusted, or None.

    `headers` are (lower-case name, value) in the order of the message, top first."""
    trusted = {item.strip().lower() for item in trusted_ids if item.strip()}
    if not trusted:
        return None
    for name, value in headers:
        if name != HEADER:
            continue
        parsed = parse(value)
        if parsed is not None and parsed.authserv_id in trusted:
            return parsed
    return None


def sender_check(headers: Iterable[tuple[str, str]], *, trusted_ids: Iterable[str], from_domain: str) -> SenderCheck:
    """Whether the trusted MTA vouched for the From domain (see the module's docstring)."""
    stamp = trusted_results(headers, trusted_ids)
    if stamp is None:
        return SenderCheck(Verdict.NONE, "no Authentication-Results from a trusted authserv-id")
    domain = _domain(from_domain)
    if not domain:
        return SenderCheck(Verdict.FAIL, "no From domain")
    for result in stamp.results:
        if result.method != "dmarc" or result.result not in ("pass", "fail"):
            continue
        claimed = _domain(result.prop("header.from"))
        if claimed and claimed != domain:
            continue  # about another From than the one we read: it says nothing about ours
        verdict = Verdict.PASS if result.result == "pass" else Verdict.FAIL
        return SenderCheck(verdict, _describe(result, "header.from"))
    for result in stamp.results:
        if result.result != "pass":
            continue
        if result.method == "dkim" and _aligned(_dkim_domain(result), domain):
            return SenderCheck(Verdict.PASS, _describe(result, "header.d"))
        if result.method == "spf" and _aligned(_spf_domain(result), domain):
            return SenderCheck(Verdict.PASS, _describe(result, "smtp.mailfrom" if result.prop("smtp.mailfrom") else "smtp.helo"))
    seen = [_describe(r, "") for r in stamp.results if r.method in ("dmarc", "dkim", "spf")]
    return SenderCheck(Verdict.FAIL, ("no aligned SPF or DKIM pass: " + ", ".join(seen or ["none"]))[:MAX_DETAIL])


def _describe(result: MethodResult, prop: str) -> str:
    value = result.prop(prop) if prop else ""
    return (f"{result.method}={result.result}" + (f" {prop}={value}" if value else ""))[:MAX_DETAIL]


def _dkim_domain(result: MethodResult) -> str:
    signer = result.prop("header.d")
    if not signer:  # some MTAs write only the identity, "@example.mx" or "user@example.mx"
        signer = result.prop("header.i")
    return _domain(signer)


def _spf_domain(result: MethodResult) -> str:
    # A bounce has an empty envelope sender; SPF then checked the HELO name (RFC 7208 §2.3).
    return _domain(result.prop("smtp.mailfrom")) or _domain(result.prop("smtp.helo"))


def _domain(value: str) -> str:
    """The domain of an address or a domain, lower case, without a trailing dot."""
    return value.rpartition("@")[2].strip().strip("<>").rstrip(".").lower()


def _aligned(first: str, second: str) -> bool:
    """Relaxed alignment (RFC 7489 §3.1) without the public suffix list: the same domain, or one a
    subdomain of the other. Nobody can sign for, or send as, a bare public suffix."""
    if not first or not second or "." not in first or "." not in second:
        return False
    return first == second or first.endswith("." + second) or second.endswith("." + first)
