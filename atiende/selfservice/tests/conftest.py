"""The channels' own fixtures, for the bot's tests: the chat site and an agent online, the SLA's
24/7 calendar, the fake Graph API with a WhatsApp number, the fake Bot API with a Telegram bot."""

from atiende.chat.tests.conftest import online, site  # noqa: F401
from atiende.sla.tests.conftest import always  # noqa: F401
from atiende.telegram.tests.conftest import bot, botapi  # noqa: F401
from atiende.whatsapp.tests.conftest import graph, number  # noqa: F401
