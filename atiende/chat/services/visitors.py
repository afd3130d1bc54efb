"""The visitor's side of a conversation: starting it, writing, typing, reading, leaving."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.broadcast import broadcast_after_commit, ticket_group
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound, TooLarge
from atiende.core.mail import AUTO_GENERATED_HEADERS
from atiende.customers.models import IdentityKind
from atiende.tickets.inbound import Inbound, InboundFile, SenderIdentity
from atiende.tickets.models import Channel, DeliveryStatus, Message
from atiende.tickets.services.deliveries import delivery_status_record
from atiende.tickets.services.inbound import inbound_receive

from .. import selectors
from ..identity import identity_proved, origin_listed
from ..models import ChatSession, ChatSite, SessionState
from .responders import first_responders_offer

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 5000  # a chat line; a longer one is refused whole (413), nothing stored
MAX_NAME_CHARS = 120
MAX_PAGE_CHARS = 2000
MAX_TRANSCRIPTS = 3  # per session: the address is the visitor's word, not proved
VISITOR_GONE_SECONDS = 120  # no socket frame or poll for this long: replies go by email
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


def chat_group(public_id: str) -> str:
    return f"chat.{public_id}"


@dataclass(frozen=True)
class Started:
    session: ChatSession
    token: str  # shown once to the visitor's widget; only its hash is stored
    available: selectors.Availability


# --- visitors -----------------------------------------------------------------------------------

def session_start(*, site: ChatSite, origin: str | None, name: str, email: str, question: str, page_url: str = "",
                  page_title: str = "", language: str = "es-mx", proof: str = "") -> Started:
    """Open a conversation from the pre-chat form. Forbidden from an origin the site does not
    list or with a wrong identity proof; Invalid for a missing question, a bad email, or no email
    while nobody can answer live (the answer will go by email); TooLarge for an oversized question."""
    origin_check(site=site, origin=origin)
    name = " ".join((name or "").split())[:MAX_NAME_CHARS]
    email = (email or "").strip()
    question = _text(question)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Invalid(fields={"email": _("Enter a valid email address.")}) from None
    verified = False
    if proof:
        if not identity_proved(secret=site.identity_secret, email=email, proof=proof):
            raise Forbidden(_("The site could not prove who you are. Reload the page and try again."),
                            code="chat_identity_invalid")
        verified = True
    available = selectors.site_availability(site=site)
    if not available.open and not email:
        raise Invalid(_("Nobody can answer right now: leave your email and we will answer there."),
                      fields={"email": _("We need your email to answer you.")}, code="chat_email_required")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        session = ChatSession.objects.create(
            site=site, public_id="c" + secrets.token_urlsafe(18), token_sha256=_digest(token),
            visitor_id="v" + secrets.token_urlsafe(18), name=name, email=email, email_verified=verified,
            language="en" if (language or "").lower().startswith("en") else "es-mx",
            page_url=_page(page_url), page_title=" ".join((page_title or "").split())[:300], offline=not available.open,
        )
        result = inbound_receive(_inbound(session, "1", question))
        session.ticket_id = result.ticket_id
        session.save(update_fields=["ticket"])
        transaction.on_commit(lambda: first_responders_offer(session_id=session.pk))
    return Started(session=session, token=token, available=available)


def origin_check(*, site: ChatSite, origin: str | None) -> None:
    if not origin_listed(origin, site.allowed_origins):
        raise Forbidden(_("This site may not use the chat."), code="chat_origin_refused")


def visitor_message_send(*, session: ChatSession, text: str, client_id: str) -> Message:
    """A line from the visitor. `client_id` is the widget's id for it: sent twice (a retry after
    a dropped socket), it is taken in once."""
    text = _text(text)
    if not _CLIENT_ID.fullmatch(client_id or ""):
        raise Invalid(fields={"id": _("Use 1 to 40 letters, digits, hyphens or underscores.")})
    if session.state == SessionState.ENDED:
        raise Conflict(_("This conversation has ended."), code="chat_ended")
    with transaction.atomic():
        result = inbound_receive(_inbound(session, client_id, text))
        changes = {"visitor_seen_at": clock.now()}
        if result.ticket_id != session.ticket_id:  # a closed ticket's follow-up continues the chat
            changes["ticket_id"] = result.ticket_id
        ChatSession.objects.filter(pk=session.pk).update(**changes)
        for field, value in changes.items():
            setattr(session, field, value)
    return Message.objects.get(pk=result.message_id)


def visitor_file_send(*, session: ChatSession, upload: Any, client_id: str) -> Message:
    """A file from the visitor, checked as every attachment is (size cap: TooLarge, 413; the type
    sniffed from the bytes; a safe name)."""
    if not _CLIENT_ID.fullmatch(client_id or ""):
        raise Invalid(fields={"id": _("Use 1 to 40 letters, digits, hyphens or underscores.")})
    if upload is None:
        raise Invalid(fields={"file": _("Choose a file.")})
    if session.state == SessionState.ENDED:
        raise Conflict(_("This conversation has ended."), code="chat_ended")
    files = (InboundFile(name=upload.name or "", content=upload.file, content_type=upload.content_type or ""),)
    with transaction.atomic():
        result = inbound_receive(_inbound(session, client_id, "", files=files))
        ChatSession.objects.filter(pk=session.pk).update(visitor_seen_at=clock.now(), ticket_id=result.ticket_id)
        session.ticket_id = result.ticket_id
    return Message.objects.get(pk=result.message_id)


def visitor_page(*, session: ChatSession, page_url: str, page_title: str) -> None:
    """The visitor moved to another page of the site with the chat open: agents see where they are."""
    url, title = _page(page_url), " ".join((page_title or "").split())[:300]
    if url and (url, title) != (session.page_url, session.page_title):
        ChatSession.objects.filter(pk=session.pk).update(page_url=url, page_title=title)
        session.page_url, session.page_title = url, title


def visitor_seen(*, session: ChatSession) -> None:
    """The visitor's widget is there (a socket frame, a poll): replies stay in the chat."""
    now = clock.now()
    if (now - session.visitor_seen_at).total_seconds() >= 15:  # one write per 15 s is enough
        ChatSession.objects.filter(pk=session.pk).update(visitor_seen_at=now)
        session.visitor_seen_at = now


def visitor_typing(*, session: ChatSession, typing: bool | None) -> None:
    """Show the visitor in the chat (and typing, or not) on the ticket's page, through the live
    app's presence store (the entry's user id is the session's negated id: never a user); None:
    the visitor left."""
    from atiende.live import presence

    if session.ticket_id is None or session.state == SessionState.ENDED:
        return
    connection = f"chat:{session.public_id}"

    def change(entries: presence.Entries, at: float) -> None:
        if typing is None:
            entries.pop(connection, None)
            return
        entries[connection] = presence.Entry(user_id=-session.pk, name=session.name or _("Visitor"),
                                             expires=at + presence.SOCKET_SECONDS,
                                             typing_until=at + presence.TYPING_SECONDS if typing else 0.0)

    before, after = presence.entries_change(ticket_id=session.ticket_id, change=change)
    if _shown(before.get(connection)) != _shown(after.get(connection)):
        broadcast_after_commit(ticket_group(session.ticket_id), {"type": "presence.changed", "ticket_id": session.ticket_id})


def _shown(entry: dict | None) -> tuple[bool, bool]:
    from atiende.live import presence

    return entry is not None, entry is not None and entry["typing_until"] > presence.now()


def visitor_read(*, session: ChatSession, message_id: int) -> None:
    """The visitor's widget showed messages up to `message_id`: agents' replies (and the system's
    public messages, the first-responder bot's) up to it are read."""
    if message_id <= session.visitor_read_id:
        return
    newest = Message.objects.filter(ticket_id=session.ticket_id, pk__lte=message_id).order_by("-pk").values_list("pk", flat=True).first()
    if newest is None or newest <= session.visitor_read_id:
        return
    replies = Message.objects.filter(ticket_id=session.ticket_id, pk__gt=session.visitor_read_id, pk__lte=newest,
                                     author_kind__in=("agent", "system"), kind="public").values_list("pk", flat=True)
    for reply in replies:
        delivery_status_record(channel=Channel.CHAT, external_id=f"chat:{reply}", status=DeliveryStatus.READ)
    ChatSession.objects.filter(pk=session.pk, visitor_read_id__lt=newest).update(visitor_read_id=newest)
    session.visitor_read_id = newest


def agent_read_mark(*, session: ChatSession) -> int:
    """An agent has the conversation's ticket open: the visitor's lines so far are read. Returns
    the newest read id."""
    newest = (Message.objects.filter(ticket_id=session.ticket_id, author_kind="customer")
              .order_by("-pk").values_list("pk", flat=True).first()) or 0
    if newest > session.agent_read_id:
        ChatSession.objects.filter(pk=session.pk, agent_read_id__lt=newest).update(agent_read_id=newest)
        session.agent_read_id = newest
    return session.agent_read_id


def session_end(*, session: ChatSession, actor: User | None = None) -> ChatSession:
    """The visitor (actor None) or an agent who may work the chat ends it; later replies go by email."""
    if actor is not None:
        _check_agent(actor, session)
    if session.state != SessionState.ENDED:
        session.state, session.ended_at = SessionState.ENDED, clock.now()
        session.save(update_fields=["state", "ended_at"])
        broadcast_after_commit(chat_group(session.public_id), {"type": "chat.state", "session_id": session.pk})
    return session


def transcript_send(*, session: ChatSession) -> None:
    """Email the conversation so far to the visitor's address (at most MAX_TRANSCRIPTS times)."""
    from django.core.cache import cache

    if not session.email:
        raise Invalid(_("Give your email address first."), fields={"email": _("We need your email to send it.")})
    key = f"chat:transcripts:{session.pk}"
    cache.add(key, 0, 86400)
    if cache.incr(key) > MAX_TRANSCRIPTS:
        raise Conflict(_("The transcript was sent already."), code="chat_transcript_limit")
    lines = selectors.visitor_messages(session=session)
    with translation.override(session.language):
        you = _("You")
        body = "\n\n".join(f"[{m.at:%Y-%m-%d %H:%M} UTC] {you if m.mine else (m.author or _('Support'))}:\n{m.text}"
                           for m in lines)
        subject = _("Transcript of your chat with %(site)s") % {"site": session.site.name}
    mail = EmailMessage(subject=subject, body=body + "\n", from_email=settings.DEFAULT_FROM_EMAIL, to=[session.email],
                        headers=AUTO_GENERATED_HEADERS)
    transaction.on_commit(lambda: _send(mail))


def visitor_gone(session: ChatSession) -> bool:
    if session.state == SessionState.ENDED:
        return True
    return (clock.now() - session.visitor_seen_at).total_seconds() > VISITOR_GONE_SECONDS


def _check_agent(actor: User, session: ChatSession) -> None:
    if not selectors.sessions_visible(actor).filter(pk=session.pk).exists():
        raise NotFound()


# --- helpers ------------------------------------------------------------------------------------

def _inbound(session: ChatSession, client_id: str, text: str, *, files: tuple[InboundFile, ...] = ()) -> Inbound:
    if session.email_verified:
        sender = SenderIdentity(kind=IdentityKind.EMAIL, value=session.email, name=session.name)
    else:
        sender = SenderIdentity(kind=IdentityKind.CHAT, value=session.visitor_id, name=session.name)
    return Inbound(channel=Channel.CHAT, external_id=f"{session.public_id}:{client_id}", sender=sender,
                   thread_key=session.public_id, text=text, files=files, team_id=session.site.team_id)


def _text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise Invalid(fields={"text": _("Write a message.")})
    if len(text) > MAX_MESSAGE_CHARS:
        raise TooLarge(_("A chat message can have at most %(count)s characters.") % {"count": MAX_MESSAGE_CHARS},
                       code="message_too_large")
    if "\x00" in text:
        raise Invalid(fields={"text": _("Write a message.")})
    return text


def _page(url: str) -> str:
    url = (url or "").strip()
    if not url.lower().startswith(("https://", "http://")) or any(ord(c) < 32 for c in url):
        return ""
    return url[:MAX_PAGE_CHARS]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send(mail: EmailMessage) -> None:
    try:
        mail.send()
    except Exception:  # the transcript is a courtesy: a mail server down must not fail the chat
        logger.exception("Chat transcript to %s not sent", mail.to)


