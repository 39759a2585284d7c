from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Delegation Portal"

    def ready(self):
        from .people import accounts  # noqa: F401  (connects its signal receivers)
