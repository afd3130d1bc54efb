"""Raw Telegram updates name the sender and carry their text (atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import Subject, containing, register

from .models import TelegramUpdate


def _erase(subject: Subject) -> None:
    containing(TelegramUpdate.objects.all(), "body", subject.strings).delete()


register(
    "telegram",
    covers=["telegram.TelegramUpdate"],  # raw provider payloads: erased, not exported (the messages are)
    exempt={"telegram.TelegramBot": "The company's bots and credentials."},
    erase=_erase,
)
