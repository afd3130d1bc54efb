"""The inbound side of the channel port: what a channel hands to the ticket core.

A channel app (email, WhatsApp, Telegram, phone, chat) turns what it received into an
`Inbound` and calls `tickets.services.inbound.inbound_receive` with it; `tickets` never imports
the channel. These values are plain data (no database, no Django models), so adapters build
them in tests and in background jobs alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO


@dataclass(frozen=True)
class SenderIdentity:
    """Who wrote it, as the channel knows them: an identity kind of `customers.IdentityKind`
    (email, phone, whatsapp, telegram, chat), its value as the channel gives it (normalized by
    the port: a WhatsApp `5215512345678` is the phone `+525512345678`), and the display name the
    channel shows (used only to name a new customer)."""

    kind: str
    value: str
    name: str = ""


@dataclass(frozen=True)
class InboundFile:
    """An attachment: its name, the type the channel claims (the stored type is sniffed from the
    bytes), the content as bytes or a seekable binary file, and the size the channel announced
    (when given, the content must have exactly that many bytes: a truncated download is refused)."""

    name: str
    content: bytes | BinaryIO
    content_type: str = ""
    size: int | None = None


@dataclass(frozen=True)
class Inbound:
    """One message from a channel.

    - `channel`: a `tickets.Channel` value that comes from outside (email, whatsapp, telegram,
      phone, chat).
    - `external_id`: the channel's own id for this message (`wamid…`, a Telegram `update_id`, a
      call id): the same id twice is the same message, taken in once.
    - `thread_key`: the conversation it belongs to on that channel (a WhatsApp number, a Telegram
      chat id, a chat session); messages with the same key go to the same ticket. Empty: every
      message opens a new ticket.
    - `text` / `html`: the body (HTML is sanitized); a message needs text or at least one file.
    - `received_at`: when the channel says it was sent (timezone-aware); None is now.
    - `subject`: for a new ticket; empty takes the first line of the text.
    - `team_id`: the team a new ticket goes to (the channel's own, e.g. a WhatsApp number's);
      None leaves it to routing. A follow-up of a closed ticket keeps that ticket's team.
    - `ticket_id`: the ticket the adapter has proven the message answers by its channel's own
      means (mail: a signed reply token, `[#n]`, Message-IDs, a reply's subject); it takes the
      message instead of the thread key, with the same rules (merged: the survivor; closed: a
      follow-up). A ticket that no longer exists is no hint.
    - `agent_id`: an agent the adapter has proven wrote it (mail: a reply token made for that
      agent, sent from their own address); their message on `ticket_id` is theirs, not the
      customer's. A new ticket is always the customer's.
    - `unverified_sender`: the channel could not confirm the sender (mail's failed
      Authentication-Results): the message opens a new ticket, never joins one, and agents see
      a warning on it.
    - `acknowledge`: a ticket this message opens is acknowledged through the adapter of its
      channel, after commit; False for senders who must get no automatic answer (mail:
      automatic mail, unverified senders, the hourly cap, imports).
    """

    channel: str
    external_id: str
    sender: SenderIdentity
    thread_key: str = ""
    text: str = ""
    html: str = ""
    files: tuple[InboundFile, ...] = ()
    received_at: datetime | None = None
    subject: str = ""
    team_id: int | None = None
    ticket_id: int | None = None
    agent_id: int | None = None
    unverified_sender: bool = False
    acknowledge: bool = True


@dataclass(frozen=True)
class InboundResult:
    """What became of a message: `outcome` is a `tickets.InboundOutcome` value; `duplicate` is
    True when the channel had delivered it before (the first result is returned again)."""

    outcome: str
    ticket_id: int | None
    message_id: int | None
    duplicate: bool = False
