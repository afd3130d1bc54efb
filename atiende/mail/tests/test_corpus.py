"""About 200 real messages nobody here wrote: each parses or is quarantined with a reason.

Sources (see corpus.py): CPython's email test data (48), mail-parser 4.8.0 `tests/mails/`
(23: Outlook, malformed), flufl.bounce 6.0.0 `tests/data/` (117 real bounces, broken charsets)
and talon 1.4.4 `tests/fixtures/` (13 replies from Gmail, Outlook, Apple Mail, iPhone,
Thunderbird…).
"""

from __future__ import annotations

import email
from collections import Counter
from email import policy

import pytest

from atiende.mail.automatic import AutomaticKind, classify
from atiende.mail.parsing import Quarantine, parse_message
from atiende.mail.reply import split_reply

from .corpus import CorpusMessage, all_messages, unavailable

# The standard parser alone (modern policy, then get_content() on every leaf) raises on these:
# multiparts whose boundary is missing or never appears (KeyError) and an unknown charset.
STDLIB_RAISES = {
    "cpython/msg_15.txt", "cpython/msg_17.txt", "cpython/msg_25.txt", "cpython/msg_31.txt",
    "cpython/msg_39.txt", "cpython/msg_41.txt", "cpython/msg_42.txt",
    "flufl.bounce/qmail_08.txt",
    "mail-parser/mail_malformed_1", "mail-parser/mail_malformed_2", "mail-parser/mail_malformed_3",
}
QUARANTINED = {
    "cpython/msg_19.txt": "not_email",  # a digest body without its headers
    "mail-parser/mail_outlook_1": "not_email",  # an Outlook .msg file, not RFC 5322
}
# In flufl.bounce's data, this one is a person's reply (Spanish, Outlook); all others bounce.
FLUFL_NOT_AUTOMATIC = {"groupwise_03.txt"}


@pytest.fixture(scope="module")
def corpus() -> list[CorpusMessage]:
    return all_messages()


def _stdlib_raises(raw: bytes) -> bool:
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
        for name in msg.keys():
            str(msg[name])
        for part in msg.walk():
            if not part.is_multipart():
                part.get_content()
    except Exception:
        return True
    return False


def test_corpus_sizes(corpus):
    assert Counter(message.source for message in corpus) == {
        "cpython": 48, "mail-parser": 23, "flufl.bounce": 117, "talon": 13,
    }


def test_every_message_parses_or_is_quarantined_and_none_raises(corpus):
    outcomes: dict[str, str] = {}
    for message in corpus:
        try:
            parsed = parse_message(message.raw, max_attachment_bytes=10 * 1024 * 1024)
        except Quarantine as problem:
            assert problem.reason
            outcomes[message.label] = problem.code
            continue
        classify(parsed)
        split_reply(parsed.text)
        outcomes[message.label] = "parsed"
    quarantined = {label: code for label, code in outcomes.items() if code != "parsed"}
    assert quarantined == QUARANTINED
    assert Counter(outcomes.values()) == {"parsed": 199, "not_email": 2}


def test_the_standard_parser_alone_raises_on_eleven_of_them(corpus):
    raising = {message.label for message in corpus if _stdlib_raises(message.raw)}
    assert raising == STDLIB_RAISES
    assert all(label not in QUARANTINED for label in raising)  # we read every one of them


def test_bounces_are_automatic_so_they_create_no_tickets(corpus):
    kinds: Counter[str] = Counter()
    with_recipients = 0
    for message in corpus:
        if message.source != "flufl.bounce":
            continue
        result = classify(parse_message(message.raw))
        if message.name in FLUFL_NOT_AUTOMATIC:
            assert result is None, message.label
            continue
        assert result is not None, message.label
        kinds[result.kind] += 1
        with_recipients += bool(result.bounce and result.bounce.recipients)
    # qmail_08 is an auto-reply (Precedence: auto_reply); simple_38 is a rejection sent as a
    # read receipt (report-type=disposition-notification).
    assert kinds == {
        AutomaticKind.BOUNCE: 114, AutomaticKind.AUTO_REPLY: 1, AutomaticKind.AUTO_GENERATED: 1,
    }
    assert with_recipients == 110


def test_replies_from_other_clients_are_people_and_split_cleanly(corpus):
    replies = [message for message in corpus if message.source == "talon"]
    for message in replies:
        parsed = parse_message(message.raw)
        assert classify(parsed) is None, message.label
        reply, _rest = split_reply(parsed.text)
        if message.name.startswith("standard_replies/"):
            assert reply == "Hello", message.label


def test_a_missing_corpus_skips_on_a_laptop_and_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        unavailable("no network")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        unavailable("no network")
