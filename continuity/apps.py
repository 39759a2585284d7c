from django.apps import AppConfig


class ContinuityConfig(AppConfig):
    name = "continuity"
    verbose_name = "Business continuity"

    def ready(self):
        from thrive.models import Role
        from thrive.registry import NavEntry, add_demo_loader, add_navigation

        from .records import RECORDING_ROLES

        add_navigation(
            NavEntry(80, "Downtime tracker", "continuity:tracker", roles=tuple(RECORDING_ROLES)),
            NavEntry(103, "Read-only mode", "continuity:read_only", roles=(Role.SYSTEM_ADMIN,)),
        )
        add_demo_loader(60, "continuity.demo.load_demo_continuity")
