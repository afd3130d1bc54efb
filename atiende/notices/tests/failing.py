"""A mail backend whose server refuses one address (for the failure test)."""

from django.core.mail.backends.locmem import EmailBackend


class RefusesBeto(EmailBackend):
    def send_messages(self, messages):
        if any("beto@tienda-a.mx" in m.to for m in messages):
            raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)
