from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "selfservice"
    verbose_name = "Password self-service"

    def ready(self):
        from thrive.models import Role
        from thrive.registry import NavEntry, add_demo_loader, add_navigation

        from . import signals  # noqa: F401  (password state noted at sign-in)

        add_navigation(
            NavEntry(
                70,
                "Account requests",
                "selfservice:requests",
                roles=(Role.SERVICE_MANAGER, Role.TRAY_ADMIN),
            ),
            NavEntry(101, "Accounts", "selfservice:administration", roles=(Role.SYSTEM_ADMIN,)),
        )
        add_demo_loader(20, "selfservice.demo.load_demo_selfservice")
