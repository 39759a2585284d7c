from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "selfservice"
    verbose_name = "Password self-service"

    def ready(self):
        from . import signals  # noqa: F401  (password state noted at sign-in)
