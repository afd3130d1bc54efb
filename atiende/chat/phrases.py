"""The widget's words, translated on the server into the page's language (the widget carries no
catalogue of its own), and the honest "when a person will answer" outside hours."""

from __future__ import annotations

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from atiende.core import clock
from atiende.tickets.models import Ticket

from .selectors import Availability


def widget_phrases() -> dict[str, str]:
    from .services import MAX_MESSAGE_CHARS

    return {
        "too_long": _("A chat message can have at most %(count)s characters.") % {"count": MAX_MESSAGE_CHARS},
        "open": _("Chat with us"),
        "close": _("Close the chat"),
        "title": _("Chat"),
        "name": _("Your name"),
        "email": _("Your email"),
        "email_optional": _("Your email (to get the answer if you leave)"),
        "question": _("How can we help?"),
        "start": _("Start the chat"),
        "message": _("Write a message"),
        "send": _("Send"),
        "waiting": _("Waiting for an agent…"),
        "joined": _("%(name)s joined the chat."),
        "typing": _("%(name)s is typing…"),
        "agent": _("Agent"),
        "you": _("You"),
        "read": _("Read"),
        "ended": _("The chat has ended. Any answer will reach your email."),
        "end": _("End the chat"),
        "transcript": _("Email me the transcript"),
        "attach": _("Attach a file"),
        "transcript_sent": _("We sent the transcript to your email."),
        "error": _("The message could not be sent. Try again."),
        "offline": _("The connection was lost. Reconnecting…"),
        "new_message": _("New message"),
    }


def offline_notice(available: Availability, language: str, *, ticket: Ticket | None = None) -> str:
    """Nobody can answer live: when a person will (the SLA's promise for the ticket when one is
    running, else the opening of business hours), and that it comes by email."""
    with translation.override(language):
        if ticket is not None:
            from atiende.sla.selectors import customer_promise

            promise = customer_promise(ticket=ticket, now=clock.now())
            if promise is not None:
                return _("%(promise)s The answer will reach your email; you may close this window.") % {
                    "promise": promise.text}
        if available.opens_at is not None:
            when = formats.date_format(timezone.localtime(available.opens_at), "DATETIME_FORMAT")
            return _("We are closed now. A person will read your message from %(when)s and answer by email.") % {
                "when": when}
        return _("Nobody can answer live right now. A person from our team will read your message and answer it by "
                 "email.")
