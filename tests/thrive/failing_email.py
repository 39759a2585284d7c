from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    """An email backend whose server is always down: the edge we mock."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")
