from django.apps import AppConfig


class ThriveConfig(AppConfig):
    name = "thrive"
    verbose_name = "Thrive core"

    def ready(self):
        from . import signals  # noqa: F401  (audit of sign-in and sign-out)
