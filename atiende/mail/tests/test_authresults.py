"""Authentication-Results (RFC 8601): the parser on real and hostile values, the verdict, and
which header counts (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atiende.mail.authresults import MethodResult, Verdict, parse, sender_check, trusted_results

GMAIL = (
    "mx.google.com;\r\n       dkim=pass header.i=@tienda-a.mx header.s=s1 header.b=AbC;\r\n"
    "       spf=pass (google.com: domain of ana@tienda-a.mx designates 1.2.3.4 as permitted sender)"
    " smtp.mailfrom=ana@tienda-a.mx;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=tienda-a.mx"
)


def test_a_real_header_with_comments_and_several_results():
    parsed = parse(GMAIL)
    assert (parsed.authserv_id, parsed.version) == ("mx.google.com", None)
    assert parsed.results == (
        MethodResult("dkim", "pass", "", {"header.i": "@tienda-a.mx", "header.s": "s1", "header.b": "AbC"}),
        MethodResult("spf", "pass", "", {"smtp.mailfrom": "ana@tienda-a.mx"}),
        MethodResult("dmarc", "pass", "", {"header.from": "tienda-a.mx"}),
    )


@pytest.mark.parametrize(("value", "expected"), [
    ("example.org 1; none", ("example.org", 1, ())),
    ("example.org; none", ("example.org", None, ())),
    ('"mx ours" ; spf=fail smtp.mailfrom=x@y.mx', ("mx ours", None, (MethodResult("spf", "fail", "", {"smtp.mailfrom": "x@y.mx"}),))),
    # Comments may hold ";" and "=" and nest; a quoted reason may hold ";" too.
    ("mx.ours (a; b=c (nested; x=y)); dkim=pass (1024-bit key; secure) reason=\"ok; fine\" header.d=a.mx",
     ("mx.ours", None, (MethodResult("dkim", "pass", "ok; fine", {"header.d": "a.mx"}),))),
    # Whitespace inside a method version and a property name (CFWS is allowed there).
    ("mx.ours; dkim / 1 = pass header . d = a.mx", ("mx.ours", None, (MethodResult("dkim", "pass", "", {"header.d": "a.mx"}),))),
    # A quoted local part keeps its domain.
    ('mx.ours; spf=pass smtp.mailfrom="ana b"@a.mx', ("mx.ours", None, (MethodResult("spf", "pass", "", {"smtp.mailfrom": "ana b@a.mx"}),))),
    # Unknown methods are kept; unreadable results and empty ones are left out.
    ("MX.Ours; X-Custom=Neutral policy.foo=bar; ;; spf; =pass; dkim=",
     ("mx.ours", None, (MethodResult("x-custom", "neutral", "", {"policy.foo": "bar"}),))),
    # The first value of a repeated property wins.
    ("mx.ours; dmarc=fail header.from=a.mx header.from=b.mx", ("mx.ours", None, (MethodResult("dmarc", "fail", "", {"header.from": "a.mx"}),))),
])
def test_edge_cases(value, expected):
    parsed = parse(value)
    assert (parsed.authserv_id, parsed.version, parsed.results) == expected


@pytest.mark.parametrize("value", [
    "", "   ", "dkim=pass", "; dkim=pass", "mx.ours (never closed; dkim=pass", 'mx.ours; reason="open',
    "mx.ours extra words; dkim=pass", "x" * 20_000,
])
def test_values_that_are_not_a_verdict(value):
    assert parse(value) is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parsing_never_raises(value):
    parsed = parse(value)
    assert parsed is None or (parsed.authserv_id and all(r.method and r.result for r in parsed.results))


TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
COMMENT = st.text(alphabet="abc ;=.@\"", max_size=15).map(lambda text: f"({text.replace(chr(34), '')})")
SPACE = st.sampled_from([" ", "  ", "\t", " ", "\r\n "])


@settings(max_examples=200, deadline=None)
@given(
    authserv=TOKEN.map(lambda t: f"mx.{t}"),
    results=st.lists(st.tuples(TOKEN, TOKEN, st.lists(st.tuples(st.sampled_from(["smtp", "header", "policy"]), TOKEN, TOKEN),
                                                    max_size=3, unique_by=lambda p: (p[0], p[1]))), min_size=1, max_size=4),
    comment=st.none() | COMMENT,
    space=SPACE,
)
def test_what_is_written_is_read_back_whatever_the_comments_and_folding(authserv, results, comment, space):
    pieces = [authserv]
    for method, result, props in results:
        text = f"{method}={result}"
        if comment:
            text += f"{space}{comment}"
        for ptype, prop, value in props:
            text += f"{space}{ptype}.{prop}={value}"
        pieces.append(text)
    parsed = parse(f";{space}".join(pieces))
    assert parsed.authserv_id == authserv
    assert [(r.method, r.result, r.properties) for r in parsed.results] == [
        (method, result, {f"{ptype}.{prop}": value for ptype, prop, value in props}) for method, result, props in results
    ]


# --- which header counts, and the verdict -------------------------------------------------------

def ar(value: str) -> tuple[str, str]:
    return ("authentication-results", value)


def check(*values: str, domain: str = "tienda-a.mx", trusted=("mx.nopal.mx",)):
    return sender_check([ar(v) for v in values], trusted_ids=trusted, from_domain=domain)


def test_only_the_topmost_header_of_a_trusted_authserv_id_counts():
    mta = "mx.nopal.mx; dmarc=fail header.from=tienda-a.mx"
    forged = "mx.nopal.mx; dmarc=pass header.from=tienda-a.mx"
    other = "mx.elsewhere.mx; dmarc=pass header.from=tienda-a.mx"
    assert check(mta, forged).verdict == Verdict.FAIL  # the sender's copy sits below the MTA's
    assert check(other, mta, forged).verdict == Verdict.FAIL  # another server's verdict is not ours
    assert check(other).verdict == Verdict.NONE
    assert check(forged, trusted=()).verdict == Verdict.NONE  # nothing trusted: no verdict at all
    headers = [("received", "from x"), ar(other), ("subject", "hola"), ar(mta)]
    assert trusted_results(headers, ["MX.NOPAL.MX", " "]).results[0].result == "fail"


@pytest.mark.parametrize(("value", "verdict"), [
    ("mx.nopal.mx; dmarc=pass header.from=tienda-a.mx", Verdict.PASS),
    ("mx.nopal.mx; dmarc=pass", Verdict.PASS),
    ("mx.nopal.mx; dmarc=fail (p=none) header.from=tienda-a.mx; dkim=pass header.d=tienda-a.mx", Verdict.FAIL),
    ("mx.nopal.mx; dmarc=pass header.from=otro.mx", Verdict.FAIL),  # about another From: no aligned pass
    # Without a DMARC verdict, one aligned pass is enough...
    ("mx.nopal.mx; dmarc=none header.from=tienda-a.mx; dkim=pass header.d=correo.tienda-a.mx", Verdict.PASS),
    ("mx.nopal.mx; dkim=pass header.i=@tienda-a.mx", Verdict.PASS),
    ("mx.nopal.mx; dmarc=temperror; spf=pass smtp.mailfrom=rebotes@tienda-a.mx", Verdict.PASS),
    ("mx.nopal.mx; spf=pass smtp.mailfrom=tienda-a.mx", Verdict.PASS),
    ("mx.nopal.mx; spf=pass smtp.helo=mx.tienda-a.mx", Verdict.PASS),  # a bounce: null envelope sender
    ("mx.nopal.mx; spf=pass smtp.mailfrom=x@otro.mx smtp.helo=mx.tienda-a.mx", Verdict.FAIL),
    # ...and a pass for someone else's domain is none.
    ("mx.nopal.mx; dkim=pass header.d=sendgrid.net; spf=pass smtp.mailfrom=bounces@sendgrid.net", Verdict.FAIL),
    ("mx.nopal.mx; dkim=pass header.d=mx; spf=pass smtp.mailfrom=x@a-tienda-a.mx", Verdict.FAIL),
    ("mx.nopal.mx; spf=softfail smtp.mailfrom=tienda-a.mx; dkim=none", Verdict.FAIL),
    ("mx.nopal.mx; spf=none; dkim=none", Verdict.FAIL),  # a domain that publishes nothing proves nothing
    ("mx.nopal.mx; none", Verdict.FAIL),
    ("mx.nopal.mx; dkim=fail header.d=tienda-a.mx", Verdict.FAIL),
])
def test_the_verdict(value, verdict):
    assert check(value).verdict == verdict


def test_the_verdict_says_what_decided_it():
    assert check("mx.nopal.mx; dmarc=fail header.from=tienda-a.mx").detail == "dmarc=fail header.from=tienda-a.mx"
    assert check("mx.nopal.mx; spf=softfail; dkim=none").detail == "no aligned SPF or DKIM pass: spf=softfail, dkim=none"
    assert check("mx.nopal.mx; dmarc=pass", domain="").verdict == Verdict.FAIL
